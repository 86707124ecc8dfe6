"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate (+ functional forms)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..core.dispatch import run
from ..core.tensor import Tensor
from .layer import Layer


def _merge_impl(*xs, mode):
    out = xs[0]
    for x in xs[1:]:
        if mode in ("add", "average"):
            out = out + x
        elif mode == "subtract":
            out = out - x
        elif mode == "multiply":
            out = out * x
        elif mode == "maximum":
            out = jnp.maximum(out, x)
        else:
            out = jnp.minimum(out, x)
    if mode == "average":
        out = out / jnp.array(len(xs), out.dtype)
    return out


class _Merge(Layer):
    mode = "add"

    def _check(self, inputs: Any) -> None:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 1:
            raise ValueError(f"A merge layer should be called on a list of at least 1 input. Got {inputs!r}")
        # Keras: the shapes (batch aside) must be equal, or 1 where they differ (broadcast).
        shapes = [tuple(x.shape) for x in inputs if hasattr(x, "shape")]
        for a in shapes[1:]:
            s0 = shapes[0]
            if len(a) == len(s0):
                for d1, d2 in zip(s0[1:], a[1:]):
                    if d1 is not None and d2 is not None and d1 != d2 and 1 not in (d1, d2):
                        raise ValueError(f"Inputs have incompatible shapes. Received shapes {s0[1:]} and {a[1:]} "
                                         f"(tf.keras.layers.{type(self).__name__} {self.name}).")

    def build(self, input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(input_shape[0],
                                                                                          (list, tuple)):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: "
                             f"input_shape={input_shape} (not a list of shapes)")

    def call(self, inputs: Any) -> Tensor:
        self._check(inputs)
        return run(_merge_impl, tuple(inputs), f"tf.keras.layers.{type(self).__name__}", mode=self.mode)


class Add(_Merge):
    """tf.keras.layers.Add(): the elementwise sum of a list of tensors."""

    mode = "add"


class Subtract(_Merge):
    """tf.keras.layers.Subtract(): ``inputs[0] - inputs[1]`` (exactly two inputs)."""

    mode = "subtract"

    def _check(self, inputs: Any) -> None:
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. Received: inputs={inputs}")


class Multiply(_Merge):
    """tf.keras.layers.Multiply(): the elementwise product."""

    mode = "multiply"


class Average(_Merge):
    """tf.keras.layers.Average(): the elementwise mean."""

    mode = "average"


class Maximum(_Merge):
    """tf.keras.layers.Maximum()."""

    mode = "maximum"


class Minimum(_Merge):
    """tf.keras.layers.Minimum()."""

    mode = "minimum"


def _concat_impl(*xs, axis):
    return jnp.concatenate(xs, axis=axis)


class Concatenate(_Merge):
    """tf.keras.layers.Concatenate(axis=-1)."""

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def _check(self, inputs: Any) -> None:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 1:
            raise ValueError(f"A `Concatenate` layer should be called on a list of inputs. Received: inputs={inputs}")
        shapes = [tuple(x.shape) for x in inputs]
        ranks = {len(sh) for sh in shapes}
        bad = len(ranks) > 1
        if not bad:
            nd = ranks.pop()
            ax = self.axis % nd if nd else 0
            for sh in shapes[1:]:
                for j, (d1, d2) in enumerate(zip(shapes[0], sh)):
                    if j != ax and d1 is not None and d2 is not None and d1 != d2:
                        bad = True
        if bad:
            raise ValueError(
                "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. "
                f"Received: input_shape={shapes} (tf.keras.layers.Concatenate {self.name}, axis={self.axis})"
            )

    def call(self, inputs: Any) -> Tensor:
        self._check(inputs)
        return run(_concat_impl, tuple(inputs), "tf.keras.layers.Concatenate", axis=self.axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def add(inputs: Any, **kwargs: Any) -> Any:
    """tf.keras.layers.add(inputs)."""
    return Add(**kwargs)(inputs)


def subtract(inputs: Any, **kwargs: Any) -> Any:
    """tf.keras.layers.subtract(inputs): the functional form of the Subtract layer."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: Any, **kwargs: Any) -> Any:
    """tf.keras.layers.multiply(inputs): the functional form of the Multiply layer."""
    return Multiply(**kwargs)(inputs)


def average(inputs: Any, **kwargs: Any) -> Any:
    """tf.keras.layers.average(inputs): the functional form of the Average layer."""
    return Average(**kwargs)(inputs)


def maximum(inputs: Any, **kwargs: Any) -> Any:
    """tf.keras.layers.maximum(inputs): the functional form of the Maximum layer."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: Any, **kwargs: Any) -> Any:
    """tf.keras.layers.minimum(inputs): the functional form of the Minimum layer."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: Any, axis: int = -1, **kwargs: Any) -> Any:
    """tf.keras.layers.concatenate(inputs, axis=-1)."""
    return Concatenate(axis=axis, **kwargs)(inputs)
