"""Reading checkpoints written by real TensorFlow (``<prefix>.index`` + ``<prefix>.data-*-of-*``), every byte verified.

TF's tensor bundle: the ``.index`` file is a LevelDB-style table: blocks of prefix-compressed sorted
key/value entries, each block followed by a 5-byte trailer (a compression byte and the masked
CRC-32C of the block and that byte), a (here empty) metaindex block, an index block pointing at the
data blocks, and a 48-byte footer (the two block handles, zero padding, a magic number). The entry
under the empty key is a ``BundleHeaderProto`` (number of shards, byte order, format version); every
other entry is a ``BundleEntryProto`` (dtype, shape, shard, offset, size and the masked CRC-32C of
the value's bytes). The values are raw bytes in the data shards; string tensors are varint lengths,
the masked CRC-32C of the lengths, then the bytes. The object graph is the
``_CHECKPOINTABLE_OBJECT_GRAPH`` string tensor (a ``TrackableObjectGraph`` proto). Both protos are
decoded here from the wire format, so TF itself is not needed.

Reading checks everything TF checks (every block's CRC, every value's CRC, sizes against shapes),
and more, so that damage anywhere is noticed before anything is restored: the blocks must tile
the index file exactly, the footer's padding must be zero, and the bytes of a data shard that no
entry covers (alignment padding) must be zero. Any damage raises ``tf.errors.DataLossError`` naming
the file; nothing is returned, so nothing is restored.
"""

from __future__ import annotations

import os
import struct
from typing import Any

import numpy as np

from ..core import crc32c, errors
from . import storage

_MAGIC = 0xDB4775248B80FB57
_FOOTER = 48
_TRAILER = 5  # compression type byte + masked CRC-32C
_OBJECT_GRAPH = "_CHECKPOINTABLE_OBJECT_GRAPH"
# TF DataType enum -> NumPy dtype name
_DTYPES = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8", 8: "complex64", 9: "int64",
           10: "bool", 14: "bfloat16", 17: "uint16", 18: "complex128", 19: "float16", 22: "uint32", 23: "uint64"}
_DT_STRING = 7
_DT_VARIANT = 21
_BUNDLE_VERSION = 1  # the format version this reader implements (TF's kTensorBundleVersion)


class _Damaged(Exception):
    """Raised inside the parsers; turned into DataLossError naming the file."""


def _varint(buf: Any, pos: int, canonical: bool = False) -> tuple:
    """(value, next position) of the varint at ``pos``; ``canonical``: reject a needlessly long encoding."""
    start = pos
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise _Damaged("truncated varint")
        if shift > 63:
            raise _Damaged("varint too long")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            if canonical and b == 0 and pos - start > 1:
                raise _Damaged("overlong varint")
            return result, pos
        shift += 7


def _fields(buf: bytes) -> list:
    """Protobuf wire format: [(field number, value)] (ints for varint/fixed, bytes for length-delimited)."""
    out, pos = [], 0
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        num, wt = tag >> 3, tag & 7
        if num == 0:
            raise _Damaged("field number 0")
        if wt == 0:
            v, pos = _varint(buf, pos)
        elif wt == 1:
            if pos + 8 > len(buf):
                raise _Damaged("truncated fixed64")
            v = struct.unpack_from("<Q", buf, pos)[0]
            pos += 8
        elif wt == 2:
            n, pos = _varint(buf, pos)
            if pos + n > len(buf):
                raise _Damaged("truncated field")
            v = bytes(buf[pos:pos + n])
            pos += n
        elif wt == 5:
            if pos + 4 > len(buf):
                raise _Damaged("truncated fixed32")
            v = struct.unpack_from("<I", buf, pos)[0]
            pos += 4
        else:
            raise _Damaged(f"unsupported wire type {wt}")
        out.append((num, v))
    return out


# -- the .index table ------------------------------------------------------------------------------------------
def _block(data: bytes, offset: int, size: int, what: str, spans: list) -> list:
    """The (key, value) entries of the block at ``offset`` (its trailer's CRC verified); records its span."""
    end = len(data) - _FOOTER
    if offset < 0 or size < 4 or offset + size + _TRAILER > end:
        raise _Damaged(f"the {what} block ({size} bytes at {offset}) lies outside the file")
    stored = struct.unpack_from("<I", data, offset + size + 1)[0]
    if crc32c.value(data[offset:offset + size + 1]) != crc32c.unmask(stored):
        raise _Damaged(f"the checksum of the {what} block at offset {offset} does not match")
    if data[offset + size] != 0:
        raise errors.UnimplementedError(
            None, None, "compressed table blocks are not supported (TF writes checkpoints uncompressed)")
    spans.append((offset, size + _TRAILER))
    blk = data[offset:offset + size]
    n_restarts = struct.unpack_from("<I", blk, size - 4)[0]
    stop = size - 4 - 4 * n_restarts
    if n_restarts < 1 or stop < 0:
        raise _Damaged(f"the {what} block at offset {offset} has an invalid restart array")
    out, pos, key = [], 0, b""
    while pos < stop:
        shared, pos = _varint(blk, pos)
        unshared, pos = _varint(blk, pos)
        vlen, pos = _varint(blk, pos)
        if shared > len(key) or pos + unshared + vlen > stop:
            raise _Damaged(f"an entry of the {what} block at offset {offset} is invalid")
        key = key[:shared] + blk[pos:pos + unshared]
        pos += unshared
        out.append((key, blk[pos:pos + vlen]))
        pos += vlen
    return out


def _read_index(data: bytes) -> list:
    """[(key, value bytes)] of the index file's table, every block and the footer verified."""
    if len(data) < _FOOTER or struct.unpack_from("<Q", data, len(data) - 8)[0] != _MAGIC:
        raise _Damaged("not a TensorFlow checkpoint index (bad footer)")
    footer = data[len(data) - _FOOTER:len(data) - 8]
    meta_off, pos = _varint(footer, 0, True)
    meta_size, pos = _varint(footer, pos, True)
    idx_off, pos = _varint(footer, pos, True)
    idx_size, pos = _varint(footer, pos, True)
    if any(footer[pos:]):
        raise _Damaged("the footer's padding is not zero")
    spans: list = []
    _block(data, meta_off, meta_size, "metaindex", spans)
    entries: list = []
    for _, handle in _block(data, idx_off, idx_size, "index", spans):
        off, p = _varint(handle, 0)
        size, p = _varint(handle, p)
        if p != len(handle):
            raise _Damaged("an index entry is not a block handle")
        entries.extend(_block(data, off, size, "data", spans))
    pos = 0
    for off, n in sorted(spans):  # the blocks tile the file: no byte is left unchecked
        if off != pos:
            raise _Damaged(f"the blocks of the table do not cover bytes {min(pos, off)}..{max(pos, off)}")
        pos = off + n
    if pos != len(data) - _FOOTER:
        raise _Damaged("the blocks of the table do not end at the footer")
    keys = [k for k, _ in entries]
    if any(a >= b for a, b in zip(keys, keys[1:])):
        raise _Damaged("the keys of the table are not in order")
    return entries


def _header(raw: bytes) -> dict:
    h = {"num_shards": 0, "endianness": 0, "producer": 0, "min_consumer": 0, "bad_consumers": []}
    for num, v in _fields(raw):
        if num == 1:
            h["num_shards"] = v
        elif num == 2:
            h["endianness"] = v
        elif num == 3 and isinstance(v, bytes):
            for f, x in _fields(v):
                if f == 1:
                    h["producer"] = x
                elif f == 2:
                    h["min_consumer"] = x
                elif f == 3:
                    h["bad_consumers"].append(x)
    return h


def _entry(key: str, raw: bytes) -> dict:
    e = {"dtype": 0, "shape": [], "shard": 0, "offset": 0, "size": 0, "crc32c": 0}
    for num, v in _fields(raw):
        if num == 1:
            e["dtype"] = v
        elif num == 2:
            shape = []
            for n, d in _fields(v):
                if n == 2:
                    dim = dict(_fields(d)).get(1, 0)
                    shape.append(dim - (1 << 64) if dim >= 1 << 63 else dim)  # int64 as a varint
                elif n == 3 and d:
                    raise _Damaged(f"the entry of {key} has an unknown rank")
            e["shape"] = shape
        elif num == 3:
            e["shard"] = v
        elif num == 4:
            e["offset"] = v
        elif num == 5:
            e["size"] = v
        elif num == 6:
            e["crc32c"] = v
        elif num == 7:
            raise errors.UnimplementedError(
                None, None, f"{key} is a sliced (partitioned) variable; tfshim reads unpartitioned checkpoints only")
    if any(d < 0 for d in e["shape"]):
        raise _Damaged(f"the entry of {key} has an invalid shape {e['shape']}")
    return e


# -- values ------------------------------------------------------------------------------------------------------
def _string_elements(b: memoryview, n: int, order: str, key: str) -> tuple:
    """(elements, crc) of a string tensor's bytes: n varint lengths, their masked CRC, the bytes.

    The CRC covers each length as a 4-byte (8 for huge strings) integer in the file's byte order ``order``."""
    pos, crc, lengths = 0, 0, []
    for _ in range(n):
        length, pos = _varint(b, pos)
        lengths.append(length)
        crc = crc32c.extend(crc, struct.pack(order + ("I" if length <= 0xFFFFFFFF else "Q"), length))
    if pos + 4 > len(b):
        raise _Damaged(f"the lengths of the strings of {key} run past its data")
    stored = struct.unpack_from(order + "I", b, pos)[0]
    if crc32c.unmask(stored) != crc:
        raise _Damaged(f"the checksum of the string lengths of {key} does not match")
    crc = crc32c.extend(crc, b[pos:pos + 4])
    pos += 4
    out = []
    for length in lengths:
        if pos + length > len(b):
            raise _Damaged(f"the strings of {key} run past its data")
        piece = b[pos:pos + length]
        crc = crc32c.extend(crc, piece)
        out.append(bytes(piece))
        pos += length
    if pos != len(b):
        raise _Damaged(f"the size of {key} does not match its strings")
    return out, crc


def _variant_crc(b: memoryview, n: int, order: str, key: str) -> int:
    """The CRC of a variant tensor's bytes: per element a varint length, the bytes, a masked running CRC."""
    pos, crc = 0, 0
    for _ in range(n):
        length, pos = _varint(b, pos)
        crc = crc32c.extend(crc, struct.pack(order + "Q", length))
        if pos + length + 4 > len(b):
            raise _Damaged(f"the elements of {key} run past its data")
        crc = crc32c.extend(crc, b[pos:pos + length])
        pos += length
        if crc32c.unmask(struct.unpack_from(order + "I", b, pos)[0]) != crc:
            raise _Damaged(f"the checksum of an element of {key} does not match")
        crc = crc32c.extend(crc, b[pos:pos + 4])
        pos += 4
    if pos != len(b):
        raise _Damaged(f"the size of {key} does not match its elements")
    return crc


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
    for node in nodes:
        for name, cid in node["children"]:
            if not 0 <= cid < len(nodes):
                raise _Damaged(f"the child {name!r} of the object graph points at no node ({cid})")
    return nodes


def _read_file(path: str, fn: str, what: str) -> bytearray:
    try:
        with open(path, "rb", buffering=0) as f:
            size = os.fstat(f.fileno()).st_size
            buf = bytearray(size)
            got = f.readinto(buf) if size else 0
            while got < size:
                n = f.readinto(memoryview(buf)[got:])
                if not n:
                    break
                got += n
    except OSError as e:
        raise errors.from_os_error(e, f"{fn}: cannot read the TF checkpoint {what} {path}") from None
    if got != size:
        raise errors.DataLossError(None, None, f"{fn}: the TF checkpoint {what} {path} changed while being read.")
    return buf


def read(prefix: str, fn: str) -> tuple:
    """(manifest, {key: np.ndarray}) of the TF checkpoint ``prefix``, everything verified (DataLossError naming
    the damaged file, before anything is returned)."""
    prefix = os.fspath(prefix)
    index = prefix + ".index"
    try:
        table = _read_index(memoryview(_read_file(index, fn, "index")).toreadonly())
        if not table or table[0][0] != b"":
            raise _Damaged("the header entry is missing")
        header = _header(table[0][1])
        metas = {}
        for k, v in table[1:]:
            key = k.decode("utf-8")
            metas[key] = _entry(key, v)
    except (_Damaged, UnicodeDecodeError) as e:
        raise errors.DataLossError(None, None, f"{fn}: the TF checkpoint index {index} is corrupt: {e}") from None
    if header["min_consumer"] > _BUNDLE_VERSION or _BUNDLE_VERSION in header["bad_consumers"]:
        raise errors.InvalidArgumentError(
            None, None, f"{fn}: the TF checkpoint {prefix} needs a newer reader (format version {header['producer']}, "
            f"min_consumer {header['min_consumer']}); tfshim reads version {_BUNDLE_VERSION}.")
    num_shards = header["num_shards"]
    order = ">" if header["endianness"] == 1 else "<"  # the byte order of the values (1: big-endian)
    if num_shards < 1 or any(m["shard"] >= num_shards for m in metas.values()):
        raise errors.DataLossError(None, None, f"{fn}: the TF checkpoint index {index} is corrupt: bad shard numbers.")

    values, info, graph = {}, {}, None
    for shard in range(num_shards):
        mine = sorted(((k, m) for k, m in metas.items() if m["shard"] == shard), key=lambda km: km[1]["offset"])
        dfile = f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"
        if not mine and not os.path.exists(dfile):
            continue
        data = memoryview(_read_file(dfile, fn, "data"))

        def damaged(what: str, dfile: str = dfile) -> errors.DataLossError:
            return errors.DataLossError(None, None, f"{fn}: the TF checkpoint data {dfile} is corrupt: {what}")

        pos = 0
        for key, m in mine:
            off, size = m["offset"], m["size"]
            if off + size > len(data):
                raise damaged(f"the value of {key} ends past the end of the file")
            if any(data[pos:off]) if off > pos else False:  # alignment padding: zeros
                raise damaged(f"the bytes {pos}..{off} between values are not zero")
            pos = max(pos, off + size)
            b = data[off:off + size]
            n = int(np.prod(m["shape"], dtype=np.int64))
            try:
                if m["dtype"] == _DT_STRING:
                    elements, crc = _string_elements(b, n, order, key)
                elif m["dtype"] == _DT_VARIANT:
                    elements, crc = None, _variant_crc(b, n, order, key)
                else:
                    elements, crc = None, crc32c.value(b)
            except _Damaged as e:
                raise damaged(str(e)) from None
            if crc != crc32c.unmask(m["crc32c"]):
                raise damaged(f"the checksum of {key} does not match")
            if key == _OBJECT_GRAPH:
                if not elements:
                    raise damaged(f"{key} holds no object graph")
                graph = elements[0]
                continue
            if m["dtype"] == _DT_STRING:
                a = np.empty(n, object)
                a[:] = [bytes(x) for x in elements] if n else []
                values[key] = a.reshape(m["shape"])
                info[key] = {"shape": list(m["shape"]), "dtype": "string"}
                continue
            if m["dtype"] == _DT_VARIANT:
                continue  # verified; tfshim has no variant tensors
            name = _DTYPES.get(m["dtype"])
            if name is None:
                raise errors.InvalidArgumentError(
                    None, None, f"{fn}: {key} of {prefix} has a TF dtype ({m['dtype']}) tfshim lacks.")
            dt = storage._np_dtype(name)
            if n * dt.itemsize != size:
                raise damaged(f"the size of {key} ({size} bytes) does not match its shape {m['shape']} and dtype")
            a = np.frombuffer(b, dtype=dt.newbyteorder(order))
            values[key] = a.astype(dt).reshape(m["shape"])  # a copy in native byte order
            info[key] = {"shape": list(m["shape"]), "dtype": name}
        if any(data[pos:]):
            raise damaged(f"the bytes {pos}..{len(data)} after the last value are not zero")
    if graph is None:
        raise errors.InvalidArgumentError(
            None, None, f"{fn}: {prefix} is a name-based (TF1) checkpoint without an object graph; not supported.")
    try:
        nodes = _object_graph(graph)
    except (_Damaged, UnicodeDecodeError) as e:
        raise errors.DataLossError(None, None, f"{fn}: the object graph of {prefix} is corrupt: {e}") from None
    manifest = {"format": storage.FORMAT, "nodes": nodes, "values": info, "source": prefix}
    return manifest, values
