"""tf.keras.regularizers: L1, L2, L1L2 (callables returning a scalar penalty from a weight)."""

from __future__ import annotations

from typing import Any

from ..core.convert import convert_to_tensor
from ..core.dispatch import run


def _l1l2_impl(x, l1, l2):
    out = 0.0
    if l1:
        out = out + l1 * abs(x).sum()
    if l2:
        out = out + l2 * (x * x).sum()
    return (x.sum() * 0 + out).astype(x.dtype)


class Regularizer:
    """tf.keras.regularizers.Regularizer."""

    def __call__(self, x: Any) -> Any:
        return 0.0

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Regularizer:
        return cls(**config)


class L1L2(Regularizer):
    """tf.keras.regularizers.L1L2(l1=0.0, l2=0.0): l1 * sum(|x|) + l2 * sum(x**2)."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x: Any) -> Any:
        return run(_l1l2_impl, (convert_to_tensor(x),), "tf.keras.regularizers.L1L2", l1=self.l1, l2=self.l2)

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """tf.keras.regularizers.L1(l1=0.01)."""

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1)

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(L1L2):
    """tf.keras.regularizers.L2(l2=0.01)."""

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=l2)

    def get_config(self) -> dict:
        return {"l2": self.l2}


_NAMES = {"l1": L1, "l2": L2, "l1_l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2}


def get(identifier: Any) -> Any:
    """tf.keras.regularizers.get: None, a name ('l2'), a config dict or a callable."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _NAMES:
        return _NAMES[identifier]()
    if isinstance(identifier, dict):
        return _NAMES[identifier["class_name"]].from_config(identifier.get("config", {}))
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")


def serialize(regularizer: Any) -> Any:
    if regularizer is None:
        return None
    return {"module": "keras.regularizers", "class_name": type(regularizer).__name__,
            "config": regularizer.get_config(), "registered_name": None}


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    return L1L2(l1=l1, l2=l2)


PUBLIC = {"Regularizer": Regularizer, "L1": L1, "L2": L2, "L1L2": L1L2, "l1": L1, "l2": L2, "l1_l2": l1_l2,
          "get": get, "serialize": serialize}
