"""tf.keras.constraints: projections applied to a weight after each optimizer update (Keras 3's formulas).

A layer's ``kernel_constraint=...`` (an object, a class name or its snake_case alias such as ``"max_norm"``)
is stored on the weight; the optimizer assigns ``constraint(weight)`` after updating it, as Keras does.
"""

from __future__ import annotations

import inspect
from typing import Any

import jax.numpy as jnp

from ..core.convert import convert_to_tensor
from ..core.dispatch import run
from .backend import epsilon


def _norms(w, axis):
    return jnp.sqrt(jnp.sum(jnp.square(w), axis=axis, keepdims=True))


def _max_norm(w, max_value, axis, eps):
    n = _norms(w, axis)
    return w * (jnp.clip(n, 0, max_value) / (eps + n))


def _min_max_norm(w, min_value, max_value, rate, axis, eps):
    n = _norms(w, axis)
    desired = rate * jnp.clip(n, min_value, max_value) + (1 - rate) * n
    return w * (desired / (eps + n))


def _unit_norm(w, axis, eps):
    return w / (eps + _norms(w, axis))


def _non_neg(w):
    return jnp.maximum(w, jnp.zeros((), w.dtype))


def _axis(axis: Any) -> Any:
    return tuple(int(a) for a in axis) if isinstance(axis, (list, tuple)) else int(axis)


class Constraint:
    """tf.keras.constraints.Constraint: the base class; ``__call__(w)`` returns the projected weight
    (the identity here)."""

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Constraint:
        return cls(**config)


class MaxNorm(Constraint):
    """tf.keras.constraints.MaxNorm(max_value=2, axis=0): rescale slices whose L2 norm along ``axis`` exceeds
    ``max_value``."""

    def __init__(self, max_value: float = 2, axis: Any = 0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w: Any) -> Any:
        return run(_max_norm, (convert_to_tensor(w),), "tf.keras.constraints.MaxNorm", max_value=float(self.max_value),
                   axis=_axis(self.axis), eps=float(epsilon()))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """tf.keras.constraints.NonNeg(): ``maximum(w, 0)``."""

    def __call__(self, w: Any) -> Any:
        return run(_non_neg, (convert_to_tensor(w),), "tf.keras.constraints.NonNeg")


class UnitNorm(Constraint):
    """tf.keras.constraints.UnitNorm(axis=0): ``w / (epsilon + ||w||)`` along ``axis``."""

    def __init__(self, axis: Any = 0):
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        return run(_unit_norm, (convert_to_tensor(w),), "tf.keras.constraints.UnitNorm", axis=_axis(self.axis),
                   eps=float(epsilon()))

    def get_config(self) -> dict:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """tf.keras.constraints.MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0): move the norm along
    ``axis`` into ``[min_value, max_value]`` (by the fraction ``rate``)."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w: Any) -> Any:
        return run(_min_max_norm, (convert_to_tensor(w),), "tf.keras.constraints.MinMaxNorm",
                   min_value=float(self.min_value), max_value=float(self.max_value), rate=float(self.rate),
                   axis=_axis(self.axis), eps=float(epsilon()))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


_ALL = {c.__name__: c for c in (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)}
_ALL.update({"constraint": Constraint, "max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "non_neg": NonNeg,
             "unit_norm": UnitNorm})


def serialize(constraint: Any) -> Any:
    """tf.keras.constraints.serialize."""
    if constraint is None:
        return None
    return {"module": "keras.constraints", "class_name": type(constraint).__name__,
            "config": constraint.get_config(), "registered_name": None}


def deserialize(config: dict, custom_objects: Any = None) -> Constraint:
    """tf.keras.constraints.deserialize."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _ALL.get(name)
    if cls is None:
        raise ValueError(f"Could not interpret constraint identifier: {config}")
    return cls.from_config(config.get("config", {}))


def get(identifier: Any) -> Any:
    """tf.keras.constraints.get: None, a name (``"max_norm"``, ``"MaxNorm"``), a config dict or a callable."""
    if identifier is None:
        return None
    obj = deserialize(identifier) if isinstance(identifier, dict) else (
        _ALL.get(identifier) if isinstance(identifier, str) else identifier)
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret constraint identifier: {identifier}")


PUBLIC = {**{k: v for k, v in _ALL.items() if k != "constraint"}, "get": get, "serialize": serialize,
          "deserialize": deserialize}
