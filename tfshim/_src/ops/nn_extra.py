"""More tf.nn: embedding_lookup, transposed/depthwise/separable/3-D convolutions, batch_normalization,
1-D and 3-D pooling, space_to_depth/depth_to_space, weighted/poisson losses, normalize_moments, crelu.

Transposed convolutions are the gradient of the forward convolution with respect to its input (TF's
definition: ``conv2d_backprop_input``), computed with ``jax.vjp`` of the same convolution kernel.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core.convert import convert_to_tensor
from ..core.dispatch import invalid, run
from ..core.tensor import Tensor
from .elementwise import FLOAT, abs_real_tf, coerce2, zero_upstream_vjp
from .nn import _check, _conv, _convolution, _padding, _pool, _same, _spatial_list, _split_full
from .table import register

_Tracer = jax.core.Tracer


def _t(v: Any) -> Tensor:
    return v if isinstance(v, Tensor) else convert_to_tensor(v)


# -- embedding_lookup ----------------------------------------------------------------------------
def _embed_impl(p, ids, max_norm):
    out = jnp.take(p, ids, axis=0)
    if max_norm is not None:
        axes = tuple(range(ids.ndim, out.ndim))
        norm = jnp.sqrt(jnp.sum(out * out, axis=axes, keepdims=True))
        out = out * jnp.where(norm > max_norm, max_norm / jnp.where(norm > 0, norm, 1), 1).astype(out.dtype)
    return out


def embedding_lookup(params: Any, ids: Any, max_norm: Any = None, name: Any = None) -> Tensor:
    """tf.nn.embedding_lookup: rows of ``params`` at ``ids`` (a list of params is sharded "div": the shards
    concatenated); ``max_norm`` clips each embedding's L2 norm. Out-of-range ids raise
    InvalidArgumentError eagerly."""
    fn = "tf.nn.embedding_lookup"
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("Length of params is currently 0. Need at least one param.")
        shards = [_t(p) for p in params]
        if len(shards) == 1:
            p = shards[0]
        else:  # TF2 shards by "div": consecutive ids per shard, i.e. the shards concatenated
            from .array import concat

            p = concat(shards, 0)
    else:
        p = _t(params)
    i = _t(ids)
    if i.array.dtype not in (np.dtype(np.int16), np.dtype(np.int32), np.dtype(np.int64)):
        raise invalid("ResourceGather", f"Value for attr 'Tindices' of {i.dtype.name} is not in the list of "
                                        f"allowed values: int32, int64 (tfshim: {fn} needs integer ids)")
    if not isinstance(i.array, _Tracer):
        iv = np.asarray(i.array)
        bad = np.flatnonzero((iv < 0) | (iv >= p.array.shape[0]))
        if bad.size:
            k = int(bad[0])
            raise invalid("GatherV2", f"indices[{','.join(str(int(v)) for v in np.unravel_index(k, iv.shape))}] = "
                                      f"{iv.reshape(-1)[k]} is not in [0, {p.array.shape[0]})")
    mn = None if max_norm is None else float(max_norm)
    return run(_embed_impl, (p, i), fn, max_norm=mn)


# -- convolutions --------------------------------------------------------------------------------
def _depthwise_impl(x, w, strides, padding, dilations, channels_first):
    kh, kw, cin, mult = w.shape
    w2 = w.reshape(kh, kw, 1, cin * mult)
    return _conv(x, w2, strides, padding, dilations, channels_first, cin)


def _conv_args(op_name: str, tf_op: str, x: Tensor, strides: Any, padding: Any, data_format: str, dilations: Any,
               n: int = 2) -> tuple:
    channels_first = data_format.startswith("NC")
    lengths = (1, n, n + 2)
    st = _split_full(_spatial_list(strides, n, "strides", op_name, lengths), n, channels_first, "strides", op_name,
                     f"strides={strides}")
    dl = _split_full(_spatial_list(1 if dilations is None else dilations, n, "dilations", op_name, lengths), n,
                     channels_first, "dilations", op_name, f"dilations={dilations}")
    pad = _padding(padding, n, channels_first, op_name, tf_op)
    return st, dl, pad, channels_first


def depthwise_conv2d(input: Any, filter: Any, strides: Any, padding: Any, data_format: Any = None,  # noqa: A002
                     dilations: Any = None, name: Any = None) -> Tensor:
    """tf.nn.depthwise_conv2d: each input channel convolved with its own ``channel_multiplier`` filters
    (``filter`` [kh, kw, in_channels, channel_multiplier]); output channel c*multiplier + m."""
    op, tf_op = "tf.nn.depthwise_conv2d", "DepthwiseConv2dNative"
    x, w = coerce2(input, filter)
    _same(x, w, op, tf_op)
    _check(x, FLOAT, op, tf_op)
    df = data_format or "NHWC"
    if x.array.ndim != 4 or w.array.ndim != 4:
        raise invalid(tf_op, f"input and filter must be 4-dimensional, got {list(x.array.shape)} and "
                             f"{list(w.array.shape)} (tfshim: {op})")
    st, dl, pad, cf = _conv_args(op, tf_op, x, strides, padding, df, dilations)
    cin = x.array.shape[1] if cf else x.array.shape[-1]
    if w.array.shape[2] != cin:
        raise invalid(tf_op, f"input and filter must have the same depth: {cin} vs {w.array.shape[2]}")
    return run(_depthwise_impl, (x, w), op, strides=st, padding=pad, dilations=dl, channels_first=cf)


def separable_conv2d(input: Any, depthwise_filter: Any, pointwise_filter: Any, strides: Any,  # noqa: A002
                     padding: Any, data_format: Any = None, dilations: Any = None, name: Any = None) -> Tensor:
    """tf.nn.separable_conv2d: depthwise_conv2d, then a 1x1 convolution with ``pointwise_filter``
    [1, 1, in_channels * channel_multiplier, out_channels]."""
    from .nn import conv2d

    pw = _t(pointwise_filter)
    if pw.array.ndim != 4 or pw.array.shape[:2] != (1, 1):
        raise ValueError(f"tf.nn.separable_conv2d: pointwise_filter must have shape [1, 1, in, out], got "
                         f"{list(pw.array.shape)}.")
    dw = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return conv2d(dw, pw, 1, "VALID", data_format or "NHWC")


def _transpose_impl(x, w, out_shape, strides, padding, dilations, channels_first):
    def fwd(inp):
        return _conv(inp, w, strides, padding, dilations, channels_first, 1)

    _, vjp = jax.vjp(fwd, jnp.zeros(out_shape, x.dtype))
    return vjp(x)[0]


def _conv_transpose(op: str, tf_op: str, n: int, input: Any, filters: Any, output_shape: Any,  # noqa: A002
                    strides: Any, padding: Any, data_format: str, dilations: Any) -> Tensor:
    from .array import _ints

    x, w = coerce2(input, filters)
    _same(x, w, op, tf_op)
    _check(x, FLOAT, op, tf_op)
    if x.array.ndim != n + 2 or w.array.ndim != n + 2:
        raise invalid(tf_op, f"input and filters must be {n + 2}-dimensional, got {list(x.array.shape)} and "
                             f"{list(w.array.shape)} (tfshim: {op})")
    out_shape = tuple(int(v) for v in _ints(output_shape, op, "output_shape", tf_op).reshape(-1))
    if len(out_shape) != n + 2:
        raise invalid(tf_op, f"output_shape must have {n + 2} elements, got {list(out_shape)} (tfshim: {op})")
    st, dl, pad, cf = _conv_args(op, tf_op, x, strides, padding, data_format, dilations, n)
    if any(d > 1 for d in dl):  # TF's CPU kernels (tfshim follows the CPU oracle)
        raise invalid(tf_op, "Current CPU implementations do not yet support dilation rates larger than 1.")
    cout = out_shape[1] if cf else out_shape[-1]
    cin = x.array.shape[1] if cf else x.array.shape[-1]
    if w.array.shape[-2] != cout or w.array.shape[-1] != cin:
        raise invalid(tf_op, f"filters {list(w.array.shape)} must be [..., output channels {cout}, input channels "
                             f"{cin}] (tfshim: {op})")
    expect = jax.eval_shape(lambda a: _conv(a, w.array, st, pad, dl, cf, 1),
                            jax.ShapeDtypeStruct(out_shape, x.array.dtype)).shape
    if tuple(expect) != tuple(x.array.shape):
        raise invalid(tf_op, f"Conv{n}DCustomBackpropInput: Size of out_backprop doesn't match computed: actual = "
                             f"{list(x.array.shape)}, computed = {list(expect)} (tfshim: {op} with output_shape "
                             f"{list(out_shape)})")
    return run(_transpose_impl, (x, w), op, out_shape=out_shape, strides=st, padding=pad, dilations=dl,
               channels_first=cf)


def conv2d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any, padding: Any = "SAME",  # noqa: A002
                     data_format: str = "NHWC", dilations: Any = None, name: Any = None) -> Tensor:
    """tf.nn.conv2d_transpose: the transpose (input gradient) of conv2d; ``filters`` [kh, kw, out, in]."""
    return _conv_transpose("tf.nn.conv2d_transpose", "Conv2DBackpropInput", 2, input, filters, output_shape, strides,
                           padding, data_format or "NHWC", dilations)


def conv1d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any, padding: Any = "SAME",  # noqa: A002
                     data_format: str = "NWC", dilations: Any = None, name: Any = None) -> Tensor:
    """tf.nn.conv1d_transpose: the transpose (input gradient) of conv1d; ``filters`` [k, out, in]."""
    return _conv_transpose("tf.nn.conv1d_transpose", "Conv2DBackpropInput", 1, input, filters, output_shape,
                           strides, padding, data_format or "NWC", dilations)


def conv3d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any, padding: Any = "SAME",  # noqa: A002
                     data_format: str = "NDHWC", dilations: Any = None, name: Any = None) -> Tensor:
    """tf.nn.conv3d_transpose: the transpose (input gradient) of conv3d; ``filters`` [kd, kh, kw, out, in]."""
    return _conv_transpose("tf.nn.conv3d_transpose", "Conv3DBackpropInputV2", 3, input, filters, output_shape,
                           strides, padding, data_format or "NDHWC", dilations)


def conv3d(input: Any, filters: Any, strides: Any, padding: Any, data_format: str = "NDHWC",  # noqa: A002
           dilations: Any = None, name: Any = None) -> Tensor:
    """tf.nn.conv3d: 3-D convolution of ``input`` [N, D, H, W, C] with ``filters`` [kd, kh, kw, C_in, C_out]."""
    return _convolution("tf.nn.conv3d", "Conv3D", 3, input, filters, strides, padding, data_format or "NDHWC",
                        dilations)


# -- pooling --------------------------------------------------------------------------------------
def _no_half(x: Any, op: str, tf_op: str) -> None:
    dt = getattr(getattr(x, "dtype", None), "name", None) or getattr(getattr(x, "dtype", None), "str", None)
    if dt == "float16":
        from ..core import errors

        raise errors.NotFoundError(None, None, f"Could not find device for node: {{{{node {tf_op}}}}} = "
                                               f"{tf_op}[T=DT_HALF] (tfshim: {op} has no float16 kernel in TF; "
                                               "cast to float32)")


def avg_pool1d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NWC",  # noqa: A002
               name: Any = None) -> Tensor:
    """tf.nn.avg_pool1d: 1-D average pooling over [N, W, C]."""
    return _pool("tf.nn.avg_pool1d", "AvgPool", "avg", input, ksize, strides, padding, data_format or "NWC", 1)


def max_pool1d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NWC",  # noqa: A002
               name: Any = None) -> Tensor:
    """tf.nn.max_pool1d: 1-D max pooling over [N, W, C]."""
    return _pool("tf.nn.max_pool1d", "MaxPool", "max", input, ksize, strides, padding, data_format or "NWC", 1)


def avg_pool3d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NDHWC",  # noqa: A002
               name: Any = None) -> Tensor:
    """tf.nn.avg_pool3d: 3-D average pooling over [N, D, H, W, C]."""
    _no_half(input, "tf.nn.avg_pool3d", "AvgPool3D")
    return _pool("tf.nn.avg_pool3d", "AvgPool3D", "avg", input, ksize, strides, padding, data_format or "NDHWC", 3)


def max_pool3d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NDHWC",  # noqa: A002
               name: Any = None) -> Tensor:
    """tf.nn.max_pool3d: 3-D max pooling over [N, D, H, W, C]."""
    _no_half(input, "tf.nn.max_pool3d", "MaxPool3D")
    return _pool("tf.nn.max_pool3d", "MaxPool3D", "max", input, ksize, strides, padding, data_format or "NDHWC", 3)


# -- normalisation and losses ---------------------------------------------------------------------
# TF's RsqrtGrad: 0 where the upstream gradient is 0 (not 0 * inf = NaN)
_rsqrt_tf = zero_upstream_vjp(jax.lax.rsqrt, lambda x, y: -0.5 * (y * y * y))


def _bn_impl(x, mean, var, *rest, eps, has_offset, has_scale):
    it = iter(rest)
    offset = next(it) if has_offset else None
    scale = next(it) if has_scale else None
    # -0.0 + 0.0 is +0.0 (rsqrt +inf, as TF), but XLA folds ``var + 0`` to ``var``: add a (gradient-free) +0.0
    # that XLA cannot see is zero
    s = var + jnp.asarray(eps, var.dtype)
    s = s + jax.lax.stop_gradient(jnp.where(s == 0, jnp.abs(s) - s, jnp.zeros_like(s)))
    inv = _rsqrt_tf(s)
    if scale is not None:
        inv = inv * scale
    return x * inv.astype(x.dtype) + (offset - mean * inv if offset is not None else -mean * inv).astype(x.dtype)


def batch_normalization(x: Any, mean: Any, variance: Any, offset: Any, scale: Any, variance_epsilon: Any,
                        name: Any = None) -> Tensor:
    """tf.nn.batch_normalization: ``scale * (x - mean) / sqrt(variance + variance_epsilon) + offset``
    (TF's formula: x * inv + (offset - mean * inv)); ``offset``/``scale`` may be None."""
    xt = _t(x)
    parts = [xt] + [v if isinstance(v, Tensor) else convert_to_tensor(v, dtype=xt.dtype)
                    for v in (mean, variance, offset, scale) if v is not None]
    for p in parts[1:]:
        if hasattr(p, "array") and p.array.dtype != xt.array.dtype:
            from .elementwise import dtype_error

            raise dtype_error("tf.nn.batch_normalization", "Mul", 1, xt.array.dtype, p.array.dtype)
    _check(xt, FLOAT, "tf.nn.batch_normalization", "Rsqrt")
    return run(_bn_impl, tuple(parts), "tf.nn.batch_normalization", eps=float(variance_epsilon),
               has_offset=offset is not None, has_scale=scale is not None)


def _wce_impl(labels, logits, pos_weight):
    log_weight = 1 + (pos_weight - 1) * labels
    # abs_real_tf: TF's Abs gradient (0 at 0)
    return (1 - labels) * logits + log_weight * (jnp.log1p(jnp.exp(-abs_real_tf(logits))) + jax.nn.relu(-logits))


def weighted_cross_entropy_with_logits(labels: Any, logits: Any, pos_weight: Any, name: Any = None) -> Tensor:
    """tf.nn.weighted_cross_entropy_with_logits: sigmoid cross entropy with the positive term weighted by
    ``pos_weight``."""
    lg = _t(logits)
    lb = labels if isinstance(labels, Tensor) else convert_to_tensor(labels, dtype=lg.dtype)
    pw = pos_weight if isinstance(pos_weight, Tensor) else convert_to_tensor(pos_weight, dtype=lb.dtype)
    if lb.array.shape != lg.array.shape:
        raise ValueError(f"logits and labels must have the same shape, received ({lg.shape} vs {lb.shape}).")
    from .elementwise import dtype_error

    if pw.array.dtype != lb.array.dtype:  # TF: log_weight = 1 + (pos_weight - 1) * labels first
        raise dtype_error("tf.nn.weighted_cross_entropy_with_logits", "Mul", 1, pw.array.dtype, lb.array.dtype)
    if lg.array.dtype != lb.array.dtype:
        raise dtype_error("tf.nn.weighted_cross_entropy_with_logits", "Mul", 1, lb.array.dtype, lg.array.dtype)
    _check(lg, FLOAT, "tf.nn.weighted_cross_entropy_with_logits", "Log1p")
    return run(_wce_impl, (lb, lg, pw), "tf.nn.weighted_cross_entropy_with_logits")


def _poisson_impl(t, li, full):
    out = jnp.exp(li) - li * t
    if full:  # TF: Stirling's term except where 0 <= targets <= 1 (NaN for negative targets, as TF)
        stirling = t * jnp.log(t) - t + 0.5 * jnp.log(2 * np.pi * t)
        out = out + jnp.where((t >= 0) & (t <= 1), jnp.zeros_like(t), stirling)
    return out


def log_poisson_loss(targets: Any, log_input: Any, compute_full_loss: bool = False, name: Any = None) -> Tensor:
    """tf.nn.log_poisson_loss: ``exp(log_input) - log_input * targets`` (+ Stirling's term for targets > 1
    with ``compute_full_loss``)."""
    li = _t(log_input)
    t = targets if isinstance(targets, Tensor) else convert_to_tensor(targets, dtype=li.dtype)
    if t.array.shape != li.array.shape:
        raise ValueError(f"log_input and targets must have the same shape ({li.shape} vs {t.shape})")
    _same(li, t, "tf.nn.log_poisson_loss", "Mul")
    return run(_poisson_impl, (t, li), "tf.nn.log_poisson_loss", full=bool(compute_full_loss))


def _norm_moments_impl(counts, mean_ss, var_ss, *shift):
    divisor = 1 / counts
    shifted = mean_ss * divisor
    mean = shifted + shift[0] if shift else shifted
    return mean, var_ss * divisor - shifted * shifted


def normalize_moments(counts: Any, mean_ss: Any, variance_ss: Any, shift: Any, name: Any = None) -> tuple:
    """tf.nn.normalize_moments: (mean, variance) from sufficient statistics."""
    m = _t(mean_ss)
    ts = [counts, mean_ss, variance_ss] + ([] if shift is None else [shift])
    ts = [v if isinstance(v, Tensor) else convert_to_tensor(v, dtype=m.dtype) for v in ts]
    cdt = ts[0].array.dtype
    if cdt.kind in "iub" and cdt not in (np.dtype(np.int32), np.dtype(np.int16), np.dtype(np.int8)):
        from ..core import errors

        raise errors.NotFoundError(None, None, f"Could not find device for node: {{{{node Reciprocal}}}} = "
                                               f"Reciprocal[T=DT_{ts[0].dtype.name.upper()}] (tfshim: "
                                               "tf.nn.normalize_moments needs float counts)")
    for i, t in enumerate(ts[1:], 1):
        if t.array.dtype != cdt:
            from .elementwise import dtype_error

            raise dtype_error("tf.nn.normalize_moments", "Mul", i, cdt, t.array.dtype)
    return tuple(run(_norm_moments_impl, tuple(ts), "tf.nn.normalize_moments"))


def _s2d_impl(x, b, to_depth, channels_first):
    if channels_first:
        x = jnp.transpose(x, (0, 2, 3, 1))
    n, h, w, c = x.shape
    if to_depth:
        y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, b * b * c)
    else:
        y = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5).reshape(n, h * b, w * b, c // (b * b))
    return jnp.transpose(y, (0, 3, 1, 2)) if channels_first else y


def _space_depth(to_depth: bool):
    op = "tf.nn.space_to_depth" if to_depth else "tf.nn.depth_to_space"
    tf_op = "SpaceToDepth" if to_depth else "DepthToSpace"

    def f(input: Any, block_size: Any, data_format: str = "NHWC", name: Any = None) -> Tensor:  # noqa: A002
        x = _t(input)
        b = int(block_size)
        if b < 2:
            raise invalid(tf_op, f"Value for attr 'block_size' of {b} must be at least minimum 2")
        if x.array.ndim != 4:
            raise invalid(tf_op, f"input rank should be: 4 instead of: {x.array.ndim}")
        cf = (data_format or "NHWC") == "NCHW"
        shp = x.array.shape
        h, w, c = (shp[2], shp[3], shp[1]) if cf else shp[1:]
        if to_depth and (h % b or w % b):
            raise invalid(tf_op, f"Image width {w} and height {h} should be divisible by block_size: {b}")
        if not to_depth and c % (b * b):
            raise invalid(tf_op, f"Input depth dimension {c} should be divisible by: {b * b}")
        return run(_s2d_impl, (x,), op, b=b, to_depth=to_depth, channels_first=cf)

    f.__name__ = op.rpartition(".")[2]
    f.__doc__ = (f"{op}: rearrange {'blocks of space into depth' if to_depth else 'depth into blocks of space'} "
                 "(NHWC or NCHW).")
    return f


space_to_depth = _space_depth(True)
depth_to_space = _space_depth(False)


def _crelu_impl(x, axis):
    return jnp.concatenate([jax.nn.relu(x), jax.nn.relu(-x)], axis=axis)


def crelu(features: Any, axis: int = -1, name: Any = None) -> Tensor:
    """tf.nn.crelu: ``concat([relu(x), relu(-x)], axis)``."""
    x = _t(features)
    r = x.array.ndim
    if not -r <= axis < r:
        raise invalid("ConcatV2", f"ConcatOp : Expected concatenating dimensions in the range [{-r}, {r}), but got "
                                  f"{axis}")
    return run(_crelu_impl, (x,), "tf.nn.crelu", axis=int(axis))


_TOL = {"tol": {"rtol": 1e-4, "atol": 1e-4}, "grad_tol": {"rtol": 1e-3, "atol": 1e-3}}
register(("nn.embedding_lookup",), embedding_lookup, kind="embedding_lookup", grad=False)  # TF: IndexedSlices
register(("nn.depthwise_conv2d",), depthwise_conv2d, kind="depthwise_conv2d", extra=_TOL)
register(("nn.separable_conv2d",), separable_conv2d, kind="separable_conv2d", extra=_TOL)
register(("nn.conv2d_transpose",), conv2d_transpose, kind="conv2d_transpose", extra=_TOL)
register(("nn.conv1d_transpose",), conv1d_transpose, kind="conv1d_transpose", extra=_TOL)
register(("nn.conv3d_transpose",), conv3d_transpose, kind="conv3d_transpose", extra=_TOL)
register(("nn.conv3d",), conv3d, kind="conv3d", extra=_TOL)
register(("nn.avg_pool1d",), avg_pool1d, kind="pool1d")
register(("nn.max_pool1d",), max_pool1d, kind="pool1d")
register(("nn.avg_pool3d",), avg_pool3d, kind="pool3d")
register(("nn.max_pool3d",), max_pool3d, kind="pool3d")
register(("nn.batch_normalization",), batch_normalization, kind="batch_normalization")
register(("nn.weighted_cross_entropy_with_logits",), weighted_cross_entropy_with_logits, kind="weighted_ce")
register(("nn.log_poisson_loss",), log_poisson_loss, kind="log_poisson_loss")
register(("nn.normalize_moments",), normalize_moments, kind="normalize_moments")
register(("nn.space_to_depth",), space_to_depth, kind="space_to_depth")
register(("nn.depth_to_space",), depth_to_space, kind="depth_to_space")
register(("nn.crelu",), crelu, kind="crelu")
