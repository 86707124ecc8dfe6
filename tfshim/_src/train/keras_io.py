"""Keras ``Model.save_weights`` / ``load_weights`` in TF's checkpoint format, on tf.train's machinery.

For paths that are not ``.weights.h5``/``.npz`` files, Keras (2, and tf.keras before Keras 3) wrote
an object-based TF checkpoint rooted at the model (keys ``layer/kernel/.ATTRIBUTES/VARIABLE_VALUE``)
and a ``checkpoint`` state file beside it. ``tfshim._src.keras.saving`` calls these functions.
"""

from __future__ import annotations

import os
from typing import Any

from . import checkpoint_state, storage
from .checkpoint import CheckpointLoadStatus, restore_object, write_object


def save_weights(model: Any, filepath: Any, overwrite: bool = True) -> str:
    """Write ``model``'s variables (and its optimizer's, if tracked) as the checkpoint ``filepath``."""
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"save_weights: {filepath} exists and overwrite=False.")
    write_object(model, filepath, "Model.save_weights")
    checkpoint_state.write_state(os.path.dirname(filepath), filepath, [filepath])
    return filepath


def load_weights(model: Any, filepath: Any) -> CheckpointLoadStatus:
    """Restore a checkpoint written by ``save_weights`` into ``model``; weights not built yet are restored
    when they are created (deferred restoration). Returns the load status (``assert_consumed`` etc.)."""
    path = os.fspath(filepath)
    if os.path.isdir(path) and not storage.is_checkpoint(path):
        latest = checkpoint_state.latest_checkpoint(path)
        path = latest if latest is not None else path
    return restore_object(model, path, "Model.load_weights")
