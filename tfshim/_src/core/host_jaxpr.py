"""Evaluate a jaxpr with NumPy on the host: the first run of a traced program without compiling it.

A ``tf.function`` traced for a new input signature runs its first call through ``evaluate`` when
every equation is one of the primitives below (and nothing has effects), so a signature used once
never pays XLA's compile; the second call compiles (``staging/function.py``). ``supported`` checks a
jaxpr first; anything else (random bits, gathers, convolutions, callbacks, the logistic) compiles as
before. Results agree with the compiled program within the conformance tolerance
(``tests/test_host_kernels.py``); they can differ from it in the last bit.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

try:
    from jax.extend.core import Literal
except ImportError:  # pragma: no cover - older jax
    from jax.core import Literal

# Parameters that do not change a result computed on the host (placement, requested accuracy).
_IGNORED = frozenset({"accuracy", "sharding", "out_sharding", "precision", "weak_type"})
_FLOATS = frozenset(np.dtype(t) for t in ("float32", "float64"))
_EXACT = _FLOATS | frozenset(np.dtype(t) for t in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                                   "uint64", "bool"))


class Unsupported(Exception):  # noqa: N818 - internal control flow
    """An equation the host evaluator does not reproduce exactly (the program compiles instead)."""


def _div(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    if x.dtype.kind == "f":
        return np.true_divide(x, y)
    if np.any(y == 0):
        raise Unsupported("integer division by zero")
    q = np.abs(x) // np.abs(y)  # C semantics: truncate toward zero
    return (np.sign(x) * np.sign(y) * q).astype(x.dtype)


def _round(x: np.ndarray, rounding_method: Any = 0) -> np.ndarray:
    if int(rounding_method) == 1:
        return np.round(x)
    return np.sign(x) * np.floor(np.abs(x) + x.dtype.type(0.5))


def _convert(x: np.ndarray, new_dtype: Any, **_: Any) -> np.ndarray:
    dt = np.dtype(new_dtype)
    if dt not in _EXACT or (x.dtype.kind == "f" and dt.kind in "iu"):
        raise Unsupported("conversion")
    if dt == np.bool_:
        return x != 0
    return x.astype(dt)


def _broadcast_in_dim(x: np.ndarray, shape: tuple, broadcast_dimensions: tuple, **_: Any) -> np.ndarray:
    expanded = [1] * len(shape)
    for src, dst in enumerate(broadcast_dimensions):
        expanded[dst] = x.shape[src]
    return np.broadcast_to(x.reshape(expanded), tuple(shape))


def _reshape(x: np.ndarray, new_sizes: tuple, dimensions: Any = None, **_: Any) -> np.ndarray:
    if dimensions is not None:
        x = np.transpose(x, dimensions)
    return np.reshape(x, tuple(new_sizes))


def _reduce(fn: Callable) -> Callable:
    def r(x: np.ndarray, axes: tuple, **_: Any) -> np.ndarray:
        if x.size == 0 and fn in (np.max, np.min):
            raise Unsupported("empty reduction")
        if fn in (np.sum, np.prod) and x.dtype != np.bool_:
            return fn(x, axis=tuple(axes), dtype=x.dtype)
        return fn(x, axis=tuple(axes))

    return r


def _arg(fn: Callable) -> Callable:
    def r(x: np.ndarray, axes: tuple, index_dtype: Any) -> np.ndarray:
        if x.dtype.kind == "f" and np.isnan(x).any():
            raise Unsupported("NaN in argmax")
        return fn(x, axis=axes[0]).astype(index_dtype)

    return r


def _dot_general(x: np.ndarray, y: np.ndarray, dimension_numbers: Any, preferred_element_type: Any = None,
                 **_: Any) -> np.ndarray:
    (lc, rc), (lb, rb) = dimension_numbers
    if x.dtype != y.dtype or x.dtype not in _FLOATS:
        raise Unsupported("dot dtype")
    if preferred_element_type is not None and np.dtype(preferred_element_type) != x.dtype:
        raise Unsupported("dot output type")
    lf = [d for d in range(x.ndim) if d not in lc and d not in lb]
    rf = [d for d in range(y.ndim) if d not in rc and d not in rb]
    xt = np.transpose(x, list(lb) + lf + list(lc))
    yt = np.transpose(y, list(rb) + list(rc) + rf)
    bs = [x.shape[d] for d in lb]
    m, k, n = int(np.prod([x.shape[d] for d in lf])), int(np.prod([x.shape[d] for d in lc])), \
        int(np.prod([y.shape[d] for d in rf]))
    nb = int(np.prod(bs))
    out = np.matmul(xt.reshape(nb, m, k), yt.reshape(nb, k, n))
    return out.reshape(bs + [x.shape[d] for d in lf] + [y.shape[d] for d in rf])


def _select_n(pred: np.ndarray, *cases: np.ndarray) -> np.ndarray:
    if pred.dtype == np.bool_:
        return np.where(pred, cases[1], cases[0])
    return np.choose(pred, cases)


def _slice(x: np.ndarray, start_indices: tuple, limit_indices: tuple, strides: Any = None) -> np.ndarray:
    st = strides or (1,) * x.ndim
    return x[tuple(slice(a, b, s) for a, b, s in zip(start_indices, limit_indices, st))]


def _pad(x: np.ndarray, pv: np.ndarray, padding_config: tuple) -> np.ndarray:
    if any(lo < 0 or hi < 0 or interior for lo, hi, interior in padding_config):
        raise Unsupported("pad")
    return np.pad(x, [(lo, hi) for lo, hi, _ in padding_config], constant_values=pv)


def _iota(dtype: Any, shape: tuple, dimension: int, **_: Any) -> np.ndarray:
    r = np.arange(shape[dimension], dtype=dtype)
    return np.broadcast_to(r.reshape([-1 if i == dimension else 1 for i in range(len(shape))]), shape)


def _float_only(fn: Callable) -> Callable:
    def f(x: np.ndarray, **_: Any) -> np.ndarray:
        if x.dtype not in _FLOATS:
            raise Unsupported("dtype")
        return fn(x)

    return f


def _integer_pow(x: np.ndarray, y: int) -> np.ndarray:
    if x.dtype not in _FLOATS and y < 0:
        raise Unsupported("negative integer power")
    out = np.ones_like(x) if y >= 0 else None
    if y >= 0:
        base, e = x, y
        while e:  # XLA multiplies by repeated squaring, so the rounding matches
            if e & 1:
                out = out * base
            base, e = base * base, e >> 1
        return out
    return x.dtype.type(1) / _integer_pow(x, -y)


def _clamp(lo: np.ndarray, x: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.minimum(np.maximum(x, lo), hi)


PRIMITIVES: dict[str, Callable] = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": _div, "rem": np.fmod,
    "max": np.maximum, "min": np.minimum, "neg": np.negative, "abs": np.abs, "sign": np.sign,
    "floor": np.floor, "ceil": np.ceil, "round": _round, "is_finite": np.isfinite,
    "exp": _float_only(np.exp), "log": _float_only(np.log), "log1p": _float_only(np.log1p),
    "tanh": _float_only(np.tanh), "sin": _float_only(np.sin), "cos": _float_only(np.cos), "sqrt": _float_only(np.sqrt),
    "rsqrt": _float_only(lambda x: x.dtype.type(1) / np.sqrt(x)), "square": np.square,
    "integer_pow": _integer_pow, "pow": lambda x, y: np.power(x, y) if x.dtype in _FLOATS else _unsup(),
    "not": lambda x: np.logical_not(x) if x.dtype == np.bool_ else np.invert(x),
    "and": lambda x, y: np.logical_and(x, y) if x.dtype == np.bool_ else np.bitwise_and(x, y),
    "or": lambda x, y: np.logical_or(x, y) if x.dtype == np.bool_ else np.bitwise_or(x, y),
    "xor": lambda x, y: np.logical_xor(x, y) if x.dtype == np.bool_ else np.bitwise_xor(x, y),
    "eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
    "ge": np.greater_equal, "select_n": _select_n, "convert_element_type": _convert,
    "broadcast_in_dim": _broadcast_in_dim, "reshape": _reshape,
    "squeeze": lambda x, dimensions: np.squeeze(x, tuple(dimensions)),
    "expand_dims": lambda x, dimensions: np.expand_dims(x, tuple(dimensions)),
    "transpose": lambda x, permutation: np.transpose(x, permutation),
    "reduce_sum": _reduce(np.sum), "reduce_max": _reduce(np.max), "reduce_min": _reduce(np.min),
    "reduce_prod": _reduce(np.prod), "reduce_and": _reduce(np.all), "reduce_or": _reduce(np.any),
    "argmax": _arg(np.argmax), "argmin": _arg(np.argmin), "dot_general": _dot_general,
    "concatenate": lambda *xs, dimension: np.concatenate(xs, axis=dimension), "slice": _slice, "pad": _pad,
    "iota": _iota, "copy": np.copy, "copy_p": np.copy, "clamp": _clamp,
    "rev": lambda x, dimensions: np.flip(x, tuple(dimensions)),
}
_CALLS = {"pjit": "jaxpr", "jit": "jaxpr", "closed_call": "call_jaxpr", "custom_jvp_call": "call_jaxpr",
          "custom_vjp_call": "call_jaxpr", "custom_vjp_call_jaxpr": "fun_jaxpr"}


def _unsup() -> Any:
    raise Unsupported("pow")


def _inner(eqn: Any) -> Any:
    j = eqn.params.get(_CALLS[eqn.primitive.name])
    return getattr(j, "jaxpr", j), getattr(j, "consts", ())


def supported(jaxpr: Any) -> bool:
    """Whether every equation of ``jaxpr`` (a Jaxpr or ClosedJaxpr, nested calls included) can run here."""
    j = getattr(jaxpr, "jaxpr", jaxpr)
    if j.effects:
        return False
    for eqn in j.eqns:
        name = eqn.primitive.name
        if name in _CALLS:
            inner, _ = _inner(eqn)
            if inner is None or not supported(inner):
                return False
        elif name not in PRIMITIVES:
            return False
        for v in list(eqn.invars) + list(eqn.outvars):
            dt = getattr(getattr(v, "aval", None), "dtype", None)
            if dt is not None and np.dtype(dt) not in _EXACT:
                return False
    return True


RUNS = [0]  # programs evaluated here (tests prove the path runs)


def evaluate(closed: Any, *args: Any) -> list:
    """The outputs (NumPy arrays) of ClosedJaxpr ``closed`` on NumPy ``args``; raises Unsupported."""
    with np.errstate(all="ignore"):
        out = _eval(closed.jaxpr, list(closed.consts), [np.asarray(a) for a in args])
    RUNS[0] += 1
    return out


def _eval(jaxpr: Any, consts: list, args: list) -> list:
    env: dict = {}

    def read(v: Any) -> Any:
        if isinstance(v, Literal):
            return np.asarray(v.val, dtype=v.aval.dtype)
        return env[v]

    for v, c in zip(jaxpr.constvars, consts):
        env[v] = np.asarray(c)
    for v, a in zip(jaxpr.invars, args):
        env[v] = a
    for eqn in jaxpr.eqns:
        ins = [read(v) for v in eqn.invars]
        name = eqn.primitive.name
        if name in _CALLS:
            inner, inner_consts = _inner(eqn)
            outs = _eval(inner, list(inner_consts), ins[: len(inner.invars)])
        else:
            params = {k: v for k, v in eqn.params.items() if k not in _IGNORED}
            if params.pop("out_dtype", None) is not None:
                raise Unsupported(f"{name} with an output dtype")
            out = PRIMITIVES[name](*ins, **params)
            outs = [out]
        for v, o in zip(eqn.outvars, outs):
            want = np.dtype(v.aval.dtype)
            o = np.asarray(o)
            if o.dtype != want:
                o = o.astype(want)
            if tuple(o.shape) != tuple(v.aval.shape):
                raise Unsupported(f"{name}: shape {o.shape} != {v.aval.shape}")
            env[v] = o
    return [read(v) for v in jaxpr.outvars]
