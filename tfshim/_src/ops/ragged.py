"""tf.RaggedTensor and tf.ragged: rows of different lengths.

A RaggedTensor is ``values`` (a Tensor, or another RaggedTensor for more ragged dimensions) split into rows
by ``row_splits`` (int64 offsets, kept as a host NumPy array: ragged structure is decided on the host). The
flat values are an ordinary Tensor: numbers live on the device, strings on the host. Elementwise ops and
reductions of the op table accept RaggedTensors (``_ragged_dispatch`` wraps those rows), as TF's ragged
dispatch does; ``tf.ragged.map_flat_values`` applies any op to the flat values.

Differences from TF: row partitions are host NumPy arrays (``row_splits`` returns a new int64 Tensor); no
uniform_row_length partitions; RaggedTensors are not traced by ``tf.function`` (a function taking one runs
eagerly for that call signature, see docs/differences.md).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from ..core.convert import convert_to_tensor, string_array
from ..core.tensor import Tensor
from ..core.tensor_shape import TensorShape
from . import table

_I64 = np.int64


def _host(t: Any) -> np.ndarray:
    if isinstance(t, Tensor):
        return np.asarray(t.array)
    return np.asarray(t)


def _splits_of(x: Any, fn: str) -> np.ndarray:
    a = _host(convert_to_tensor(x) if not isinstance(x, (np.ndarray, Tensor)) else x)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{fn}: row partition must be integers, got {a.dtype}")
    return a.astype(_I64).reshape(-1)


class RaggedTensor:
    """tf.RaggedTensor: a tensor whose rows (along one or more dimensions) have different lengths."""

    __slots__ = ("_values", "_splits", "_splits_dtype", "__weakref__")

    def __init__(self, values: Any, row_splits: np.ndarray, splits_dtype: Any = _I64, _internal: bool = False):
        if not _internal:
            raise ValueError("RaggedTensor constructor is private; please use one of the factory methods "
                             "instead (e.g., RaggedTensor.from_row_lengths())")
        self._values = values
        self._splits = row_splits
        self._splits_dtype = np.dtype(splits_dtype)

    # -- factories ------------------------------------------------------------------------------
    @classmethod
    def _make(cls, values: Any, splits: np.ndarray, splits_dtype: Any = _I64) -> RaggedTensor:
        if not isinstance(values, (Tensor, RaggedTensor)):
            values = convert_to_tensor(values)
        return cls(values, np.asarray(splits, _I64), splits_dtype, _internal=True)

    @classmethod
    def from_row_splits(cls, values: Any, row_splits: Any, name: Any = None, validate: bool = True) -> RaggedTensor:
        """RaggedTensor.from_row_splits: row i is ``values[row_splits[i]:row_splits[i+1]]``."""
        values = values if isinstance(values, RaggedTensor) else convert_to_tensor(values)
        dt = _host(row_splits).dtype if isinstance(row_splits, (Tensor, np.ndarray)) else _I64
        s = _splits_of(row_splits, "tf.RaggedTensor.from_row_splits")
        n = _nvals(values)
        if validate and (s.size == 0 or s[0] != 0 or np.any(np.diff(s) < 0) or s[-1] != n):
            raise errors.InvalidArgumentError(
                None, None, f"tf.RaggedTensor.from_row_splits: Arguments to from_row_splits do not form a valid "
                f"RaggedTensor (row_splits {s.tolist()} must start at 0, be sorted and end at nvals={n}).")
        return cls._make(values, s, dt)

    @classmethod
    def from_row_lengths(cls, values: Any, row_lengths: Any, name: Any = None, validate: bool = True) -> RaggedTensor:
        """RaggedTensor.from_row_lengths: row i has ``row_lengths[i]`` values."""
        values = values if isinstance(values, RaggedTensor) else convert_to_tensor(values)
        dt = _host(row_lengths).dtype if isinstance(row_lengths, (Tensor, np.ndarray)) else _I64
        ln = _splits_of(row_lengths, "tf.RaggedTensor.from_row_lengths")
        if validate and (np.any(ln < 0) or int(ln.sum()) != _nvals(values)):
            raise errors.InvalidArgumentError(
                None, None, f"tf.RaggedTensor.from_row_lengths: Arguments to from_row_lengths do not form a valid "
                f"RaggedTensor (row lengths {ln.tolist()} must be >= 0 and sum to nvals={_nvals(values)}).")
        return cls._make(values, np.concatenate([[0], np.cumsum(ln)]).astype(_I64), dt)

    @classmethod
    def from_value_rowids(cls, values: Any, value_rowids: Any, nrows: Any = None, name: Any = None,
                          validate: bool = True) -> RaggedTensor:
        """RaggedTensor.from_value_rowids: value k belongs to row ``value_rowids[k]`` (sorted)."""
        values = values if isinstance(values, RaggedTensor) else convert_to_tensor(values)
        dt = _host(value_rowids).dtype if isinstance(value_rowids, (Tensor, np.ndarray)) else _I64
        ids = _splits_of(value_rowids, "tf.RaggedTensor.from_value_rowids")
        n = int(_host(nrows)) if nrows is not None else (int(ids[-1]) + 1 if ids.size else 0)
        if validate and (np.any(np.diff(ids) < 0) or (ids.size and (ids[0] < 0 or ids[-1] >= n))
                         or ids.size != _nvals(values)):
            raise errors.InvalidArgumentError(
                None, None, "tf.RaggedTensor.from_value_rowids: Arguments to from_value_rowids do not form a valid "
                "RaggedTensor (value_rowids must be sorted, in [0, nrows), one per value).")
        lengths = np.bincount(ids, minlength=n) if ids.size else np.zeros(n, _I64)
        return cls._make(values, np.concatenate([[0], np.cumsum(lengths)]).astype(_I64), dt)

    @classmethod
    def from_row_starts(cls, values: Any, row_starts: Any, name: Any = None, validate: bool = True) -> RaggedTensor:
        """RaggedTensor.from_row_starts: row i starts at ``row_starts[i]``."""
        values = values if isinstance(values, RaggedTensor) else convert_to_tensor(values)
        st = _splits_of(row_starts, "tf.RaggedTensor.from_row_starts")
        return cls.from_row_splits(values, np.concatenate([st, [_nvals(values)]]).astype(_I64), validate=validate)

    @classmethod
    def from_row_limits(cls, values: Any, row_limits: Any, name: Any = None, validate: bool = True) -> RaggedTensor:
        """RaggedTensor.from_row_limits: row i ends at ``row_limits[i]``."""
        lim = _splits_of(row_limits, "tf.RaggedTensor.from_row_limits")
        return cls.from_row_splits(values, np.concatenate([[0], lim]).astype(_I64), validate=validate)

    @classmethod
    def from_nested_row_splits(cls, flat_values: Any, nested_row_splits: Any, name: Any = None,
                               validate: bool = True) -> RaggedTensor:
        """RaggedTensor.from_nested_row_splits: one splits vector per ragged dimension, outermost first."""
        out = flat_values
        for s in reversed(list(nested_row_splits)):
            out = cls.from_row_splits(out, s, validate=validate)
        return out

    @classmethod
    def from_nested_row_lengths(cls, flat_values: Any, nested_row_lengths: Any, name: Any = None,
                                validate: bool = True) -> RaggedTensor:
        """RaggedTensor.from_nested_row_lengths."""
        out = flat_values
        for ln in reversed(list(nested_row_lengths)):
            out = cls.from_row_lengths(out, ln, validate=validate)
        return out

    @classmethod
    def from_tensor(cls, tensor: Any, lengths: Any = None, padding: Any = None, ragged_rank: int = 1,
                    name: Any = None, row_splits_dtype: Any = _dt.int64) -> RaggedTensor:
        """RaggedTensor.from_tensor: rows of a dense tensor, cut at ``lengths`` or before trailing ``padding``."""
        t = convert_to_tensor(tensor)
        a = np.asarray(t.array)
        if a.ndim < 2:
            raise ValueError(f"tf.RaggedTensor.from_tensor: tensor must have rank >= 2, got shape {t.shape}")
        if ragged_rank > 1:
            inner = cls.from_tensor(a.reshape((-1,) + a.shape[2:]), ragged_rank=ragged_rank - 1)
            return cls._make(inner, np.arange(0, a.shape[0] * a.shape[1] + 1, a.shape[1], dtype=_I64))
        if lengths is not None:
            ln = _splits_of(lengths, "tf.RaggedTensor.from_tensor")
        elif padding is not None:
            pad = np.asarray(convert_to_tensor(padding, dtype=t.dtype).array)
            hit = a == pad if a.ndim == 2 else np.all(a == pad, axis=tuple(range(2, a.ndim)))
            keep = ~hit
            ln = np.array([int(np.max(np.nonzero(r)[0]) + 1) if r.any() else 0 for r in keep], _I64)
        else:
            ln = np.full(a.shape[0], a.shape[1], _I64)
        vals = np.concatenate([a[i, :ln[i]] for i in range(a.shape[0])]) if a.shape[0] else a.reshape(
            (0,) + a.shape[2:])
        return cls._make(_tensor_of(vals, t.dtype), np.concatenate([[0], np.cumsum(ln)]).astype(_I64),
                         _dt.as_dtype(row_splits_dtype)._np)

    # -- structure ------------------------------------------------------------------------------
    @property
    def values(self) -> Any:
        return self._values

    @property
    def flat_values(self) -> Tensor:
        v = self._values
        while isinstance(v, RaggedTensor):
            v = v._values
        return v

    @property
    def row_splits(self) -> Tensor:
        return _tensor_of(self._splits.astype(self._splits_dtype), None)

    @property
    def nested_row_splits(self) -> tuple:
        out, v = [self.row_splits], self._values
        while isinstance(v, RaggedTensor):
            out.append(v.row_splits)
            v = v._values
        return tuple(out)

    @property
    def ragged_rank(self) -> int:
        return 1 + (self._values.ragged_rank if isinstance(self._values, RaggedTensor) else 0)

    @property
    def dtype(self) -> _dt.DType:
        return self.flat_values.dtype

    @property
    def row_splits_dtype(self) -> _dt.DType:
        return _dt._BY_NP[self._splits_dtype]

    @property
    def shape(self) -> TensorShape:
        inner = self._values.shape.as_list()[1:] if self._values.shape.rank else []
        return TensorShape([self.nrows_int(), None] + inner)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def ndim(self) -> int:
        return self.shape.rank

    def nrows_int(self) -> int:
        return int(self._splits.size - 1)

    def nrows(self, out_type: Any = None, name: Any = None) -> Tensor:
        """RaggedTensor.nrows(): the number of rows (int64 unless ``out_type``)."""
        dt = self._splits_dtype if out_type is None else _dt.as_dtype(out_type)._np
        return _tensor_of(np.asarray(self.nrows_int(), dt), None)

    def row_lengths(self, axis: int = 1, name: Any = None) -> Any:
        """RaggedTensor.row_lengths(axis=1): the length of each row (a RaggedTensor for axis > 1)."""
        if axis == 1:
            return _tensor_of(np.diff(self._splits).astype(self._splits_dtype), None)
        if axis < 1:
            raise ValueError(f"axis={axis} must be >= 1 for RaggedTensor.row_lengths")
        return self.with_values(self._values.row_lengths(axis - 1))

    def nested_row_lengths(self, name: Any = None) -> tuple:
        out, v = [], self
        while isinstance(v, RaggedTensor):
            out.append(v.row_lengths())
            v = v._values
        return tuple(out)

    def value_rowids(self, name: Any = None) -> Tensor:
        ids = np.repeat(np.arange(self.nrows_int(), dtype=_I64), np.diff(self._splits))
        return _tensor_of(ids.astype(self._splits_dtype), None)

    def row_starts(self, name: Any = None) -> Tensor:
        return _tensor_of(self._splits[:-1].astype(self._splits_dtype), None)

    def row_limits(self, name: Any = None) -> Tensor:
        return _tensor_of(self._splits[1:].astype(self._splits_dtype), None)

    def bounding_shape(self, axis: Any = None, name: Any = None, out_type: Any = None) -> Tensor:
        """RaggedTensor.bounding_shape(): the smallest dense shape that holds every row."""
        dims = [self.nrows_int()]
        v, splits = self, self._splits
        while isinstance(v, RaggedTensor):
            lens = np.diff(v._splits)
            dims.append(int(lens.max()) if lens.size else 0)
            v = v._values
        inner = v.shape.as_list()[1:]
        dims += inner
        dt = self._splits_dtype if out_type is None else _dt.as_dtype(out_type)._np
        out = np.asarray(dims, dt)
        del splits
        return _tensor_of(out if axis is None else out[axis], None)

    def with_values(self, new_values: Any) -> RaggedTensor:
        return RaggedTensor._make(new_values, self._splits, self._splits_dtype)

    def with_flat_values(self, new_values: Any) -> RaggedTensor:
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    def with_row_splits_dtype(self, dtype: Any) -> RaggedTensor:
        v = self._values.with_row_splits_dtype(dtype) if isinstance(self._values, RaggedTensor) else self._values
        return RaggedTensor._make(v, self._splits, _dt.as_dtype(dtype)._np)

    # -- conversion -----------------------------------------------------------------------------
    def to_list(self) -> list:
        """RaggedTensor.to_list(): nested Python lists (bytes for strings, Python numbers), as TF."""
        if isinstance(self._values, RaggedTensor):
            inner = self._values.to_list()
        else:
            inner = np.asarray(self._values.array).tolist()
        s = self._splits
        return [inner[s[i]:s[i + 1]] for i in range(s.size - 1)]

    def numpy(self) -> np.ndarray:
        """RaggedTensor.numpy(): an object array of per-row NumPy arrays, as TF."""
        vals = self._values.numpy() if isinstance(self._values, RaggedTensor) else np.asarray(self._values.array)
        s = self._splits
        out = np.empty(s.size - 1, object)
        for i in range(s.size - 1):
            out[i] = vals[s[i]:s[i + 1]]
        return out

    def to_tensor(self, default_value: Any = None, name: Any = None, shape: Any = None) -> Tensor:
        """RaggedTensor.to_tensor(default_value, shape): pad the rows into a dense tensor."""
        bshape = [int(d) for d in np.asarray(self.bounding_shape().array)]
        if shape is not None:
            want = TensorShape(shape).as_list()
            bshape = [w if w is not None else b for w, b in zip(want, bshape)]
        flat = self.flat_values
        dt = flat.dtype
        if default_value is None:
            fill = b"" if dt == _dt.string else np.zeros((), dt._np)
        else:
            fill = np.asarray(convert_to_tensor(default_value, dtype=dt).array)
            if dt == _dt.string:
                fill = fill[()] if fill.ndim == 0 else fill
        out = np.empty(bshape, object) if dt == _dt.string else np.zeros(bshape, dt._np)
        out[...] = fill
        _fill_dense(out, self, ())
        return _tensor_of(out, dt)

    def merge_dims(self, outer_axis: int, inner_axis: int) -> Any:
        if (outer_axis, inner_axis) in ((0, 1), (0, -1)) and self.ragged_rank == 1:
            return self._values
        raise errors.UnimplementedError(None, None, "tfshim: RaggedTensor.merge_dims supports (0, 1) on ragged_rank 1")

    # -- Python protocols -----------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"<tf.RaggedTensor {self.to_list()!r}>"

    def __str__(self) -> str:
        return f"<tf.RaggedTensor {self.to_list()!r}>"

    def __len__(self) -> int:
        return self.nrows_int()

    def __iter__(self):
        return (self[i] for i in range(self.nrows_int()))

    def __bool__(self) -> bool:
        raise TypeError("RaggedTensor may not be used as a boolean.")

    def __getitem__(self, key: Any) -> Any:
        """RaggedTensor[...]: an int or slice on the rows, then on the inner dimensions."""
        if not isinstance(key, tuple):
            key = (key,)
        if not key:
            return self
        first, rest = key[0], key[1:]
        if isinstance(first, Tensor):
            first = int(np.asarray(first.array))
        if isinstance(first, (int, np.integer)):
            n = self.nrows_int()
            i = int(first)
            if not -n <= i < n:
                raise errors.InvalidArgumentError(None, None, f"slice index {i} of dimension 0 out of bounds.")
            i = i + n if i < 0 else i
            row = _slice_values(self._values, int(self._splits[i]), int(self._splits[i + 1]))
            return row[rest] if rest else row
        if isinstance(first, slice):
            idx = range(*first.indices(self.nrows_int()))
            lens = np.diff(self._splits)
            parts = [(int(self._splits[i]), int(self._splits[i + 1])) for i in idx]
            picked = _take_rows(self._values, parts)
            out = RaggedTensor._make(picked, np.concatenate([[0], np.cumsum([lens[i] for i in idx])]).astype(_I64),
                                     self._splits_dtype)
            if rest:
                return _map_rows(out, rest)
            return out
        if first is Ellipsis and not rest:
            return self
        raise TypeError(f"tfshim: RaggedTensor indexing supports ints and slices, got {first!r}")

    # operators (elementwise on the flat values; TF's ragged dispatch)
    def __add__(self, o): return _elementwise("add", self, o)  # noqa: E704
    def __radd__(self, o): return _elementwise("add", o, self)  # noqa: E704
    def __sub__(self, o): return _elementwise("subtract", self, o)  # noqa: E704
    def __rsub__(self, o): return _elementwise("subtract", o, self)  # noqa: E704
    def __mul__(self, o): return _elementwise("multiply", self, o)  # noqa: E704
    def __rmul__(self, o): return _elementwise("multiply", o, self)  # noqa: E704
    def __truediv__(self, o): return _elementwise("truediv", self, o)  # noqa: E704
    def __rtruediv__(self, o): return _elementwise("truediv", o, self)  # noqa: E704
    def __floordiv__(self, o): return _elementwise("math.floordiv", self, o)  # noqa: E704
    def __pow__(self, o): return _elementwise("pow", self, o)  # noqa: E704
    def __lt__(self, o): return _elementwise("less", self, o)  # noqa: E704
    def __le__(self, o): return _elementwise("less_equal", self, o)  # noqa: E704
    def __gt__(self, o): return _elementwise("greater", self, o)  # noqa: E704
    def __ge__(self, o): return _elementwise("greater_equal", self, o)  # noqa: E704
    def __and__(self, o): return _elementwise("logical_and", self, o)  # noqa: E704
    def __or__(self, o): return _elementwise("logical_or", self, o)  # noqa: E704
    def __neg__(self): return self.with_flat_values(-self.flat_values)  # noqa: E704
    def __abs__(self): return self.with_flat_values(abs(self.flat_values))  # noqa: E704
    def __invert__(self): return self.with_flat_values(~self.flat_values)  # noqa: E704

    def __eq__(self, o: Any) -> Any:  # TF 2: elementwise equality
        if o is None:
            return False
        return _elementwise("equal", self, o)

    def __ne__(self, o: Any) -> Any:
        if o is None:
            return True
        return _elementwise("not_equal", self, o)

    __hash__ = None  # type: ignore[assignment]


# -- helpers --------------------------------------------------------------------------------------
def _nvals(values: Any) -> int:
    if isinstance(values, RaggedTensor):
        return values.nrows_int()
    return int(values.shape[0]) if values.shape.rank else 0


def _tensor_of(a: np.ndarray, dt: Any) -> Tensor:
    a = np.asarray(a)
    if a.dtype == object or (dt is not None and dt == _dt.string):
        return convert_to_tensor(string_array(a) if a.dtype != object else a)
    return convert_to_tensor(a)


def _slice_values(values: Any, a: int, b: int) -> Any:
    if isinstance(values, RaggedTensor):
        s = values._splits[a:b + 1]
        return RaggedTensor._make(_slice_values(values._values, int(s[0]), int(s[-1])), s - s[0],
                                  values._splits_dtype)
    return values[a:b]


def _take_rows(values: Any, parts: list) -> Any:
    if isinstance(values, RaggedTensor):
        sub = [_slice_values(values, a, b) for a, b in parts]
        if not sub:
            return _slice_values(values, 0, 0)
        return _concat_ragged(sub)
    arr = np.asarray(values.array)
    idx = np.concatenate([np.arange(a, b) for a, b in parts]) if parts else np.zeros(0, _I64)
    return _tensor_of(arr[idx.astype(_I64)], values.dtype)


def _concat_ragged(parts: list) -> RaggedTensor:
    splits, off, inner = [np.zeros(1, _I64)], 0, []
    for p in parts:
        splits.append(p._splits[1:] + off)
        off += int(p._splits[-1])
        inner.append(p._values)
    if isinstance(inner[0], RaggedTensor):
        vals = _concat_ragged(inner)
    else:
        arrs = [np.asarray(v.array) for v in inner]
        vals = _tensor_of(np.concatenate(arrs), inner[0].dtype)
    return RaggedTensor._make(vals, np.concatenate(splits), parts[0]._splits_dtype)


def _map_rows(rt: RaggedTensor, rest: tuple) -> Any:
    rows = [rt[i][rest] for i in range(rt.nrows_int())]
    if rows and all(isinstance(r, Tensor) for r in rows) and len({tuple(r.shape) for r in rows}) == 1:
        from .array import stack

        return stack(rows)
    return constant([r.to_list() if isinstance(r, RaggedTensor) else r.numpy().tolist() for r in rows],
                    dtype=rt.dtype)


def _fill_dense(out: np.ndarray, rt: RaggedTensor, prefix: tuple) -> None:
    s = rt._splits
    for i in range(min(s.size - 1, out.shape[0] if not prefix else out.shape[len(prefix)])):
        row = _slice_values(rt._values, int(s[i]), int(s[i + 1]))
        if isinstance(row, RaggedTensor):
            _fill_dense(out, row, prefix + (i,))
        else:
            a = np.asarray(row.array)
            sub = out[prefix + (i,)]
            n = min(a.shape[0], sub.shape[0])
            region = tuple(slice(0, min(x, y)) for x, y in zip(a.shape[1:], sub.shape[1:]))
            sub[(slice(0, n),) + region] = a[(slice(0, n),) + region]


def _broadcast_rows(rt: RaggedTensor, other: Tensor) -> Any:
    """``other`` broadcast to ``rt``'s flat values: a scalar as is, a per-row vector repeated by row length."""
    o = np.asarray(other.array)
    if o.ndim == 0:
        return other
    if rt.ragged_rank == 1 and o.ndim == 1 and o.shape[0] == rt.nrows_int():
        return _tensor_of(np.repeat(o, np.diff(rt._splits)), other.dtype)
    if o.ndim == 2 and rt.ragged_rank == 1 and o.shape[0] == rt.nrows_int() and o.shape[1] == 1:
        return _tensor_of(np.repeat(o[:, 0], np.diff(rt._splits)), other.dtype)
    raise errors.InvalidArgumentError(None, None, f"tfshim: cannot broadcast a tensor of shape {other.shape} "
                                                  f"to a RaggedTensor of shape {rt.shape}")


def _same_splits(a: RaggedTensor, b: RaggedTensor) -> bool:
    if not np.array_equal(a._splits, b._splits):
        return False
    if isinstance(a._values, RaggedTensor) != isinstance(b._values, RaggedTensor):
        return False
    return not isinstance(a._values, RaggedTensor) or _same_splits(a._values, b._values)


def _elementwise(name: str, x: Any, y: Any) -> Any:
    fn = _ORIGINAL.get(name) or table.namespace("").get(name) or table.namespace("math").get(name.split(".")[-1])
    return _apply_elementwise(fn, (x, y), {})


def _apply_elementwise(fn: Callable, args: tuple, kwargs: dict) -> Any:
    rts = [a for a in args if isinstance(a, RaggedTensor)]
    ref = rts[0]
    new_args = []
    for a in args:
        if isinstance(a, RaggedTensor):
            if a is not ref and not _same_splits(a, ref):
                raise errors.InvalidArgumentError(
                    None, None, "Inputs must have identical ragged splits (tfshim: elementwise op on RaggedTensors "
                                "with different row structure)")
            new_args.append(a.flat_values)
        elif isinstance(a, (Tensor, int, float, bool, complex, str, bytes, list, tuple, np.ndarray, np.generic)):
            t = convert_to_tensor(a, dtype_hint=ref.dtype) if not isinstance(a, Tensor) else a
            if not isinstance(a, Tensor) and isinstance(a, (int, float)) and ref.dtype.is_floating:
                t = convert_to_tensor(a, dtype=ref.dtype)
            new_args.append(_broadcast_rows(ref, t))
        else:
            new_args.append(a)
    return ref.with_flat_values(fn(*new_args, **kwargs))


def map_flat_values(op: Callable, *args: Any, **kwargs: Any) -> Any:
    """tf.ragged.map_flat_values(op, *args): ``op`` on the flat values of the RaggedTensor arguments."""
    rts = [a for a in list(args) + list(kwargs.values()) if isinstance(a, RaggedTensor)]
    if not rts:
        return op(*args, **kwargs)
    ref = rts[0]
    for r in rts[1:]:
        if not np.array_equal(r._splits, ref._splits):
            raise errors.InvalidArgumentError(None, None, "tf.ragged.map_flat_values: Inputs must have identical "
                                                          "ragged splits")
    a2 = [a.flat_values if isinstance(a, RaggedTensor) else a for a in args]
    k2 = {k: v.flat_values if isinstance(v, RaggedTensor) else v for k, v in kwargs.items()}
    return ref.with_flat_values(op(*a2, **k2))


def constant(pylist: Any, dtype: Any = None, ragged_rank: Any = None, inner_shape: Any = None, name: Any = None,
             row_splits_dtype: Any = _dt.int64) -> Any:
    """tf.ragged.constant: a RaggedTensor from a nested Python list (rows may differ in length)."""
    if isinstance(pylist, (Tensor, np.ndarray)) and not isinstance(pylist, list):
        return convert_to_tensor(pylist, dtype=dtype)

    def depth(v: Any) -> int:
        if isinstance(v, (list, tuple, np.ndarray)):
            return 1 + max((depth(x) for x in v), default=0)
        return 0

    total = depth(pylist)
    if total == 0:
        return convert_to_tensor(pylist, dtype=dtype)
    rr = total - 1 - (len(inner_shape) if inner_shape is not None else 0) if ragged_rank is None else ragged_rank
    if ragged_rank is None and inner_shape is None:
        rr = max(total - 1, 1) if total > 1 else 0
    if rr == 0:
        return convert_to_tensor(pylist, dtype=dtype)
    sdt = _dt.as_dtype(row_splits_dtype)._np

    def build(v: Any, level: int) -> tuple:
        splits = [np.zeros(1, _I64)]
        items: list = []
        for row in v:
            items.extend(list(row))
            splits.append(np.asarray([len(items)], _I64))
        return items, np.concatenate(splits)

    all_splits = []
    cur = list(pylist)
    for _ in range(rr):
        items, s = build(cur, 0)
        all_splits.append(s)
        cur = items
    if cur:
        flat = convert_to_tensor(cur, dtype=dtype)
    else:
        dt = _dt.float32 if dtype is None else _dt.as_dtype(dtype)
        inner = () if inner_shape is None else tuple(inner_shape)
        flat = _tensor_of(np.zeros((0,) + inner, object if dt == _dt.string else dt._np), dt)
    out: Any = flat
    for s in reversed(all_splits):
        out = RaggedTensor._make(out, s, sdt)
    return out


def constant_value(pylist: Any, dtype: Any = None, ragged_rank: Any = None, inner_shape: Any = None,
                   row_splits_dtype: Any = "int64") -> Any:
    """tf.compat.v1.ragged.constant_value (NumPy-valued in TF); here the same as tf.ragged.constant."""
    return constant(pylist, dtype, ragged_rank, inner_shape, row_splits_dtype=row_splits_dtype)


def ragged_range(starts: Any, limits: Any = None, deltas: Any = 1, dtype: Any = None, name: Any = None,
                 row_splits_dtype: Any = _dt.int64) -> RaggedTensor:
    """tf.ragged.range: one ``tf.range(starts[i], limits[i], deltas[i])`` row per i."""
    if limits is None:
        starts, limits = 0, starts
    st, li, de = (np.asarray(convert_to_tensor(v).array) for v in (starts, limits, deltas))
    st, li, de = np.broadcast_arrays(st, li, de)
    rows = [np.arange(a, b, d) for a, b, d in zip(st.reshape(-1), li.reshape(-1), de.reshape(-1))]
    odt = np.result_type(st, li, de) if dtype is None else _dt.as_dtype(dtype)._np
    vals = np.concatenate(rows).astype(odt) if rows else np.zeros(0, odt)
    return RaggedTensor._make(convert_to_tensor(vals),
                              np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(_I64),
                              _dt.as_dtype(row_splits_dtype)._np)


def ragged_stack(values: Any, axis: int = 0, name: Any = None) -> RaggedTensor:
    """tf.ragged.stack (axis=0): the given tensors / RaggedTensors as rows of one RaggedTensor."""
    if axis != 0:
        raise errors.UnimplementedError(None, None, "tfshim: tf.ragged.stack supports axis=0 only")
    rows = [v if isinstance(v, RaggedTensor) else convert_to_tensor(v) for v in values]
    lists = [r.to_list() if isinstance(r, RaggedTensor) else r.numpy().tolist() for r in rows]
    # TF's splits dtype: that of the RaggedTensor inputs, int32 when all inputs are dense
    sdt = next((r.row_splits_dtype for r in rows if isinstance(r, RaggedTensor)), _dt.int32)
    return constant(lists, dtype=rows[0].dtype, row_splits_dtype=sdt)


def boolean_mask(data: Any, mask: Any, name: Any = None) -> Any:
    """tf.ragged.boolean_mask: keep the entries where ``mask`` is True; the result is ragged."""
    if isinstance(data, RaggedTensor):
        m = mask.flat_values if isinstance(mask, RaggedTensor) else convert_to_tensor(mask)
        if isinstance(mask, RaggedTensor) and data.ragged_rank == 1:
            mv = np.asarray(m.array)
            vals = np.asarray(data.flat_values.array)[mv]
            lens = [int(mv[data._splits[i]:data._splits[i + 1]].sum()) for i in range(data.nrows_int())]
            return RaggedTensor.from_row_lengths(_tensor_of(vals, data.dtype), np.asarray(lens, _I64))
        mv = np.asarray(m.array).reshape(-1)
        keep = [i for i in range(data.nrows_int()) if mv[i]]
        return constant([data[i].to_list() if isinstance(data[i], RaggedTensor) else data[i].numpy().tolist()
                         for i in keep], dtype=data.dtype)
    d, m = np.asarray(convert_to_tensor(data).array), np.asarray(convert_to_tensor(mask).array)
    if m.ndim == 1:
        return _tensor_of(d[m], convert_to_tensor(data).dtype)
    rows = [d[i][m[i]] for i in range(d.shape[0])]
    return RaggedTensor.from_row_lengths(_tensor_of(np.concatenate(rows), convert_to_tensor(data).dtype),
                                         np.asarray([len(r) for r in rows], _I64))


def row_splits_to_segment_ids(splits: Any, name: Any = None, out_type: Any = None) -> Tensor:
    """tf.ragged.row_splits_to_segment_ids."""
    s = _splits_of(splits, "tf.ragged.row_splits_to_segment_ids")
    dt = _host(splits).dtype if out_type is None and isinstance(splits, (Tensor, np.ndarray)) else (
        _I64 if out_type is None else _dt.as_dtype(out_type)._np)
    return _tensor_of(np.repeat(np.arange(s.size - 1), np.diff(s)).astype(dt), None)


def segment_ids_to_row_splits(segment_ids: Any, num_segments: Any = None, out_type: Any = None,
                              name: Any = None) -> Tensor:
    """tf.ragged.segment_ids_to_row_splits."""
    ids = _splits_of(segment_ids, "tf.ragged.segment_ids_to_row_splits")
    n = int(_host(num_segments)) if num_segments is not None else (int(ids.max()) + 1 if ids.size else 0)
    dt = _I64 if out_type is None else _dt.as_dtype(out_type)._np
    return _tensor_of(np.concatenate([[0], np.cumsum(np.bincount(ids, minlength=n))]).astype(dt), None)


# -- ragged dispatch of the op table's elementwise ops and reductions -------------------------------
_ORIGINAL: dict = {}
_REDUCERS = {"reduce_sum": np.add, "reduce_prod": np.multiply, "reduce_max": np.maximum, "reduce_min": np.minimum,
             "reduce_any": np.logical_or, "reduce_all": np.logical_and, "reduce_mean": None}


def _reduce(name: str, fn: Callable, rt: RaggedTensor, axis: Any, keepdims: bool) -> Any:
    if axis is None:
        return fn(rt.flat_values, keepdims=keepdims) if not keepdims else fn(rt.flat_values)
    ax = int(np.asarray(axis.array) if isinstance(axis, Tensor) else axis)
    if ax < 0:
        ax += rt.shape.rank
    if ax == 0:
        raise errors.UnimplementedError(None, None, f"tfshim: tf.{name} of a RaggedTensor over axis 0")
    if ax == 1 and rt.ragged_rank == 1:
        vals = rt.flat_values
        a = np.asarray(vals.array)
        s = rt._splits
        n = rt.nrows_int()
        out = []
        for i in range(n):
            seg = _tensor_of(a[s[i]:s[i + 1]], vals.dtype)
            out.append(np.asarray(fn(seg, axis=0).array))
        from .array import stack

        if not out:
            return fn(_tensor_of(a[:0].reshape((0, 0) + a.shape[1:]), vals.dtype), axis=1)
        return stack([_tensor_of(o, vals.dtype if o.dtype == a.dtype else None) for o in out])
    if ax >= 1 and isinstance(rt._values, RaggedTensor):
        return rt.with_values(_reduce(name, fn, rt._values, ax - 1, keepdims))
    if ax >= 2:
        return rt.with_values(fn(rt._values, axis=ax - 1, keepdims=keepdims))
    raise errors.UnimplementedError(None, None, f"tfshim: tf.{name} of this RaggedTensor over axis {ax}")


def _wrap_reduction(name: str, fn: Callable) -> Callable:
    def f(*args: Any, **kw: Any) -> Any:
        if args and type(args[0]) is RaggedTensor:
            axis = args[1] if len(args) > 1 else kw.get("axis")
            keepdims = args[2] if len(args) > 2 else kw.get("keepdims", False)
            return _reduce(name, fn, args[0], axis, bool(keepdims))
        return fn(*args, **kw)

    f.__name__, f.__qualname__, f.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    f.__wrapped__ = fn
    return f


def _wrap_elementwise(fn: Callable) -> Callable:
    def f(*args: Any, **kwargs: Any) -> Any:
        if args and (type(args[0]) is RaggedTensor or (len(args) > 1 and type(args[1]) is RaggedTensor)):
            return _apply_elementwise(fn, args, kwargs)
        return fn(*args, **kwargs)

    f.__name__, f.__qualname__, f.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    f.__wrapped__ = fn
    return f


_ELEMENTWISE_KINDS = ("binary", "compare", "logical", "unary")


def _install() -> None:
    for i, row in enumerate(table.ROWS):
        short = row.names[0]
        if short in _REDUCERS:
            _ORIGINAL[short] = row.fn
            table.ROWS[i] = dataclasses.replace(row, fn=_wrap_reduction(short, row.fn))
        elif row.kind.startswith(_ELEMENTWISE_KINDS):
            # Tensor's operators were bound to the unwrapped functions before this runs (ops/__init__.py).
            _ORIGINAL[short] = row.fn
            table.ROWS[i] = dataclasses.replace(row, fn=_wrap_elementwise(row.fn))


_install()
