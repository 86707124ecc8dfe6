"""tf.keras.utils (minimal)."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from .backend import clear_session
from .input import is_keras_tensor


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """tf.keras.utils.to_categorical(x, num_classes=None): one-hot NumPy array, float64 as Keras 3's."""
    x = np.asarray(x, dtype="int64")
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if num_classes is None:
        num_classes = int(np.max(x)) + 1
    out = np.zeros((x.shape[0], num_classes), dtype="float64")
    out[np.arange(x.shape[0]), x] = 1.0
    return out.reshape(shape + (num_classes,))


def set_random_seed(seed: int) -> None:
    """tf.keras.utils.set_random_seed(seed): seeds Python, NumPy and tf.random."""
    if not isinstance(seed, int):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed} (of type {type(seed)})")
    from ..ops.random import set_seed

    random.seed(seed)
    np.random.seed(seed)
    set_seed(seed)


def get_source_inputs(tensor: Any) -> list:
    """tf.keras.utils.get_source_inputs: the Input tensors a KerasTensor depends on."""
    from .input import InputLayer

    out, seen, stack = [], set(), [tensor]
    while stack:
        kt = stack.pop()
        node = getattr(kt, "_node", None)
        if node is None or isinstance(node.layer, InputLayer):
            if id(kt) not in seen:
                seen.add(id(kt))
                out.append(kt)
            continue
        stack.extend(reversed(node.inputs))
    return out


PUBLIC = {"to_categorical": to_categorical, "set_random_seed": set_random_seed, "clear_session": clear_session,
          "get_source_inputs": get_source_inputs, "is_keras_tensor": is_keras_tensor}
