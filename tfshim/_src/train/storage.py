"""Checkpoint files: one orbax checkpoint directory per checkpoint path, written atomically.

Layout of the directory ``<prefix>-<n>`` (TF writes ``<prefix>-<n>.index`` + ``.data-*`` files
instead; the path strings, counters and the ``checkpoint`` state file are TF's):

- ``graph``: JSON (orbax JsonSave) — the object graph (nodes and named edges), and for each
  value key its stored item, shape, dtype and CRC-32 of its bytes;
- ``state``: an orbax PyTree of NumPy arrays ``{"t0": ..., "t1": ...}``.

Orbax writes into a temporary directory and renames it into place, so a process killed during a
save leaves no half-written checkpoint under the final name. Reading validates every array
(readable, shape, dtype, CRC-32) before returning anything: a corrupt or truncated checkpoint raises
``tf.errors.DataLossError`` naming the file, and nothing is restored.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import threading
import zlib
from typing import Any

import numpy as np

from ..core import errors

FORMAT = "tfshim-checkpoint-1"
_GRAPH_FILE = os.path.join("graph", "metadata")
_TMP_MARK = ".orbax-checkpoint-tmp"

_lock = threading.Lock()
_checkpointer: Any = None


def _ocp() -> Any:
    import orbax.checkpoint as ocp  # imported on first use: it takes seconds

    return ocp


def _get_checkpointer() -> Any:
    global _checkpointer
    with _lock:
        if _checkpointer is None:
            ocp = _ocp()
            # No compression: parameters barely compress, and TF's bundle stores them raw too.
            _checkpointer = ocp.Checkpointer(ocp.CompositeCheckpointHandler(
                state=ocp.PyTreeCheckpointHandler(use_compression=False), graph=ocp.JsonCheckpointHandler()))
        return _checkpointer


def crc32(a: np.ndarray) -> int:
    a = np.ascontiguousarray(a)
    return zlib.crc32(a.reshape(-1).view(np.uint8)) if a.size else 0


def is_checkpoint(path: str) -> bool:
    """True when ``path`` is a complete tfshim checkpoint directory."""
    return os.path.isfile(os.path.join(path, _GRAPH_FILE))


def is_tf_checkpoint(path: str) -> bool:
    """True when ``path`` is the prefix of a checkpoint written by TensorFlow (``path.index``)."""
    return os.path.isfile(path + ".index")


def exists(path: str) -> bool:
    return is_checkpoint(path) or is_tf_checkpoint(path)


def _remove_stale_tmp(path: str) -> None:
    # Temporary directories of saves that were killed before their rename.
    for p in glob.glob(glob.escape(path) + _TMP_MARK + "*"):
        shutil.rmtree(p, ignore_errors=True)


def write(path: str, manifest: dict, arrays: dict) -> None:
    """Write ``arrays`` ({item name: np.ndarray}) and the JSON ``manifest`` as the checkpoint ``path``."""
    ocp = _ocp()
    path = os.path.abspath(path)
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    _remove_stale_tmp(path)
    items = {"graph": ocp.args.JsonSave(manifest)}
    if arrays:
        items["state"] = ocp.args.PyTreeSave(arrays)
    ckptr = _get_checkpointer()
    if not os.path.lexists(path):
        ckptr.save(path, args=ocp.args.Composite(**items))
        return
    # Overwrite without a moment where neither the old nor the new checkpoint is complete.
    new = f"{path}.tfshim-new-{os.getpid()}"
    old = f"{path}.tfshim-old-{os.getpid()}"
    for p in (new, old):
        shutil.rmtree(p, ignore_errors=True)
    ckptr.save(new, args=ocp.args.Composite(**items))
    os.rename(path, old)
    os.rename(new, path)
    shutil.rmtree(old, ignore_errors=True)


def _not_found(path: str, fn: str) -> errors.NotFoundError:
    return errors.NotFoundError(
        None, None,
        f"{fn}: no checkpoint found at {path!r}. Please double-check that the path is correct. You may be missing "
        "the checkpoint suffix (e.g. the '-1' in 'path/to/ckpt-1'); tf.train.latest_checkpoint(directory) gives the "
        "newest one.",
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
    except (OSError, ValueError) as e:
        raise errors.DataLossError(
            None, None, f"{fn}: the checkpoint file {gfile} is corrupt or truncated: {e}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "nodes" not in manifest:
        raise errors.DataLossError(None, None, f"{fn}: the checkpoint file {gfile} is not a tfshim checkpoint graph.")
    return manifest


def _np_dtype(name: str) -> np.dtype:
    from ..core import dtypes as _dt

    return np.dtype(_dt.as_dtype(name)._np)


def read_arrays(path: str, manifest: dict, fn: str = "tf.train.Checkpoint.restore") -> dict:
    """Every value of checkpoint ``path``: {value key: np.ndarray}, all validated (DataLossError naming the file)."""
    values = manifest.get("values", {})
    if not values:
        return {}
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
    """Delete checkpoint ``path`` (a tfshim directory, or TF's ``.index``/``.data-*`` files)."""
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    for p in glob.glob(glob.escape(path) + ".index") + glob.glob(glob.escape(path) + ".data-*"):
        try:
            os.remove(p)
        except OSError:
            pass
