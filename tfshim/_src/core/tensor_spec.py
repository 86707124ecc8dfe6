"""tf.TensorSpec: the shape and dtype (and optional name) that describe a tensor.

Used by ``tf.data`` (``Dataset.element_spec``, ``from_generator(output_signature=...)``) and
later by ``tf.function`` input signatures.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes as _dt
from .tensor_shape import TensorShape


class TensorSpec:
    """tf.TensorSpec(shape, dtype=tf.float32, name=None): a description of a tensor.

    Equality compares shape, dtype and name, as TF. ``is_compatible_with`` accepts another spec, a
    Tensor, or a NumPy value (dtype must match exactly; shapes must be compatible).
    """

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape: Any, dtype: Any = _dt.float32, name: str | None = None):
        self._shape = TensorShape(shape)
        self._dtype = _dt.as_dtype(dtype)
        self._name = name

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def dtype(self) -> _dt.DType:
        return self._dtype

    @property
    def name(self) -> str | None:
        return self._name

    @property
    def value_type(self) -> type:
        from .tensor import Tensor

        return Tensor

    @classmethod
    def from_spec(cls, spec: Any, name: str | None = None) -> TensorSpec:
        """TensorSpec.from_spec: a TensorSpec with the shape and dtype of ``spec``."""
        return cls(spec.shape, spec.dtype, name if name is not None else getattr(spec, "name", None))

    @classmethod
    def from_tensor(cls, tensor: Any, name: str | None = None) -> TensorSpec:
        """TensorSpec.from_tensor: the spec of a Tensor (or NumPy value)."""
        return cls(tuple(np.shape(tensor)) if not hasattr(tensor, "shape") else tensor.shape, _dtype_of(tensor), name)

    def is_compatible_with(self, spec_or_value: Any) -> bool:
        """True if ``spec_or_value`` (a TensorSpec, Tensor or array) has this dtype and a compatible shape."""
        if isinstance(spec_or_value, TensorSpec):
            other_shape, other_dtype = spec_or_value.shape, spec_or_value.dtype
        else:
            try:
                other_dtype = _dtype_of(spec_or_value)
            except (TypeError, ValueError, KeyError):
                return False
            other_shape = TensorShape(tuple(np.shape(spec_or_value)))
        return other_dtype == self._dtype and self._shape.is_compatible_with(other_shape)

    def most_specific_common_supertype(self, others: list) -> TensorSpec | None:
        """The most specific spec compatible with this one and ``others`` (None if dtypes differ)."""
        shape = self._shape
        for o in others:
            if not isinstance(o, TensorSpec) or o.dtype != self._dtype:
                return None
            shape = most_specific_shape(shape, o.shape)
        names = {self._name, *(o.name for o in others)}
        return TensorSpec(shape, self._dtype, self._name if len(names) == 1 else None)

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and self._dtype == other._dtype
                and self._shape == other._shape and self._name == other._name)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((self._shape, self._dtype.name, self._name))

    def __repr__(self) -> str:
        name = "None" if self._name is None else repr(self._name)
        return f"TensorSpec(shape={self._shape}, dtype={self._dtype!r}, name={name})"

    def __reduce__(self):
        return (TensorSpec, (self._shape.dims, self._dtype.name, self._name))


def most_specific_shape(a: TensorShape, b: TensorShape) -> TensorShape:
    """The most specific shape compatible with both ``a`` and ``b`` (differing dims become None)."""
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.dims, b.dims)])


def _dtype_of(value: Any) -> _dt.DType:
    dt = getattr(value, "dtype", None)
    if isinstance(dt, _dt.DType):
        return dt
    if dt is not None:
        return _dt._BY_NP[np.dtype(dt)]
    from .convert import convert_to_tensor

    return convert_to_tensor(value).dtype
