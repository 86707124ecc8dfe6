"""Bind the op table's Tensor methods (operators) onto Tensor and Variable, and a few extras."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import dtypes as _dt
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor
from . import math as _m
from .table import ROWS


def _method(fn, numpy_operand: bool = True):
    # TF's operator wrapper converts the right operand first (reading a variable there first).
    def m(self, other):
        if not isinstance(other, Tensor) and hasattr(type(other), "__tf_tensor__"):
            other = type(other).__tf_tensor__(other)
        return fn(self, _np_as(other, self) if numpy_operand else other)

    return m


def _np_as(other: Any, self: Any) -> Any:
    """A NumPy operand of an operator takes the tensor's dtype (TF's operator wrappers convert it with
    ``dtype=self.dtype``: float64 arrays beside float32 tensors become float32)."""
    if isinstance(other, (np.ndarray, np.generic)) and other.dtype.kind not in "USO":
        dt = self.dtype if isinstance(self.dtype, _dt.DType) else None
        if dt is not None and dt._np is not None:
            return convert_to_tensor(other, dtype=dt)
    return other


def _rmethod(fn):
    def m(self, other):
        return fn(_np_as(other, self), self)

    return m


def _unary_method(fn):
    def m(self):
        return fn(self)

    return m


def _eq(self: Any, other: Any) -> Any:
    # TF2: None compares False; otherwise elementwise equality, False when shapes cannot broadcast.
    if other is None:
        return False
    try:
        return _m.equal(self, other)
    except Exception:  # incompatible shapes or dtypes: TF answers a scalar bool tensor
        return _scalar_bool(False)


def _ne(self: Any, other: Any) -> Any:
    if other is None:
        return True
    try:
        return _m.not_equal(self, other)
    except Exception:
        return _scalar_bool(True)


def _scalar_bool(value: bool) -> Tensor:
    from ..core.convert import constant

    return constant(value)


def _is_bool_tensor(v: Any) -> bool:
    return (isinstance(v, Tensor) or getattr(v, "_tfshim_variable", False)) and v.dtype.is_bool


def _mul_operator(x: Any, y: Any) -> Any:
    """``x * y``: TF's operator is logical_and when one side is a bool tensor and the other a tensor (the other
    converted to bool, floats truncated toward zero first); tf.multiply itself rejects mixed dtypes."""
    if (_is_bool_tensor(x) and (isinstance(y, Tensor) or getattr(y, "_tfshim_variable", False))) or (
            _is_bool_tensor(y) and (isinstance(x, Tensor) or getattr(x, "_tfshim_variable", False))):
        return _m.logical_and(_as_bool(x), _as_bool(y))
    return _m.multiply(x, y)


def _as_bool(v: Any) -> Any:
    if v.dtype.is_floating:  # TF's conversion truncates toward zero first (0.5 -> False)
        v = _m.cast(v, "int64")
    return _m.cast(v, "bool")


def bind(cls: type) -> None:
    """Attach every row's methods to ``cls`` (Tensor or Variable)."""
    for row in ROWS:
        for name in row.methods:
            if name in ("__neg__", "__abs__"):
                setattr(cls, name, _unary_method(row.fn))
            else:
                setattr(cls, name, _method(row.fn, name != "__getitem__"))
        for name in row.rmethods:
            setattr(cls, name, _rmethod(row.fn))
    cls.__mul__, cls.__rmul__ = _method(_mul_operator), _rmethod(_mul_operator)
    cls.__eq__ = _eq
    cls.__ne__ = _ne
    cls.__and__, cls.__rand__ = _method(_m.bool_and), _rmethod(_m.bool_and)
    cls.__or__, cls.__ror__ = _method(_m.bool_or), _rmethod(_m.bool_or)
    cls.__xor__, cls.__rxor__ = _method(_m.bool_xor), _rmethod(_m.bool_xor)
    cls.__invert__ = _unary_method(_m.invert_op)
    cls.__pos__ = lambda self: self

