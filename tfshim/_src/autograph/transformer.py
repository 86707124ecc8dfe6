"""AutoGraph's source-to-source converter: a function's ``ast`` in, a function calling ``ag__`` operators out.

Passes, in order, over each function definition (nested ones are converted the same way):

1. ``return`` inside ``if``/loops becomes ``do_return = True; retval_ = value`` (plus ``break`` in a loop) and
   the statements after a statement that may return are guarded by ``if not do_return:``.
2. ``break``/``continue`` become assignments to a flag (``break_N`` / ``continue_N``); the statements after
   them are guarded by ``if not flag:`` and a loop with ``break`` gets the flag as an extra loop test.
3. ``if``/``while``/``for`` become nested functions of the names they assign (those read elsewhere in the
   function) and a call to ``ag__.if_stmt`` / ``while_stmt`` / ``for_stmt``; ``and``/``or``/``not``,
   conditional expressions, ``len`` and ``range`` in a ``for`` header become ``ag__`` calls, and other calls
   go through ``ag__.converted_call`` (TF's ``recursive=True``).

Every local the function assigns starts as ``ag__.Undefined(name)``, so a statement's state can always be
passed as arguments. Generated nodes take the line numbers of the statements they replace, so tracebacks
point at the user's source.
"""

from __future__ import annotations

import ast
import itertools
from typing import Any

PREFIX = "ag__"
_GEN = ("if_true_", "if_false_", "loop_body_", "loop_test_", "extra_test_", "itr_")
_NO_CONVERT_CALLS = {
    "super", "isinstance", "issubclass", "getattr", "setattr", "hasattr", "type", "locals", "globals", "vars",
    "id", "iter", "next", "callable", "print", "tuple", "list", "dict", "set", "zip", "enumerate", "map", "filter",
    "int", "float", "bool", "str", "repr", "min", "max", "abs", "sum", "sorted", "reversed", "object",
    "range", "len", "eval", "exec", "format", "divmod", "round", "all", "any",
}


def _name(id_: str, ctx: Any = None) -> ast.Name:
    return ast.Name(id=id_, ctx=ctx or ast.Load())


def _ag(attr: str) -> ast.Attribute:
    return ast.Attribute(value=_name(PREFIX), attr=attr, ctx=ast.Load())


def _call(func: ast.expr, args: list, keywords: list | None = None) -> ast.Call:
    return ast.Call(func=func, args=args, keywords=keywords or [])


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign(targets=[_name(name, ast.Store())], value=value)


def _tuple(names: list, ctx: Any = None) -> ast.Tuple:
    return ast.Tuple(elts=[_name(n, ctx or ast.Load()) for n in names], ctx=ctx or ast.Load())


def _strs(names: list) -> ast.Tuple:
    return ast.Tuple(elts=[ast.Constant(n) for n in names], ctx=ast.Load())


# ---------------------------------------------------------------------------------- name analysis
class _Stores(ast.NodeVisitor):
    """Names bound by statements, not descending into nested scopes (but counting their names)."""

    def __init__(self) -> None:
        self.names: list = []

    def _add(self, n: str) -> None:
        if n not in self.names:
            self.names.append(n)

    def visit_Name(self, node: ast.Name) -> None:  # noqa: N802
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._add(node.id)

    def visit_FunctionDef(self, node: Any) -> None:  # noqa: N802
        self._add(node.name)
        for d in node.decorator_list:
            self.visit(d)

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815
    visit_ClassDef = visit_FunctionDef  # noqa: N815

    def visit_Lambda(self, node: ast.Lambda) -> None:  # noqa: N802
        pass

    def _comp(self, node: Any) -> None:
        pass

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comp  # noqa: N815

    def visit_Import(self, node: Any) -> None:  # noqa: N802
        for a in node.names:
            self._add((a.asname or a.name).split(".")[0])

    visit_ImportFrom = visit_Import  # noqa: N815

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:  # noqa: N802
        if node.name:
            self._add(node.name)
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:  # noqa: N802
        self._add(node.target.id)
        self.visit(node.value)


def stores(nodes: list) -> list:
    v = _Stores()
    for n in nodes:
        v.visit(n)
    return [n for n in v.names if not n.startswith(_GEN) and n != PREFIX]


def loads(node: Any) -> set:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _contains(nodes: list, kinds: tuple, stop: tuple = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                                            ast.ClassDef)) -> bool:
    todo = list(nodes)
    while todo:
        n = todo.pop()
        if isinstance(n, kinds):
            return True
        if isinstance(n, stop):
            continue
        todo.extend(ast.iter_child_nodes(n))
    return False


_LOOPS = (ast.For, ast.While)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


# --------------------------------------------------------------------------------- pass 1: return
def _has_return(nodes: list) -> bool:
    return _contains(nodes, (ast.Return,))


def _lower_returns(body: list, in_loop: bool) -> list:
    out: list = []
    for k, s in enumerate(body):
        if isinstance(s, ast.Return):
            val = s.value if s.value is not None else ast.Constant(None)
            out.append(ast.copy_location(_assign("do_return", ast.Constant(True)), s))
            out.append(ast.copy_location(_assign("retval_", val), s))
            if in_loop:
                out.append(ast.copy_location(ast.Break(), s))
            return out
        if not isinstance(s, _SCOPES) and _has_return([s]):
            if isinstance(s, ast.If):
                s.body = _lower_returns(s.body, in_loop)
                s.orelse = _lower_returns(s.orelse, in_loop)
            elif isinstance(s, _LOOPS):
                s.body = _lower_returns(s.body, True)
                s.orelse = _lower_returns(s.orelse, in_loop)
            elif isinstance(s, (ast.With, ast.AsyncWith)):
                s.body = _lower_returns(s.body, in_loop)
            elif isinstance(s, ast.Try):
                s.body = _lower_returns(s.body, in_loop)
                for h in s.handlers:
                    h.body = _lower_returns(h.body, in_loop)
                s.orelse = _lower_returns(s.orelse, in_loop)
                s.finalbody = _lower_returns(s.finalbody, in_loop)
            out.append(s)
            if isinstance(s, _LOOPS) and in_loop:
                out.append(ast.copy_location(ast.If(test=_name("do_return"), body=[ast.Break()], orelse=[]), s))
            rest = body[k + 1 :]
            if rest:
                guard = ast.If(test=ast.UnaryOp(op=ast.Not(), operand=_name("do_return")),
                               body=_lower_returns(rest, in_loop), orelse=[])
                out.append(ast.copy_location(guard, rest[0]))
            return out
        out.append(s)
    return out


# ------------------------------------------------------------------------- pass 2: break/continue
def _loop_jumps(nodes: list, kind: type) -> bool:
    """Whether ``nodes`` contain a ``kind`` (Break/Continue) that belongs to the enclosing loop."""
    todo = list(nodes)
    while todo:
        n = todo.pop()
        if isinstance(n, kind):
            return True
        if isinstance(n, _SCOPES) or isinstance(n, _LOOPS):
            if isinstance(n, _LOOPS):
                todo.extend(n.orelse)  # a loop's else belongs to the outer loop
            continue
        todo.extend(ast.iter_child_nodes(n))
    return False


def _guard_jumps(body: list, kind: type, flag: str) -> list:
    out: list = []
    for k, s in enumerate(body):
        if isinstance(s, kind):
            out.append(ast.copy_location(_assign(flag, ast.Constant(True)), s))
            return out
        if not isinstance(s, _SCOPES) and _loop_jumps([s], kind):
            if isinstance(s, ast.If):
                s.body = _guard_jumps(s.body, kind, flag)
                s.orelse = _guard_jumps(s.orelse, kind, flag)
            elif isinstance(s, _LOOPS):
                s.orelse = _guard_jumps(s.orelse, kind, flag)
            elif isinstance(s, (ast.With, ast.AsyncWith)):
                s.body = _guard_jumps(s.body, kind, flag)
            elif isinstance(s, ast.Try):
                s.body = _guard_jumps(s.body, kind, flag)
                for h in s.handlers:
                    h.body = _guard_jumps(h.body, kind, flag)
                s.orelse = _guard_jumps(s.orelse, kind, flag)
            out.append(s)
            rest = body[k + 1 :]
            if rest:
                guard = ast.If(test=ast.UnaryOp(op=ast.Not(), operand=_name(flag)),
                               body=_guard_jumps(rest, kind, flag), orelse=[])
                out.append(ast.copy_location(guard, rest[0]))
            return out
        out.append(s)
    return out


class _Counter:
    def __init__(self) -> None:
        self.c = itertools.count(1)

    def next(self) -> int:
        return next(self.c)


def _lower_jumps(body: list, counter: _Counter) -> list:
    """Lower break/continue of every loop in ``body`` (innermost first); returns the new statement list."""
    out: list = []
    for s in body:
        if isinstance(s, _SCOPES):
            out.append(s)
            continue
        for field in ("body", "orelse", "finalbody"):
            if hasattr(s, field) and isinstance(getattr(s, field), list):
                setattr(s, field, _lower_jumps(getattr(s, field), counter))
        if isinstance(s, ast.Try):
            for h in s.handlers:
                h.body = _lower_jumps(h.body, counter)
        if isinstance(s, _LOOPS):
            pre: list = []
            post: list = []
            if _loop_jumps(s.body, ast.Continue):
                flag = f"continue_{counter.next()}"
                s.body = [ast.copy_location(_assign(flag, ast.Constant(False)), s.body[0])] + _guard_jumps(
                    s.body, ast.Continue, flag)
            if _loop_jumps(s.body, ast.Break):
                flag = f"break_{counter.next()}"
                pre.append(ast.copy_location(_assign(flag, ast.Constant(False)), s))
                s.body = _guard_jumps(s.body, ast.Break, flag)
                not_flag = ast.UnaryOp(op=ast.Not(), operand=_name(flag))
                if isinstance(s, ast.While):
                    s.test = ast.BoolOp(op=ast.And(), values=[not_flag, s.test])
                else:
                    s._ag_extra_test = flag  # type: ignore[attr-defined]
                if s.orelse:
                    post.append(ast.copy_location(ast.If(test=ast.UnaryOp(op=ast.Not(), operand=_name(flag)),
                                                         body=s.orelse, orelse=[]), s))
                    s.orelse = []
            if s.orelse:
                post.extend(s.orelse)
                s.orelse = []
            out.extend(pre + [s] + post)
            continue
        out.append(s)
    return out


# ------------------------------------------------------------------------ pass 3: control flow
class _Converter(ast.NodeTransformer):
    def __init__(self, fn_node: Any, counter: _Counter, self_name: str | None, declared: list):
        self.fn = fn_node
        self.counter = counter
        self.self_name = self_name
        self.declared = declared  # global / nonlocal names of the function
        self.globals_ = {n for s in ast.walk(fn_node) if isinstance(s, ast.Global) for n in s.names}

    # -- expressions ---------------------------------------------------------------------------
    def visit_BoolOp(self, node: ast.BoolOp) -> Any:  # noqa: N802
        self.generic_visit(node)
        op = "and_" if isinstance(node.op, ast.And) else "or_"
        vals = node.values
        expr = vals[-1]
        for v in reversed(vals[:-1]):
            expr = _call(_ag(op), [_lambda(v), _lambda(expr)])
        return ast.copy_location(expr, node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:  # noqa: N802
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.copy_location(_call(_ag("not_"), [node.operand]), node)
        return node

    def visit_IfExp(self, node: ast.IfExp) -> Any:  # noqa: N802
        self.generic_visit(node)
        return ast.copy_location(_call(_ag("if_exp"), [node.test, _lambda(node.body), _lambda(node.orelse)]), node)

    def visit_Call(self, node: ast.Call) -> Any:  # noqa: N802
        self.generic_visit(node)
        f = node.func
        if isinstance(f, ast.Name):
            if f.id == "len" and len(node.args) == 1 and not node.keywords:
                return ast.copy_location(_call(_ag("len_"), node.args), node)
            if f.id == "super" and not node.args and self.self_name:
                node.args = [_name("__class__"), _name(self.self_name)]
                return node
            if f.id in _NO_CONVERT_CALLS or f.id == PREFIX:
                return node
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == PREFIX:
            return node
        node.func = ast.copy_location(_call(_ag("converted_call"), [f]), f)
        return node

    def visit_Lambda(self, node: ast.Lambda) -> Any:  # noqa: N802
        self.generic_visit(node)
        return node

    def visit_FunctionDef(self, node: Any) -> Any:  # noqa: N802
        if node is self.fn:
            return self.generic_visit(node)
        return convert_function_def(node, self.counter)

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    # -- statements ----------------------------------------------------------------------------
    def _live_outside(self, node: Any) -> set:
        """Names read anywhere in the function outside ``node``."""
        inside = {id(n) for n in ast.walk(node)}
        out = {n.id for n in ast.walk(self.fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
               and id(n) not in inside}
        return out | {n for n in stores([node]) if n.startswith(("break_", "continue_", "do_return", "retval_"))}

    def _def(self, name: str, params: list, body: list, returns: list, like: Any) -> ast.FunctionDef:
        decl: list = []
        own = set(stores(body))
        g = [n for n in self.declared if n in own and n in self.globals_]
        if g:
            decl.append(ast.Global(names=g))
        nl = [n for n in self.declared if n in own and n not in self.globals_]
        if nl:
            decl.append(ast.Nonlocal(names=nl))
        body = decl + (body or [ast.Pass()]) + [ast.Return(value=_tuple(returns))]
        args = ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params], vararg=None, kwonlyargs=[],
                             kw_defaults=[], kwarg=None, defaults=[])
        fd = ast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None)
        return ast.copy_location(fd, like)


    def _state_names(self, node: Any, bodies: list) -> tuple[list, list]:
        names = [n for n in stores(bodies) if n not in self.declared]
        live = self._live_outside(node)
        inside = set().union(*[loads(b) for b in bodies]) if bodies else set()
        return [n for n in names if n in live or n in inside], [n for n in names if n in live]

    def visit_If(self, node: ast.If) -> Any:  # noqa: N802
        node.test = self.visit(node.test)
        names, live = self._state_names(node, node.body + node.orelse)
        body = self._stmts(node.body)
        orelse = self._stmts(node.orelse)
        k = self.counter.next()
        t, f = f"if_true_{k}", f"if_false_{k}"
        call = _call(_ag("if_stmt"), [node.test, _name(t), _name(f), _tuple(names), _strs(names), _strs(live)])
        res: list = [self._def(t, names, body, names, node), self._def(f, names, orelse, names, node)]
        res.append(ast.copy_location(ast.Assign(targets=[_tuple(names, ast.Store())], value=call), node)
                   if names else ast.copy_location(ast.Expr(value=call), node))
        return res

    def _loop_names(self, node: Any) -> tuple[list, list]:
        names = [n for n in stores(node.body) if n not in self.declared]
        live = self._live_outside(node)
        inside = loads(node)
        state = [n for n in names if n in live or n in inside]
        if isinstance(node, ast.For):  # the target is set at the top of each iteration: state only if read after
            targets = stores([ast.Assign(targets=[node.target], value=ast.Constant(0))])
            state = [n for n in targets if n in live and n not in state] + state
            names = targets + names
        return state, [n for n in names if n in live]

    def _opts(self, body: list) -> tuple[list, ast.expr]:
        """Pull ``set_loop_options(...)`` calls out of a loop body: (new body, the options dict). The dict also
        gets ``_lists``: the objects the body calls ``.append`` on (a Python list there is TF's error)."""
        keywords: list = []
        appended = sorted({n.func.value.id for n in ast.walk(ast.Module(body=body, type_ignores=[]))
                           if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                           and n.func.attr == "append" and isinstance(n.func.value, ast.Name)})
        if appended:
            keywords.append(ast.keyword(arg="_lists", value=ast.Dict(
                keys=[ast.Constant(n) for n in appended], values=[_name(n) for n in appended])))
        out = []
        for s in body:
            if (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                    and ((isinstance(s.value.func, ast.Attribute) and s.value.func.attr == "set_loop_options")
                         or (isinstance(s.value.func, ast.Name) and s.value.func.id == "set_loop_options"))):
                keywords.extend(s.value.keywords)
                continue
            out.append(s)
        return out, ast.Dict(keys=[ast.Constant(k.arg) for k in keywords], values=[k.value for k in keywords])

    def visit_While(self, node: ast.While) -> Any:  # noqa: N802
        node.test = self.visit(node.test)
        body, opts = self._opts(node.body)
        names, live = self._loop_names(node)
        body = self._stmts(body)
        k = self.counter.next()
        t, b = f"loop_test_{k}", f"loop_body_{k}"
        test_def = self._def(t, names, [], [], node)
        test_def.body = [ast.Return(value=node.test)]
        call = _call(_ag("while_stmt"), [_name(t), _name(b), _tuple(names), _strs(names), opts, _strs(live)])
        res = [test_def, self._def(b, names, body, names, node)]
        res.append(ast.copy_location(ast.Assign(targets=[_tuple(names, ast.Store())], value=call), node)
                   if names else ast.copy_location(ast.Expr(value=call), node))
        return res

    def visit_For(self, node: ast.For) -> Any:  # noqa: N802
        node.iter = self.visit(node.iter)
        it = node.iter
        if isinstance(it, ast.Call):
            f = it.func
            if isinstance(f, ast.Call) and len(f.args) == 1 and isinstance(f.func, ast.Attribute) \
                    and f.func.attr == "converted_call":
                f = f.args[0]
            if _is_range(f):
                it = ast.copy_location(_call(_ag("range_"), [f] + it.args, it.keywords), it)
        body, opts = self._opts(node.body)
        names, live = self._loop_names(node)
        body = self._stmts(body)
        k = self.counter.next()
        b, itr = f"loop_body_{k}", f"itr_{k}"
        body = [ast.copy_location(ast.Assign(targets=[node.target], value=_name(itr)), node)] + body
        extra: ast.expr = ast.Constant(None)
        res: list = []
        flag = getattr(node, "_ag_extra_test", None)
        if flag is not None:
            e = f"extra_test_{k}"
            test_def = self._def(e, names, [], [], node)
            test_def.body = [ast.Return(value=_call(_ag("not_"), [_name(flag)]))]
            res.append(test_def)
            extra = _name(e)
        res.append(self._def(b, [itr] + names, body, names, node))
        call = _call(_ag("for_stmt"), [it, extra, _name(b), _tuple(names), _strs(names), opts, _strs(live)])
        res.append(ast.copy_location(ast.Assign(targets=[_tuple(names, ast.Store())], value=call), node)
                   if names else ast.copy_location(ast.Expr(value=call), node))
        return res

    def _stmts(self, stmts: list) -> list:
        out: list = []
        for s in stmts:
            r = self.visit(s)
            if r is None:
                continue
            out.extend(r if isinstance(r, list) else [r])
        return out


def _is_range(f: ast.expr) -> bool:
    if isinstance(f, ast.Name):
        return f.id == "range"
    return (isinstance(f, ast.Attribute) and f.attr == "range"
            and not (isinstance(f.value, ast.Attribute) and f.value.attr == "Dataset")
            and not (isinstance(f.value, ast.Name) and f.value.id == "Dataset"))


def _lambda(body: ast.expr) -> ast.Lambda:
    args = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                         defaults=[])
    return ast.Lambda(args=args, body=body)


def convert_function_def(node: Any, counter: _Counter | None = None) -> Any:
    """Convert one ``FunctionDef`` node (in place) and return it."""
    counter = counter or _Counter()
    declared = [n for s in ast.walk(node) if isinstance(s, (ast.Global, ast.Nonlocal)) for n in s.names]
    params = [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]
    if node.args.vararg:
        params.append(node.args.vararg.arg)
    if node.args.kwarg:
        params.append(node.args.kwarg.arg)
    self_name = params[0] if params else None
    body = node.body
    doc = []
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        doc, body = body[:1], body[1:]
    if _contains(body, (ast.Yield, ast.YieldFrom, ast.Await)):
        raise NotImplementedError("generators and coroutines are not converted")
    lowered_return = False
    if _has_return([s for s in body if not isinstance(s, _SCOPES)]) and not (
        not _contains(body[:-1], (ast.Return,)) and isinstance(body[-1], ast.Return)
        and not _contains([body[-1].value] if body[-1].value else [], (ast.Return,))
    ):
        body = _lower_returns(body, False)
        lowered_return = True
    body = _lower_jumps(body, counter)
    if lowered_return:
        first = body[0] if body else node
        body = [
            ast.copy_location(_assign("do_return", ast.Constant(False)), first),
            ast.copy_location(_assign("retval_", _call(_ag("UndefinedReturnValue"), [])), first),
        ] + body + [ast.copy_location(ast.Return(value=_call(_ag("retval"), [_name("retval_")])), node)]
    local = [n for n in stores(body) if n not in params and n not in declared
             and n not in ("do_return", "retval_")]
    inits = [ast.copy_location(_assign(n, _call(_ag("Undefined"), [ast.Constant(n)])), body[0] if body else node)
             for n in local]
    node.body = doc + inits + body
    conv = _Converter(node, counter, self_name, declared)
    node.body = doc + conv._stmts(node.body[len(doc):])
    node.decorator_list = [d for d in node.decorator_list if not _is_tf_function(d)]
    return node


def _is_tf_function(d: ast.expr) -> bool:
    f = d.func if isinstance(d, ast.Call) else d
    return (isinstance(f, ast.Attribute) and f.attr == "function") or (isinstance(f, ast.Name) and f.id == "function")
