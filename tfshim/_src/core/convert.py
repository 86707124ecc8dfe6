"""tf.constant / tf.convert_to_tensor with TF's conversion rules.

Python float → float32, Python int → int32 (int64 when it does not fit), bool → bool,
complex → complex128, NumPy values keep their dtype unless a dtype is asked (then NumPy's cast, as TF),
nested lists as TF (mixed bool/number and
ragged lists are errors). Objects with a ``__tf_tensor__(dtype, name)`` method (Variables)
convert through it.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import jax
import numpy as np
from jax._src.array import ArrayImpl

from . import dtypes as _dt
from . import errors, state
from .casting import cast_impl
from .device import put
from .dispatch import run
from .tensor import Tensor, wrap
from .tensor_shape import TensorShape

_PY_SCALARS = (bool, int, float, complex)
_I32 = np.iinfo(np.int32)
_I64 = np.iinfo(np.int64)
_scalar_cache: dict = {}


def _leaf_kinds(value: Any, kinds: set) -> None:
    if isinstance(value, (list, tuple)):
        for v in value:
            _leaf_kinds(v, kinds)
    else:
        kinds.add(type(value))


def _python_raw(value: Any, fn: str) -> tuple[np.ndarray, Any]:
    """NumPy's full-precision array of a Python value, and the NumPy dtype TF would give it."""
    if isinstance(value, (str, bytes)):
        return string_array(value, fn), np.dtype(object)
    kinds: set = set()
    _leaf_kinds(value, kinds)
    if kinds & _STR_KINDS:
        return string_array(value, fn), np.dtype(object)
    if any(issubclass(k, Tensor) or hasattr(k, "__tf_tensor__") for k in kinds):
        return _pack(value, fn)
    try:
        arr = np.array(value)
    except (ValueError, OverflowError) as e:
        if isinstance(e, OverflowError) or "int" in str(e) and "too large" in str(e):
            raise ValueError(f"{fn}: Can't convert Python sequence with out-of-range integer to Tensor.") from None
        raise ValueError(
            f"{fn}: Can't convert non-rectangular Python sequence to Tensor (received {value!r}); "
            "make every row the same length (or pad it)."
        ) from None
    if arr.dtype == object:
        if kinds <= {int, bool}:
            raise ValueError(f"{fn}: Can't convert Python sequence with out-of-range integer to Tensor.")
        bad = next((k for k in kinds if not issubclass(k, (numbers.Number, np.generic, Tensor))), object)
        raise ValueError(f"{fn}: Attempt to convert a value ({value!r}) with an unsupported type ({bad}) to a Tensor.")
    if kinds and kinds <= set(_PY_SCALARS):
        if bool in kinds and len(kinds) > 1:
            raise ValueError(f"{fn}: Can't convert Python sequence with mixed types to Tensor (received {value!r}).")
        if complex in kinds:
            return arr, np.complex128
        if float in kinds:
            return arr, np.float32
        if kinds == {bool}:
            return arr, np.bool_
        if arr.dtype.kind == "u":
            raise ValueError(f"{fn}: Can't convert Python sequence with out-of-range integer to Tensor.")
        if arr.size == 0 or (arr.min() >= _I32.min and arr.max() <= _I32.max):
            return arr, np.int32
        return arr, np.int64
    if arr.size == 0 and arr.dtype == np.float64 and not kinds - {list, tuple}:
        return arr, np.float32  # tf.constant([]) is float32
    if float in kinds and arr.dtype == np.float64 and np.float64 not in kinds:
        return arr, np.float32
    return arr, arr.dtype


def _pack(value: Any, fn: str) -> tuple[np.ndarray, Any]:
    """A nested list holding tensors (TF auto-packing): every element takes the first tensor's dtype."""
    leaves: list = []

    def walk(v: Any) -> None:
        if isinstance(v, (list, tuple)):
            for x in v:
                walk(x)
        else:
            leaves.append(v)

    walk(value)
    ts = [convert_to_tensor(v) for v in leaves if isinstance(v, Tensor) or hasattr(type(v), "__tf_tensor__")]
    dt = ts[0].dtype
    for t in ts[1:]:
        if t.dtype != dt:
            raise errors.InvalidArgumentError(
                None, None,
                f"{fn}: cannot compute Pack as input #1(zero-based) was expected to be a {dt.name} tensor but is a "
                f"{t.dtype.name} tensor (all tensors in a packed list must share a dtype; use tf.cast).",
            )

    def conv(v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            return [conv(x) for x in v]
        if isinstance(v, Tensor) or hasattr(type(v), "__tf_tensor__"):
            return convert_to_tensor(v)._numpy()
        if isinstance(v, np.generic):
            return np.asarray(v).astype(dt._np)
        return _cast_python(_python_raw(v, fn)[0], dt, v, fn)

    try:
        return np.array(conv(value), dtype=dt._np), dt._np
    except ValueError:
        raise ValueError(
            f"{fn}: Can't convert non-rectangular Python sequence to Tensor (received {value!r}); "
            "make every row the same length (or pad it)."
        ) from None


def _python_array(value: Any, fn: str) -> np.ndarray:
    """A NumPy array from Python scalars / nested sequences, typed by TF's rules."""
    arr, dt = _python_raw(value, fn)
    return arr.astype(dt, copy=False)


_STR_KINDS = {str, bytes, np.str_, np.bytes_}
_OBJ = np.dtype(object)


def _utf8(v: Any) -> bytes:
    return v.encode("utf-8") if isinstance(v, str) else bytes(v)


def string_array(value: Any, fn: str = "tf.constant") -> np.ndarray:
    """A NumPy object array of ``bytes`` (TF's host form of a tf.string tensor) from nested lists of
    str/bytes or a NumPy U/S/object array; str is encoded as UTF-8. Non-rectangular or mixed input is
    TF's ValueError."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "S":  # NumPy's S already drops trailing NULs, as TF does for S arrays
            out = np.empty(value.shape, _OBJ)
            out.ravel()[:] = [bytes(v) for v in value.ravel().tolist()]
            return out
        if value.dtype.kind in "UO":
            flat = value.ravel().tolist()
            if not all(isinstance(v, (str, bytes)) for v in flat):
                raise ValueError(f"{fn}: Can't convert Python sequence with mixed types to Tensor (received "
                                 f"{value!r}); a string tensor needs str or bytes in every entry.")
            out = np.empty(value.shape, _OBJ)
            out.ravel()[:] = [_utf8(v) for v in flat]
            return out
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        out = np.empty((), _OBJ)
        out[()] = _utf8(value)
        return out
    leaves: list = []

    def shape_of(v: Any, depth: int) -> tuple:
        if isinstance(v, (list, tuple)):
            shapes = {shape_of(x, depth + 1) for x in v}
            if len(shapes) > 1:
                raise ValueError(f"{fn}: Can't convert non-rectangular Python sequence to Tensor (received "
                                 f"{value!r}); make every row the same length (or pad it).")
            return (len(v),) + (shapes.pop() if shapes else ())
        if isinstance(v, (str, bytes, np.str_, np.bytes_)):
            leaves.append(_utf8(v))
            return ()
        if isinstance(v, np.ndarray) and v.dtype.kind in "USO":
            a = string_array(v, fn)
            leaves.extend(a.ravel().tolist())
            return a.shape
        raise ValueError(f"{fn}: Can't convert Python sequence with mixed types to Tensor (received {value!r}); "
                         "a string tensor needs str or bytes in every entry.")

    shp = shape_of(value, 0)
    out = np.empty(shp, _OBJ)
    if leaves:
        out.reshape(-1)[:] = leaves
    return out


def _is_string_value(value: Any) -> bool:
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        return True
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "US":
            return True
        return value.dtype == _OBJ and value.size > 0 and isinstance(value.flat[0], (str, bytes))
    if isinstance(value, (list, tuple)):
        kinds: set = set()
        _leaf_kinds(value, kinds)
        return bool(kinds & _STR_KINDS) or any(
            issubclass(k, np.ndarray) for k in kinds) and _any_string_array(value)
    return False


def _any_string_array(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return any(_any_string_array(v) for v in value)
    return isinstance(value, np.ndarray) and value.dtype.kind in "USO"


def _no_strings(value: Any, fn: str, dtype: Any = None):
    name = "string" if dtype is None else dtype.name
    raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {name}")


def _cast_python(arr: np.ndarray, dtype: _dt.DType, value: Any, fn: str) -> np.ndarray:
    """Cast a Python-derived array to ``dtype`` as TF's constant does (no lossy float→int)."""
    target = dtype._np
    if arr.size == 0 and arr.dtype.kind == "f" and not isinstance(value, np.ndarray):
        # an empty Python list has no element type: it takes any dtype (tf.constant([], tf.int32 / tf.string))
        return np.empty(arr.shape, target)
    if (target == _OBJ) != (arr.dtype == _OBJ):
        # TF never converts between numbers and strings in tf.constant
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    if arr.dtype == target:
        return arr
    if arr.size == 0:  # ``tf.constant([], tf.int32)``: an empty list has no float to lose
        return arr.astype(target)
    if arr.dtype.kind in "fc" and np.dtype(target).kind in "iub":
        # TF never converts a Python float to an integer/bool dtype, even 1.0
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    if arr.dtype.kind == "c" and np.dtype(target).kind != "c":
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    if np.dtype(target).kind in "iu" and arr.size:
        info = np.iinfo(target)
        if arr.min() < info.min or arr.max() > info.max:
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    if np.dtype(target).kind == "b" and arr.dtype.kind != "b":
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    return arr.astype(target)


def _to_numpy(value: Any, dtype: _dt.DType | None, fn: str, allow_cast: bool) -> np.ndarray:
    if isinstance(value, TensorShape):
        if not value.is_fully_defined():
            raise ValueError(f"{fn}: Cannot convert a partially known TensorShape {value} to a Tensor.")
        value = value.as_list()
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.dtype.kind in "USO":
            if arr.dtype.kind == "O" and not _is_string_value(arr):
                if dtype is None and arr.size:
                    # TF: an object array converts only with an explicit dtype (strings aside).
                    first = arr.flat[0]
                    if not isinstance(first, (str, bytes)):
                        raise ValueError(
                            f"{fn}: Failed to convert a NumPy array to a Tensor (Unsupported object type "
                            f"{type(first).__name__}); convert it with .astype(np.float32) (or pass dtype=) first."
                        )
                return _to_numpy(arr.tolist(), dtype, fn, allow_cast)
            if dtype is not None and dtype != _dt.string:
                _no_strings(value, fn, dtype)
            return string_array(arr, fn)
        if dtype is not None and arr.dtype != dtype._np:
            if dtype == _dt.string:
                raise ValueError(f"{fn}: Failed to convert a NumPy array to a Tensor (Unsupported object type "
                                 f"{arr.dtype.name}); a string tensor needs str or bytes values.")
            # TF casts a NumPy value to the requested dtype (float64 -> float32, int64 -> int32, ...).
            arr = arr.astype(dtype._np)
        return arr
    if isinstance(value, jax.Array):
        arr = np.asarray(value)
        return arr.astype(dtype._np) if dtype is not None and arr.dtype != dtype._np else arr
    if dtype is None:
        return _python_array(value, fn)
    return _cast_python(_python_raw(value, fn)[0], dtype, value, fn)


def _from_tensor(t: Tensor, dtype: _dt.DType | None, fn: str) -> Tensor:
    if dtype is not None and t.array.dtype != dtype._np:
        raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with dtype {t.dtype.name}: {t!r}")
    return t


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None, name: Any = None) -> Tensor:
    """tf.convert_to_tensor: a Tensor from a Tensor, Variable, NumPy value or Python value."""
    if type(value) is Tensor and dtype is None:
        return value
    dt = None if dtype is None else _dt.as_dtype(dtype)
    if isinstance(value, Tensor):
        return _from_tensor(value, dt, "tf.convert_to_tensor")
    conv = getattr(type(value), "__tf_tensor__", None)
    if conv is not None:
        return conv(value, dt, name)
    if dt is None and dtype_hint is not None:
        hint = _dt.as_dtype(dtype_hint)
        if isinstance(value, (list, tuple, *_PY_SCALARS)):
            try:
                return _make(_cast_python(_python_raw(value, "tf.convert_to_tensor")[0], hint, value, ""))
            except (TypeError, ValueError):
                pass
        elif isinstance(value, (np.ndarray, np.generic)) and hint._np is not None and value.dtype.kind not in "USO":
            dt = hint  # TF: the hinted conversion of a NumPy value always succeeds (NumPy's cast)
    # TF casts a NumPy array or scalar to the requested dtype with NumPy's cast (float64 → float32,
    # int64 → int32 wrapping, float → int truncating), unlike Python values and Tensors.
    return _make(_to_numpy(value, dt, "tf.convert_to_tensor", allow_cast=True))


def constant(value: Any, dtype: Any = None, shape: Any = None, name: Any = "Const") -> Tensor:
    """tf.constant: a Tensor from a Python or NumPy value, optionally cast and broadcast to ``shape``."""
    dt = None if dtype is None else _dt.as_dtype(dtype)
    if isinstance(value, Tensor) or hasattr(type(value), "__tf_tensor__"):
        t = value if isinstance(value, Tensor) else type(value).__tf_tensor__(value, None, name)
        if dt is not None and t.dtype != dt and isinstance(value, Tensor):
            raise TypeError(f"Expected tensor {t._numpy()} with dtype {dt!r}, but got dtype {t.dtype!r}.")
        if dt is not None and t.dtype != dt:
            t = cast(t, dt)
        arr = None
    else:
        arr = _to_numpy(value, dt, "tf.constant", allow_cast=True)
        t = None
    if shape is not None:
        shp = tuple(TensorShape(shape).as_list())
        base = arr if arr is not None else np.asarray(t.array)
        if base.size == int(np.prod(shp)):
            base = base.reshape(shp)
        elif base.size == 1:
            base = np.broadcast_to(base.reshape(()), shp)
        else:
            raise TypeError(
                f"tf.constant: Eager execution of tf.constant with unsupported shape. Tried to convert value of "
                f"shape {base.shape} to shape {shp}; give a scalar or a value with {int(np.prod(shp))} elements."
            )
        return _make(np.ascontiguousarray(base))
    return t if t is not None else _make(arr)


def _make(arr: np.ndarray) -> Tensor:
    if arr.dtype == _OBJ:  # tf.string: bytes stay on the host
        return wrap(arr)
    return wrap(put(arr))


def scalar_like(value: Any, dtype: _dt.DType) -> Tensor:
    """A device scalar of ``dtype`` for a Python number next to a tensor (hot path of ``x * 2.0``).

    Raises TypeError when the number does not fit ``dtype`` (the caller then falls back to TF's
    default conversion and its dtype error).
    """
    # -0.0 == 0.0 (same hash): the sign is part of the key so the two never share an entry.
    key = (type(value), value, dtype._np, value.__class__ is float and math.copysign(1.0, value) < 0)
    v = _scalar_cache.get(key) if not state.device_stack else None
    if v is None:
        v = put(_cast_python(np.asarray(value), dtype, value, ""))
        if state.device_stack or type(v) is not ArrayImpl:  # only concrete device scalars are shared
            return wrap(v)
        if len(_scalar_cache) > 4096:
            _scalar_cache.clear()
        _scalar_cache[key] = v
    return wrap(v)


def cast(t: Tensor, dt: _dt.DType) -> Tensor:
    """tf.cast's kernel on a Tensor (the core's own conversions; tf.cast adds TF's argument checks)."""
    if t.array.dtype == dt._np:
        return t
    return run(cast_impl, (t,), "tf.cast", dtype=dt._np)  # the dtype object: bfloat16 has no .str name
