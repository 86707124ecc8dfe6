"""Core layers: Dense, Activation, ReLU, LeakyReLU, ELU, Softmax, Dropout, Flatten, Reshape, Permute,
RepeatVector, Embedding, Lambda, Identity (Keras 3 defaults, names, weight shapes and configs)."""

from __future__ import annotations

import math
from typing import Any, Callable

import jax.numpy as jnp

from ..core.convert import convert_to_tensor
from ..core.dispatch import run
from ..core.tensor import Tensor
from . import activations as _act
from . import initializers as _init
from . import layers_kernels as K
from . import regularizers as _reg
from .layer import InputSpec, Layer


def ser_init(i: Any) -> Any:
    return _init.serialize(i) if isinstance(i, _init.Initializer) else i


def ser_reg(r: Any) -> Any:
    return _reg.serialize(r)


def ser_act(a: Any) -> Any:
    return _act.serialize(a)


def _reshape_impl(x, shape):
    return x.reshape(shape)


def _reshape(x: Tensor, shape: tuple, name: str) -> Tensor:
    return run(_reshape_impl, (x,), name, shape=shape)


class Dense(Layer):
    """tf.keras.layers.Dense(units, activation=None, use_bias=True, ...): ``activation(x @ kernel + bias)``."""

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, lora_rank: Any = None,
                 lora_alpha: Any = None, **kwargs: Any):
        kwargs.pop("quantization_config", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or units <= 0:
            if not (hasattr(units, "__index__") and int(units) > 0):
                raise ValueError(f"Received an invalid value for `units`, expected a positive integer. "
                                 f"Received: units={units}")
        self.units = int(units)
        self.activation = _act.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = _init.get(kernel_initializer)
        self.bias_initializer = _init.get(bias_initializer)
        self.kernel_regularizer = _reg.get(kernel_regularizer)
        self.bias_regularizer = _reg.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape: Any) -> None:
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(f"Dense {self.name}: the last dimension of the inputs must be known, got {input_shape}.")
        self.input_spec = InputSpec(min_ndim=2, axes={-1: in_dim})
        self.kernel = self.add_weight(name="kernel", shape=(in_dim, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def call(self, inputs: Any, training: Any = None) -> Tensor:
        return K.dense(inputs, self.kernel, self.bias, self.activation)

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units, "activation": ser_act(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": ser_init(self.kernel_initializer),
                "bias_initializer": ser_init(self.bias_initializer),
                "kernel_regularizer": ser_reg(self.kernel_regularizer),
                "bias_regularizer": ser_reg(self.bias_regularizer), "kernel_constraint": None,
                "bias_constraint": None, "quantization_config": None}


class Activation(Layer):
    """tf.keras.layers.Activation(activation)."""

    def __init__(self, activation: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.activation = _act.get(activation)

    def call(self, inputs: Any) -> Tensor:
        return self.activation(inputs)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": ser_act(self.activation)}


class ReLU(Layer):
    """tf.keras.layers.ReLU(max_value=None, negative_slope=0.0, threshold=0.0)."""

    def __init__(self, max_value: Any = None, negative_slope: float = 0.0, threshold: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. Received: {max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(f"negative_slope of a ReLU layer cannot be a negative value. Received: {negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError(f"threshold of a ReLU layer cannot be a negative value. Received: {threshold}")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    def call(self, inputs: Any) -> Tensor:
        return _act.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                         threshold=self.threshold)

    def get_config(self) -> dict:
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(Layer):
    """tf.keras.layers.LeakyReLU(negative_slope=0.3)."""

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"The negative_slope value of a Leaky ReLU layer cannot be None or negative value. "
                             f"Expected a float. Received: negative_slope={negative_slope}")
        self.negative_slope = float(negative_slope)

    def call(self, inputs: Any) -> Tensor:
        return _act.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(Layer):
    """tf.keras.layers.ELU(alpha=1.0)."""

    def __init__(self, alpha: float = 1.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs: Any) -> Tensor:
        return _act.elu(inputs, alpha=self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}


def _masked_softmax_impl(x, mask, axis):
    x = x + (1.0 - mask.astype(x.dtype)) * jnp.array(-1e9, x.dtype)
    return _act._softmax(x, axis=axis)


class Softmax(Layer):
    """tf.keras.layers.Softmax(axis=-1); ``mask`` (True = keep) pushes masked logits to -1e9."""

    def __init__(self, axis: Any = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = tuple(axis) if isinstance(axis, (list, tuple)) else int(axis)

    def call(self, inputs: Any, mask: Any = None) -> Tensor:
        if mask is not None:
            return run(_masked_softmax_impl, (inputs, convert_to_tensor(mask)), "tf.keras.layers.Softmax",
                       axis=self.axis)
        return _act.softmax(inputs, axis=self.axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class Dropout(Layer):
    """tf.keras.layers.Dropout(rate, noise_shape=None, seed=None): active only with ``training=True``.

    Difference from Keras: the random mask comes from tfshim's tf.random streams (other numbers).
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                             f"Received: rate={rate}")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed

    def call(self, inputs: Any, training: Any = False) -> Tensor:
        if training and self.rate > 0:
            if self.rate >= 1:
                return inputs * 0.0
            return K.dropout(inputs, self.rate, self.noise_shape, self.seed)
        return inputs

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}


def _transpose_impl(x, perm):
    return jnp.transpose(x, perm)


class Flatten(Layer):
    """tf.keras.layers.Flatten(data_format=None): (batch, ...) → (batch, prod(...))."""

    def __init__(self, data_format: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"

    def call(self, inputs: Any) -> Tensor:
        x = inputs
        if self.data_format == "channels_first" and x.ndim > 2:
            perm = (0,) + tuple(range(2, x.ndim)) + (1,)
            x = run(_transpose_impl, (x,), "tf.keras.layers.Flatten", perm=perm)
        if x.ndim == 1:
            return _reshape(x, (int(x.shape[0]), 1), "tf.keras.layers.Flatten")
        return _reshape(x, (int(x.shape[0]), -1), "tf.keras.layers.Flatten")

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """tf.keras.layers.Reshape(target_shape): reshape everything but the batch dim (-1 allowed once)."""

    def __init__(self, target_shape: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def call(self, inputs: Any) -> Tensor:
        dims = list(inputs.shape[1:])
        per_sample = math.prod(int(d) for d in dims) if None not in dims else None
        known = math.prod(d for d in self.target_shape if d != -1)
        unknown = sum(d == -1 for d in self.target_shape)
        if per_sample is None:
            pass
        elif unknown > 1 or (unknown == 0 and known != per_sample) or (unknown and (known == 0 or per_sample % known)):
            raise ValueError(
                "The total size of the tensor must be unchanged (tf.keras.layers.Reshape). Received: "
                f"input_shape={tuple(inputs.shape[1:])}, target_shape={self.target_shape}"
            )
        return _reshape(inputs, (int(inputs.shape[0]),) + self.target_shape, "tf.keras.layers.Reshape")

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """tf.keras.layers.Permute(dims): permute the non-batch dims (1-based)."""

    def __init__(self, dims: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` "
                             f"must be consecutive and start from 1. Received dims={dims}")

    def call(self, inputs: Any) -> Tensor:
        return run(_transpose_impl, (inputs,), "tf.keras.layers.Permute", perm=(0,) + self.dims)

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": self.dims}


def _repeat_vector_impl(x, n):
    return jnp.repeat(x[:, None, :], n, axis=1)


class RepeatVector(Layer):
    """tf.keras.layers.RepeatVector(n): (batch, f) → (batch, n, f)."""

    def __init__(self, n: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs: Any) -> Tensor:
        return run(_repeat_vector_impl, (inputs,), "tf.keras.layers.RepeatVector", n=self.n)

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}


class Embedding(Layer):
    """tf.keras.layers.Embedding(input_dim, output_dim, embeddings_initializer='uniform', mask_zero=False).

    Difference from Keras: ``mask_zero`` masks are not propagated to later layers.
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, embeddings_constraint: Any = None, mask_zero: bool = False,
                 weights: Any = None, lora_rank: Any = None, lora_alpha: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = _init.get(embeddings_initializer)
        self.embeddings_regularizer = _reg.get(embeddings_regularizer)
        self.embeddings_constraint = embeddings_constraint
        self.mask_zero = mask_zero
        self._initial_weights = weights

    def build(self, input_shape: Any = None) -> None:
        self.embeddings = self.add_weight(name="embeddings", shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)

    def call(self, inputs: Any) -> Tensor:
        from ..ops.array import gather, where
        from ..ops.math import cast

        x = inputs if isinstance(inputs, Tensor) else convert_to_tensor(inputs)
        if not x.dtype.is_integer:
            x = cast(x, "int32")
        # Keras 3 (ops.take): a negative index counts from the end once; anything else out of range raises.
        x = where(x < 0, x + self.input_dim, x)
        return gather(self.embeddings, x)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        from ..ops.math import not_equal

        return not_equal(inputs, 0)

    def get_config(self) -> dict:
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": ser_init(self.embeddings_initializer),
                "embeddings_regularizer": ser_reg(self.embeddings_regularizer), "activity_regularizer": None,
                "embeddings_constraint": None, "mask_zero": self.mask_zero}


class Lambda(Layer):
    """tf.keras.layers.Lambda(function, output_shape=None, mask=None, arguments=None)."""

    def __init__(self, function: Callable, output_shape: Any = None, mask: Any = None, arguments: Any = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape

    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        return self.function(inputs, **self.arguments)


class Identity(Layer):
    """tf.keras.layers.Identity(): returns its input."""

    def call(self, inputs: Any) -> Any:
        return inputs
