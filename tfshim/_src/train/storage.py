"""Checkpoint files: one directory per checkpoint path, written atomically, every byte checksummed.

Layout of the directory ``<prefix>-<n>`` (TF writes ``<prefix>-<n>.index`` + ``.data-*`` files
instead; the path strings, counters and the ``checkpoint`` state file are TF's):

- ``graph/metadata``: JSON — the object graph (nodes and named edges); for each value key its
  byte range in ``data`` (``offset``, ``nbytes``), shape, dtype and CRC-32 of its bytes; and the
  CRC-32 of the JSON itself (``manifest_crc32``), so a damaged graph is noticed too;
- ``data``: every value's bytes, little-endian, C order, back to back (each at a 64-byte aligned
  offset, the padding between them zero), like the data shard of TF's tensor bundle.

A save writes both files into a temporary directory ``<path>.tmp-<pid>-<n>`` beside the target
and then renames it into place (overwriting an existing checkpoint swaps the two directories in
one ``renameat2(RENAME_EXCHANGE)`` where Linux offers it; elsewhere the old checkpoint is first
renamed to ``<path>.old-<pid>-<n>``, and a reader that finds no ``<path>`` reads that complete
previous version, which the next save of the path puts back if the process died between the two
renames), so a process killed during a save leaves the previous or the new checkpoint complete
under the final name; leftovers of killed saves are removed by the next save of that path.
Deleting a checkpoint (``CheckpointManager``'s rotation) renames it away first, so it is gone at
once, never half-deleted. As TF, the files are not ``fsync``-ed by default (the OS writes them
back a few seconds later); ``TFSHIM_CHECKPOINT_FSYNC=1`` syncs the files and the directories
before and after the rename, for checkpoints that must survive a power cut. Either way the
checksums catch damage: reading validates every byte (each value's range, size, dtype and CRC-32,
the zero padding, the graph's own CRC-32) before returning anything, so a corrupt or truncated
checkpoint raises ``tf.errors.DataLossError`` naming the file and nothing is restored. Errors of
the file system are TF's classes (``PermissionDeniedError``, ``NotFoundError``, ...; see
``errors.from_os_error``).

Checkpoints of tfshim versions that stored values through orbax (format ``tfshim-checkpoint-1``:
an orbax PyTree under ``state/``) are still read, with orbax imported on first such use.
"""

from __future__ import annotations

import errno
import glob
import json
import os
import queue
import shutil
import sys
import threading
import zlib
from typing import Any

import numpy as np

from ..core import errors

FORMAT = "tfshim-checkpoint-2"
_LEGACY_FORMAT = "tfshim-checkpoint-1"  # values stored by orbax under state/
_FORMATS = (FORMAT, _LEGACY_FORMAT)
_GRAPH_FILE = os.path.join("graph", "metadata")
DATA_FILE = "data"
_ALIGN = 64
_TMP_MARK = ".tmp-"
_OLD_MARK = ".old-"  # the previous version of a checkpoint while an overwrite renames it away (no exchange)
_ORBAX_TMP_MARK = ".orbax-checkpoint-tmp"  # left by killed saves of the orbax-based format
_PARALLEL_CRC_BYTES = 1 << 20  # from this many bytes on, checksums are computed while the data is written
# Bytes per write()/CRC call. Larger writes were measured up to 10x slower on Linux 6.x (ext4, large page
# cache folios to allocate), and Linux writes at most ~2 GiB per call anyway.
_CHUNK = 1 << 20
_READ_CHUNK = 1 << 20  # bytes per read when reading and checksumming overlap

_lock = threading.Lock()
_checkpointer: Any = None
_seq = [0]
_own: set = set()  # absolute paths of the checkpoints this process wrote or restored


def durable() -> bool:
    """True when ``TFSHIM_CHECKPOINT_FSYNC`` asks for checkpoints synced to disk before they are named."""
    return os.environ.get("TFSHIM_CHECKPOINT_FSYNC", "").strip().lower() not in ("", "0", "false", "no")


def _ocp() -> Any:
    import orbax.checkpoint as ocp  # only for checkpoints of the orbax-based format; the import takes seconds

    return ocp


def _get_checkpointer() -> Any:
    global _checkpointer
    with _lock:
        if _checkpointer is None:
            ocp = _ocp()
            _checkpointer = ocp.Checkpointer(ocp.CompositeCheckpointHandler(
                state=ocp.PyTreeCheckpointHandler(use_compression=False), graph=ocp.JsonCheckpointHandler()))
        return _checkpointer


def _string_bytes(a: np.ndarray) -> memoryview:
    """A tf.string value's bytes: one little-endian uint64 length per element (C order), then the elements."""
    items = [bytes(x) for x in a.reshape(-1).tolist()]
    lengths = np.asarray([len(x) for x in items], "<u8")
    return memoryview(lengths.tobytes() + b"".join(items))


def _string_value(buf: np.ndarray, shape: tuple) -> np.ndarray | None:
    """The object array of ``_string_bytes``'s layout in ``buf``, or None when it does not fit."""
    n = int(np.prod(shape, dtype=np.int64))
    raw = buf.tobytes()
    if len(raw) < 8 * n:
        return None
    lengths = np.frombuffer(raw, "<u8", n).astype(np.int64)
    if int(lengths.sum()) != len(raw) - 8 * n:
        return None
    out = np.empty(n, object)
    pos = 8 * n
    for i, ln in enumerate(lengths.tolist()):
        out[i] = raw[pos:pos + ln]
        pos += ln
    return out.reshape(shape)


def _bytes_of(a: np.ndarray) -> memoryview:
    """The bytes of ``a`` in C order, little-endian, as a flat memoryview (no copy when possible)."""
    if a.dtype == object:
        return _string_bytes(a)
    a = np.ascontiguousarray(a)
    if sys.byteorder == "big" and a.dtype.itemsize > 1:  # the file is little-endian everywhere
        a = a.byteswap()
    return memoryview(a.reshape(-1).view(np.uint8))


def crc32(a: Any) -> int:
    """CRC-32 of the bytes of array ``a`` (or of a bytes-like object), 0 for no bytes."""
    mv = a if isinstance(a, memoryview) else _bytes_of(np.asarray(a))
    crc = 0
    for i in range(0, len(mv), _CHUNK):
        crc = zlib.crc32(mv[i:i + _CHUNK], crc)
    return crc


def is_checkpoint(path: str) -> bool:
    """True when ``path`` is a complete tfshim checkpoint directory."""
    return os.path.isfile(os.path.join(path, _GRAPH_FILE))


def is_tf_checkpoint(path: str) -> bool:
    """True when ``path`` is the prefix of a checkpoint written by TensorFlow (``path.index``)."""
    return os.path.isfile(path + ".index")


def _previous_version(path: str) -> str | None:
    """The complete previous version of checkpoint ``path`` that an interrupted overwrite left renamed aside."""
    found = [p for p in glob.glob(glob.escape(path) + _OLD_MARK + "*") if is_checkpoint(p)]
    if not found:
        return None
    return max(found, key=lambda p: os.path.getmtime(os.path.join(p, _GRAPH_FILE)))


def resolve(path: str) -> str:
    """Where checkpoint ``path`` is read from: ``path`` itself, or, while an overwrite of it was cut off between
    its two renames, the complete previous version renamed aside (``<path>.old-*``)."""
    path = os.fspath(path)
    if is_checkpoint(path) or is_tf_checkpoint(path) or os.path.lexists(path):
        return path
    return _previous_version(path) or path


def exists(path: str) -> bool:
    """True when ``path`` is (or, see ``resolve``, can be read as) a tfshim checkpoint or the prefix of a TF one."""
    path = resolve(path)
    return is_checkpoint(path) or is_tf_checkpoint(path)


def note_own(path: str) -> None:
    """Record that this process wrote or restored checkpoint ``path`` (it may replace it; see ``is_own``)."""
    _own.add(os.path.abspath(os.fspath(path)))


def is_own(path: str) -> bool:
    """True when this process wrote or restored checkpoint ``path``."""
    return os.path.abspath(os.fspath(path)) in _own


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _dead(p: str, mark: str) -> bool:
    pid = p.rpartition(mark)[2].split("-", 1)[0]
    return pid.isdigit() and not _pid_alive(int(pid))


def _remove_stale(pattern: str) -> None:
    for p in glob.glob(pattern + _OLD_MARK + "*"):
        if _dead(p, _OLD_MARK):
            main = p.rpartition(_OLD_MARK)[0]
            if not os.path.lexists(main) and is_checkpoint(p):
                os.rename(p, main)  # an overwrite died between its renames: the previous version comes back
            else:
                _remove_path(p)
    for p in glob.glob(pattern + _TMP_MARK + "*"):
        if _dead(p, _TMP_MARK):
            _remove_path(p)


def _remove_stale_tmp(path: str) -> None:
    """Delete the temporary directories of saves of ``path`` whose process is gone (killed mid-save)."""
    for p in glob.glob(glob.escape(path) + _ORBAX_TMP_MARK + "*"):
        shutil.rmtree(p, ignore_errors=True)
    _remove_stale(glob.escape(path))


def remove_stale_saves(prefix: str) -> None:
    """Delete what killed saves of ``<prefix>-<n>`` checkpoints left (CheckpointManager calls this once)."""
    _remove_stale(glob.escape(prefix) + "-*")


def _tmp_name(path: str, mark: str = _TMP_MARK) -> str:
    """A new name beside ``path`` for a file or directory of this process (``mark``: ``.tmp-`` or ``.old-``)."""
    with _lock:
        _seq[0] += 1
        n = _seq[0]
    return f"{path}{mark}{os.getpid()}-{n}"


def makedirs(path: str) -> None:
    """``os.makedirs(path, exist_ok=True)``, but a file in the way is ENOTDIR (TF: "... is not a directory")."""
    try:
        os.makedirs(path or ".", exist_ok=True)
    except FileExistsError as e:
        raise NotADirectoryError(errno.ENOTDIR, f"{e.filename} is not a directory", e.filename) from None


def _write_all(fd: int, mv: memoryview) -> None:
    pos = 0
    while pos < len(mv):
        pos += os.write(fd, mv[pos:pos + _CHUNK])


def _fsync_dir(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_data(fname: str, views: list, offsets: list, sync: bool) -> list:
    """Write ``views`` at ``offsets`` into the new file ``fname``; returns their CRC-32s.

    For large checkpoints the checksums are computed in a second thread while this one writes
    (``zlib.crc32`` and ``os.write`` both release the GIL), so the CRC costs almost no time."""
    crcs = [0] * len(views)
    failed: list = []

    def checksum_all() -> None:
        try:
            for i, mv in enumerate(views):
                crcs[i] = crc32(mv)
        except BaseException as e:  # noqa: BLE001 - re-raised in the saving thread
            failed.append(e)

    parallel = sum(len(mv) for mv in views) >= _PARALLEL_CRC_BYTES
    worker = threading.Thread(target=checksum_all, name="tfshim-checkpoint-crc", daemon=True) if parallel else None
    if worker is not None:
        worker.start()
    try:
        fd = os.open(fname, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            pos = 0
            for mv, off in zip(views, offsets):
                if off > pos:
                    os.write(fd, bytes(off - pos))
                _write_all(fd, mv)
                pos = off + len(mv)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    finally:
        if worker is not None:
            worker.join()
    if worker is None:
        checksum_all()
    if failed:
        raise failed[0]
    return crcs


def _manifest_crc(manifest: dict) -> int:
    return zlib.crc32(json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode("utf-8"))


_renameat2: list = []  # [libc renameat2 or None], looked up on first use


def _exchange(a: str, b: str) -> bool:
    """Atomically swap the directories ``a`` and ``b`` (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    if not _renameat2:
        fn = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                fn = ctypes.CDLL(None, use_errno=True).renameat2
            except (OSError, AttributeError):  # no glibc >= 2.28
                fn = None
        _renameat2.append(fn)
    fn = _renameat2[0]
    at_fdcwd, rename_exchange = -100, 2
    # Nonzero: ENOSYS / EINVAL (a file system without exchange) and the like; the caller falls back.
    return fn is not None and fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _remove_path(p: str) -> None:
    if os.path.isdir(p) and not os.path.islink(p):
        shutil.rmtree(p, ignore_errors=True)
    else:
        try:
            os.remove(p)
        except OSError:
            pass


def write(path: str, manifest: dict, arrays: dict, fn: str = "tf.train.Checkpoint.write") -> None:
    """Write ``arrays`` ({item name: np.ndarray}) and the JSON ``manifest`` as the checkpoint ``path``.

    ``manifest["values"]`` maps each value key to ``{"item": name, "shape", "dtype"}``; the byte
    range and CRC-32 of each item are added to it here. File system errors raise TF's classes."""
    path = os.path.abspath(path)
    try:
        _write(path, manifest, arrays)
    except OSError as e:
        raise errors.from_os_error(e, f"{fn}: cannot write the checkpoint {path}") from None
    note_own(path)


def _write(path: str, manifest: dict, arrays: dict) -> None:
    parent = os.path.dirname(path)
    makedirs(parent)
    _remove_stale_tmp(path)
    sync = durable()
    info_of = {info["item"]: info for info in manifest.get("values", {}).values()}
    names, views, offsets = [], [], []
    pos = 0
    for name, a in arrays.items():
        mv = _bytes_of(a)
        pos = -(-pos // _ALIGN) * _ALIGN
        names.append(name)
        views.append(mv)
        offsets.append(pos)
        pos += len(mv)
    tmp = _tmp_name(path)
    try:
        os.makedirs(os.path.join(tmp, "graph"))
        crcs = _write_data(os.path.join(tmp, DATA_FILE), views, offsets, sync)
        for name, mv, off, crc in zip(names, views, offsets, crcs):
            info_of[name].update(offset=off, nbytes=len(mv), crc32=crc)
        manifest = dict(manifest, data={"file": DATA_FILE, "size": pos})
        manifest["manifest_crc32"] = _manifest_crc(manifest)
        with open(os.path.join(tmp, _GRAPH_FILE), "w", encoding="utf-8") as f:
            json.dump(manifest, f, sort_keys=True, separators=(",", ":"))
            if sync:
                f.flush()
                os.fsync(f.fileno())
        if sync:
            _fsync_dir(os.path.join(tmp, "graph"))
            _fsync_dir(tmp)
        if not os.path.lexists(path):
            os.rename(tmp, path)
        elif os.path.isdir(path) and not os.path.islink(path) and _exchange(tmp, path):
            shutil.rmtree(tmp, ignore_errors=True)  # now the old checkpoint
        else:
            # Without an atomic exchange, two renames: in between, readers find the previous version under
            # ``old`` (see resolve), and the next save of ``path`` puts it back if this process dies there.
            old = _tmp_name(path, _OLD_MARK)
            os.rename(path, old)
            if sync:
                _fsync_dir(parent)
            os.rename(tmp, path)
            _remove_path(old)
        if sync:
            _fsync_dir(parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _not_found(path: str, fn: str) -> errors.NotFoundError:
    # NotFoundError that is also a FileNotFoundError (what Keras 3 raises for a missing weights file)
    return errors._os_error(
        errno.ENOENT,
        f"{fn}: no checkpoint found at {path!r}. Please double-check that the path is correct. You may be missing "
        "the checkpoint suffix (e.g. the '-1' in 'path/to/ckpt-1'); tf.train.latest_checkpoint(directory) gives the "
        "newest one.", path,
    )


def read_manifest(path: str, fn: str = "tf.train.Checkpoint.restore") -> dict:
    """The JSON manifest of checkpoint ``path`` (NotFoundError / DataLossError as TF)."""
    path = os.fspath(path)
    gfile = os.path.join(path, _GRAPH_FILE)
    if not os.path.isfile(gfile):
        if os.path.isdir(path):
            raise errors.DataLossError(
                None, None,
                f"{fn}: {path!r} is a directory but not a checkpoint (no {gfile}). Pass a checkpoint path as returned "
                "by save() or tf.train.latest_checkpoint(directory), not the directory.",
            )
        raise _not_found(path, fn)
    try:
        with open(gfile, encoding="utf-8") as f:
            manifest = json.load(f)
    except ValueError as e:
        raise errors.DataLossError(
            None, None, f"{fn}: the checkpoint file {gfile} is corrupt or truncated: {e}") from None
    except OSError as e:
        raise errors.from_os_error(e, f"{fn}: cannot read the checkpoint file {gfile}") from None
    if not isinstance(manifest, dict) or manifest.get("format") not in _FORMATS or "nodes" not in manifest:
        raise errors.DataLossError(None, None, f"{fn}: the checkpoint file {gfile} is not a tfshim checkpoint graph.")
    if manifest["format"] == FORMAT:
        crc = manifest.pop("manifest_crc32", None)
        if crc != _manifest_crc(manifest):
            raise errors.DataLossError(
                None, None, f"{fn}: the checkpoint file {gfile} is corrupt (its checksum does not match).")
    return manifest


def _np_dtype(name: str) -> np.dtype:
    from ..core import dtypes as _dt

    return np.dtype(_dt.as_dtype(name)._np)


def _aligned_empty(nbytes: int) -> np.ndarray:
    """A new uint8 array of ``nbytes`` whose data starts at a 64-byte boundary (JAX can then use it without a copy)."""
    raw = np.empty(nbytes + _ALIGN, np.uint8)
    skip = -raw.ctypes.data % _ALIGN
    return raw[skip:skip + nbytes]


def _records(values: dict, size: int, dfile: str, damaged: Any) -> list:
    """[(key, dtype, shape, offset, nbytes, crc32)] of the values, each checked to fit the data file."""
    out = []
    for key, info in values.items():
        try:
            dt = _np_dtype(info["dtype"])
            shape = tuple(int(d) for d in info["shape"])
            off, nbytes, crc = int(info["offset"]), int(info["nbytes"]), int(info["crc32"])
        except (KeyError, TypeError, ValueError) as e:
            raise damaged(f"the record of {key} in its graph is invalid ({type(e).__name__}: {e}).") from None
        want = int(np.prod(shape, dtype=np.int64)) * (dt.itemsize if dt.kind != "O" else 8)
        if (min(shape, default=0) < 0 or (nbytes != want if dt.kind != "O" else nbytes < want)
                or off < 0 or off + nbytes > size):
            raise damaged(f"the record of {key} (shape {shape}, dtype {dt.name}, bytes {off}..{off + nbytes}) "
                          f"does not fit {dfile} ({size} bytes).")
        out.append((key, dt, shape, off, nbytes, crc))
    out.sort(key=lambda r: r[3])
    return out


def _gaps(records: list, size: int) -> list:
    """The (offset, nbytes) ranges of the data file that no value covers (the alignment padding)."""
    out, pos = [], 0
    for r in records:
        off, nbytes = r[3], r[4]
        if off > pos:
            out.append((pos, off - pos))
        pos = max(pos, off + nbytes)
    if size > pos:
        out.append((pos, size - pos))
    return out


def _read_into(f: Any, mv: memoryview, off: int, on_chunk: Any = None) -> bool:
    """Fill ``mv`` from file offset ``off``, passing each piece read to ``on_chunk``; False if the file ends first."""
    f.seek(off)
    pos = 0
    while pos < len(mv):
        n = f.readinto(mv[pos:pos + _READ_CHUNK])
        if not n:
            return False
        if on_chunk is not None:
            on_chunk(mv[pos:pos + n])
        pos += n
    return True


def read_arrays(path: str, manifest: dict, fn: str = "tf.train.Checkpoint.restore") -> dict:
    """Every value of checkpoint ``path``: {value key: np.ndarray}, all validated (DataLossError naming the file).

    Large values get a buffer of their own (64-byte aligned, so restoring can hand it to JAX without
    a copy, and no value keeps another's memory alive); their CRC-32s are computed in a second thread
    while the next bytes are read. Small checkpoints are read in one piece."""
    values = manifest.get("values", {})
    if not values:
        return {}
    if manifest.get("format") == _LEGACY_FORMAT:
        return _read_orbax(path, values, fn)
    dfile = os.path.join(os.fspath(path), DATA_FILE)

    def damaged(what: str) -> errors.DataLossError:
        return errors.DataLossError(None, None, f"{fn}: the checkpoint {path} is corrupt or truncated: {what}")

    try:
        size = int(manifest["data"]["size"])
    except (KeyError, TypeError, ValueError) as e:
        raise damaged(f"its graph has no valid data record ({type(e).__name__}: {e}).") from None
    records = _records(values, size, dfile, damaged)
    gaps = _gaps(records, size)
    bufs: dict = {}
    crcs: dict = {}
    try:
        with open(dfile, "rb", buffering=0) as f:
            have = os.fstat(f.fileno()).st_size
            if have != size:
                raise damaged(f"{dfile} has {have} bytes, its graph records {size}.")
            if size < _PARALLEL_CRC_BYTES:
                whole = _aligned_empty(size)
                if not _read_into(f, memoryview(whole), 0):
                    raise damaged(f"{dfile} ended early.")
                for key, _, _, off, nbytes, _ in records:
                    bufs[key] = whole[off:off + nbytes]
                    crcs[key] = crc32(memoryview(bufs[key]))
                padding = [whole[off:off + n] for off, n in gaps]
            else:
                _read_pipelined(f, records, bufs, crcs, dfile, damaged)
                padding = [np.frombuffer(os.pread(f.fileno(), n, off), np.uint8) for off, n in gaps]
    except FileNotFoundError as e:
        raise damaged(f"cannot read {dfile}: {e}") from None
    except OSError as e:
        raise errors.from_os_error(e, f"{fn}: cannot read the checkpoint data {dfile}") from None
    for (off, n), pad in zip(gaps, padding):
        if len(pad) != n or pad.any():
            raise damaged(f"the padding bytes {off}..{off + n} of {dfile} are not zero.")
    out = {}
    for key, dt, shape, _, _, want_crc in records:
        if crcs[key] != want_crc:
            raise damaged(f"the data of {key} in {dfile} does not match its checksum.")
        if dt.kind == "O":
            a = _string_value(bufs[key], shape)
            if a is None:
                raise damaged(f"the string data of {key} in {dfile} is inconsistent.")
            out[key] = a
            continue
        a = bufs[key].view(dt).reshape(shape)
        out[key] = a.byteswap() if sys.byteorder == "big" and dt.itemsize > 1 else a
    return {key: out[key] for key in values}


def _read_pipelined(f: Any, records: list, bufs: dict, crcs: dict, dfile: str, damaged: Any) -> None:
    """Read every record into its own aligned buffer while a worker thread checksums the pieces already read."""
    todo: queue.SimpleQueue = queue.SimpleQueue()
    failed: list = []

    def checksum() -> None:
        while True:
            item = todo.get()
            if item is None:
                return
            key, part = item
            try:
                crcs[key] = zlib.crc32(part, crcs[key])
            except BaseException as e:  # noqa: BLE001 - re-raised in the reading thread
                failed.append(e)

    worker = threading.Thread(target=checksum, name="tfshim-checkpoint-crc", daemon=True)
    worker.start()
    try:
        for key, _, _, off, nbytes, _ in records:
            buf = bufs[key] = _aligned_empty(nbytes)
            crcs[key] = 0
            if not _read_into(f, memoryview(buf), off, lambda part, key=key: todo.put((key, part))):
                raise damaged(f"{dfile} ended inside the data of {key}.")
    finally:
        todo.put(None)
        worker.join()
    if failed:
        raise failed[0]


def _read_orbax(path: str, values: dict, fn: str) -> dict:
    """The values of a checkpoint of the orbax-based format (``state/`` directory), validated."""
    ocp = _ocp()
    apath = os.path.abspath(path)
    state_dir = os.path.join(apath, "state")
    if not os.path.isdir(state_dir):
        raise errors.DataLossError(None, None, f"{fn}: the checkpoint {path} is truncated: {state_dir} is missing.")
    restore_args = {info["item"]: ocp.RestoreArgs(restore_type=np.ndarray) for info in values.values()}
    try:
        got = _get_checkpointer().restore(
            apath, args=ocp.args.Composite(state=ocp.args.PyTreeRestore(restore_args=restore_args))
        )["state"]
    except Exception as e:  # orbax/tensorstore raise many kinds; all mean unreadable data here
        raise errors.DataLossError(
            None, None, f"{fn}: the checkpoint {path} is corrupt or truncated (reading {state_dir} failed): "
            f"{type(e).__name__}: {e}",
        ) from None
    out = {}
    for key, info in values.items():
        a = got.get(info["item"]) if isinstance(got, dict) else None
        if a is None:
            raise errors.DataLossError(None, None, f"{fn}: the checkpoint {path} has no data for {key} in {state_dir}.")
        a = np.asarray(a)
        want_dt = _np_dtype(info["dtype"])
        if a.dtype != want_dt:
            a = a.astype(want_dt) if a.dtype.kind == want_dt.kind == "V" else a
        if tuple(a.shape) != tuple(info["shape"]) or a.dtype != want_dt or crc32(a) != info["crc32"]:
            raise errors.DataLossError(
                None, None,
                f"{fn}: the checkpoint {path} is corrupt: the data of {key} in {state_dir} does not match its "
                f"recorded shape {tuple(info['shape'])}, dtype {info['dtype']} and checksum (read shape "
                f"{tuple(a.shape)}, dtype {a.dtype.name}).",
            )
        out[key] = a
    return out


def remove(path: str) -> None:
    """Delete checkpoint ``path`` (a tfshim directory, or TF's ``.index``/``.data-*`` files), never half.

    A directory is first renamed away (a temporary name the next save removes should this process die
    while deleting); TF's files go index first, so the prefix stops being a checkpoint at once."""
    if os.path.isdir(path) and not os.path.islink(path):
        gone = _tmp_name(path)
        try:
            os.rename(path, gone)
        except OSError:
            gone = path
        shutil.rmtree(gone, ignore_errors=True)
    for p in glob.glob(glob.escape(path) + ".index") + sorted(glob.glob(glob.escape(path) + ".data-*")):
        try:
            os.remove(p)
        except OSError:
            pass
