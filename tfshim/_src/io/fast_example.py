"""A vectorised parser of the common tf.train.Example layout (parse_example's fast path).

All records of a batch are scanned at once with NumPy: the Features message, its map entries (walked in
lock step: one vectorised step per entry index), each entry's key, and the value list of the requested
keys (packed floats as a strided view, packed int64 varints decoded by a vectorised varint decoder,
bytes values as slices). Only the layout TF and protobuf serializers write is accepted (Features as
field 1, entries as key then value, packed numeric lists); anything else, a missing or repeated key, a
type or size mismatch returns None and the protobuf path (``parsing.py``) decides, with TF's errors.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_U8 = np.uint8
_I64 = np.int64


class _Miss(Exception):  # noqa: N818 - internal control flow: the layout is not the common one
    pass


def _varint(buf: np.ndarray, pos: np.ndarray) -> tuple:
    """(values, byte counts) of the varints at ``pos`` (at most 4 bytes each: lengths below 2**28)."""
    n = len(buf)
    if pos.size and pos.max() < n:
        b0 = buf[pos]
        if b0.max(initial=0) < 0x80:  # the common case: every length fits one byte
            return b0.astype(_I64), np.ones(len(pos), _I64)
    val = np.zeros(len(pos), _I64)
    size = np.zeros(len(pos), _I64)
    done = np.zeros(len(pos), bool)
    for k in range(4):
        p = pos + k
        if np.any(p[~done] >= n):
            raise _Miss
        b = buf[np.minimum(p, n - 1)].astype(_I64)
        take = ~done
        val[take] |= (b[take] & 0x7F) << (7 * k)
        size[take] = k + 1
        done |= (b & 0x80) == 0
        if done.all():
            return val, size
    raise _Miss


def _ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(s, s + l)`` for each (s, l)."""
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, _I64)
    offs = np.repeat(starts - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
    return np.arange(total, dtype=_I64) + offs


def _decode_varints(b: np.ndarray) -> np.ndarray:
    """Every varint of the byte array ``b`` (packed int64 payloads, concatenated) as int64."""
    if b.size == 0:
        return np.zeros(0, _I64)
    last = (b & 0x80) == 0
    if not last[-1]:
        raise _Miss
    ends = np.flatnonzero(last)
    starts = np.concatenate([[0], ends[:-1] + 1])
    group = np.repeat(np.arange(len(ends)), ends - starts + 1)
    k = np.arange(b.size) - starts[group]
    if k.max() > 9:
        raise _Miss
    parts = (b.astype(np.uint64) & np.uint64(0x7F)) << (np.uint64(7) * k.astype(np.uint64))
    return np.add.reduceat(parts, starts).view(_I64)


def parse(records: list, features: dict, fixed_cls: Any, varlen_cls: Any) -> dict | None:
    """{key: ("dense", array of shape [B, *shape]) or ("sparse", values, lengths)} or None (use protobuf)."""
    try:
        return _parse(records, features, fixed_cls, varlen_cls)
    except _Miss:
        return None


def _parse(records: list, features: dict, fixed_cls: Any, varlen_cls: Any) -> dict:
    B = len(records)
    lens = np.fromiter(map(len, records), _I64, B)
    data = b"".join(records)
    buf = np.frombuffer(data, _U8)
    rstart = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(_I64)
    rend = rstart + lens
    if np.any(lens == 0):
        raise _Miss
    # Example: one field 1 (Features) spanning the whole record
    if np.any(buf[rstart] != 0x0A):
        raise _Miss
    flen, fsz = _varint(buf, rstart + 1)
    fstart = rstart + 1 + fsz
    if np.any(fstart + flen != rend):
        raise _Miss
    # Features: entries `0A len entry`, walked in lock step
    ent_rec, ent_start, ent_end = [], [], []
    pos, alive = fstart.copy(), np.ones(B, bool)
    alive &= pos < rend
    while alive.any():
        idx = np.flatnonzero(alive)
        p = pos[idx]
        if np.any(buf[p] != 0x0A):
            raise _Miss
        el, es = _varint(buf, p + 1)
        s = p + 1 + es
        e = s + el
        if np.any(e > rend[idx]):
            raise _Miss
        ent_rec.append(idx)
        ent_start.append(s)
        ent_end.append(e)
        pos[idx] = e
        alive[idx] = e < rend[idx]
    if not ent_rec:
        raise _Miss
    er = np.concatenate(ent_rec)
    es = np.concatenate(ent_start)
    ee = np.concatenate(ent_end)
    # entry: 0A keylen key 12 featlen feature
    if np.any(buf[es] != 0x0A):
        raise _Miss
    kl, ks = _varint(buf, es + 1)
    kstart = es + 1 + ks
    vpos = kstart + kl
    if np.any(vpos >= ee) or np.any(buf[np.minimum(vpos, len(buf) - 1)] != 0x12):
        raise _Miss
    vl, vs = _varint(buf, vpos + 1)
    vstart = vpos + 1 + vs
    if np.any(vstart + vl != ee):
        raise _Miss
    out = {}
    for key in sorted(features):
        cfg = features[key]
        kb = np.frombuffer(key.encode("utf-8"), _U8)
        cand = np.flatnonzero(kl == len(kb))
        if len(kb) and cand.size:
            cols = kstart[cand, None] + np.arange(len(kb))
            cand = cand[np.all(buf[cols] == kb, axis=1)]
        if cand.size != B or np.any(er[cand] != np.arange(B)):
            raise _Miss  # missing or repeated somewhere: the checked path
        fs, fe = vstart[cand], ee[cand]
        dt = cfg.dtype
        name = getattr(dt, "name", str(dt))
        tag = {"int64": 0x1A, "float32": 0x12, "string": 0x0A}.get(name)
        if tag is None:
            raise _Miss
        empty = fs == fe
        if np.any(empty):
            raise _Miss
        if np.any(buf[fs] != tag):
            raise _Miss
        ll, lsz = _varint(buf, fs + 1)
        ls = fs + 1 + lsz
        if np.any(ls + ll != fe):
            raise _Miss
        # the list message: field 1, packed for numbers
        has = ll > 0
        if name == "string":
            vals, counts = _bytes_values(data, buf, ls, ls + ll)
        else:
            if not has.all():
                counts = np.zeros(B, _I64)
                payload_s = np.zeros(B, _I64)
                payload_l = np.zeros(B, _I64)
                nz = np.flatnonzero(has)
            else:
                nz = np.arange(B)
                counts = None
            if nz.size and np.any(buf[ls[nz]] != 0x0A):
                raise _Miss
            pl, psz = _varint(buf, ls[nz] + 1)
            ps = ls[nz] + 1 + psz
            if np.any(ps + pl != ls[nz] + ll[nz]):
                raise _Miss
            if counts is not None:
                payload_s[nz], payload_l[nz] = ps, pl
                ps, pl = payload_s, payload_l
            raw = buf[_ranges(ps, pl)]
            if name == "float32":
                if np.any(pl % 4):
                    raise _Miss
                vals = raw.view("<f4").astype(np.float32)
                counts = pl // 4
            else:
                vals = _decode_varints(raw)
                last = (raw & 0x80) == 0
                ends = np.cumsum(last)
                bounds = np.concatenate([[0], np.cumsum(pl)])
                cum = np.concatenate([[0], ends])
                counts = cum[bounds[1:]] - cum[bounds[:-1]]
        if isinstance(cfg, fixed_cls):
            shape = tuple(int(d) for d in cfg.shape)
            n = int(np.prod(shape, dtype=_I64))
            if np.any(counts != n):
                raise _Miss
            out[key] = ("dense", _reshape(vals, (B,) + shape))
        elif isinstance(cfg, varlen_cls):
            out[key] = ("sparse", vals, counts)
        else:
            raise _Miss
    return out


def _reshape(vals: Any, shape: tuple) -> np.ndarray:
    if isinstance(vals, list):
        a = np.empty(len(vals), object)
        a[:] = vals
        return a.reshape(shape)
    return vals.reshape(shape)


def _bytes_values(data: bytes, buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple:
    """The bytes values of BytesList payloads [starts, ends): repeated `0A len bytes` (one step per index)."""
    B = len(starts)
    pos = starts.copy()
    counts = np.zeros(B, _I64)
    per: list = []
    alive = pos < ends
    while alive.any():
        idx = np.flatnonzero(alive)
        p = pos[idx]
        if np.any(buf[p] != 0x0A):
            raise _Miss
        bl, bs = _varint(buf, p + 1)
        s = p + 1 + bs
        e = s + bl
        if np.any(e > ends[idx]):
            raise _Miss
        per.append((idx, s, e))
        counts[idx] += 1
        pos[idx] = e
        alive[idx] = e < ends[idx]
    if not per:
        return [], counts
    # order values by record, then by position within the record
    rec = np.concatenate([p[0] for p in per])
    s = np.concatenate([p[1] for p in per])
    e = np.concatenate([p[2] for p in per])
    order = np.lexsort((s, rec))
    return [data[a:b] for a, b in zip(s[order].tolist(), e[order].tolist())], counts
