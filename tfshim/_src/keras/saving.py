"""Model.save_weights / load_weights.

Any path but ``*.npz`` is a tf.train.Checkpoint of the model (object-graph keys, atomic writes,
every byte checksummed, restore-on-create: loading before the model is built assigns weights as
they are created). Difference from Keras 3: Keras writes HDF5 ``.weights.h5``; tfshim writes its
checkpoint format under that name. A ``*.npz`` path writes a NumPy archive of the weights in order
instead, whose zip comment holds the CRC-32C of all the file's other bytes (``tfshim-crc32c:`` and
8 hex digits; archives without a comment, as ``np.savez`` writes them, load with the zip's own
per-member CRCs only).

Both formats are written to a temporary file beside the target and renamed over it (``fsync``-ed
first when ``TFSHIM_CHECKPOINT_FSYNC=1``, as checkpoints), so a process killed while saving leaves
the previous file complete; and loading reads and checks every weight before assigning any, so a
damaged or mismatched file changes nothing (``tf.errors.DataLossError`` for a damaged file,
ValueError for one that does not fit the model).
"""

from __future__ import annotations

import glob
import io
import os
import re
import zipfile
from typing import Any

import numpy as np

from ..core import crc32c, errors
from ..train import storage

_MARK = b"tfshim-crc32c:"
_TRAILER = re.compile(rb"tfshim-crc32c:([0-9a-f]{8})\Z")
_EOCD = b"PK\x05\x06"  # the zip's end-of-central-directory record (22 bytes plus the comment)


def _is_npz(filepath: Any) -> bool:
    return os.fspath(filepath).endswith(".npz")


def save_weights(model: Any, filepath: str, overwrite: bool = True) -> None:
    """Write ``model``'s weights to ``filepath`` atomically (a checkpoint, or a NumPy ``.npz`` archive)."""
    filepath = os.fspath(filepath)
    if not _is_npz(filepath):
        from ..train.keras_io import save_weights as save_checkpoint

        save_checkpoint(model, filepath, overwrite=overwrite)
        return
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"save_weights: {filepath} exists and overwrite=False.")
    weights = model.weights
    arrays = {f"w{i:05d}": np.asarray(w.numpy()) for i, w in enumerate(weights)}
    arrays["__paths__"] = np.array([str(getattr(w, "path", w.name)) for w in weights] or [""], dtype=str)
    path = os.path.abspath(filepath)
    try:
        _write_npz(path, arrays)
    except OSError as e:
        raise errors.from_os_error(e, f"Model.save_weights: cannot write {filepath}") from None


def _write_npz(path: str, arrays: dict) -> None:
    storage.makedirs(os.path.dirname(path))
    for p in glob.glob(glob.escape(path) + storage._TMP_MARK + "*"):  # left by saves killed before their rename
        if storage._dead(p, storage._TMP_MARK):
            os.remove(p)
    tmp = storage._tmp_name(path)
    sync = storage.durable()
    try:
        with open(tmp, "x+b") as f:
            with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
                for name, a in arrays.items():
                    with zf.open(name + ".npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, np.asanyarray(a), allow_pickle=False)
                zf.comment = _MARK + b"00000000"
            # The checksum covers every byte before its 8 digits: members, directory, end record, comment length.
            f.seek(0)
            crc, left = 0, f.seek(0, os.SEEK_END) - 8
            f.seek(0)
            while left > 0:
                piece = f.read(min(left, 1 << 20))
                crc = crc32c.extend(crc, piece)
                left -= len(piece)
            f.write(b"%08x" % crc)
            if sync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)  # one atomic rename: readers see the old file or the new one, whole
        if sync:
            storage._fsync_dir(os.path.dirname(path))
    except BaseException:
        if os.path.lexists(tmp):
            os.remove(tmp)
        raise


def _read_npz(filepath: str) -> list:
    """The weights of the ``.npz`` file in order, every byte checked (DataLossError / ValueError)."""

    def damaged(what: str) -> errors.DataLossError:
        return errors.DataLossError(None, None, f"Model.load_weights: the weights file {filepath} is corrupt: {what}")

    try:
        with open(filepath, "rb") as f:
            data = f.read()
    except OSError as e:
        raise errors.from_os_error(e, f"Model.load_weights: cannot read {filepath}") from None
    m = _TRAILER.search(data[-len(_MARK) - 8:])
    if m is not None:
        if crc32c.value(memoryview(data)[:-8]) != int(m.group(1), 16):
            raise damaged("its checksum does not match.")
    elif not (len(data) >= 22 and data[-22:-18] == _EOCD and data[-2:] == b"\0\0"):
        # Neither tfshim's checksum nor the plain end of a zip without a comment (as np.savez writes it).
        raise damaged("it does not end with tfshim's checksum or a zip end record.")
    # allow_pickle=False: a weights file is data, loading it must never run code (object arrays are refused).
    buf = io.BytesIO(data)
    try:
        with np.load(buf, allow_pickle=False) as npz:
            keys = sorted(k for k in npz.files if k.startswith("w"))
            return [npz[k] for k in keys]
    except (zipfile.BadZipFile, EOFError) as e:
        raise damaged(f"{type(e).__name__}: {e}") from None
    except ValueError as e:
        raise ValueError(f"load_weights: {filepath} is not a valid weights file (or holds pickled objects, which "
                         f"tfshim never loads): {e}") from None
    except OSError as e:
        raise damaged(f"{type(e).__name__}: {e}") from None


def load_weights(model: Any, filepath: str, skip_mismatch: bool = False) -> Any:
    """Load the weights ``save_weights`` wrote into ``model``: all checked first, then all assigned."""
    filepath = os.fspath(filepath)
    if not _is_npz(filepath):
        from ..train.keras_io import load_weights as load_checkpoint

        return load_checkpoint(model, filepath)
    if not os.path.exists(filepath):
        raise errors.from_os_error(FileNotFoundError(2, "No such file or directory", filepath),
                                   f"Model.load_weights: no weights file {filepath}")
    values = _read_npz(filepath)
    weights = model.weights
    if len(values) != len(weights):
        raise ValueError(
            f"load_weights: the file {filepath} holds {len(values)} weights but model '{model.name}' has "
            f"{len(weights)}; build the model the same way before loading."
        )
    todo = []
    for w, v in zip(weights, values):
        if tuple(w.shape) != v.shape:
            if skip_mismatch:
                continue
            raise ValueError(
                f"load_weights: weight {getattr(w, 'path', w.name)} has shape {tuple(w.shape)} but the file holds "
                f"shape {v.shape}; nothing was loaded."
            )
        try:
            todo.append((w, v.astype(w._np_dtype)))
        except (TypeError, ValueError) as e:
            raise ValueError(f"load_weights: weight {getattr(w, 'path', w.name)} ({w.dtype.name}) cannot hold the "
                             f"file's {v.dtype} values ({e}); nothing was loaded.") from None
    for w, v in todo:  # every weight checked: now assign them
        w.assign(v)
