"""Reduction rows: reduce_* (sum, mean, max, ...), argmax/argmin, top_k, cumsum/cumprod, count_nonzero.

TF's dtype rules are kept: integer sums stay in the input dtype (wrapping on overflow),
``reduce_mean`` of integers is a truncating integer mean (accumulated in 64 bits, as TF),
boolean tensors reduce only with ``reduce_all``/``reduce_any``, and an axis outside
``[-rank, rank)`` or a repeated axis raises InvalidArgumentError.
"""

from __future__ import annotations

import collections
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core import dtypes as _dt
from ..core.convert import convert_to_tensor
from ..core.dispatch import invalid, run
from ..core.tensor import Tensor
from .elementwise import BOOL, COMPLEX, FLOAT, INT, NUMERIC, REAL, extreme_tf, sqrt_tf, unsupported
from .table import register

_LOW_FLOAT = frozenset(np.dtype(t) for t in ("float16",)) | {np.dtype(_dt.bfloat16._np)}


def static_int_list(value: Any, op_name: str, what: str = "axis") -> list[int]:
    """A Python list of ints from an int, list/tuple, NumPy array or (concrete) integer Tensor."""
    if isinstance(value, Tensor) or hasattr(type(value), "__tf_tensor__"):
        value = convert_to_tensor(value)
        if isinstance(value.array, jax.core.Tracer):
            raise TypeError(f"{op_name}: {what} must be known when the op runs (got a traced tensor); "
                            f"pass {what} as Python ints.")
        if value.array.dtype.kind not in "iu":
            raise TypeError(f"{op_name}: {what} must be an integer tensor, got {value.dtype.name}.")
        return [int(v) for v in np.asarray(value.array).reshape(-1)]
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu" and arr.size:
        raise TypeError(f"{op_name}: {what} must be int or a list of ints, got {value!r}.")
    return [int(v) for v in arr.reshape(-1)]


def norm_axes(x: Tensor, axis: Any, op_name: str) -> tuple | None:
    """TF's reduction axes as a sorted tuple of non-negative ints (None = all axes)."""
    if axis is None:
        return None
    rank = x.array.ndim
    out = []
    for a in static_int_list(axis, op_name):
        if not -rank <= a < rank:
            raise invalid(op_name, f"Invalid reduction dimension ({a} for input with {rank} dimension(s)); "
                                   f"axis must be in [-{rank}, {rank}).")
        a %= rank
        if a in out:
            raise invalid(op_name, f"Invalid reduction arguments: Axes contains duplicate dimension: {a}.")
        out.append(a)
    return tuple(sorted(out))


def _check(x: Tensor, allowed: frozenset, op_name: str, tf_op: str) -> None:
    if x.array.dtype not in allowed:
        raise unsupported(op_name, tf_op, x.array.dtype, allowed)


# ---------------------------------------------------------------------------------------------
# JAX implementations (pure functions of arrays; static attributes as keywords)


def _sum(x, axis, keepdims):
    if x.dtype.kind == "f" and x.dtype in _LOW_FLOAT:
        return jnp.sum(x.astype(jnp.float32), axis=axis, keepdims=keepdims).astype(x.dtype)
    return jnp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def _count(shape, axis):
    axes = range(len(shape)) if axis is None else axis
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _mean(x, axis, keepdims):
    n = _count(x.shape, axis)
    if x.dtype.kind in "iu":
        acc = jnp.int64 if x.dtype.kind == "i" else jnp.uint64
        s = jnp.sum(x.astype(acc), axis=axis, keepdims=keepdims)
        if n == 0:
            return jnp.zeros_like(s).astype(x.dtype)
        # C-style division truncates toward zero.
        q = jnp.abs(s) // n if x.dtype.kind == "i" else s // n
        return (jnp.sign(s) * q if x.dtype.kind == "i" else q).astype(x.dtype)
    if x.dtype in _LOW_FLOAT:  # TF sums in the input's precision before dividing
        s = _sum(x, axis, keepdims)
        return s / jnp.asarray(n, x.dtype)
    return jnp.mean(x, axis=axis, keepdims=keepdims)


def _max(x, axis, keepdims):  # TF's gradient: split between ties, NaN when the maximum is NaN
    return jnp.max(x, axis=axis, keepdims=keepdims, initial=_lowest(x.dtype)) if _empty(x, axis) else \
        extreme_tf(x, axis, keepdims, True)


def _min(x, axis, keepdims):
    return jnp.min(x, axis=axis, keepdims=keepdims, initial=_highest(x.dtype)) if _empty(x, axis) else \
        extreme_tf(x, axis, keepdims, False)


def _empty(x, axis):
    return _count(x.shape, axis) == 0


def _lowest(dt):
    return -np.inf if np.dtype(dt).kind == "f" else np.iinfo(dt).min


def _highest(dt):
    return np.inf if np.dtype(dt).kind == "f" else np.iinfo(dt).max


def _prod(x, axis, keepdims):
    if x.dtype in _LOW_FLOAT:
        return jnp.prod(x.astype(jnp.float32), axis=axis, keepdims=keepdims).astype(x.dtype)
    return jnp.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def _all(x, axis, keepdims):
    return jnp.all(x, axis=axis, keepdims=keepdims)


def _any(x, axis, keepdims):
    return jnp.any(x, axis=axis, keepdims=keepdims)


def _variance(x, axis, keepdims):
    mean = jnp.mean(x, axis=axis, keepdims=True)
    d = x - mean
    sq = jnp.real(d * jnp.conj(d)) if x.dtype.kind == "c" else d * d
    return jnp.mean(sq, axis=axis, keepdims=keepdims)


def _std(x, axis, keepdims):  # sqrt of the variance, with TF's sqrt gradient (0 where upstream is 0)
    return sqrt_tf(_variance(x, axis, keepdims))


def _logsumexp(x, axis, keepdims):
    m = jnp.max(x, axis=axis, keepdims=True, initial=-jnp.inf)  # an empty reduction gives -inf, as TF
    m = jax.lax.stop_gradient(jnp.where(jnp.isfinite(m), m, jnp.zeros_like(m)))
    s = jnp.log(jnp.sum(jnp.exp(x - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        s = jnp.squeeze(s, axis=axis)
    return s


def _euclidean(x, axis, keepdims):
    if x.dtype.kind in "iu":
        # TF squares and sums in the input dtype (wrapping), then truncates the square root.
        s = jnp.sum(x * x, axis=axis, keepdims=keepdims, dtype=x.dtype)
        return jnp.sqrt(s.astype(jnp.float64)).astype(x.dtype)
    if x.dtype.kind == "c":
        return jnp.sqrt(jnp.sum(x * jnp.conj(x), axis=axis, keepdims=keepdims))
    return jnp.sqrt(jnp.sum(x * x, axis=axis, keepdims=keepdims))


def _count_nonzero(x, axis, keepdims, dtype):
    return jnp.sum(x != 0, axis=axis, keepdims=keepdims, dtype=jnp.int64).astype(np.dtype(dtype))


# ---------------------------------------------------------------------------------------------
# Public reductions

_SUM_T = NUMERIC
_MINMAX_T = REAL


def _reducer(op_name: str, tf_op: str, impl: Any, allowed: frozenset, doc: str) -> Any:
    def fn(input_tensor: Any, axis: Any = None, keepdims: Any = False, name: Any = None) -> Tensor:
        x = convert_to_tensor(input_tensor)
        if tf_op in ("All", "Any") and x.array.dtype != np.bool_:
            raise invalid(op_name, f"cannot compute {tf_op} as input #0(zero-based) was expected to be a bool "
                                   f"tensor but is a {x.dtype.name} tensor [Op:{tf_op}] (compare with 0 or cast to "
                                   f"tf.bool first)")
        _check(x, allowed, op_name, tf_op)
        axes = norm_axes(x, axis, op_name)
        return run(impl, (x,), op_name, axis=axes, keepdims=bool(keepdims))

    fn.__name__ = fn.__qualname__ = op_name.rpartition(".")[2]
    fn.__doc__ = f"{op_name}(input_tensor, axis=None, keepdims=False, name=None): {doc}"
    return fn


reduce_sum = _reducer("tf.math.reduce_sum", "Sum", _sum, _SUM_T, "sum over ``axis`` (ints keep their dtype).")
reduce_mean = _reducer("tf.math.reduce_mean", "Mean", _mean, _SUM_T,
                       "mean over ``axis``; integer inputs give TF's truncating integer mean.")
reduce_max = _reducer("tf.math.reduce_max", "Max", _max, _MINMAX_T, "maximum over ``axis`` (NaN propagates).")
reduce_min = _reducer("tf.math.reduce_min", "Min", _min, _MINMAX_T, "minimum over ``axis`` (NaN propagates).")
reduce_prod = _reducer("tf.math.reduce_prod", "Prod", _prod, _SUM_T, "product over ``axis``.")
reduce_all = _reducer("tf.math.reduce_all", "All", _all, BOOL, "logical and over ``axis`` (bool input only).")
reduce_any = _reducer("tf.math.reduce_any", "Any", _any, BOOL, "logical or over ``axis`` (bool input only).")
reduce_logsumexp = _reducer("tf.math.reduce_logsumexp", "IsFinite", _logsumexp, FLOAT,
                            "log(sum(exp(x))) over ``axis``, computed stably.")
reduce_euclidean_norm = _reducer("tf.math.reduce_euclidean_norm", "EuclideanNorm", _euclidean, NUMERIC,
                                 "sqrt(sum(x**2)) over ``axis`` (integer inputs give a truncated integer).")


def _moment(op_name: str, impl: Any, doc: str) -> Any:
    def fn(input_tensor: Any, axis: Any = None, keepdims: Any = False, name: Any = None) -> Tensor:
        x = convert_to_tensor(input_tensor)
        if x.array.dtype not in FLOAT | COMPLEX:
            raise TypeError(f"{op_name}: Input must be either real or complex. Received integer type "
                            f"{x.dtype!r}; cast it to a float dtype first.")
        axes = norm_axes(x, axis, op_name)
        return run(impl, (x,), op_name, axis=axes, keepdims=bool(keepdims))

    fn.__name__ = fn.__qualname__ = op_name.rpartition(".")[2]
    fn.__doc__ = f"{op_name}(input_tensor, axis=None, keepdims=False, name=None): {doc}"
    return fn


reduce_variance = _moment("tf.math.reduce_variance", _variance,
                          "population variance over ``axis`` (complex input gives a real result).")
reduce_std = _moment("tf.math.reduce_std", _std, "population standard deviation over ``axis``.")


def count_nonzero(input: Any, axis: Any = None, keepdims: Any = None, dtype: Any = _dt.int64,  # noqa: A002
                  name: Any = None) -> Tensor:
    """tf.math.count_nonzero: the number of non-zero elements over ``axis``, as ``dtype`` (int64)."""
    x = convert_to_tensor(input)
    axes = norm_axes(x, axis, "tf.math.count_nonzero")
    out = _dt.as_dtype(dtype)
    return run(_count_nonzero, (x,), "tf.math.count_nonzero", axis=axes, keepdims=bool(keepdims),
               dtype=out._np.str)


# ---------------------------------------------------------------------------------------------
# argmax / argmin / top_k / cumulative ops


def _single_axis(x: Tensor, axis: Any, op_name: str, what: str) -> int:
    # TF's argmax rejects lists and NumPy arrays in Python; argmin leaves them to the kernel.
    if what == "ArgMax" and (isinstance(axis, (list, tuple)) or (isinstance(axis, np.ndarray) and axis.ndim)):
        raise TypeError(f"{op_name}: axis must be int or Tensor with integer datatype, got {axis!r}.")
    vals = static_int_list(axis, op_name)
    if len(vals) != 1 or np.ndim(axis if not isinstance(axis, Tensor) else axis.array) != 0:
        raise invalid(op_name, f"{what}: axis must be a scalar, not {vals}.")
    a, rank = vals[0], x.array.ndim
    if not -rank <= a < rank:
        raise invalid(op_name, f"Expected dimension in the range [{-rank}, {rank}), but got {a}.")
    return a % rank


def _argmax(x, axis, out):
    # TF's kernel keeps an element only if it compares greater than the best so far: NaN is skipped (all NaN: 0)
    if x.dtype.kind == "f" or x.dtype == jnp.bfloat16:
        x = jnp.where(jnp.isnan(x), jnp.asarray(-jnp.inf, x.dtype), x)
    return jnp.argmax(x, axis=axis).astype(np.dtype(out))


def _argmin(x, axis, out):
    if x.dtype.kind == "f" or x.dtype == jnp.bfloat16:
        x = jnp.where(jnp.isnan(x), jnp.asarray(jnp.inf, x.dtype), x)
    return jnp.argmin(x, axis=axis).astype(np.dtype(out))


_ARG_OUT = ("int16", "uint16", "int32", "int64")


def _arg(op_name: str, tf_op: str, impl: Any) -> Any:
    def fn(input: Any, axis: Any = None, output_type: Any = _dt.int64, name: Any = None) -> Tensor:  # noqa: A002
        x = convert_to_tensor(input)
        _check(x, REAL | BOOL, op_name, tf_op)
        ot = _dt.as_dtype(output_type)
        if ot.name not in _ARG_OUT:
            raise invalid(op_name, f"Value for attr 'output_type' of {ot.name} is not in the list of allowed "
                                   f"values: {', '.join(_ARG_OUT)}.")
        a = _single_axis(x, 0 if axis is None else axis, op_name, tf_op)
        return run(impl, (x,), op_name, axis=a, out=ot._np.str)

    fn.__name__ = fn.__qualname__ = op_name.rpartition(".")[2]
    fn.__doc__ = (f"{op_name}(input, axis=None, output_type=tf.int64, name=None): index of the "
                  f"{'largest' if tf_op == 'ArgMax' else 'smallest'} value along ``axis`` (default 0, as TF 2).")
    return fn


argmax = _arg("tf.math.argmax", "ArgMax", _argmax)
argmin = _arg("tf.math.argmin", "ArgMin", _argmin)

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def _top_k(x, k, index_type):
    vals, idx = jax.lax.top_k(x, k)
    return vals, idx.astype(np.dtype(index_type))


def _top_k_unsorted(x, k, index_type):
    vals, idx = jax.lax.top_k(x, k)
    order = jnp.argsort(idx, axis=-1)
    return jnp.take_along_axis(vals, order, -1), jnp.take_along_axis(idx, order, -1).astype(np.dtype(index_type))


def top_k(input: Any, k: Any = 1, sorted: Any = True, index_type: Any = _dt.int32,  # noqa: A002
          name: Any = None) -> TopKV2:
    """tf.math.top_k: the ``k`` largest entries of the last axis and their indices, as TopKV2(values, indices).

    With ``sorted=False`` the entries come back in index order (TF leaves the order unspecified).
    """
    x = convert_to_tensor(input)
    _check(x, REAL, "tf.math.top_k", "TopKV2")
    kk = static_int_list(k, "tf.math.top_k", "k")
    if len(kk) != 1:
        raise invalid("tf.math.top_k", f"k must be a scalar, got {kk}.")
    kv = kk[0]
    if kv < 0:
        raise invalid("tf.math.top_k", f"Need k >= 0, got {kv}.")
    if x.array.ndim < 1:
        raise invalid("tf.math.top_k", f"input must be >= 1-D, got shape {list(x.array.shape)}.")
    if x.array.shape[-1] < kv:
        raise invalid("tf.math.top_k", f"input must have at least k columns. Had {x.array.shape[-1]}, needed {kv}.")
    it = _dt.as_dtype(index_type)
    impl = _top_k if sorted else _top_k_unsorted
    vals, idx = run(impl, (x,), "tf.math.top_k", k=kv, index_type=it._np.str)
    return TopKV2(vals, idx)


def _cum(x, axis, exclusive, reverse, prod):
    if prod and x.dtype.kind in "fc" and x.dtype not in _LOW_FLOAT:
        return _cumprod_tf(x, axis, exclusive, reverse)
    return _cum_plain(x, axis, exclusive, reverse, prod)


def _sequential_cumsum(x, axis):
    """Running sum along ``axis`` rounded to x's dtype after every addition (XLA's cumsum adds in a tree)."""
    xs = jnp.moveaxis(x, axis, 0)

    def step(acc, v):
        acc = acc + v
        return acc, acc

    _, ys = jax.lax.scan(step, jnp.zeros_like(xs[0]), xs)
    return jnp.moveaxis(ys, 0, axis)


def _cumprod_plain(x, axis, exclusive, reverse):
    return _cum_plain(x, axis, exclusive, reverse, True)


_cumprod_tf = jax.custom_jvp(_cumprod_plain, nondiff_argnums=(1, 2, 3))


@_cumprod_tf.defjvp
def _cumprod_jvp(axis, exclusive, reverse, primals, tangents):
    # TF's Cumprod gradient: div_no_nan(cumsum(y * g, exclusive, reverse=not reverse), x), which is 0 where x is
    # 0; this JVP is its transpose (the cumsum's transpose flips `reverse`).
    (x,), (t,) = primals, tangents
    y = _cumprod_plain(x, axis, exclusive, reverse)
    safe = jnp.where(x == 0, jnp.ones_like(x), x)
    scaled = jnp.where(x == 0, jnp.zeros_like(t), t / safe)
    return y, y * _cum_plain(scaled, axis, exclusive, reverse, False)


def _cum_plain(x, axis, exclusive, reverse, prod):
    if reverse:
        x = jnp.flip(x, axis)
    if x.dtype == jnp.float16 and not prod and x.shape[axis] > 1:
        y = _sequential_cumsum(x, axis)  # TF's float16 cumsum adds in float16, one element after another
    elif x.dtype in _LOW_FLOAT:
        y = (jnp.cumprod if prod else jnp.cumsum)(x.astype(jnp.float32), axis=axis).astype(x.dtype)
    else:
        y = (jnp.cumprod if prod else jnp.cumsum)(x, axis=axis, dtype=x.dtype)
    if exclusive:
        n = x.shape[axis]
        fill = jnp.ones_like(jax.lax.slice_in_dim(y, 0, 1, axis=axis)) if prod else \
            jnp.zeros_like(jax.lax.slice_in_dim(y, 0, 1, axis=axis))
        y = jnp.concatenate([fill, jax.lax.slice_in_dim(y, 0, n - 1, axis=axis)], axis=axis) if n else y
    if reverse:
        y = jnp.flip(y, axis)
    return y


def _scan(op_name: str, prod: bool) -> Any:
    def fn(x: Any, axis: Any = 0, exclusive: Any = False, reverse: Any = False, name: Any = None) -> Tensor:
        t = convert_to_tensor(x)
        _check(t, NUMERIC, op_name, "Cumprod" if prod else "Cumsum")
        if isinstance(axis, (list, tuple)):
            raise invalid(op_name, f"ScanOp: axis must be a scalar, not {list(axis)}.")
        rank = t.array.ndim
        a = static_int_list(axis, op_name)
        if len(a) != 1:
            raise invalid(op_name, f"ScanOp: axis must be a scalar, not {a}.")
        if not -rank <= a[0] < rank:
            raise invalid(op_name, f"ScanOp: Expected scan axis in the range [{-rank}, {rank}), but got {a[0]}.")
        return run(_cum, (t,), op_name, axis=a[0] % rank, exclusive=bool(exclusive), reverse=bool(reverse),
                   prod=prod)

    fn.__name__ = fn.__qualname__ = op_name.rpartition(".")[2]
    fn.__doc__ = (f"{op_name}(x, axis=0, exclusive=False, reverse=False, name=None): cumulative "
                  f"{'product' if prod else 'sum'} along ``axis``, as TF.")
    return fn


cumsum = _scan("tf.math.cumsum", False)
cumprod = _scan("tf.math.cumprod", True)

register(("reduce_sum", "math.reduce_sum"), reduce_sum, kind="reduce")
register(("reduce_mean", "math.reduce_mean"), reduce_mean, kind="reduce")
register(("reduce_max", "math.reduce_max"), reduce_max, kind="reduce_minmax")
register(("reduce_min", "math.reduce_min"), reduce_min, kind="reduce_minmax")
register(("reduce_prod", "math.reduce_prod"), reduce_prod, kind="reduce")
register(("reduce_all", "math.reduce_all"), reduce_all, kind="reduce_bool", grad=False)
register(("reduce_any", "math.reduce_any"), reduce_any, kind="reduce_bool", grad=False)
register(("math.reduce_std",), reduce_std, kind="reduce_float")
register(("math.reduce_variance",), reduce_variance, kind="reduce_float")
register(("math.reduce_logsumexp", "reduce_logsumexp"), reduce_logsumexp, kind="reduce_float")
register(("math.reduce_euclidean_norm",), reduce_euclidean_norm, kind="reduce")
register(("math.count_nonzero",), count_nonzero, kind="reduce", grad=False)
register(("math.argmax", "argmax"), argmax, kind="argminmax", grad=False)
register(("math.argmin", "argmin"), argmin, kind="argminmax", grad=False)
register(("math.top_k", "nn.top_k"), top_k, kind="top_k")
register(("math.cumsum", "cumsum"), cumsum, kind="cumulative")
register(("math.cumprod",), cumprod, kind="cumulative")

_ = (INT,)
