"""Reading checkpoints written by real TensorFlow (``<prefix>.index`` + ``<prefix>.data-*-of-*``).

TF's tensor bundle: the ``.index`` file is a LevelDB-style table (sorted blocks of prefix-compressed
key/value entries, an index block, a 48-byte footer) mapping each checkpoint key to a
``BundleEntryProto`` (dtype, shape, shard, offset, size); the values are raw little-endian bytes in
the data shards. The object graph is the ``_CHECKPOINTABLE_OBJECT_GRAPH`` string tensor (a
``TrackableObjectGraph`` proto). Both protos are decoded here from the wire format, so TF itself is
not needed. Difference from TF: the CRC-32C of each value is not verified (sizes are).
"""

from __future__ import annotations

import os
import struct

import numpy as np

from ..core import errors
from . import storage

_MAGIC = 0xDB4775248B80FB57
_OBJECT_GRAPH = "_CHECKPOINTABLE_OBJECT_GRAPH"
# TF DataType enum -> NumPy dtype name
_DTYPES = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8", 8: "complex64", 9: "int64",
           10: "bool", 14: "bfloat16", 17: "uint16", 18: "complex128", 19: "float16", 22: "uint32", 23: "uint64"}
_DT_STRING = 7


def _varint(buf: bytes, pos: int) -> tuple:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes) -> list:
    """Protobuf wire format: [(field number, value)] (ints for varint/fixed, bytes for length-delimited)."""
    out, pos = [], 0
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        num, wt = tag >> 3, tag & 7
        if wt == 0:
            v, pos = _varint(buf, pos)
        elif wt == 1:
            v = struct.unpack_from("<Q", buf, pos)[0]
            pos += 8
        elif wt == 2:
            n, pos = _varint(buf, pos)
            v = bytes(buf[pos:pos + n])
            if len(v) != n:
                raise ValueError("truncated field")
            pos += n
        elif wt == 5:
            v = struct.unpack_from("<I", buf, pos)[0]
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wt}")
        out.append((num, v))
    return out


def _block(data: bytes, offset: int, size: int) -> list:
    """The (key, value) entries of one table block."""
    if offset + size + 5 > len(data):
        raise ValueError("block beyond the end of the file")
    if data[offset + size] != 0:
        raise ValueError("compressed table blocks are not supported")
    blk = data[offset:offset + size]
    n_restarts = struct.unpack_from("<I", blk, len(blk) - 4)[0]
    end = len(blk) - 4 - 4 * n_restarts
    out, pos, key = [], 0, b""
    while pos < end:
        shared, pos = _varint(blk, pos)
        unshared, pos = _varint(blk, pos)
        vlen, pos = _varint(blk, pos)
        key = key[:shared] + blk[pos:pos + unshared]
        pos += unshared
        out.append((key, blk[pos:pos + vlen]))
        pos += vlen
    return out


def _read_index(path: str) -> dict:
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 48 or struct.unpack_from("<Q", data, len(data) - 8)[0] != _MAGIC:
        raise ValueError("not a TensorFlow checkpoint index (bad footer)")
    pos = len(data) - 48
    _, pos = _varint(data, pos)  # metaindex handle
    _, pos = _varint(data, pos)
    idx_off, pos = _varint(data, pos)
    idx_size, pos = _varint(data, pos)
    entries = {}
    for _, handle in _block(data, idx_off, idx_size):
        off, p = _varint(handle, 0)
        size, _ = _varint(handle, p)
        for k, v in _block(data, off, size):
            entries[k.decode("utf-8")] = v
    return entries


def _entry(raw: bytes) -> dict:
    e = {"dtype": 1, "shape": [], "shard": 0, "offset": 0, "size": 0}
    for num, v in _fields(raw):
        if num == 1:
            e["dtype"] = v
        elif num == 2:
            e["shape"] = [dict(_fields(d)).get(1, 0) for n, d in _fields(v) if n == 2]
        elif num == 3:
            e["shard"] = v
        elif num == 4:
            e["offset"] = v
        elif num == 5:
            e["size"] = v
        elif num == 7:
            raise ValueError("sliced (partitioned) variables are not supported")
    return e


def _object_graph(raw: bytes) -> list:
    nodes = []
    for num, obj in _fields(raw):
        if num != 1:
            continue
        node: dict = {"children": []}
        for f, v in _fields(obj):
            if f == 1:
                ref = dict(_fields(v))
                node["children"].append([ref.get(2, b"").decode("utf-8"), ref.get(1, 0)])
            elif f == 2:
                attr = dict(_fields(v))
                if attr.get(1, b"") == b"VARIABLE_VALUE":
                    node["key"] = attr.get(3, b"").decode("utf-8")
        nodes.append(node)
    return nodes


def read(prefix: str, fn: str) -> tuple:
    """(manifest, {key: np.ndarray}) of the TF checkpoint ``prefix`` (DataLossError naming the file if damaged)."""
    index = prefix + ".index"
    try:
        entries = _read_index(index)
        header = dict(_fields(entries.pop("", b"")))
        num_shards = header.get(1, 1)
        metas = {k: _entry(v) for k, v in entries.items()}
    except (ValueError, struct.error, UnicodeDecodeError, IndexError) as e:
        raise errors.DataLossError(None, None, f"{fn}: the TF checkpoint index {index} is corrupt: {e}") from None
    shards: dict = {}

    def raw_bytes(key: str, m: dict) -> bytes:
        shard = f"{prefix}.data-{m['shard']:05d}-of-{num_shards:05d}"
        if shard not in shards:
            try:
                with open(shard, "rb") as f:
                    shards[shard] = f.read()
            except OSError as e:
                raise errors.DataLossError(
                    None, None, f"{fn}: cannot read the TF checkpoint data {shard}: {e}") from None
        b = shards[shard][m["offset"]:m["offset"] + m["size"]]
        if len(b) != m["size"]:
            raise errors.DataLossError(
                None, None, f"{fn}: the TF checkpoint data {shard} is truncated (value {key} ends past its end).")
        return b

    values, info = {}, {}
    for key, m in metas.items():
        if m["dtype"] == _DT_STRING or key == _OBJECT_GRAPH:
            continue
        name = _DTYPES.get(m["dtype"])
        if name is None:
            raise errors.InvalidArgumentError(None, None, f"{fn}: {key} has a TF dtype ({m['dtype']}) tfshim lacks.")
        dt = storage._np_dtype(name)
        b = raw_bytes(key, m)
        shape = tuple(m["shape"])
        if int(np.prod(shape, dtype=np.int64)) * dt.itemsize != len(b):
            raise errors.DataLossError(None, None, f"{fn}: the size of {key} in {prefix} does not match its shape.")
        values[key] = np.frombuffer(b, dtype=dt.newbyteorder("<")).astype(dt).reshape(shape)
        info[key] = {"shape": list(shape), "dtype": name}
    if _OBJECT_GRAPH not in metas:
        raise errors.InvalidArgumentError(
            None, None, f"{fn}: {prefix} is a name-based (TF1) checkpoint without an object graph; not supported.")
    raw = raw_bytes(_OBJECT_GRAPH, metas[_OBJECT_GRAPH])
    try:
        n, pos = _varint(raw, 0)
        nodes = _object_graph(raw[pos + 4:pos + 4 + n])  # length varint, its masked CRC-32C, the bytes
    except (ValueError, struct.error, UnicodeDecodeError) as e:
        raise errors.DataLossError(None, None, f"{fn}: the object graph of {prefix} is corrupt: {e}") from None
    manifest = {"format": storage.FORMAT, "nodes": nodes, "values": info, "source": os.fspath(prefix)}
    return manifest, values
