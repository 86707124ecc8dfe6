"""Model.save_weights / load_weights.

Any path but ``*.npz`` is a tf.train.Checkpoint of the model (object-graph keys, atomic writes,
restore-on-create: loading before the model is built assigns weights as they are created).
Difference from Keras 3: Keras writes HDF5 ``.weights.h5``; tfshim writes its checkpoint format
under that name. A ``*.npz`` path writes a NumPy archive of the weights in order instead.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np


def _is_npz(filepath: Any) -> bool:
    return os.fspath(filepath).endswith(".npz")


def save_weights(model: Any, filepath: str, overwrite: bool = True) -> None:
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
    with open(filepath, "wb") as f:  # np.savez would append ".npz" to a name without it
        np.savez(f, **arrays)


def load_weights(model: Any, filepath: str, skip_mismatch: bool = False) -> Any:
    filepath = os.fspath(filepath)
    if not _is_npz(filepath):
        from ..train.keras_io import load_weights as load_checkpoint

        return load_checkpoint(model, filepath)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"load_weights: no such file: {filepath}")
    # allow_pickle=False: a weights file is data, loading it must never run code (object arrays are refused).
    try:
        with np.load(filepath, allow_pickle=False) as data:
            keys = sorted(k for k in data.files if k.startswith("w"))
            values = [data[k] for k in keys]
    except (ValueError, OSError, EOFError) as e:
        raise ValueError(f"load_weights: {filepath} is not a valid weights file (or holds pickled objects, which "
                         f"tfshim never loads): {e}") from None
    weights = model.weights
    if len(values) != len(weights):
        raise ValueError(
            f"load_weights: the file {filepath} holds {len(values)} weights but model '{model.name}' has "
            f"{len(weights)}; build the model the same way before loading."
        )
    for w, v in zip(weights, values):
        if tuple(w.shape) != v.shape:
            if skip_mismatch:
                continue
            raise ValueError(
                f"load_weights: weight {getattr(w, 'path', w.name)} has shape {tuple(w.shape)} but the file holds "
                f"shape {v.shape}."
            )
        w.assign(v.astype(w._np_dtype))
