"""tf.io.parse_example / parse_single_example / parse_sequence_example and the feature configurations.

A batch of serialized records is parsed with one protobuf call: the records, each framed as field 1 of
tfshim's ``ExampleBatch`` message, are one valid serialization of it (``example_pb``), so the C parser
(upb) reads the whole batch; values are then gathered per feature into NumPy arrays. Results are TF's:
FixedLenFeature → dense Tensor [batch, *shape] (defaults for missing keys), VarLenFeature →
tf.SparseTensor, FixedLenSequenceFeature (allow_missing) → dense padded, RaggedFeature → tf.RaggedTensor;
errors (missing required feature, wrong size, wrong type, undecodable record) are TF's
InvalidArgumentError naming the key.
"""

from __future__ import annotations

import collections
import itertools
from typing import Any

import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from ..core.convert import convert_to_tensor
from ..core.device import put_all as device_put_all
from ..core.tensor import Tensor, wrap
from ..core.tensor_shape import TensorShape
from ..ops.ragged import RaggedTensor
from ..ops.sparse import SparseTensor
from . import example_pb as pb
from . import fast_example as _fast

_OBJ = np.dtype(object)
_KINDS = {_dt.int64: "int64_list", _dt.float32: "float_list", _dt.string: "bytes_list"}
_KIND_DT = {"int64_list": "int64", "float_list": "float", "bytes_list": "string"}
_TF_NAME = {_dt.int64: "int64", _dt.float32: "float", _dt.string: "string"}


class FixedLenFeature(collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])):
    """tf.io.FixedLenFeature(shape, dtype, default_value=None): a dense feature of fixed shape."""

    def __new__(cls, shape: Any, dtype: Any, default_value: Any = None):
        return super().__new__(cls, shape, dtype, default_value)


class FixedLenSequenceFeature(collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])):
    """tf.io.FixedLenSequenceFeature(shape, dtype, allow_missing=False, default_value=None)."""

    def __new__(cls, shape: Any, dtype: Any, allow_missing: bool = False, default_value: Any = None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """tf.io.VarLenFeature(dtype): a variable-length feature, parsed to a tf.SparseTensor."""


class RaggedFeature(collections.namedtuple(
        "RaggedFeature", ["dtype", "value_key", "partitions", "row_splits_dtype", "validate"])):
    """tf.io.RaggedFeature(dtype, value_key=None, partitions=(), row_splits_dtype=tf.int32, validate=False).

    Difference from TF: no ``partitions`` (the values of each example form one row)."""

    def __new__(cls, dtype: Any, value_key: Any = None, partitions: Any = (), row_splits_dtype: Any = _dt.int32,
                validate: bool = False):
        if partitions:
            raise errors.UnimplementedError(None, None, "tf.io.RaggedFeature: tfshim does not support partitions")
        return super().__new__(cls, dtype, value_key, tuple(partitions), row_splits_dtype, validate)


class SparseFeature(collections.namedtuple("SparseFeature", ["index_key", "value_key", "dtype", "size",
                                                             "already_sorted"])):
    """tf.io.SparseFeature(index_key, value_key, dtype, size, already_sorted=False)."""

    def __new__(cls, index_key: Any, value_key: Any, dtype: Any, size: Any, already_sorted: bool = False):
        return super().__new__(cls, index_key, value_key, dtype, size, already_sorted)


# -- framing -------------------------------------------------------------------------------------------
def _varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


_PREFIX: list = []  # tag and length of field 1 for every record length below 2**14 (1- and 2-byte varints)


def _batch_bytes(records: list) -> bytes:
    if not _PREFIX:
        _PREFIX.extend(b"\x0a" + _varint(n) for n in range(1 << 14))
    lens = list(map(len, records))
    if lens and max(lens) < (1 << 14):
        prefixes = list(map(_PREFIX.__getitem__, lens))
    else:
        prefixes = [b"\x0a" + _varint(n) for n in lens]
    return b"".join(itertools.chain.from_iterable(zip(prefixes, records)))


def _records(serialized: Any, fn: str) -> tuple:
    """(list of bytes, batch shape) of a string tensor/list of serialized records."""
    if isinstance(serialized, (list, tuple)) and all(isinstance(x, bytes) for x in serialized):
        return list(serialized), (len(serialized),)
    t = serialized if isinstance(serialized, Tensor) else convert_to_tensor(serialized)
    if t.dtype != _dt.string:
        raise errors.InvalidArgumentError(None, None, f"{fn}: serialized must be a string tensor, got "
                                                      f"{t.dtype.name}")
    a = np.asarray(t.array)
    return a.reshape(-1).tolist(), a.shape


def _parse_batch(records: list, cls: Any, fn: str) -> Any:
    try:
        return cls.FromString(_batch_bytes(records)).example
    except Exception:  # noqa: BLE001 - a record that is not an Example: find it for TF's message
        one = pb.Example if cls is pb.ExampleBatch else pb.SequenceExample
        for i, r in enumerate(records):
            try:
                one.FromString(r)
            except Exception:  # noqa: BLE001
                raise errors.InvalidArgumentError(None, None, f"{fn}: Could not parse example input, value: "
                                                              f"'{r[:64]!r}' (record {i})") from None
        raise


# -- per-feature extraction ----------------------------------------------------------------------------
def _dtype(cfg: Any, key: str) -> _dt.DType:
    dt = _dt.as_dtype(cfg.dtype)
    if dt not in _KINDS:
        raise ValueError(f"Unsupported dtype {dt.name} for feature {key!r}: tf.io parsing supports int64, float32 "
                         "and string.")
    return dt


def _values_of(feats: list, key: str, dt: _dt.DType, fn: str) -> list:
    """For each example: the value list of ``key`` (None when missing), type-checked."""
    want = _KINDS[dt]
    out = []
    for f in feats:
        if f is None:
            out.append(None)
            continue
        kind = f.WhichOneof("kind")
        if kind is None:
            out.append([])
            continue
        if kind != want:
            raise errors.InvalidArgumentError(
                None, None, f"{fn}: Key: {key}.  Data types don't match. Data type: {_KIND_DT[kind]} but expected "
                            f"type: {_TF_NAME[dt]}")
        out.append(getattr(f, want).value)
    return out


def _np_values(vals: Any, dt: _dt.DType) -> np.ndarray:
    if dt == _dt.string:
        a = np.empty(len(vals), _OBJ)
        if len(vals):
            a[:] = list(vals)
        return a
    return np.asarray(vals, dt._np)


def _as_tensor(a: np.ndarray, dt: _dt.DType) -> Tensor:
    if dt == _dt.string:
        return wrap(a)
    return convert_to_tensor(a)


def _feature_lists(examples: Any, key: str) -> list:
    out = []
    for ex in examples:
        fm = ex.features.feature
        out.append(fm[key] if key in fm else None)
    return out


def _lists_fast(fms: list, key: str, dt: _dt.DType) -> list:
    """The value containers of ``key`` in every example's feature map, without checks (a missing key or a
    value of another type shows as an empty container; callers verify lengths and fall back to the checked
    path). Message maps insert missing keys on lookup: only use this on a batch parsed for this call."""
    if dt == _dt.int64:
        return [fm[key].int64_list.value for fm in fms]
    if dt == _dt.float32:
        return [fm[key].float_list.value for fm in fms]
    return [fm[key].bytes_list.value for fm in fms]


def _fixed_fast(fms: list, key: str, cfg: FixedLenFeature) -> Tensor | None:
    dt = _dtype(cfg, key)
    shape = tuple(TensorShape(cfg.shape).as_list())
    n = int(np.prod(shape, dtype=np.int64))
    lists = _lists_fast(fms, key, dt)
    if n == 0 or any(len(v) != n for v in lists):
        return None
    B = len(lists)
    flat_it = itertools.chain.from_iterable(lists)
    if dt == _dt.string:
        flat = np.empty(B * n, _OBJ)
        flat[:] = list(flat_it)
    else:
        flat = np.fromiter(flat_it, dt._np, B * n)
    return _as_tensor(flat.reshape((B,) + shape), dt)


def _varlen_fast(fms: list, key: str, cfg: VarLenFeature) -> SparseTensor | None:
    dt = _dtype(cfg, key)
    lists = _lists_fast(fms, key, dt)
    lens = np.fromiter(map(len, lists), np.int64, len(lists))
    if not lens.all():
        return None  # a missing key or another type: the checked path tells them apart
    total = int(lens.sum())
    flat_it = itertools.chain.from_iterable(lists)
    if dt == _dt.string:
        vals = np.empty(total, _OBJ)
        vals[:] = list(flat_it)
    else:
        vals = np.fromiter(flat_it, dt._np, total)
    rows = np.repeat(np.arange(len(lists), dtype=np.int64), lens)
    starts = np.repeat(np.cumsum(lens) - lens, lens)
    cols = np.arange(total, dtype=np.int64) - starts
    return SparseTensor(np.stack([rows, cols], axis=1), _as_tensor(vals, dt),
                        np.asarray([len(lists), int(lens.max()) if len(lens) else 0], np.int64))


def _fixed(examples: Any, key: str, cfg: FixedLenFeature, fn: str) -> Tensor:
    dt = _dtype(cfg, key)
    shape = tuple(TensorShape(cfg.shape).as_list())
    n = int(np.prod(shape, dtype=np.int64))
    feats = _feature_lists(examples, key)
    vals = _values_of(feats, key, dt, fn)
    default = None
    if cfg.default_value is not None:
        d = np.asarray(convert_to_tensor(cfg.default_value, dtype=dt).array)
        default = np.broadcast_to(d, shape).reshape(-1)
    B = len(vals)
    if dt != _dt.string and n == 1 and default is None and all(v is not None and len(v) == 1 for v in vals):
        flat = np.fromiter((v[0] for v in vals), dt._np, B)  # the common case: one number per example
        return _as_tensor(flat.reshape((B,) + shape), dt)
    rows = []
    for i, v in enumerate(vals):
        if v is None:
            if default is None:
                raise errors.InvalidArgumentError(
                    None, None, f"{fn}: Feature: {key} (data type: {_TF_NAME[dt]}) is required but could not be "
                                f"found.")
            rows.append(default)
            continue
        if len(v) != n:
            raise errors.InvalidArgumentError(
                None, None, f"{fn}: Key: {key}.  Can't parse serialized Example: expected {n} values (shape "
                            f"{list(shape)}), got {len(v)} in example {i}.")
        rows.append(v)
    if dt == _dt.string:
        flat = np.empty(B * n, _OBJ)
        flat[:] = [x for r in rows for x in r]
    else:
        flat = np.asarray(rows, dt._np).reshape(-1) if rows else np.zeros(0, dt._np)
    return _as_tensor(flat.reshape((B,) + shape), dt)


def _varlen(examples: Any, key: str, cfg: VarLenFeature, fn: str) -> SparseTensor:
    dt = _dtype(cfg, key)
    vals = _values_of(_feature_lists(examples, key), key, dt, fn)
    lens = np.fromiter((0 if v is None else len(v) for v in vals), np.int64, len(vals))
    flat = [x for v in vals if v for x in v]
    rows = np.repeat(np.arange(len(vals), dtype=np.int64), lens)
    cols = np.concatenate([np.arange(k, dtype=np.int64) for k in lens]) if len(lens) else np.zeros(0, np.int64)
    idx = np.stack([rows, cols], axis=1) if len(rows) else np.zeros((0, 2), np.int64)
    shape = np.asarray([len(vals), int(lens.max()) if len(lens) else 0], np.int64)
    return SparseTensor(idx, _as_tensor(_np_values(flat, dt), dt), shape)


def _ragged(examples: Any, key: str, cfg: RaggedFeature, fn: str) -> RaggedTensor:
    dt = _dtype(cfg, key)
    vk = cfg.value_key or key
    vals = _values_of(_feature_lists(examples, vk), vk, dt, fn)
    lens = np.fromiter((0 if v is None else len(v) for v in vals), np.int64, len(vals))
    flat = [x for v in vals if v for x in v]
    sdt = _dt.as_dtype(cfg.row_splits_dtype)
    return RaggedTensor.from_row_lengths(_as_tensor(_np_values(flat, dt), dt), lens.astype(sdt._np),
                                         validate=False).with_row_splits_dtype(sdt)


def _seq_dense(examples: Any, key: str, cfg: FixedLenSequenceFeature, fn: str, lists: Any = None) -> Tensor:
    dt = _dtype(cfg, key)
    shape = tuple(TensorShape(cfg.shape).as_list())
    n = int(np.prod(shape, dtype=np.int64))
    if lists is None:
        if not cfg.allow_missing:
            raise ValueError(f"{fn}: FixedLenSequenceFeature {key!r} in parse_example needs allow_missing=True")
        vals = _values_of(_feature_lists(examples, key), key, dt, fn)
    else:
        vals = lists
    counts = []
    for i, v in enumerate(vals):
        k = 0 if v is None else len(v)
        if k % max(n, 1):
            raise errors.InvalidArgumentError(
                None, None, f"{fn}: Key: {key}, Index: {i}.  Number of values ({k}) is not a multiple of the "
                            f"shape size ({n}).")
        counts.append(k // max(n, 1))
    T = max(counts, default=0)
    B = len(vals)
    if cfg.default_value is not None:
        fill = np.asarray(convert_to_tensor(cfg.default_value, dtype=dt).array)
    else:
        fill = b"" if dt == _dt.string else np.zeros((), dt._np)
    out = np.empty((B, T) + shape, _OBJ) if dt == _dt.string else np.zeros((B, T) + shape, dt._np)
    out[...] = fill
    for i, v in enumerate(vals):
        if v:
            out[i, :counts[i]] = _np_values(v, dt).reshape((counts[i],) + shape)
    return _as_tensor(out, dt)


def _sparse_feature(examples: Any, key: str, cfg: SparseFeature, fn: str) -> SparseTensor:
    dt = _dtype(cfg, key)
    ikeys = [cfg.index_key] if isinstance(cfg.index_key, str) else list(cfg.index_key)
    vals = _values_of(_feature_lists(examples, cfg.value_key), cfg.value_key, dt, fn)
    idxs = [_values_of(_feature_lists(examples, k), k, _dt.int64, fn) for k in ikeys]
    rows, ind, flat = [], [], []
    for b, v in enumerate(vals):
        v = list(v or [])
        cols = [list(ix[b] or []) for ix in idxs]
        order = sorted(range(len(v)), key=lambda j: tuple(c[j] for c in cols)) if not cfg.already_sorted else \
            range(len(v))
        for j in order:
            rows.append(b)
            ind.append([c[j] for c in cols])
            flat.append(v[j])
    size = [cfg.size] if isinstance(cfg.size, int) else list(cfg.size)
    indices = np.concatenate([np.asarray(rows, np.int64)[:, None], np.asarray(ind, np.int64).reshape(
        len(rows), len(ikeys))], axis=1) if rows else np.zeros((0, 1 + len(ikeys)), np.int64)
    return SparseTensor(indices, _as_tensor(_np_values(flat, dt), dt), np.asarray([len(vals)] + size, np.int64))


def _parse(examples: Any, features: dict, fn: str) -> dict:
    out = {}
    for key in sorted(features):
        cfg = features[key]
        if isinstance(cfg, FixedLenFeature):
            out[key] = _fixed(examples, key, cfg, fn)
        elif isinstance(cfg, VarLenFeature):
            out[key] = _varlen(examples, key, cfg, fn)
        elif isinstance(cfg, RaggedFeature):
            out[key] = _ragged(examples, key, cfg, fn)
        elif isinstance(cfg, FixedLenSequenceFeature):
            out[key] = _seq_dense(examples, key, cfg, fn)
        elif isinstance(cfg, SparseFeature):
            out[key] = _sparse_feature(examples, key, cfg, fn)
        else:
            raise ValueError(f"{fn}: unsupported feature configuration for {key!r}: {cfg!r}")
    return out


def _parse_fast(examples: Any, features: dict) -> dict | None:
    """The common case in one pass per feature (every example has every FixedLen/VarLen feature with the
    right type and size); None when anything differs (the checked path then decides, and raises TF's errors)."""
    fms = [ex.features.feature for ex in examples]
    out = {}
    for key in sorted(features):
        cfg = features[key]
        if type(cfg) is FixedLenFeature:
            v = _fixed_fast(fms, key, cfg)
        elif type(cfg) is VarLenFeature:
            v = _varlen_fast(fms, key, cfg)
        else:
            return None
        if v is None:
            return None
        out[key] = v
    return out


def _from_fast_all(fast: dict, features: dict) -> dict:
    """Tensors of the fast parser's NumPy results, every numeric array sent to the device in one call."""
    host: list = []  # numeric arrays, in order
    plan: dict = {}
    for k, v in fast.items():
        dt = _dt.as_dtype(features[k].dtype)
        if v[0] == "dense":
            plan[k] = ("dense", dt, _slot(host, v[1], dt))
        else:
            vals, lens = v[1], v[2]
            vals = _np_values(vals, dt) if isinstance(vals, list) else vals
            total = int(lens.sum())
            rows = np.repeat(np.arange(len(lens), dtype=np.int64), lens)
            cols = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lens) - lens, lens)
            shape = np.asarray([len(lens), int(lens.max()) if len(lens) else 0], np.int64)
            plan[k] = ("sparse", dt, _slot(host, np.stack([rows, cols], axis=1), _dt.int64), _slot(host, vals, dt),
                       _slot(host, shape, _dt.int64))
    on_device = device_put_all([h for h in host if not isinstance(h, Tensor)])
    it = iter(on_device)
    ts = [h if isinstance(h, Tensor) else wrap(next(it)) for h in host]
    out = {}
    for k, p in plan.items():
        if p[0] == "dense":
            out[k] = ts[p[2]]
        else:
            out[k] = SparseTensor._from_parts(ts[p[2]], ts[p[3]], ts[p[4]])
    return out


def _slot(host: list, a: np.ndarray, dt: _dt.DType) -> int:
    host.append(wrap(a) if dt == _dt.string else np.ascontiguousarray(a))
    return len(host) - 1


def parse_example(serialized: Any, features: dict, example_names: Any = None, name: Any = None) -> dict:
    """tf.io.parse_example: parse a vector of serialized tf.train.Example records into a dict of tensors."""
    if not features:
        raise ValueError("tf.io.parse_example: Missing: features was empty.")
    records, shape = _records(serialized, "tf.io.parse_example")
    if len(shape) != 1:
        raise ValueError(f"tf.io.parse_example: serialized must be a vector, got shape {list(shape)}")
    fn = "tf.io.parse_example"
    if records and all(type(c) in (FixedLenFeature, VarLenFeature) for c in features.values()):
        fast = _fast.parse(records, features, FixedLenFeature, VarLenFeature)
        if fast is not None:
            return _from_fast_all(fast, features)
        out = _parse_fast(_parse_batch(records, pb.ExampleBatch, fn), features)
        if out is not None:
            return out
    # a fresh parse: the fast path's lookups may have added empty entries to the maps
    return _parse(_parse_batch(records, pb.ExampleBatch, fn), features, fn)


def _unbatch(v: Any) -> Any:
    if isinstance(v, SparseTensor):
        idx = np.asarray(v.indices.array)[:, 1:]
        return SparseTensor(idx, v.values, np.asarray(v.dense_shape.array)[1:])
    if isinstance(v, RaggedTensor):
        return v[0]
    return v[0]


def parse_single_example(serialized: Any, features: dict, example_names: Any = None, name: Any = None) -> dict:
    """tf.io.parse_single_example: parse one serialized tf.train.Example (a scalar string)."""
    if not features:
        raise ValueError("tf.io.parse_single_example: Missing: features was empty.")
    records, shape = _records(serialized, "tf.io.parse_single_example")
    if shape != ():
        raise ValueError(f"tf.io.parse_single_example: serialized must be a scalar, got shape {list(shape)}")
    out = _parse(_parse_batch(records, pb.ExampleBatch, "tf.io.parse_single_example"), features,
                 "tf.io.parse_single_example")
    return {k: _unbatch(v) for k, v in out.items()}


def _seq_values(examples: Any, key: str, dt: _dt.DType, fn: str) -> list:
    """For each SequenceExample: the list of per-step value lists of feature list ``key`` (None if missing)."""
    want = _KINDS[dt]
    out = []
    for ex in examples:
        fl = ex.feature_lists.feature_list
        if key not in fl:
            out.append(None)
            continue
        steps = []
        for f in fl[key].feature:
            kind = f.WhichOneof("kind")
            if kind is not None and kind != want:
                raise errors.InvalidArgumentError(
                    None, None, f"{fn}: Key: {key}.  Data types don't match. Data type: {_KIND_DT[kind]} but "
                                f"expected type: {_TF_NAME[dt]}")
            steps.append(list(getattr(f, want).value) if kind else [])
        out.append(steps)
    return out


def _parse_sequences(examples: Any, context_features: Any, sequence_features: Any, fn: str) -> tuple:
    ctx_examples = [pb.Example(features=ex.context) for ex in examples]
    context = _parse(ctx_examples, context_features or {}, fn) if context_features else {}
    seq, lengths = {}, {}
    for key in sorted(sequence_features or {}):
        cfg = sequence_features[key]
        dt = _dtype(cfg, key)
        steps = _seq_values(examples, key, dt, fn)
        if isinstance(cfg, FixedLenSequenceFeature):  # TF reports lengths of the dense feature lists only
            lengths[key] = convert_to_tensor(np.asarray([0 if s is None else len(s) for s in steps], np.int64))
            shape = tuple(TensorShape(cfg.shape).as_list())
            n = int(np.prod(shape, dtype=np.int64))
            flat_lists = []
            for s in steps:
                if s is None:
                    if not cfg.allow_missing:
                        raise errors.InvalidArgumentError(
                            None, None, f"{fn}: Name: <unknown>, Feature list '{key}' is required but could not be "
                                        "found.  Did you mean to include it in feature_list_dense_missing_assumed_"
                                        "empty or feature_list_dense_defaults?")
                    flat_lists.append(None)
                    continue
                for t, step in enumerate(s):
                    if len(step) != n:
                        raise errors.InvalidArgumentError(
                            None, None, f"{fn}: Name: <unknown>, Key: {key}, Index: {t}.  Number of {_TF_NAME[dt]} "
                                        f"values != expected.  values size: {len(step)} but output shape: "
                                        f"{list(shape)}")
                flat_lists.append([x for step in s for x in step])
            seq[key] = _seq_dense(examples, key, cfg._replace(allow_missing=True), fn, lists=flat_lists)
        elif isinstance(cfg, VarLenFeature):
            idx, flat = [], []
            for b, s in enumerate(steps):
                for t, step in enumerate(s or []):
                    for j, x in enumerate(step):
                        idx.append((b, t, j))
                        flat.append(x)
            T = max((len(s or []) for s in steps), default=0)
            J = max((len(step) for s in steps for step in (s or [])), default=0)
            seq[key] = SparseTensor(np.asarray(idx, np.int64).reshape(-1, 3), _as_tensor(_np_values(flat, dt), dt),
                                    np.asarray([len(steps), T, J], np.int64))
        elif isinstance(cfg, RaggedFeature):
            inner = [step for s in steps for step in (s or [])]
            step_lens = np.asarray([len(x) for x in inner], np.int64)
            flat = [x for step in inner for x in step]
            sdt = _dt.as_dtype(cfg.row_splits_dtype)
            r = RaggedTensor.from_row_lengths(_as_tensor(_np_values(flat, dt), dt), step_lens, validate=False)
            seq[key] = RaggedTensor.from_row_lengths(r, np.asarray([len(s or []) for s in steps], np.int64),
                                                     validate=False).with_row_splits_dtype(sdt)
        else:
            raise ValueError(f"{fn}: unsupported sequence feature configuration for {key!r}: {cfg!r}")
    return context, seq, lengths


def parse_sequence_example(serialized: Any, context_features: Any = None, sequence_features: Any = None,
                           example_names: Any = None, name: Any = None) -> tuple:
    """tf.io.parse_sequence_example: (context, feature_lists, feature_list_lengths) of a batch of records."""
    records, shape = _records(serialized, "tf.io.parse_sequence_example")
    exs = _parse_batch(records, pb.SequenceExampleBatch, "tf.io.parse_sequence_example")
    return _parse_sequences(exs, context_features, sequence_features, "tf.io.parse_sequence_example")


def parse_single_sequence_example(serialized: Any, context_features: Any = None, sequence_features: Any = None,
                                  example_name: Any = None, name: Any = None) -> tuple:
    """tf.io.parse_single_sequence_example: (context, feature_lists) of one serialized SequenceExample."""
    records, shape = _records(serialized, "tf.io.parse_single_sequence_example")
    exs = _parse_batch(records, pb.SequenceExampleBatch, "tf.io.parse_single_sequence_example")
    ctx, seq, _ = _parse_sequences(exs, context_features, sequence_features, "tf.io.parse_single_sequence_example")
    return {k: _unbatch(v) for k, v in ctx.items()}, {k: _unbatch(v) for k, v in seq.items()}
