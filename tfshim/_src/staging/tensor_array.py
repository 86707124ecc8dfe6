"""tf.TensorArray: a list of same-dtype tensors written and read by index, usable as a loop variable.

Two forms. *List form* (eager code, and concrete indices while tracing): a Python list of Tensors; eagerly
``write`` updates the array in place and returns it, as TF's eager TensorArray. *Buffer form* (a write at
a traced index, i.e. inside a staged loop): one ``[capacity, *element_shape]`` buffer plus a size scalar,
so the array is a fixed-shape loop variable (a JAX pytree). A ``dynamic_size`` array carried by an
AutoGraph loop gets the capacity ``size + trip count`` (the loop's known number of iterations, or
``maximum_iterations``).

Differences from TF: ``clear_after_read`` is accepted and not enforced (TF 2's eager and TensorList-based
arrays do not enforce it either); in buffer form ``stack()`` returns all ``capacity`` rows (rows not written
are zeros), which equals TF's result whenever the loop writes every index it reserves (no ``break``).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core import dtypes, errors, state
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor, wrap
from ..core.tensor_shape import TensorShape


def _traced(x: Any) -> bool:
    return isinstance(x, Tensor) and isinstance(x.array, jax.core.Tracer)


def _index(i: Any) -> Any:
    return i if isinstance(i, Tensor) and _traced(i) else int(i if not isinstance(i, Tensor) else i.numpy())


class TensorArray:
    """tf.TensorArray(dtype, size=None, dynamic_size=None, clear_after_read=None, element_shape=None, ...)."""

    def __init__(self, dtype: Any, size: Any = None, dynamic_size: Any = None, clear_after_read: Any = None,
                 tensor_array_name: Any = None, handle: Any = None, flow: Any = None, infer_shape: bool = True,
                 element_shape: Any = None, colocate_with_first_write_call: bool = True, name: Any = None):
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = infer_shape
        es = None if element_shape is None else TensorShape(element_shape)
        self._element_shape = es if es is not None and es.rank is not None else None
        n = 0 if size is None else int(convert_to_tensor(size).numpy()) if not _traced(size) else None
        if n is None:
            raise ValueError("tf.TensorArray: size must be a Python int or a concrete tensor in tfshim (a traced "
                             "size cannot give the array its fixed capacity); pass the loop's known length.")
        self._elems: list | None = [None] * n
        self._buf: Tensor | None = None
        self._size: Tensor | None = None
        self._hint = 0  # the capacity a staged loop reserved (dynamic_size)

    # -- properties ------------------------------------------------------------------------------
    @property
    def dtype(self) -> Any:
        return self._dtype

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic_size

    @property
    def element_shape(self) -> TensorShape:
        return self._element_shape if self._element_shape is not None else TensorShape(None)

    @property
    def handle(self) -> Any:
        return None

    @property
    def flow(self) -> Any:
        return None

    def _copy(self) -> TensorArray:
        new = TensorArray.__new__(TensorArray)
        new.__dict__.update(self.__dict__)
        if new._elems is not None:
            new._elems = list(new._elems)
        return new

    def _capacity(self) -> int:
        return len(self._elems) if self._elems is not None else self._buf.shape[0]

    def _ag_len(self) -> Any:
        return self.size()

    # -- conversion between forms -------------------------------------------------------------------
    def _check_value(self, value: Any, what: str) -> Tensor:
        v = convert_to_tensor(value, dtype=self._dtype) if not isinstance(value, Tensor) else value
        if v.dtype != self._dtype:  # (a Python value was already converted to the array's dtype)
            raise errors.InvalidArgumentError(
                None, None, f"TensorArray.{what}: TensorArray dtype is {self._dtype.name} but Op is trying to "
                f"write dtype {v.dtype.name}; cast the value with tf.cast first.")
        if self._element_shape is not None and self._infer_shape:
            if not self._element_shape.is_compatible_with(v.shape):
                raise ValueError(f"TensorArray.{what}: incompatible shape for value ({v.shape}), expected "
                                 f"({self._element_shape}).")
        if self._element_shape is None or not self._element_shape.is_fully_defined():
            self._element_shape = v.shape
        return v

    def _to_buffer(self, capacity: int | None = None) -> TensorArray:
        if self._buf is not None:
            return self
        if self._element_shape is None or not self._element_shape.is_fully_defined():
            raise ValueError("tf.TensorArray: tfshim needs the element shape to carry the array through a staged "
                             "loop; pass element_shape=... or write an element before the loop.")
        shape = tuple(self._element_shape.as_list())
        n = len(self._elems)
        cap = max(n, self._hint if self._dynamic_size else 0, capacity or 0)
        rows = [e.array if e is not None else jnp.zeros(shape, self._dtype._np) for e in self._elems]
        rows += [jnp.zeros(shape, self._dtype._np)] * (cap - n)
        new = self._copy()
        new._buf = wrap(jnp.stack(rows) if rows else jnp.zeros((0,) + shape, self._dtype._np))
        new._size = wrap(jnp.asarray(n, jnp.int32))
        new._elems = None
        return new

    def _reserve(self, extra: int) -> TensorArray:
        """A copy with ``extra`` more rows of capacity for a staged loop (dynamic_size arrays)."""
        new = self._copy()
        if new._elems is not None:
            new._hint = len(new._elems) + int(extra)
        elif self._dynamic_size and extra:
            pad = jnp.zeros((int(extra),) + tuple(new._buf.shape[1:]), self._dtype._np)
            new._buf = wrap(jnp.concatenate([new._buf.array, pad]))
        return new

    # -- TF's methods ----------------------------------------------------------------------------------
    def size(self, name: Any = None) -> Tensor:
        """TensorArray.size(): the number of elements (int32)."""
        if self._elems is not None:
            return convert_to_tensor(np.int32(len(self._elems)))
        return self._size

    def write(self, index: Any, value: Any, name: Any = None) -> TensorArray:
        """TensorArray.write(index, value): the array with ``value`` at ``index`` (eagerly: in place)."""
        i = _index(index)
        v = self._check_value(value, "write")
        if self._elems is not None and not isinstance(i, Tensor):
            n = len(self._elems)
            if i < 0:
                raise errors.InvalidArgumentError(None, None, f"TensorArray.write: index {i} is negative.")
            if i >= n and not self._dynamic_size:
                raise errors.OutOfRangeError(
                    None, None, f"Tried to write to index {i} but array is not resizeable and size is: {n}")
            target = self if not state.tracing else self._copy()
            if i >= n:
                target._elems.extend([None] * (i + 1 - n))
            target._elems[i] = v
            return target
        new = self._to_buffer()._copy()
        if not isinstance(i, Tensor):
            i = convert_to_tensor(np.int32(i))
        idx = i.array.astype(jnp.int32)
        new._buf = wrap(new._buf.array.at[idx].set(v.array.astype(new._buf.array.dtype)))
        new._size = wrap(jnp.maximum(new._size.array, idx + 1))
        return new

    def read(self, index: Any, name: Any = None) -> Tensor:
        """TensorArray.read(index): the element at ``index``."""
        i = _index(index)
        if self._elems is not None and not isinstance(i, Tensor):
            n = len(self._elems)
            if not 0 <= i < n:
                raise errors.OutOfRangeError(
                    None, None, f"Tried to read from index {i} but array size is: {n}")
            e = self._elems[i]
            if e is None:
                if self._element_shape is not None and self._element_shape.is_fully_defined():
                    return wrap(jnp.zeros(tuple(self._element_shape.as_list()), self._dtype._np))
                raise errors.InvalidArgumentError(
                    None, None, f"Could not read from TensorArray index {i} because it has not yet been written to.")
            return e
        buf = self._to_buffer()._buf
        idx = i.array if isinstance(i, Tensor) else jnp.asarray(i)
        return wrap(jax.lax.dynamic_index_in_dim(buf.array, idx.astype(jnp.int32), 0, keepdims=False))

    def stack(self, name: Any = None) -> Tensor:
        """TensorArray.stack(): the elements stacked along a new first axis."""
        if self._elems is not None:
            if self._element_shape is None and any(e is None for e in self._elems):
                if not self._elems:
                    return wrap(jnp.zeros((0,), self._dtype._np))
            shape = None if self._element_shape is None else tuple(self._element_shape.as_list())
            if not self._elems:
                return wrap(jnp.zeros((0,) + (shape or ()), self._dtype._np))
            rows = [e.array if e is not None else jnp.zeros(shape, self._dtype._np) for e in self._elems]
            return wrap(jnp.stack(rows))
        return self._buf

    def gather(self, indices: Any, name: Any = None) -> Tensor:
        """TensorArray.gather(indices): the elements at ``indices``, stacked."""
        idx = convert_to_tensor(indices)
        return wrap(jnp.take(self.stack().array, idx.array.astype(jnp.int32), axis=0))

    def unstack(self, value: Any, name: Any = None) -> TensorArray:
        """TensorArray.unstack(value): the array whose elements are ``value``'s rows."""
        v = convert_to_tensor(value, dtype=self._dtype) if not isinstance(value, Tensor) else value
        n = v.shape[0]
        if not self._dynamic_size and self._elems is not None and len(self._elems) and n > len(self._elems):
            raise errors.OutOfRangeError(
                None, None, f"Tried to write to index {n - 1} but array is not resizeable and size is: "
                f"{len(self._elems)}")
        return self.scatter(list(range(n)), v)

    def scatter(self, indices: Any, value: Any, name: Any = None) -> TensorArray:
        """TensorArray.scatter(indices, value): write ``value[k]`` at ``indices[k]``."""
        v = convert_to_tensor(value, dtype=self._dtype) if not isinstance(value, Tensor) else value
        idx = convert_to_tensor(indices)
        out = self if not state.tracing else self._copy()
        if _traced(idx):
            for k in range(v.shape[0]):
                out = out.write(wrap(idx.array[k]), wrap(v.array[k]))
            return out
        for k, i in enumerate(np.asarray(idx.numpy()).reshape(-1).tolist()):
            out = out.write(int(i), wrap(v.array[k]))
        return out

    def concat(self, name: Any = None) -> Tensor:
        """TensorArray.concat(): the elements concatenated along their first axis."""
        if self._elems is not None:
            rows = [e.array for e in self._elems if e is not None]
            if not rows:
                return wrap(jnp.zeros((0,), self._dtype._np))
            return wrap(jnp.concatenate(rows))
        b = self._buf.array
        return wrap(b.reshape((-1,) + b.shape[2:]))

    def split(self, value: Any, lengths: Any, name: Any = None) -> TensorArray:
        """TensorArray.split(value, lengths): element k is the next ``lengths[k]`` rows of ``value``."""
        v = convert_to_tensor(value, dtype=self._dtype) if not isinstance(value, Tensor) else value
        lens = [int(x) for x in np.asarray(convert_to_tensor(lengths).numpy()).reshape(-1)]
        out = self if not state.tracing else self._copy()
        start = 0
        for k, n in enumerate(lens):
            out = out.write(k, wrap(v.array[start : start + n]))
            start += n
        return out

    def identity(self) -> TensorArray:
        return self._copy()

    def close(self, name: Any = None) -> None:
        return None

    def mark_used(self) -> None:
        return None

    def __repr__(self) -> str:
        return f"<TensorArray dtype={self._dtype.name} size={self._capacity()}>"


def _flatten(ta: TensorArray) -> tuple:
    b = ta._to_buffer()
    aux = (b._dtype, b._dynamic_size, b._clear_after_read, b._infer_shape, b._element_shape)
    return (b._buf, b._size), aux


def _unflatten(aux: tuple, children: tuple) -> TensorArray:
    ta = TensorArray.__new__(TensorArray)
    ta._dtype, ta._dynamic_size, ta._clear_after_read, ta._infer_shape, ta._element_shape = aux
    buf, size = children
    ta._buf = buf if isinstance(buf, Tensor) or buf is None else wrap(buf)
    ta._size = size if isinstance(size, Tensor) or size is None else wrap(size)
    ta._elems = None
    ta._hint = 0
    return ta


jax.tree_util.register_pytree_node(TensorArray, _flatten, _unflatten)
