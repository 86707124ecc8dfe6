"""Convolution layers: Conv1D, Conv2D, Conv3D (padding valid/same/causal, strides, dilation, groups,
channels_last or channels_first), each one fused op (conv + bias + activation)."""

from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from . import activations as _act
from . import initializers as _init
from . import layers_kernels as K
from . import regularizers as _reg
from .backend import image_data_format
from .layer import InputSpec, Layer
from .layers_core import ser_act, ser_init, ser_reg


def _tuple(value: Any, n: int, name: str) -> tuple:
    if isinstance(value, int):
        return (value,) * n
    t = tuple(int(v) for v in value)
    if len(t) != n:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}")
    return t


class _Conv(Layer):
    rank = 2

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: Any = None, dilation_rate: Any = 1, groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        n = self.rank
        self.filters = int(filters)
        self.kernel_size = _tuple(kernel_size, n, "kernel_size")
        self.strides = _tuple(strides, n, "strides")
        self.dilation_rate = _tuple(dilation_rate, n, "dilation_rate")
        self.padding = str(padding).lower()
        allowed = ("valid", "same", "causal") if n == 1 else ("valid", "same")
        if self.padding not in allowed:
            raise ValueError(f"The `padding` argument must be one of {allowed}. Received: padding={padding}")
        self.data_format = data_format or image_data_format()
        self.groups = int(groups)
        if self.filters <= 0:
            raise ValueError(f"Invalid value for argument `filters`. Expected a strictly positive value. "
                             f"Received filters={filters}.")
        if self.filters % self.groups:
            raise ValueError(f"The number of filters must be evenly divisible by the number of groups. Received: "
                             f"groups={groups}, filters={filters}.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
                             f"strides={self.strides} and dilation_rate={self.dilation_rate}")
        self.activation = _act.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = _init.get(kernel_initializer)
        self.bias_initializer = _init.get(bias_initializer)
        self.kernel_regularizer = _reg.get(kernel_regularizer)
        self.bias_regularizer = _reg.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.input_spec = InputSpec(min_ndim=n + 2)

    def _check_output_size(self, input_shape: Any) -> None:
        """Keras: a 'valid' convolution whose kernel is larger than its input is a ValueError."""
        if len(input_shape) > self.rank + 2:
            raise ValueError(f"Kernel shape must have the same length as input, but received kernel of shape "
                             f"{self.kernel_size} (+ channels) and input of shape {tuple(input_shape)} "
                             f"(tf.keras.layers.{type(self).__name__} {self.name} takes rank {self.rank + 2}).")
        if self.padding != "valid" or len(input_shape) != self.rank + 2:
            return
        spatial = input_shape[2:] if self.data_format == "channels_first" else input_shape[1:-1]
        for d, k, s, r in zip(spatial, self.kernel_size, self.strides, self.dilation_rate):
            if d is not None and (d - (k - 1) * r - 1) // s + 1 <= 0:
                kshape = self.kernel_size + (input_shape[1 if self.data_format == "channels_first" else -1],
                                             self.filters)
                raise ValueError(
                    f"Computed output size would be zero or negative. Received `inputs shape={tuple(input_shape)}`, "
                    f"`kernel shape={kshape}`, `dilation_rate={self.dilation_rate}` "
                    f"(tf.keras.layers.{type(self).__name__} {self.name}: use padding='same' or a smaller kernel)."
                )

    def build(self, input_shape: Any) -> None:
        ch_axis = 1 if self.data_format == "channels_first" else -1
        self._check_output_size(input_shape)
        in_ch = input_shape[ch_axis]
        if in_ch is None:
            raise ValueError(f"{type(self).__name__} {self.name}: the channel dimension of the inputs must be known, "
                             f"got input shape {input_shape}.")
        if in_ch % self.groups:
            raise ValueError(f"The number of input channels must be evenly divisible by the number of groups. "
                             f"Received groups={self.groups}, but the input has {in_ch} channels (full input shape "
                             f"is {input_shape}).")
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={ch_axis: in_ch})
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (in_ch // self.groups, self.filters),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def call(self, inputs: Any) -> Tensor:
        self._check_output_size(tuple(inputs.shape))
        if self.padding == "causal":
            left = (self.kernel_size[0] - 1) * self.dilation_rate[0]
            padding: Any = ((left, 0),)
        else:
            padding = self.padding.upper()
        return K.conv(inputs, self.kernel, self.bias, strides=self.strides, padding=padding,
                      dilation=self.dilation_rate, groups=self.groups,
                      channels_first=self.data_format == "channels_first", activation=self.activation,
                      name=f"tf.keras.layers.{type(self).__name__}")

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups, "activation": ser_act(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": ser_init(self.kernel_initializer),
                "bias_initializer": ser_init(self.bias_initializer),
                "kernel_regularizer": ser_reg(self.kernel_regularizer),
                "bias_regularizer": ser_reg(self.bias_regularizer), "activity_regularizer": None,
                "kernel_constraint": None, "bias_constraint": None}


class Conv1D(_Conv):
    """tf.keras.layers.Conv1D(filters, kernel_size, strides=1, padding='valid' | 'same' | 'causal', ...)."""

    rank = 1


class Conv2D(_Conv):
    """tf.keras.layers.Conv2D(filters, kernel_size, strides=(1, 1), padding='valid', dilation_rate=(1, 1), ...)."""

    rank = 2


class Conv3D(_Conv):
    """tf.keras.layers.Conv3D(filters, kernel_size, ...)."""

    rank = 3


Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
