"""tf.strings: operations on tf.string tensors, computed on the host with Python's bytes/str and NumPy.

Hashes are TF's exactly: ``to_hash_bucket_fast`` is FarmHash's Fingerprint64 (the ``pyfarmhash`` package,
the same C++ code TF links), ``to_hash_bucket_strong`` is SipHash-2-4 keyed with ``key`` (implemented here),
``to_hash_bucket`` is TF's legacy Hash64 (MurmurHash64A with TF's seed, implemented here). Regular
expressions use Python's ``re`` on bytes: RE2 patterns that ``re`` reads the same way (the common subset)
give TF's results; RE2-only syntax raises InvalidArgumentError. Every op accepts RaggedTensors where TF does
(elementwise ops map over the flat values).
"""

from __future__ import annotations

import math
import re
import struct
import unicodedata
from typing import Any, Callable

import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor, wrap
from .debugging import format_tensor
from .ragged import RaggedTensor
from .table import register

try:
    import farmhash as _farmhash
except ImportError:  # pragma: no cover - a dependency; without it the fast hash is unavailable
    _farmhash = None

_OBJ = np.dtype(object)
_U64 = (1 << 64) - 1


# -- helpers ----------------------------------------------------------------------------------------
def _invalid(op: str, msg: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, f"{msg} [Op:{op}]")


def _strings(x: Any, fn: str, what: str = "input") -> np.ndarray:
    """The object array of a string argument (TypeError naming ``fn`` when it is not tf.string)."""
    t = x if isinstance(x, Tensor) else convert_to_tensor(x)
    if t.dtype != _dt.string:
        raise errors.InvalidArgumentError(
            None, None, f"{fn}: cannot compute the op as input `{what}` was expected to be a string tensor but is a "
            f"{t.dtype.name} tensor (convert numbers with tf.strings.as_string).")
    a = t.array
    if type(a) is not np.ndarray:
        a = np.asarray(a)
    return a


def _obj(items: Any, shape: tuple) -> Tensor:
    out = np.empty(len(items), _OBJ)
    if len(items):
        out[:] = items
    return wrap(out.reshape(shape))


def _num(a: np.ndarray) -> Tensor:
    return convert_to_tensor(np.ascontiguousarray(a) if a.ndim else a)


def _ragged_map(fn: Callable) -> Callable:
    """Make an elementwise string op accept a RaggedTensor first argument (applied to its flat values)."""
    def f(input: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: A002
        if isinstance(input, RaggedTensor):
            return input.with_flat_values(fn(input.flat_values, *args, **kwargs))
        return fn(input, *args, **kwargs)

    f.__name__, f.__qualname__, f.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    f.__wrapped__ = fn
    return f


def _map_bytes(x: Any, fn: str, f: Callable) -> Tensor:
    a = _strings(x, fn)
    return _obj([f(v) for v in a.reshape(-1).tolist()], a.shape)


# -- case, length, strip ---------------------------------------------------------------------------
def lower(input: Any, encoding: str = "", name: Any = None) -> Tensor:  # noqa: A002
    """tf.strings.lower: lowercase (ASCII only unless ``encoding='utf-8'``)."""
    if encoding and encoding.lower().replace("-", "") == "utf8":
        return _map_bytes(input, "tf.strings.lower", lambda v: v.decode("utf-8").lower().encode("utf-8"))
    if encoding:
        raise _invalid("StringLower", f"encoding must be '' or 'utf-8', got {encoding!r}")
    return _map_bytes(input, "tf.strings.lower", bytes.lower)


def upper(input: Any, encoding: str = "", name: Any = None) -> Tensor:  # noqa: A002
    """tf.strings.upper: uppercase (ASCII only unless ``encoding='utf-8'``)."""
    if encoding and encoding.lower().replace("-", "") == "utf8":
        return _map_bytes(input, "tf.strings.upper", lambda v: v.decode("utf-8").upper().encode("utf-8"))
    if encoding:
        raise _invalid("StringUpper", f"encoding must be '' or 'utf-8', got {encoding!r}")
    return _map_bytes(input, "tf.strings.upper", bytes.upper)


def strip(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.strings.strip: remove leading and trailing ASCII whitespace."""
    return _map_bytes(input, "tf.strings.strip", bytes.strip)


def _utf8_len(v: bytes) -> int:
    # TF counts the bytes that do not continue a UTF-8 sequence (10xxxxxx)
    return len(v) - sum(1 for b in v if b & 0xC0 == 0x80)


def length(input: Any, unit: str = "BYTE", name: Any = None) -> Tensor:  # noqa: A002
    """tf.strings.length(input, unit='BYTE'|'UTF8_CHAR'): int32 lengths."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise _invalid("StringLength", f"Value for attr 'unit' of \"{unit}\" is not in the list of allowed values: "
                                       "\"BYTE\", \"UTF8_CHAR\" (tfshim: tf.strings.length)")
    a = _strings(input, "tf.strings.length")
    f = len if unit == "BYTE" else _utf8_len
    return _num(np.fromiter((f(v) for v in a.reshape(-1).tolist()), np.int32, a.size).reshape(a.shape))


# -- join / split ----------------------------------------------------------------------------------
def join(inputs: Any, separator: str = "", name: Any = None) -> Tensor:
    """tf.strings.join: elementwise concatenation of a list of string tensors (broadcasting scalars)."""
    if isinstance(inputs, (Tensor, str, bytes)):
        inputs = [inputs]
    arrs = [_strings(x, "tf.strings.join", "inputs") for x in inputs]
    sep = separator.encode("utf-8") if isinstance(separator, str) else bytes(separator)
    shapes = {a.shape for a in arrs if a.ndim}
    if len(shapes) > 1:
        raise _invalid("StringJoin", f"Input shapes do not match: {' vs. '.join(str(list(s)) for s in shapes)}")
    shape = shapes.pop() if shapes else ()
    cols = [a.reshape(-1).tolist() if a.ndim else [a[()]] * int(np.prod(shape, dtype=np.int64)) for a in arrs]
    n = int(np.prod(shape, dtype=np.int64))
    return _obj([sep.join(parts) for parts in zip(*cols)] if cols else [b""] * n, shape)


def reduce_join(inputs: Any, axis: Any = None, keepdims: bool = False, separator: str = "",
                name: Any = None) -> Tensor:
    """tf.strings.reduce_join: join the strings along ``axis`` (all of them when None)."""
    a = _strings(inputs, "tf.strings.reduce_join", "inputs")
    sep = separator.encode("utf-8") if isinstance(separator, str) else bytes(separator)
    if axis is None:
        axes = tuple(range(a.ndim))
    else:
        ax = np.asarray(axis.array if isinstance(axis, Tensor) else axis).reshape(-1)
        axes = tuple(sorted(int(x) % a.ndim if a.ndim else int(x) for x in ax))
        for x in ax:
            if not -a.ndim <= int(x) < max(a.ndim, 1):
                raise _invalid("ReduceJoin", f"Invalid reduction dimension {int(x)} for input with {a.ndim} "
                                             "dimensions.")
    keep = [d for d in range(a.ndim) if d not in axes]
    moved = np.transpose(a, keep + list(axes)) if a.ndim else a
    outer = tuple(a.shape[d] for d in keep)
    flat = moved.reshape(int(np.prod(outer, dtype=np.int64)), -1) if a.ndim else moved.reshape(1, 1)
    out = [sep.join(row) for row in flat.tolist()]
    shape = tuple(1 if d in axes else a.shape[d] for d in range(a.ndim)) if keepdims else outer
    return _obj(out, shape)


def _split_one(v: bytes, sep: bytes | None, maxsplit: int) -> list:
    if sep is None:
        return v.split(None, maxsplit) if maxsplit >= 0 else v.split()
    if not v:
        return [] if False else [b""]
    return v.split(sep, maxsplit)


def _ragged_from_lists(lists: list, shape: tuple, dtype: Any) -> Any:
    """A RaggedTensor whose innermost rows are ``lists`` and whose outer dims are ``shape`` (uniform)."""
    lengths = np.fromiter((len(x) for x in lists), np.int64, len(lists))
    flat = [y for x in lists for y in x]
    if dtype == _dt.string:
        vals = np.empty(len(flat), _OBJ)
        if flat:
            vals[:] = flat
        values: Any = wrap(vals)
    else:
        values = _num(np.asarray(flat, dtype._np).reshape(-1))
    rt = RaggedTensor.from_row_lengths(values, lengths, validate=False)
    for d in reversed(shape[1:]):
        rt = RaggedTensor.from_row_splits(rt, np.arange(0, rt.nrows_int() + 1, d, dtype=np.int64), validate=False)
    return rt


def split(input: Any, sep: Any = None, maxsplit: int = -1, name: Any = None) -> Any:  # noqa: A002
    """tf.strings.split: split each string at ``sep`` (runs of whitespace when None) into a RaggedTensor.

    A scalar input gives a 1-D Tensor, as TF."""
    if isinstance(input, RaggedTensor):
        return input.with_flat_values(split(input.flat_values, sep, maxsplit))
    a = _strings(input, "tf.strings.split")
    s = None if sep is None else (sep.encode("utf-8") if isinstance(sep, str) else bytes(
        np.asarray(sep.array)[()] if isinstance(sep, Tensor) else sep))
    if s == b"":
        s = None
    m = int(maxsplit)
    if a.ndim == 0:
        parts = _split_one(a[()], s, m)
        return _obj(parts, (len(parts),))
    lists = [_split_one(v, s, m) for v in a.reshape(-1).tolist()]
    return _ragged_from_lists(lists, a.shape, _dt.string)


def bytes_split(input: Any, name: Any = None) -> Any:  # noqa: A002
    """tf.strings.bytes_split: each string as a vector of one-byte strings (ragged for rank >= 1)."""
    if isinstance(input, RaggedTensor):
        return input.with_flat_values(bytes_split(input.flat_values))
    a = _strings(input, "tf.strings.bytes_split")
    if a.ndim == 0:
        v = a[()]
        return _obj([v[i:i + 1] for i in range(len(v))], (len(v),))
    lists = [[v[i:i + 1] for i in range(len(v))] for v in a.reshape(-1).tolist()]
    return _ragged_from_lists(lists, a.shape, _dt.string)


# -- substr / regex ----------------------------------------------------------------------------------
def _utf8_starts(v: bytes) -> list:
    return [i for i, b in enumerate(v) if b & 0xC0 != 0x80]


def substr(input: Any, pos: Any, len: Any, unit: str = "BYTE", name: Any = None) -> Tensor:  # noqa: A002
    """tf.strings.substr(input, pos, len, unit): substrings; negative ``pos`` counts from the end.

    ``pos`` out of range raises InvalidArgumentError as TF; ``len`` past the end is clipped."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise _invalid("Substr", f"Value for attr 'unit' of \"{unit}\" is not in the list of allowed values: "
                                 "\"BYTE\", \"UTF8_CHAR\" (tfshim: tf.strings.substr)")
    a = _strings(input, "tf.strings.substr")
    p = np.asarray(convert_to_tensor(pos).array)
    ln = np.asarray(convert_to_tensor(len).array)
    if p.dtype.kind not in "iu" or ln.dtype.kind not in "iu":
        raise TypeError("tf.strings.substr: pos and len must be integers")
    try:
        shape = np.broadcast_shapes(a.shape, p.shape, ln.shape)
    except ValueError:
        raise _invalid("Substr", f"pos {list(p.shape)} and input {list(a.shape)} must have the same shape or be "
                                 "broadcastable") from None
    A, P, L = (np.broadcast_to(x, shape).reshape(-1) for x in (a, p, ln))
    out = []
    for k, (v, i, n) in enumerate(zip(A.tolist(), P.tolist(), L.tolist())):
        if unit == "BYTE":
            size = builtins_len(v)
            j = i + size if i < 0 else i
            if j < 0 or j > size:
                raise _invalid("Substr", f"pos {i} out of range for string b'{v.decode('latin-1')}' at index {k}")
            out.append(v[j:j + max(n, 0)])
        else:
            starts = _utf8_starts(v)
            size = builtins_len(starts)
            j = i + size if i < 0 else i
            if j < 0 or j > size:
                raise _invalid("Substr", f"pos {i} out of range for string at index {k}")
            bounds = starts + [builtins_len(v)]
            e = min(j + max(n, 0), size)
            out.append(v[bounds[j]:bounds[e]])
    return _obj(out, shape)


builtins_len = __builtins__["len"] if isinstance(__builtins__, dict) else __builtins__.len  # `len` is shadowed


def _compile(pattern: Any, fn: str) -> re.Pattern:
    p = pattern
    if isinstance(p, Tensor):
        p = np.asarray(p.array)[()]
    if isinstance(p, str):
        p = p.encode("utf-8")
    try:
        return re.compile(bytes(p))
    except re.error as e:
        raise errors.InvalidArgumentError(None, None, f"{fn}: Invalid pattern: {p!r}, error: {e}") from None


def _rewrite(rw: Any) -> bytes:
    r = rw
    if isinstance(r, Tensor):
        r = np.asarray(r.array)[()]
    if isinstance(r, str):
        r = r.encode("utf-8")
    # RE2's rewrite: \0..\9 are groups, \\ a backslash; Python's template: \g<n>
    return re.sub(rb"\\(\d)", rb"\\g<\1>", bytes(r))


def regex_replace(input: Any, pattern: Any, rewrite: Any, replace_global: bool = True,  # noqa: A002
                  name: Any = None) -> Tensor:
    """tf.strings.regex_replace: replace matches of ``pattern`` (RE2 syntax) with ``rewrite`` (\\1 groups)."""
    rx = _compile(pattern, "tf.strings.regex_replace")
    rw = _rewrite(rewrite)
    count = 0 if replace_global else 1
    return _map_bytes(input, "tf.strings.regex_replace", lambda v: rx.sub(rw, v, count=count))


def regex_full_match(input: Any, pattern: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.strings.regex_full_match: whether each whole string matches ``pattern`` (RE2 syntax)."""
    rx = _compile(pattern, "tf.strings.regex_full_match")
    a = _strings(input, "tf.strings.regex_full_match")
    return _num(np.fromiter((rx.fullmatch(v) is not None for v in a.reshape(-1).tolist()), bool,
                            a.size).reshape(a.shape))


# -- numbers -----------------------------------------------------------------------------------------
_INT_RX = re.compile(rb"^\s*[+-]?\d+\s*$")


def _parse_float(v: bytes) -> float:
    s = v.strip()
    try:
        return float(s)
    except ValueError:
        pass
    try:
        t = s.decode("ascii").lower()
        if t.lstrip("+-").startswith("0x"):
            return float.fromhex(t)
    except (ValueError, UnicodeDecodeError):
        pass
    raise ValueError


def to_number(string_tensor: Any, out_type: Any = _dt.float32, name: Any = None) -> Tensor:
    """tf.strings.to_number: parse numbers (float32 by default; int32/int64/float64)."""
    if isinstance(string_tensor, RaggedTensor):
        return string_tensor.with_flat_values(to_number(string_tensor.flat_values, out_type))
    dt = _dt.as_dtype(out_type)
    if dt not in (_dt.float32, _dt.float64, _dt.int32, _dt.int64):
        raise TypeError(f"tf.strings.to_number: out_type must be float32, float64, int32 or int64, got {dt.name}")
    a = _strings(string_tensor, "tf.strings.to_number", "string_tensor")
    out = np.empty(a.size, dt._np)
    for k, v in enumerate(a.reshape(-1).tolist()):
        try:
            if dt.is_integer:
                if not _INT_RX.match(v):
                    raise ValueError
                x = int(v.strip())
                info = np.iinfo(dt._np)
                if not info.min <= x <= info.max:
                    raise ValueError
                out[k] = x
            else:
                x = _parse_float(v)
                if dt == _dt.float32 and math.isfinite(x) and abs(x) > float(np.finfo(np.float32).max):
                    raise ValueError
                out[k] = x
        except ValueError:
            raise _invalid("StringToNumber", f"StringToNumberOp could not correctly convert string: "
                                             f"{v.decode('utf-8', 'replace')}") from None
    return _num(out.reshape(a.shape))


def as_string(input: Any, precision: int = -1, scientific: bool = False, shortest: bool = False,  # noqa: A002
              width: int = -1, fill: str = "", name: Any = None) -> Tensor:
    """tf.strings.as_string: format numbers and bools as strings (printf rules, as TF)."""
    if isinstance(input, RaggedTensor):
        return input.with_flat_values(as_string(input.flat_values, precision, scientific, shortest, width, fill))
    t = input if isinstance(input, Tensor) else convert_to_tensor(input)
    dt = t.dtype
    if dt == _dt.string:
        return t  # TF passes strings through
    if fill and builtins_len(fill) > 1:
        raise _invalid("AsString", f"Fill string must be one or fewer characters: {fill}")
    if scientific and shortest:
        raise _invalid("AsString", "Cannot select both scientific and shortest notation")
    a = np.asarray(t.array)
    flags = "0" if fill == "0" else ("-" if False else "")
    w = str(width) if width >= 0 else ""
    if fill and fill not in ("0", " ") :
        raise _invalid("AsString", f"Fill argument not supported: \"{fill}\"")
    if dt.is_floating:
        if dt.is_integer:
            pass
        conv = "e" if scientific else ("g" if shortest else "f")
        prec = f".{precision}" if precision >= 0 else ""
        spec = "%" + flags + w + prec + conv
        vals = [spec % float(x) for x in a.reshape(-1).tolist()]
    elif dt.is_integer:
        if precision >= 0 or scientific or shortest:
            raise _invalid("AsString", "Cannot specify precision, scientific or shortest for integer types")
        spec = "%" + flags + w + "d"
        vals = [spec % int(x) for x in a.reshape(-1).tolist()]
    elif dt.is_bool:
        spec = "%" + w + "s"
        vals = [spec % ("true" if x else "false") for x in a.reshape(-1).tolist()]
    elif dt.is_complex:
        prec = f".{precision}" if precision >= 0 else ""
        conv = "e" if scientific else ("g" if shortest else "f")
        spec = "%" + flags + w + prec + conv
        vals = [f"({spec % c.real},{spec % c.imag})" for c in a.reshape(-1).tolist()]
    else:
        raise _invalid("AsString", f"Value for attr 'T' of {dt.name} is not in the list of allowed values")
    return _obj([v.encode("ascii") for v in vals], a.shape)


def format(template: str, inputs: Any, placeholder: str = "{}", summarize: int = 3,  # noqa: A001
           name: Any = None) -> Tensor:
    """tf.strings.format: ``template`` with each ``placeholder`` replaced by a tensor as tf.print writes it."""
    if isinstance(inputs, (Tensor, RaggedTensor)) or not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    pieces = template.split(placeholder)
    if builtins_len(pieces) - 1 != builtins_len(inputs):
        raise ValueError(f"tf.strings.format: {builtins_len(pieces) - 1} placeholders in template and "
                         f"{builtins_len(inputs)} inputs")
    out = [pieces[0]]
    for x, p in zip(inputs, pieces[1:]):
        if isinstance(x, RaggedTensor):
            out.append(str(x))
        else:
            t = x if isinstance(x, Tensor) else convert_to_tensor(x)
            out.append(format_tensor(np.asarray(t.array), summarize))
        out.append(p)
    a = np.empty((), _OBJ)
    a[()] = "".join(out).encode("utf-8")
    return wrap(a)


# -- hashing -----------------------------------------------------------------------------------------
def _buckets(num_buckets: Any, fn: str) -> int:
    n = int(num_buckets)
    if n < 1:
        raise _invalid(fn, f"num_buckets must be >= 1, got {n}")
    return n


def fingerprint64(v: bytes) -> int:
    """FarmHash Fingerprint64 of ``v`` (TF's ``Fingerprint64``)."""
    return _farmhash.fingerprint64(v)


def to_hash_bucket_fast(input: Any, num_buckets: int, name: Any = None) -> Tensor:  # noqa: A002
    """tf.strings.to_hash_bucket_fast: ``Fingerprint64(s) % num_buckets`` as int64 (TF's exact values)."""
    if isinstance(input, RaggedTensor):
        return input.with_flat_values(to_hash_bucket_fast(input.flat_values, num_buckets))
    n = _buckets(num_buckets, "StringToHashBucketFast")
    a = _strings(input, "tf.strings.to_hash_bucket_fast")
    fp = _farmhash.fingerprint64
    h = np.fromiter((fp(v) for v in a.reshape(-1).tolist()), np.uint64, a.size)
    return _num((h % np.uint64(n)).astype(np.int64).reshape(a.shape))


_M = 0xC6A4A7935BD1E995


def hash64(data: bytes, seed: int = 0xDECAFCAFFE) -> int:
    """TF's legacy ``Hash64`` (MurmurHash64A with seed 0xDECAFCAFFE), used by ``to_hash_bucket``."""
    n = builtins_len(data)
    h = (seed ^ (n * _M)) & _U64
    end = n - n % 8
    for (k,) in struct.iter_unpack("<Q", data[:end]):
        k = (k * _M) & _U64
        k ^= k >> 47
        k = (k * _M) & _U64
        h ^= k
        h = (h * _M) & _U64
    rest = data[end:]
    if rest:
        for i in range(builtins_len(rest) - 1, -1, -1):
            h ^= rest[i] << (8 * i)
        h = (h * _M) & _U64
    h ^= h >> 47
    h = (h * _M) & _U64
    h ^= h >> 47
    return h


def to_hash_bucket(string_tensor: Any, num_buckets: int, name: Any = None) -> Tensor:
    """tf.strings.to_hash_bucket (deprecated in TF): ``Hash64(s) % num_buckets`` with TF's legacy hash."""
    n = _buckets(num_buckets, "StringToHashBucket")
    a = _strings(string_tensor, "tf.strings.to_hash_bucket", "string_tensor")
    h = np.fromiter((hash64(v) % n for v in a.reshape(-1).tolist()), np.int64, a.size)
    return _num(h.reshape(a.shape))


def _rotl(x: int, b: int) -> int:
    return ((x << b) | (x >> (64 - b))) & _U64


def siphash24(k0: int, k1: int, data: bytes) -> int:
    """SipHash-2-4 of ``data`` with the 128-bit key (k0, k1) (TF's ``StrongKeyedHash``)."""
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573
    n = builtins_len(data)
    end = n - n % 8

    def rounds(v0: int, v1: int, v2: int, v3: int, r: int) -> tuple:
        for _ in range(r):
            v0 = (v0 + v1) & _U64
            v1 = _rotl(v1, 13) ^ v0
            v0 = _rotl(v0, 32)
            v2 = (v2 + v3) & _U64
            v3 = _rotl(v3, 16) ^ v2
            v0 = (v0 + v3) & _U64
            v3 = _rotl(v3, 21) ^ v0
            v2 = (v2 + v1) & _U64
            v1 = _rotl(v1, 17) ^ v2
            v2 = _rotl(v2, 32)
        return v0, v1, v2, v3

    for (m,) in struct.iter_unpack("<Q", data[:end]):
        v3 ^= m
        v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 2)
        v0 ^= m
    b = (n & 0xFF) << 56
    for i, c in enumerate(data[end:]):
        b |= c << (8 * i)
    v3 ^= b
    v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 2)
    v0 ^= b
    v2 ^= 0xFF
    v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 4)
    return v0 ^ v1 ^ v2 ^ v3


def to_hash_bucket_strong(input: Any, num_buckets: int, key: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.strings.to_hash_bucket_strong: ``SipHash-2-4(key, s) % num_buckets`` as int64 (TF's exact values)."""
    if isinstance(input, RaggedTensor):
        return input.with_flat_values(to_hash_bucket_strong(input.flat_values, num_buckets, key))
    n = _buckets(num_buckets, "StringToHashBucketStrong")
    k = [int(x) for x in (key if isinstance(key, (list, tuple)) else np.asarray(key).tolist())]
    if builtins_len(k) != 2:
        raise _invalid("StringToHashBucketStrong", "Key must have 2 elements")
    if any(not -(1 << 63) <= x < (1 << 63) for x in k):
        raise OverflowError("int too big to convert (tf.strings.to_hash_bucket_strong: key values are int64)")
    k0, k1 = (x & _U64 for x in k)
    a = _strings(input, "tf.strings.to_hash_bucket_strong")
    h = np.fromiter((siphash24(k0, k1, v) % n for v in a.reshape(-1).tolist()), np.int64, a.size)
    return _num(h.reshape(a.shape))


# -- unicode -----------------------------------------------------------------------------------------
_ENCODINGS = {"UTF-8": "utf-8", "UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be", "US-ASCII": "ascii",
              "ISO-8859-1": "latin-1", "UTF-16-LE": "utf-16-le", "UTF-32-LE": "utf-32-le"}


def _codec(enc: str, fn: str) -> str:
    c = _ENCODINGS.get(str(enc).upper())
    if c is None:
        raise _invalid(fn, f"Could not create converter for input encoding: {enc}")
    return c


def _decode_points(v: bytes, codec: str, errors_mode: str, replacement: int, replace_control: bool) -> tuple:
    """(code points, byte offsets) of one string, with TF's error handling."""
    points, offsets = [], []
    if codec == "utf-8":
        i, n = 0, builtins_len(v)
        while i < n:
            b = v[i]
            size = 1 if b < 0x80 else 2 if b >> 5 == 6 else 3 if b >> 4 == 14 else 4 if b >> 3 == 30 else 0
            ok = size and i + size <= n and all(v[j] & 0xC0 == 0x80 for j in range(i + 1, i + size))
            cp = None
            if ok:
                try:
                    ch = v[i:i + size].decode("utf-8")
                    cp = ord(ch)
                except UnicodeDecodeError:
                    cp = None
            if cp is None:
                if errors_mode == "strict":
                    raise _invalid("UnicodeDecode", "Invalid formatting on input string")
                offsets_i = i
                # skip the bad lead byte and any continuation bytes after it
                i += 1
                while i < n and v[i] & 0xC0 == 0x80 and not ok:
                    i += 1
                if errors_mode == "replace":
                    points.append(replacement)
                    offsets.append(offsets_i)
                continue
            if replace_control and (cp < 0x20 or 0x7F <= cp < 0xA0):
                cp = replacement
            points.append(cp)
            offsets.append(i)
            i += size
        return points, offsets
    try:
        text = v.decode(codec, "strict")
    except UnicodeDecodeError:
        if errors_mode == "strict":
            raise _invalid("UnicodeDecode", "Invalid formatting on input string") from None
        text = v.decode(codec, "replace" if errors_mode == "replace" else "ignore")
    width = {"utf-16-be": 2, "utf-16-le": 2, "utf-32-be": 4, "utf-32-le": 4}.get(codec, 1)
    pos = 0
    for ch in text:
        cp = ord(ch)
        if cp == 0xFFFD and errors_mode == "replace":
            cp = replacement
        if replace_control and (cp < 0x20 or 0x7F <= cp < 0xA0):
            cp = replacement
        points.append(cp)
        offsets.append(pos)
        pos += builtins_len(ch.encode(codec)) if width != 1 else 1
    return points, offsets


def _unicode_decode(input: Any, input_encoding: str, errors_mode: str, replacement_char: int,  # noqa: A002
                    replace_control_characters: bool, with_offsets: bool, fn: str) -> Any:
    if isinstance(input, RaggedTensor):
        r = _unicode_decode(input.flat_values, input_encoding, errors_mode, replacement_char,
                            replace_control_characters, with_offsets, fn)
        return tuple(input.with_flat_values(x) for x in r) if with_offsets else input.with_flat_values(r)
    if errors_mode not in ("strict", "replace", "ignore"):
        raise ValueError(f"{fn}: errors must be 'strict', 'replace' or 'ignore', got {errors_mode!r}")
    codec = _codec(input_encoding, "UnicodeDecode")
    a = _strings(input, fn)
    res = [_decode_points(v, codec, errors_mode, replacement_char, replace_control_characters)
           for v in a.reshape(-1).tolist()]
    if a.ndim == 0:
        pts = _num(np.asarray(res[0][0], np.int32).reshape(-1))
        offs = _num(np.asarray(res[0][1], np.int64).reshape(-1))
        return (pts, offs) if with_offsets else pts
    pts = _ragged_from_lists([r[0] for r in res], a.shape, _dt.int32)
    if not with_offsets:
        return pts
    return pts, _ragged_from_lists([r[1] for r in res], a.shape, _dt.int64)


def unicode_decode(input: Any, input_encoding: str, errors: str = "replace",  # noqa: A002
                   replacement_char: int = 65533, replace_control_characters: bool = False, name: Any = None) -> Any:
    """tf.strings.unicode_decode: code points (int32) of each string, ragged for rank >= 1."""
    return _unicode_decode(input, input_encoding, errors, replacement_char, replace_control_characters, False,
                           "tf.strings.unicode_decode")


def unicode_decode_with_offsets(input: Any, input_encoding: str, errors: str = "replace",  # noqa: A002
                                replacement_char: int = 65533, replace_control_characters: bool = False,
                                name: Any = None) -> tuple:
    """tf.strings.unicode_decode_with_offsets: (code points, their byte offsets)."""
    return _unicode_decode(input, input_encoding, errors, replacement_char, replace_control_characters, True,
                           "tf.strings.unicode_decode_with_offsets")


def _chars_of(v: bytes, points: list, offsets: list) -> list:
    ends = offsets[1:] + [builtins_len(v)]
    return [v[s:e] for s, e in zip(offsets, ends)]


def unicode_split(input: Any, input_encoding: str, errors: str = "replace",  # noqa: A002
                  replacement_char: int = 65533, name: Any = None) -> Any:
    """tf.strings.unicode_split: each string as its characters (ragged for rank >= 1)."""
    return unicode_split_with_offsets(input, input_encoding, errors, replacement_char, _offsets=False)


def unicode_split_with_offsets(input: Any, input_encoding: str, errors: str = "replace",  # noqa: A002
                               replacement_char: int = 65533, name: Any = None, _offsets: bool = True) -> Any:
    """tf.strings.unicode_split_with_offsets: (characters, their byte offsets)."""
    if isinstance(input, RaggedTensor):
        r = unicode_split_with_offsets(input.flat_values, input_encoding, errors, replacement_char,
                                       _offsets=_offsets)
        return tuple(input.with_flat_values(x) for x in r) if _offsets else input.with_flat_values(r)
    codec = _codec(input_encoding, "UnicodeDecode")
    a = _strings(input, "tf.strings.unicode_split")
    enc_out = "utf-8" if codec == "utf-8" else codec
    chars_all, offs_all = [], []
    for v in a.reshape(-1).tolist():
        pts, offs = _decode_points(v, codec, errors, replacement_char, False)
        chars_all.append([chr(p).encode(enc_out, "replace") if 0 <= p < 0x110000 else b"" for p in pts])
        offs_all.append(offs)
    if a.ndim == 0:
        ch = _obj(chars_all[0], (builtins_len(chars_all[0]),))
        return (ch, _num(np.asarray(offs_all[0], np.int64).reshape(-1))) if _offsets else ch
    ch = _ragged_from_lists(chars_all, a.shape, _dt.string)
    return (ch, _ragged_from_lists(offs_all, a.shape, _dt.int64)) if _offsets else ch


def _encode_points(points: list, codec: str, errors_mode: str, replacement: int) -> bytes:
    out = []
    for p in points:
        if not (0 <= p < 0x110000) or 0xD800 <= p < 0xE000:
            if errors_mode == "strict":
                raise _invalid("UnicodeEncode", f"Invalid code point {p}")
            if errors_mode == "ignore":
                continue
            p = replacement
        out.append(chr(p))
    return "".join(out).encode(codec, "replace")


def unicode_encode(input: Any, output_encoding: str, errors: str = "replace",  # noqa: A002
                   replacement_char: int = 65533, name: Any = None) -> Tensor:
    """tf.strings.unicode_encode: int32 code points (innermost dimension, ragged or dense) to strings."""
    codec = _codec(output_encoding, "UnicodeEncode")
    if isinstance(input, RaggedTensor):
        if isinstance(input.values, RaggedTensor):
            return input.with_values(unicode_encode(input.values, output_encoding, errors, replacement_char))
        pts = np.asarray(input.values.array).tolist()
        s = input._splits
        return _obj([_encode_points(pts[s[i]:s[i + 1]], codec, errors, replacement_char)
                     for i in range(input.nrows_int())], (input.nrows_int(),))
    t = input if isinstance(input, Tensor) else convert_to_tensor(input)
    a = np.asarray(t.array)
    if a.ndim == 0:
        raise ValueError("tf.strings.unicode_encode: input must have rank >= 1 (code points on the last axis)")
    rows = a.reshape(-1, a.shape[-1]).tolist()
    return _obj([_encode_points(r, codec, errors, replacement_char) for r in rows], a.shape[:-1])


def unicode_transcode(input: Any, input_encoding: str, output_encoding: str, errors: str = "replace",  # noqa: A002
                      replacement_char: int = 65533, replace_control_characters: bool = False,
                      name: Any = None) -> Tensor:
    """tf.strings.unicode_transcode: re-encode each string."""
    ci, co = _codec(input_encoding, "UnicodeTranscode"), _codec(output_encoding, "UnicodeTranscode")
    return _map_bytes(input, "tf.strings.unicode_transcode", lambda v: _encode_points(
        _decode_points(v, ci, errors, replacement_char, replace_control_characters)[0], co, errors,
        replacement_char))


# ICU UScriptCode values of common scripts, by Unicode character name prefix.
_SCRIPTS = (("LATIN", 25), ("GREEK", 14), ("CYRILLIC", 8), ("ARMENIAN", 3), ("HEBREW", 19), ("ARABIC", 2),
            ("DEVANAGARI", 10), ("BENGALI", 4), ("GURMUKHI", 16), ("GUJARATI", 15), ("TAMIL", 35), ("TELUGU", 36),
            ("KANNADA", 21), ("MALAYALAM", 26), ("THAI", 38), ("LAO", 24), ("TIBETAN", 39), ("GEORGIAN", 12),
            ("HANGUL", 18), ("HIRAGANA", 20), ("KATAKANA", 22), ("CJK", 17), ("ETHIOPIC", 11), ("KHMER", 23),
            ("MONGOLIAN", 27), ("SINHALA", 33), ("MYANMAR", 28))


def _script(cp: int) -> int:
    if not 0 <= cp < 0x110000:
        return -1
    try:
        nm = unicodedata.name(chr(cp))
    except ValueError:
        return 0 if unicodedata.category(chr(cp)) != "Cn" else 103
    for prefix, code in _SCRIPTS:
        if nm.startswith(prefix):
            return code
    if unicodedata.category(chr(cp)).startswith("M"):
        return 1  # Inherited
    return 0  # Common


def unicode_script(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.strings.unicode_script: the ICU script code of each int32 code point.

    Difference from TF: scripts come from Unicode character names (the common scripts); rarer scripts are
    reported as Common (0)."""
    if isinstance(input, RaggedTensor):
        return input.with_flat_values(unicode_script(input.flat_values))
    t = input if isinstance(input, Tensor) else convert_to_tensor(input)
    a = np.asarray(t.array)
    if t.dtype != _dt.int32:
        raise TypeError(f"tf.strings.unicode_script: input must be int32 code points, got {t.dtype.name}")
    return _num(np.fromiter((_script(int(c)) for c in a.reshape(-1)), np.int32, a.size).reshape(a.shape))


# -- ngrams / segment join ---------------------------------------------------------------------------
def ngrams(data: Any, ngram_width: Any, separator: str = " ", pad_values: Any = None, padding_width: Any = None,
           preserve_short_sequences: bool = False, name: Any = None) -> Any:
    """tf.strings.ngrams: joined n-grams of the innermost dimension (ragged result for ragged or 2-D input)."""
    widths = [int(ngram_width)] if isinstance(ngram_width, (int, np.integer)) else [int(w) for w in ngram_width]
    sep = separator.encode("utf-8") if isinstance(separator, str) else bytes(separator)
    if pad_values is not None:
        if isinstance(pad_values, (tuple, list)):
            lp, rp = (x.encode("utf-8") if isinstance(x, str) else bytes(x) for x in pad_values)
        else:
            lp = rp = pad_values.encode("utf-8") if isinstance(pad_values, str) else bytes(pad_values)
    else:
        lp = rp = None

    def grams(row: list) -> list:
        out = []
        for w in widths:
            if lp is not None:
                pw = (w - 1) if padding_width is None or int(padding_width) < 0 else min(int(padding_width), w - 1)
                seq = [lp] * pw + row + [rp] * pw
            else:
                seq = row
            n = builtins_len(seq) - w + 1
            if n > 0:
                out.extend(sep.join(seq[i:i + w]) for i in range(n))
            elif preserve_short_sequences and row and w == widths[-1] and not out:
                out.append(sep.join(seq))
        return out

    if isinstance(data, RaggedTensor):
        if isinstance(data.values, RaggedTensor):
            return data.with_values(ngrams(data.values, ngram_width, separator, pad_values, padding_width,
                                           preserve_short_sequences))
        vals = np.asarray(data.values.array).tolist()
        s = data._splits
        rows = [grams(vals[s[i]:s[i + 1]]) for i in range(data.nrows_int())]
        return _ragged_from_lists(rows, (data.nrows_int(),), _dt.string)
    a = _strings(data, "tf.strings.ngrams", "data")
    if a.ndim == 1:
        g = grams(a.tolist())
        return _obj(g, (builtins_len(g),))
    if a.ndim == 0:
        raise ValueError("tf.strings.ngrams: data must have rank >= 1")
    rows = [grams(r) for r in a.reshape(-1, a.shape[-1]).tolist()]
    k = builtins_len(rows[0]) if rows else 0
    return _obj([g for r in rows for g in r], a.shape[:-1] + (k,))  # dense rows give a dense result, as TF


def unsorted_segment_join(inputs: Any, segment_ids: Any, num_segments: Any, separator: str = "",
                          name: Any = None) -> Tensor:
    """tf.strings.unsorted_segment_join: join the strings of each segment (in input order)."""
    a = _strings(inputs, "tf.strings.unsorted_segment_join", "inputs")
    ids = np.asarray(convert_to_tensor(segment_ids).array)
    n = int(np.asarray(convert_to_tensor(num_segments).array))
    sep = separator.encode("utf-8") if isinstance(separator, str) else bytes(separator)
    if ids.shape != a.shape[:ids.ndim]:
        raise _invalid("UnsortedSegmentJoin", f"segment_ids.shape = {list(ids.shape)} is not a prefix of "
                                              f"inputs.shape = {list(a.shape)}")
    inner = a.shape[ids.ndim:]
    flat = a.reshape((ids.size,) + inner + (1,) if not inner else (ids.size,) + inner)
    groups: list = [[] for _ in range(n * max(int(np.prod(inner, dtype=np.int64)), 1))]
    m = int(np.prod(inner, dtype=np.int64))
    for k, sid in enumerate(ids.reshape(-1).tolist()):
        if sid >= n:
            raise _invalid("UnsortedSegmentJoin", f"segment_id {sid} out of range [0, {n})")
        if sid < 0:
            continue
        row = flat[k].reshape(-1).tolist()
        for j in range(m):
            groups[sid * m + j].append(row[j])
    return _obj([sep.join(g) for g in groups[:n * m]], (n,) + inner)


# -- the table ----------------------------------------------------------------------------------------
_ELEMENTWISE = {"lower": lower, "upper": upper, "strip": strip, "length": length, "regex_replace": regex_replace,
                "regex_full_match": regex_full_match, "substr": substr, "unicode_transcode": unicode_transcode}
for _n, _f in _ELEMENTWISE.items():
    register((f"strings.{_n}",), _ragged_map(_f))
for _n, _f in {"join": join, "reduce_join": reduce_join, "split": split, "bytes_split": bytes_split,
               "to_number": to_number, "as_string": as_string, "format": format,
               "to_hash_bucket_fast": to_hash_bucket_fast, "to_hash_bucket_strong": to_hash_bucket_strong,
               "to_hash_bucket": to_hash_bucket, "unicode_decode": unicode_decode,
               "unicode_decode_with_offsets": unicode_decode_with_offsets, "unicode_encode": unicode_encode,
               "unicode_split": unicode_split, "unicode_split_with_offsets": unicode_split_with_offsets,
               "unicode_script": unicode_script, "ngrams": ngrams,
               "unsorted_segment_join": unsorted_segment_join}.items():
    register((f"strings.{_n}",), _f)
register(("as_string",), as_string)
