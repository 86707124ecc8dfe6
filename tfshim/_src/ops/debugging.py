"""tf.debugging assertions, tf.debugging.check_numerics and tf.print.

Eager assertions check values right away and raise TF's error classes: a violated value
condition is ``InvalidArgumentError``, a violated static shape/rank condition ``ValueError``,
a wrong dtype ``TypeError``. They return None (``check_numerics`` and ``assert_all_finite``
return their input, as TF). Inside a traced program (tf.function, Dataset.map, Keras steps) the
value checks are compiled in (``core/checks.py``) and raise InvalidArgumentError when it runs.
"""

from __future__ import annotations

import logging
import math as _pymath
import sys
from typing import Any, Callable

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np

from ..core import checks, errors
from ..core import dtypes as _dt
from ..core import state as _state
from ..core.convert import convert_to_tensor
from ..core.dispatch import run
from ..core.tensor import Tensor, wrap
from ..core.tensor_shape import TensorShape
from .table import register


def _concrete(*ts: Tensor) -> bool:
    return not any(isinstance(t.array, jax.core.Tracer) for t in ts)


def _prefix(message: Any) -> str:
    return f"{message}.  " if message else ""


def _describe(t: Tensor) -> str:
    return f"shape={t.shape} dtype={t.dtype.name}"


def _esc(text: str) -> str:
    """``text`` as a literal inside a str.format template."""
    return text.replace("{", "{{").replace("}", "}}")


def _first(a: np.ndarray, n: int) -> np.ndarray:
    return a.reshape(-1)[:n]


# -- binary comparisons -----------------------------------------------------------------
def _binary_assert(sym: str, compare: Callable, x: Any, y: Any, message: Any, summarize: Any) -> None:
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    cond = compare(x, y)  # raises TF's dtype / broadcast errors like TF's Equal, Less, ...
    if not _concrete(cond):
        if checks.active():  # traced: checked when the compiled program runs
            c = cond.array
            k, xv = checks.first_bad(c, jnp.broadcast_to(x.array, c.shape))
            _, yv = checks.first_bad(c, jnp.broadcast_to(y.array, c.shape))
            checks.require(c, errors.InvalidArgumentError,
                           f"{_esc(_prefix(message))}assertion failed: Condition x {sym} y did not hold "
                           "element-wise: first failing element (flat index {k}): x = {xv}, y = {yv}", k=k, xv=xv,
                           yv=yv)
        return None
    ok = np.asarray(cond.array)
    if ok.all():
        return None
    n = 3 if summarize is None else int(summarize)
    xa, ya = x._numpy(), y._numpy()
    lines = [f"{message}\n" if message else "", f"Condition x {sym} y did not hold."]
    if xa.shape == ya.shape and xa.ndim > 0:
        bad = np.argwhere(~ok)[:n]
        lines += [f"\nIndices of first {len(bad)} different values:\n{bad}",
                  f"\nCorresponding x values:\n{xa[tuple(bad.T)]}", f"\nCorresponding y values:\n{ya[tuple(bad.T)]}"]
    lines += [f"\nFirst {min(n, xa.size)} elements of x:\n{_first(xa, n)}",
              f"\nFirst {min(n, ya.size)} elements of y:\n{_first(ya, n)}"]
    raise errors.InvalidArgumentError(None, None, "".join(lines))


def _cmp(name: str) -> Callable:
    from . import math as _m

    return {"==": _m.equal, "!=": _m.not_equal, "<": _m.less, "<=": _m._ns["less_equal"], ">": _m._ns["greater"],
            ">=": _m._ns["greater_equal"]}[name]


def assert_equal(x: Any, y: Any, message: Any = None, summarize: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_equal / tf.assert_equal: InvalidArgumentError unless x == y elementwise."""
    return _binary_assert("==", _cmp("=="), x, y, message, summarize)


def assert_none_equal(x: Any, y: Any, summarize: Any = None, message: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_none_equal: InvalidArgumentError if any x == y."""
    return _binary_assert("!=", _cmp("!="), x, y, message, summarize)


def assert_less(x: Any, y: Any, message: Any = None, summarize: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_less / tf.assert_less: InvalidArgumentError unless x < y elementwise."""
    return _binary_assert("<", _cmp("<"), x, y, message, summarize)


def assert_less_equal(x: Any, y: Any, message: Any = None, summarize: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_less_equal: InvalidArgumentError unless x <= y elementwise."""
    return _binary_assert("<=", _cmp("<="), x, y, message, summarize)


def assert_greater(x: Any, y: Any, message: Any = None, summarize: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_greater / tf.assert_greater: InvalidArgumentError unless x > y elementwise."""
    return _binary_assert(">", _cmp(">"), x, y, message, summarize)


def assert_greater_equal(x: Any, y: Any, message: Any = None, summarize: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_greater_equal: InvalidArgumentError unless x >= y elementwise."""
    return _binary_assert(">=", _cmp(">="), x, y, message, summarize)


def _sign_assert(sym: str, test: Callable, x: Any, message: Any, summarize: Any) -> None:
    x = convert_to_tensor(x)
    if not _concrete(x):
        if checks.active():
            ok = test(x.array)
            k, v = checks.first_bad(ok, x.array)
            checks.require(ok, errors.InvalidArgumentError,
                           f"{_esc(_prefix(message))}assertion failed: Condition x {sym} 0 did not hold element-wise: "
                           "first failing element (flat index {k}): x = {v}", k=k, v=v)
        return None
    a = x._numpy()
    if a.size == 0 or test(a).all():
        return None
    n = 3 if summarize is None else int(summarize)
    vals = [str(v) for v in a.reshape(-1)[:n]] + (["..."] if a.size > n else [])
    raise errors.InvalidArgumentError(
        None, None,
        f"{_prefix(message)}\nCondition x {sym} 0 did not hold element-wise:\nx ({_describe(x)}) = \n{vals}",
    )


def assert_non_negative(x: Any, message: Any = None, summarize: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_non_negative: InvalidArgumentError unless every x >= 0."""
    return _sign_assert(">=", lambda a: a >= 0, x, message, summarize)


def assert_positive(x: Any, message: Any = None, summarize: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_positive: InvalidArgumentError unless every x > 0."""
    return _sign_assert(">", lambda a: a > 0, x, message, summarize)


def assert_negative(x: Any, message: Any = None, summarize: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_negative: InvalidArgumentError unless every x < 0."""
    return _sign_assert("<", lambda a: a < 0, x, message, summarize)


def assert_non_positive(x: Any, message: Any = None, summarize: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_non_positive: InvalidArgumentError unless every x <= 0."""
    return _sign_assert("<=", lambda a: a <= 0, x, message, summarize)


def assert_near(x: Any, y: Any, rtol: Any = None, atol: Any = None, message: Any = None, summarize: Any = None,
                name: Any = None) -> None:
    """tf.debugging.assert_near: InvalidArgumentError unless |x - y| <= atol + rtol * |y| elementwise.

    Tolerances default to 10 * eps of x's dtype; integer inputs raise ValueError as in TF.
    """
    x = convert_to_tensor(x)
    try:
        y = convert_to_tensor(y, dtype=x.dtype)
    except ValueError as e:
        raise ValueError(f"y: {e}") from None
    if not (x.dtype.is_floating or x.dtype.is_complex):
        raise ValueError(f"tf.debugging.assert_near: data type {x.dtype.as_numpy_dtype} not inexact")
    eps = float(ml_dtypes.finfo(x.dtype.real_dtype._np).eps)
    rt = 10 * eps if rtol is None else float(np.asarray(rtol))
    at = 10 * eps if atol is None else float(np.asarray(atol))
    if not _concrete(x, y):
        if checks.active():
            ok = jnp.abs(x.array - y.array) <= at + rt * jnp.abs(y.array)
            checks.require(ok, errors.InvalidArgumentError,
                           f"{_esc(_prefix(message))}assertion failed: x and y not equal to tolerance rtol = {rt:g}, "
                           f"atol = {at:g}")
        return None
    xa, ya = x._numpy().astype(np.complex128 if x.dtype.is_complex else np.float64), y._numpy()
    ok = np.abs(xa - ya) <= at + rt * np.abs(ya)
    if np.all(ok):
        return None
    raise errors.InvalidArgumentError(
        None, None,
        f"{_prefix(message)}x and y not equal to tolerance rtol = {rt:g}, atol = {at:g}\n"
        f"x ({_describe(x)}) = \n{_first(x._numpy(), 3 if summarize is None else int(summarize))}\n"
        f"y ({_describe(y)}) = \n{_first(y._numpy(), 3 if summarize is None else int(summarize))}",
    )


# -- static checks ----------------------------------------------------------------------------
def _static_rank(rank: Any) -> int:
    r = rank._numpy() if isinstance(rank, Tensor) else np.asarray(rank)
    if r.dtype.kind not in "iu":
        raise TypeError(f"tensor must be of type tf.int32; got {_dt.as_dtype(r.dtype)!r}")
    return int(r)


def assert_rank(x: Any, rank: Any, message: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_rank / tf.assert_rank: ValueError unless x has rank ``rank``."""
    x = convert_to_tensor(x)
    r = _static_rank(rank)
    if x.ndim != r:
        raise ValueError(f"{_prefix(message)}Tensor  must have rank {r}.  Received rank {x.ndim}, shape {x.shape}")


def assert_rank_at_least(x: Any, rank: Any, message: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_rank_at_least: ValueError unless rank(x) >= ``rank``."""
    x = convert_to_tensor(x)
    r = _static_rank(rank)
    if x.ndim < r:
        raise ValueError(
            f"{_prefix(message)}Tensor  must have rank at least {r}.  Received rank {x.ndim}, shape {x.shape}"
        )


def assert_rank_in(x: Any, ranks: Any, message: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_rank_in: ValueError unless rank(x) is one of ``ranks``."""
    x = convert_to_tensor(x)
    rs = tuple(_static_rank(r) for r in ranks)
    if x.ndim not in rs:
        raise ValueError(f"{_prefix(message)}Tensor  must have rank in {rs}.  Received rank {x.ndim}, shape {x.shape}")


def assert_scalar(tensor: Any, name: Any = None, message: Any = None) -> None:
    """tf.debugging.assert_scalar: ValueError unless ``tensor`` is rank 0."""
    t = convert_to_tensor(tensor)
    if t.ndim != 0:
        raise ValueError(f"{_prefix(message)}Expected scalar shape, saw shape: {t.shape}.")


def assert_type(tensor: Any, tf_type: Any, message: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_type: TypeError unless ``tensor`` has dtype ``tf_type``."""
    t = convert_to_tensor(tensor)
    want = _dt.as_dtype(tf_type)
    if t.dtype != want:
        raise TypeError(f"{_prefix(message)}tensor must be of type {want!r}; got {t.dtype!r}")


def assert_integer(x: Any, message: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_integer: TypeError unless ``x`` has an integer dtype."""
    t = convert_to_tensor(x)
    if not t.dtype.is_integer:
        raise TypeError(f'{_prefix(message)}Expected "x" to be integer type.  Found: tensor of dtype {t.dtype}')


def is_numeric_tensor(tensor: Any) -> bool:
    """tf.debugging.is_numeric_tensor: True for a Tensor of a numeric dtype."""
    return isinstance(tensor, Tensor) and tensor.dtype.is_numeric


def assert_proper_iterable(values: Any) -> None:
    """tf.debugging.assert_proper_iterable: TypeError for Tensors, arrays, strings and non-iterables."""
    if isinstance(values, (Tensor, np.ndarray, str, bytes)) or hasattr(type(values), "__tf_tensor__") or not hasattr(
        values, "__iter__"
    ):
        raise TypeError(f'Expected argument "values" to be a "proper" iterable.  Found: {type(values)}')


def _spec_dims(spec: Any) -> list:
    if isinstance(spec, TensorShape):
        return [None if d is None else int(d) for d in (spec.as_list() if spec.rank is not None else [])]
    if isinstance(spec, str):
        return list(spec)
    return list(spec)


def assert_shapes(shapes: Any, data: Any = None, summarize: Any = None, message: Any = None, name: Any = None) -> None:
    """tf.debugging.assert_shapes: ValueError unless the tensors' shapes match the specs.

    A spec is a sequence of ints, None (any size) and symbols (strings whose size must agree across
    all tensors); a leading '...' or '*' matches any prefix. A scalar and a one-element vector match
    a spec of rank 0 or 1, as in TF. (The string '...' is an ordinary symbol in TF; the prefix is '*' or ``...``.)
    """
    items = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    known: dict = {}  # symbol → (size, tensor, dimension that fixed it)
    pre = _prefix(message)
    for tensor, spec in items:
        t = tensor.deref() if hasattr(tensor, "deref") else tensor
        t = convert_to_tensor(t)
        dims = _spec_dims(spec)
        shape = list(t.shape.as_list())
        prefix_any = len(dims) > 1 and (dims[0] is Ellipsis or dims[0] == "*")
        if prefix_any:
            dims = dims[1:]
            if len(shape) < len(dims):
                raise ValueError(f"{pre}Tensor  must have rank at least {len(dims)}.  Received rank {len(shape)}, "
                                 f"shape {t.shape}")
            shape_view = shape[len(shape) - len(dims):]
            offset = -len(dims)  # TF counts dimensions from the end after a '*' prefix
        elif len(dims) <= 1 and len(shape) <= 1:
            shape_view = shape if shape else [1]
            dims = dims if dims else [1]
            offset = 0
        else:
            if len(shape) != len(dims):
                ranks = "in (0, 1)" if len(dims) <= 1 else f"{len(dims)}"
                raise ValueError(f"{pre}Tensor  must have rank {ranks}.  Received rank {len(shape)}, shape {t.shape}")
            shape_view, offset = shape, 0
        for i, (want, got) in enumerate(zip(dims, shape_view)):
            if want is None:
                continue
            if isinstance(want, str):
                if want not in known:
                    known[want] = (got, t, i + offset)
                    continue
                size, src, src_dim = known[want]
                origin = f"Specified by tensor {_describe(src)} dimension {src_dim}."
            else:
                size, origin = int(want), "Specified explicitly."
            if got != size:
                raise ValueError(
                    f"{pre}{origin}  Tensor {_describe(t)} dimension {i + offset} must have size {size}.  "
                    f"Received size {got}, shape {t.shape}"
                )
    return None


# -- numerics -------------------------------------------------------------------------------------
def _identity(x):
    return x


def check_numerics(tensor: Any, message: Any, name: Any = None) -> Tensor:
    """tf.debugging.check_numerics: ``tensor`` unchanged; InvalidArgumentError if it holds NaN or Inf.

    Float dtypes only (others raise InvalidArgumentError, as TF). Gradients flow through unchanged.
    """
    t = convert_to_tensor(tensor)
    if not t.dtype.is_floating:
        raise errors.InvalidArgumentError(
            None, None,
            f"tf.debugging.check_numerics: Value for attr 'T' of {t.dtype.name} is not in the list of allowed "
            "values: bfloat16, half, float, double [Op:CheckNumerics]",
        )
    if _concrete(t):
        a = t._numpy().astype(np.float32) if t.dtype.name == "bfloat16" else t._numpy()
        has_inf, has_nan = bool(np.isinf(a).any()), bool(np.isnan(a).any())
        if has_inf or has_nan:
            what = " and ".join(w for w, f in (("Inf", has_inf), ("NaN", has_nan)) if f)
            raise errors.InvalidArgumentError(None, None, f"{message} : Tensor had {what} values [Op:CheckNumerics]")
    elif checks.active():
        a = t.array
        checks.require(jnp.isfinite(a), errors.InvalidArgumentError,
                       f"{_esc(str(message))} : Tensor had NaN or Inf values ({{nans}} NaN) [Op:CheckNumerics]",
                       nans=jnp.sum(jnp.isnan(a)))
    return run(_identity, (t,), "tf.debugging.check_numerics")


def assert_all_finite(x: Any, message: Any, name: Any = None) -> Tensor:
    """tf.debugging.assert_all_finite: ``x`` unchanged; InvalidArgumentError if it holds NaN or Inf."""
    return check_numerics(x, message)


def Assert(condition: Any, data: Any, summarize: Any = None, name: Any = None) -> None:  # noqa: N802 - TF's name
    """tf.debugging.Assert / tf.Assert: InvalidArgumentError printing ``data`` when ``condition`` is False."""
    c = convert_to_tensor(condition)
    if not _concrete(c):
        if checks.active():
            shown = [d for d in data if not isinstance(d, (str, bytes))]
            vals = {f"d{j}": jnp.ravel(convert_to_tensor(d).array)[0] for j, d in enumerate(shown)
                    if np.size(convert_to_tensor(d).array)}
            text = " ".join(_esc(repr(d)) if isinstance(d, (str, bytes)) else "" for d in data).strip()
            checks.require(c.array, errors.InvalidArgumentError,
                           "assertion failed: " + text + " " + " ".join("{" + k + "}" for k in vals), **vals)
        return None
    if bool(np.all(c._numpy())):
        return None
    n = 3 if summarize is None else int(summarize)
    parts = []
    for d in data:
        if isinstance(d, (str, bytes)):
            parts.append(repr(d.encode() if isinstance(d, str) else d))
        else:
            parts.append(", ".join(str(v) for v in _first(np.asarray(convert_to_tensor(d)._numpy()), n)))
    raise errors.InvalidArgumentError(
        None, None, f"Expected '{c}' to be true. Summarized data: " + "\n".join(parts)
    )


# -- tf.print ---------------------------------------------------------------------------------------
def _fmt_float(v: float, single: bool) -> str:
    """One float as TF's C++ printer writes it: the shorter %g precision when it round-trips."""
    if _pymath.isnan(v):
        return "nan"
    if _pymath.isinf(v):
        return "inf" if v > 0 else "-inf"
    lo, hi = (6, 9) if single else (15, 17)
    s = f"{v:.{lo}g}"
    back = float(np.float32(float(s))) if single else float(s)
    return s if back == v else f"{v:.{hi}g}"


def _element_formatter(dtype: np.dtype) -> Callable:
    if dtype.kind == "O":  # tf.string: quoted, as TF's printer
        return lambda v: '"' + bytes(v).decode("utf-8", "backslashreplace") + '"'
    if dtype.kind == "b":
        return lambda v: "1" if v else "0"
    if dtype.kind == "f" or dtype.name == "bfloat16":
        single = dtype.itemsize < 8
        return lambda v: _fmt_float(float(np.float32(v)) if single else float(v), single)
    if dtype.kind in "iu":
        return lambda v: str(int(v))
    return lambda v: "?"  # TF's printer shows complex elements as '?'


def format_tensor(a: np.ndarray, summarize: int | None = 3) -> str:
    """A tensor's value as tf.print writes it (``summarize`` elements at each end of every dimension)."""
    fmt = _element_formatter(a.dtype)
    if a.ndim == 0:
        return fmt(a[()])
    ends = a.size if summarize is None or summarize < 0 else int(summarize)
    if a.size == 0:
        ends = 0
    nd = a.ndim
    out: list = []

    def spacing(d: int) -> None:
        out.append(" " if d == nd - 1 else "\n" * (nd - d - 1) + " " * (d + 1))

    def rec(d: int, sub: np.ndarray) -> None:
        if d == nd:
            out.append(fmt(sub[()] if isinstance(sub, np.ndarray) else sub))  # object arrays index to bytes
            return
        out.append("[")
        n = sub.shape[0]
        for i in range(min(ends, n)):
            if i:
                spacing(d)
            rec(d + 1, sub[i])
        if n > 2 * ends:
            spacing(d)
            out.append("...")
        for i in range(max(ends, n - ends), n):
            spacing(d)
            rec(d + 1, sub[i])
        out.append("]")

    rec(0, a)
    return "".join(out)


def _format_value(v: Any, summarize: Any, top: bool) -> str:
    if isinstance(v, Tensor) or hasattr(type(v), "__tf_tensor__"):
        t = convert_to_tensor(v)
        return format_tensor(t._numpy(), summarize) if _concrete(t) else repr(t)
    if top and isinstance(v, str):
        return v
    if isinstance(v, list):
        return "[" + ", ".join(_format_value(x, summarize, False) for x in v) + "]"
    if isinstance(v, tuple) and not hasattr(v, "_fields"):
        inner = ", ".join(_format_value(x, summarize, False) for x in v)
        return "(" + inner + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, dict):
        keys = sorted(v) if all(isinstance(k, str) for k in v) else list(v)
        return "{" + ", ".join(f"{k!r}: {_format_value(v[k], summarize, False)}" for k in keys) + "}"
    return repr(v)


_ORIG_STREAMS = {id(sys.stdout): "stdout", id(sys.stderr): "stderr", id(sys.__stdout__): "stdout",
                 id(sys.__stderr__): "stderr"}
_LOGGERS = {logging.info: logging.INFO, logging.warning: logging.WARNING, logging.error: logging.ERROR}
_DEFAULT_STREAM = object()


def _writer(stream: Any) -> Callable[[str], None]:
    if stream is _DEFAULT_STREAM:
        stream = sys.stderr
    if stream is sys.stdout or stream is sys.stderr or id(stream) in _ORIG_STREAMS:
        which = "stdout" if stream is sys.stdout else "stderr" if stream is sys.stderr else _ORIG_STREAMS[id(stream)]

        def write(s: str) -> None:
            f = sys.stdout if which == "stdout" else sys.stderr
            f.write(s)
            f.flush()

        return write
    if stream in _LOGGERS:
        return lambda s: logging.log(_LOGGERS[stream], s.rstrip("\n"))
    if isinstance(stream, str) and stream.startswith("file://"):
        path = stream[len("file://"):]

        def write_file(s: str) -> None:
            with open(path, "a") as f:
                f.write(s)

        return write_file
    raise ValueError(
        f"Unsupported output stream, logging level, or file.{stream}. Supported streams are sys.stdout, "
        "sys.stderr, tf.logging.info, tf.logging.warning, tf.logging.error. File needs to be in the form of "
        "'file://<filepath>'."
    )


def print_(*inputs: Any, **kwargs: Any) -> None:
    """tf.print(*inputs, output_stream=sys.stderr, summarize=3, sep=' ', end='\\n', name=None).

    Writes tensors the way TF's printer does (``[1 2 3]``, ``summarize`` elements at each end with
    ``...``); non-tensor values print as Python shows them. Output streams as TF: sys.stdout,
    sys.stderr, ``logging.info/warning/error`` and ``'file://<path>'``.
    """
    stream = kwargs.pop("output_stream", _DEFAULT_STREAM)
    summarize = kwargs.pop("summarize", 3)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", "\n")
    kwargs.pop("name", None)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for tf.print: {kwargs}")
    write = _writer(stream)
    summarize = 3 if summarize is None else summarize
    flat, tree = jax.tree_util.tree_flatten(list(inputs), is_leaf=lambda v: isinstance(v, Tensor))
    symbolic = [i for i, v in enumerate(flat) if isinstance(v, Tensor) and not _concrete(v)]
    if symbolic or _state.tracing:  # traced: also Python-only values print on every run, not at trace time
        # Inside tf.function: print when the compiled function runs, on every call (as TF).
        def on_host(*vals: Any) -> None:
            leaves = list(flat)
            for i, v in zip(symbolic, vals):
                leaves[i] = wrap(np.asarray(v))
            items = jax.tree_util.tree_unflatten(tree, leaves)
            write(sep.join(_format_value(v, summarize, True) for v in items) + end)

        jax.debug.callback(on_host, *[flat[i].array for i in symbolic], ordered=True)
        return
    write(sep.join(_format_value(v, summarize, True) for v in inputs) + end)


print_.__name__ = "print"

register(("debugging.assert_equal", "assert_equal"), assert_equal)
register(("debugging.assert_none_equal",), assert_none_equal)
register(("debugging.assert_less", "assert_less"), assert_less)
register(("debugging.assert_less_equal",), assert_less_equal)
register(("debugging.assert_greater", "assert_greater"), assert_greater)
register(("debugging.assert_greater_equal",), assert_greater_equal)
register(("debugging.assert_near",), assert_near)
register(("debugging.assert_non_negative",), assert_non_negative)
register(("debugging.assert_positive",), assert_positive)
register(("debugging.assert_negative",), assert_negative)
register(("debugging.assert_non_positive",), assert_non_positive)
register(("debugging.assert_rank", "assert_rank"), assert_rank)
register(("debugging.assert_rank_at_least",), assert_rank_at_least)
register(("debugging.assert_rank_in",), assert_rank_in)
register(("debugging.assert_scalar",), assert_scalar)
register(("debugging.assert_type",), assert_type)
register(("debugging.assert_integer",), assert_integer)
register(("debugging.is_numeric_tensor",), is_numeric_tensor)
register(("debugging.assert_proper_iterable",), assert_proper_iterable)
register(("debugging.assert_shapes",), assert_shapes)
register(("debugging.check_numerics",), check_numerics)
register(("debugging.assert_all_finite",), assert_all_finite)
register(("debugging.Assert", "Assert"), Assert)
register(("print",), print_)
