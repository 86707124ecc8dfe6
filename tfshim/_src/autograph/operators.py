"""AutoGraph's run-time operators (TF's ``ag__.if_stmt`` / ``for_stmt`` / ``while_stmt`` design).

Converted code calls these with the statement's pieces as functions. Each one looks at the values at run
time: a condition or iterable that is a traced tensor (inside ``tf.function``) becomes one JAX control-flow
primitive (``lax.cond``, ``lax.while_loop``, ``lax.scan``); anything else runs as plain Python, exactly as
the unconverted code would.

State of a statement: the names it assigns that are read elsewhere are passed in (``init``) and returned
(one tuple, in ``names`` order). Variables (``tf.Variable``) written inside a staged branch or loop body are
carried as extra state: the body runs inside a ``StatelessScope`` mapping them to the carried values, and
the final values are written back to the enclosing scope. Before staging, the body runs once on the current
values inside a throw-away scope (the *probe*) to learn the outputs' kinds, dtypes and shapes and which
variables it writes; TF's errors (a name set in one branch only, a loop variable changing dtype or shape)
come from comparing those.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from ..core import state
from ..core.convert import convert_to_tensor
from ..core.record import is_variable
from ..core.stateless import StatelessScope
from ..core.tensor import Tensor, wrap
from ..ops.math import logical_and, logical_not, logical_or
from ..staging import control_flow
from ..staging.tensor_array import TensorArray

# ------------------------------------------------------------------------------------------ values


class Undefined:
    """The value of a local name that has not been assigned yet (TF's ``ag__.Undefined``)."""

    __slots__ = ("symbol_name",)

    def __init__(self, symbol_name: str):
        self.symbol_name = symbol_name

    def __repr__(self) -> str:
        return f"<undefined {self.symbol_name}>"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnboundLocalError(f"local variable '{self.symbol_name}' is used before it is assigned a value")

    def __bool__(self) -> bool:
        raise UnboundLocalError(f"local variable '{self.symbol_name}' is used before it is assigned a value")


class UndefinedReturnValue:
    """``retval_`` before any ``return`` statement ran."""

    __slots__ = ()


# Return values a staged ``if`` filled in for the branch that did not return (see ``if_stmt``).
_PROVISIONAL: dict = {}


class InaccessibleTensorError(ValueError):
    """TF's InaccessibleTensorError: a tensor made inside a staged loop or branch used outside it."""


class OperatorNotAllowedInGraphError(TypeError):
    """TF's OperatorNotAllowedInGraphError (a tensor used as a Python bool inside a graph)."""


def _traced(x: Any) -> bool:
    if isinstance(x, Tensor) or is_variable(x):
        return isinstance(x.array, jax.core.Tracer)
    return False


def _is_tensorish(x: Any) -> bool:
    return isinstance(x, (Tensor, int, float, bool, complex, np.ndarray, np.generic)) or is_variable(x)


def _flat(x: Any) -> tuple[list, Any]:
    return jax.tree_util.tree_flatten(x, is_leaf=lambda v: isinstance(v, Tensor) or is_variable(v))


def _all_scope_variables() -> list:
    seen: dict = {}
    for s in state.scopes:
        for v in s.variables:
            seen.setdefault(id(v), v)
    return list(seen.values())


_PROBING = threading.local()


def probing() -> bool:
    """Whether a body runs as the probe (data sources then give placeholders instead of consuming input)."""
    return getattr(_PROBING, "depth", 0) > 0


def _probe(fn: Callable, args: tuple) -> tuple[Any, list]:
    """Run ``fn(*args)`` once, discarding its variable writes: (its result, the variables it wrote)."""
    variables = _all_scope_variables()
    _PROBING.depth = getattr(_PROBING, "depth", 0) + 1
    try:
        with StatelessScope(variables, [v.array for v in variables], lift=False) as sc:
            out = fn(*args)
    finally:
        _PROBING.depth -= 1
    return out, [variables[i] for i in sc.changed()]


def _union(*lists: list) -> list:
    seen: dict = {}
    for lst in lists:
        for v in lst:
            seen.setdefault(id(v), v)
    return list(seen.values())


def _stage(name: str, explicit: list, run: Callable) -> list:
    """``run(*arrays) -> list of arrays`` as one program piece; one recorded node when a tape is active."""
    if state.recording_tapes or state.accumulators:
        return control_flow.functional_op(name, explicit, run, lambda: run(*[t.array for t in explicit]))
    return [wrap(o) for o in run(*[t.array for t in explicit])]


def _shape_str(t: Tensor) -> str:
    return str(tuple(t.shape.as_list()))


# --------------------------------------------------------------------------------------- operators
def ld(x: Any) -> Any:
    return x


def not_(a: Any) -> Any:
    """``not a``: ``tf.logical_not`` on a tensor, Python's ``not`` otherwise."""
    if isinstance(a, Tensor):
        return logical_not(a)
    return not a


def and_(a_fn: Callable, b_fn: Callable) -> Any:
    """``a and b`` (lazy ``b``): ``tf.logical_and`` when ``a`` is a traced tensor."""
    a = a_fn()
    if _traced(a):
        return logical_and(a, b_fn())
    return a and b_fn()


def or_(a_fn: Callable, b_fn: Callable) -> Any:
    """``a or b`` (lazy ``b``): ``tf.logical_or`` when ``a`` is a traced tensor."""
    a = a_fn()
    if _traced(a):
        return logical_or(a, b_fn())
    return a or b_fn()


def if_exp(cond: Any, if_true: Callable, if_false: Callable, expr_repr: str = "") -> Any:
    """``x if cond else y``: ``tf.cond`` on a traced tensor condition."""
    if _traced(cond):
        return control_flow.cond(cond, if_true, if_false)
    return if_true() if cond else if_false()


def len_(s: Any) -> Any:
    """``len(s)``: a TensorArray's size, a Dataset's cardinality, a tensor's first dimension."""
    size = getattr(s, "_ag_len", None)
    if size is not None:
        return size()
    if isinstance(s, Tensor) and s.shape.rank == 0:
        raise ValueError(f"len requires a non-scalar tensor, got one of shape {s.shape}")
    return len(s)


def retval(value: Any) -> Any:
    """The function's return value after return statements were lowered (``do_return`` / ``retval_``)."""
    if isinstance(value, UndefinedReturnValue):
        return None
    for leaf in _flat(value)[0]:
        if id(leaf) in _PROVISIONAL:
            _PROVISIONAL.clear()
            raise ValueError(
                "the else branch must also have a return statement: a tf.function whose `if` on a tensor "
                "returns in one branch must return a value of the same kind on every path."
            )
    _PROVISIONAL.clear()
    return value


# --------------------------------------------------------------------------------------------- if
def if_stmt(cond: Any, body: Callable, orelse: Callable, init: tuple, names: tuple, live: tuple = ()) -> tuple:
    """``if cond: body else: orelse``: ``lax.cond`` when ``cond`` is a traced tensor, Python otherwise.
    ``live``: the names read after the statement (a name set in one branch only is an error only then)."""
    if _traced(cond):
        return _tensor_if(cond, body, orelse, tuple(init), names, live)
    return body(*init) if cond else orelse(*init)


def _tensor_if(cond: Any, body: Callable, orelse: Callable, init: tuple, names: tuple, live: tuple) -> tuple:
    pred = convert_to_tensor(cond)
    if pred.shape.rank != 0:
        raise ValueError(
            f"the condition of an `if` on a tensor must be a scalar, got a tensor of shape {pred.shape}: reduce "
            "it with tf.reduce_all / tf.reduce_any."
        )
    out_t, wr_t = _probe(body, init)
    out_f, wr_f = _probe(orelse, init)
    written = _union(wr_t, wr_f)
    kinds: list = []  # per name: ("static", value) or ("tensor", tree, fill side)
    for name, a, b in zip(names, out_t, out_f):
        if a is b:
            kinds.append(("static", a))
            continue
        ua, ub = isinstance(a, (Undefined, UndefinedReturnValue)), isinstance(b, (Undefined, UndefinedReturnValue))
        if ua and ub:
            kinds.append(("static", a))
            continue
        if ua or ub:
            if name == "retval_":
                kinds.append(("tensor", _flat(b if ua else a)[1], "t" if ua else "f"))
                continue
            if name == "do_return":
                kinds.append(("tensor", _flat(True)[1], None))
                continue
            if name not in live:  # a temporary of the branch
                kinds.append(("static", Undefined(name)))
                continue
            raise ValueError(
                f"'{name}' must also be initialized in the {'main' if ua else 'else'} branch: a name set in only "
                "one branch of an `if` on a tensor cannot be used after it; assign it in both branches or "
                "before the `if`."
            )
        fa, ta = _flat(a)
        fb, tb = _flat(b)
        if ta != tb:
            raise ValueError(
                f"'{name}' must have the same nested structure in the main and else branches: {ta} vs {tb}."
            )
        for x, y in zip(fa, fb):
            if not (_is_tensorish(x) and _is_tensorish(y)):
                raise TypeError(
                    f"'{name}' is a {type(x).__name__} in the main branch and a {type(y).__name__} in the else "
                    "branch of an `if` on a tensor: only tensors (and Python numbers) can differ between branches."
                )
            x, y = convert_to_tensor(x), convert_to_tensor(y)
            if x.dtype != y.dtype:
                raise TypeError(
                    f"'{name}' has dtype {x.dtype.name} in the main branch, but dtype {y.dtype.name} in the else "
                    "branch"
                )
            if x.shape.as_list() != y.shape.as_list():
                raise ValueError(
                    f"'{name}' has shape {_shape_str(x)} in the main branch, but shape {_shape_str(y)} in the else "
                    "branch; tfshim compiles both branches into one lax.cond, whose outputs have one shape: pad or "
                    "reshape to a common shape."
                )
        kinds.append(("tensor", ta, None))
    templates = {}
    for k, (a, b) in enumerate(zip(out_t, out_f)):
        if kinds[k][0] == "tensor" and kinds[k][2] is not None:
            templates[k] = b if kinds[k][2] == "t" else a

    def branch(fn: Callable, side: str) -> Callable:
        def run(var_vals: list) -> tuple:
            with StatelessScope(written, var_vals, lift=False) as sc:
                outs = fn(*init)
                arrays = []
                for k, o in enumerate(outs):
                    kind = kinds[k]
                    if kind[0] != "tensor":
                        continue
                    if kind[2] == side:  # this branch did not set the return value: zeros of the other's
                        o = jax.tree_util.tree_map(
                            lambda t: wrap(jnp.zeros(t.shape.as_list(), t.dtype._np))
                            if isinstance(t, Tensor) else t, templates[k],
                            is_leaf=lambda v: isinstance(v, Tensor))
                    if names[k] == "do_return" and isinstance(o, (UndefinedReturnValue, Undefined)):
                        o = False
                    arrays.extend(convert_to_tensor(x).array for x in _flat(o)[0])
            return arrays, sc.values()

        return run

    n_vars = len(written)

    def run(p: Any, *var_vals: Any) -> list:
        outs, new_vals = jax.lax.cond(p.astype(bool), branch(body, "t"), branch(orelse, "f"), list(var_vals))
        return list(outs) + list(new_vals)

    res = _stage("cond", [pred] + [_read(v) for v in written], run)
    for v, val in zip(written, res[len(res) - n_vars :]):
        v.write_array(val.array)
    it = iter(res[: len(res) - n_vars])
    result = []
    for k, kind in enumerate(kinds):
        if kind[0] == "static":
            result.append(kind[1])
            continue
        leaves = [next(it) for _ in range(kind[1].num_leaves)]
        val = jax.tree_util.tree_unflatten(kind[1], leaves)
        if kind[2] is not None and names[k] == "retval_":
            for leaf in leaves:
                _PROVISIONAL[id(leaf)] = leaf
        result.append(val)
    return tuple(result)


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else wrap(x)


def _read(v: Any) -> Tensor:
    return v._read() if (state.recording_tapes or state.accumulators) else wrap(v.array)


# ------------------------------------------------------------------------------------------ loops
def while_stmt(test: Callable, body: Callable, init: tuple, names: tuple, opts: dict | None = None,
               live: tuple = ()) -> tuple:
    """``while test: body``: ``lax.while_loop`` when the test is a traced tensor, Python otherwise."""
    vals = tuple(init)
    while True:
        c = test(*vals)
        if _traced(c):
            return _tensor_loop("while", lambda i, *v: test(*v), lambda i, *v: body(*v), vals, names, opts or {},
                                live)
        if not c:
            return vals
        vals = tuple(body(*vals))


class _Range:
    """``range``/``tf.range`` whose bounds are traced tensors (iterated by a staged loop)."""

    def __init__(self, start: Any, limit: Any, delta: Any, dtype: Any):
        self.start, self.limit, self.delta, self.dtype = start, limit, delta, dtype


def range_(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """``range(...)`` / ``tf.range(...)`` in a ``for`` header: a lazy range when a bound is traced."""
    if any(_traced(a) for a in list(args) + list(kwargs.values())):
        start, limit, delta = 0, None, 1
        a = list(args)
        if "start" in kwargs:
            a.insert(0, kwargs.pop("start"))
        if "limit" in kwargs:
            a.insert(1, kwargs.pop("limit"))
        if "delta" in kwargs:
            a.append(kwargs.pop("delta"))
        if len(a) == 1:
            limit = a[0]
        else:
            start, limit = a[0], a[1]
            if len(a) > 2:
                delta = a[2]
        dtype = kwargs.get("dtype")
        ts = [convert_to_tensor(x) for x in (start, limit, delta)]
        if dtype is None:
            dtype = max((t.dtype for t in ts), key=lambda d: (d.is_floating, d.size))
        from ..ops.math import cast

        return _Range(*[cast(t, dtype) for t in ts], dtype)
    return fn(*args, **kwargs)


def for_stmt(iterated: Any, extra_test: Callable | None, body: Callable, init: tuple, names: tuple,
             opts: dict | None = None, live: tuple = ()) -> tuple:
    """``for target in iterated: body``: a staged loop over a traced range, a tensor's first dimension or a
    dataset inside ``tf.function``; a Python loop (unrolled when traced) otherwise."""
    opts = opts or {}
    vals = tuple(init)
    if isinstance(iterated, _Range):
        return _range_loop(iterated, extra_test, body, vals, names, opts, live)
    if isinstance(iterated, Tensor) and state.tracing:
        return _tensor_for(iterated, extra_test, body, vals, names, opts, live)
    loop = getattr(iterated, "_ag_for_stmt", None)
    if loop is not None and state.tracing:
        out = loop(extra_test, body, vals, names, opts, live, _tensor_loop)
        if out is not NotImplemented:
            return out
    for item in iterated:
        if extra_test is not None:
            go = extra_test(*vals)
            if _traced(go):
                raise NotImplementedError(
                    "break and return statements which depend on a TF condition are not supported in Python for "
                    "loops. Did you intend to make it a TF loop? Iterate over a tensor or tf.range instead of a "
                    "Python iterable."
                )
            if not go:
                break
        vals = tuple(body(item, *vals))
    return vals


def _tensor_for(xs: Tensor, extra_test: Callable | None, body: Callable, vals: tuple, names: tuple, opts: dict,
                live: tuple) -> tuple:
    if xs.shape.rank == 0:
        raise TypeError("Cannot iterate over a scalar tensor.")
    n = xs.shape[0]

    def item(i: Any) -> Tensor:
        return wrap(jax.lax.dynamic_index_in_dim(xs.array, i.array, 0, keepdims=False))

    def test(i: Any, *v: Any) -> Any:
        return wrap(i.array < n)

    return _tensor_loop("for", test, lambda i, *v: body(item(i), *v), vals, names, opts, live,
                        extra_test=extra_test, trip=n, first=lambda: wrap(jnp.zeros(xs.shape[1:], xs.dtype._np))
                        if n == 0 else xs[0])


def _range_loop(r: _Range, extra_test: Callable | None, body: Callable, vals: tuple, names: tuple, opts: dict,
                live: tuple) -> tuple:
    start, limit, delta = r.start.array, r.limit.array, r.delta.array
    if jnp.issubdtype(start.dtype, jnp.integer):
        n = jnp.maximum(0, (limit - start + delta - jnp.sign(delta)) // delta)
    else:
        n = jnp.maximum(0, jnp.ceil((limit - start) / delta)).astype(jnp.int64)

    def test(i: Any, *v: Any) -> Any:
        return wrap(i.array < n)

    def item(i: Any) -> Tensor:
        return wrap((start + i.array.astype(start.dtype) * delta).astype(start.dtype))

    return _tensor_loop("for", test, lambda i, *v: body(item(i), *v), vals, names, opts, live,
                        extra_test=extra_test, first=lambda: r.start)


def _loop_error_dtype(name: str, a: Tensor, b: Tensor) -> TypeError:
    return TypeError(f"'{name}' has dtype {a.dtype.name} before the loop, but dtype {b.dtype.name} after one "
                     "iteration")


def _tensor_loop(kind: str, test: Callable, body: Callable, vals: tuple, names: tuple, opts: dict, live: tuple,
                 extra_test: Callable | None = None, trip: int | None = None, first: Callable | None = None) -> tuple:
    """A staged loop. ``test(i, *vals)`` and ``body(i, *vals)`` take the iteration count as a tensor."""
    i0 = wrap(jnp.asarray(0, jnp.int32 if trip is not None else jnp.int64))
    # Python numbers become tensors at the loop's entry (TF converts loop variables to tensors).
    entry = []
    for v in vals:
        if isinstance(v, (int, float, bool, np.ndarray, np.generic)):
            v = convert_to_tensor(v)
        entry.append(v)
    vals = tuple(entry)
    max_iter = opts.get("maximum_iterations")
    extra = trip if trip is not None else (int(max_iter) if max_iter is not None else None)
    arrays_ = [v for v in vals if isinstance(v, TensorArray)]
    if arrays_ and extra is None and any(v.dynamic_size for v in arrays_):
        raise ValueError(
            "a tf.TensorArray with dynamic_size=True is written in a loop whose number of iterations tfshim "
            "cannot know before running it; tfshim carries the array as a fixed-size buffer: call "
            "tf.autograph.experimental.set_loop_options(maximum_iterations=N) in the loop, or give the array a size."
        )
    vals = tuple(v._reserve(extra or 0) if isinstance(v, TensorArray) else v for v in vals)

    def full_body(i: Any, *v: Any) -> tuple:
        return tuple(body(i, *v))

    out, written = _probe(full_body, (i0,) + vals)
    kinds: list = []
    init_vals: list = []
    invariants = {id(k): s for k, s in (opts.get("shape_invariants") or ())}
    for name, obj in (opts.get("_lists") or {}).items():
        if isinstance(obj, list):
            raise InaccessibleTensorError(
                f"the Python list '{name}' is appended to inside a loop on a tensor, which runs once as a staged "
                "loop: its items would be tensors that exist only inside the loop. Use a tf.TensorArray "
                f"({name} = tf.TensorArray(dtype, size=0, dynamic_size=True); {name} = {name}.write(i, value); "
                f"{name}.stack() after the loop) instead."
            )
    for name, a, b in zip(names, vals, out):
        if isinstance(a, TensorArray) and isinstance(b, TensorArray) and a is not b:
            if a._element_shape is None and b._element_shape is not None:
                a = a._copy()
                a._element_shape = b._element_shape
            a = a._to_buffer(b._capacity() if b._buf is not None else None)
        if a is b:
            kinds.append(("static", a))
            continue
        if isinstance(a, UndefinedReturnValue) and not isinstance(b, UndefinedReturnValue):
            raise NotImplementedError(
                "a return statement cannot be placed inside this TensorFlow loop; this may happen if a return "
                "statement depends on a static Python condition such as a hyperparameter. Set the result in a "
                "variable and `break` instead."
            )
        if isinstance(a, Undefined):
            if isinstance(b, Undefined):
                kinds.append(("static", a))
                continue
            # TF gives a name first set inside the loop a zero value of the type of its first iteration.
            fb, tb = _flat(b)
            if not all(_is_tensorish(x) for x in fb):
                kinds.append(("static", a))
                continue
            a = jax.tree_util.tree_unflatten(
                tb, [wrap(jnp.zeros(convert_to_tensor(x).shape.as_list(), convert_to_tensor(x).dtype._np))
                     for x in fb])
        fa, ta = _flat(a)
        fb, tb = _flat(b)
        if ta != tb:
            raise ValueError(
                f"'{name}' has a different nested structure before the loop ({ta}) and after one iteration ({tb})."
            )
        for x, y in zip(fa, fb):
            if not (_is_tensorish(x) and _is_tensorish(y)):
                raise TypeError(
                    f"'{name}' is a {type(x).__name__} before the loop and a {type(y).__name__} after one "
                    "iteration: a loop on a tensor can only change tensors."
                )
            x, y = convert_to_tensor(x), convert_to_tensor(y)
            if x.dtype != y.dtype:
                raise _loop_error_dtype(name, x, y)
            if x.shape.as_list() != y.shape.as_list():
                if id(x) in invariants or any(id(v) in invariants for v in (a,)):
                    raise ValueError(
                        f"'{name}' has shape {_shape_str(x)} before the loop, but shape {_shape_str(y)} after one "
                        "iteration. tfshim compiles the loop with lax.while_loop, whose loop variables keep one "
                        "shape even with shape_invariants: preallocate the full shape (or use a tf.TensorArray)."
                    )
                raise ValueError(
                    f"'{name}' has shape {_shape_str(x)} before the loop, but shape {_shape_str(y)} after one "
                    "iteration. Use tf.autograph.experimental.set_loop_options to set shape invariants."
                )
        kinds.append(("tensor", ta))
        init_vals.append(a)

    def from_arrays(arrays: list) -> tuple:
        it = iter(arrays)
        res = []
        for kind in kinds:
            if kind[0] == "static":
                res.append(kind[1])
            else:
                res.append(jax.tree_util.tree_unflatten(kind[1], [_as_tensor(next(it))
                                                                  for _ in range(kind[1].num_leaves)]))
        return tuple(res)

    n_vars = len(written)
    carried = [k for k, kind in enumerate(kinds) if kind[0] == "tensor"]

    def run(*arrays: Any) -> list:
        i_init, var_init, state_init = arrays[0], list(arrays[1 : 1 + n_vars]), list(arrays[1 + n_vars :])

        def go(c: tuple) -> Any:
            i, var_vals, st = c
            with StatelessScope(written, var_vals, lift=False):
                v = from_arrays(st)
                ok = convert_to_tensor(test(wrap(i), *v)).array.astype(bool).reshape(())
                if extra_test is not None:
                    ok = jnp.logical_and(ok, convert_to_tensor(extra_test(*v)).array.astype(bool).reshape(()))
            return ok

        def step(c: tuple) -> tuple:
            i, var_vals, st = c
            with StatelessScope(written, var_vals, lift=False) as sc:
                v = from_arrays(st)
                new = tuple(body(wrap(i), *v))
                new_st = []
                for k in carried:
                    for x, ref in zip(_flat(new[k])[0], _flat(v[k])[0]):
                        arr = convert_to_tensor(x).array
                        new_st.append(jnp.asarray(arr, ref.array.dtype))
            return i + 1, sc.values(), new_st

        carry = (i_init, var_init, state_init)
        if trip is not None and extra_test is None and max_iter is None:
            # A fixed trip count: lax.scan, which reverse-mode differentiates (as TF's while_loop gradient).
            def scan_step(c: tuple, _: Any) -> tuple:
                return step(c), None

            carry, _ = jax.lax.scan(scan_step, carry, None, length=trip)
        elif max_iter is not None:
            n = int(max_iter)

            def masked(c: tuple, _: Any) -> tuple:
                done, inner = c
                ok = jnp.logical_and(jnp.logical_not(done), go(inner))
                nxt = step(inner)
                inner = jax.tree_util.tree_map(lambda a, b: jnp.where(ok, a, b), nxt, inner)
                return (jnp.logical_not(ok), inner), None

            (_, carry), _ = jax.lax.scan(masked, (jnp.asarray(False), carry), None, length=n)
        else:
            carry = jax.lax.while_loop(go, step, carry)
        _, var_vals, st = carry
        return list(var_vals) + list(st)

    explicit = [i0] + [_read(v) for v in written] + [convert_to_tensor(x) for v in init_vals for x in _flat(v)[0]]
    state.staged_loops.append(True)
    try:
        res = _stage(f"{kind}_loop", explicit, run)
    finally:
        state.staged_loops.pop()
    for v, val in zip(written, res[:n_vars]):
        v.write_array(val.array)
    return from_arrays(list(res[n_vars:]))
