"""TF2's own initializer classes: tf.zeros_initializer, tf.ones_initializer, tf.constant_initializer,
tf.random_normal_initializer, tf.random_uniform_initializer (TF's ``init_ops_v2``, not Keras').

``__call__(shape, dtype=tf.float32, **kwargs)`` returns a Tensor. A seeded random initializer returns
the same values on every call (TF draws them statelessly from the seed); an unseeded one draws from
``tf.random`` (``tf.random.set_seed`` makes it reproducible). Difference from TF: the random numbers
themselves differ (another generator); the distributions and argument checks are TF's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import dtypes as _dt
from ..core.convert import constant
from ..core.tensor import Tensor
from ..core.tensor_shape import TensorShape
from . import random as _r


def _shape(shape: Any) -> tuple:
    return tuple(TensorShape(shape).as_list())


class Initializer:
    """tf.Initializer (TF's base class): ``__call__(shape, dtype=None, **kwargs)``, ``get_config``,
    ``from_config``."""

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        raise NotImplementedError("Initializer subclasses must implement __call__(shape, dtype=None, **kwargs).")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        config = dict(config)
        config.pop("dtype", None)
        return cls(**config)

    def _check_kwargs(self, kwargs: dict) -> None:
        for k in kwargs:
            if k not in ("partition_shape", "partition_offset"):
                raise TypeError(f"Keyword argument should be one of ['partition_shape', 'partition_offset']. "
                                f"Received: {k}")


def _numeric_or_bool(dtype: Any) -> _dt.DType:
    dt = _dt.as_dtype(dtype)
    if dt._np is None or not (dt.is_floating or dt.is_integer or dt.is_complex or dt.is_bool):
        raise ValueError(f"Argument `dtype` expected to be numeric or boolean. Received {dt!r}.")
    return dt


class Zeros(Initializer):
    """tf.zeros_initializer(): all zeros (any numeric or bool dtype)."""

    def __call__(self, shape: Any, dtype: Any = _dt.float32, **kwargs: Any) -> Tensor:
        self._check_kwargs(kwargs)
        dt = _numeric_or_bool(dtype)
        return constant(np.zeros(_shape(kwargs.get("partition_shape", shape)), dt._np), dtype=dt)


class Ones(Initializer):
    """tf.ones_initializer(): all ones (any numeric or bool dtype)."""

    def __call__(self, shape: Any, dtype: Any = _dt.float32, **kwargs: Any) -> Tensor:
        self._check_kwargs(kwargs)
        dt = _numeric_or_bool(dtype)
        return constant(np.ones(_shape(kwargs.get("partition_shape", shape)), dt._np), dtype=dt)


class Constant(Initializer):
    """tf.constant_initializer(value=0): a Python scalar, list/tuple or NumPy array, reshaped to ``shape``
    as ``tf.constant(value, dtype, shape)`` does (a scalar is broadcast)."""

    def __init__(self, value: Any = 0):
        if isinstance(value, Tensor) or hasattr(type(value), "__tf_tensor__"):
            raise TypeError(f"Invalid type for initial value: {type(value).__name__}. Expected Python scalar, list or "
                            "tuple of values, or numpy.ndarray.")
        self.value = value

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        self._check_kwargs(kwargs)
        dt = None if dtype is None else _dt.as_dtype(dtype)
        return constant(self.value, dtype=dt, shape=_shape(shape))

    def get_config(self) -> dict:
        return {"value": self.value}


class RandomNormal(Initializer):
    """tf.random_normal_initializer(mean=0.0, stddev=0.05, seed=None): floating dtypes only."""

    def __init__(self, mean: Any = 0.0, stddev: Any = 0.05, seed: Any = None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape: Any, dtype: Any = _dt.float32, **kwargs: Any) -> Tensor:
        self._check_kwargs(kwargs)
        dt = _dt.as_dtype(dtype)
        if not dt.is_floating:
            raise ValueError(f"Argument `dtype` is expected to be floating point. Received: {dt!r}.")
        shp = _shape(kwargs.get("partition_shape", shape))
        if self.seed is None:
            return _r.normal(shp, self.mean, self.stddev, dtype=dt)
        return _r.stateless_normal(shp, (int(self.seed), 0), self.mean, self.stddev, dtype=dt)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """tf.random_uniform_initializer(minval=-0.05, maxval=0.05, seed=None): floating or integer dtypes."""

    def __init__(self, minval: Any = -0.05, maxval: Any = 0.05, seed: Any = None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape: Any, dtype: Any = _dt.float32, **kwargs: Any) -> Tensor:
        self._check_kwargs(kwargs)
        dt = _dt.as_dtype(dtype)
        if not (dt.is_floating or dt.is_integer):
            raise ValueError(f"Argument `dtype` expected to be numeric or boolean. Received {dt!r}.")
        shp = _shape(kwargs.get("partition_shape", shape))
        if self.seed is None:
            return _r.uniform(shp, self.minval, self.maxval, dtype=dt)
        return _r.stateless_uniform(shp, (int(self.seed), 0), self.minval, self.maxval, dtype=dt)

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


