"""Elementwise math rows: arithmetic, comparison, logic, unary functions, cast, identity."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core import dtypes as _dt
from ..core.casting import cast_impl as _cast_impl
from ..core.convert import convert_to_tensor
from ..core.dispatch import not_differentiable, run
from ..core.tensor import Tensor
from .elementwise import (
    ALL,
    BOOL,
    COMPLEX,
    FLOAT,
    INT,
    NUMERIC,
    REAL,
    SINT,
    abs_real_tf,
    binary,
    no_gradient_defined,
    sqrt_tf,
    tf_derivative,
    unary,
    with_forward,
    zero_upstream_vjp,
)
from .table import register

FC = FLOAT | COMPLEX
SIGNED = FLOAT | SINT | COMPLEX


@jax.custom_jvp
def _div(x, y):
    return x / y


@_div.defjvp
def _div_jvp(primals, tangents):  # TF's RealDiv gradient: dy * ((-x / y) / y), so 0 * (tiny / tiny**2) is 0
    (x, y), (tx, ty) = primals, tangents
    # the barrier keeps XLA from rewriting (a / y) / y as a / (y * y), which underflows to 0 / 0 = NaN
    return x / y, tx / y + ty * (jax.lax.optimization_barrier(-x / y) / y)


def _truediv(x, y):
    if x.dtype.kind in "iu":
        ft = jnp.float64 if x.dtype.itemsize >= 4 else jnp.float32
        x, y = x.astype(ft), y.astype(ft)
    return _div(x, y)


def _erf(x):  # jax's float64 erf maps NaN to 1; TF keeps NaN
    y = jnp.where(jnp.isnan(x), x, jax.scipy.special.erf(x))
    if x.dtype == jnp.float64:  # TF's (Eigen's) double erf is NaN where x * x overflows (|x| > ~1.34e154, inf)
        y = jnp.where(jnp.isinf(x * x), jnp.asarray(jnp.nan, x.dtype), y)
    return y


def _floordiv(x, y):
    if x.dtype.kind in "fc":  # TF: floor(x / y) (so -3 // inf is -0.0, where Python's rule gives -1.0)
        return jnp.floor(x / y)
    return jnp.floor_divide(x, y)


def _truncatediv(x, y):  # TF's TruncateDiv: the quotient rounded toward zero, for ints and floats
    if x.dtype.kind in "iu":
        return jax.lax.div(*jnp.broadcast_arrays(x, y))  # C semantics: truncates toward zero
    return jnp.trunc(x / y)


def _fmod(x, y):
    return jnp.fmod(x, y)


_fmod_no_grad = no_gradient_defined(_fmod, "TruncateMod")


def _truncatemod(x, y):
    return _fmod_no_grad(x, y) if x.dtype.kind == "f" else jnp.fmod(x, y)


@jax.custom_jvp
def _div_no_nan(x, y):
    safe = jnp.where(y == 0, jnp.ones_like(y), y)
    return jnp.where(y == 0, jnp.zeros_like(x / safe), x / safe)


@_div_no_nan.defjvp
def _div_no_nan_jvp(primals, tangents):  # TF: dx = div_no_nan(g, y), dy = g * div_no_nan(div_no_nan(-x, y), y)
    (x, y), (tx, ty) = primals, tangents
    safe = jnp.where(y == 0, jnp.ones_like(y), y)
    zero = jnp.zeros_like(x / safe)
    gx = jnp.where(y == 0, zero, tx / safe)
    gy = ty * jnp.where(y == 0, zero, jax.lax.optimization_barrier(-x / safe) / safe)
    return _div_no_nan(x, y), gx + gy


def _divide_no_nan(x, y):
    if x.dtype.kind in "iu":  # tf.math.divide_no_nan on ints divides in floating point, as truediv
        ft = jnp.float64 if x.dtype.itemsize >= 4 else jnp.float32
        x, y = x.astype(ft), y.astype(ft)
    return _div_no_nan(x, y)


@jax.custom_vjp
def _mul_no_nan(x, y):
    return jnp.where(y == 0, jnp.zeros_like(x), x * y)


def _mul_no_nan_fwd(x, y):
    return _mul_no_nan(x, y), (x, y)


def _mul_no_nan_bwd(res, g):  # TF's MulNoNan gradient: dx = mul_no_nan(g, y), dy = mul_no_nan(x, g)
    x, y = res
    zero = jnp.zeros_like(g)
    return jnp.where(y == 0, zero, g * y), jnp.where(g == 0, zero, x * g)


_mul_no_nan.defvjp(_mul_no_nan_fwd, _mul_no_nan_bwd)


def _mul_no_nan_plain(x, y):
    x, y = jnp.broadcast_arrays(x, y)
    return jnp.where(y == 0, jnp.zeros_like(x), x * y)


def _multiply_no_nan(x, y):
    return _mul_no_nan_tf(*jnp.broadcast_arrays(x, y))


_mul_no_nan_tf = with_forward(_mul_no_nan, _mul_no_nan_plain)


def _xlogy(x, y):
    safe = jnp.where(x == 0, jnp.ones_like(y), y)
    return jnp.where(x == 0, jnp.zeros_like(x), x * jnp.log(safe))


def _xdivy(x, y):
    safe = jnp.where(x == 0, jnp.ones_like(y), y)
    return jnp.where(x == 0, jnp.zeros_like(x), x / safe)


def _maximum(x, y):
    # TF sends the whole gradient to x where x >= y, else to y (jnp.maximum splits ties), and the
    # value propagates NaN.
    base = jnp.where(x >= y, x, y)
    return jnp.where(jnp.isnan(x), base + jax.lax.stop_gradient(x), base)


def _minimum(x, y):
    base = jnp.where(x <= y, x, y)
    return jnp.where(jnp.isnan(x), base + jax.lax.stop_gradient(x), base)


def _sigmoid(x):
    return jax.nn.sigmoid(x)


# TF's SqrtGrad, RsqrtGrad and ReciprocalGrad kernels: 0 where the upstream gradient is 0.
_sqrt = sqrt_tf
_rsqrt = zero_upstream_vjp(jax.lax.rsqrt, lambda x, y: -0.5 * (y * y * y))
_reciprocal = zero_upstream_vjp(jnp.reciprocal, lambda x, y: -(y * y))


@jax.custom_jvp
def _floormod_f(x, y):
    return jnp.mod(x, y)


@_floormod_f.defjvp
def _floormod_jvp(primals, tangents):  # TF: dx = g, dy = -g * floor_div(x, y)
    (x, y), (tx, ty) = primals, tangents
    return jnp.mod(x, y), tx - ty * jnp.floor(x / y)


def _floormod(x, y):
    return _floormod_f(x, y) if x.dtype.kind in "fc" else jnp.mod(x, y)


@jax.custom_jvp
def _pow_f(x, y):
    return jnp.power(x, y)


@_pow_f.defjvp
def _pow_jvp(primals, tangents):  # TF's Pow gradient for y: g * z * log(x) where x > 0 (x != 0 if complex), else 0
    (x, y), (tx, ty) = primals, tangents
    z, dx = jax.jvp(lambda a: jnp.power(a, y), (x,), (tx,))
    mask = x != 0 if x.dtype.kind == "c" else x > 0
    log_x = jnp.where(mask, jnp.log(jnp.where(mask, x, jnp.ones_like(x))), jnp.zeros_like(x))
    return z, dx + ty * (z * log_x)


def _pow(x, y):
    return _pow_f(x, y) if x.dtype.kind in "fc" else _int_pow(x, y)


def _int_pow(x, y):  # negative exponents are rejected on eager values by elementwise.binary, as TF
    return jnp.power(x, y)


def _abs(x):  # TF's Abs gradient: g * sign(x) (0 at 0; jnp.abs gives 1)
    return _abs_f(x) if x.dtype.kind == "f" else jnp.abs(x)


_abs_f = abs_real_tf


def _sign(x):
    if x.dtype.kind == "c":
        a = jnp.abs(x)
        return jnp.where(a == 0, jnp.zeros_like(x), x / jnp.where(a == 0, 1, a).astype(x.dtype))
    return jnp.sign(x)


def _softplus(x):
    return jax.nn.softplus(x)


def _softsign_plain(x):
    return x / (1 + jnp.abs(x))


# TF's SoftsignGrad: g / (1 + |x|)**2 (0 at +-inf, where the quotient rule gives NaN)
_softsign = tf_derivative(_softsign_plain, lambda x, y: 1 / jnp.square(1 + jnp.abs(x)))
# TF's digamma gradient polygamma(1, x) is 0 at +inf (JAX's is NaN)
_digamma = tf_derivative(jax.scipy.special.digamma, lambda x, y: jnp.where(
    x == jnp.inf, jnp.zeros_like(x), jax.scipy.special.polygamma(1, x)))


def _round(x):
    return jnp.round(x)


def _floor(x):
    return jnp.floor(x)


def _ceil(x):
    return jnp.ceil(x)


def _rint(x):
    return jnp.rint(x)


def _invert(x):
    return jnp.logical_not(x) if x.dtype == jnp.bool_ else jnp.invert(x)


def _bitop(np_logic, np_bit):
    def f(x, y):
        return np_logic(x, y) if x.dtype == jnp.bool_ else np_bit(x, y)

    return f


_and, _or, _xor = _bitop(jnp.logical_and, jnp.bitwise_and), _bitop(jnp.logical_or, jnp.bitwise_or), \
    _bitop(jnp.logical_xor, jnp.bitwise_xor)
_and.__name__, _or.__name__, _xor.__name__ = "and_", "or_", "xor_"

# (names, TF kernel, JAX function, allowed dtypes, Tensor methods, reflected methods, test kind)
_BINARY = [
    (("add", "math.add"), "AddV2", jnp.add, NUMERIC, ("__add__",), ("__radd__",), "binary"),
    (("subtract", "math.subtract"), "Sub", jnp.subtract, NUMERIC, ("__sub__",), ("__rsub__",), "binary"),
    (("multiply", "math.multiply"), "Mul", jnp.multiply, NUMERIC, ("__mul__",), ("__rmul__",), "binary"),
    (("truediv", "math.truediv", "divide", "math.divide"), "RealDiv", _truediv, NUMERIC, ("__truediv__",),
     ("__rtruediv__",), "binary_div"),
    (("math.floordiv",), "FloorDiv", _floordiv, REAL, ("__floordiv__",), ("__rfloordiv__",),
     "binary_div"),
    (("math.floormod", "math.mod"), "FloorMod", _floormod, REAL, ("__mod__",), ("__rmod__",),
     "binary_div"),
    (("truncatemod",), "TruncateMod", _truncatemod, REAL, (), (), "binary_div"),
    (("truncatediv",), "TruncateDiv", _truncatediv, REAL, (), (), "binary_div"),
    (("pow", "math.pow"), "Pow", _pow, FC | SINT, ("__pow__",), ("__rpow__",), "binary_pow"),
    (("maximum", "math.maximum"), "Maximum", _maximum, REAL, (), (), "binary"),
    (("minimum", "math.minimum"), "Minimum", _minimum, REAL, (), (), "binary"),
    (("math.squared_difference",), "SquaredDifference", lambda x, y: jnp.square(x - y),
     NUMERIC, (), (), "binary"),
    (("math.atan2", "atan2"), "Atan2", jnp.arctan2, FLOAT, (), (), "binary_float"),
    (("math.divide_no_nan",), "DivNoNan", _divide_no_nan, NUMERIC, (), (), "binary_div"),
    (("math.multiply_no_nan",), "MulNoNan", _multiply_no_nan, FC, (), (), "binary_float"),
    (("math.xlogy",), "Xlogy", _xlogy, FC, (), (), "binary_pos"),
    (("math.xdivy",), "Xdivy", _xdivy, FC, (), (), "binary_div"),
    (("equal", "math.equal"), "Equal", jnp.equal, ALL, (), (), "compare"),
    (("not_equal", "math.not_equal"), "NotEqual", jnp.not_equal, ALL, (), (), "compare"),
    (("less", "math.less"), "Less", jnp.less, REAL, ("__lt__",), (), "compare"),
    (("less_equal", "math.less_equal"), "LessEqual", jnp.less_equal, REAL, ("__le__",), (), "compare"),
    (("greater", "math.greater"), "Greater", jnp.greater, REAL, ("__gt__",), (), "compare"),
    (("greater_equal", "math.greater_equal"), "GreaterEqual", jnp.greater_equal, REAL, ("__ge__",), (),
     "compare"),
    (("logical_and", "math.logical_and"), "LogicalAnd", jnp.logical_and, BOOL, (), (), "logical"),
    (("logical_or", "math.logical_or"), "LogicalOr", jnp.logical_or, BOOL, (), (), "logical"),
    (("math.logical_xor",), "LogicalXor", jnp.logical_xor, BOOL, (), (), "logical"),
    (("bitwise.bitwise_and",), "BitwiseAnd", jnp.bitwise_and, INT, (), (), "bitwise"),
    (("bitwise.bitwise_or",), "BitwiseOr", jnp.bitwise_or, INT, (), (), "bitwise"),
    (("bitwise.bitwise_xor",), "BitwiseXor", jnp.bitwise_xor, INT, (), (), "bitwise"),
]

_UNARY = [
    (("negative", "math.negative"), "Neg", jnp.negative, SIGNED, ("__neg__",), "unary"),
    (("abs", "math.abs"), "Abs", _abs, SIGNED, ("__abs__",), "unary_abs"),
    (("sign", "math.sign"), "Sign", _sign, SIGNED, (), "unary_nonzero"),
    (("square", "math.square"), "Square", jnp.square, NUMERIC, (), "unary"),
    (("sqrt", "math.sqrt"), "Sqrt", _sqrt, FC, (), "unary_pos"),
    (("math.rsqrt",), "Rsqrt", _rsqrt, FC, (), "unary_pos"),
    (("exp", "math.exp"), "Exp", jnp.exp, FC, (), "unary_float"),
    (("math.log",), "Log", jnp.log, FC, (), "unary_pos"),
    (("math.log1p",), "Log1p", jnp.log1p, FC, (), "unary_pos"),
    (("math.expm1",), "Expm1", jnp.expm1, FC, (), "unary_float"),
    (("sin", "math.sin"), "Sin", jnp.sin, FC, (), "unary_float"),
    (("cos", "math.cos"), "Cos", jnp.cos, FC, (), "unary_float"),
    (("tan", "math.tan"), "Tan", jnp.tan, FC, (), "unary_unit"),
    (("math.asin", "asin"), "Asin", jnp.arcsin, FC, (), "unary_unit"),
    (("math.acos", "acos"), "Acos", jnp.arccos, FC, (), "unary_unit"),
    (("math.atan", "atan"), "Atan", jnp.arctan, FC, (), "unary_float"),
    (("math.sinh", "sinh"), "Sinh", jnp.sinh, FC, (), "unary_float"),
    (("math.cosh", "cosh"), "Cosh", jnp.cosh, FC, (), "unary_float"),
    (("tanh", "math.tanh", "nn.tanh"), "Tanh", jnp.tanh, FC, (), "unary_float"),
    (("math.asinh", "asinh"), "Asinh", jnp.arcsinh, FC, (), "unary_float"),
    (("math.atanh", "atanh"), "Atanh", jnp.arctanh, FC, (), "unary_unit"),
    (("sigmoid", "math.sigmoid", "nn.sigmoid"), "Sigmoid", _sigmoid, FC, (), "unary_float"),
    (("math.softplus", "nn.softplus"), "Softplus", _softplus, FLOAT, (), "unary_float"),
    (("math.softsign", "nn.softsign"), "Softsign", _softsign, FLOAT, (), "unary_float"),
    (("math.erf",), "Erf", _erf, FLOAT, (), "unary_float"),
    (("math.erfc",), "Erfc", jax.scipy.special.erfc, FLOAT, (), "unary_float"),
    (("math.lgamma",), "Lgamma", jax.scipy.special.gammaln, FLOAT, (), "unary_pos"),
    (("math.digamma",), "Digamma", _digamma, FLOAT, (), "unary_pos"),
    (("round", "math.round"), "Round", _round, FLOAT | INT, (), "unary_round"),
    (("math.floor", "floor"), "Floor", _floor, FLOAT, (), "unary_round"),
    (("math.ceil",), "Ceil", _ceil, FLOAT, (), "unary_round"),
    (("math.rint",), "Rint", _rint, FLOAT, (), "unary_round"),
    (("math.is_nan",), "IsNan", jnp.isnan, FLOAT, (), "unary_pred"),
    (("math.is_finite",), "IsFinite", jnp.isfinite, FLOAT, (), "unary_pred"),
    (("math.is_inf",), "IsInf", jnp.isinf, FLOAT, (), "unary_pred"),
    (("logical_not", "math.logical_not"), "LogicalNot", jnp.logical_not, BOOL, (), "logical_not"),
    (("bitwise.invert",), "Invert", jnp.invert, INT, (), "bitwise_not"),
    (("math.real",), "Real", jnp.real, NUMERIC, (), "unary_complex"),
    (("math.imag",), "Imag", jnp.imag, NUMERIC, (), "unary_complex"),
    (("math.conj",), "Conj", jnp.conj, NUMERIC, (), "unary_complex"),
    (("math.angle",), "Angle", jnp.angle, NUMERIC, (), "unary_complex"),
]

# Rows whose result is piecewise constant: TF registers no gradient for them (None or LookupError).
_NO_GRAD = {"truncatediv", "truncatemod", "math.floordiv"}

# TF registers no gradient (or one returning None) for these: tape.gradient through them is None, not zeros.
_NONE_GRAD = {"round", "math.floor", "math.ceil", "math.rint", "math.floordiv", "truncatediv"}

_ns: dict = {}
_STRINGS_TOO = {"add", "equal", "not_equal"}  # TF's AddV2/Equal/NotEqual kernels take tf.string
for _names, _tfop, _impl, _allowed, _m, _rm, _kind in _BINARY:
    if _names[0] in _NONE_GRAD:
        not_differentiable(_impl)
    if _names[0] in _STRINGS_TOO:
        _allowed = _allowed | {np.dtype(object)}
    _ns[_names[0]] = register(_names, binary(f"tf.{_names[0]}", _tfop, _impl, _allowed), kind=_kind, methods=_m,
                              rmethods=_rm,
                              grad=_kind not in ("compare", "logical", "bitwise") and _names[0] not in _NO_GRAD)
for _names, _tfop, _impl, _allowed, _m, _kind in _UNARY:
    if _names[0] in _NONE_GRAD:
        not_differentiable(_impl)
    _ns[_names[0]] = register(_names, unary(f"tf.{_names[0]}", _tfop, _impl, _allowed), kind=_kind, methods=_m,
                              # unary_complex cases are complex-only: the table's gradient tests take float inputs
                              grad=_kind not in ("unary_pred", "logical_not", "bitwise_not", "unary_round",
                                                 "unary_complex"))
add, subtract, multiply, truediv = _ns["add"], _ns["subtract"], _ns["multiply"], _ns["truediv"]
negative, logical_not, equal, not_equal = _ns["negative"], _ns["logical_not"], _ns["equal"], _ns["not_equal"]
logical_and, logical_or, logical_xor = _ns["logical_and"], _ns["logical_or"], _ns["math.logical_xor"]
less, square, sqrt = _ns["less"], _ns["square"], _ns["sqrt"]
divide_no_nan = _ns["math.divide_no_nan"]

_reciprocal_op = unary("tf.math.reciprocal", "Reciprocal", _reciprocal, FC)


def reciprocal(x: Any, name: Any = None) -> Tensor:
    """tf.math.reciprocal(x): 1/x. Signed ints raise NotFoundError as TF's CPU kernels do (XLA-only there)."""
    if type(x) is not Tensor:
        x = convert_to_tensor(x)
    if x.array.dtype in SINT:
        from ..core import errors

        raise errors.NotFoundError(
            None, None,
            f"tf.math.reciprocal: Could not find device for node Reciprocal[T={x.dtype.name}] (TF has no CPU kernel "
            "for integer reciprocal); cast x to a floating dtype with tf.cast first. [Op:Reciprocal]",
        )
    return _reciprocal_op(x)


register(("math.reciprocal",), reciprocal, kind="unary_nonzero")

# Operators whose meaning depends on dtype (& | ^ ~ on bool are logical, on ints bitwise).
bool_and = binary("tf.math.logical_and", "LogicalAnd", _and, BOOL | INT)
bool_or = binary("tf.math.logical_or", "LogicalOr", _or, BOOL | INT)
bool_xor = binary("tf.math.logical_xor", "LogicalXor", _xor, BOOL | INT)
invert_op = unary("tf.math.invert", "Invert", _invert, BOOL | INT)


def cast(x: Any, dtype: Any, name: Any = None) -> Tensor:
    """tf.cast: convert to ``dtype`` (float→int truncates toward zero; complex→real keeps the real part)."""
    dt = _dt.as_dtype(dtype)
    x = convert_to_tensor(x)
    if x.array.dtype == dt._np:
        return x
    if dt == _dt.string or x.dtype == _dt.string:
        raise _dt_string_error("tf.cast", x.dtype, dt)
    return run(_cast_impl, (x,), "tf.cast", dtype=dt._np)  # the dtype object: bfloat16 has no .str name


def saturate_cast(value: Any, dtype: Any, name: Any = None) -> Tensor:
    """tf.dtypes.saturate_cast: cast, clamping to the target dtype's range first."""
    dt = _dt.as_dtype(dtype)
    x = convert_to_tensor(value)
    src = x.dtype
    if dt.is_bool or src.is_bool:
        raise TypeError(f"tf.dtypes.saturate_cast: Cannot find minimum value of {dt if dt.is_bool else src}; "
                        "saturate_cast needs numeric dtypes (use tf.cast for bool).")
    if (dt.is_integer or dt.is_floating) and (src.is_floating or src.is_integer):
        if src.is_floating and dt.is_integer:
            # the bounds as values of the source dtype, rounded inward (float32(2**31 - 1) would overflow)
            lo, hi = (_inward(dt.min, src._np, 1), _inward(dt.max, src._np, -1))
        else:
            lo, hi = max(dt.min, src.min), min(dt.max, src.max)
        if lo > src.min or hi < src.max:
            x = run(_clip_static, (x,), "tf.dtypes.saturate_cast", lo=lo, hi=hi)
    return cast(x, dt)


def _inward(bound: int, np_dtype: Any, direction: int) -> Any:
    """``bound`` as a value of float dtype ``np_dtype``, moved toward zero until it does not exceed ``bound``."""
    np_dtype = np.dtype(np_dtype)
    v = np.asarray(float(bound)).astype(np_dtype)
    if not np.isfinite(v):
        return float(bound)  # the dtype cannot reach the bound: no clipping needed on that side
    bits = np.dtype(f"u{np_dtype.itemsize}")
    while (float(v) > bound) if direction < 0 else (float(v) < bound):
        v = np.asarray(v.view(bits) - 1, bits).view(np_dtype)  # one ulp toward zero
    return float(v)


def _clip_static(x, lo, hi):
    return jnp.clip(x, jnp.asarray(lo).astype(x.dtype), jnp.asarray(hi).astype(x.dtype))


def _dt_string_error(fn: str, src: Any, dst: Any):
    from ..core import errors

    return errors.UnimplementedError(
        None, None, f"{fn}: Cast {src.name} to {dst.name} is not supported [Op:Cast] (convert between numbers and "
        "strings with tf.strings.to_number / tf.strings.as_string).")


def _identity(x):
    return x


def identity(input: Any, name: Any = None) -> Tensor:  # noqa: A002 - TF's argument name
    """tf.identity: a tensor with the same value (recorded, so gradients flow through)."""
    x = convert_to_tensor(input)
    return run(_identity, (x,), "tf.identity")


def stop_gradient(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.stop_gradient: the same value, with no gradient flowing back through it."""
    x = convert_to_tensor(input)
    return run(_stop_gradient, (x,), "tf.stop_gradient")


@not_differentiable
def _stop_gradient(x):  # not recorded: the gradient through it is None, as TF's
    return jax.lax.stop_gradient(x)


def add_n(inputs: Any, name: Any = None) -> Tensor:
    """tf.math.add_n: elementwise sum of a list of tensors of the same shape and dtype."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError("tf.math.add_n: inputs must be a non-empty list of tensors.")
    ts = [convert_to_tensor(t) for t in inputs]
    if len({t.array.dtype for t in ts}) > 1:
        raise ValueError(f"tf.math.add_n: all inputs must have the same dtype, got {[t.dtype.name for t in ts]}.")
    if len({t.array.shape for t in ts}) > 1:
        raise ValueError(f"tf.math.add_n: all inputs must have the same shape, got {[str(t.shape) for t in ts]}.")
    return run(_sum_all, tuple(ts), "tf.math.add_n")


def _sum_all(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    return out


register(("cast", "dtypes.cast"), cast, kind="cast", grad=False)
register(("dtypes.saturate_cast", "saturate_cast"), saturate_cast, kind="cast", grad=False)
register(("identity",), identity, kind="unary", grad=True)
register(("stop_gradient",), stop_gradient, kind="unary", grad=False)
register(("math.add_n", "add_n"), add_n, kind="", grad=True)
