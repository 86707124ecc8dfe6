"""tf.keras.initializers: Keras 3's initializer classes on tfshim's tf.random.

Unseeded initializers draw from ``tf.random`` (so ``tf.random.set_seed`` makes them reproducible,
which real Keras 3 does not guarantee); a seeded initializer returns the same values on every call,
as in Keras 3. Difference from Keras: the random numbers themselves differ (another generator);
the distributions, fans and scales are Keras'.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core import dtypes as _dt
from ..core.convert import constant
from ..core.tensor import Tensor
from .backend import standardize_dtype


def _dtype(dtype: Any) -> _dt.DType:
    return _dt.as_dtype(standardize_dtype(dtype))


def _random():
    from ..ops import random as r

    return r


class Initializer:
    """tf.keras.initializers.Initializer: ``__call__(shape, dtype=None)`` returns a Tensor."""

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        raise NotImplementedError(f"Initializer subclasses must implement `__call__()`. Received: {self}")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        return cls(**config)

    def clone(self) -> Initializer:
        return self.__class__.from_config(self.get_config())


class Constant(Initializer):
    """tf.keras.initializers.Constant(value=0.0)."""

    def __init__(self, value: Any = 0.0):
        self.value = value

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        dt = _dtype(dtype)
        return constant(np.broadcast_to(np.asarray(self.value, dt._np), tuple(shape)).copy(), dtype=dt)

    def get_config(self) -> dict:
        v = self.value
        return {"value": v.tolist() if isinstance(v, np.ndarray) else v}


class Zeros(Initializer):
    """tf.keras.initializers.Zeros()."""

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        dt = _dtype(dtype)
        return constant(np.zeros(tuple(shape), dt._np), dtype=dt)


class Ones(Initializer):
    """tf.keras.initializers.Ones()."""

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        dt = _dtype(dtype)
        return constant(np.ones(tuple(shape), dt._np), dtype=dt)


class Identity(Initializer):
    """tf.keras.initializers.Identity(gain=1.0): a scaled identity matrix (2-D shapes only)."""

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        if len(shape) != 2:
            raise ValueError(f"Identity matrix initializer can only be used for 2D matrices. Received: shape={shape}")
        dt = _dtype(dtype)
        return constant(self.gain * np.eye(*shape, dtype=dt._np), dtype=dt)

    def get_config(self) -> dict:
        return {"gain": self.gain}


class RandomInitializer(Initializer):
    """Base of the seeded initializers: ``seed`` None draws from tf.random, an int is stateless."""

    def __init__(self, seed: Any = None):
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise ValueError(f"`seed` argument should be an instance of `keras.random.SeedGenerator()` or an integer. "
                             f"Received: seed={seed}")
        self.seed = seed

    def _draw(self, kind: str, shape: tuple, dtype: _dt.DType, a: float, b: float) -> Tensor:
        r = _random()
        if self.seed is None:
            if kind == "normal":
                return r.normal(shape, a, b, dtype=dtype)
            if kind == "truncated_normal":
                return r.truncated_normal(shape, a, b, dtype=dtype)
            return r.uniform(shape, a, b, dtype=dtype)
        seed = (int(self.seed), 0)
        if kind == "normal":
            return r.stateless_normal(shape, seed, a, b, dtype=dtype)
        if kind == "truncated_normal":
            return r.stateless_truncated_normal(shape, seed, a, b, dtype=dtype)
        return r.stateless_uniform(shape, seed, a, b, dtype=dtype)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class RandomNormal(RandomInitializer):
    """tf.keras.initializers.RandomNormal(mean=0.0, stddev=0.05, seed=None)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None):
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        return self._draw("normal", tuple(shape), _dtype(dtype), self.mean, self.stddev)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomInitializer):
    """tf.keras.initializers.TruncatedNormal(mean=0.0, stddev=0.05, seed=None): redrawn beyond 2 stddev."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None):
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        return self._draw("truncated_normal", tuple(shape), _dtype(dtype), self.mean, self.stddev)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(RandomInitializer):
    """tf.keras.initializers.RandomUniform(minval=-0.05, maxval=0.05, seed=None)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Any = None):
        self.minval, self.maxval = minval, maxval
        super().__init__(seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        return self._draw("uniform", tuple(shape), _dtype(dtype), self.minval, self.maxval)

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def compute_fans(shape: tuple) -> tuple:
    """Keras' (fan_in, fan_out): dense kernels use their two dims; conv kernels multiply by the receptive field."""
    shape = tuple(int(s) for s in shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(RandomInitializer):
    """tf.keras.initializers.VarianceScaling(scale=1.0, mode='fan_in', distribution='truncated_normal')."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: Any = None, input_axes: Any = None, output_axes: Any = None):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: expected one of {{'fan_in', 'fan_out', 'fan_avg'}}. "
                             f"Received: mode={mode}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"Invalid `distribution` argument: expected one of {{'normal', 'uniform', "
                             f"'truncated_normal', 'untruncated_normal'}}. Received: distribution={distribution}")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes, self.output_axes = input_axes, output_axes
        super().__init__(seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        shape = tuple(shape)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        dt = _dtype(dtype)
        if self.distribution == "truncated_normal":
            # the stddev of a unit normal truncated to [-2, 2]
            return self._draw("truncated_normal", shape, dt, 0.0, math.sqrt(scale) / 0.87962566103423978)
        if self.distribution == "untruncated_normal":
            return self._draw("normal", shape, dt, 0.0, math.sqrt(scale))
        limit = math.sqrt(3.0 * scale)
        return self._draw("uniform", shape, dt, -limit, limit)

    def get_config(self) -> dict:
        return {"seed": self.seed, "scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "input_axes": self.input_axes, "output_axes": self.output_axes}


class _Preset(VarianceScaling):
    _ARGS: tuple = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: Any = None, input_axes: Any = None, output_axes: Any = None):
        super().__init__(*self._ARGS, seed=seed, input_axes=input_axes, output_axes=output_axes)

    def get_config(self) -> dict:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_Preset):
    """tf.keras.initializers.GlorotUniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out))."""

    _ARGS = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """tf.keras.initializers.GlorotNormal: truncated normal, stddev sqrt(2 / (fan_in + fan_out))."""

    _ARGS = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_Preset):
    """tf.keras.initializers.HeNormal: truncated normal, stddev sqrt(2 / fan_in)."""

    _ARGS = (2.0, "fan_in", "truncated_normal")


class HeUniform(_Preset):
    """tf.keras.initializers.HeUniform: U(-l, l), l = sqrt(6 / fan_in)."""

    _ARGS = (2.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """tf.keras.initializers.LecunNormal: truncated normal, stddev sqrt(1 / fan_in)."""

    _ARGS = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """tf.keras.initializers.LecunUniform: U(-l, l), l = sqrt(3 / fan_in)."""

    _ARGS = (1.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """tf.keras.initializers.Orthogonal(gain=1.0): an orthogonal matrix from the QR of a normal sample."""

    def __init__(self, gain: float = 1.0, seed: Any = None):
        self.gain = gain
        super().__init__(seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        shape = tuple(int(s) for s in shape)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer requires a 2D shape. Received: shape={shape} of rank "
                             f"{len(shape)}.")
        dt = _dtype(dtype)
        rows = int(np.prod(shape[:-1]))
        cols = shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        a = np.asarray(self._draw("normal", flat, _dt.float32, 0.0, 1.0)).astype(np.float64)
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return constant((self.gain * q.reshape(shape)).astype(dt._np), dtype=dt)

    def get_config(self) -> dict:
        return {"seed": self.seed, "gain": self.gain}


OrthogonalInitializer = Orthogonal
IdentityInitializer = Identity

_CLASSES = {c.__name__: c for c in (
    Constant, Zeros, Ones, Identity, RandomNormal, TruncatedNormal, RandomUniform, VarianceScaling, GlorotUniform,
    GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform, Orthogonal,
)}
_ALIASES = {
    "constant": Constant, "zeros": Zeros, "ones": Ones, "identity": Identity, "random_normal": RandomNormal,
    "truncated_normal": TruncatedNormal, "random_uniform": RandomUniform, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform, "orthogonal": Orthogonal,
    "uniform": RandomUniform, "normal": RandomNormal, "one": Ones, "zero": Zeros,
}


def serialize(initializer: Initializer) -> dict:
    """tf.keras.initializers.serialize: Keras 3's {'module', 'class_name', 'config', 'registered_name'} dict."""
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}


def deserialize(config: Any, custom_objects: Any = None) -> Initializer:
    """tf.keras.initializers.deserialize: a serialized dict (or a name) back to an initializer."""
    if isinstance(config, str):
        return get(config)
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _CLASSES.get(name) or _ALIASES.get(name)
    if cls is None:
        raise ValueError(f"Could not interpret initializer identifier: {config}")
    return cls.from_config(config.get("config", {}))


def get(identifier: Any) -> Initializer | None:
    """tf.keras.initializers.get: None, a name ('glorot_uniform'), a config dict, an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _ALIASES.get(identifier) or _CLASSES.get(identifier)
        if cls is None:
            raise ValueError(f"Could not interpret initializer identifier: {identifier}")
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")


PUBLIC = dict(_CLASSES, Initializer=Initializer, OrthogonalInitializer=Orthogonal, IdentityInitializer=Identity,
              **{k: v for k, v in _ALIASES.items() if k not in ("uniform", "normal", "one", "zero")},
              serialize=serialize, deserialize=deserialize, get=get)
