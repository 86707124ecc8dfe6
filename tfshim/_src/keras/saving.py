"""Model.save_weights / load_weights as a NumPy ``.npz`` file (until tf.train.Checkpoint backs them).

Difference from Keras 3: Keras writes HDF5 ``.weights.h5``; here the file is an ``.npz`` archive
(whatever the name) holding each weight under its index, with the weight paths for checking.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np


def save_weights(model: Any, filepath: str, overwrite: bool = True) -> None:
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"save_weights: {filepath} exists and overwrite=False.")
    weights = model.weights
    arrays = {f"w{i:05d}": np.asarray(w.numpy()) for i, w in enumerate(weights)}
    arrays["__paths__"] = np.array([getattr(w, "path", w.name) for w in weights] or [""], dtype=object)
    with open(filepath, "wb") as f:  # np.savez would append ".npz" to a name without it
        np.savez(f, **arrays)


def load_weights(model: Any, filepath: str, skip_mismatch: bool = False) -> None:
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"load_weights: no such file: {filepath}")
    with np.load(filepath, allow_pickle=True) as data:
        keys = sorted(k for k in data.files if k.startswith("w"))
        values = [data[k] for k in keys]
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
