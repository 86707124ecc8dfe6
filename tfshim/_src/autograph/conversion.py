"""Converting functions: source → ``ast`` → converted ``ast`` → a new function with the original's closure.

The converted code is compiled with the original file name and line numbers, inside a factory function whose
parameters are the original's free variables and ``ag__`` (the operators); the new function is made from
the inner code object with the original's closure cells, globals and defaults, so it reads the same
variables as the original. Conversions are cached per code object (the transformation) and per function
object (the new function). Library code (tfshim, JAX, NumPy, TF, Keras, the standard library and
site-packages), lambdas, generators, functions without source and ``do_not_convert`` ones run as they are.
"""

from __future__ import annotations

import ast
import functools
import inspect
import logging
import os
import sysconfig
import textwrap
import types
import weakref
from typing import Any, Callable

from . import operators, transformer

_log = logging.getLogger("tfshim")

_CODE_CACHE: dict = {}  # code object -> (inner code, source of the converted function) | Exception
_FN_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LIBRARIES = ("tfshim", "jax", "jaxlib", "numpy", "tensorflow", "keras", "optax", "orbax", "scipy", "absl",
              "builtins", "functools", "abc", "typing", "collections", "contextlib")
_STDLIB = tuple(p for p in {sysconfig.get_paths().get("stdlib"), sysconfig.get_paths().get("purelib"),
                            sysconfig.get_paths().get("platlib")} if p)
VERBOSITY = [0]


class _Ag(types.SimpleNamespace):
    pass


AG = _Ag(**{n: getattr(operators, n) for n in (
    "Undefined", "UndefinedReturnValue", "ld", "not_", "and_", "or_", "if_exp", "len_", "retval", "if_stmt",
    "while_stmt", "for_stmt", "range_",
)})


def do_not_convert(func: Callable | None = None) -> Any:
    """tf.autograph.experimental.do_not_convert: mark ``func`` so AutoGraph runs it as it is."""
    if func is None:
        return do_not_convert

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    wrapper.__ag_do_not_convert__ = True  # type: ignore[attr-defined]
    return wrapper


def _convertible(f: Any) -> bool:
    if not isinstance(f, types.FunctionType):
        return False
    if getattr(f, "__ag_do_not_convert__", False) or getattr(f, "__ag_converted__", False):
        return False
    if f.__name__ == "<lambda>":
        return False
    mod = (getattr(f, "__module__", None) or "").split(".")[0]
    if mod in _LIBRARIES:
        return False
    fname = f.__code__.co_filename
    if fname.startswith("<") and not fname.startswith("<ipython"):
        return True  # no file: tried, and the failure to find the source warns (as TF)
    if any(fname.startswith(p + os.sep) for p in _STDLIB):
        return False
    return not (f.__code__.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR))


def _transform(f: types.FunctionType) -> Any:
    code = f.__code__
    try:
        src = inspect.getsource(f)
    except (OSError, TypeError) as e:
        return e
    try:
        tree = ast.parse(textwrap.dedent(src))
    except SyntaxError as e:
        return e
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef):
        return NotImplementedError("not a plain function definition")
    ast.increment_lineno(tree, code.co_firstlineno - 1)
    node = transformer.convert_function_def(node)
    params = list(code.co_freevars) + [transformer.PREFIX]
    if "__class__" not in params:
        params.append("__class__")
    args = ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params], vararg=None, kwonlyargs=[],
                         kw_defaults=[], kwarg=None, defaults=[])
    factory = ast.FunctionDef(name="ag__factory", args=args, body=[node, ast.Return(value=ast.Name(
        id=node.name, ctx=ast.Load()))], decorator_list=[], returns=None, lineno=node.lineno)
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    for n in ast.walk(module):
        if hasattr(n, "lineno") and (getattr(n, "end_lineno", None) is None or n.end_lineno < n.lineno):
            n.end_lineno, n.end_col_offset = n.lineno, n.col_offset
        elif hasattr(n, "lineno") and n.end_lineno == n.lineno and (n.end_col_offset or 0) < n.col_offset:
            n.end_col_offset = n.col_offset
    try:
        compiled = compile(module, code.co_filename, "exec")
    except SyntaxError as e:
        return e
    fac = next(c for c in compiled.co_consts if isinstance(c, types.CodeType) and c.co_name == "ag__factory")
    inner = next(c for c in fac.co_consts if isinstance(c, types.CodeType) and c.co_name == node.name)
    return inner, ast.unparse(node)


def _warn(f: Any, err: Exception) -> None:
    _log.warning(
        "AutoGraph could not transform %s and will run it as-is.\nCause: %s: %s\nTo silence this warning, "
        "decorate the function with @tf.autograph.experimental.do_not_convert", f, type(err).__name__, err)


def convert(f: Any, warn: bool = True) -> Any:
    """The converted version of ``f`` (a function, bound method or partial), or ``f`` itself."""
    if isinstance(f, types.MethodType):
        cf = convert(f.__func__, warn)
        return f if cf is f.__func__ else types.MethodType(cf, f.__self__)
    if isinstance(f, functools.partial):
        cf = convert(f.func, warn)
        return f if cf is f.func else functools.partial(cf, *f.args, **(f.keywords or {}))
    if not _convertible(f):
        return f
    try:
        cached = _FN_CACHE.get(f)
    except TypeError:
        cached = None
    if cached is not None:
        return cached
    entry = _CODE_CACHE.get(f.__code__)
    if entry is None:
        try:
            entry = _transform(f)
        except Exception as e:  # noqa: BLE001 - a converter failure runs the function as it is, with a warning
            entry = e
        _CODE_CACHE[f.__code__] = entry
        if isinstance(entry, Exception) and warn:
            _warn(f, entry)
    if isinstance(entry, Exception):
        return f
    inner, _ = entry
    orig = dict(zip(f.__code__.co_freevars, f.__closure__ or ()))
    cells = []
    for name in inner.co_freevars:
        if name == transformer.PREFIX:
            cells.append(types.CellType(AG))
        elif name in orig:
            cells.append(orig[name])
        else:
            cells.append(types.CellType())
    nf = types.FunctionType(inner, f.__globals__, f.__name__, f.__defaults__, tuple(cells))
    nf.__kwdefaults__ = f.__kwdefaults__
    nf.__qualname__ = f.__qualname__
    nf.__module__ = f.__module__
    nf.__doc__ = f.__doc__
    nf.__dict__.update(f.__dict__)
    nf.__ag_converted__ = True  # type: ignore[attr-defined]
    try:
        _FN_CACHE[f] = nf
    except TypeError:
        pass
    return nf


def converted_call(f: Any) -> Any:
    """What converted code calls instead of ``f``: its conversion for user functions, else ``f``."""
    if isinstance(f, (types.FunctionType, types.MethodType, functools.partial)):
        return convert(f)
    return f


AG.converted_call = converted_call


def to_graph(entity: Callable, recursive: bool = True, experimental_optional_features: Any = None) -> Callable:
    """tf.autograph.to_graph: the converted function (TF returns a Python function calling graph ops)."""
    out = convert(entity)
    if out is entity and _convertible(getattr(entity, "__func__", entity)):
        err = _CODE_CACHE.get(getattr(entity, "__code__", None))
        if isinstance(err, Exception):
            raise ValueError(f"tf.autograph.to_graph: could not convert {entity}: {err}")
    return out


def to_code(entity: Callable, recursive: bool = True, experimental_optional_features: Any = None) -> str:
    """tf.autograph.to_code: the source of the converted function (tfshim's own ``ag__`` operators)."""
    f = getattr(entity, "python_function", entity)
    f = getattr(f, "__func__", f)
    if not isinstance(f, types.FunctionType):
        raise ValueError(f"tf.autograph.to_code: expected a Python function, got {type(entity).__name__}.")
    entry = _CODE_CACHE.get(f.__code__)
    if entry is None:
        entry = _CODE_CACHE[f.__code__] = _transform(f)
    if isinstance(entry, Exception):
        raise ValueError(f"tf.autograph.to_code: could not convert {entity}: {entry}")
    return entry[1] + "\n"


def set_verbosity(level: int, alsologtostdout: bool = False) -> None:
    """tf.autograph.set_verbosity: how much AutoGraph logs (tfshim logs conversion failures at any level)."""
    VERBOSITY[0] = int(level)


def trace(*args: Any) -> None:
    """tf.autograph.trace: print the arguments (at trace time inside tf.function, as TF)."""
    print(*args)


def set_loop_options(parallel_iterations: Any = None, swap_memory: Any = None, maximum_iterations: Any = None,
                     shape_invariants: Any = None) -> None:
    """tf.autograph.experimental.set_loop_options: options of the enclosing converted loop. AutoGraph reads
    the call from the loop's source; called directly it does nothing (as TF)."""
