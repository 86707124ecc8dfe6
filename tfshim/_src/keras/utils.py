"""tf.keras.utils (minimal)."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from .backend import clear_session
from .input import is_keras_tensor


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """tf.keras.utils.to_categorical(x, num_classes=None): one-hot float32 NumPy array."""
    x = np.asarray(x, dtype="int64")
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if num_classes is None:
        num_classes = int(np.max(x)) + 1
    out = np.zeros((x.shape[0], num_classes), dtype="float32")
    out[np.arange(x.shape[0]), x] = 1.0
    return out.reshape(shape + (num_classes,))


def normalize(x: Any, axis: int = -1, order: int = 2) -> Any:
    """tf.keras.utils.normalize(x, axis=-1, order=2): ``x`` divided by its ``order``-norm along ``axis`` (zero norms
    left as 1). A NumPy array gives a NumPy array, a tensor a tensor."""
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, axis or -1)
    from ..core.convert import convert_to_tensor
    from ..core.dispatch import run

    return run(_normalize_impl, (convert_to_tensor(x),), "tf.keras.utils.normalize", axis=int(axis),
               order=order)


def _normalize_impl(x, axis, order):
    import jax.numpy as jnp

    if order == 2:  # Keras' tensor path: l2_normalize with epsilon 1e-12 on the squared norm
        sq = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
        return x * _rsqrt(jnp.maximum(sq, jnp.asarray(1e-12, x.dtype)))
    norm = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / jnp.where(norm == 0, jnp.ones_like(norm), norm)


def _rsqrt(x: Any) -> Any:
    import jax

    return jax.lax.rsqrt(x)


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


from .progbar import Progbar  # noqa: E402

PUBLIC = {"to_categorical": to_categorical, "normalize": normalize, "Progbar": Progbar,
          "set_random_seed": set_random_seed, "clear_session": clear_session,
          "get_source_inputs": get_source_inputs, "is_keras_tensor": is_keras_tensor}
