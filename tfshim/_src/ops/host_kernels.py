"""NumPy host twins of the most common op kernels, for first sightings on the CPU (cold start).

An eager op meeting a new input signature (shapes, dtypes) would compile an XLA kernel (≈ 25 ms)
that a short program may never use again. ``core/dispatch.py`` runs the op's twin from this table
instead the first time, and compiles the kernel when the signature comes back. A twin takes NumPy
arrays and the op's static attributes, returns exactly the kernel's dtype and shape, and raises
``NoTwin`` for inputs it does not reproduce exactly (16-bit floats, complex numbers, float-to-int
casts, unusual layouts): the compiled kernel then runs. Values agree with the kernel's within the
conformance tests' tolerance (``tests/test_host_kernels.py`` checks every twin against the kernel).
Neither XLA nor NumPy reproduces TF's float32 transcendentals and reductions bit for bit (both are
within 1-2 ulp); softmax, where NumPy's rounding lands visibly farther from TF's than XLA's, has no twin.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.casting import cast_impl
from ..core.dispatch import NoTwin, register_host_twin, register_host_vjp
from ..core.variable import _add as _var_add
from ..core.variable import _sub as _var_sub
from . import array as _array
from . import linalg as _linalg
from . import math as _math
from . import nn as _nn
from . import reduction as _red

FLOATS = frozenset(np.dtype(t) for t in ("float32", "float64"))
_EXACT = FLOATS | frozenset(np.dtype(t) for t in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                              "uint64", "bool"))


def need(allowed: frozenset, *arrays: np.ndarray) -> None:
    for a in arrays:
        if a.dtype not in allowed:
            raise NoTwin(a.dtype)


def same(allowed: frozenset, x: np.ndarray, y: np.ndarray) -> None:
    if x.dtype != y.dtype or x.dtype not in allowed:
        raise NoTwin(x.dtype)


def _binary(ufunc: Any, allowed: frozenset = _EXACT) -> Any:
    def twin(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        same(allowed, x, y)
        return ufunc(x, y)

    return twin


def _unary(ufunc: Any, allowed: frozenset = FLOATS) -> Any:
    def twin(x: np.ndarray) -> np.ndarray:
        need(allowed, x)
        return ufunc(x)

    return twin


_NUMERIC = _EXACT - {np.dtype(bool)}
_BOOL = frozenset({np.dtype(bool)})
_INT = _NUMERIC - FLOATS


def _maximum(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    same(_NUMERIC, x, y)
    base = np.where(x >= y, x, y)
    return np.where(np.isnan(x), x, base) if x.dtype.kind == "f" else base


def _minimum(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    same(_NUMERIC, x, y)
    base = np.where(x <= y, x, y)
    return np.where(np.isnan(x), x, base) if x.dtype.kind == "f" else base


def _truediv(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    same(FLOATS, x, y)  # integer division converts first; that path compiles
    return np.true_divide(x, y)


def _softplus(x: np.ndarray) -> np.ndarray:
    need(FLOATS, x)
    return np.logaddexp(x, x.dtype.type(0))


def _softsign(x: np.ndarray) -> np.ndarray:
    need(FLOATS, x)
    return x / (x.dtype.type(1) + np.abs(x))


def _rsqrt(x: np.ndarray) -> np.ndarray:
    need(FLOATS, x)
    return x.dtype.type(1) / np.sqrt(x)


def _sign(x: np.ndarray) -> np.ndarray:
    need(_NUMERIC, x)
    return np.sign(x)


_BINARY = {
    "add": _binary(np.add, _NUMERIC), "subtract": _binary(np.subtract, _NUMERIC),
    "multiply": _binary(np.multiply, _NUMERIC), "truediv": _truediv,
    "maximum": _maximum, "minimum": _minimum, "pow": _binary(np.power, FLOATS),
    "equal": _binary(np.equal), "not_equal": _binary(np.not_equal), "less": _binary(np.less, _NUMERIC),
    "less_equal": _binary(np.less_equal, _NUMERIC), "greater": _binary(np.greater, _NUMERIC),
    "greater_equal": _binary(np.greater_equal, _NUMERIC), "logical_and": _binary(np.logical_and, _BOOL),
    "logical_or": _binary(np.logical_or, _BOOL), "math.logical_xor": _binary(np.logical_xor, _BOOL),
    "math.atan2": _binary(np.arctan2, FLOATS),
}
_UNARY = {
    "negative": _unary(np.negative, _NUMERIC - {np.dtype(t) for t in ("uint8", "uint16", "uint32", "uint64")}),
    "abs": _unary(np.abs, _NUMERIC - {np.dtype(t) for t in ("uint8", "uint16", "uint32", "uint64")}),
    "sign": _sign, "square": _unary(np.square, _NUMERIC), "sqrt": _unary(np.sqrt), "math.rsqrt": _rsqrt,
    "exp": _unary(np.exp), "math.log": _unary(np.log), "math.log1p": _unary(np.log1p),
    "math.expm1": _unary(np.expm1), "sin": _unary(np.sin), "cos": _unary(np.cos), "tan": _unary(np.tan),
    "math.asin": _unary(np.arcsin), "math.acos": _unary(np.arccos), "math.atan": _unary(np.arctan),
    "math.sinh": _unary(np.sinh), "math.cosh": _unary(np.cosh), "tanh": _unary(np.tanh),
    "math.asinh": _unary(np.arcsinh), "math.atanh": _unary(np.arctanh),
    "math.softplus": _softplus, "math.softsign": _softsign, "round": _unary(np.round, FLOATS),
    "math.floor": _unary(np.floor), "math.ceil": _unary(np.ceil), "math.rint": _unary(np.rint),
    "math.is_nan": _unary(np.isnan), "math.is_finite": _unary(np.isfinite), "math.is_inf": _unary(np.isinf),
    "logical_not": _unary(np.logical_not, _BOOL), "bitwise.invert": _unary(np.invert, _INT),
}


def _table_impls() -> dict:
    """{row name: the JAX impl its elementwise factory wraps}, from the math module's tables."""
    out = {}
    for names, _tfop, impl, *_ in _math._BINARY + _math._UNARY:
        out[names[0]] = impl
    return out


# -- reductions ----------------------------------------------------------------------------------------
def _sum(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    need(_EXACT - _BOOL, x)
    return np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def _mean(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    need(FLOATS, x)
    if x.size == 0:
        raise NoTwin("empty")
    return np.mean(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def _extreme(fn: Any) -> Any:
    def twin(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
        need(_NUMERIC, x)
        if x.size == 0:
            raise NoTwin("empty")
        return fn(x, axis=axis, keepdims=keepdims)

    return twin


# -- matmul, nn --------------------------------------------------------------------------------------------
def plain_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    same(FLOATS, a, b)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-2]:
        raise NoTwin("shape")
    return np.matmul(a, b)


def _matmul(a: np.ndarray, b: np.ndarray, ta: bool, tb: bool, ca: bool, cb: bool, out: Any) -> np.ndarray:
    if out is not None:
        raise NoTwin("output type")
    if ta:
        a = np.swapaxes(a, -1, -2)
    if tb:
        b = np.swapaxes(b, -1, -2)
    return plain_matmul(a, b)


def _relu(x: np.ndarray) -> np.ndarray:
    need(_NUMERIC, x)
    return np.maximum(x, x.dtype.type(0))


def log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _softmax(x: np.ndarray, axis: int, log: bool) -> np.ndarray:
    need(FLOATS, x)
    if x.size == 0:
        raise NoTwin("empty")
    if not log:  # XLA's exp is closer to TF's than NumPy's: softmax itself compiles
        raise NoTwin("softmax")
    return log_softmax(x, axis)


def pick_label(logp: np.ndarray, labels: np.ndarray) -> np.ndarray:
    if labels.dtype.kind not in "iu" or labels.size == 0 or labels.min() < 0 or labels.max() >= logp.shape[-1]:
        raise NoTwin("labels")
    return -np.take_along_axis(logp, labels[..., None].astype(np.int64), axis=-1)[..., 0]


def _nn_sparse_ce(labels: np.ndarray, logits: np.ndarray) -> np.ndarray:
    need(FLOATS, logits)
    if logits.size == 0:
        raise NoTwin("empty")
    return pick_label(log_softmax(logits, -1), labels)


def _bias_add(v: np.ndarray, b: np.ndarray, channels_first: bool) -> np.ndarray:
    same(_NUMERIC, v, b)
    if channels_first:
        return v + b.reshape((b.shape[0],) + (1,) * (v.ndim - 2))
    return v + b


def _cast(x: np.ndarray, dtype: str) -> np.ndarray:
    dt = np.dtype(dtype)
    need(_EXACT, x)
    if dt not in _EXACT or (x.dtype.kind == "f" and dt.kind in "iub"):
        raise NoTwin("cast")  # float -> int saturates/NaN-maps in the kernel; float -> bool compiles too
    if dt == np.bool_:
        return x != 0
    return x.astype(dt)


# -- Variable updates, shape ops --------------------------------------------------------------------------
def _reshape(x: np.ndarray, shape: tuple) -> np.ndarray:
    return np.reshape(x, shape)


def _transpose(x: np.ndarray, perm: tuple, conj: bool) -> np.ndarray:
    if conj and x.dtype.kind == "c":
        raise NoTwin("complex")
    return np.transpose(x, perm)


def _identity(x: np.ndarray) -> np.ndarray:
    return x.copy()


def _concat(*xs: np.ndarray, axis: int) -> np.ndarray:
    if len({a.dtype for a in xs}) != 1:
        raise NoTwin("dtypes")
    return np.concatenate(xs, axis=axis)


def _stack(*xs: np.ndarray, axis: int) -> np.ndarray:
    if len({a.dtype for a in xs}) != 1:
        raise NoTwin("dtypes")
    return np.stack(xs, axis=axis)


# -- VJP twins: gradients of graphs seen once, node by node on the host -----------------------------------
def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` over the axes that broadcasting added or stretched to reach ``g.shape`` from ``shape``."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape) if d == 1 and g.shape[lead + i] != 1)
    return np.sum(g, axis=axes, dtype=g.dtype).reshape(shape) if axes else g.reshape(shape)


def _floats(ins: list) -> None:
    for a in ins:
        if a.dtype not in FLOATS:
            raise NoTwin(a.dtype)


def _vjp_add(ins: list, y: np.ndarray, ct: np.ndarray) -> tuple:
    _floats(ins)
    return unbroadcast(ct, ins[0].shape), unbroadcast(ct, ins[1].shape)


def _vjp_sub(ins: list, y: np.ndarray, ct: np.ndarray) -> tuple:
    _floats(ins)
    return unbroadcast(ct, ins[0].shape), unbroadcast(-ct, ins[1].shape)


def _vjp_mul(ins: list, y: np.ndarray, ct: np.ndarray) -> tuple:
    _floats(ins)
    x, y = ins
    return unbroadcast(ct * y, x.shape), unbroadcast(ct * x, y.shape)


def _vjp_div(ins: list, y: np.ndarray, ct: np.ndarray) -> tuple:
    _floats(ins)
    x, y = ins
    return unbroadcast(ct / y, x.shape), unbroadcast(ct * ((-x / y) / y), y.shape)  # TF's RealDiv gradient


def _unary_vjp(d: Any) -> Any:
    """A VJP twin from ``d(x, y) -> dy/dx`` (``y`` the op's output)."""
    def vjp(ins: list, y: np.ndarray, ct: np.ndarray) -> tuple:
        _floats(ins)
        return (ct * d(ins[0], y),)

    return vjp


def _vjp_sqrt(ins: list, y: np.ndarray, ct: np.ndarray) -> tuple:
    _floats(ins)
    return (np.where(ct == 0, ct.dtype.type(0), ct * (y.dtype.type(0.5) / y)),)  # TF: 0 where ct is 0


_UNARY_VJP = {
    "exp": lambda x, y: y, "negative": lambda x, y: x.dtype.type(-1), "square": lambda x, y: x * x.dtype.type(2),
"math.log": lambda x, y: x.dtype.type(1) / x,
    "sin": lambda x, y: np.cos(x), "cos": lambda x, y: -np.sin(x),
    "tanh": lambda x, y: x.dtype.type(1) - y * y,
}


def _vjp_relu(ins: list, y: np.ndarray, ct: np.ndarray) -> tuple:
    _floats(ins)
    return (np.where(ins[0] > 0, ct, ct.dtype.type(0)),)


def _vjp_sum(ins: list, y: np.ndarray, ct: np.ndarray, axis: Any, keepdims: bool) -> tuple:
    _floats(ins)
    x = ins[0]
    axes = tuple(range(x.ndim)) if axis is None else tuple(a % max(x.ndim, 1) for a in axis)
    g = ct if keepdims else np.expand_dims(ct, axes)
    return (np.broadcast_to(g, x.shape).copy(),)


def _vjp_mean(ins: list, y: np.ndarray, ct: np.ndarray, axis: Any, keepdims: bool) -> tuple:
    (g,) = _vjp_sum(ins, y, ct, axis, keepdims)
    n = ins[0].size // max(y.size, 1)
    return (g / ins[0].dtype.type(n),)


def _vjp_extreme(ins: list, y: np.ndarray, ct: np.ndarray, axis: Any, keepdims: bool) -> tuple:
    """TF's gradient of reduce_max/min: split between ties; NaN everywhere when the result is NaN."""
    _floats(ins)
    x = ins[0]
    axes = tuple(range(x.ndim)) if axis is None else tuple(a % max(x.ndim, 1) for a in axis)
    yy, g = (y, ct) if keepdims else (np.expand_dims(y, axes), np.expand_dims(ct, axes))
    hit = (x == yy).astype(x.dtype)
    return (hit / np.sum(hit, axis=axes, keepdims=True, dtype=x.dtype) * g,)


def matmul_vjp(a: np.ndarray, b: np.ndarray, ct: np.ndarray) -> tuple:
    """Cotangents of ``a @ b`` (batch dims broadcast)."""
    ga = ct @ np.swapaxes(b, -1, -2)
    gb = np.swapaxes(a, -1, -2) @ ct
    return unbroadcast(ga, a.shape), unbroadcast(gb, b.shape)


def _vjp_plain_matmul(ins: list, y: np.ndarray, ct: np.ndarray) -> tuple:
    _floats(ins)
    if ins[0].ndim < 2 or ins[1].ndim < 2:
        raise NoTwin("rank")
    return matmul_vjp(ins[0], ins[1], ct)


def _vjp_matmul(ins: list, y: np.ndarray, ct: np.ndarray, ta: bool, tb: bool, ca: bool, cb: bool,
                out: Any) -> tuple:
    if out is not None:
        raise NoTwin("output type")
    _floats(ins)
    a = np.swapaxes(ins[0], -1, -2) if ta else ins[0]
    b = np.swapaxes(ins[1], -1, -2) if tb else ins[1]
    ga, gb = matmul_vjp(a, b, ct)
    return (np.swapaxes(ga, -1, -2) if ta else ga), (np.swapaxes(gb, -1, -2) if tb else gb)


def _vjp_bias_add(ins: list, y: np.ndarray, ct: np.ndarray, channels_first: bool) -> tuple:
    _floats(ins)
    if channels_first:
        return ct, np.sum(ct, axis=tuple(i for i in range(ct.ndim) if i != 1), dtype=ct.dtype)
    return ct, np.sum(ct, axis=tuple(range(ct.ndim - 1)), dtype=ct.dtype)


def _vjp_reshape(ins: list, y: np.ndarray, ct: np.ndarray, **attrs: Any) -> tuple:
    _floats(ins)
    return (ct.reshape(ins[0].shape),)


def _vjp_transpose(ins: list, y: np.ndarray, ct: np.ndarray, perm: tuple, conj: bool) -> tuple:
    _floats(ins)
    return (np.transpose(ct, np.argsort(perm)),)


def _vjp_cast(ins: list, y: np.ndarray, ct: np.ndarray, dtype: str) -> tuple:
    if ins[0].dtype not in FLOATS or np.dtype(dtype) not in FLOATS:
        raise NoTwin("cast")
    return (ct.astype(ins[0].dtype),)


def _vjp_log_softmax(ins: list, y: np.ndarray, ct: np.ndarray, axis: int, log: bool) -> tuple:
    _floats(ins)
    if not log:
        raise NoTwin("softmax")
    return (ct - np.exp(y) * np.sum(ct, axis=axis, keepdims=True, dtype=ct.dtype),)


def sparse_ce_vjp(logits: np.ndarray, labels: np.ndarray, ct: np.ndarray) -> np.ndarray:
    """Cotangent of ``-log_softmax(logits)[label]`` with respect to the logits."""
    p = np.exp(log_softmax(logits, -1))
    np.put_along_axis(p, labels[..., None].astype(np.int64), np.take_along_axis(
        p, labels[..., None].astype(np.int64), axis=-1) - logits.dtype.type(1), axis=-1)
    return p * ct[..., None]


def _vjp_nn_sparse_ce(ins: list, y: np.ndarray, ct: np.ndarray) -> tuple:
    labels, logits = ins
    _floats([logits])
    return None, sparse_ce_vjp(logits, labels, ct)


def _vjp_identity(ins: list, y: np.ndarray, ct: np.ndarray) -> tuple:
    _floats(ins)
    return (ct,)


def _register() -> None:
    impls = _table_impls()
    for name, twin in {**_BINARY, **_UNARY}.items():
        register_host_twin(impls[name], twin)
    for impl, twin in ((_red._sum, _sum), (_red._mean, _mean), (_red._max, _extreme(np.max)),
                       (_red._min, _extreme(np.min)), (_linalg._plain_matmul, plain_matmul),
                       (_linalg._matmul, _matmul), (_nn._relu, _relu), (_nn._softmax_impl, _softmax),
                       (_nn._sparse_ce, _nn_sparse_ce), (_nn._bias_add, _bias_add), (cast_impl, _cast),
                       (_var_add, _binary(np.add, _NUMERIC)), (_var_sub, _binary(np.subtract, _NUMERIC)),
                       (_array._reshape, _reshape), (_array._transpose, _transpose), (_array._identity, _identity),
                       (_math._identity, _identity), (_array._concat, _concat), (_array._stack, _stack)):
        register_host_twin(impl, twin)
    for name, vjp in (("add", _vjp_add), ("subtract", _vjp_sub), ("multiply", _vjp_mul), ("truediv", _vjp_div),
                      ("sqrt", _vjp_sqrt)):
        register_host_vjp(impls[name], vjp)
    for name, d in _UNARY_VJP.items():
        register_host_vjp(impls[name], _unary_vjp(d))
    for impl, vjp in ((_red._sum, _vjp_sum), (_red._mean, _vjp_mean), (_red._max, _vjp_extreme),
                      (_red._min, _vjp_extreme), (_linalg._plain_matmul, _vjp_plain_matmul),
                      (_linalg._matmul, _vjp_matmul), (_nn._relu, _vjp_relu), (_nn._softmax_impl, _vjp_log_softmax),
                      (_nn._sparse_ce, _vjp_nn_sparse_ce), (_nn._bias_add, _vjp_bias_add), (cast_impl, _vjp_cast),
                      (_array._reshape, _vjp_reshape), (_array._transpose, _vjp_transpose),
                      (_array._identity, _vjp_identity), (_math._identity, _vjp_identity)):
        register_host_vjp(impl, vjp)


_register()
