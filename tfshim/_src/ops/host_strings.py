"""NumPy implementations of the array ops TF allows on ``tf.string`` tensors (host object arrays).

``core/dispatch.host_op`` runs these when an op's input is a host array, with the op's own static
attributes; the op's Python wrapper has already checked the arguments as for numbers. Ops without an
entry here raise TF's "Value for attr 'T' of string is not in the list of allowed values" error.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from ..core.dispatch import register_host_impl
from . import array as _a
from . import math as _m

_OBJ = np.dtype(object)


def _obj(x: Any) -> np.ndarray:
    """An object array that owns its memory (views of an input would alias an immutable tensor)."""
    out = np.empty(np.shape(x), _OBJ)
    out[...] = x
    return out


def _reshape(x, shape):
    return _obj(np.reshape(x, shape))


def _identity(x):
    return x


def _transpose(x, perm, conj):
    return _obj(np.transpose(x, perm))


def _broadcast_to(x, shape):
    return _obj(np.broadcast_to(x, shape))


def _concat(*xs, axis):
    return np.concatenate([np.asarray(x, _OBJ) for x in xs], axis=axis)


def _stack(*xs, axis):
    return np.stack([np.asarray(x, _OBJ) for x in xs], axis=axis)


def _unstack(x, axis):
    return tuple(_obj(np.take(x, i, axis=axis)) for i in range(x.shape[axis]))


def _split(x, sizes, axis):
    return tuple(_obj(p) for p in np.split(x, np.cumsum(sizes)[:-1], axis=axis))


def _tile(x, reps):
    return _obj(np.tile(x, reps))


def _pad(x, c, pads, mode):
    return _obj(np.pad(x, pads, mode="constant", constant_values=c.reshape(())[()] if np.ndim(c) else c[()]))


def _pad_mirror(x, pads, mode):
    return _obj(np.pad(x, pads, mode=mode))


def _roll(x, shift, axis):
    return _obj(np.roll(x, shift, axis))


def _repeat(x, repeats, axis):
    if axis is None:
        x, axis = x.reshape(-1), 0
    return _obj(np.repeat(x, np.asarray(repeats) if isinstance(repeats, tuple) else repeats, axis=axis))


def _reverse(x, axes):
    return _obj(np.flip(x, axes))


def _identity_n(*xs):
    return tuple(xs)


def _gather(p, i, axis, batch_dims):
    i = np.asarray(i, np.int64)
    if batch_dims == 0:
        return _obj(np.take(p, i, axis=axis))
    # batch_dims: gather each batch entry separately (the leading dims of p and i agree)
    lead = p.shape[:batch_dims]
    pf = p.reshape((-1,) + p.shape[batch_dims:])
    ifl = i.reshape((-1,) + i.shape[batch_dims:])
    parts = [np.take(pf[k], ifl[k], axis=axis - batch_dims) for k in range(pf.shape[0])]
    out = np.stack(parts) if parts else np.empty((0,), _OBJ)
    return _obj(out.reshape(lead + out.shape[1:]))


def _gather_nd(p, i, batch_dims):
    i = np.asarray(i, np.int64)
    if batch_dims:
        lead = p.shape[:batch_dims]
        pf = p.reshape((-1,) + p.shape[batch_dims:])
        ifl = i.reshape((-1,) + i.shape[batch_dims:])
        parts = [_gather_nd(pf[k], ifl[k], 0) for k in range(pf.shape[0])]
        out = np.stack(parts)
        return _obj(out.reshape(lead + out.shape[1:]))
    k = i.shape[-1]
    idx = tuple(i[..., j] for j in range(k))
    return _obj(p[idx])


def _masked(x, idx, axis, nmask):
    shp = x.shape
    x = x.reshape(shp[:axis] + (-1,) + shp[axis + nmask:])
    return _obj(np.take(x, np.asarray(idx, np.int64), axis=axis))


def _where3(c, x, y):
    return _obj(np.where(np.asarray(c, bool), x, y))


def _slice_impl(x, *dyn, spec):
    key = []
    for item in spec:
        if type(item) is tuple:
            key.append(slice(*item))
        elif type(item) is str:
            key.append(int(np.asarray(dyn[int(item)])))
        else:
            key.append(item)
    out = x[tuple(key)]
    if not isinstance(out, np.ndarray):
        return _obj(out)
    return _obj(out)


def _fill(v, shape):
    return _obj(np.broadcast_to(v.reshape(()), shape))


def _add(x, y):
    return _obj(np.add(x, y))


def _equal(x, y):
    return np.asarray(np.equal(x, y), dtype=bool)


def _not_equal(x, y):
    return np.asarray(np.not_equal(x, y), dtype=bool)


def _take0(x, order):
    return np.take(x, order, axis=0)


def _register() -> None:
    for impl, host in ((_a._reshape, _reshape), (_a._identity, _identity), (_m._identity, _identity),
                       (_a._transpose, _transpose), (_a._broadcast_to, _broadcast_to), (_a._concat, _concat),
                       (_a._stack, _stack), (_a._unstack, _unstack), (_a._split, _split), (_a._tile, _tile),
                       (_a._pad, _pad), (_a._pad_mirror, _pad_mirror), (_a._roll, _roll), (_a._repeat, _repeat),
                       (_a._reverse, _reverse), (_a._identity_n, _identity_n), (_a._gather, _gather),
                       (_a._gather_nd, _gather_nd), (_a._masked, _masked), (_a._where3, _where3),
                       (_a._slice_impl, _slice_impl), (_a._fill, _fill), (jnp.add, _add), (jnp.equal, _equal),
                       (jnp.not_equal, _not_equal), (_a._unique_values, _take0), (_a._take0, _take0)):
        register_host_impl(impl, host)


_register()
