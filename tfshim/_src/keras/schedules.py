"""tf.keras.optimizers.schedules: learning-rate schedules (Keras 3 formulas).

A schedule is called with the optimizer's step count. ``_jax(step)`` is the pure JAX formula the
optimizer uses inside its jitted update; ``__call__`` runs it eagerly and returns a tf.Tensor.
"""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp

from ..core import dispatch
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor


class LearningRateSchedule:
    """tf.keras.optimizers.schedules.LearningRateSchedule: subclass and implement ``__call__(step)``.

    Built-in schedules implement ``_jax(step)`` (a pure function of a JAX scalar) instead."""

    def __call__(self, step: Any) -> Tensor:
        if type(self)._jax is LearningRateSchedule._jax:
            raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override `__call__`.")
        s = convert_to_tensor(step)
        return dispatch.run(_call_jax, (s,), f"tf.keras.optimizers.schedules.{type(self).__name__}", sched=self)

    def _jax(self, step: Any) -> Any:
        raise NotImplementedError

    def get_config(self) -> dict:
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override `get_config()`.")

    @classmethod
    def from_config(cls, config: dict) -> LearningRateSchedule:
        return cls(**config)

    # schedules are static attributes of jitted functions: hash by identity
    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: Any) -> bool:
        return self is other


def _call_jax(step, sched):
    return sched._jax(step)


def _f32(x: Any) -> Any:
    return jnp.asarray(x, jnp.float32)


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored with ``staircase``)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False,
                 name: str = "ExponentialDecay"):
        if decay_steps <= 0:
            raise ValueError(f"Argument `decay_steps` must be > 0. Received: decay_steps={decay_steps}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def _jax(self, step: Any) -> Any:
        p = _f32(step) / _f32(self.decay_steps)
        if self.staircase:
            p = jnp.floor(p)
        return _f32(self.initial_learning_rate) * jnp.power(_f32(self.decay_rate), p)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False,
                 name: str = "InverseTimeDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def _jax(self, step: Any) -> Any:
        p = _f32(step) / _f32(self.decay_steps)
        if self.staircase:
            p = jnp.floor(p)
        return _f32(self.initial_learning_rate) / (1.0 + _f32(self.decay_rate) * p)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` for ``boundaries[i-1] < step <= boundaries[i]``."""

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and values={values} "
                f"of length {len(values)}."
            )
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def _jax(self, step: Any) -> Any:
        x = jnp.asarray(step)
        vals = [_f32(v) for v in self.values]
        out = vals[-1]
        for b, v in reversed(list(zip(self.boundaries, vals[:-1]))):
            out = jnp.where(x <= jnp.asarray(b, x.dtype), v, out)
        return out

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps``."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, end_learning_rate: float = 0.0001,
                 power: float = 1.0, cycle: bool = False, name: str = "PolynomialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def _jax(self, step: Any) -> Any:
        s = _f32(step)
        ds = _f32(self.decay_steps)
        if self.cycle:
            mult = jnp.where(s == 0, 1.0, jnp.ceil(s / ds))
            ds = ds * mult
        else:
            s = jnp.minimum(s, ds)
        p = s / ds
        init, end = _f32(self.initial_learning_rate), _f32(self.end_learning_rate)
        return (init - end) * jnp.power(1.0 - p, _f32(self.power)) + end

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay with optional linear warmup (Keras 3: ``warmup_target``/``warmup_steps``)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0, name: str = "CosineDecay",
                 warmup_target: Any = None, warmup_steps: int = 0):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step, decay_steps, decay_from):
        completed = step / decay_steps
        cos = 0.5 * (1.0 + jnp.cos(_f32(math.pi) * completed))
        decayed = (1.0 - _f32(self.alpha)) * cos + _f32(self.alpha)
        return decayed * decay_from

    def _jax(self, step: Any) -> Any:
        init = _f32(self.initial_learning_rate)
        s = jnp.minimum(_f32(step), _f32(self.decay_steps + self.warmup_steps))
        if self.warmup_target is None:
            return self._decay(s, _f32(self.decay_steps), init)
        target = _f32(self.warmup_target)
        ws = _f32(self.warmup_steps)
        warm = (target - init) * (s / jnp.where(ws == 0, 1.0, ws)) + init
        dec = self._decay(s - ws, _f32(self.decay_steps), target)
        return jnp.where(s < ws, warm, dec)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR)."""

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0, m_mul: float = 1.0,
                 alpha: float = 0.0, name: str = "SGDRDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def _jax(self, step: Any) -> Any:
        completed = _f32(step) / _f32(self.first_decay_steps)
        t_mul, m_mul = _f32(self._t_mul), _f32(self._m_mul)
        if self._t_mul == 1.0:
            i_restart = jnp.floor(completed)
            completed = completed - i_restart
        else:
            i_restart = jnp.floor(jnp.log(1.0 - completed * (1.0 - t_mul)) / jnp.log(t_mul))
            sum_r = (1.0 - t_mul**i_restart) / (1.0 - t_mul)
            completed = (completed - sum_r) / t_mul**i_restart
        m_fac = m_mul**i_restart
        cos = 0.5 * m_fac * (1.0 + jnp.cos(_f32(math.pi) * completed))
        decayed = (1.0 - _f32(self.alpha)) * cos + _f32(self.alpha)
        return _f32(self.initial_learning_rate) * decayed

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


def serialize(schedule: LearningRateSchedule) -> dict:
    """tf.keras.optimizers.schedules.serialize."""
    return {"module": "keras.optimizers.schedules", "class_name": type(schedule).__name__,
            "config": schedule.get_config(), "registered_name": None}


def deserialize(config: dict, custom_objects: Any = None) -> LearningRateSchedule:
    """tf.keras.optimizers.schedules.deserialize."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or globals().get(name)
    if not (isinstance(cls, type) and issubclass(cls, LearningRateSchedule)):
        raise ValueError(f"Unknown learning rate schedule: {name}")
    return cls.from_config(config["config"])
