"""CRC-32C (Castagnoli), the checksum of TensorFlow's checkpoint files, and TF's masking of stored CRCs.

The checksum is computed by the ``google-crc32c`` package (C, hardware-accelerated where the CPU
has it); without that package a table-driven pure-Python version gives the same values, slowly
(about 10 MB/s: fine for index files and small checkpoints).
"""

from __future__ import annotations

from typing import Any

try:
    import google_crc32c as _google
except ImportError:  # pragma: no cover - the package is a dependency; this keeps reading possible without it
    _google = None

_POLY = 0x82F63B78  # the Castagnoli polynomial, bit-reversed
_MASK_DELTA = 0xA282EAD8
_table: list = []
_PIECE = 1 << 20


def _py_extend(crc: int, data: Any) -> int:
    if not _table:
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ _POLY if c & 1 else c >> 1
            _table.append(c)
    t = _table
    c = crc ^ 0xFFFFFFFF
    for b in bytes(data):
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def extend(crc: int, data: Any) -> int:
    """The CRC-32C of the bytes already checksummed to ``crc`` followed by ``data`` (a bytes-like object)."""
    if _google is not None:
        if isinstance(data, bytes):
            return _google.extend(crc, data)
        # The C function takes ``bytes`` only: other buffers go through in pieces of bounded size.
        mv = memoryview(data).cast("B")
        for i in range(0, len(mv), _PIECE):
            crc = _google.extend(crc, bytes(mv[i:i + _PIECE]))
        return crc
    return _py_extend(crc, data)


def value(data: Any) -> int:
    """The CRC-32C of ``data`` (a bytes-like object)."""
    return extend(0, data)


def bytes_value() -> Any:
    """The fastest function ``bytes -> CRC-32C`` (the C one when google-crc32c is installed)."""
    if _google is not None:
        try:
            from google_crc32c import _crc32c

            return _crc32c.value
        except ImportError:  # pragma: no cover - the pure-Python build of google-crc32c
            return _google.value
    return value


def mask(crc: int) -> int:
    """TF's (LevelDB's) masked form of a CRC, as stored in files: rotated right by 15 bits plus a constant."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def unmask(masked: int) -> int:
    """The CRC whose ``mask`` is ``masked``."""
    rot = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF
