"""TFRecord files: tf.io.TFRecordWriter, tf.io.TFRecordOptions and the record reader of TFRecordDataset.

A file is a sequence of records ``uint64 length | uint32 masked CRC-32C of the length bytes | data |
uint32 masked CRC-32C of the data`` (little-endian), optionally as one GZIP or ZLIB stream; the bytes
are TF's exactly, in both directions. Both CRCs are checked on read: a damaged or truncated record
raises DataLossError naming the file and offset, never garbage. The CRC is ``core/crc32c`` (the
``google-crc32c`` C code, shared with checkpoints).
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from typing import Any, Iterator

import numpy as np

from ..core import crc32c, errors
from ..core.tensor import Tensor
from .files import path_str

_HEADER = struct.Struct("<Q")
_U32 = struct.Struct("<I")
_COMPRESSIONS = {None: "", "": "", "NONE": "", "GZIP": "GZIP", "ZLIB": "ZLIB"}


class TFRecordCompressionType:
    """tf.compat.v1.io.TFRecordCompressionType: NONE, ZLIB, GZIP."""

    NONE, ZLIB, GZIP = 0, 1, 2


def compression_name(value: Any, fn: str) -> str:
    if isinstance(value, TFRecordOptions):
        return value.compression_type
    if isinstance(value, Tensor):
        value = np.asarray(value.array)[()]
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, int):
        return {0: "", 1: "ZLIB", 2: "GZIP"}[value]
    key = value.upper() if isinstance(value, str) else value
    if key not in _COMPRESSIONS:
        raise ValueError(f"{fn}: compression_type must be '', 'ZLIB' or 'GZIP', got {value!r}")
    return _COMPRESSIONS[key]


class TFRecordOptions:
    """tf.io.TFRecordOptions(compression_type, compression_level, ...): how a TFRecord file is compressed.

    Only ``compression_type`` and ``compression_level`` change the output; the zlib buffer/window/strategy
    settings TF exposes are accepted and ignored (the stream is valid either way)."""

    compression_type_map = {0: "", 1: "ZLIB", 2: "GZIP"}

    def __init__(self, compression_type: Any = None, flush_mode: Any = None, input_buffer_size: Any = None,
                 output_buffer_size: Any = None, window_bits: Any = None, compression_level: Any = None,
                 compression_method: Any = None, mem_level: Any = None, compression_strategy: Any = None):
        self.compression_type = compression_name(compression_type, "tf.io.TFRecordOptions")
        self.compression_level = compression_level
        self.flush_mode, self.input_buffer_size, self.output_buffer_size = flush_mode, input_buffer_size, \
            output_buffer_size
        self.window_bits, self.compression_method, self.mem_level = window_bits, compression_method, mem_level
        self.compression_strategy = compression_strategy

    @classmethod
    def get_compression_type_string(cls, options: Any) -> str:
        if not options:
            return ""
        return compression_name(options, "TFRecordOptions.get_compression_type_string")


def frame(record: bytes) -> bytes:
    """One record in TFRecord framing."""
    n = _HEADER.pack(len(record))
    return b"".join((n, _U32.pack(crc32c.mask(crc32c.value(n))), record,
                     _U32.pack(crc32c.mask(crc32c.value(record)))))


class TFRecordWriter:
    """tf.io.TFRecordWriter(path, options=None): write records (bytes) to a TFRecord file."""

    def __init__(self, path: Any, options: Any = None):
        self._path = path_str(path, "tf.io.TFRecordWriter")
        self._comp = compression_name(options, "tf.io.TFRecordWriter") if options is not None else ""
        level = getattr(options, "compression_level", None)
        level = 6 if level is None or level < 0 else int(level)
        try:
            raw = open(self._path, "wb")
        except OSError as e:
            raise errors.from_os_error(e, f"tf.io.TFRecordWriter: {self._path}") from None
        self._raw = raw
        if self._comp == "GZIP":
            self._f: Any = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=level, mtime=0)
        elif self._comp == "ZLIB":
            self._z = zlib.compressobj(level)
            self._f = None
        else:
            self._f = raw
        self._closed = False

    def write(self, record: Any) -> None:
        """Write one record (bytes, str or a scalar string Tensor)."""
        if self._closed:
            raise errors.FailedPreconditionError(None, None, "tf.io.TFRecordWriter.write: the writer is closed")
        if isinstance(record, Tensor):
            record = np.asarray(record.array)[()]
        if isinstance(record, str):
            record = record.encode("utf-8")
        data = frame(bytes(record))
        if self._comp == "ZLIB":
            self._raw.write(self._z.compress(data))
        else:
            self._f.write(data)

    def flush(self) -> None:
        if self._closed:
            return
        if self._comp == "ZLIB":
            self._raw.write(self._z.flush(zlib.Z_SYNC_FLUSH))
        elif self._comp == "GZIP":
            self._f.flush()
        self._raw.flush()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._comp == "ZLIB":
            self._raw.write(self._z.flush())
        elif self._comp == "GZIP":
            self._f.close()
        self._raw.close()

    def __enter__(self) -> TFRecordWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def _damaged(path: str, what: str) -> errors.DataLossError:
    return errors.DataLossError(None, None, f"{what} in {path} (the TFRecord file is damaged or truncated)")


def read_bytes(path: str, compression: str) -> bytes:
    """The (decompressed) bytes of a TFRecord file; DataLossError for a damaged compressed stream."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise errors.from_os_error(e, f"tf.data.TFRecordDataset: {path}") from None
    if compression == "GZIP":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            raise _damaged(path, f"corrupted GZIP stream ({e})") from None
    if compression == "ZLIB":
        try:
            d = zlib.decompressobj()
            out = d.decompress(data) + d.flush()
            if not d.eof:
                raise _damaged(path, "truncated ZLIB stream")
            return out
        except zlib.error as e:
            raise _damaged(path, f"corrupted ZLIB stream ({e})") from None
    return data


def split_records(data: bytes, path: str, check: bool = True) -> list:
    """The records of TFRecord bytes ``data``, both CRCs checked (DataLossError on any damage).

    One pass finds the record boundaries; the CRCs are then computed by the C function over all records
    and compared, masked, with NumPy (no per-record Python arithmetic)."""
    starts, lens = [], []
    pos, n = 0, len(data)
    unpack_len = _HEADER.unpack_from
    while pos < n:
        if pos + 12 > n:
            raise _damaged(path, f"truncated record at offset {pos}")
        (length,) = unpack_len(data, pos)
        end = pos + 12 + length
        if end + 4 > n:
            if check and crc32c.mask(crc32c.value(data[pos:pos + 8])) != _U32.unpack_from(data, pos + 8)[0]:
                raise _damaged(path, f"corrupted record at offset {pos} (length checksum mismatch)")
            raise _damaged(path, f"truncated record at offset {pos}")
        starts.append(pos)
        lens.append(length)
        pos = end + 4
    if not starts:
        return []
    st = np.asarray(starts, np.int64)
    ln = np.asarray(lens, np.int64)
    recs = [data[a + 12:a + 12 + b] for a, b in zip(starts, lens)]
    if check:
        buf = np.frombuffer(data, np.uint8)
        crc = crc32c.bytes_value()
        heads = list(map(crc, [data[a:a + 8] for a in starts]))
        bodies = list(map(crc, recs))
        got = np.asarray(heads + bodies, np.uint64)
        masked = (((got >> np.uint64(15)) | (got << np.uint64(17))) + np.uint64(0xA282EAD8)) & np.uint64(0xFFFFFFFF)
        at = np.concatenate([st + 8, st + 12 + ln])
        stored = (buf[at].astype(np.uint64) | buf[at + 1].astype(np.uint64) << np.uint64(8)
                  | buf[at + 2].astype(np.uint64) << np.uint64(16) | buf[at + 3].astype(np.uint64) << np.uint64(24))
        bad = np.nonzero(masked != stored)[0]
        if bad.size:
            k = int(bad[0])
            which = "length" if k < len(starts) else "data"
            raise _damaged(path, f"corrupted record at offset {starts[k % len(starts)]} ({which} checksum mismatch)")
    return recs


def iter_records(path: Any, compression: str = "") -> Iterator[bytes]:
    """Every record of one TFRecord file, in order (checked)."""
    p = path_str(path, "tf.data.TFRecordDataset")
    if not os.path.exists(p):
        raise errors.NotFoundError(None, None, f"tf.data.TFRecordDataset: {p}; No such file or directory")
    yield from split_records(read_bytes(p, compression), p)


def tf_record_iterator(path: Any, options: Any = None) -> Iterator[bytes]:
    """tf.compat.v1.io.tf_record_iterator: the records of a file as bytes."""
    comp = compression_name(options, "tf_record_iterator") if options is not None else ""
    return iter_records(path, comp)
