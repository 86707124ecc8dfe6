"""tf.nn rows: activations, softmax and cross-entropies, losses, moments, bias_add, conv, pooling, dropout.

Dtype and shape rules follow TF's CPU kernels (e.g. softmax needs a float tensor of rank >= 1,
sparse labels must be int32/int64 and in range — checked eagerly, as TF's CPU kernel does).
Difference from TF: ``data_format='NCHW'``/``'NCW'`` convolutions and pools run here (TF's CPU
kernels only implement the channels-last formats).
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core import checks, errors
from ..core import dtypes as _dt
from ..core.convert import convert_to_tensor
from ..core.dispatch import invalid, run
from ..core.tensor import Tensor, wrap
from .elementwise import COMPLEX, FLOAT, INT, coerce2, dtype_error, tf_derivative, unsupported
from .reduction import _mean, norm_axes, static_int_list
from .table import register

_REAL_ACT = FLOAT | INT


def _check(x: Tensor, allowed: frozenset, op_name: str, tf_op: str) -> None:
    if x.array.dtype not in allowed:
        raise unsupported(op_name, tf_op, x.array.dtype, allowed)


def _same(a: Tensor, b: Tensor, op_name: str, tf_op: str) -> None:
    if a.array.dtype != b.array.dtype:
        raise dtype_error(op_name, tf_op, 1, a.array.dtype, b.array.dtype)


# ---------------------------------------------------------------------------------------------
# activations


def _relu_plain(x):
    return jnp.maximum(x, jnp.zeros((), x.dtype))


def _relu6_plain(x):
    return jnp.minimum(jnp.maximum(x, jnp.zeros((), x.dtype)), jnp.asarray(6, x.dtype))


def _elu_plain(x):
    return jnp.where(x > 0, x, jnp.expm1(jnp.where(x > 0, jnp.zeros_like(x), x)))


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _selu_plain(x):
    return _SELU_SCALE * jnp.where(x > 0, x, _SELU_ALPHA * jnp.expm1(jnp.where(x > 0, jnp.zeros_like(x), x)))


def _one(x):
    return jnp.ones_like(x)


# TF's gradient kernels: ReluGrad g * (x > 0) (0 at the kink; jnp.maximum splits ties), Relu6Grad
# g * (0 < x < 6), EluGrad / SeluGrad from the output (y < 0 ? ... : g), so NaN inputs get the linear branch.
_relu_f = tf_derivative(_relu_plain, lambda x, y: jnp.where(x > 0, _one(x), jnp.zeros_like(x)))
_relu6_f = tf_derivative(_relu6_plain, lambda x, y: jnp.where((x > 0) & (x < 6), _one(x), jnp.zeros_like(x)))
_elu = tf_derivative(_elu_plain, lambda x, y: jnp.where(y < 0, y + 1, _one(x)))
_selu = tf_derivative(_selu_plain, lambda x, y: jnp.where(
    y < 0, y + np.asarray(_SELU_SCALE * _SELU_ALPHA, x.dtype), np.asarray(_SELU_SCALE, x.dtype) * _one(x)))


def _relu(x):
    return _relu_f(x) if x.dtype.kind in "fc" else _relu_plain(x)


def _relu6(x):
    return _relu6_f(x) if x.dtype.kind in "fc" else _relu6_plain(x)


def _gelu(x, approximate):
    # TF's constants: 1/sqrt(2) and 0.044715 enter at float32 precision, even for float64 inputs.
    if approximate:
        c = np.asarray(0.7978845608028654, x.dtype)
        k = np.asarray(np.float32(0.044715), x.dtype)
        return 0.5 * x * (1 + jnp.tanh(c * (x + k * x ** 3)))
    return 0.5 * x * jax.scipy.special.erfc(-x * np.asarray(np.float32(0.7071067811865476), x.dtype))


def _leaky(x, alpha):
    return jnp.where(x > 0, x, x * jnp.asarray(alpha, x.dtype))


def _silu(x, beta):
    return x * jax.nn.sigmoid(jnp.asarray(beta, x.dtype) * x)


def _act(op_name: str, tf_op: str, impl: Any, allowed: frozenset) -> Any:
    def fn(features: Any, name: Any = None) -> Tensor:
        x = convert_to_tensor(features)
        _check(x, allowed, op_name, tf_op)
        return run(impl, (x,), op_name)

    fn.__name__ = fn.__qualname__ = op_name.rpartition(".")[2]
    fn.__doc__ = f"{op_name}(features, name=None): elementwise, as TF's {tf_op}."
    return fn


relu = _act("tf.nn.relu", "Relu", _relu, _REAL_ACT)
relu6 = _act("tf.nn.relu6", "Relu6", _relu6, _REAL_ACT)
elu = _act("tf.nn.elu", "Elu", _elu, FLOAT)
selu = _act("tf.nn.selu", "Selu", _selu, FLOAT)


def gelu(features: Any, approximate: bool = False, name: Any = None) -> Tensor:
    """tf.nn.gelu: ``x * Phi(x)`` (``approximate=True``: the tanh approximation)."""
    x = convert_to_tensor(features)
    if x.array.dtype not in FLOAT:
        raise ValueError(f"tf.nn.gelu: `features.dtype` must be a floating point tensor. Received: "
                         f"features.dtype={x.dtype!r}.")
    return run(_gelu, (x,), "tf.nn.gelu", approximate=bool(approximate))


def leaky_relu(features: Any, alpha: float = 0.2, name: Any = None) -> Tensor:
    """tf.nn.leaky_relu: ``x if x > 0 else alpha * x`` (integer inputs are converted to float32, as TF)."""
    x = convert_to_tensor(features)
    if x.array.dtype.kind in "iu":
        x = run(_to_f32, (x,), "tf.nn.leaky_relu")
    _check(x, FLOAT, "tf.nn.leaky_relu", "LeakyRelu")
    # alpha is a float32 attribute of TF's kernel, so it has float32 precision for every dtype.
    return run(_leaky, (x,), "tf.nn.leaky_relu", alpha=float(np.float32(alpha)))


def _to_f32(x):
    return x.astype(jnp.float32)


def silu(features: Any, beta: float = 1.0) -> Tensor:
    """tf.nn.silu / tf.nn.swish: ``x * sigmoid(beta * x)``."""
    x = convert_to_tensor(features)
    _check(x, FLOAT | COMPLEX, "tf.nn.silu", "Sigmoid")
    return run(_silu, (x,), "tf.nn.silu", beta=float(beta))


def _softmax_impl(x, axis, log):
    return jax.nn.log_softmax(x, axis=axis) if log else jax.nn.softmax(x, axis=axis)


def _softmax(op_name: str, tf_op: str, log: bool) -> Any:
    def fn(logits: Any, axis: Any = None, name: Any = None) -> Tensor:
        x = convert_to_tensor(logits)
        _check(x, FLOAT, op_name, tf_op)
        rank = x.array.ndim
        if rank < 1:
            raise invalid(op_name, f"logits must have >= 1 dimension, got {list(x.array.shape)} [Op:{tf_op}].")
        a = -1 if axis is None else static_int_list(axis, op_name)[0]
        if not -rank <= a < rank:
            raise invalid(op_name, f"`dim` must be in the range [{-rank}, {rank}) where {rank} is the number of "
                                   f"dimensions in the input. Received: dim={a}.")
        return run(_softmax_impl, (x,), op_name, axis=a % rank, log=log)

    fn.__name__ = fn.__qualname__ = op_name.rpartition(".")[2]
    fn.__doc__ = f"{op_name}(logits, axis=None, name=None): {'log ' if log else ''}softmax along ``axis`` (default -1)."
    return fn


softmax = _softmax("tf.nn.softmax", "Softmax", False)
log_softmax = _softmax("tf.nn.log_softmax", "LogSoftmax", True)


# ---------------------------------------------------------------------------------------------
# losses


def _sigmoid_ce(labels, logits):
    # TF's formulation: where(x >= 0, x, 0) - x * z + log1p(exp(where(x >= 0, -x, x))), so at x = 0 the gradient
    # is 1 - z - 0.5 (jnp.abs and jnp.maximum would split the kink)
    zero = jnp.zeros_like(logits)
    cond = logits >= zero
    return jnp.where(cond, logits, zero) - logits * labels + jnp.log1p(jnp.exp(jnp.where(cond, -logits, logits)))


def sigmoid_cross_entropy_with_logits(labels: Any = None, logits: Any = None, name: Any = None) -> Tensor:
    """tf.nn.sigmoid_cross_entropy_with_logits: ``max(x, 0) - x * z + log(1 + exp(-|x|))``, elementwise."""
    op_name = "tf.nn.sigmoid_cross_entropy_with_logits"
    if labels is None or logits is None:
        raise ValueError(f"{op_name}: Both `labels` and `logits` must be provided.")
    lg, lb = coerce2(logits, labels)
    if lb.array.dtype != lg.array.dtype:
        raise dtype_error(op_name, "Mul", 1, lg.array.dtype, lb.array.dtype)
    if lg.array.shape != lb.array.shape:
        raise ValueError(f"{op_name}: `logits` and `labels` must have the same shape, received "
                         f"({tuple(lg.array.shape)} vs {tuple(lb.array.shape)}).")
    _check(lg, FLOAT, op_name, "Exp")
    return run(_sigmoid_ce, (lb, lg), op_name)


def _softmax_ce_plain(labels, logits, axis):
    logp = jax.nn.log_softmax(logits, axis=axis)
    return -jnp.sum(labels * logp, axis=axis)


_softmax_ce_tf = jax.custom_jvp(_softmax_ce_plain, nondiff_argnums=(2,))


@_softmax_ce_tf.defjvp
def _softmax_ce_jvp(axis, primals, tangents):
    # TF's kernel gradient: softmax(logits) - labels for the logits (exact only when labels sum to 1, which TF
    # assumes) and -log_softmax(logits) for the labels.
    (labels, logits), (tl, tx) = primals, tangents
    logp = jax.nn.log_softmax(logits, axis=axis)
    out = -jnp.sum(labels * logp, axis=axis)
    return out, jnp.sum((jnp.exp(logp) - labels) * tx, axis=axis) - jnp.sum(logp * tl, axis=axis)


def _softmax_ce(labels, logits, axis):
    labels, logits = jnp.broadcast_arrays(labels, logits)
    return _softmax_ce_tf(labels, logits, axis)


def softmax_cross_entropy_with_logits(labels: Any, logits: Any, axis: int = -1, name: Any = None) -> Tensor:
    """tf.nn.softmax_cross_entropy_with_logits: ``-sum(labels * log_softmax(logits), axis)``; labels are cast to
    the logits' dtype and broadcast against them, as TF."""
    op_name = "tf.nn.softmax_cross_entropy_with_logits"
    lg = convert_to_tensor(logits)
    _check(lg, FLOAT, op_name, "SoftmaxCrossEntropyWithLogits")
    lb = convert_to_tensor(labels)
    if lb.array.dtype != lg.array.dtype:
        from .math import cast

        lb = cast(lb, lg.dtype)
    rank = lg.array.ndim
    if rank < 1:
        raise invalid(op_name, f"logits must be at least 1-D, got shape {list(lg.array.shape)}.")
    a = static_int_list(axis, op_name)[0]
    if not -rank <= a < rank:
        raise invalid(op_name, f"axis {a} is out of range for logits of rank {rank}.")
    try:
        np.broadcast_shapes(lb.array.shape, lg.array.shape)
        if lb.array.ndim > rank:
            raise ValueError
    except ValueError:
        raise invalid(op_name, f"logits and labels must be broadcastable: logits_size={list(lg.array.shape)} "
                               f"labels_size={list(lb.array.shape)}.") from None
    return run(_softmax_ce, (lb, lg), op_name, axis=a % rank)


def _sparse_ce(labels, logits):
    logp = jax.nn.log_softmax(logits, axis=-1)
    return -jnp.take_along_axis(logp, labels[..., None].astype(jnp.int32), axis=-1)[..., 0]


def sparse_softmax_cross_entropy_with_logits(labels: Any, logits: Any, name: Any = None) -> Tensor:
    """tf.nn.sparse_softmax_cross_entropy_with_logits: ``-log_softmax(logits)[label]`` per example.

    An out-of-range label raises InvalidArgumentError (as TF's CPU kernel), eagerly or, inside a traced
    program, when it runs (``core/checks.py``).
    """
    op_name = "tf.nn.sparse_softmax_cross_entropy_with_logits"
    lb = convert_to_tensor(labels)
    lg = convert_to_tensor(logits)
    if lb.array.dtype not in (np.int32, np.int64):
        raise invalid(op_name, f"Value for attr 'Tlabels' of {lb.dtype.name} is not in the list of allowed values: "
                               "int32, int64 (cast the labels with tf.cast).")
    _check(lg, FLOAT, op_name, "SparseSoftmaxCrossEntropyWithLogits")
    if lb.array.ndim != lg.array.ndim - 1:
        raise ValueError(f"{op_name}: `labels.shape.rank` must equal `logits.shape.rank - 1`. Received: "
                         f"labels.shape={tuple(lb.array.shape)} of rank {lb.array.ndim} and "
                         f"logits.shape={tuple(lg.array.shape)} of rank {lg.array.ndim}.")
    if lb.array.shape != lg.array.shape[:-1]:
        raise invalid(op_name, f"logits and labels must have the same first dimensions, got logits shape "
                               f"{list(lg.array.shape)} and labels shape {list(lb.array.shape)}.")
    if not isinstance(lb.array, jax.core.Tracer):
        v = np.asarray(lb.array)
        n = lg.array.shape[-1]
        bad = v[(v < 0) | (v >= n)]
        if bad.size:
            raise invalid(op_name, f"Received a label value of {bad.flat[0]} which is outside the valid range of "
                                   f"[0, {n}).")
    elif checks.active():  # traced (tf.function, Dataset.map, fit): checked when the program runs
        n = lg.array.shape[-1]
        ok = (lb.array >= 0) & (lb.array < n)
        _, bad = checks.first_bad(ok, lb.array)
        checks.require(ok, errors.InvalidArgumentError,
                       f"{op_name}: Received a label value of {{bad}} which is outside the valid range of [0, {n}).",
                       bad=bad)
    return run(_sparse_ce, (lb, lg), op_name)


def _l2_loss(t):
    return jnp.sum(t * t) / 2


def l2_loss(t: Any, name: Any = None) -> Tensor:
    """tf.nn.l2_loss: ``sum(t ** 2) / 2``."""
    x = convert_to_tensor(t)
    _check(x, FLOAT, "tf.nn.l2_loss", "L2Loss")
    return run(_l2_loss, (x,), "tf.nn.l2_loss")


# ---------------------------------------------------------------------------------------------
# bias_add, moments


def _bias_add(v, b, channels_first):
    if channels_first:
        return v + b.reshape((b.shape[0],) + (1,) * (v.ndim - 2))
    return v + b


def bias_add(value: Any, bias: Any, data_format: Any = None, name: Any = None) -> Tensor:
    """tf.nn.bias_add: add a 1-D ``bias`` along the channel axis (last, or axis 1 for 'NC...' formats)."""
    op_name = "tf.nn.bias_add"
    v, b = coerce2(value, bias)
    _same(v, b, op_name, "BiasAdd")
    _check(v, FLOAT | COMPLEX | INT, op_name, "BiasAdd")
    if v.array.ndim < 2:
        raise invalid(op_name, f"Input tensor must be at least 2D: {list(v.array.shape)}.")
    if b.array.ndim != 1:
        raise invalid(op_name, f"Biases must be 1D: {list(b.array.shape)}.")
    cf = data_format is not None and str(data_format).startswith("NC")
    if data_format is not None and not cf and not str(data_format).startswith("N"):
        raise ValueError(f"{op_name}: data_format must start with 'N', got {data_format!r}.")
    ch = v.array.shape[1] if cf else v.array.shape[-1]
    if b.array.shape[0] != ch:
        raise invalid(op_name, f"Must provide as many biases as the {'channel' if cf else 'last'} dimension of the "
                               f"input tensor: {list(b.array.shape)} vs. {list(v.array.shape)}.")
    return run(_bias_add, (v, b), op_name, channels_first=cf)


def _moments(x, axes, keepdims):
    low = x.dtype in (np.float16, _dt.bfloat16._np)
    y = x.astype(jnp.float32) if low else x
    mean = _mean(y, axes, True)
    d = y - jax.lax.stop_gradient(mean)
    var = _mean(d * d, axes, keepdims)
    if not keepdims:
        mean = jnp.squeeze(mean, axis=axes)
    if low:
        mean, var = mean.astype(x.dtype), var.astype(x.dtype)
    return mean, var


_MOMENTS_DTYPES = FLOAT | COMPLEX | frozenset({np.dtype(np.int32), np.dtype(np.int64)})


def moments(x: Any, axes: Any, shift: Any = None, keepdims: bool = False, name: Any = None) -> tuple:
    """tf.nn.moments: (mean, variance) over ``axes`` (``shift`` is ignored, as in TF 2; float16 is computed in
    float32)."""
    t = convert_to_tensor(x)
    if t.array.dtype not in _MOMENTS_DTYPES:  # TF's SquaredDifference kernel types
        raise unsupported("tf.nn.moments", "SquaredDifference", t.array.dtype, _MOMENTS_DTYPES)
    ax = norm_axes(t, axes, "tf.nn.moments")
    if ax is None:
        ax = tuple(range(t.array.ndim))
    return run(_moments, (t,), "tf.nn.moments", axes=ax, keepdims=bool(keepdims))


# ---------------------------------------------------------------------------------------------
# convolution and pooling


def _spatial_list(v: Any, n: int, name: str, op_name: str, allow_lengths: tuple) -> tuple:
    """TF's strides/dilations/ksize argument → n spatial values (int, length-n, or full length n+2)."""
    if isinstance(v, Tensor):
        v = static_int_list(v, op_name, name)
    if isinstance(v, (int, np.integer)):
        return (int(v),) * n
    v = [int(i) for i in v]
    if len(v) == 1 and 1 in allow_lengths:
        return (v[0],) * n
    if len(v) == n:
        return tuple(v)
    if len(v) == n + 2:
        return tuple(v)
    raise ValueError(f"{op_name}: {name} should be of length {', '.join(map(str, allow_lengths))}. "
                     f"Received: {name}={v} of length {len(v)}.")


def _split_full(v: tuple, n: int, channels_first: bool, name: str, op_name: str, what: str) -> tuple:
    if len(v) != n + 2:
        return v
    outer = (v[0], v[1]) if channels_first else (v[0], v[-1])
    if outer != (1, 1):
        raise errors.UnimplementedError(None, None, f"{op_name}: Current implementation does not yet support "
                                                    f"{name} in the batch and depth dimensions ({what}).")
    return tuple(v[2:]) if channels_first else tuple(v[1:-1])


def _padding(padding: Any, n: int, channels_first: bool, op_name: str, tf_op: str,
             explicit_ok: bool = True) -> Any:
    if isinstance(padding, str):
        if padding not in ("SAME", "VALID"):
            allowed = '"SAME", "VALID", "EXPLICIT"' if explicit_ok else '"SAME", "VALID"'
            raise invalid(op_name, f"Value for attr 'padding' of \"{padding}\" is not in the list of allowed values: "
                                   f"{allowed} [Op:{tf_op}].")
        return padding
    if not explicit_ok:
        raise TypeError(f"{op_name}: Expected string for argument 'padding' not {padding!r}.")
    pads = [tuple(int(i) for i in p) for p in padding]
    if len(pads) != n + 2 or any(len(p) != 2 for p in pads):
        raise ValueError(f"{op_name}: explicit padding must be a list of {n + 2} [before, after] pairs, got "
                         f"{padding!r}.")
    outer = (pads[0], pads[1]) if channels_first else (pads[0], pads[-1])
    if outer != ((0, 0), (0, 0)):
        raise invalid(op_name, "Nonzero explicit padding in the batch or depth dimensions is not supported.")
    if any(p < 0 for pair in pads for p in pair):
        raise invalid(op_name, f"All elements of explicit_paddings must be nonnegative, got {padding!r}.")
    return tuple(pads[2:]) if channels_first else tuple(pads[1:-1])


def _dims(n: int, channels_first: bool) -> tuple:
    sp = "DHW"[3 - n:] if n <= 3 else None
    if channels_first:
        return ("NC" + sp, "OI" + sp, "NC" + sp)
    return ("N" + sp + "C", sp + "IO", "N" + sp + "C")


def _conv(x, w, strides, padding, dilations, channels_first, groups, loop=False):
    n = w.ndim - 2
    dn = jax.lax.conv_dimension_numbers(x.shape, w.shape, _dims(n, channels_first))
    # TF keeps filters as [*spatial, in, out] in every data format.
    if channels_first:
        w = jnp.moveaxis(w, (-1, -2), (0, 1))
    kw = {}
    if x.dtype.kind in "iu":
        kw["preferred_element_type"] = x.dtype
    if loop and not channels_first and 1 <= n <= 3:
        sp = "DHW"[-n:]
        return loop_conv(x, w, tuple(strides), padding if isinstance(padding, str) else tuple(map(tuple, padding)),
                         tuple(dilations), ("N" + sp + "C", sp + "IO", "N" + sp + "C"))
    return jax.lax.conv_general_dilated(x, w, window_strides=strides, padding=padding, rhs_dilation=dilations,
                                        dimension_numbers=dn, feature_group_count=groups, **kw)


def _out_size(size: int, k: int, s: int, d: int, pad: Any) -> int:
    eff = (k - 1) * d + 1
    if pad == "SAME":
        return -(-size // s)
    if pad == "VALID":
        return (size - eff) // s + 1 if size >= eff else size - eff
    return (size + pad[0] + pad[1] - eff) // s + 1 if size + pad[0] + pad[1] >= eff else size + sum(pad) - eff


def _convolution(op_name: str, tf_op: str, n: int, input: Any, filters: Any, strides: Any, padding: Any,  # noqa: A002
                 data_format: str, dilations: Any) -> Tensor:
    x, w = coerce2(input, filters)
    _same(x, w, op_name, tf_op)
    _check(x, FLOAT | frozenset({np.dtype("int32")}), op_name, tf_op)
    channels_first = data_format.startswith("NC")
    lengths = (1, n, n + 2)
    st = _split_full(_spatial_list(strides, n, "strides", op_name, lengths), n, channels_first, "strides", op_name,
                     f"strides={strides}")
    dl = _split_full(_spatial_list(1 if dilations is None else dilations, n, "dilations", op_name, lengths), n,
                     channels_first, "dilations", op_name, f"dilations={dilations}")
    pad = _padding(padding, n, channels_first, op_name, tf_op)
    if w.array.ndim != n + 2:
        raise invalid(op_name, f"filter must be {n + 2}-dimensional: {list(w.array.shape)}.")
    xs = x.array.shape
    if len(xs) < n + 2:
        raise invalid(op_name, f"convolution input must be {n + 2}-dimensional: {list(xs)}.")
    batch = xs[:len(xs) - n - 1]
    if len(batch) > 1:  # TF folds extra leading batch axes
        from .array import reshape

        flat = reshape(x, (-1,) + tuple(xs[len(batch):]))
        out = _convolution(op_name, tf_op, n, flat, w, strides, padding, data_format, dilations)
        return reshape(out, tuple(batch) + tuple(out.array.shape[1:]))
    cin = xs[1] if channels_first else xs[-1]
    fin = w.array.shape[-2]
    if fin == 0 or cin % fin:
        raise invalid(op_name, f"input depth must be evenly divisible by filter depth: {cin} vs {fin}.")
    groups = cin // fin
    if w.array.shape[-1] % groups:
        raise invalid(op_name, f"filter output depth {w.array.shape[-1]} is not divisible by the number of groups "
                               f"{groups}.")
    spatial = xs[2:] if channels_first else xs[1:-1]
    for i in range(n):
        o = _out_size(spatial[i], w.array.shape[i], st[i], dl[i], pad if isinstance(pad, str) else pad[i])
        if o < 0:
            raise invalid(op_name, f"Computed output size would be negative: {o} [input_size: {spatial[i]}, "
                                   f"effective_filter_size: {(w.array.shape[i] - 1) * dl[i] + 1}, stride: {st[i]}].")
    if any(s > 1 for s in st) and any(d > 1 for d in dl):
        pass  # TF's conv2d accepts both on CPU; XLA too.
    kw = {"loop": True} if use_loop_conv(x, groups) else {}
    return run(_conv, (x, w), op_name, strides=st, padding=pad, dilations=dl, channels_first=channels_first,
               groups=groups, **kw)


def conv2d(input: Any, filters: Any, strides: Any, padding: Any, data_format: str = "NHWC",  # noqa: A002
           dilations: Any = None, name: Any = None) -> Tensor:
    """tf.nn.conv2d: 2-D convolution of ``input`` [N, H, W, C] with ``filters`` [kh, kw, C_in, C_out].

    ``padding`` is 'SAME', 'VALID' or explicit [[0, 0], [t, b], [l, r], [0, 0]]; strides/dilations are an int or
    a list of 1, 2 or 4; input depth a multiple of C_in gives a grouped convolution, as TF.
    """
    return _convolution("tf.nn.conv2d", "Conv2D", 2, input, filters, strides, padding, data_format or "NHWC",
                        dilations)


def conv1d(input: Any, filters: Any, stride: Any, padding: Any, data_format: str = "NWC",  # noqa: A002
           dilations: Any = None, name: Any = None) -> Tensor:
    """tf.nn.conv1d: 1-D convolution of ``input`` [N, W, C] with ``filters`` [k, C_in, C_out]."""
    df = data_format or "NWC"
    if df not in ("NWC", "NCW"):
        raise ValueError(f"tf.nn.conv1d: data_format must be 'NWC' or 'NCW', got {data_format!r}.")
    return _convolution("tf.nn.conv1d", "Conv2D", 1, input, filters, stride, padding, df, dilations)


def _tile_view(x: Any, window: tuple, channels_first: bool) -> Any:
    """``x`` cropped to whole windows and viewed as (..., window elements)."""
    _, perm, tshape, cshape = _tile_meta(x.shape, window, channels_first)
    xc = x[tuple(slice(0, c) for c in cshape)]
    v = xc.reshape(tshape).transpose(perm)
    return v.reshape(v.shape[: len(perm) - len(window)] + (-1,))


@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2))
def tiled_max_pool(x: Any, window: tuple, channels_first: bool) -> Any:
    """Max pooling whose windows tile the input (stride == window, VALID): a reshape and a max, with a
    gradient that goes to the first maximum of each window, as TF's MaxPoolGrad. XLA:CPU runs this much
    faster than reduce_window's select-and-scatter gradient (20x on a 2x2 pool of a conv feature map)."""
    return _tile_view(x, window, channels_first).max(axis=-1)


def _tiled_fwd(x: Any, window: tuple, channels_first: bool) -> tuple:
    v = _tile_view(x, window, channels_first)
    return v.max(axis=-1), (jnp.argmax(v, axis=-1), x)


def _tiled_bwd(window: tuple, channels_first: bool, res: tuple, g: Any) -> tuple:
    arg, x = res
    shape = x.shape
    k = int(np.prod(window))
    gv = jax.nn.one_hot(arg, k, dtype=g.dtype) * g[..., None]
    _, perm, tshape, cshape = _tile_meta(shape, window, channels_first)
    inv = np.argsort(perm)
    full = gv.reshape(tuple(tshape[p] for p in perm)).transpose(inv).reshape(cshape)
    pads = [(0, s - c) for s, c in zip(shape, cshape)]
    return (jnp.pad(full, pads),)


def _tile_meta(shape: tuple, window: tuple, channels_first: bool) -> tuple:
    nd = len(window)
    sp = list(range(2, 2 + nd)) if channels_first else list(range(1, 1 + nd))
    tshape: list = []
    outer: list = []
    inner: list = []
    cshape = []
    for a, s in enumerate(shape):
        if a in sp:
            k = window[sp.index(a)]
            outer.append(len(tshape))
            inner.append(len(tshape) + 1)
            tshape += [s // k, k]
            cshape.append((s // k) * k)
        else:
            outer.append(len(tshape))
            tshape.append(s)
            cshape.append(s)
    return None, outer + inner, tshape, tuple(cshape)


tiled_max_pool.defvjp(_tiled_fwd, _tiled_bwd)


def tiles(x: Any, window: tuple, strides: tuple, pads: Any) -> bool:
    """Whether a max pool can use ``tiled_max_pool``: float input, stride == window, no padding."""
    return (x.dtype.kind == "f" and tuple(window) == tuple(strides)
            and all(p == (0, 0) for p in pads) and all(k >= 1 for k in window))


@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3, 4, 5))
def loop_conv(x: Any, w: Any, strides: tuple, padding: Any, dilation: tuple, specs: tuple) -> Any:
    """``lax.conv_general_dilated`` whose kernel gradient is an explicit patches x gradient matmul.

    XLA:CPU compiles the kernel-gradient convolution inside a while/scan body about 25x slower than the
    same convolution outside a loop; the matmul form runs at full speed there. Used for convolutions traced
    inside AutoGraph's staged loops (``state.staged_loops``); ``specs`` = (lhs, rhs, out) layout strings,
    the kernel's being spatial + "IO"."""
    return jax.lax.conv_general_dilated(x, w, strides, padding, rhs_dilation=dilation, dimension_numbers=specs)


def _loop_conv_fwd(x: Any, w: Any, strides: tuple, padding: Any, dilation: tuple, specs: tuple) -> tuple:
    return loop_conv(x, w, strides, padding, dilation, specs), (x, w)


def _loop_conv_bwd(strides: tuple, padding: Any, dilation: tuple, specs: tuple, res: tuple, g: Any) -> tuple:
    x, w = res
    _, vjp_x = jax.vjp(lambda a: jax.lax.conv_general_dilated(a, w, strides, padding, rhs_dilation=dilation,
                                                              dimension_numbers=specs), x)
    nd = w.ndim - 2
    patches = jax.lax.conv_general_dilated_patches(x, w.shape[:nd], strides, padding, rhs_dilation=dilation,
                                                   dimension_numbers=specs)
    c_axis = specs[2].index("C")
    p2 = jnp.moveaxis(patches, c_axis, -1).reshape(-1, patches.shape[c_axis])
    g2 = jnp.moveaxis(g, c_axis, -1).reshape(-1, g.shape[c_axis])
    dw = jnp.dot(p2.T, g2, precision=jax.lax.Precision.HIGHEST, preferred_element_type=jnp.float32)
    cin, cout = w.shape[nd], w.shape[nd + 1]
    dw = dw.reshape((cin,) + w.shape[:nd] + (cout,))
    dw = jnp.moveaxis(dw, 0, nd).astype(w.dtype)
    return vjp_x(g)[0], dw


loop_conv.defvjp(_loop_conv_fwd, _loop_conv_bwd)


def use_loop_conv(x: Any, groups: int) -> bool:
    """Whether a convolution being traced should use ``loop_conv`` (inside a staged loop, float, ungrouped)."""
    from ..core import state

    return bool(state.staged_loops) and groups == 1 and x.dtype.is_floating


def _pool_impl(x, ksize, strides, padding, channels_first, kind):
    n = len(ksize)
    if channels_first:
        win, st = (1, 1) + ksize, (1, 1) + strides
    else:
        win, st = (1,) + ksize + (1,), (1,) + strides + (1,)
    if isinstance(padding, str):
        pads = jax.lax.padtype_to_pads(x.shape, win, st, padding)
    else:
        pads = ((0, 0), (0, 0)) + padding if channels_first else ((0, 0),) + padding + ((0, 0),)
    if kind == "max" and tiles(x, ksize, strides, pads[2:] if channels_first else pads[1:-1]):
        return tiled_max_pool(x, tuple(ksize), channels_first)
    if kind == "max":
        # NumPy init values let JAX recognise the (differentiable) max / sum window reductions.
        # TF's (Eigen) kernel starts from the lowest finite value and keeps an element only if it compares
        # greater: NaN is skipped, and a window of NaN / -inf gives the lowest finite value.
        # (-inf as the init value lets JAX recognise the differentiable max window reduction.)
        if x.dtype.kind == "f":
            x = jnp.where(jnp.isnan(x), jnp.asarray(-np.inf, x.dtype), x)
            out = jax.lax.reduce_window(x, np.array(-np.inf, x.dtype), jax.lax.max, win, st, pads)
            return jnp.where(out == -np.inf, jnp.asarray(jnp.finfo(x.dtype).min, x.dtype), out)
        return jax.lax.reduce_window(x, np.array(np.iinfo(x.dtype).min, x.dtype), jax.lax.max, win, st, pads)
    s = jax.lax.reduce_window(x, np.zeros((), x.dtype), jax.lax.add, win, st, pads)
    cpads = pads[2:] if channels_first else pads[1:-1]
    ones = np.ones(x.shape[2:] if channels_first else x.shape[1:-1], x.dtype)
    count = jax.lax.reduce_window(ones, np.zeros((), x.dtype), jax.lax.add, ksize, strides, cpads)
    count = count.reshape(count.shape if channels_first else count.shape + (1,))
    _ = n
    return s / count


def _pool(op_name: str, tf_op: str, kind: str, input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
          data_format: Any, n: int | None) -> Tensor:
    x = convert_to_tensor(input)
    rank = x.array.ndim
    if n is None:
        if rank not in (3, 4, 5):
            raise ValueError(f"{op_name}: `input.shape.rank` must be 3, 4 or 5. Received: "
                             f"input.shape={tuple(x.array.shape)} of rank {rank}.")
        n = rank - 2
    elif rank != n + 2:
        raise invalid(op_name, f"input must be {n + 2}-dimensional, got shape {list(x.array.shape)}.")
    if n == 3:  # TF's 3-D pooling kernels: half, bfloat16 and float only (no double kernel for AvgPool3D)
        low = FLOAT - {np.dtype("float64")}
        if x.array.dtype == np.float64 and kind == "avg":
            raise errors.NotFoundError(None, None, f"{op_name}: Could not find device for node AvgPool3D[T=DT_DOUBLE]"
                                                   " (cast to float32).")
        _check(x, low, op_name, tf_op + "3D")
    allowed = FLOAT if kind == "avg" else FLOAT | INT
    _check(x, allowed, op_name, tf_op)
    df = data_format or ("NWC", "NHWC", "NDHWC")[n - 1]
    channels_first = str(df).startswith("NC")
    lengths = (1, n, n + 2)
    ks = _split_full(_spatial_list(ksize, n, "ksize", op_name, lengths), n, channels_first, "ksize", op_name,
                     "Pooling is not yet supported on the batch dimension.")
    st = _split_full(_spatial_list(strides, n, "strides", op_name, lengths), n, channels_first, "strides", op_name,
                     "Pooling is not yet supported on the batch dimension.")
    pad = _padding(padding, n, channels_first, op_name, tf_op, explicit_ok=kind == "max")
    if any(int(v) <= 0 for v in st) or any(int(v) <= 0 for v in ks):
        raise invalid(op_name, f"Stride and window size must be > 0, but got strides={list(st)}, ksize={list(ks)} "
                               f"(tfshim: {op_name})")
    spatial = x.array.shape[2:] if channels_first else x.array.shape[1:-1]
    for i in range(n):
        o = _out_size(spatial[i], ks[i], st[i], 1, pad if isinstance(pad, str) else pad[i])
        if o <= 0 and not (isinstance(pad, str) and pad in ("SAME", "VALID")):
            raise invalid(op_name, f"Computed output size would be negative: {o} [input_size: {spatial[i]}, "
                                   f"effective_filter_size: {ks[i]}, stride: {st[i]}].")
    return run(_pool_impl, (x,), op_name, ksize=ks, strides=st, padding=pad, channels_first=channels_first,
               kind=kind)


def max_pool2d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",  # noqa: A002
               name: Any = None) -> Tensor:
    """tf.nn.max_pool2d: max over ``ksize`` windows of an NHWC tensor ('SAME', 'VALID' or explicit padding)."""
    return _pool("tf.nn.max_pool2d", "MaxPool", "max", input, ksize, strides, padding, data_format, 2)


def avg_pool2d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",  # noqa: A002
               name: Any = None) -> Tensor:
    """tf.nn.avg_pool2d: mean over windows; with 'SAME' padding, divides by the number of valid elements as TF."""
    return _pool("tf.nn.avg_pool2d", "AvgPool", "avg", input, ksize, strides, padding, data_format, 2)


def max_pool(input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = None,  # noqa: A002
             name: Any = None) -> Tensor:
    """tf.nn.max_pool: N-D max pooling; N is the input's rank minus 2 (1, 2 or 3)."""
    return _pool("tf.nn.max_pool", "MaxPool", "max", input, ksize, strides, padding, data_format, None)


def avg_pool(input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = None,  # noqa: A002
             name: Any = None) -> Tensor:
    """tf.nn.avg_pool: N-D average pooling; N is the input's rank minus 2 (1, 2 or 3)."""
    return _pool("tf.nn.avg_pool", "AvgPool", "avg", input, ksize, strides, padding, data_format, None)


# ---------------------------------------------------------------------------------------------
# dropout

_fallback_key: list = []


def _next_key(seed: Any) -> Any:
    """A fresh JAX key: from tf.random's global/op-seed state when available, else a local numpy-seeded stream."""
    try:
        from .random import next_key
    except ImportError:  # pragma: no cover - tf.random not there
        next_key = None
    if next_key is not None:
        return next_key(seed)
    if not _fallback_key:
        _fallback_key.append(np.random.default_rng(seed))
    return jnp.asarray(_fallback_key[0].integers(0, 2**32, size=2, dtype=np.uint32))


def _dropout(x, key, rate, noise_shape):
    keep = jax.random.uniform(key, noise_shape, jnp.float32) >= rate
    scale = np.asarray(1.0 / (1.0 - rate), x.dtype)
    return jnp.where(keep, x * scale, jnp.zeros((), x.dtype))


def dropout(x: Any, rate: Any, noise_shape: Any = None, seed: Any = None, name: Any = None) -> Tensor:
    """tf.nn.dropout: zero each element with probability ``rate``, scale the rest by ``1 / (1 - rate)``.

    Difference from TF: the random numbers differ (JAX's generator); ``seed`` follows tf.random's semantics.
    """
    op_name = "tf.nn.dropout"
    t = convert_to_tensor(x)
    if t.array.dtype not in FLOAT:
        raise ValueError(f"{op_name}: `x.dtype` must be a floating point tensor as `x` will be scaled. Received: "
                         f"x_dtype={t.dtype!r}.")
    if isinstance(rate, Tensor) or hasattr(type(rate), "__tf_tensor__"):
        rv = convert_to_tensor(rate)
        if isinstance(rv.array, jax.core.Tracer):
            raise TypeError(f"{op_name}: a traced `rate` is not supported; pass a Python float.")
        r = float(np.asarray(rv.array))
    else:
        try:
            r = float(rate)
        except (TypeError, ValueError):
            raise ValueError(f"{op_name}: `rate` must be a scalar tensor or a float in the range [0, 1). "
                             f"Received: rate={rate!r}.") from None
    if not 0 <= r < 1:
        raise ValueError(f"{op_name}: `rate` must be a scalar tensor or a float in the range [0, 1). "
                         f"Received: rate={rate}.")
    shape = tuple(t.array.shape)
    if noise_shape is None:
        ns = shape
    else:
        vals = list(noise_shape.numpy()) if isinstance(noise_shape, Tensor) else list(noise_shape)
        if len(vals) != len(shape):
            raise invalid(op_name, f"noise_shape {vals} must have the same rank as x (shape {list(shape)}).")
        ns = tuple(shape[i] if v is None else int(v) for i, v in enumerate(vals))
        for i, v in enumerate(ns):
            if v != shape[i] and v != 1:
                raise invalid(op_name, f"noise_shape {list(ns)} must be broadcastable to the shape of x "
                                       f"{list(shape)}.")
    if r == 0 and not isinstance(rate, Tensor):
        from .math import identity

        return identity(t)
    key = _next_key(seed)
    return run(_dropout, (t, wrap(key)), op_name, rate=r, noise_shape=ns)


register(("nn.relu",), relu, kind="nn_act_int")
register(("nn.relu6",), relu6, kind="nn_act_int")
register(("nn.elu",), elu, kind="nn_act")
register(("nn.selu",), selu, kind="nn_act")
register(("nn.gelu",), gelu, kind="nn_gelu")
register(("nn.leaky_relu",), leaky_relu, kind="nn_leaky")
register(("nn.silu", "nn.swish"), silu, kind="nn_silu")
register(("nn.softmax", "math.softmax"), softmax, kind="softmax")
register(("nn.log_softmax", "math.log_softmax"), log_softmax, kind="softmax")
register(("nn.sigmoid_cross_entropy_with_logits",), sigmoid_cross_entropy_with_logits, kind="sigmoid_ce")
register(("nn.softmax_cross_entropy_with_logits",), softmax_cross_entropy_with_logits, kind="softmax_ce")
register(("nn.sparse_softmax_cross_entropy_with_logits",), sparse_softmax_cross_entropy_with_logits,
         kind="sparse_ce")
register(("nn.l2_loss",), l2_loss, kind="l2_loss")
register(("nn.bias_add",), bias_add, kind="bias_add")
register(("nn.moments",), moments, kind="moments")
register(("nn.conv2d",), conv2d, kind="conv2d", extra={"tol": {"rtol": 1e-4, "atol": 1e-4},
                                                       "grad_tol": {"rtol": 1e-4, "atol": 1e-4}})
register(("nn.conv1d",), conv1d, kind="conv1d", extra={"tol": {"rtol": 1e-4, "atol": 1e-4},
                                                       "grad_tol": {"rtol": 1e-4, "atol": 1e-4}})
register(("nn.max_pool2d",), max_pool2d, kind="max_pool")
register(("nn.avg_pool2d",), avg_pool2d, kind="avg_pool")
register(("nn.max_pool",), max_pool, kind="max_pool_nd")
register(("nn.avg_pool",), avg_pool, kind="avg_pool_nd")
register(("nn.dropout",), dropout)
