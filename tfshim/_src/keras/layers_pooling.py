"""Pooling layers: Max/AveragePooling1D/2D/3D and GlobalMax/GlobalAveragePooling1D/2D/3D."""

from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from . import layers_kernels as K
from .backend import image_data_format
from .layer import InputSpec, Layer
from .layers_conv import _tuple


class _Pool(Layer):
    rank = 2
    kind = "max"

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid", data_format: Any = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.pool_size = _tuple(pool_size, self.rank, "pool_size")
        self.strides = self.pool_size if strides is None else _tuple(strides, self.rank, "strides")
        self.padding = str(padding).lower()
        if self.padding not in ("valid", "same"):
            raise ValueError(f"The `padding` argument must be one of ('valid', 'same'). Received: padding={padding}")
        self.data_format = data_format or image_data_format()
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: Any) -> Tensor:
        return K.pool(inputs, self.kind, self.pool_size, self.strides, self.padding.upper(),
                      self.data_format == "channels_first", f"tf.keras.layers.{type(self).__name__}")

    def get_config(self) -> dict:
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(_Pool):
    """tf.keras.layers.MaxPooling1D(pool_size=2, strides=None, padding='valid')."""

    rank, kind = 1, "max"

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid", data_format: Any = None,
                 **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling2D(_Pool):
    """tf.keras.layers.MaxPooling2D(pool_size=(2, 2), strides=None, padding='valid')."""

    rank, kind = 2, "max"

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: Any = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling3D(_Pool):
    """tf.keras.layers.MaxPooling3D(pool_size=(2, 2, 2), ...)."""

    rank, kind = 3, "max"

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None, padding: str = "valid",
                 data_format: Any = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(_Pool):
    """tf.keras.layers.AveragePooling1D: 'same' padding averages over the valid (unpadded) entries, as TF."""

    rank, kind = 1, "avg"

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: Any = None,
                 **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(_Pool):
    """tf.keras.layers.AveragePooling2D(pool_size=(2, 2), strides=None, padding='valid')."""

    rank, kind = 2, "avg"

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: Any = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling3D(_Pool):
    """tf.keras.layers.AveragePooling3D(pool_size=(2, 2, 2), ...)."""

    rank, kind = 3, "avg"

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: Any = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class _GlobalPool(Layer):
    rank = 2
    kind = "avg"

    def __init__(self, data_format: Any = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = data_format or image_data_format()
        self.keepdims = keepdims

    def call(self, inputs: Any, mask: Any = None) -> Tensor:
        start = 2 if self.data_format == "channels_first" else 1
        axes = tuple(range(start, start + self.rank))
        return K.global_pool(inputs, self.kind, axes, self.keepdims, f"tf.keras.layers.{type(self).__name__}")

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPool):
    """tf.keras.layers.GlobalAveragePooling1D(data_format=None, keepdims=False)."""

    rank, kind = 1, "avg"


class GlobalAveragePooling2D(_GlobalPool):
    """tf.keras.layers.GlobalAveragePooling2D(data_format=None, keepdims=False): mean over H and W."""

    rank, kind = 2, "avg"


class GlobalAveragePooling3D(_GlobalPool):
    rank, kind = 3, "avg"


class GlobalMaxPooling1D(_GlobalPool):
    """tf.keras.layers.GlobalMaxPooling1D."""

    rank, kind = 1, "max"


class GlobalMaxPooling2D(_GlobalPool):
    """tf.keras.layers.GlobalMaxPooling2D: max over H and W."""

    rank, kind = 2, "max"


class GlobalMaxPooling3D(_GlobalPool):
    rank, kind = 3, "max"


MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = GlobalAveragePooling1D, GlobalAveragePooling2D, \
    GlobalAveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
