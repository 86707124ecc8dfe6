"""tf.io.serialize_tensor / parse_tensor (TF's TensorProto bytes), decode_raw, base64, decode_compressed,
decode_csv.

``serialize_tensor`` writes the bytes TF writes (dtype, shape, ``tensor_content`` for numbers,
``string_val`` for strings); ``parse_tensor`` reads those and TF's other TensorProto layouts (the typed
``*_val`` fields, a single value broadcast to the shape).
"""

from __future__ import annotations

import base64
import binascii
import csv
import gzip
import zlib
from typing import Any

import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor, wrap

_OBJ = np.dtype(object)


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _strings_of(x: Any, fn: str) -> np.ndarray:
    t = _t(x)
    if t.dtype != _dt.string:
        raise errors.InvalidArgumentError(None, None, f"{fn}: expected a string tensor, got {t.dtype.name}")
    return np.asarray(t.array)


def _obj(items: list, shape: tuple) -> Tensor:
    a = np.empty(len(items), _OBJ)
    if items:
        a[:] = items
    return wrap(a.reshape(shape))


# -- TensorProto -------------------------------------------------------------------------------------
def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _ld(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def serialize_tensor(tensor: Any, name: Any = None) -> Tensor:
    """tf.io.serialize_tensor: the TensorProto bytes of a tensor (byte-identical to TF's)."""
    t = _t(tensor)
    a = np.asarray(t.array)
    shape = b"".join(_ld(2, (_varint(1 << 3) + _varint(d)) if d else b"") for d in a.shape)
    out = _varint(1 << 3) + _varint(t.dtype.as_datatype_enum) + _ld(2, shape)
    if t.dtype == _dt.string:
        out += b"".join(_ld(8, bytes(v)) for v in a.reshape(-1).tolist())
    elif a.size:
        out += _ld(4, np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False).tobytes())
    r = np.empty((), _OBJ)
    r[()] = out
    return wrap(r)


def _read_varint(b: bytes, pos: int) -> tuple:
    shift = result = 0
    while True:
        if pos >= len(b):
            raise ValueError("truncated varint")
        c = b[pos]
        pos += 1
        result |= (c & 0x7F) << shift
        if not c & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _fields(b: bytes) -> list:
    """[(field number, wire type, value)] of one message (value: int or bytes)."""
    out, pos = [], 0
    while pos < len(b):
        key, pos = _read_varint(b, pos)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, pos = _read_varint(b, pos)
        elif wt == 2:
            n, pos = _read_varint(b, pos)
            if pos + n > len(b):
                raise ValueError("truncated field")
            v, pos = b[pos:pos + n], pos + n
        elif wt == 5:
            v, pos = b[pos:pos + 4], pos + 4
        elif wt == 1:
            v, pos = b[pos:pos + 8], pos + 8
        else:
            raise ValueError(f"bad wire type {wt}")
        out.append((num, wt, v))
    return out


def _packed_varints(chunks: list) -> list:
    vals = []
    for wt, v in chunks:
        if wt == 0:
            vals.append(v)
        else:
            pos = 0
            while pos < len(v):
                x, pos = _read_varint(v, pos)
                vals.append(x)
    return vals


def _signed(vals: list, bits: int) -> list:
    m = 1 << bits
    return [(x & (m - 1)) - m if x & (m >> 1) else x & (m - 1) for x in vals]


def parse_tensor(serialized: Any, out_type: Any, name: Any = None) -> Tensor:
    """tf.io.parse_tensor: the tensor of TensorProto bytes; ``out_type`` must match the stored dtype."""
    s = _strings_of(serialized, "tf.io.parse_tensor")
    if s.ndim:
        raise errors.InvalidArgumentError(None, None, "tf.io.parse_tensor: serialized must be a scalar string")
    want = _dt.as_dtype(out_type)
    try:
        fields = _fields(bytes(s[()]))
        dtype_enum, dims, content, vals = 0, [], None, {}
        for num, wt, v in fields:
            if num == 1:
                dtype_enum = v
            elif num == 2:
                for dn, _, dv in _fields(v):
                    if dn == 2:
                        size = 0
                        for fn_, _, x in _fields(dv):
                            if fn_ == 1:
                                size = _signed([x], 64)[0]
                        dims.append(size)
            elif num == 4:
                content = v
            else:
                vals.setdefault(num, []).append((wt, v))
    except ValueError:
        raise errors.InvalidArgumentError(None, None, "tf.io.parse_tensor: Could not parse `serialized` as "
                                                      "TensorProto") from None
    got = _dt._BY_ENUM.get(dtype_enum)
    if got is None:
        raise errors.InvalidArgumentError(None, None, f"tf.io.parse_tensor: unsupported TensorProto dtype "
                                                      f"{dtype_enum}")
    if got != want:
        raise errors.InvalidArgumentError(None, None, f"Type mismatch between parsed tensor ({got.name}) and dtype "
                                                      f"({want.name}) [Op:ParseTensor]")
    shape = tuple(dims)
    n = int(np.prod(shape, dtype=np.int64))
    if want == _dt.string:
        items = [bytes(v) for _, v in vals.get(8, [])]
        if len(items) == 1 and n != 1:
            items = items * n
        if len(items) != n:
            raise errors.InvalidArgumentError(None, None, "tf.io.parse_tensor: string_val does not match the shape")
        return _obj(items, shape)
    np_dt = np.dtype(want._np).newbyteorder("<")
    if content is not None:
        a = np.frombuffer(content, np_dt)
    else:
        a = _typed_values(want, vals)
        if a.size == 1 and n != 1:
            a = np.full(n, a[0])
        elif a.size == 0 and n:
            a = np.zeros(n, want._np)
    if a.size != n:
        raise errors.InvalidArgumentError(None, None, f"tf.io.parse_tensor: {a.size} values for shape {list(shape)}")
    return convert_to_tensor(a.astype(want._np).reshape(shape))


def _typed_values(dt: _dt.DType, vals: dict) -> np.ndarray:
    name = dt.name
    if name in ("float32",):
        raw = b"".join(v if wt == 2 else v for wt, v in vals.get(5, []))
        return np.frombuffer(raw, "<f4")
    if name == "float64":
        return np.frombuffer(b"".join(v for _, v in vals.get(6, [])), "<f8")
    if name in ("int32", "int16", "int8", "uint8", "uint16"):
        return np.asarray(_signed(_packed_varints(vals.get(7, [])), 32), np.int64).astype(dt._np)
    if name == "int64":
        return np.asarray(_signed(_packed_varints(vals.get(10, [])), 64), np.int64)
    if name == "bool":
        return np.asarray(_packed_varints(vals.get(11, [])), bool)
    if name in ("float16", "bfloat16"):
        bits = np.asarray(_packed_varints(vals.get(13, [])), np.uint16)
        return bits.view(dt._np)
    if name == "uint32":
        return np.asarray(_packed_varints(vals.get(16, [])), np.uint32)
    if name == "uint64":
        return np.asarray(_packed_varints(vals.get(17, [])), np.uint64)
    if name == "complex64":
        f = np.frombuffer(b"".join(v for _, v in vals.get(9, [])), "<f4")
        return f[0::2] + 1j * f[1::2]
    if name == "complex128":
        f = np.frombuffer(b"".join(v for _, v in vals.get(12, [])), "<f8")
        return f[0::2] + 1j * f[1::2]
    raise errors.InvalidArgumentError(None, None, f"tf.io.parse_tensor: unsupported dtype {name}")


# -- raw / base64 / compressed -------------------------------------------------------------------------
def decode_raw(input_bytes: Any, out_type: Any, little_endian: bool = True, fixed_length: Any = None,
               name: Any = None) -> Tensor:
    """tf.io.decode_raw: reinterpret each string's bytes as a vector of ``out_type`` numbers."""
    a = _strings_of(input_bytes, "tf.io.decode_raw")
    dt = _dt.as_dtype(out_type)
    if dt == _dt.string:
        raise errors.InvalidArgumentError(None, None, "tf.io.decode_raw: out_type must be numeric")
    np_dt = np.dtype(dt._np).newbyteorder("<" if little_endian else ">")
    size = np_dt.itemsize
    items = a.reshape(-1).tolist()
    if fixed_length is not None:
        fl = int(fixed_length)
        if fl % size:
            raise errors.InvalidArgumentError(None, None, f"fixed_length ({fl}) must be a multiple of the size of "
                                                          f"out_type ({size})")
        items = [(v + b"\x00" * fl)[:fl] for v in items]
    lens = {len(v) for v in items}
    if len(lens) > 1:
        raise errors.InvalidArgumentError(None, None, f"DecodeRaw requires input strings to all be the same size, "
                                                      f"but element 0 has size {len(items[0])} != "
                                                      f"{sorted(lens)[-1]} [Op:DecodeRaw]")
    n = lens.pop() if lens else 0
    if n % size:
        raise errors.InvalidArgumentError(None, None, f"Input to DecodeRaw has length {n} that is not a multiple "
                                                      f"of {size}, the size of {dt.name} [Op:DecodeRaw]")
    out = np.frombuffer(b"".join(items), np_dt).astype(dt._np)
    return convert_to_tensor(out.reshape(a.shape + (n // size,)))


def encode_base64(input: Any, pad: bool = False, name: Any = None) -> Tensor:  # noqa: A002
    """tf.io.encode_base64: web-safe base64 (``-`` and ``_``), unpadded unless ``pad``."""
    a = _strings_of(input, "tf.io.encode_base64")
    out = []
    for v in a.reshape(-1).tolist():
        e = base64.urlsafe_b64encode(v)
        out.append(e if pad else e.rstrip(b"="))
    return _obj(out, a.shape)


def decode_base64(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.io.decode_base64: decode web-safe base64 (padding optional)."""
    a = _strings_of(input, "tf.io.decode_base64")
    out = []
    for v in a.reshape(-1).tolist():
        s = v.strip()
        try:
            out.append(base64.urlsafe_b64decode(s + b"=" * (-len(s) % 4)))
        except (binascii.Error, ValueError):
            raise errors.InvalidArgumentError(None, None, f"Invalid character found in base64. [Op:DecodeBase64] "
                                                          f"(input {v!r})") from None
    return _obj(out, a.shape)


def decode_compressed(bytes: Any, compression_type: str = "", name: Any = None) -> Tensor:  # noqa: A002
    """tf.io.decode_compressed: decompress ZLIB or GZIP strings ('' leaves them as they are)."""
    a = _strings_of(bytes, "tf.io.decode_compressed")
    ct = (compression_type or "").upper()
    out = []
    for v in a.reshape(-1).tolist():
        try:
            if ct == "":
                out.append(v)
            elif ct == "ZLIB":
                out.append(zlib.decompress(v))
            elif ct == "GZIP":
                out.append(gzip.decompress(v))
            else:
                raise errors.InvalidArgumentError(None, None, f"tf.io.decode_compressed: compression_type must be "
                                                              f"'', 'ZLIB' or 'GZIP', got {compression_type!r}")
        except (OSError, EOFError, zlib.error) as e:
            raise errors.DataLossError(None, None, f"tf.io.decode_compressed: corrupted input ({e})") from None
    return _obj(out, a.shape)


# -- CSV -------------------------------------------------------------------------------------------------
def _default_of(d: Any) -> tuple:
    """(dtype, default value or None when required) of one record_defaults entry."""
    if isinstance(d, _dt.DType):
        return d, None
    t = _t(d) if not (isinstance(d, (list, tuple)) and len(d) == 0) else None
    if t is None:
        raise errors.InvalidArgumentError(None, None, "tf.io.decode_csv: an empty default needs a dtype; use a "
                                                      "tf.DType (e.g. tf.int32) for a required column")
    a = np.asarray(t.array).reshape(-1)
    if a.size == 0:
        return t.dtype, None
    return t.dtype, a[0]


def _convert_field(s: str, dt: _dt.DType, default: Any, row: int, col: int, na: str) -> Any:
    if s == "" or (na and s == na):
        if default is None:
            raise errors.InvalidArgumentError(None, None, f"Field {col} is required but missing in record {row}! "
                                                          "[Op:DecodeCSV]")
        return default
    try:
        if dt == _dt.string:
            return s.encode("utf-8")
        if dt.is_integer:
            v = int(s)
            info = np.iinfo(dt._np)
            if not info.min <= v <= info.max:
                raise ValueError
            return v
        return float(s)
    except ValueError:
        kind = "int32" if dt == _dt.int32 else "int64" if dt == _dt.int64 else "float" if dt == _dt.float32 \
            else "double"
        raise errors.InvalidArgumentError(None, None, f"Field {col} in record {row} is not a valid {kind}: {s} "
                                                      "[Op:DecodeCSV]") from None


def decode_csv(records: Any, record_defaults: Any, field_delim: str = ",", use_quote_delim: bool = True,
               name: Any = None, na_value: str = "", select_cols: Any = None) -> list:
    """tf.io.decode_csv: split CSV lines into one tensor per column (types and defaults from
    ``record_defaults``; an empty default makes the column required)."""
    a = _strings_of(records, "tf.io.decode_csv")
    defs = [_default_of(d) for d in record_defaults]
    lines = [v.decode("utf-8") for v in a.reshape(-1).tolist()]
    reader = csv.reader(lines, delimiter=field_delim, quotechar='"' if use_quote_delim else None,
                        quoting=csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE, strict=False)
    cols: list = [[] for _ in defs]
    sel = None if select_cols is None else [int(c) for c in select_cols]
    for r, fields in enumerate(reader):
        if not fields and lines[r] == "":
            fields = [""]
        if sel is not None:
            if max(sel) >= len(fields):
                raise errors.InvalidArgumentError(None, None, f"Expect {max(sel) + 1} fields but have "
                                                              f"{len(fields)} in record {r} [Op:DecodeCSV]")
            fields = [fields[c] for c in sel]
        if len(fields) != len(defs):
            raise errors.InvalidArgumentError(None, None, f"Expect {len(defs)} fields but have {len(fields)} in "
                                                          f"record {r} [Op:DecodeCSV]")
        for c, (s, (dt, d)) in enumerate(zip(fields, defs)):
            cols[c].append(_convert_field(s, dt, d, r, c, na_value))
    out = []
    for (dt, _), col in zip(defs, cols):
        if dt == _dt.string:
            out.append(_obj([bytes(x) for x in col], a.shape))
        else:
            out.append(convert_to_tensor(np.asarray(col, dt._np).reshape(a.shape)))
    return out
