"""Nested element structures of tf.data: flatten/pack, conversion of leaves, specs.

Inside the pipeline an element is a flat tuple of leaves (NumPy arrays or scalars; jax.Arrays
where a traced map already produced device values). A dataset's ``element_spec`` (tuples,
namedtuples and dicts of ``TensorSpec``) is the structure used to pack leaves back. Dicts flatten
in sorted-key order, as ``tf.nest``; Python lists are values (converted to one tensor), as tf.data.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import numpy as np

from ..core import dtypes as _dt
from ..core.device import put
from ..core.tensor import Tensor, wrap
from ..core.tensor_shape import TensorShape
from ..core.tensor_spec import TensorSpec


def leaf_array(x: Any) -> np.ndarray:
    """``np.asarray`` of a pipeline leaf, keeping a string (``bytes``) scalar as a 0-d object array (NumPy
    would make it an ``S`` array, dropping trailing NUL bytes)."""
    if isinstance(x, (bytes, str)):
        a = np.empty((), object)
        a[()] = x.encode("utf-8") if isinstance(x, str) else x
        return a
    a = np.asarray(x)
    if a.dtype.kind in "SU":
        from ..core.convert import string_array

        return string_array(a)
    return a


def is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def flatten(struct: Any, lists: bool = False) -> list:
    """The leaves of a nested tuple/dict structure (dict keys sorted); ``lists`` also descends lists."""
    out: list = []
    _flatten(struct, out, lists)
    return out


def _flatten(s: Any, out: list, lists: bool) -> None:
    if isinstance(s, tuple) or (lists and isinstance(s, list)):
        for v in s:
            _flatten(v, out, lists)
    elif isinstance(s, dict):
        for k in sorted(s):
            _flatten(s[k], out, lists)
    else:
        out.append(s)


def pack(struct: Any, leaves: Any, lists: bool = False) -> Any:
    """Rebuild ``struct`` with its leaves replaced, in order, by ``leaves``."""
    it = iter(leaves)
    return _pack(struct, it, lists)


def _pack(s: Any, it: Any, lists: bool) -> Any:
    if isinstance(s, tuple):
        vals = [_pack(v, it, lists) for v in s]
        return type(s)(*vals) if is_namedtuple(s) else tuple(vals)
    if lists and isinstance(s, list):
        return [_pack(v, it, lists) for v in s]
    if isinstance(s, dict):
        packed = {k: _pack(s[k], it, lists) for k in sorted(s)}
        return type(s)((k, packed[k]) for k in s) if type(s) is not dict else {k: packed[k] for k in s}
    return next(it)


def map_structure(fn: Callable, struct: Any) -> Any:
    return pack(struct, [fn(x) for x in flatten(struct)])


def to_numpy(value: Any, fn: str, dtype: _dt.DType | None = None) -> Any:
    """A NumPy array for one leaf value (Tensor, Variable, NumPy, jax.Array, Python value), by TF's rules."""
    from ..core.convert import _to_numpy, convert_to_tensor

    if isinstance(value, Tensor):
        arr = np.asarray(value.array)
    elif isinstance(value, jax.Array):
        arr = np.asarray(value)
    elif hasattr(type(value), "__tf_tensor__"):
        arr = np.asarray(convert_to_tensor(value).array)
    elif isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind not in "USO":
        arr = np.asarray(value)
    elif isinstance(value, bytes) and dtype is None:
        arr = leaf_array(value)
    else:
        arr = _to_numpy(value, dtype, fn, allow_cast=True)
    if dtype is not None and arr.dtype != dtype._np:
        arr = arr.astype(dtype._np)
    if arr.dtype not in _dt._BY_NP:
        raise TypeError(f"{fn}: unsupported element dtype {arr.dtype} (received {type(value).__name__}).")
    return arr


def spec_of(leaf: Any) -> TensorSpec:
    """The TensorSpec of one NumPy / jax leaf."""
    if isinstance(leaf, (bytes, str)) or leaf.dtype.kind in "SU":
        return TensorSpec(TensorShape(np.shape(leaf)), _dt.string)
    return TensorSpec(TensorShape(np.shape(leaf)), _dt._BY_NP[np.dtype(leaf.dtype)])


def to_tensor(leaf: Any) -> Tensor:
    """A tfshim Tensor for one pipeline leaf (device_put of NumPy; jax.Arrays wrap as they are)."""
    if isinstance(leaf, jax.Array):
        return wrap(leaf)
    if isinstance(leaf, (np.ndarray, np.generic)):
        if leaf.dtype.kind in "OSU":
            return wrap(leaf_array(leaf))
        return wrap(put(leaf))
    if isinstance(leaf, (bytes, str)):
        return wrap(leaf_array(leaf))
    return leaf  # a dataset (window elements)


def to_device(leaf: Any) -> Any:
    """A jax.Array for one leaf (used by prefetch threads so the consumer only wraps)."""
    if isinstance(leaf, (np.ndarray, np.generic)):
        return leaf_array(leaf) if leaf.dtype.kind in "OSU" else put(leaf)
    return leaf


def specs(element_spec: Any) -> list:
    return flatten(element_spec)


def check_specs_compatible(a: Any, b: Any, what: str) -> None:
    """TypeError (as TF) when two element structures differ in nesting or dtypes."""
    fa, fb = flatten(a), flatten(b)
    same_struct = _structure_key(a) == _structure_key(b)
    if not same_struct or any(x.dtype != y.dtype for x, y in zip(fa, fb)):
        raise TypeError(f"Incompatible dataset elements:\n  {a} vs.   {b}")


def _structure_key(s: Any) -> Any:
    if isinstance(s, tuple):
        return ("t", tuple(_structure_key(v) for v in s))
    if isinstance(s, dict):
        return ("d", tuple((k, _structure_key(s[k])) for k in sorted(s)))
    return "leaf"


def normalize_value(value: Any, fn: str) -> tuple[Any, list]:
    """(structure with TensorSpec leaves, flat NumPy leaves) for a from_tensors/from_tensor_slices input."""
    if isinstance(value, TensorSpec):
        raise TypeError(f"{fn}: expected values, got a TensorSpec {value!r}.")
    leaves = [to_numpy(v, fn) for v in flatten(value)]
    return pack(value, [spec_of(x) for x in leaves]), leaves
