"""TensorFlow dtypes (``tf.DType``, ``tf.float32``, ``tf.as_dtype``) over NumPy/JAX dtypes.

``tf.string`` tensors hold bytes on the host as NumPy object arrays (``as_numpy_dtype`` is
``object``, as in TF).
"""

from __future__ import annotations

import builtins
from typing import Any

import ml_dtypes
import numpy as np


class DType:
    """tf.DType: a tensor element type. Compares equal to its name and NumPy type, as in TF."""

    __slots__ = ("_name", "_np", "_enum")

    def __init__(self, name: str, np_type: Any, enum: int):
        self._name = name
        self._np = np.dtype(np_type) if np_type is not None else None
        self._enum = enum

    name = property(lambda self: self._name, doc="The dtype's TF name, e.g. 'float32'.")

    @property
    def as_numpy_dtype(self) -> type:
        if self._np is None or self._name == "string":
            return object
        return self._np.type

    @property
    def as_datatype_enum(self) -> int:
        return self._enum

    @property
    def base_dtype(self) -> DType:
        return self

    @property
    def real_dtype(self) -> DType:
        return {"complex64": float32, "complex128": float64}.get(self._name, self)

    @property
    def is_floating(self) -> bool:
        return self._np is not None and np.issubdtype(self._np, np.floating) or self._name == "bfloat16"

    @property
    def is_integer(self) -> bool:
        return self._np is not None and np.issubdtype(self._np, np.integer)

    @property
    def is_unsigned(self) -> bool:
        return self._np is not None and np.issubdtype(self._np, np.unsignedinteger)

    @property
    def is_bool(self) -> bool:
        return self._name == "bool"

    @property
    def is_complex(self) -> bool:
        return self._np is not None and np.issubdtype(self._np, np.complexfloating)

    @property
    def is_numeric(self) -> bool:
        return self.is_floating or self.is_integer or self.is_complex

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def size(self) -> int:
        return 0 if self._np is None or self._name == "string" else self._np.itemsize

    def _limit(self, which: str):
        if self.is_floating:
            fi = ml_dtypes.finfo(self._np)
            return self._np.type(fi.min if which == "min" else fi.max)
        if self.is_integer:
            ii = np.iinfo(self._np)
            return int(ii.min if which == "min" else ii.max)
        what = "minimum" if which == "min" else "maximum"
        raise TypeError(f"Cannot find {what} value of {self!r} with type {self!r}.")

    @property
    def min(self):
        return self._limit("min")

    @property
    def max(self):
        return self._limit("max")

    @property
    def limits(self) -> tuple:
        """TF's image-range limits, clipped at 0: (0, 1) for float32/64, (0, max) for ints, (0, True) for bool."""
        if self._name in ("float32", "float64"):
            return (0, 1)
        if self._name == "bool":
            return (0, True)
        if self.is_integer:
            return (0, self.max)
        raise ValueError(f"{self} does not have defined limits.")

    def is_compatible_with(self, other: Any) -> bool:
        return self == as_dtype(other)

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if other is None:
            return False
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self._name)

    def __repr__(self) -> str:
        return f"tf.{self._name}"

    def __str__(self) -> str:
        return f"<dtype: '{self._name}'>"

    def __reduce__(self):
        return (as_dtype, (self._name,))


float16 = DType("float16", np.float16, 19)
bfloat16 = DType("bfloat16", ml_dtypes.bfloat16, 14)
float32 = DType("float32", np.float32, 1)
float64 = DType("float64", np.float64, 2)
int8 = DType("int8", np.int8, 6)
int16 = DType("int16", np.int16, 5)
int32 = DType("int32", np.int32, 3)
int64 = DType("int64", np.int64, 9)
uint8 = DType("uint8", np.uint8, 4)
uint16 = DType("uint16", np.uint16, 17)
uint32 = DType("uint32", np.uint32, 22)
uint64 = DType("uint64", np.uint64, 23)
bool = DType("bool", np.bool_, 10)  # noqa: A001 - TF's public name
complex64 = DType("complex64", np.complex64, 8)
complex128 = DType("complex128", np.complex128, 18)
string = DType("string", object, 7)
half = float16
double = float64

ALL = (float16, bfloat16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
       bool, complex64, complex128, string)
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update({"half": float16, "double": float64, "float": float32})
_BY_NP = {d._np: d for d in ALL if d._np is not None}
_BY_ENUM = {d.as_datatype_enum: d for d in ALL}


def as_dtype(type_value: Any) -> DType:
    """tf.as_dtype: convert a DType, name, NumPy type or enum into a ``tf.DType``."""
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        d = _BY_NAME.get(type_value)
        if d is not None:
            return d
    elif isinstance(type_value, int) and not isinstance(type_value, builtins.bool):  # module `bool` is tf.bool
        d = _BY_ENUM.get(type_value)
        if d is not None:
            return d
    else:
        # Python types as TF maps them: float → float32, bool → bool, str/bytes/object → string; int and
        # complex are ambiguous and rejected (TypeError), as is None.
        if type_value in (str, bytes, object):
            return string
        if type_value is float:
            return float32
        # `is`, not `in`: NumPy dtypes compare equal to Python types (np.dtype('int64') == int).
        if type_value is int or type_value is complex or type_value is None:
            raise TypeError(f"Cannot convert the argument `type_value`: {type_value!r} to a TensorFlow DType.")
        try:
            d = _BY_NP.get(np.dtype(type_value))
        except TypeError:
            d = None
        if d is not None:
            return d
        if hasattr(type_value, "dtype") and not isinstance(type_value, type):
            try:
                return as_dtype(type_value.dtype)
            except TypeError:
                pass
    raise TypeError(f"Cannot convert the argument `type_value`: {type_value!r} to a TensorFlow DType.")
