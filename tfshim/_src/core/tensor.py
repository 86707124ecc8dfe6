"""tf.Tensor: an immutable wrapper around one ``jax.Array`` (or a tracer while tracing).

Operators and methods are attached by the op table (``ops/methods.py``); this file holds the
class, its Python protocols (repr, numpy interop, bool/int/float/index/len/iter) and pytree
registration. ``Tensor.array`` is the one accessor of the wrapped array (a read-only slot: as fast
as an attribute read); ``wrap`` is the one constructor. Tensors cannot be changed after creation.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from . import dtypes as _dt
from .device import device_name_of, devices_of_kind
from .tensor_shape import TensorShape


class Tensor:
    """tf.Tensor: an immutable multidimensional array (TF eager tensor).

    Differences from TF: backed by a ``jax.Array``; a ``tf.string`` tensor is backed by a NumPy object
    array of ``bytes`` on the host instead.
    """

    # ``array``: the wrapped jax.Array or tracer. Read it as ``t.array``; only ``wrap`` sets it.
    __slots__ = ("array", "__weakref__")
    # Make NumPy binary ops defer to Tensor's reflected operators, as TF's EagerTensor does.
    __array_priority__ = 100

    def __init__(self, *args, **kwargs):
        raise TypeError(
            "tf.Tensor cannot be constructed directly; use tf.constant(value) or tf.convert_to_tensor(value)."
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"tf.Tensor is immutable: cannot set attribute {name!r} (use tf.Variable for state).")

    # -- properties ---------------------------------------------------------------
    @property
    def dtype(self) -> _dt.DType:
        return _dt._BY_NP[self.array.dtype]

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self.array.shape)

    def get_shape(self) -> TensorShape:
        return TensorShape(self.array.shape)

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def device(self) -> str:
        if type(self.array) is np.ndarray:  # tf.string: host memory
            return _HOST_DEVICE
        return device_name_of(self.array)

    @property
    def backing_device(self) -> str:
        return self.device

    @property
    def name(self) -> str:
        raise AttributeError("Tensor.name is undefined when eager execution is enabled.")

    @property
    def value(self) -> jax.Array:
        """The underlying jax.Array (tfshim extension; the same as ``.array``)."""
        return self.array

    def numpy(self) -> Any:
        """Tensor.numpy(): a NumPy copy of the value (a NumPy scalar for rank 0), as TF."""
        if isinstance(self.array, jax.core.Tracer):
            raise AttributeError(
                "'SymbolicTensor' object has no attribute 'numpy' (tfshim: this tensor is symbolic inside "
                "tf.function; return it from the function, or use tf.print to see its value)"
            )
        a = np.array(self.array)
        return a[()] if a.ndim == 0 else a

    def _numpy(self) -> np.ndarray:
        return np.asarray(self.array)

    def ref(self) -> Reference:
        """Tensor.ref(): a hashable reference to this tensor."""
        return Reference(self)

    def experimental_ref(self) -> Reference:
        return Reference(self)

    def set_shape(self, shape: Any) -> None:
        if not TensorShape(self.array.shape).is_compatible_with(shape):
            raise ValueError(f"Tensor's shape {self.shape} is not compatible with supplied shape {TensorShape(shape)}.")

    def cpu(self) -> Tensor:
        """Tensor.cpu(): a copy of this tensor on the CPU."""
        return _copy_to(self, "CPU")

    def gpu(self, gpu_index: int = 0) -> Tensor:
        """Tensor.gpu(): a copy on GPU ``gpu_index``; RuntimeError where there is no such GPU, as TF."""
        return _copy_to(self, "GPU", gpu_index)

    # -- Python protocols -------------------------------------------------------
    def __repr__(self) -> str:
        if isinstance(self.array, jax.core.Tracer):
            return f"<tf.Tensor 'symbolic' shape={self.shape} dtype={self.dtype.name}>"
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={_np_repr(self._numpy())}>"

    def __str__(self) -> str:
        if isinstance(self.array, jax.core.Tracer):
            return repr(self)
        text = _np_str(self._numpy())
        return f"tf.Tensor({chr(10) if chr(10) in text else ''}{text}, shape={self.shape}, dtype={self.dtype.name})"

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = np.asarray(self.array)
        if dtype is not None:
            a = a.astype(dtype, copy=False)
        return a

    def __bool__(self) -> bool:
        return bool(self._numpy())

    def __int__(self) -> int:
        return int(self._numpy())

    def __float__(self) -> float:
        return float(self._numpy())

    def __complex__(self) -> complex:
        return complex(self._numpy())

    def __index__(self) -> int:
        # NumPy's scalar decides, as in TF: float tensors raise AttributeError (np.float32 has no __index__)
        return self._numpy()[()].__index__()

    def __len__(self) -> int:
        if self.array.ndim == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return self.array.shape[0]

    def __iter__(self):
        if self.array.ndim == 0:  # raised by iter() itself, as TF
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (self[i] for i in range(self.array.shape[0]))

    def __hash__(self) -> int:
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def __copy__(self) -> Tensor:
        return self

    def __deepcopy__(self, memo: Any) -> Tensor:
        return self

    def __reduce__(self):
        return (_from_numpy, (self.numpy(),))

    def __format__(self, spec: str) -> str:
        # As TF: NumPy's formatting of the value (a NumPy scalar formats as the Python number).
        a = self._numpy()
        return format(a[()] if a.ndim == 0 else a, spec)


_HOST_DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"


def wrap(value: Any) -> Tensor:
    """Wrap a jax.Array (or tracer) into a Tensor without any checks (internal fast path)."""
    t = _new(Tensor)
    _set_array(t, value)
    return t


_new = object.__new__
_set_array = Tensor.array.__set__  # the slot's own setter: Tensor.__setattr__ refuses every write


def _from_numpy(a: Any) -> Tensor:
    """Unpickling: a Tensor from the NumPy value ``Tensor.__reduce__`` stored."""
    a = np.asarray(a)
    return wrap(a if a.dtype == object else jax.device_put(a))


def _copy_to(t: Tensor, kind: str, index: int = 0) -> Tensor:
    """Tensor.cpu()/.gpu(): an explicit copy; as in TF there is no soft placement here (RuntimeError)."""
    devs = devices_of_kind(kind)
    if index >= len(devs):
        raise RuntimeError(f"{kind}:{index} unknown device.")
    if type(t.array) is np.ndarray:
        return t
    return wrap(jax.device_put(t.array, devs[index]))


class Reference:
    """The object returned by ``Tensor.ref()`` / ``Variable.ref()``: hashable by identity."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Any):
        self._obj = obj

    def deref(self) -> Any:
        return self._obj

    def __hash__(self) -> int:
        return id(self._obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reference) and other._obj is self._obj

    def __repr__(self) -> str:
        return f"<Reference wrapping {self._obj!r}>"


def _np_repr(a: np.ndarray) -> str:
    if a.ndim == 0:
        # NumPy 2 prints scalars as np.float32(1.0); TF shows the Python value (0.1 → 0.10000000149011612).
        return repr(a.item()) if a.dtype.kind in "biufc" else str(a[()])
    r = repr(a)
    return "\n" + r if "\n" in r else r


def _np_str(a: np.ndarray) -> str:
    return str(a if a.ndim else a[()])


def _flatten(t: Tensor):
    return (t.array,), None


def _unflatten(aux: Any, children: Any) -> Tensor:
    return wrap(children[0])


jax.tree_util.register_pytree_node(Tensor, _flatten, _unflatten)
