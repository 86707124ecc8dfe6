"""Fused JAX kernels for the built-in layers, each run as ONE dispatched op (so the tape and
tf.function see it, and the eager path pays one dispatch per layer). Static attributes are hashable."""

from __future__ import annotations

import math
from typing import Any, Callable

import jax
import jax.numpy as jnp
from jax import lax

from ..core.convert import convert_to_tensor
from ..core.dispatch import run
from ..core.tensor import Tensor
from ..ops.nn import loop_conv, tiled_max_pool, use_loop_conv
from . import activations as _act


def _apply(y, act):
    return y if act is None else act(y)


# -- dense ---------------------------------------------------------------------------------------
def _dense_impl(x, k, *b, act):
    y = jnp.matmul(x, k)
    if b:
        y = y + b[0]
    return _apply(y, act)


def dense(x: Tensor, kernel: Any, bias: Any, activation: Callable | None) -> Tensor:
    """``activation(x @ kernel + bias)`` as one op (a custom activation runs as its own op after)."""
    act = _act.jax_fn(activation)
    ins = (x, convert_to_tensor(kernel)) + ((convert_to_tensor(bias),) if bias is not None else ())
    y = run(_dense_impl, ins, "tf.keras.layers.Dense", act=act)
    return y if act is not None or activation in (None, _act.linear) else activation(y)


# -- convolution -----------------------------------------------------------------------------------
def _conv_impl(x, k, *b, strides, padding, dilation, groups, channels_first, act, loop=False):
    nd = k.ndim - 2
    sp = "DHW"[-nd:] if nd <= 3 else None
    lhs = ("NC" + sp) if channels_first else ("N" + sp + "C")
    if loop and sp is not None:
        y = loop_conv(x, k, tuple(strides), padding if isinstance(padding, str) else tuple(map(tuple, padding)),
                      tuple(dilation), (lhs, sp + "IO", lhs))
    else:
        dn = lax.conv_dimension_numbers(x.shape, k.shape, (lhs, sp + "IO", lhs))
        y = lax.conv_general_dilated(x, k, window_strides=strides, padding=padding, rhs_dilation=dilation,
                                     dimension_numbers=dn, feature_group_count=groups)
    if b:
        shape = (1, -1) + (1,) * nd if channels_first else (1,) * (nd + 1) + (-1,)
        y = y + b[0].reshape(shape)
    return _apply(y, act)


def conv(x: Tensor, kernel: Any, bias: Any, *, strides: tuple, padding: Any, dilation: tuple, groups: int,
         channels_first: bool, activation: Callable | None, name: str) -> Tensor:
    act = _act.jax_fn(activation)
    ins = (x, convert_to_tensor(kernel)) + ((convert_to_tensor(bias),) if bias is not None else ())
    y = run(_conv_impl, ins, name, strides=strides, padding=padding, dilation=dilation, groups=groups,
            channels_first=channels_first, act=act, **({"loop": True} if use_loop_conv(x, groups) else {}))
    return y if act is not None or activation in (None, _act.linear) else activation(y)


# -- pooling -------------------------------------------------------------------------------------------
def _pool_impl(x, kind, window, strides, padding, channels_first):
    nd = len(window)
    if channels_first:
        dims, st = (1, 1) + window, (1, 1) + strides
    else:
        dims, st = (1,) + window + (1,), (1,) + strides + (1,)
    spatial_in = x.shape[2:] if channels_first else x.shape[1:1 + nd]
    if (kind == "max" and padding == "VALID" and tuple(window) == tuple(strides) and x.dtype.kind == "f"
            and all(d >= w for d, w in zip(spatial_in, window))):  # empty outputs take reduce_window, as TF
        return tiled_max_pool(x, tuple(window), channels_first)
    if kind == "max":
        return lax.reduce_window(x, -jnp.inf, lax.max, dims, st, padding)
    s = lax.reduce_window(x, 0.0, lax.add, dims, st, padding)
    if padding == "VALID":
        return s / jnp.array(float(math.prod(window)), x.dtype)
    spatial = x.shape[2:] if channels_first else x.shape[1:1 + nd]
    ones = jnp.ones(spatial, x.dtype)
    counts = lax.reduce_window(ones, 0.0, lax.add, window, strides, padding)
    counts = counts[None, None] if channels_first else counts[None, ..., None]
    return s / counts


def pool(x: Tensor, kind: str, window: tuple, strides: tuple, padding: str, channels_first: bool,
         name: str) -> Tensor:
    return run(_pool_impl, (x,), name, kind=kind, window=window, strides=strides, padding=padding,
               channels_first=channels_first)


def _global_pool_impl(x, kind, axes, keepdims):
    if kind == "max":
        return jnp.max(x, axis=axes, keepdims=keepdims)
    return jnp.mean(x, axis=axes, keepdims=keepdims)


def global_pool(x: Tensor, kind: str, axes: tuple, keepdims: bool, name: str) -> Tensor:
    return run(_global_pool_impl, (x,), name, kind=kind, axes=axes, keepdims=keepdims)


# -- normalization ----------------------------------------------------------------------------------------
def _moments(x, axes):
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - lax.stop_gradient(mean)), axis=axes, keepdims=True)
    return mean, var


def _normalize(x, mean, var, gamma, beta, eps):
    inv = lax.rsqrt(var + eps)
    if gamma is not None:
        inv = inv * gamma
    y = x * inv + ((beta if beta is not None else 0) - mean * inv)
    return y


def _bn_train_impl(x, *params, axes, param_shape, eps, momentum, has_gamma, has_beta):
    gamma = params[0].reshape(param_shape) if has_gamma else None
    beta = params[int(has_gamma)].reshape(param_shape) if has_beta else None
    mm, mv = params[-2], params[-1]
    mean, var = _moments(x, axes)
    y = _normalize(x, mean, var, gamma, beta, eps)
    m, v = mean.reshape(mm.shape), var.reshape(mv.shape)
    new_mm = mm * momentum + m * (1.0 - momentum)
    new_mv = mv * momentum + v * (1.0 - momentum)
    return y, lax.stop_gradient(new_mm), lax.stop_gradient(new_mv)


def _bn_infer_impl(x, *params, param_shape, eps, has_gamma, has_beta):
    gamma = params[0].reshape(param_shape) if has_gamma else None
    beta = params[int(has_gamma)].reshape(param_shape) if has_beta else None
    mm, mv = params[-2].reshape(param_shape), params[-1].reshape(param_shape)
    return _normalize(x, mm, mv, gamma, beta, eps)


def batch_norm(x: Tensor, gamma: Any, beta: Any, moving_mean: Any, moving_var: Any, *, axes: tuple,
               param_shape: tuple, eps: float, momentum: float, training: bool) -> Any:
    ins = (x,) + tuple(convert_to_tensor(p) for p in (gamma, beta) if p is not None)
    ins += (convert_to_tensor(moving_mean), convert_to_tensor(moving_var))
    flags = dict(param_shape=param_shape, eps=eps, has_gamma=gamma is not None, has_beta=beta is not None)
    if training:
        return run(_bn_train_impl, ins, "tf.keras.layers.BatchNormalization", axes=axes, momentum=momentum,
                   **flags)
    return run(_bn_infer_impl, ins, "tf.keras.layers.BatchNormalization", **flags)


def _ln_impl(x, *params, axes, param_shape, eps, has_gamma, has_beta, rms):
    gamma = params[0].reshape(param_shape) if has_gamma else None
    beta = params[int(has_gamma)].reshape(param_shape) if has_beta else None
    if rms:
        ms = jnp.mean(jnp.square(x), axis=axes, keepdims=True)
        y = x * lax.rsqrt(ms + eps)
        return y * gamma if gamma is not None else y
    mean, var = _moments(x, axes)
    return _normalize(x, mean, var, gamma, beta, eps)


def layer_norm(x: Tensor, gamma: Any, beta: Any, *, axes: tuple, param_shape: tuple, eps: float,
               rms: bool = False) -> Tensor:
    ins = (x,) + tuple(convert_to_tensor(p) for p in (gamma, beta) if p is not None)
    return run(_ln_impl, ins, "tf.keras.layers.LayerNormalization", axes=axes, param_shape=param_shape, eps=eps,
               has_gamma=gamma is not None, has_beta=beta is not None, rms=rms)


# -- dropout ----------------------------------------------------------------------------------------------
def _dropout_impl(key, x, rate, noise_shape):
    shape = tuple(x.shape[i] if d is None else d for i, d in enumerate(noise_shape)) if noise_shape else x.shape
    keep = jax.random.bernoulli(key, 1.0 - rate, shape)
    return jnp.where(keep, x / jnp.array(1.0 - rate, x.dtype), jnp.zeros((), x.dtype))


def dropout(x: Tensor, rate: float, noise_shape: Any, seed: Any) -> Tensor:
    from ..core.tensor import wrap
    from ..ops.random import next_key

    return run(_dropout_impl, (wrap(next_key(seed)), x), "tf.keras.layers.Dropout", rate=float(rate),
               noise_shape=noise_shape)


# -- recurrent --------------------------------------------------------------------------------------------
def _rnn_impl(x, kernel, rec, *rest, cell, act, rec_act, has_bias, return_sequences, go_backwards, reset_after):
    bias = rest[0] if has_bias else None
    init = rest[1:] if has_bias else rest
    xs = jnp.swapaxes(x, 0, 1)
    if go_backwards:
        xs = xs[::-1]
    act = act or (lambda v: v)
    rec_act = rec_act or (lambda v: v)
    if cell == "gru" and reset_after and bias is not None:
        xp = jnp.matmul(xs, kernel) + bias[0]
        rbias = bias[1]
    else:
        xp = jnp.matmul(xs, kernel)
        if bias is not None:
            xp = xp + bias
        rbias = None

    def step(carry, xt):
        if cell == "lstm":
            h, c = carry
            z = xt + h @ rec
            i, f, g, o = jnp.split(z, 4, axis=-1)
            c = rec_act(f) * c + rec_act(i) * act(g)
            h = rec_act(o) * act(c)
            return (h, c), h
        if cell == "gru":
            (h,) = carry
            xz, xr, xh = jnp.split(xt, 3, axis=-1)
            if reset_after:
                inner = h @ rec
                if rbias is not None:
                    inner = inner + rbias
                rz, rr, rh = jnp.split(inner, 3, axis=-1)
                z = rec_act(xz + rz)
                r = rec_act(xr + rr)
                hh = act(xh + r * rh)
            else:
                u = rec.shape[0]
                z = rec_act(xz + h @ rec[:, :u])
                r = rec_act(xr + h @ rec[:, u:2 * u])
                hh = act(xh + (r * h) @ rec[:, 2 * u:])
            h = z * h + (1 - z) * hh
            return (h,), h
        (h,) = carry
        h = act(xt + h @ rec)
        return (h,), h

    final, ys = lax.scan(step, tuple(init), xp)
    out = jnp.swapaxes(ys, 0, 1) if return_sequences else ys[-1]
    return (out,) + tuple(final)


def rnn(x: Tensor, kernel: Any, rec: Any, bias: Any, init: tuple, *, cell: str, activation: Callable,
        recurrent_activation: Callable | None, return_sequences: bool, go_backwards: bool,
        reset_after: bool = True) -> tuple:
    """A whole recurrent layer (all time steps, ``lax.scan``) as one op: (output, *final_states)."""
    act = _act.jax_fn(activation)
    rec_act = _act.jax_fn(recurrent_activation) if recurrent_activation is not None else None
    for f, name in ((activation, "activation"), (recurrent_activation, "recurrent_activation")):
        if f is not None and f is not _act.linear and _act.jax_fn(f) is None:
            raise NotImplementedError(
                f"tfshim's recurrent layers fuse the whole sequence into one op and need a built-in "
                f"tf.keras.activations function for `{name}`; got {f!r}."
            )
    ins = (x, convert_to_tensor(kernel), convert_to_tensor(rec))
    if bias is not None:
        ins += (convert_to_tensor(bias),)
    ins += tuple(init)
    return run(_rnn_impl, ins, f"tf.keras.layers.{cell.upper()}", cell=cell, act=act, rec_act=rec_act,
               has_bias=bias is not None, return_sequences=return_sequences, go_backwards=go_backwards,
               reset_after=reset_after)
