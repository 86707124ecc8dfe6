"""tf.types.experimental: type annotations (``TensorLike``) and the tf.function types, for annotations and
``isinstance`` checks. ``GenericFunction``/``PolymorphicFunction`` are tfshim's ``tf.function`` object type."""

from typing import Callable

import numpy as _np

from tfshim._src.core.tensor import Tensor as _Tensor
from tfshim._src.core.variable import Variable as _Variable
from tfshim._src.staging.function import ConcreteFunction
from tfshim._src.staging.function import Function as _Function

TensorLike = (_Tensor | _Variable | int | float | bool | str | bytes | complex | tuple | list | _np.ndarray
              | _np.generic)
GenericFunction = _Function
PolymorphicFunction = _Function

__all__ = ["Callable", "ConcreteFunction", "GenericFunction", "PolymorphicFunction", "TensorLike"]


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"tfshim does not implement tf.types.experimental.{name} yet")
