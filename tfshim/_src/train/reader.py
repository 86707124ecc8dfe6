"""tf.train.load_checkpoint / list_variables: inspect a checkpoint's values by key."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from . import checkpoint_state, storage

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


def _resolve(ckpt_dir_or_file: Any, fn: str) -> str:
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path) and not storage.is_checkpoint(path):
        latest = checkpoint_state.latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"{fn}: couldn't find 'checkpoint' file or checkpoints in given directory {path}")
        return latest
    return path


class CheckpointReader:
    """What tf.train.load_checkpoint returns: ``get_tensor``, ``has_tensor`` and the shape/dtype maps.

    Like TF's, the maps include ``_CHECKPOINTABLE_OBJECT_GRAPH`` (a string; here the JSON object graph)."""

    def __init__(self, path: str):
        from .checkpoint import read_checkpoint

        path = storage.resolve(path)
        self._path = path
        if storage.is_checkpoint(path) or not storage.is_tf_checkpoint(path):
            self._manifest = storage.read_manifest(path, "tf.train.load_checkpoint")
            self._values = None  # read on first get_tensor
        else:
            self._manifest, self._values = read_checkpoint(path, "tf.train.load_checkpoint")
        self._meta = self._manifest.get("values", {})

    def _arrays(self) -> dict:
        if self._values is None:
            self._values = storage.read_arrays(self._path, self._manifest, "tf.train.load_checkpoint")
        return self._values

    def has_tensor(self, key: str) -> bool:
        return key in self._meta or key == OBJECT_GRAPH_KEY

    def get_tensor(self, key: str) -> Any:
        """The value stored under ``key`` as a NumPy array (NumPy scalar for 0-d), as TF's reader."""
        if key == OBJECT_GRAPH_KEY:
            import json

            return json.dumps({"nodes": self._manifest["nodes"]}).encode()
        if key not in self._meta:
            raise errors.NotFoundError(None, None, f"Key {key} not found in checkpoint")
        a = np.array(self._arrays()[key])
        return a[()] if a.ndim == 0 else a

    def get_variable_to_shape_map(self) -> dict:
        out = {k: list(v["shape"]) for k, v in self._meta.items()}
        out[OBJECT_GRAPH_KEY] = []
        return out

    def get_variable_to_dtype_map(self) -> dict:
        out = {k: _dt.as_dtype(v["dtype"]) for k, v in self._meta.items()}
        out[OBJECT_GRAPH_KEY] = _dt.string
        return out

    def debug_string(self) -> bytes:
        return "".join(f"{k} ({v['dtype']}) {v['shape']}\n" for k, v in sorted(self._meta.items())).encode()


def load_checkpoint(ckpt_dir_or_file: Any) -> CheckpointReader:
    """tf.train.load_checkpoint(ckpt_dir_or_file): a reader for a checkpoint (a directory means its latest)."""
    return CheckpointReader(_resolve(ckpt_dir_or_file, "tf.train.load_checkpoint"))


def list_variables(ckpt_dir_or_file: Any) -> list:
    """tf.train.list_variables(ckpt_dir_or_file): sorted ``[(key, shape), ...]``, as TF."""
    reader = load_checkpoint(ckpt_dir_or_file)
    return sorted(reader.get_variable_to_shape_map().items())
