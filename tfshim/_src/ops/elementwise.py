"""Factories for elementwise ops with TF's dtype rules (no implicit promotion between tensors).

A Python scalar or list next to a tensor takes the tensor's dtype (when it fits), as TF's
operator wrappers do; two tensors of different dtypes raise InvalidArgumentError.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import numpy as np

from ..core import checks, errors, state
from ..core import dtypes as _dt
from ..core.convert import convert_to_tensor, scalar_like
from ..core.dispatch import execute, execute2, primitive
from ..core.tensor import Tensor

_PY_NUMBERS = (int, float, bool, complex)

# TF's C++ type names, used in its dtype error messages.
_CNAME = {"float32": "float", "float64": "double", "float16": "half"}

FLOAT = frozenset(np.dtype(t) for t in ("float16", "float32", "float64")) | {np.dtype(_dt.bfloat16._np)}
COMPLEX = frozenset(np.dtype(t) for t in ("complex64", "complex128"))
SINT = frozenset(np.dtype(t) for t in ("int8", "int16", "int32", "int64"))
UINT = frozenset(np.dtype(t) for t in ("uint8", "uint16", "uint32", "uint64"))
BOOL = frozenset({np.dtype(bool)})
INT = SINT | UINT
REAL = FLOAT | INT
NUMERIC = REAL | COMPLEX
ALL = NUMERIC | BOOL


def _like(v: Any, t: Tensor) -> Tensor:
    """Convert ``v`` for use beside tensor ``t`` (TF: convert with t's dtype as the target)."""
    if isinstance(v, Tensor):
        return v
    if type(v) in _PY_NUMBERS:
        try:
            return scalar_like(v, _dt._BY_NP[t.array.dtype])
        except (TypeError, ValueError, OverflowError):
            return convert_to_tensor(v)
    if isinstance(v, (list, tuple)):
        return convert_to_tensor(v, dtype_hint=_dt._BY_NP[t.array.dtype])
    return convert_to_tensor(v)


def _np_beside(v: Any, t: Tensor) -> Tensor:
    """A NumPy array/scalar converted with tensor ``t``'s dtype (TF's op wrappers: NumPy's cast)."""
    dt = _dt._BY_NP.get(t.array.dtype)
    if dt is None or v.dtype.kind in "USO":
        return convert_to_tensor(v)
    return convert_to_tensor(v, dtype=dt)


def coerce2(x: Any, y: Any) -> tuple:
    """Two op arguments as Tensors, Python values taking the other tensor's dtype."""
    if not isinstance(x, Tensor):
        if hasattr(type(x), "__tf_tensor__"):
            x = convert_to_tensor(x)
        elif isinstance(y, Tensor) or hasattr(type(y), "__tf_tensor__"):
            y = convert_to_tensor(y)
            return _like(x, y), y
        else:
            x = convert_to_tensor(x)
    if isinstance(y, (np.ndarray, np.generic)):
        return x, _np_beside(y, x)  # tf.add(x, np_array): the array takes x's dtype, as TF
    return x, _like(y, x) if not isinstance(y, Tensor) else y


def dtype_error(op_name: str, tf_op: str, i: int, want: Any, got: Any) -> errors.InvalidArgumentError:
    w, g = _dt._BY_NP[want].name, _dt._BY_NP[got].name
    return errors.static(errors.InvalidArgumentError(
        None, None,
        f"cannot compute {tf_op} as input #{i}(zero-based) was expected to be a {_CNAME.get(w, w)} tensor but is a "
        f"{_CNAME.get(g, g)} tensor [Op:{tf_op}] name: "
        f"(tfshim: {op_name} got {w} and {g}; make both the same dtype with tf.cast)",
    ), TypeError)


def unsupported(op_name: str, tf_op: str, dtype: Any, allowed: frozenset) -> errors.InvalidArgumentError:
    names = ", ".join(sorted(_dt._BY_NP[d].name for d in allowed))
    return errors.InvalidArgumentError(
        None, None,
        f"{op_name}: Value for attr 'T' of {_dt._BY_NP[dtype].name} is not in the list of allowed values: {names} "
        f"[Op:{tf_op}] (cast the input with tf.cast to an allowed dtype)",
    )


# TF has no CPU kernel for these ops on float16 (NotFoundError "Could not find device for node").
_NO_HALF_KERNEL = frozenset({"Rint", "TruncateMod"})


def no_half_kernel(op_name: str, tf_op: str) -> errors.NotFoundError:
    return errors.NotFoundError(
        None, None, f"{op_name}: Could not find device for node {tf_op}[T=DT_HALF] (TF has no CPU kernel for "
                    f"float16 {tf_op}); cast the input to float32 with tf.cast first. [Op:{tf_op}]")


def binary(op_name: str, tf_op: str, impl: Callable, allowed: frozenset = NUMERIC) -> Callable:
    """A TF binary elementwise op ``fn(x, y, name=None)`` over the JAX function ``impl``."""
    prim = primitive(impl)
    # TF converts a Python number beside a tensor to the tensor's dtype and raises TypeError when it cannot
    # (x * 2.5 with int x), except tf.add (AddV2 kernel type error) and the divisions, whose wrapper compares
    # dtypes first (TypeError "`x` and `y` must have the same dtype").
    same_dtype_check = tf_op in ("RealDiv", "DivNoNan")
    strict_scalars = tf_op != "AddV2" and not same_dtype_check
    # TF's logical ops convert a non-tensor bool `x` first, then tensor `y` to bool: ValueError if y is not bool.
    logical = allowed == BOOL and tf_op.startswith("Logical")
    # Integer division by zero: TF's kernels fail (JAX would return garbage); checked on eager values.
    zero_check = {"FloorDiv": errors.InvalidArgumentError, "FloorMod": errors.InvalidArgumentError,
                  "TruncateDiv": errors.InternalError, "TruncateMod": errors.InternalError}.get(tf_op)

    def fn(x: Any, y: Any, name: Any = None) -> Tensor:
        converted_x = False
        if type(x) is not Tensor or type(y) is not Tensor:
            x0, y0 = x, y
            converted_x = not isinstance(x, Tensor) and isinstance(y, Tensor)
            x, y = coerce2(x, y)
            if strict_scalars and x.array.dtype != y.array.dtype:
                for v, other in ((x0, y), (y0, x)):
                    if type(v) in _PY_NUMBERS:
                        raise TypeError(f"{op_name}: Cannot convert {v!r} to EagerTensor of dtype "
                                        f"{_dt._BY_NP[other.array.dtype].name}")
        xv, yv = x.array, y.array
        dt = xv.dtype
        if logical and converted_x and dt == np.bool_ and yv.dtype != np.bool_:
            raise ValueError(f"{op_name}: Tensor conversion requested dtype bool for Tensor with dtype "
                             f"{_dt._BY_NP[yv.dtype].name}")
        if zero_check is not None and dt == yv.dtype and dt.kind in "iu":
            msg = ("Integer division by zero" if zero_check is errors.InvalidArgumentError else
                   "Unexpected error in binary operator (only integer div and mod should have errors)")
            if not isinstance(yv, jax.core.Tracer):
                if xv.size and not np.all(np.asarray(yv)):
                    raise zero_check(None, None, f"{op_name}: {msg} [Op:{tf_op}]")
            elif checks.active() and xv.size:  # traced: checked when the compiled program runs
                checks.require(yv != 0, zero_check, f"{op_name}: {msg} [Op:{tf_op}]")
        if tf_op == "Pow" and dt == yv.dtype and dt.kind in "iu" and not isinstance(yv, jax.core.Tracer) \
                and np.any(np.asarray(yv) < 0):
            raise errors.InvalidArgumentError(
                None, None, f"{op_name}: Integers to negative integer powers are not allowed (cast the base to a "
                            "float dtype with tf.cast first) [Op:Pow]")
        if dt == np.float16 and tf_op in _NO_HALF_KERNEL and yv.dtype == dt:
            raise no_half_kernel(op_name, tf_op)
        if dt != yv.dtype:
            if same_dtype_check:
                raise TypeError(f"{op_name}: `x` and `y` must have the same dtype, got tf.{_dt._BY_NP[dt].name} != "
                                f"tf.{_dt._BY_NP[yv.dtype].name}.")
            raise dtype_error(op_name, tf_op, 1, dt, yv.dtype)
        if dt not in allowed:
            raise unsupported(op_name, tf_op, dt, allowed)
        return execute2(prim, x, y, xv, yv, op_name)

    fn.__name__ = op_name.rpartition(".")[2]
    fn.__qualname__ = fn.__name__
    fn.__doc__ = f"{op_name}(x, y, name=None): elementwise, as TensorFlow's {tf_op}; both inputs must share a dtype."
    return fn


def unary(op_name: str, tf_op: str, impl: Callable, allowed: frozenset = NUMERIC, arg: str = "x") -> Callable:
    """A TF unary elementwise op ``fn(x, name=None)`` over the JAX function ``impl``."""
    prim = primitive(impl)

    def fn(x: Any, name: Any = None) -> Tensor:
        if type(x) is not Tensor:
            x = convert_to_tensor(x)
        xv = x.array
        if tf_op == "Angle" and xv.dtype.kind in "iu":  # TF's wrapper converts pi to x's dtype first
            raise TypeError(f"{op_name}: Cannot convert 3.141592653589793 to EagerTensor of dtype "
                            f"{_dt._BY_NP[xv.dtype].name} (tf.math.angle needs a float or complex input)")
        if xv.dtype == np.float16 and tf_op in _NO_HALF_KERNEL:
            raise no_half_kernel(op_name, tf_op)
        if xv.dtype not in allowed:
            if tf_op == "Conj":  # TF's Python wrapper rejects non-numeric inputs before the kernel
                raise TypeError(
                    f"{op_name}: Expected numeric or variant tensor, got dtype tf.{_dt._BY_NP[xv.dtype].name}.")
            raise unsupported(op_name, tf_op, xv.dtype, allowed)
        return execute(prim, (x,), op_name)

    fn.__name__ = op_name.rpartition(".")[2]
    fn.__qualname__ = fn.__name__
    fn.__doc__ = f"{op_name}({arg}, name=None): elementwise, as TensorFlow's {tf_op}."
    return fn


# -- TF's gradient rules at special points ---------------------------------------------------------------
# JAX differentiates an op's formula; TF has a gradient kernel per op, which differs at special points
# (0, kinks, infinities, NaN). These factories give an op TF's rule.


def tf_derivative(plain: Callable, deriv: Callable) -> Callable:
    """``plain(x)`` whose derivative is ``deriv(x, y)`` (a ``jax.custom_jvp``: forward and reverse mode);
    for TF kernels like ReluGrad, EluGrad or SoftsignGrad whose formula differs from JAX's at kinks,
    infinities or NaN. The upstream gradient multiplies the result (``0 * inf`` is NaN, as in TF)."""
    f = jax.custom_jvp(plain)

    def jvp(primals: tuple, tangents: tuple) -> tuple:
        (x,), (t,) = primals, tangents
        y = plain(x)
        return y, t * deriv(x, y)

    f.defjvp(jvp)
    f.__name__ = getattr(plain, "__name__", "op")
    return f


def zero_upstream_vjp(plain: Callable, deriv: Callable) -> Callable:
    """``plain(x)`` whose gradient is 0 where the upstream gradient is 0, else ``g * deriv(x, y)``.

    TF's SqrtGrad, RsqrtGrad and ReciprocalGrad kernels skip the product where ``dy == 0``, so
    ``tf.where(x > 0, tf.sqrt(x), 0.)`` has gradient 0 at ``x = 0`` (``0 * inf`` would be NaN). A
    ``jax.custom_vjp``; forward mode differentiates ``plain`` (see ``with_forward``).
    """
    f = jax.custom_vjp(plain)

    def fwd(x: Any) -> tuple:
        y = plain(x)
        return y, (x, y)

    def bwd(res: tuple, g: Any) -> tuple:
        x, y = res
        return (jax.numpy.where(g == 0, jax.numpy.zeros_like(g), g * deriv(x, y)),)

    f.defvjp(fwd, bwd)
    return with_forward(f, plain)


def with_forward(custom: Callable, plain: Callable) -> Callable:
    """``custom`` (a ``jax.custom_vjp``, which ``jax.jvp`` rejects), or ``plain`` while a ForwardAccumulator
    retraces the op (``state.forward_mode``)."""
    def f(*args: Any) -> Any:
        return plain(*args) if state.forward_mode else custom(*args)

    f.__name__ = f.__qualname__ = getattr(plain, "__name__", "op")
    return f


# TF's sqrt (0 where the upstream gradient is 0) and abs (gradient sign(x): 0 at 0), for ops built from them
sqrt_tf = zero_upstream_vjp(jax.numpy.sqrt, lambda x, y: 0.5 / y)
abs_real_tf = tf_derivative(jax.numpy.abs, lambda x, y: jax.numpy.sign(x))


def extreme_tf(x: Any, axis: Any, keepdims: bool, is_max: bool) -> Any:
    """reduce_max/min of a float array with TF's gradient: split evenly between ties, NaN where the result
    is NaN (no element equals it). Non-float arrays reduce plainly."""
    red = jax.numpy.max if is_max else jax.numpy.min
    if x.dtype.kind not in "fc":
        return red(x, axis=axis, keepdims=keepdims)
    return _extreme(x, axis, keepdims, is_max)


def _extreme_plain(x: Any, axis: Any, keepdims: bool, is_max: bool) -> Any:
    return (jax.numpy.max if is_max else jax.numpy.min)(x, axis=axis, keepdims=keepdims)


_extreme = jax.custom_jvp(_extreme_plain, nondiff_argnums=(1, 2, 3))


@_extreme.defjvp
def _extreme_jvp(axis: Any, keepdims: bool, is_max: bool, primals: tuple, tangents: tuple) -> tuple:
    (x,), (t,) = primals, tangents
    jnp = jax.numpy
    y = _extreme_plain(x, axis, keepdims, is_max)
    yk = _extreme_plain(x, axis, True, is_max)
    # the barrier keeps XLA from turning hit / count into select(hit, 1 / count, 0), which is 0, not NaN, when
    # no element equals a NaN result
    hit = jax.lax.optimization_barrier((x == yk).astype(x.dtype))
    share = hit / jnp.sum(hit, axis=axis, keepdims=True)
    return y, jnp.sum(t * share, axis=axis, keepdims=keepdims)


def no_gradient_defined(plain: Callable, tf_op: str) -> Callable:
    """``plain`` whose gradient raises LookupError, as TF's for an op with no registered gradient (TruncateMod,
    Unique): a ``jax.custom_vjp`` whose backward raises while the tape builds the gradient."""
    f = jax.custom_vjp(plain)

    def fwd(*args: Any) -> tuple:
        return plain(*args), None

    def bwd(res: Any, g: Any) -> tuple:
        raise LookupError(f"gradient registry has no entry for: {tf_op} (TensorFlow defines no gradient for "
                          f"{tf_op}; wrap its result in tf.stop_gradient, or compute it from differentiable ops)")

    f.defvjp(fwd, bwd)
    return with_forward(f, plain)
