"""Variable updates beyond assign: sliced assignment and the scatter methods, plus tf.IndexedSlices.

``v[1:3].assign(x)`` works as in TF: a Variable's ``__getitem__`` returns a Tensor whose ``assign``
writes that slice of the variable (TF's strided-slice assign: ``x`` broadcasts to the slice's shape).
``Variable.scatter_nd_update/add/sub/min/max(indices, updates)`` and ``Variable.scatter_update/add/sub/
mul/div/min/max(tf.IndexedSlices)`` update rows in place and return the variable, as TF. Every update
computes the new value with one jitted op and writes it through ``Variable.assign``'s path (so it works
inside tf.function and stateless scopes).
"""

from __future__ import annotations

import weakref
from typing import Any

import jax
import numpy as np

from ..core import errors
from ..core.convert import convert_to_tensor
from ..core.dispatch import run
from ..core.tensor import Tensor, wrap
from .array import _invalid, _is_tensor, _parse_key, _shape_str, _t, check_scatter_nd, getitem

_Tracer = jax.core.Tracer
_SLICES: dict = {}  # id(slice tensor) -> (weakref to it, variable, key); Tensors are unhashable


class IndexedSlices:
    """tf.IndexedSlices(values, indices, dense_shape=None): rows ``values`` of a dense tensor at ``indices``.

    Converts to a dense Tensor (rows at repeated indices are summed, as TF's conversion)."""

    def __init__(self, values: Any, indices: Any, dense_shape: Any = None):
        self._values = values if isinstance(values, Tensor) else convert_to_tensor(values)
        self._indices = indices if isinstance(indices, Tensor) else convert_to_tensor(indices)
        self._dense_shape = None if dense_shape is None else (
            dense_shape if isinstance(dense_shape, Tensor) else convert_to_tensor(dense_shape))

    values = property(lambda self: self._values)
    indices = property(lambda self: self._indices)
    dense_shape = property(lambda self: self._dense_shape)
    dtype = property(lambda self: self._values.dtype)
    device = property(lambda self: self._values.device)

    @property
    def shape(self) -> Any:
        from ..core.tensor_shape import TensorShape

        if self._dense_shape is None:
            return TensorShape([None] + list(self._values.shape)[1:])
        return TensorShape([int(d) for d in np.asarray(self._dense_shape.array)])

    def __neg__(self) -> IndexedSlices:
        from . import math as _m

        return IndexedSlices(_m.negative(self._values), self._indices, self._dense_shape)

    def __tf_tensor__(self, dtype: Any = None, name: Any = None) -> Tensor:
        if self._dense_shape is None:
            raise ValueError(f"Tensor conversion requested for IndexedSlices without dense_shape: {self!r}")
        shape = tuple(int(d) for d in np.asarray(self._dense_shape.array))
        out = run(_scatter_rows, (self._values, self._indices), "tf.convert_to_tensor", shape=shape)
        return convert_to_tensor(out, dtype=dtype)

    def __repr__(self) -> str:
        return (f"IndexedSlices(indices={self._indices!r}, values={self._values!r}"
                + (f", dense_shape={self._dense_shape!r})" if self._dense_shape is not None else ")"))


def _scatter_rows(vals, idx, shape):
    import jax.numpy as jnp

    return jnp.zeros(shape, vals.dtype).at[idx].add(vals)


# -- sliced assignment ---------------------------------------------------------------------------
def _slice_assign_impl(x, v, *dyn, spec):
    key = []
    for item in spec:
        if type(item) is tuple:
            key.append(slice(*item))
        elif type(item) is str:
            key.append(dyn[int(item)])
        elif item is None:
            continue  # tf.newaxis selects nothing
        else:
            key.append(item)
    key = tuple(key)
    target = x[key]
    return x.at[key].set(jax.numpy.broadcast_to(v, target.shape))


class SliceOfVariable(Tensor):
    """The Tensor ``v[key]`` of a Variable; its ``assign(value)`` writes that slice of ``v`` (TF's
    ``_SliceHelperVar``)."""

    __slots__ = ()  # same layout as Tensor: the op's own output object becomes one (the tape tracks it)

    def assign(self, value: Any, name: Any = None) -> Any:
        """Write ``value`` (broadcast to the slice's shape) into the sliced part of the variable."""
        entry = _SLICES.get(id(self))
        if entry is None or entry[0]() is not self:
            raise AttributeError("tf.Tensor has no attribute 'assign' (only a slice of a tf.Variable has)")
        _, var, key = entry
        cur = _t(var)
        vt = _t(value) if _is_tensor(value) else convert_to_tensor(value, dtype=var.dtype)
        if vt.array.dtype != cur.array.dtype:
            raise ValueError(f"Tensor conversion requested dtype {var.dtype.name} for Tensor with dtype "
                             f"{vt.dtype.name} (the slice assignment of variable {var.name})")
        spec, dyn = _parse_key(key, cur.array.shape)
        want = self.array.shape
        try:
            np.broadcast_shapes(vt.array.shape, want)
            ok = np.broadcast_shapes(vt.array.shape, want) == tuple(want)
        except ValueError:
            ok = False
        if not ok:
            raise _invalid("ResourceStridedSliceAssign", f"Cannot broadcast input shape "
                                                         f"{_shape_str(vt.array.shape)} into final shape "
                                                         f"{_shape_str(want)}")
        new = run(_slice_assign_impl, (cur, vt, *dyn), "Variable.__getitem__.assign", spec=spec)
        return var.assign(new)


jax.tree_util.register_pytree_node(
    SliceOfVariable, lambda t: ((t.array,), None), lambda _, c: wrap(c[0]))


def variable_getitem(self: Any, key: Any) -> Tensor:
    """Variable.__getitem__: the slice as a Tensor that also has ``.assign`` (sliced assignment)."""
    out = getitem(self, key)
    if type(out) is not Tensor or isinstance(key, bool) or _bool_key(key):
        return out
    object.__setattr__(out, "__class__", SliceOfVariable)
    if len(_SLICES) > 4096:
        for k in [k for k, e in _SLICES.items() if e[0]() is None]:
            del _SLICES[k]
    _SLICES[id(out)] = (weakref.ref(out), self, key)
    return out


def _bool_key(key: Any) -> bool:
    dt = getattr(key, "dtype", None)
    return dt is not None and getattr(dt, "name", str(dt)) == "bool"


# -- scatter methods -----------------------------------------------------------------------------
def _nd_impl(x, i, u, mode):
    k = i.shape[-1]
    idx = tuple(i[..., j] for j in range(k))
    ref = x.at[idx]
    return {"update": lambda: ref.set(u), "add": lambda: ref.add(u), "sub": lambda: ref.add(-u),
            "min": lambda: ref.min(u), "max": lambda: ref.max(u), "mul": lambda: ref.multiply(u),
            "div": lambda: ref.divide(u)}[mode]()


_ND_OPS = {"update": "ResourceScatterNdUpdate", "add": "ResourceScatterNdAdd", "sub": "ResourceScatterNdSub",
           "min": "ResourceScatterNdMin", "max": "ResourceScatterNdMax"}
_ROW_OPS = {"update": "ResourceScatterUpdate", "add": "ResourceScatterAdd", "sub": "ResourceScatterSub",
            "mul": "ResourceScatterMul", "div": "ResourceScatterDiv", "min": "ResourceScatterMin",
            "max": "ResourceScatterMax"}


def _apply(var: Any, indices: Tensor, updates: Any, mode: str, fn: str, op: str) -> Any:
    cur = _t(var)
    u = _t(updates) if _is_tensor(updates) else convert_to_tensor(updates, dtype=var.dtype)
    if u.array.dtype != cur.array.dtype:
        raise errors.InvalidArgumentError(None, None, f"{fn}: updates of dtype {u.dtype.name} for a variable of "
                                                      f"dtype {var.dtype.name} [Op:{op}] (cast them with tf.cast)")
    check_scatter_nd(cur.array.shape, indices, u, fn, op)
    new = run(_nd_impl, (cur, indices, u), fn, mode=mode)
    return var.assign(new)


def _scatter_nd_method(mode: str):
    fn = f"Variable.scatter_nd_{mode}"

    def method(self: Any, indices: Any, updates: Any, use_locking: Any = None, name: Any = None) -> Any:
        return _apply(self, _t(indices), updates, mode, fn, _ND_OPS[mode])

    method.__name__ = f"scatter_nd_{mode}"
    method.__doc__ = f"{fn}(indices, updates): {mode} ``updates`` at ``indices`` (index rows), as TF."
    return method


def _scatter_method(mode: str):
    fn = f"Variable.scatter_{mode}"

    def method(self: Any, sparse_delta: Any, use_locking: bool = False, name: Any = None) -> Any:
        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError(f"Argument `sparse_delta` must be a `tf.IndexedSlices`. Received arg: {sparse_delta}")
        idx = sparse_delta.indices
        i = run(_expand_last, (idx,), fn)
        return _apply(self, i, sparse_delta.values, mode, fn, _ROW_OPS[mode])

    method.__name__ = f"scatter_{mode}"
    method.__doc__ = f"{fn}(sparse_delta): {mode} ``sparse_delta.values`` at rows ``sparse_delta.indices``, as TF."
    return method


def _expand_last(i):
    return i[..., None]


def _batch_scatter_update(self: Any, sparse_delta: Any, use_locking: bool = False, name: Any = None) -> Any:
    """Variable.batch_scatter_update(sparse_delta): rows of the last batch dimension, as TF."""
    if not isinstance(sparse_delta, IndexedSlices):
        raise TypeError(f"Argument `sparse_delta` must be a `tf.IndexedSlices`. Received arg: {sparse_delta}")
    idx = np.asarray(_t(sparse_delta.indices).array)
    nb = idx.ndim - 1  # batch dimensions: indices[b..., j] addresses var[b..., indices[b..., j]]
    batch = np.broadcast_to(np.moveaxis(np.indices(idx.shape[:nb] + (1,) * (idx.ndim - nb)), 0, -1)[..., :nb],
                            idx.shape + (nb,))
    full = np.concatenate([batch, idx[..., None]], axis=-1)
    return _apply(self, convert_to_tensor(full.astype(idx.dtype)), sparse_delta.values, "update",
                  "Variable.batch_scatter_update", "ResourceScatterNdUpdate")


def attach(cls: type) -> None:
    """Add sliced assignment and the scatter methods to ``cls`` (tf.Variable)."""
    cls.__getitem__ = variable_getitem
    for mode in _ND_OPS:
        setattr(cls, f"scatter_nd_{mode}", _scatter_nd_method(mode))
    for mode in _ROW_OPS:
        setattr(cls, f"scatter_{mode}", _scatter_method(mode))
    cls.batch_scatter_update = _batch_scatter_update
