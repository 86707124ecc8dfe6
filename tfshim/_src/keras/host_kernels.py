"""NumPy host twins of the Keras layers' fused kernels (Dense, Conv2D, global pooling, losses).

See ``ops/host_kernels.py``: on the CPU the first sighting of a signature runs these instead of
compiling the fused XLA kernel; ``NoTwin`` sends anything they do not cover to the kernel.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..core.dispatch import NoTwin, register_host_twin, register_host_vjp
from ..ops.host_kernels import FLOATS, log_softmax, need, pick_label, plain_matmul, same, sparse_ce_vjp
from . import activations as _activations
from . import layers_kernels as _lk
from . import losses as _losses

# -- Keras fused layer kernels ---------------------------------------------------------------------------
_ACTS: dict = {None: lambda y: y}


def _act(act: Any) -> Any:
    f = _ACTS.get(act)
    if f is None:
        raise NoTwin("activation")
    return f


def _dense(x: np.ndarray, k: np.ndarray, *b: np.ndarray, act: Any) -> np.ndarray:
    f = _act(act)
    y = plain_matmul(x, k)
    if b:
        same(FLOATS, y, b[0])
        y = y + b[0]
    return f(y)


def _conv_padding(padding: Any, size: int, k: int, stride: int, dil: int) -> tuple:
    if isinstance(padding, str):
        if padding == "VALID":
            return (0, 0)
        if padding != "SAME":
            raise NoTwin("padding")
        eff = (k - 1) * dil + 1
        out = -(-size // stride)
        total = max((out - 1) * stride + eff - size, 0)
        return (total // 2, total - total // 2)
    return tuple(padding)


def _conv(x: np.ndarray, k: np.ndarray, *b: np.ndarray, strides: tuple, padding: Any, dilation: tuple, groups: int,
          channels_first: bool, act: Any) -> np.ndarray:
    f = _act(act)
    same(FLOATS, x, k)
    if k.ndim != 4 or groups != 1 or channels_first or x.ndim != 4 or x.shape[3] != k.shape[2]:
        raise NoTwin("layout")
    (kh, kw), (sh, sw), (dh, dw) = k.shape[:2], strides, dilation
    ph = _conv_padding(padding if isinstance(padding, str) else padding[0], x.shape[1], kh, sh, dh)
    pw = _conv_padding(padding if isinstance(padding, str) else padding[1], x.shape[2], kw, sw, dw)
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    oh = (xp.shape[1] - (kh - 1) * dh - 1) // sh + 1
    ow = (xp.shape[2] - (kw - 1) * dw - 1) // sw + 1
    if oh <= 0 or ow <= 0:
        raise NoTwin("empty")
    # im2col and one matmul over (kh, kw, cin): the order TF's CPU kernel sums in (bit-identical here)
    win = sliding_window_view(xp, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(1, 2))
    win = win[:, : (oh - 1) * sh + 1: sh, : (ow - 1) * sw + 1: sw, :, ::dh, ::dw]
    cols = win.transpose(0, 1, 2, 4, 5, 3).reshape(x.shape[0], oh, ow, kh * kw * x.shape[3])
    y = cols @ k.reshape(kh * kw * x.shape[3], k.shape[3])
    if b:
        same(FLOATS, y, b[0])
        y = y + b[0]
    return f(y)


def _global_pool(x: np.ndarray, kind: str, axes: tuple, keepdims: bool) -> np.ndarray:
    need(FLOATS, x)
    if x.size == 0:
        raise NoTwin("empty")
    if kind == "max":
        return np.max(x, axis=axes, keepdims=keepdims)
    return np.mean(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def _keras_sparse_ce(t: np.ndarray, p: np.ndarray, from_logits: bool, ignore_class: Any) -> np.ndarray:
    need(FLOATS, p)
    if not from_logits or ignore_class is not None or p.size == 0:
        raise NoTwin("options")
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t[..., 0]
    if t.dtype.kind == "f":
        if not np.all(np.isfinite(t)):
            raise NoTwin("labels")
        t = t.astype(np.int32)
    return pick_label(log_softmax(p, -1), t)


def _keras_reduce(*arrays: np.ndarray, reduction: Any, has_sw: bool, has_mask: bool) -> np.ndarray:
    values = arrays[0]
    need(FLOATS, values)
    if has_sw or has_mask or reduction not in ("sum", "sum_over_batch_size", "mean"):
        raise NoTwin("options")
    if values.size == 0 or values.ndim == 0:
        raise NoTwin("options")
    loss = np.sum(values, dtype=values.dtype)
    if reduction == "sum":
        return loss
    return loss / values.dtype.type(values.size)



_RELU = getattr(_activations.relu, "_jax", None)
_ACTS[_RELU] = lambda y: np.maximum(y, y.dtype.type(0))
for _impl, _twin in ((_lk._dense_impl, _dense), (_lk._conv_impl, _conv), (_lk._global_pool_impl, _global_pool),
                     (_losses._sparse_ce, _keras_sparse_ce), (_losses._reduce_impl, _keras_reduce)):
    register_host_twin(_impl, _twin)


# -- VJP twins (gradients of graphs seen once) ------------------------------------------------------------
def _act_grad(act: Any, y: np.ndarray, ct: np.ndarray) -> np.ndarray:
    if act is None:
        return ct
    if act is _RELU:
        return np.where(y > 0, ct, ct.dtype.type(0))
    raise NoTwin("activation")


def _vjp_dense(ins: list, y: np.ndarray, ct: np.ndarray, act: Any) -> tuple:
    x, k = ins[0], ins[1]
    for a in ins:
        need(FLOATS, a)
    if x.ndim < 2 or k.ndim != 2:
        raise NoTwin("rank")
    dz = _act_grad(act, y, ct)
    dx = dz @ k.T
    dk = x.reshape(-1, x.shape[-1]).T @ dz.reshape(-1, dz.shape[-1])
    grads = (dx, dk)
    if len(ins) > 2:
        grads += (np.sum(dz.reshape(-1, dz.shape[-1]), axis=0, dtype=dz.dtype),)
    return grads


def _vjp_conv(ins: list, y: np.ndarray, ct: np.ndarray, strides: tuple, padding: Any, dilation: tuple,
              groups: int, channels_first: bool, act: Any) -> tuple:
    x, k = ins[0], ins[1]
    for a in ins:
        need(FLOATS, a)
    if k.ndim != 4 or groups != 1 or channels_first:
        raise NoTwin("layout")
    dz = _act_grad(act, y, ct)
    (kh, kw, cin, cout), (sh, sw), (dh, dw) = k.shape, strides, dilation
    ph = _conv_padding(padding if isinstance(padding, str) else padding[0], x.shape[1], kh, sh, dh)
    pw = _conv_padding(padding if isinstance(padding, str) else padding[1], x.shape[2], kw, sw, dw)
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    n, oh, ow = dz.shape[:3]
    win = sliding_window_view(xp, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(1, 2))
    win = win[:, : (oh - 1) * sh + 1: sh, : (ow - 1) * sw + 1: sw, :, ::dh, ::dw]
    cols = win.transpose(0, 1, 2, 4, 5, 3).reshape(n * oh * ow, kh * kw * cin)
    dz2 = dz.reshape(n * oh * ow, cout)
    dk = (cols.T @ dz2).reshape(k.shape)
    dcols = (dz2 @ k.reshape(kh * kw * cin, cout).T).reshape(n, oh, ow, kh, kw, cin)
    dxp = np.zeros(xp.shape, x.dtype)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + (oh - 1) * sh + 1, sh)
            dxp[:, rows, j * dw: j * dw + (ow - 1) * sw + 1: sw, :] += dcols[:, :, :, i, j]
    dx = dxp[:, ph[0]: ph[0] + x.shape[1], pw[0]: pw[0] + x.shape[2], :]
    grads = (dx, dk)
    if len(ins) > 2:
        grads += (np.sum(dz2, axis=0, dtype=dz.dtype),)
    return grads


def _vjp_global_pool(ins: list, y: np.ndarray, ct: np.ndarray, kind: str, axes: tuple, keepdims: bool) -> tuple:
    x = ins[0]
    need(FLOATS, x)
    g = ct if keepdims else np.expand_dims(ct, axes)
    if kind == "max":
        yy = y if keepdims else np.expand_dims(y, axes)
        hit = (x == yy).astype(x.dtype)
        return (hit * g / np.sum(hit, axis=axes, keepdims=True, dtype=x.dtype),)
    n = x.size // max(y.size, 1)
    return (np.broadcast_to(g / x.dtype.type(n), x.shape).copy(),)


def _vjp_keras_sparse_ce(ins: list, y: np.ndarray, ct: np.ndarray, from_logits: bool, ignore_class: Any) -> tuple:
    t, p = ins
    need(FLOATS, p)
    if not from_logits or ignore_class is not None:
        raise NoTwin("options")
    labels = t[..., 0] if t.ndim == p.ndim and t.shape[-1] == 1 else t
    if labels.dtype.kind == "f":
        labels = labels.astype(np.int32)
    return None, sparse_ce_vjp(p, labels, ct)


def _vjp_keras_reduce(ins: list, y: np.ndarray, ct: np.ndarray, reduction: Any, has_sw: bool,
                      has_mask: bool) -> tuple:
    values = ins[0]
    need(FLOATS, values)
    if has_sw or has_mask or reduction not in ("sum", "sum_over_batch_size", "mean") or values.ndim == 0 \
            or values.size == 0:
        raise NoTwin("options")
    g = ct if reduction == "sum" else ct / values.dtype.type(values.size)
    return (np.full(values.shape, g, values.dtype),)


for _impl, _vjp in ((_lk._dense_impl, _vjp_dense), (_lk._conv_impl, _vjp_conv),
                    (_lk._global_pool_impl, _vjp_global_pool), (_losses._sparse_ce, _vjp_keras_sparse_ce),
                    (_losses._reduce_impl, _vjp_keras_reduce)):
    register_host_vjp(_impl, _vjp)
