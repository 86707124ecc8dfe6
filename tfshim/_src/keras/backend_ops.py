"""tf.keras.backend's legacy functions (``K.cast``, ``K.dot``, ``K.sum``, ``K.random_normal``, ...), as TF 2.21's
tf.keras (Keras 3's ``keras.src.legacy.backend``) keeps them: thin compositions of tfshim's ops, so tapes,
``tf.function`` and the op table see them as the TF ops they stand for.

Not provided: sparse tensors, ``rnn``, ``ctc_*``, the convolution/pooling/resize helpers, ``gradients``
(graph-mode ``tf.gradients``), ``foldl``/``foldr`` and ``in_top_k``.
"""

from __future__ import annotations

import builtins
import math as _math
from typing import Any

import numpy as np

from ..core import dtypes as _dt
from ..core.convert import constant as _constant
from ..core.convert import convert_to_tensor
from ..core.variable import Variable, name_scope
from ..ops import array as _array  # noqa: F401 - registers the rows used below
from ..ops import linalg as _linalg  # noqa: F401
from ..ops import math as _m  # noqa: F401
from ..ops import nn as _nn  # noqa: F401
from ..ops import random as _random  # noqa: F401
from ..ops import reduction as _reduction  # noqa: F401
from ..ops.table import namespace
from .backend import floatx

_TF = namespace("")
_MATH = namespace("math")
_NN = namespace("nn")
_RANDOM = namespace("random")
_LINALG = namespace("linalg")


def _seed(seed: Any) -> int:
    # Keras draws a fresh op seed from NumPy's global generator when none is given.
    return int(np.random.randint(10e6)) if seed is None else seed


def _t(x: Any) -> Any:
    return x if hasattr(x, "dtype") and hasattr(x, "shape") else convert_to_tensor(x)


def _boolf(x: Any) -> Any:
    x = _t(x)
    return _TF["cast"](x, floatx()) if x.dtype == _dt.bool else x


# -- elementwise and reductions -----------------------------------------------------------------------------------
def abs(x: Any) -> Any:  # noqa: A001 - Keras' name
    """tf.keras.backend.abs (tf.abs)."""
    return _TF["abs"](x)


def all(x: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """tf.keras.backend.all: reduce_all of ``x`` cast to bool."""
    return _TF["reduce_all"](_TF["cast"](x, "bool"), axis, keepdims)


def any(x: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """tf.keras.backend.any: reduce_any of ``x`` cast to bool."""
    return _TF["reduce_any"](_TF["cast"](x, "bool"), axis, keepdims)


def argmax(x: Any, axis: int = -1) -> Any:
    return _TF["argmax"](x, axis)


def argmin(x: Any, axis: int = -1) -> Any:
    return _TF["argmin"](x, axis)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: str = "int32") -> Any:
    """tf.keras.backend.arange: tf.range, cast to ``dtype`` (a negative ``start`` alone gives an empty range)."""
    if stop is None and start < 0:
        start = 0
    out = _TF["range"](start, stop, step)
    return out if dtype == "int32" else _TF["cast"](out, dtype)


def cast(x: Any, dtype: Any) -> Any:
    """tf.keras.backend.cast (tf.cast)."""
    return _TF["cast"](x, dtype)


def cast_to_floatx(x: Any) -> Any:
    """tf.keras.backend.cast_to_floatx: a tensor cast to floatx(); other values as a NumPy array."""
    if isinstance(x, Variable) or hasattr(x, "numpy") and hasattr(x, "dtype"):
        return _TF["cast"](x, floatx())
    return np.asarray(x, dtype=floatx())


def clip(x: Any, min_value: Any, max_value: Any) -> Any:
    """tf.keras.backend.clip: clip_by_value (``max_value < min_value`` clips to ``min_value``; None: unbounded)."""
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)) and max_value < min_value:
        max_value = min_value
    if min_value is None:
        min_value = -np.inf
    if max_value is None:
        max_value = np.inf
    return _TF["clip_by_value"](x, min_value, max_value)


def concatenate(tensors: Any, axis: int = -1) -> Any:
    return _TF["concat"](list(tensors), axis)


def constant(value: Any, dtype: Any = None, shape: Any = None, name: Any = None) -> Any:
    """tf.keras.backend.constant: tf.constant with floatx() as the default dtype."""
    return _constant(value, dtype=dtype or floatx(), shape=shape)


def count_params(x: Any) -> int:
    return int(_math.prod(int(d) for d in x.shape))


def cumsum(x: Any, axis: int = 0) -> Any:
    return _MATH["cumsum"](x, axis=axis)


def cumprod(x: Any, axis: int = 0) -> Any:
    return _MATH["cumprod"](x, axis=axis)


def dot(x: Any, y: Any) -> Any:
    """tf.keras.backend.dot: matmul, or for rank > 2 Theano-style dot (x's last axis with y's second-to-last)."""
    x, y = _t(x), _t(y)
    if len(x.shape) > 2 or len(y.shape) > 2:
        xs, ys = [int(d) for d in x.shape], [int(d) for d in y.shape]
        perm = list(range(len(ys)))
        perm = [perm.pop(-2)] + perm
        xt = _TF["reshape"](x, [-1, xs[-1]])
        yt = _TF["reshape"](_TF["transpose"](y, perm=perm), [ys[-2], -1])
        return _TF["reshape"](_TF["matmul"](xt, yt), xs[:-1] + ys[:-2] + ys[-1:])
    return _TF["matmul"](x, y)


def batch_dot(x: Any, y: Any, axes: Any = None) -> Any:
    """tf.keras.backend.batch_dot for the usual cases: rank-2 or rank-3 operands (batched matmul / row dots)."""
    x, y = _t(x), _t(y)
    xr, yr = len(x.shape), len(y.shape)
    if axes is None:
        axes = (xr - 1, yr - 2) if yr > 2 else (xr - 1, yr - 1)
    if isinstance(axes, int):
        axes = (axes, axes)
    a0, a1 = (a % r for a, r in zip(axes, (xr, yr)))
    if xr == 2 and yr == 2:
        out = _TF["reduce_sum"](x * y if a0 == 1 else _TF["transpose"](x) * _TF["transpose"](y), axis=1)
        return _TF["expand_dims"](out, 1)
    if xr == 3 and yr == 3:
        return _TF["matmul"](x, y, transpose_a=(a0 == 1), transpose_b=(a1 == 2))
    if xr == 3 and yr == 2:
        return _TF["matmul"](x, _TF["expand_dims"](y, 2), transpose_a=(a0 == 1))[..., 0]
    if xr == 2 and yr == 3:
        return _TF["matmul"](_TF["expand_dims"](x, 1), y, transpose_b=(a1 == 2))[:, 0]
    raise NotImplementedError(f"tfshim: tf.keras.backend.batch_dot supports ranks 2 and 3; got ranks {xr} and {yr}.")


def dtype(x: Any) -> str:
    """tf.keras.backend.dtype: the dtype's name ('float32')."""
    return x.dtype.name


def elu(x: Any, alpha: float = 1.0) -> Any:
    res = _NN["elu"](x)
    return res if alpha == 1 else _TF["where"](_t(x) > 0, res, alpha * res)


def equal(x: Any, y: Any) -> Any:
    return _TF["equal"](x, y)


def not_equal(x: Any, y: Any) -> Any:
    return _TF["not_equal"](x, y)


def greater(x: Any, y: Any) -> Any:
    return _TF["greater"](x, y)


def greater_equal(x: Any, y: Any) -> Any:
    return _TF["greater_equal"](x, y)


def less(x: Any, y: Any) -> Any:
    return _TF["less"](x, y)


def less_equal(x: Any, y: Any) -> Any:
    return _TF["less_equal"](x, y)


def maximum(x: Any, y: Any) -> Any:
    return _TF["maximum"](x, y)


def minimum(x: Any, y: Any) -> Any:
    return _TF["minimum"](x, y)


def exp(x: Any) -> Any:
    return _TF["exp"](x)


def log(x: Any) -> Any:
    return _MATH["log"](x)


def cos(x: Any) -> Any:
    return _TF["cos"](x)


def sin(x: Any) -> Any:
    return _TF["sin"](x)


def tanh(x: Any) -> Any:
    return _TF["tanh"](x)


def sigmoid(x: Any) -> Any:
    return _TF["sigmoid"](x)


def hard_sigmoid(x: Any) -> Any:
    """tf.keras.backend.hard_sigmoid: clip(0.2 * x + 0.5, 0, 1)."""
    x = _t(x)
    return _TF["clip_by_value"](x * 0.2 + 0.5, 0.0, 1.0)


def sign(x: Any) -> Any:
    return _TF["sign"](x)


def round(x: Any) -> Any:  # noqa: A001
    return _TF["round"](x)


def sqrt(x: Any) -> Any:
    """tf.keras.backend.sqrt: sqrt of ``maximum(x, 0)``."""
    x = _t(x)
    return _TF["sqrt"](_TF["maximum"](x, _TF["zeros_like"](x)))


def square(x: Any) -> Any:
    return _TF["square"](x)


def pow(x: Any, a: Any) -> Any:  # noqa: A001
    return _TF["pow"](x, a)


def softplus(x: Any) -> Any:
    return _MATH["softplus"](x)


def softsign(x: Any) -> Any:
    return _MATH["softsign"](x)


def softmax(x: Any, axis: int = -1) -> Any:
    """tf.keras.backend.softmax (a rank-1 input is an error, as in Keras)."""
    x = _t(x)
    if len(x.shape) <= 1:
        raise ValueError(f"Cannot apply softmax to a tensor that is 1D. Received input: {x}")
    return _NN["softmax"](x, axis=axis)


def relu(x: Any, alpha: float = 0.0, max_value: Any = None, threshold: float = 0.0) -> Any:
    """tf.keras.backend.relu(x, alpha=0.0, max_value=None, threshold=0.0)."""
    x = _t(x)
    if alpha != 0.0:
        if max_value is None and threshold == 0:
            return _NN["leaky_relu"](x, alpha=alpha)
        negative = _NN["relu"](-x + threshold) if threshold != 0 else _NN["relu"](-x)
    clip_max = max_value is not None
    if threshold != 0:
        x = x * _TF["cast"](_TF["greater"](x, threshold), x.dtype)
    elif max_value == 6:
        x, clip_max = _NN["relu6"](x), False
    else:
        x = _NN["relu"](x)
    if clip_max:
        x = _TF["clip_by_value"](x, _constant(0, x.dtype), _constant(max_value, x.dtype))
    if alpha != 0.0:
        x = x - _constant(alpha, x.dtype) * negative
    return x


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    return _TF["reduce_sum"](x, axis, keepdims)


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _TF["reduce_prod"](x, axis, keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    return _TF["reduce_max"](x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    return _TF["reduce_min"](x, axis, keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """tf.keras.backend.mean (a bool ``x`` is cast to floatx() first)."""
    return _TF["reduce_mean"](_boolf(x), axis, keepdims)


def std(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _MATH["reduce_std"](_boolf(x), axis=axis, keepdims=keepdims)


def var(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return _MATH["reduce_variance"](_boolf(x), axis=axis, keepdims=keepdims)


def l2_normalize(x: Any, axis: Any = None) -> Any:
    return _LINALG["l2_normalize"](x, axis=axis)


def bias_add(x: Any, bias: Any, data_format: Any = None) -> Any:
    """tf.keras.backend.bias_add (``data_format`` 'channels_last' or 'channels_first')."""
    from .backend import image_data_format

    data_format = data_format or image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format: {data_format}")
    x, bias = _t(x), _t(bias)
    bshape = tuple(int(d) for d in bias.shape)
    if len(bshape) != 1 and len(bshape) != len(x.shape) - 1:
        raise ValueError(f"Unexpected bias dimensions {len(bshape)}. Expected it to be 1 or {len(x.shape) - 1} "
                         "dimensions")
    if len(bshape) == 1:
        return _NN["bias_add"](x, bias, data_format="NCHW" if data_format == "channels_first" and len(x.shape) > 2
                               else None)
    if data_format == "channels_first":
        return x + _TF["reshape"](bias, (1, bshape[-1]) + bshape[:-1])
    return x + _TF["reshape"](bias, (1,) + bshape)


def batch_normalization(x: Any, mean: Any, var: Any, beta: Any, gamma: Any, axis: int = -1,
                        epsilon: float = 1e-3) -> Any:
    """tf.keras.backend.batch_normalization: ``(x - mean) / sqrt(var + epsilon) * gamma + beta``."""
    x = _t(x)
    inv = _MATH["rsqrt"](_t(var) + epsilon)
    if gamma is not None:
        inv = inv * gamma
    out = x * _TF["cast"](inv, x.dtype) - _TF["cast"](_t(mean) * inv, x.dtype)
    return out + beta if beta is not None else out


def dropout(x: Any, level: float, noise_shape: Any = None, seed: Any = None) -> Any:
    return _NN["dropout"](x, rate=level, noise_shape=noise_shape, seed=_seed(seed))


# -- shapes ---------------------------------------------------------------------------------------------------------
def shape(x: Any) -> Any:
    return _TF["shape"](x)


def int_shape(x: Any) -> Any:
    """tf.keras.backend.int_shape: the static shape as a tuple of ints (None where unknown)."""
    try:
        return tuple(None if d is None else int(d) for d in x.shape)
    except (TypeError, ValueError):
        return None


def ndim(x: Any) -> int:
    return len(x.shape)


def reshape(x: Any, shape: Any) -> Any:
    return _TF["reshape"](x, shape)


def flatten(x: Any) -> Any:
    return _TF["reshape"](x, [-1])


def batch_flatten(x: Any) -> Any:
    x = _t(x)
    return _TF["reshape"](x, [-1, int(_math.prod(int(d) for d in x.shape[1:]))])


def expand_dims(x: Any, axis: int = -1) -> Any:
    return _TF["expand_dims"](x, axis)


def squeeze(x: Any, axis: int) -> Any:
    return _TF["squeeze"](x, [axis])


def stack(x: Any, axis: int = 0) -> Any:
    return _TF["stack"](x, axis=axis)


def permute_dimensions(x: Any, pattern: Any) -> Any:
    return _TF["transpose"](x, perm=pattern)


def transpose(x: Any) -> Any:
    return _TF["transpose"](x)


def tile(x: Any, n: Any) -> Any:
    return _TF["tile"](x, [n] if isinstance(n, int) else n)


def repeat(x: Any, n: int) -> Any:
    """tf.keras.backend.repeat: (batch, d) -> (batch, n, d)."""
    x = _t(x)
    if len(x.shape) != 2:
        raise ValueError(f"Expected input `x` to have rank 2. Received: rank(x)={len(x.shape)}")
    return _TF["tile"](_TF["expand_dims"](x, 1), [1, n, 1])


def repeat_elements(x: Any, rep: int, axis: int) -> Any:
    """tf.keras.backend.repeat_elements: every slice along ``axis`` repeated ``rep`` times (np.repeat)."""
    x = _t(x)
    return _TF["repeat"](x, rep, axis=axis)


def reverse(x: Any, axes: Any) -> Any:
    return _TF["reverse"](x, [axes] if isinstance(axes, int) else axes)


def gather(reference: Any, indices: Any) -> Any:
    return _TF["gather"](reference, indices)


def one_hot(indices: Any, num_classes: int) -> Any:
    return _TF["one_hot"](indices, depth=num_classes, axis=-1)


def temporal_padding(x: Any, padding: Any = (1, 1)) -> Any:
    if len(padding) != 2:
        raise ValueError(f"Expected `padding` to be a tuple of 2 integers. Received: padding={padding}")
    return _TF["pad"](x, [[0, 0], [padding[0], padding[1]], [0, 0]])


def switch(condition: Any, then_expression: Any, else_expression: Any) -> Any:
    """tf.keras.backend.switch: a scalar condition picks a branch (callables allowed), a tensor one is
    an elementwise where (broadcast over trailing axes)."""
    condition = _t(condition)
    if condition.dtype != _dt.bool:
        condition = _TF["cast"](condition, "bool")
    if len(condition.shape) == 0:
        from ..staging.control_flow import cond

        t = then_expression if callable(then_expression) else (lambda: then_expression)
        e = else_expression if callable(else_expression) else (lambda: else_expression)
        return cond(condition, t, e)
    then_expression = then_expression() if callable(then_expression) else _t(then_expression)
    else_expression = else_expression() if callable(else_expression) else _t(else_expression)
    cn, en = len(condition.shape), len(then_expression.shape)
    if cn > en:
        raise ValueError("Rank of `condition` should be less than or equal to rank of `then_expression` and "
                         f"`else_expression`. ndim(condition)={cn}, ndim(then_expression)={en}")
    if cn > 1 and en > cn:
        condition = _TF["reshape"](condition, list(condition.shape) + [1] * (en - cn))
        condition = _TF["broadcast_to"](condition, then_expression.shape)
    return _TF["where"](condition, then_expression, else_expression)


def stop_gradient(variables: Any) -> Any:
    if isinstance(variables, (list, tuple)):
        return map(_TF["stop_gradient"], variables)
    return _TF["stop_gradient"](variables)


def spatial_2d_padding(x: Any, padding: Any = ((1, 1), (1, 1)), data_format: Any = None) -> Any:
    """tf.keras.backend.spatial_2d_padding: zero-pad the two spatial axes of a 4D tensor."""
    from .backend import image_data_format

    data_format = data_format or image_data_format()
    if len(padding) != 2 or len(padding[0]) != 2 or len(padding[1]) != 2:
        raise ValueError(f"`padding` should be a tuple of 2 tuples of 2 integers. Received: padding={padding}")
    hw = [list(padding[0]), list(padding[1])]
    pattern = [[0, 0], [0, 0], *hw] if data_format == "channels_first" else [[0, 0], *hw, [0, 0]]
    return _TF["pad"](x, pattern)


def map_fn(fn: Any, elems: Any, name: Any = None, dtype: Any = None) -> Any:
    from ..staging.control_flow import map_fn as _map_fn

    return _map_fn(fn, elems, dtype=dtype)


def backend() -> str:
    """tf.keras.backend.backend(): 'tensorflow' (the API tfshim implements)."""
    return "tensorflow"


def is_float_dtype(dtype: Any) -> bool:
    return _dt.as_dtype(getattr(dtype, "name", dtype)).is_floating


def is_int_dtype(dtype: Any) -> bool:
    return _dt.as_dtype(getattr(dtype, "name", dtype)).is_integer


def is_sparse(tensor: Any) -> bool:
    """tf.keras.backend.is_sparse: always False (tfshim has no sparse tensors)."""
    return False


def to_dense(tensor: Any) -> Any:
    return tensor


# -- tensors and variables -----------------------------------------------------------------------------------------
def variable(value: Any, dtype: Any = None, name: Any = None, constraint: Any = None) -> Variable:
    """tf.keras.backend.variable: a tf.Variable of ``dtype`` (floatx() by default)."""
    return Variable(value, dtype=_dt.as_dtype(dtype or floatx()), name=name, constraint=constraint)


def zeros(shape: Any, dtype: Any = None, name: Any = None) -> Any:
    """tf.keras.backend.zeros: a Variable when the shape is fully known (as Keras), else a tensor."""
    v = _TF["zeros"](shape, dtype=dtype or floatx())
    return variable(v, dtype=dtype, name=name) if builtins.all(int(d) for d in v.shape) else v


def ones(shape: Any, dtype: Any = None, name: Any = None) -> Any:
    """tf.keras.backend.ones: a Variable when the shape is fully known (as Keras), else a tensor."""
    v = _TF["ones"](shape, dtype=dtype or floatx())
    return variable(v, dtype=dtype, name=name) if builtins.all(int(d) for d in v.shape) else v


def eye(size: Any, dtype: Any = None, name: Any = None) -> Variable:
    return variable(_TF["eye"](size, dtype=dtype or floatx()), dtype, name)


def zeros_like(x: Any, dtype: Any = None, name: Any = None) -> Any:
    return _TF["zeros_like"](x, dtype=dtype)


def ones_like(x: Any, dtype: Any = None, name: Any = None) -> Any:
    return _TF["ones_like"](x, dtype=dtype)


def get_value(x: Any) -> Any:
    """tf.keras.backend.get_value: ``x.numpy()`` (non-tensors are returned as they are)."""
    return x.numpy() if hasattr(x, "numpy") else x


def _evaluate(x: Any) -> Any:
    """tf.keras.backend.eval: the value of ``x`` as NumPy (as ``get_value``)."""
    return get_value(x)


def batch_get_value(tensors: Any) -> list:
    return [x.numpy() for x in tensors]


def set_value(x: Variable, value: Any) -> None:
    """tf.keras.backend.set_value: assign ``value`` (as a NumPy array of the variable's dtype)."""
    x.assign(np.asarray(value, dtype=x.dtype.as_numpy_dtype))


def batch_set_value(tuples: Any) -> None:
    for x, value in tuples:
        set_value(x, value)


def update(x: Variable, new_x: Any) -> Any:
    return x.assign(new_x)


def update_add(x: Variable, increment: Any) -> Any:
    return x.assign_add(increment)


def update_sub(x: Variable, decrement: Any) -> Any:
    return x.assign_sub(decrement)


def moving_average_update(x: Variable, value: Any, momentum: Any) -> Any:
    """tf.keras.backend.moving_average_update: ``x -= (x - value) * (1 - momentum)``."""
    momentum = _TF["cast"](momentum, x.dtype)
    value = _TF["cast"](value, x.dtype)
    return x.assign_sub((x - value) * (1 - momentum))


# -- random -----------------------------------------------------------------------------------------------------------
def random_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None) -> Any:
    """tf.keras.backend.random_normal: tf.random.normal with floatx() and, without a seed, a fresh op seed drawn
    from NumPy's global generator (as Keras)."""
    return _RANDOM["normal"](shape, mean=mean, stddev=stddev, dtype=dtype or floatx(), seed=_seed(seed))


def random_uniform(shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None) -> Any:
    return _RANDOM["uniform"](shape, minval=minval, maxval=maxval, dtype=dtype or floatx(), seed=_seed(seed))


def truncated_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None) -> Any:
    return _RANDOM["truncated_normal"](shape, mean, stddev, dtype=dtype or floatx(), seed=_seed(seed))


def random_bernoulli(shape: Any, p: float = 0.0, dtype: Any = None, seed: Any = None) -> Any:
    """tf.keras.backend.random_bernoulli: 1 with probability ``p``, else 0."""
    dtype = dtype or floatx()
    u = _RANDOM["uniform"](shape, dtype=dtype, seed=_seed(seed))
    return _TF["where"](u <= p, _TF["ones"](shape, dtype=dtype), _TF["zeros"](shape, dtype=dtype))


def random_normal_variable(shape: Any, mean: float, scale: float, dtype: Any = None, name: Any = None,
                           seed: Any = None) -> Variable:
    value = _RANDOM["normal"](shape, mean=mean, stddev=scale, dtype=dtype or floatx(),
                              seed=int(np.random.randint(10e8)) if seed is None else seed)
    return variable(value, dtype=dtype, name=name)


def random_uniform_variable(shape: Any, low: float, high: float, dtype: Any = None, name: Any = None,
                            seed: Any = None) -> Variable:
    value = _RANDOM["uniform"](shape, minval=low, maxval=high, dtype=dtype or floatx(),
                               seed=int(np.random.randint(10e8)) if seed is None else seed)
    return variable(value, dtype=dtype, name=name)


# -- losses (Keras 2's backend formulas) ------------------------------------------------------------------------------
def _eps(dtype: Any) -> Any:
    from .backend import epsilon

    return _constant(epsilon(), dtype)


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Any:
    """tf.keras.backend.binary_crossentropy: elementwise (no reduction); probabilities are clipped to
    ``[eps, 1 - eps]`` and ``eps`` is added inside the logs, as Keras' legacy backend does."""
    target, output = _t(target), _t(output)
    if from_logits:
        return _NN["sigmoid_cross_entropy_with_logits"](labels=target, logits=output)
    eps = _eps(output.dtype)
    output = _TF["clip_by_value"](output, eps, 1.0 - eps)
    bce = target * _MATH["log"](output + eps) + (1 - target) * _MATH["log"](1 - output + eps)
    return -bce


def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> Any:
    """tf.keras.backend.categorical_crossentropy: per sample (probabilities renormalised along ``axis``)."""
    target, output = _t(target), _t(output)
    if from_logits:
        return _NN["softmax_cross_entropy_with_logits"](labels=target, logits=output, axis=axis)
    output = output / _TF["reduce_sum"](output, axis, True)
    eps = _eps(output.dtype)
    output = _TF["clip_by_value"](output, eps, 1.0 - eps)
    return -_TF["reduce_sum"](target * _MATH["log"](output), axis)


def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1,
                                    ignore_class: Any = None) -> Any:
    """tf.keras.backend.sparse_categorical_crossentropy: per sample (class axis last; ``ignore_class`` is not
    supported)."""
    if ignore_class is not None or axis not in (-1, len(_t(output).shape) - 1):
        raise NotImplementedError("tfshim: tf.keras.backend.sparse_categorical_crossentropy supports axis=-1 and "
                                  "ignore_class=None; use tf.keras.losses.sparse_categorical_crossentropy.")
    target, output = _TF["cast"](target, "int64"), _t(output)
    if not from_logits:
        eps = _eps(output.dtype)
        output = _MATH["log"](_TF["clip_by_value"](output, eps, 1 - eps))
    if len(target.shape) != len(output.shape) - 1:
        shp = [int(d) for d in output.shape]
        res = _NN["sparse_softmax_cross_entropy_with_logits"](labels=_TF["reshape"](target, [-1]),
                                                               logits=_TF["reshape"](output, [-1, shp[-1]]))
        return _TF["reshape"](res, shp[:-1]) if len(shp) >= 3 else res
    return _NN["sparse_softmax_cross_entropy_with_logits"](labels=target, logits=output)


PUBLIC = {n: f for n, f in dict(globals()).items()
          if callable(f) and not n.startswith("_") and getattr(f, "__module__", None) == __name__}
PUBLIC["name_scope"] = name_scope
PUBLIC["eval"] = _evaluate
