"""Dataset sources: from_tensor_slices, from_tensors, range, from_generator, zip, concatenate."""

from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator

import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from ..core.tensor_shape import TensorShape
from ..core.tensor_spec import TensorSpec, most_specific_shape
from . import structure as st
from .dataset import DatasetV2, as_int
from .options import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY


class TensorSliceDataset(DatasetV2):
    """Dataset.from_tensor_slices: the rows of (nested) tensors; the inputs are copied once, as TF."""

    _repr_name = "_TensorSliceDataset"

    def __init__(self, tensors: Any):
        spec, leaves = st.normalize_value(tensors, "tf.data.Dataset.from_tensor_slices")
        if not leaves:
            raise ValueError("Invalid `element`. `element` should not be empty.")
        n = None
        for a in leaves:
            if np.ndim(a) == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
            if n is not None and a.shape[0] != n:
                raise ValueError(f"Dimensions {n} and {a.shape[0]} are not compatible")
            n = a.shape[0]
        self._arrays = tuple(np.array(a, copy=True) for a in leaves)
        self._n = n
        super().__init__(st.map_structure(lambda s: TensorSpec(s.shape[1:], s.dtype), spec))

    def _iter(self) -> Iterator[tuple]:
        arrays = self._arrays
        if len(arrays) == 1:
            a = arrays[0]
            return ((a[i],) for i in range(self._n))
        return (tuple(a[i] for a in arrays) for i in range(self._n))

    def _index_plan(self) -> tuple:
        n = self._n
        return self._arrays, lambda: iter(range(n))

    def _card(self) -> int:
        return self._n


class TensorDataset(DatasetV2):
    """Dataset.from_tensors: one element."""

    _repr_name = "_TensorDataset"

    def __init__(self, tensors: Any):
        spec, leaves = st.normalize_value(tensors, "tf.data.Dataset.from_tensors")
        self._leaves = tuple(np.array(a, copy=True) for a in leaves)
        super().__init__(spec)

    def _iter(self) -> Iterator[tuple]:
        return iter((self._leaves,))

    def _card(self) -> int:
        return 1


class RangeDataset(DatasetV2):
    """Dataset.range(stop) / range(start, stop, step=1, dtype=tf.int64)."""

    _repr_name = "_RangeDataset"

    def __init__(self, *args: Any, dtype: Any = _dt.int64, name: Any = None, output_type: Any = None):
        if output_type is not None:
            dtype = output_type
        vals = [as_int(a, "Dataset.range") for a in args]
        if len(vals) == 1:
            start, stop, step = 0, vals[0], 1
        elif len(vals) == 2:
            start, stop, step = vals[0], vals[1], 1
        elif len(vals) == 3:
            start, stop, step = vals
        else:
            raise ValueError(f"Invalid `args`. The length of `args` should be between 1 and 3 but was {len(vals)}.")
        if step == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        self._r = range(start, stop, step)
        self._dtype = _dt.as_dtype(dtype)
        super().__init__(TensorSpec((), self._dtype))

    def _iter(self) -> Iterator[tuple]:
        t = self._dtype._np.type
        return ((t(v),) for v in self._r)

    def _card(self) -> int:
        return len(self._r)


def _flatten_up_to(spec: Any, value: Any, what: str) -> list:
    """The leaves of ``value`` following the structure of ``spec`` (lists accepted for tuples)."""
    if isinstance(spec, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(spec):
            raise TypeError(f"{what}: the generator yielded {value!r}, which does not match the structure {spec}.")
        return [x for s, v in zip(spec, value) for x in _flatten_up_to(s, v, what)]
    if isinstance(spec, dict):
        if not isinstance(value, dict) or set(value) != set(spec):
            raise TypeError(f"{what}: the generator yielded {value!r}, which does not match the structure {spec}.")
        return [x for k in sorted(spec) for x in _flatten_up_to(spec[k], value[k], what)]
    return [value]


def py_error(e: BaseException) -> errors.OpError:
    """The TF error a Python exception raised inside the pipeline becomes (as tf.py_function maps them)."""
    if isinstance(e, errors.OpError):
        return e
    msg = f"{type(e).__name__}: {e}"
    if isinstance(e, (TypeError, ValueError)):
        return errors.InvalidArgumentError(None, None, msg)
    if isinstance(e, StopIteration):
        return errors.OutOfRangeError(None, None, msg)
    if isinstance(e, MemoryError):
        return errors.ResourceExhaustedError(None, None, msg)
    if isinstance(e, NotImplementedError):
        return errors.UnimplementedError(None, None, msg)
    return errors.UnknownError(None, None, msg)


class GeneratorDataset(DatasetV2):
    """Dataset.from_generator: each pass calls ``generator(*args)`` and checks every element."""

    _repr_name = "_FlatMapDataset"

    def __init__(self, generator: Callable, output_types: Any, output_shapes: Any, args: Any, output_signature: Any):
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        if output_signature is not None:
            if output_types is not None or output_shapes is not None:
                raise TypeError("The `output_types` and `output_shapes` arguments can only be used without "
                                "`output_signature`; pass one or the other.")
            for s in st.flatten(output_signature):
                if not isinstance(s, TensorSpec):
                    raise TypeError(f"`output_signature` must contain objects that are subclass of "
                                    f"`tf.TypeSpec` but found {type(s)} which is not.")
            spec = output_signature
        else:
            if output_types is None:
                raise TypeError("To specify the output signature you need to provide either the "
                                "`output_signature` argument or the `output_types` argument.")
            types = output_types
            shapes = output_shapes
            if shapes is None:
                spec = st.map_structure(lambda t: TensorSpec(None, t), types)
            else:
                tl = st.flatten(types)
                sl = _flatten_shapes(types, shapes)
                spec = st.pack(types, [TensorSpec(s, t) for t, s in zip(tl, sl)])
        self._gen = generator
        self._args = tuple(st.to_numpy(a, "Dataset.from_generator") for a in (args or ()))
        super().__init__(spec)

    def _iter(self) -> Iterator[tuple]:
        specs = st.flatten(self._spec)
        what = "Dataset.from_generator"
        try:
            it = iter(self._gen(*self._args))
        except Exception as e:  # noqa: BLE001 - surfaces as TF's error class
            raise py_error(e) from e
        while True:
            try:
                value = next(it)
            except StopIteration:
                return
            except Exception as e:  # noqa: BLE001
                raise py_error(e) from e
            try:
                vals = _flatten_up_to(self._spec, value, what)
                leaves = []
                for s, v in zip(specs, vals):
                    a = st.to_numpy(v, what, s.dtype)
                    if not s.shape.is_compatible_with(a.shape):
                        raise TypeError(f"`generator` yielded an element of shape {_shp(a.shape)} where an element "
                                        f"of shape {s.shape} was expected.")
                    leaves.append(a)
            except Exception as e:  # noqa: BLE001
                raise py_error(e) from e
            yield tuple(leaves)

    def _card(self) -> int:
        return UNKNOWN_CARDINALITY


def _shp(shape: tuple) -> str:
    return str(TensorShape(shape))


def _flatten_shapes(types: Any, shapes: Any) -> list:
    if isinstance(types, tuple):
        return [x for t, s in zip(types, shapes) for x in _flatten_shapes(t, s)]
    if isinstance(types, dict):
        return [x for k in sorted(types) for x in _flatten_shapes(types[k], shapes[k])]
    return [shapes]


class ZipDataset(DatasetV2):
    """Dataset.zip: a (nested) structure of datasets → elements side by side (ends with the shortest)."""

    _repr_name = "_ZipDataset"

    def __init__(self, datasets: Any):
        flat = st.flatten(datasets)
        for d in flat:
            if not isinstance(d, DatasetV2):
                raise TypeError(f"Invalid input to `zip`. Inputs are expected to be (nested) structures of "
                                f"`tf.data.Dataset` objects. Python `list` is not supported and you should use "
                                f"`tuple` instead. Received {type(d)}.")
        self._ds = flat
        super().__init__(st.pack(datasets, [d.element_spec for d in flat]))

    def _iter(self) -> Iterator[tuple]:
        its = [d._iter() for d in self._ds]
        while True:
            out: tuple = ()
            for it in its:
                nxt = next(it, None)
                if nxt is None:
                    return
                out += nxt
            yield out

    def _card(self) -> int:
        cards = [d._card() for d in self._ds]
        known = [c for c in cards if c >= 0]
        if known and min(known) == 0:
            return 0
        if UNKNOWN_CARDINALITY in cards:
            return UNKNOWN_CARDINALITY
        return min(known) if known else INFINITE_CARDINALITY


class ConcatenateDataset(DatasetV2):
    """Dataset.concatenate: same structure and dtypes required (TypeError otherwise, as TF)."""

    _repr_name = "_ConcatenateDataset"

    def __init__(self, a: DatasetV2, b: DatasetV2):
        if not isinstance(b, DatasetV2):
            raise TypeError(f"Dataset.concatenate: expected a tf.data.Dataset, got {type(b).__name__}.")
        st.check_specs_compatible(a.element_spec, b.element_spec, "concatenate")
        fa, fb = st.flatten(a.element_spec), st.flatten(b.element_spec)
        merged = [TensorSpec(most_specific_shape(x.shape, y.shape), x.dtype) for x, y in zip(fa, fb)]
        self._a, self._b = a, b
        super().__init__(st.pack(a.element_spec, merged))

    def _iter(self) -> Iterator[tuple]:
        return itertools.chain(self._a._iter(), self._b._iter())

    def _card(self) -> int:
        ca, cb = self._a._card(), self._b._card()
        if INFINITE_CARDINALITY in (ca, cb):
            return INFINITE_CARDINALITY
        if UNKNOWN_CARDINALITY in (ca, cb):
            return UNKNOWN_CARDINALITY
        return ca + cb
