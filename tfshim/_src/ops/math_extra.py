"""More tf.math: log_sigmoid and special functions, segment reductions, confusion_matrix, bincount and
small helpers, each a row of the op table.

Segment ids and class labels decide output shapes, so they are read on the host in eager mode (TF's
checks: sorted ids, ids in range, non-negative labels); inside a trace ``num_segments``/``num_classes``
must be given. Empty segments get TF's values (0 for sum/mean/sqrt_n and the sorted max/min, 1 for
prod, the dtype's lowest/highest value for unsorted max/min).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from ..core.convert import convert_to_tensor
from ..core.dispatch import run
from ..core.tensor import Tensor
from .elementwise import FLOAT, INT, NUMERIC, REAL, binary, tf_derivative, unary, unsupported
from .table import register

_Tracer = jax.core.Tracer
FC = FLOAT | frozenset(np.dtype(t) for t in ("complex64", "complex128"))


def _t(v: Any) -> Tensor:
    return v if isinstance(v, Tensor) else convert_to_tensor(v)


def _invalid(op: str, msg: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, f"{msg} [Op:{op}]")


# -- elementwise ---------------------------------------------------------------------------------
def _log_sigmoid(x):
    return -jax.nn.softplus(-x)


def _reciprocal_no_nan(x):
    return jnp.where(x == 0, jnp.zeros_like(x), 1 / jnp.where(x == 0, jnp.ones_like(x), x))


def _expint(x):
    # TF's Expint is NaN for negative x and -inf at 0 (JAX's expi continues to negative x).
    out = _sp.expi(x)
    return jnp.where(x < 0, jnp.nan, jnp.where(x == 0, -jnp.inf, out)).astype(x.dtype)


def _igamma(a, x):
    # TF's Igamma/Igammac are NaN outside a > 0, x >= 0 (JAX's gammainc gives limits there).
    out = jnp.where((a <= 0) | (x < 0), jnp.nan, _sp.gammainc(a, x))
    # TF at a = +inf (x >= 0): 0, even at x = +inf (JAX: NaN for finite x)
    return jnp.where(jnp.isposinf(a) & (x >= 0), 0, out).astype(a.dtype)


def _igammac(a, x):
    out = jnp.where((a <= 0) | (x < 0), jnp.nan, _sp.gammaincc(a, x))
    # TF at a = +inf (x >= 0): 1 for finite x, 0 at x = +inf (JAX: NaN for finite x)
    return jnp.where(jnp.isposinf(a) & (x >= 0), jnp.where(jnp.isposinf(x), 0, 1), out).astype(a.dtype)


def _xlog1py_plain(x, y):
    return jnp.where(x == 0, jnp.zeros_like(x), x * jnp.log1p(y))


@jax.custom_jvp
def _xlog1py(x, y):
    return _xlog1py_plain(x, y)


@_xlog1py.defjvp
def _xlog1py_jvp(primals, tangents):
    # TF's Xlog1py gradient: d/dx = xlog1py(x != 0, y), d/dy = xdivy(x, 1 + y); both 0 (not NaN) where x == 0
    (x, y), (tx, ty) = primals, tangents
    nz = x != 0
    px = jnp.where(nz, jnp.log1p(y), jnp.zeros_like(y))
    py = jnp.where(nz, x / jnp.where(nz, 1 + y, jnp.ones_like(y)), jnp.zeros_like(x))
    return _xlog1py_plain(x, y), tx * px + ty * py


_sp = jax.scipy.special


def _i1_grad(x, y):  # TF's BesselI1 gradient: i0(x) - y / x, and 1 (TF's value) at x == 0
    safe = jnp.where(x == 0, jnp.ones_like(x), x)
    return jnp.where(x == 0, jnp.ones_like(x), _sp.i0(safe) - y / safe)


def _i1e_grad(x, y):  # TF's BesselI1e gradient: i0e(x) - y * (sign(x) + 1 / x), 0.5 where |x| <= tiny
    tiny = jnp.finfo(x.dtype).tiny
    small = jnp.abs(x) <= tiny
    safe = jnp.where(small, jnp.full_like(x, tiny), x)
    return jnp.where(small, jnp.full_like(x, 0.5), _sp.i0e(safe) - y * (jnp.sign(safe) + 1 / safe))


# TF's gradient formulas (AcoshGrad: 1 / sinh(y); Ndtri: sqrt(2 pi) exp(y^2 / 2); BesselI0: i1), which differ
# from JAX's at the domain's edges, infinities and NaN.
_acosh = tf_derivative(jnp.arccosh, lambda x, y: 1 / jnp.sinh(y))
_ndtri = tf_derivative(_sp.ndtri, lambda x, y: np.sqrt(2 * np.pi).astype(x.dtype) * jnp.exp(y * y / 2))
_i0 = tf_derivative(_sp.i0, lambda x, y: _sp.i1(x))
_i1 = tf_derivative(_sp.i1, _i1_grad)
_i1e = tf_derivative(_sp.i1e, _i1e_grad)
_HALF = np.dtype(np.float16)
_BF16 = np.dtype(_dt.bfloat16._np)


def _kernel_dtypes(fn: Any, op_name: str, tf_op: str, missing: tuple) -> Any:
    """Wrap an op so dtypes TF registers no CPU kernel for raise TF's NotFoundError (checked on the
    first input, before the dtype match, as TF's kernel lookup)."""
    def wrapped(x: Any, *rest: Any, name: Any = None) -> Tensor:
        dt = getattr(getattr(x, "dtype", None), "as_numpy_dtype", None)
        dt = np.dtype(dt) if dt is not None else (x.dtype if isinstance(x, np.ndarray) else None)
        if dt in missing:
            raise errors.NotFoundError(None, None, f"Could not find device for node: {{{{node {tf_op}}}}} = "
                                                   f"{tf_op}[T=DT_{_dt._BY_NP[dt].name.upper()}] (tfshim: "
                                                   f"{op_name} has no {_dt._BY_NP[dt].name} kernel in TF; cast to "
                                                   "float32)")
        return fn(x, *rest)

    wrapped.__name__, wrapped.__qualname__, wrapped.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    return wrapped


_UNARY = [
    (("math.log_sigmoid",), "LogSigmoid", _log_sigmoid, FLOAT, "unary_float", True),
    (("math.acosh", "acosh"), "Acosh", _acosh, FC, "unary_ge1", True),
    (("math.erfinv",), "Erfinv", _sp.erfinv, FLOAT, "unary_unit", True),
    (("math.ndtri",), "Ndtri", _ndtri, FLOAT, "unary_prob", True),
    (("math.reciprocal_no_nan",), "ReciprocalNoNan", _reciprocal_no_nan, FC, "unary_float", True),
    (("math.bessel_i0", "math.special.bessel_i0"), "BesselI0", _i0, FLOAT, "unary_float", True),
    (("math.bessel_i0e", "math.special.bessel_i0e"), "BesselI0e", _sp.i0e, FLOAT, "unary_float", True),
    (("math.bessel_i1", "math.special.bessel_i1"), "BesselI1", _i1, FLOAT, "unary_float", True),
    (("math.bessel_i1e", "math.special.bessel_i1e"), "BesselI1e", _i1e, FLOAT, "unary_float", True),
    (("math.special.spence",), "Spence", _sp.spence, FLOAT, "unary_pos", False),
    (("math.special.expint",), "Expint", _expint, FLOAT, "unary_pos", False),
]
_BINARY = [
    (("math.xlog1py",), "Xlog1py", _xlog1py, FC, "binary_pos", True),
    (("math.igamma",), "Igamma", _igamma, FLOAT, "binary_pos", False),
    (("math.igammac",), "Igammac", _igammac, FLOAT, "binary_pos", False),
]
_NO_HALF = {"Erfinv", "Ndtri", "Spence", "Expint", "Igamma", "Igammac"}  # TF: no float16/bfloat16 kernels
_NO_BF16 = {"BesselI0", "BesselI0e", "BesselI1", "BesselI1e"}
for _rows, _factory in ((_UNARY, unary), (_BINARY, binary)):
    for _names, _op, _impl, _allowed, _kind, _grad in _rows:
        _f = _factory(f"tf.{_names[0]}", _op, _impl, _allowed)
        _missing = (_HALF, _BF16) if _op in _NO_HALF else (_BF16,) if _op in _NO_BF16 else ()
        if _missing:
            _f = _kernel_dtypes(_f, f"tf.{_names[0]}", _op, _missing)
        register(_names, _f, kind=_kind, grad=_grad)
log_sigmoid = unary("tf.math.log_sigmoid", "LogSigmoid", _log_sigmoid, FLOAT)


# -- segment reductions --------------------------------------------------------------------------
_IDS = (np.dtype(np.int16), np.dtype(np.int32), np.dtype(np.int64))


def _seg_impl(data, ids, num, kind, empty, int_mean=""):
    flat_ids = ids.reshape(-1)
    d = data.reshape((flat_ids.shape[0],) + data.shape[ids.ndim:])
    valid = (flat_ids >= 0) & (flat_ids < num)
    safe = jnp.where(valid, flat_ids, num)  # invalid ids go to a dropped extra segment
    n = num + 1
    if kind in ("sum", "mean", "sqrt_n"):
        out = jax.ops.segment_sum(d, safe, n)[:num]
        if kind != "sum":
            cnt = jax.ops.segment_sum(jnp.ones(flat_ids.shape, d.real.dtype), safe, n)[:num]
            cnt = cnt.reshape(cnt.shape + (1,) * (d.ndim - 1))
            den = cnt if kind == "mean" else jnp.sqrt(cnt)
            den = jnp.where(cnt > 0, den, 1)
            if int_mean == "trunc":  # TF's sorted SegmentMean kernel divides integers in C++ (truncating)
                return jax.lax.div(out, den.astype(out.dtype))
            if int_mean == "float64":  # TF's unsorted mean is sum / count with TF's truediv: int -> float64
                return out.astype(jnp.float64) / den.astype(jnp.float64)
            out = out / den.astype(out.dtype)
        return out
    if kind == "prod":
        return jax.ops.segment_prod(d, safe, n)[:num]
    seg = jax.ops.segment_max if kind == "max" else jax.ops.segment_min
    out = seg(d, safe, n)[:num]
    cnt = jax.ops.segment_sum(jnp.ones(flat_ids.shape, jnp.int32), safe, n)[:num]
    cnt = cnt.reshape(cnt.shape + (1,) * (d.ndim - 1))
    fill = jnp.asarray(empty, out.dtype) if empty is not None else jnp.zeros((), out.dtype)
    return jnp.where(cnt > 0, out, fill)


def _limits(dtype: np.dtype, kind: str) -> Any:
    if dtype.kind == "f":
        info = np.finfo(dtype)
        return float(info.min) if kind == "max" else float(info.max)
    info = np.iinfo(dtype)
    return int(info.min) if kind == "max" else int(info.max)


_SEG_ALLOWED = {"sum": NUMERIC, "prod": NUMERIC, "mean": NUMERIC, "sqrt_n": FC, "max": REAL, "min": REAL}


def _segment(kind: str, sorted_: bool):
    tf_op = ("Segment" if sorted_ else "UnsortedSegment") + {"sqrt_n": "SqrtN"}.get(kind, kind.capitalize())
    fn = f"tf.math.{'' if sorted_ else 'unsorted_'}segment_{kind}"

    def f(data: Any, segment_ids: Any, num_segments: Any = None, name: Any = None) -> Tensor:
        x, ids = _t(data), _t(segment_ids)
        if ids.array.dtype not in _IDS:
            raise _invalid(tf_op, f"Value for attr 'Tindices' of {ids.dtype.name} is not in the list of allowed "
                                  f"values: int16, int32, int64 (tfshim: {fn} needs integer segment_ids)")
        if x.array.dtype not in _SEG_ALLOWED[kind]:
            raise unsupported(fn, tf_op, x.array.dtype, _SEG_ALLOWED[kind])
        ishape, dshape = ids.array.shape, x.array.shape
        traced = isinstance(ids.array, _Tracer)
        if sorted_:
            if len(ishape) != 1:
                raise _invalid(tf_op, f"segment_ids should be a vector. (tfshim: {fn} got shape {list(ishape)})")
            if not dshape or dshape[0] != ishape[0]:
                raise _invalid(tf_op, f"segment_ids should be the same size as dimension 0 of input. (tfshim: {fn} "
                                      f"got data shape {list(dshape)}, segment_ids shape {list(ishape)})")
            if traced:
                raise TypeError(f"{fn}: segment_ids must be concrete (the number of segments is the output "
                                "size); use tf.math.unsorted_segment_* with num_segments inside tf.function.")
            iv = np.asarray(ids.array)
            if iv.size and (np.any(np.diff(iv) < 0) or iv[0] < 0):
                raise _invalid(tf_op, f"segment ids are not increasing (tfshim: {fn} got {iv.tolist()[:10]})")
            num = int(iv[-1]) + 1 if iv.size else 0
        else:
            if dshape[:len(ishape)] != ishape:
                raise _invalid(tf_op, f"data.shape = {list(dshape)} does not start with segment_ids.shape = "
                                      f"{list(ishape)}")
            if num_segments is None:
                raise TypeError(f"{fn}() missing 1 required positional argument: 'num_segments'")
            if isinstance(num_segments, float) and kind not in ("mean", "sqrt_n"):  # TF's composites: kernel error
                raise TypeError(f"Cannot convert {num_segments!r} to EagerTensor of dtype int32")
            nt = _t(num_segments)
            if nt.array.dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
                raise _invalid(tf_op, f"Value for attr 'Tnumsegments' of {nt.dtype.name} is not in the list of "
                                      "allowed values: int32, int64")
            if isinstance(nt.array, _Tracer):
                raise TypeError(f"{fn}: num_segments must be concrete inside a traced function (JAX compiles "
                                "static shapes).")
            num = int(np.asarray(nt.array))
            if num < 0:
                raise _invalid(tf_op, f"Input num_segments == {num} must be >= 0")
            if not traced:
                iv = np.asarray(ids.array)
                bad = np.flatnonzero(iv.reshape(-1) >= num)
                if bad.size:
                    k = int(bad[0])
                    raise _invalid(tf_op, f"segment_ids[{k}] = {iv.reshape(-1)[k]} is out of range [0, {num})")
        empty = _limits(x.array.dtype, kind) if (kind in ("max", "min") and not sorted_) else None
        int_mean = ("trunc" if sorted_ else "float64") if kind == "mean" and x.array.dtype.kind in "iu" else ""
        return run(_seg_impl, (x, ids), fn, num=num, kind=kind, empty=empty, int_mean=int_mean)

    f.__name__ = fn.rpartition(".")[2]
    f.__qualname__ = f.__name__
    f.__doc__ = (f"{fn}: the {kind} of ``data``'s rows per segment id"
                 + (" (ids sorted; the output has max(id)+1 rows)." if sorted_ else
                    " (any order; ``num_segments`` rows; negative ids are dropped)."))
    return f


for _kind in ("sum", "mean", "max", "min", "prod"):
    register((f"math.segment_{_kind}",), _segment(_kind, True), kind="segment",
             grad=_kind in ("sum", "mean"))
for _kind in ("sum", "mean", "max", "min", "prod", "sqrt_n"):
    register((f"math.unsorted_segment_{_kind}",), _segment(_kind, False), kind="unsorted_segment",
             grad=_kind in ("sum", "mean", "sqrt_n"))


# -- confusion_matrix / bincount -----------------------------------------------------------------
def _confusion_impl(labels, preds, w, n):
    return jnp.zeros((n, n), w.dtype).at[labels, preds].add(w, mode="drop")


def confusion_matrix(labels: Any, predictions: Any, num_classes: Any = None, weights: Any = None,
                     dtype: Any = _dt.int32, name: Any = None) -> Tensor:
    """tf.math.confusion_matrix: counts (or summed ``weights``) of (label, prediction) pairs, a
    ``[num_classes, num_classes]`` matrix with labels along rows."""
    fn = "tf.math.confusion_matrix"
    lab, pred = _t(labels), _t(predictions)
    for t, what in ((lab, "labels"), (pred, "predictions")):
        if t.array.dtype.kind not in "iu":
            if t.array.dtype.kind == "f":
                t = None
            else:
                raise TypeError(f"{fn}: `{what}` must be integers, got {t.dtype.name}.")
    if lab.array.shape != pred.array.shape:
        raise _invalid("Pack", f"Shapes of all inputs must match: values[0].shape = {list(lab.array.shape)} != "
                               f"values[1].shape = {list(pred.array.shape)} (tfshim: {fn} needs labels and "
                               "predictions of the same shape)")
    out_dt = _dt.as_dtype(dtype)
    li = run(_to_int64, (lab,), fn)
    pi = run(_to_int64, (pred,), fn)
    if not isinstance(li.array, _Tracer) and not isinstance(pi.array, _Tracer):
        lv, pv = np.asarray(li.array), np.asarray(pi.array)
        if lv.size and lv.min() < 0:
            raise _invalid("AssertGreaterEqual", "`labels` contains negative values.  Condition x >= 0 did not hold")
        if pv.size and pv.min() < 0:
            raise _invalid("AssertGreaterEqual",
                           "`predictions` contains negative values.  Condition x >= 0 did not hold")
        if num_classes is None:
            n = int(max(lv.max(initial=-1), pv.max(initial=-1))) + 1
        else:
            n = int(np.asarray(_t(num_classes).array))
            if lv.size and lv.max() >= n:
                raise _invalid("AssertLess", "`labels` out of bound  Condition x < y did not hold")
            if pv.size and pv.max() >= n:
                raise _invalid("AssertLess", "`predictions` out of bound  Condition x < y did not hold")
    else:
        if num_classes is None or isinstance(_t(num_classes).array, _Tracer):
            raise TypeError(f"{fn}: num_classes must be a Python int inside a traced function (the output shape).")
        n = int(np.asarray(_t(num_classes).array))
    if weights is None:
        w = convert_to_tensor(np.ones(lab.array.shape, out_dt._np))
    else:
        w = _t(weights) if isinstance(weights, Tensor) else convert_to_tensor(weights, dtype=out_dt)
        if w.array.dtype != out_dt._np:
            w = run(_cast_to, (w,), fn, dtype=out_dt._np.str)
    return run(_confusion_impl, (li, pi, w), fn, n=n)


def _to_int64(x):
    return x.astype(jnp.int64)


def _cast_to(x, dtype):
    return x.astype(dtype)


def _bincount_impl(arr, w, length, binary_output):
    flat = arr.reshape(-1)
    out = jnp.zeros((length,), w.dtype).at[flat].add(w.reshape(-1), mode="drop")
    if binary_output:
        out = jnp.minimum(out, 1)
    return out


def bincount(arr: Any, weights: Any = None, minlength: Any = None, maxlength: Any = None, dtype: Any = _dt.int32,
             name: Any = None, axis: Any = None, binary_output: bool = False) -> Tensor:
    """tf.math.bincount: how often each value of the non-negative ints ``arr`` occurs (or its summed
    ``weights``); length max(arr)+1, at least ``minlength``, at most ``maxlength``. ``axis`` None only."""
    fn = "tf.math.bincount"
    a = _t(arr)
    if a.array.dtype.kind in "fb":  # TF casts non-integer input to int32 first
        a = run(_cast_to, (a,), fn, dtype="int32")
    if a.array.dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise _invalid("Bincount", f"Value for attr 'Tidx' of {a.dtype.name} is not in the list of allowed values: "
                                   f"int32, int64 (tfshim: {fn} needs integer values)")
    if axis not in (None, 0):
        raise NotImplementedError(f"{fn}: tfshim supports axis=None only (got axis={axis}).")
    if isinstance(a.array, _Tracer):
        if minlength is None or maxlength is None or int(minlength) != int(maxlength):
            raise TypeError(f"{fn}: inside a traced function give minlength == maxlength (the output size).")
        length = int(minlength)
    else:
        av = np.asarray(a.array)
        if av.size and av.min() < 0:
            raise _invalid("Bincount", f"Input arr must be non-negative! (tfshim: {fn} got min {av.min()})")
        length = int(av.max()) + 1 if av.size else 0
        if minlength is not None:
            length = max(length, int(minlength))
        if maxlength is not None:
            length = min(length, int(maxlength))
    if weights is None:
        w = convert_to_tensor(np.ones(a.array.shape, _dt.as_dtype(dtype)._np))
    else:
        w = _t(weights)
        if w.array.shape != a.array.shape:
            raise _invalid("Bincount", f"weights shape {list(w.array.shape)} must match arr shape "
                                       f"{list(a.array.shape)} (tfshim: {fn})")
    return run(_bincount_impl, (a, w), fn, length=length, binary_output=bool(binary_output))


# -- small helpers -------------------------------------------------------------------------------
def _invperm_impl(x):
    return jnp.zeros_like(x).at[x].set(jnp.arange(x.shape[0], dtype=x.dtype))


def invert_permutation(x: Any, name: Any = None) -> Tensor:
    """tf.math.invert_permutation: y with y[x[i]] = i (x a permutation of 0..n-1)."""
    t = _t(x)
    if t.array.dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise _invalid("InvertPermutation", f"Value for attr 'T' of {t.dtype.name} is not in the list of allowed "
                                            "values: int32, int64")
    if t.array.ndim != 1:
        raise _invalid("InvertPermutation", f"invert_permutation expects a 1D vector. (got shape "
                                            f"{list(t.array.shape)})")
    if not isinstance(t.array, _Tracer):
        v = np.asarray(t.array)
        if sorted(v.tolist()) != list(range(v.size)):
            raise _invalid("InvertPermutation", f"{v.tolist()[:10]} is not a permutation of 0..{v.size - 1}")
    return run(_invperm_impl, (t,), "tf.math.invert_permutation")


def _cumlse_impl(x, axis, exclusive, reverse):
    if reverse:
        x = jnp.flip(x, axis)
    out = jax.lax.cumlogsumexp(x, axis=axis)
    if exclusive:
        pad = [(0, 0)] * x.ndim
        pad[axis] = (1, 0)
        out = jnp.pad(out, pad, constant_values=-jnp.inf)
        out = jax.lax.slice_in_dim(out, 0, x.shape[axis], axis=axis)
    if reverse:
        out = jnp.flip(out, axis)
    return out


def cumulative_logsumexp(x: Any, axis: Any = 0, exclusive: bool = False, reverse: bool = False,
                         name: Any = None) -> Tensor:
    """tf.math.cumulative_logsumexp: log(cumsum(exp(x))) along ``axis``, computed stably."""
    t = _t(x)
    if t.array.dtype not in FLOAT:
        raise unsupported("tf.math.cumulative_logsumexp", "CumulativeLogsumexp", t.array.dtype, FLOAT)
    ax = int(np.asarray(_t(axis).array)) if not isinstance(axis, int) else axis
    r = t.array.ndim
    if not -r <= ax < r:
        raise _invalid("CumulativeLogsumexp", f"Expected scan axis in the range [{-r}, {r}), but got {ax}")
    return run(_cumlse_impl, (t,), "tf.math.cumulative_logsumexp", axis=ax % r, exclusive=bool(exclusive),
               reverse=bool(reverse))


def _zero_fraction_impl(x):
    return jnp.mean((x == 0).astype(jnp.float32))


def zero_fraction(value: Any, name: Any = None) -> Tensor:
    """tf.math.zero_fraction: the fraction of zeros in ``value`` (float32)."""
    return run(_zero_fraction_impl, (_t(value),), "tf.math.zero_fraction")


def scalar_mul(scalar: Any, x: Any, name: Any = None) -> Tensor:
    """tf.math.scalar_mul: ``scalar * x`` where ``scalar`` is a 0-d value."""
    from .math import multiply

    s = _t(scalar) if isinstance(scalar, Tensor) else scalar
    if isinstance(s, Tensor) and s.array.ndim != 0:
        raise ValueError(f"The input scalar must be a 0-D value. Received shape {list(s.array.shape)}.")
    return multiply(s, x)


def _monotone_impl(x, strict):
    v = x.reshape(-1)
    d = v[1:] > v[:-1] if strict else v[1:] >= v[:-1]
    return jnp.all(d)


def _monotone(strict: bool):
    fn = "tf.math.is_strictly_increasing" if strict else "tf.math.is_non_decreasing"

    def f(x: Any, name: Any = None) -> Tensor:
        t = _t(x)
        if t.array.dtype not in REAL:
            raise TypeError(f"Expected x to be numeric, got dtype {t.dtype.name} (tfshim: {fn}).")
        return run(_monotone_impl, (t,), fn, strict=strict)

    f.__name__ = fn.rpartition(".")[2]
    f.__doc__ = f"{fn}(x): whether the flattened ``x`` is {'strictly increasing' if strict else 'non-decreasing'}."
    return f


def _polyval_impl(x, *coeffs):
    out = jnp.zeros_like(x)
    for c in coeffs:
        out = out * x + c
    return out


def polyval(coeffs: Any, x: Any, name: Any = None) -> Tensor:
    """tf.math.polyval: the polynomial with ``coeffs`` (highest degree first) at ``x`` (Horner's rule)."""
    if not isinstance(coeffs, (list, tuple)):
        raise ValueError(f"Argument coeffs must be list type found {type(coeffs)}.")
    xt = _t(x)
    cs = [c if isinstance(c, Tensor) else convert_to_tensor(c, dtype=xt.dtype) for c in coeffs]
    if not cs:
        return run(_zeros_like_impl, (xt,), "tf.math.polyval")
    return run(_polyval_impl, (xt, *cs), "tf.math.polyval")


def _zeros_like_impl(x):
    return jnp.zeros_like(x)


def _in_top_k_impl(targets, preds, k):
    t = jnp.take_along_axis(preds, targets[:, None].astype(jnp.int32), axis=1)
    greater = jnp.sum(preds > t, axis=1)
    finite = jnp.all(jnp.isfinite(preds), axis=1)
    return (greater < k) & finite


def in_top_k(targets: Any, predictions: Any, k: Any, name: Any = None) -> Tensor:
    """tf.math.in_top_k(targets, predictions, k): whether each target's prediction is among the k largest
    of its row (ties count in its favour, as TF; rows with non-finite values give False)."""
    tg, pr = _t(targets), _t(predictions)
    if pr.array.dtype != np.dtype(np.float32):
        raise _invalid("InTopKV2", f"Value for attr 'T' of {pr.dtype.name} is not in the list of allowed values: "
                                   "float (tfshim: tf.math.in_top_k needs float32 predictions)")
    if tg.array.dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise _invalid("InTopKV2", f"Value for attr 'T' of {tg.dtype.name} is not in the list of allowed values: "
                                   "int32, int64")
    if pr.array.ndim != 2 or tg.array.ndim != 1 or tg.array.shape[0] != pr.array.shape[0]:
        raise _invalid("InTopKV2", f"predictions must be 2-dimensional and targets 1-dimensional with the same "
                                   f"first dimension, got {list(pr.array.shape)} and {list(tg.array.shape)}")
    if not isinstance(tg.array, _Tracer):
        tv = np.asarray(tg.array)
        bad = np.flatnonzero((tv < 0) | (tv >= pr.array.shape[1]))
        if bad.size:
            return run(_in_top_k_oob, (tg, pr), "tf.math.in_top_k", k=int(k), n=pr.array.shape[1])
    return run(_in_top_k_impl, (tg, pr), "tf.math.in_top_k", k=int(k))


def _in_top_k_oob(targets, preds, k, n):
    ok = (targets >= 0) & (targets < n)
    safe = jnp.where(ok, targets, 0)
    return _in_top_k_impl(safe, preds, k) & ok


register(("math.confusion_matrix",), confusion_matrix, kind="confusion_matrix", grad=False)
register(("math.bincount",), bincount, kind="bincount", grad=False)
register(("math.invert_permutation",), invert_permutation, kind="invert_permutation",
         grad=False)
register(("math.cumulative_logsumexp",), cumulative_logsumexp, kind="cumulative_logsumexp", grad=True)
register(("math.zero_fraction",), zero_fraction, kind="unary", grad=False)
register(("math.scalar_mul", "scalar_mul"), scalar_mul, kind="", grad=True)
register(("math.is_non_decreasing",), _monotone(False), kind="", grad=False)
register(("math.is_strictly_increasing",), _monotone(True), kind="", grad=False)
register(("math.polyval",), polyval, kind="", grad=True)
register(("math.in_top_k",), in_top_k, kind="in_top_k", grad=False)
_ = INT
