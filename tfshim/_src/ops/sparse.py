"""tf.SparseTensor and tf.sparse (the common part): COO tensors computed with NumPy on the host.

A SparseTensor holds ``indices`` (int64 [N, rank]), ``values`` ([N]) and ``dense_shape`` (int64 [rank]) as
Tensors. The operations here read them on the host, compute with NumPy and return Tensors (numbers on
the device): sparse structure is data-dependent, which XLA cannot compile. Differences from TF: no
gradients through sparse ops; SparseTensors are not traced by ``tf.function``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from ..core.convert import convert_to_tensor, string_array
from ..core.tensor import Tensor
from ..core.tensor_shape import TensorShape
from .table import register

_I64 = np.int64


def _np(t: Any) -> np.ndarray:
    return np.asarray(t.array if isinstance(t, Tensor) else convert_to_tensor(t).array)


def _t(a: np.ndarray, like: Any = None) -> Tensor:
    a = np.asarray(a)
    if a.dtype.kind in "SU":
        a = string_array(a)
    return convert_to_tensor(a)


class SparseTensor:
    """tf.SparseTensor(indices, values, dense_shape): a sparse tensor in coordinate (COO) form."""

    __slots__ = ("_indices", "_values", "_dense_shape", "__weakref__")

    def __init__(self, indices: Any, values: Any, dense_shape: Any):
        ind = np.asarray(_np(indices), _I64)
        if ind.ndim != 2:
            ind = ind.reshape(-1, 1) if ind.ndim == 1 and ind.size == 0 else ind
        vals = values if isinstance(values, Tensor) else convert_to_tensor(values)
        shp = np.asarray(_np(dense_shape), _I64).reshape(-1)
        if ind.ndim != 2 or (ind.shape[0] and ind.shape[1] != shp.size):
            raise ValueError(f"tf.SparseTensor: indices must be [N, {shp.size}], got shape {list(ind.shape)}")
        if vals.shape.rank != 1 or vals.shape[0] != ind.shape[0]:
            raise ValueError(f"tf.SparseTensor: values must be a vector of {ind.shape[0]} entries, got shape "
                             f"{vals.shape}")
        self._indices = convert_to_tensor(ind.reshape(-1, shp.size))
        self._values = vals
        self._dense_shape = convert_to_tensor(shp)

    @classmethod
    def _from_parts(cls, indices: Tensor, values: Tensor, dense_shape: Tensor) -> SparseTensor:
        """A SparseTensor of already-checked component Tensors (internal fast path: no validation, no copies)."""
        sp = object.__new__(cls)
        sp._indices, sp._values, sp._dense_shape = indices, values, dense_shape
        return sp

    @classmethod
    def from_value(cls, value: Any) -> SparseTensor:
        return value if isinstance(value, SparseTensor) else from_dense(value)

    @property
    def indices(self) -> Tensor:
        return self._indices

    @property
    def values(self) -> Tensor:
        return self._values

    @property
    def dense_shape(self) -> Tensor:
        return self._dense_shape

    @property
    def dtype(self) -> _dt.DType:
        return self._values.dtype

    @property
    def shape(self) -> TensorShape:
        return TensorShape([int(d) for d in _np(self._dense_shape)])

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def ndim(self) -> int:
        return int(_np(self._dense_shape).size)

    def with_values(self, new_values: Any) -> SparseTensor:
        return SparseTensor(self._indices, new_values, self._dense_shape)

    def consumers(self) -> list:
        return []

    def __repr__(self) -> str:
        return (f"SparseTensor(indices={self._indices!s}, values={self._values!s}, "
                f"dense_shape={self._dense_shape!s})")

    def __str__(self) -> str:
        return repr(self)

    def __mul__(self, other: Any) -> SparseTensor:
        o = _np(other)
        idx = _np(self._indices)
        dense = np.broadcast_to(o, tuple(self.shape.as_list())) if o.ndim else o
        factor = dense[tuple(idx.T)] if o.ndim else o
        return self.with_values(_t(_np(self._values) * factor))

    def __neg__(self) -> SparseTensor:
        return self.with_values(_t(-_np(self._values)))

    def __add__(self, other: Any) -> Any:
        return add(self, other)


# -- conversion ---------------------------------------------------------------------------------------
def _default_zero(dt: _dt.DType) -> Any:
    return b"" if dt == _dt.string else np.zeros((), dt._np)


def to_dense(sp_input: SparseTensor, default_value: Any = None, validate_indices: bool = True,
             name: Any = None) -> Tensor:
    """tf.sparse.to_dense: the dense tensor (``default_value`` where no entry is given)."""
    sp = _sparse(sp_input, "tf.sparse.to_dense")
    dt = sp.dtype
    shape = tuple(int(d) for d in _np(sp.dense_shape))
    fill = _default_zero(dt) if default_value is None else _np(convert_to_tensor(default_value, dtype=dt))
    out = np.empty(shape, object) if dt == _dt.string else np.zeros(shape, dt._np)
    out[...] = fill
    idx = _np(sp.indices)
    if validate_indices and idx.size:
        bad = np.any((idx < 0) | (idx >= np.asarray(shape)), axis=1)
        if bad.any():
            k = int(np.argmax(bad))
            raise errors.InvalidArgumentError(None, None, f"indices[{k}] = {idx[k].tolist()} is out of bounds: need "
                                                          f"0 <= index < {list(shape)} [Op:SparseToDense]")
        keys = np.ravel_multi_index(tuple(idx.T), shape) if shape else np.zeros(len(idx), _I64)
        if np.unique(keys).size != keys.size:
            raise errors.InvalidArgumentError(None, None, "indices is repeated [Op:SparseToDense]")
    if idx.size:
        out[tuple(idx.T)] = _np(sp.values)
    return _t(out)


def from_dense(tensor: Any, name: Any = None) -> SparseTensor:
    """tf.sparse.from_dense: the non-zero (non-empty for strings) entries of a dense tensor."""
    t = tensor if isinstance(tensor, Tensor) else convert_to_tensor(tensor)
    a = np.asarray(t.array)
    nz = a != b"" if t.dtype == _dt.string else a != 0
    idx = np.argwhere(nz).astype(_I64)
    return SparseTensor(idx, _t(a[nz]) if t.dtype != _dt.string else convert_to_tensor(a[nz].astype(object)),
                        np.asarray(a.shape, _I64))


def _sparse(x: Any, fn: str) -> SparseTensor:
    if not isinstance(x, SparseTensor):
        raise TypeError(f"{fn}: expected a tf.SparseTensor, got {type(x).__name__} (use tf.sparse.from_dense)")
    return x


def reorder(sp_input: SparseTensor, name: Any = None) -> SparseTensor:
    """tf.sparse.reorder: entries in row-major (canonical) order."""
    sp = _sparse(sp_input, "tf.sparse.reorder")
    idx, vals = _np(sp.indices), _np(sp.values)
    order = np.lexsort(idx.T[::-1]) if idx.size else np.arange(len(vals))
    return SparseTensor(idx[order], _t(vals[order]), sp.dense_shape)


def reset_shape(sp_input: SparseTensor, new_shape: Any = None) -> SparseTensor:
    """tf.sparse.reset_shape: a new dense shape (the tight bounding box of the indices when None)."""
    sp = _sparse(sp_input, "tf.sparse.reset_shape")
    idx = _np(sp.indices)
    if new_shape is None:
        shape = (idx.max(axis=0) + 1) if idx.size else np.zeros(idx.shape[1], _I64)
    else:
        shape = np.asarray(_np(new_shape), _I64)
        if shape.size != idx.shape[1]:
            raise ValueError(f"tf.sparse.reset_shape: new_shape must have rank {idx.shape[1]}")
        if idx.size and np.any(idx.max(axis=0) >= shape):
            raise errors.InvalidArgumentError(None, None, "tf.sparse.reset_shape: new_shape is smaller than the "
                                                          "indices need")
    return SparseTensor(idx, sp.values, shape)


def retain(sp_input: SparseTensor, to_retain: Any) -> SparseTensor:
    """tf.sparse.retain: keep the entries where the bool vector ``to_retain`` is True."""
    sp = _sparse(sp_input, "tf.sparse.retain")
    keep = _np(to_retain).astype(bool)
    if keep.shape != (len(_np(sp.values)),):
        raise ValueError(f"tf.sparse.retain: to_retain must be a vector of {len(_np(sp.values))} bools")
    return SparseTensor(_np(sp.indices)[keep], _t(_np(sp.values)[keep]), sp.dense_shape)


def fill_empty_rows(sp_input: SparseTensor, default_value: Any, name: Any = None) -> tuple:
    """tf.sparse.fill_empty_rows: ``default_value`` at column 0 of each empty row; (result, empty_row_indicator)."""
    sp = _sparse(sp_input, "tf.sparse.fill_empty_rows")
    idx, vals = _np(sp.indices), _np(sp.values)
    n = int(_np(sp.dense_shape)[0])
    has = np.zeros(n, bool)
    if idx.size:
        has[idx[:, 0]] = True
    empty = np.nonzero(~has)[0]
    new_idx = np.zeros((len(empty), idx.shape[1]), _I64)
    new_idx[:, 0] = empty
    dv = _np(convert_to_tensor(default_value, dtype=sp.dtype))
    all_idx = np.concatenate([idx.reshape(-1, new_idx.shape[1]), new_idx])
    all_vals = np.concatenate([vals, np.full(len(empty), dv, vals.dtype)])
    order = np.lexsort(all_idx.T[::-1]) if all_idx.size else np.arange(len(all_vals))
    return SparseTensor(all_idx[order], _t(all_vals[order]), sp.dense_shape), _t(~has)


def add(a: Any, b: Any, threshold: Any = 0) -> Any:
    """tf.sparse.add: sparse + sparse (entries summed, sums with |x| < threshold dropped) or sparse + dense."""
    if isinstance(a, SparseTensor) and isinstance(b, SparseTensor):
        if not np.array_equal(_np(a.dense_shape), _np(b.dense_shape)):
            raise errors.InvalidArgumentError(None, None, f"Operands' shapes do not match: {a.shape} vs. {b.shape}")
        idx = np.concatenate([_np(a.indices), _np(b.indices)])
        vals = np.concatenate([_np(a.values), _np(b.values)])
        shape = tuple(int(d) for d in _np(a.dense_shape))
        keys = np.ravel_multi_index(tuple(idx.T), shape) if idx.size else np.zeros(0, _I64)
        uk, inv = np.unique(keys, return_inverse=True)
        sums = np.zeros(len(uk), vals.dtype)
        np.add.at(sums, inv, vals)
        keep = np.abs(sums) >= _np(threshold) if np.any(_np(threshold)) else np.ones(len(uk), bool)
        out_idx = np.stack(np.unravel_index(uk, shape), axis=1).astype(_I64) if len(uk) else np.zeros(
            (0, len(shape)), _I64)
        return SparseTensor(out_idx[keep], _t(sums[keep]), np.asarray(shape, _I64))
    sp, d = (a, b) if isinstance(a, SparseTensor) else (b, a)
    dense = _np(d).copy()
    idx = _np(sp.indices)
    if idx.size:
        np.add.at(dense, tuple(idx.T), _np(sp.values))
    return _t(dense)


def reduce_sum(sp_input: SparseTensor, axis: Any = None, keepdims: Any = None, output_is_sparse: bool = False,
               name: Any = None) -> Any:
    """tf.sparse.reduce_sum: sum over ``axis`` (all axes when None) of the given entries."""
    d = to_dense(_sparse(sp_input, "tf.sparse.reduce_sum"), validate_indices=False)
    a = _np(d)
    ax = None if axis is None else tuple(int(x) for x in np.asarray(_np(axis) if isinstance(axis, Tensor)
                                                                    else axis).reshape(-1))
    out = _t(np.sum(a, axis=ax, keepdims=bool(keepdims)).astype(a.dtype))
    return from_dense(out) if output_is_sparse else out


def reduce_max(sp_input: SparseTensor, axis: Any = None, keepdims: Any = None, output_is_sparse: bool = False,
               name: Any = None) -> Any:
    """tf.sparse.reduce_max: the maximum of the given entries over ``axis`` (missing entries are ignored)."""
    sp = _sparse(sp_input, "tf.sparse.reduce_max")
    vals = _np(sp.values)
    shape = tuple(int(d) for d in _np(sp.dense_shape))
    low = np.finfo(vals.dtype).min if vals.dtype.kind == "f" else np.iinfo(vals.dtype).min
    dense = np.full(shape, -np.inf if vals.dtype.kind == "f" else low, vals.dtype)
    idx = _np(sp.indices)
    present = np.zeros(shape, bool)
    if idx.size:
        dense[tuple(idx.T)] = vals
        present[tuple(idx.T)] = True
    ax = None if axis is None else tuple(int(x) for x in np.asarray(axis).reshape(-1))
    out = np.max(dense, axis=ax, keepdims=bool(keepdims))
    anyp = np.any(present, axis=ax, keepdims=bool(keepdims))
    out = np.where(anyp, out, np.zeros((), vals.dtype))
    res = _t(np.asarray(out, vals.dtype))
    return from_dense(res) if output_is_sparse else res


def sparse_dense_matmul(sp_a: Any, b: Any, adjoint_a: bool = False, adjoint_b: bool = False,
                        name: Any = None) -> Tensor:
    """tf.sparse.sparse_dense_matmul: sparse [m, k] @ dense [k, n] (either may be the sparse one)."""
    if isinstance(sp_a, SparseTensor):
        a = _np(to_dense(sp_a, validate_indices=False))
        bb = _np(b) if not isinstance(b, SparseTensor) else _np(to_dense(b))
    else:
        a = _np(sp_a)
        bb = _np(to_dense(b, validate_indices=False))
    if adjoint_a:
        a = np.conj(a.T)
    if adjoint_b:
        bb = np.conj(bb.T)
    if a.shape[1] != bb.shape[0]:
        raise errors.InvalidArgumentError(None, None, f"Cannot multiply A and B because inner dimension does not "
                                                      f"match: {a.shape[1]} vs. {bb.shape[0]}")
    return _t((a @ bb).astype(np.result_type(a, bb)))


def concat(axis: int, sp_inputs: Any, expand_nonconcat_dims: bool = False, name: Any = None) -> SparseTensor:
    """tf.sparse.concat(axis, sp_inputs): concatenate SparseTensors along ``axis``."""
    sps = [_sparse(s, "tf.sparse.concat") for s in sp_inputs]
    shapes = [np.asarray(_np(s.dense_shape)) for s in sps]
    rank = shapes[0].size
    ax = axis + rank if axis < 0 else axis
    if expand_nonconcat_dims:
        top = np.max(np.stack(shapes), axis=0)
        shapes = [np.where(np.arange(rank) == ax, s, top) for s in shapes]
    for s in shapes[1:]:
        if not np.array_equal(np.delete(s, ax), np.delete(shapes[0], ax)):
            raise errors.InvalidArgumentError(None, None, f"Input shapes must match: expected {shapes[0].tolist()} "
                                                          f"for all dims except {ax}, got {s.tolist()}")
    idx, vals, off = [], [], 0
    for s, shp in zip(sps, shapes):
        i = _np(s.indices).copy()
        if i.size:
            i[:, ax] += off
        idx.append(i.reshape(-1, rank))
        vals.append(_np(s.values))
        off += int(shp[ax])
    out_shape = shapes[0].copy()
    out_shape[ax] = off
    all_idx, all_vals = np.concatenate(idx), np.concatenate(vals)
    order = np.lexsort(all_idx.T[::-1]) if all_idx.size else np.arange(len(all_vals))
    return SparseTensor(all_idx[order], _t(all_vals[order]), out_shape.astype(_I64))


def sparse_reshape(sp_input: SparseTensor, shape: Any, name: Any = None) -> SparseTensor:
    """tf.sparse.reshape: the same entries in a new dense shape (one dimension may be -1)."""
    sp = _sparse(sp_input, "tf.sparse.reshape")
    old = tuple(int(d) for d in _np(sp.dense_shape))
    new = [int(d) for d in np.asarray(_np(shape)).reshape(-1)]
    n = int(np.prod(old, dtype=_I64))
    if -1 in new:
        k = new.index(-1)
        rest = int(np.prod([d for i, d in enumerate(new) if i != k], dtype=_I64))
        new[k] = n // rest if rest else 0
    if int(np.prod(new, dtype=_I64)) != n:
        raise errors.InvalidArgumentError(None, None, f"Input to reshape is a tensor with {n} dense values, but the "
                                                      f"requested shape has {int(np.prod(new))}")
    idx = _np(sp.indices)
    keys = np.ravel_multi_index(tuple(idx.T), old) if idx.size else np.zeros(0, _I64)
    nidx = np.stack(np.unravel_index(keys, new), axis=1).astype(_I64) if idx.size else np.zeros((0, len(new)), _I64)
    return SparseTensor(nidx, sp.values, np.asarray(new, _I64))


def sparse_transpose(sp_input: SparseTensor, perm: Any = None, name: Any = None) -> SparseTensor:
    """tf.sparse.transpose: permute the dimensions (reversed by default), entries reordered."""
    sp = _sparse(sp_input, "tf.sparse.transpose")
    rank = sp.ndim
    p = list(range(rank))[::-1] if perm is None else [int(x) for x in np.asarray(_np(perm)).reshape(-1)]
    idx = _np(sp.indices)[:, p]
    shape = _np(sp.dense_shape)[p]
    return reorder(SparseTensor(idx, sp.values, shape))


def expand_dims(sp_input: SparseTensor, axis: Any = None, name: Any = None) -> SparseTensor:
    """tf.sparse.expand_dims: insert a dimension of size 1."""
    sp = _sparse(sp_input, "tf.sparse.expand_dims")
    rank = sp.ndim
    ax = -1 if axis is None else int(axis)
    ax = ax + rank + 1 if ax < 0 else ax
    idx = np.insert(_np(sp.indices), ax, 0, axis=1)
    shape = np.insert(_np(sp.dense_shape), ax, 1)
    return SparseTensor(idx, sp.values, shape)


def map_values(op: Callable, *args: Any, **kwargs: Any) -> SparseTensor:
    """tf.sparse.map_values(op, *args): ``op`` on the values of the SparseTensor arguments (same indices)."""
    sps = [a for a in args if isinstance(a, SparseTensor)]
    if not sps:
        raise ValueError("tf.sparse.map_values: no SparseTensor among the arguments")
    a2 = [a.values if isinstance(a, SparseTensor) else a for a in args]
    return sps[0].with_values(op(*a2, **kwargs))


def sparse_maximum(sp_a: SparseTensor, sp_b: SparseTensor, name: Any = None) -> SparseTensor:
    """tf.sparse.maximum: elementwise maximum of two SparseTensors (missing entries are zero)."""
    return from_dense(_t(np.maximum(_np(to_dense(sp_a)), _np(to_dense(sp_b)))))


def sparse_minimum(sp_a: SparseTensor, sp_b: SparseTensor, name: Any = None) -> SparseTensor:
    """tf.sparse.minimum: elementwise minimum of two SparseTensors (missing entries are zero)."""
    return from_dense(_t(np.minimum(_np(to_dense(sp_a)), _np(to_dense(sp_b)))))


def sparse_slice(sp_input: SparseTensor, start: Any, size: Any, name: Any = None) -> SparseTensor:
    """tf.sparse.slice: the entries inside the box [start, start + size), re-based at 0."""
    sp = _sparse(sp_input, "tf.sparse.slice")
    st = np.asarray(_np(start), _I64)
    sz = np.asarray(_np(size), _I64)
    shape = _np(sp.dense_shape)
    sz = np.minimum(st + sz, shape) - st
    idx = _np(sp.indices)
    keep = np.all((idx >= st) & (idx < st + sz), axis=1) if idx.size else np.zeros(0, bool)
    return SparseTensor(idx[keep] - st, _t(_np(sp.values)[keep]), np.maximum(sz, 0))


def to_indicator(sp_input: SparseTensor, vocab_size: int, name: Any = None) -> Tensor:
    """tf.sparse.to_indicator: a bool [..., vocab_size] tensor with True at each id given in the last dim."""
    sp = _sparse(sp_input, "tf.sparse.to_indicator")
    shape = tuple(int(d) for d in _np(sp.dense_shape))[:-1] + (int(vocab_size),)
    out = np.zeros(shape, bool)
    idx, vals = _np(sp.indices), _np(sp.values)
    if idx.size:
        out[tuple(idx[:, :-1].T) + (vals.astype(_I64),)] = True
    return _t(out)


_NS = {"to_dense": to_dense, "from_dense": from_dense, "reorder": reorder, "reset_shape": reset_shape,
       "retain": retain, "fill_empty_rows": fill_empty_rows, "add": add, "reduce_sum": reduce_sum,
       "reduce_max": reduce_max, "sparse_dense_matmul": sparse_dense_matmul, "concat": concat,
       "reshape": sparse_reshape, "transpose": sparse_transpose, "expand_dims": expand_dims,
       "map_values": map_values, "maximum": sparse_maximum, "minimum": sparse_minimum, "slice": sparse_slice,
       "to_indicator": to_indicator}
for _n, _f in _NS.items():
    register((f"sparse.{_n}",), _f)
