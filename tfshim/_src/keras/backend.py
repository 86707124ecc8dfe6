"""tf.keras.backend (minimal): floatx, epsilon, image_data_format, name uids and clear_session."""

from __future__ import annotations

import re

from ..core import state

_CONFIG = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last"}


def floatx() -> str:
    """tf.keras.backend.floatx(): the default float type of weights ('float32')."""
    return _CONFIG["floatx"]


def set_floatx(value: str) -> None:
    """tf.keras.backend.set_floatx(value)."""
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of float16, bfloat16, float32, float64")
    _CONFIG["floatx"] = str(value)


def epsilon() -> float:
    """tf.keras.backend.epsilon(): the fuzz factor (1e-7)."""
    return _CONFIG["epsilon"]


def set_epsilon(value: float) -> None:
    _CONFIG["epsilon"] = float(value)


def image_data_format() -> str:
    """tf.keras.backend.image_data_format(): 'channels_last'."""
    return _CONFIG["image_data_format"]


def set_image_data_format(data_format: str) -> None:
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"The `data_format` argument must be one of {{'channels_first', 'channels_last'}}. "
                         f"Received: data_format={data_format}")
    _CONFIG["image_data_format"] = data_format


def get_uid(prefix: str = "") -> int:
    """tf.keras.backend.get_uid(prefix): 1, 2, 3, ... per prefix (reset by clear_session).

    The counters are per thread, as Keras 3's: a new thread's first ``Dense`` is named ``dense`` again.
    """
    uids = state.keras_uids
    n = uids[prefix] = uids.get(prefix, 0) + 1
    return n


def clear_session(free_memory: bool = True) -> None:
    """tf.keras.backend.clear_session(): reset the calling thread's automatic names (``dense``, ``dense_1``, ...)
    and, as Keras, the global dtype policy (back to following ``floatx()``)."""
    from . import dtype_policy  # imports this module

    state.keras_uids.clear()
    dtype_policy._GLOBAL[0] = None


def to_snake_case(name: str) -> str:
    """Keras' class-name → layer-name rule (``Conv2D`` → ``conv2d``, ``ReLU`` → ``re_lu``)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def unique_name(base: str) -> str:
    """``base`` the first time, then ``base_1``, ``base_2``, ... (Keras' automatic names)."""
    n = get_uid(base)
    return base if n == 1 else f"{base}_{n - 1}"


def standardize_dtype(dtype: object) -> str:
    """A dtype (string, tf.DType, numpy dtype or None) as Keras' dtype string."""
    if dtype is None:
        return floatx()
    name = getattr(dtype, "name", None)
    if isinstance(name, str) and not isinstance(dtype, str):
        return name
    import numpy as np

    return np.dtype(dtype).name
