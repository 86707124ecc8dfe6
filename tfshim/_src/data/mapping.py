"""Dataset transformations that call user functions: map, filter, flat_map, interleave.

Like TF (which traces these functions into a graph once), a function whose inputs have fully
known shapes is traced once with JAX on symbolic tfshim Tensors: then ``map(...).batch(n)`` runs
the function vectorized over the whole batch (``jax.vmap``) in one call. Functions that cannot be
traced (they call ``.numpy()``, branch on values in Python, ...) or that draw random numbers
(each element needs fresh randomness) are called eagerly on each element instead; Python errors
they raise surface at the ``next()`` that reaches the element, as TF's error class.
Value checks of TF's kernels (out-of-range ``tf.gather`` indices, integer division by zero, failed
``tf.debugging`` asserts) are compiled into traced functions (``core/checks.py``) and raise TF's class.
Difference from TF: Variables read in a traced function are read once.
"""

from __future__ import annotations

import collections
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator

import jax
import numpy as np

from ..core import checks, errors, state
from ..core import dtypes as _dt
from ..core.tensor import Tensor, wrap
from ..core.tensor_spec import TensorSpec
from ..ops.ragged import RaggedTensor
from ..ops.sparse import SparseTensor
from . import structure as st
from .dataset import DatasetV2, as_int
from .options import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from .sources import py_error


def call(fn: Callable, element: Any) -> Any:
    """Call a dataset function as TF does: a tuple element is unpacked into positional arguments."""
    return fn(*element) if type(element) is tuple else fn(element)


def _normalize(out: Any) -> Any:
    """Map outputs: lists become tuples (as tf.data), leaves become Tensors or stay Datasets."""
    from ..core.convert import convert_to_tensor

    if isinstance(out, list):
        out = tuple(out)
    if isinstance(out, tuple):
        vals = [_normalize(v) for v in out]
        return type(out)(*vals) if st.is_namedtuple(out) else tuple(vals)
    if isinstance(out, dict):
        return {k: _normalize(v) for k, v in out.items()}
    if isinstance(out, (Tensor, DatasetV2, SparseTensor, RaggedTensor)):  # composites stay whole (host values)
        return out
    if out is None:
        raise TypeError("Unsupported return value from function passed to Dataset.map(): None.")
    return convert_to_tensor(out)


class Traced:
    """A dataset function traced once to a jaxpr: ``one`` runs it on one element, ``many`` on a batch."""

    def __init__(self, fn: Callable, in_spec: Any):
        from ..ops.random import RANDOM

        specs = st.flatten(in_spec)
        if not all(s.shape.is_fully_defined() for s in specs):
            raise _CannotTrace
        if any(s.dtype == _dt.string for s in specs):  # strings live on the host: run the function eagerly
            raise _CannotTrace
        box: dict = {}

        def flat_fn(*arrays: Any) -> list:
            out = _normalize(call(fn, st.pack(in_spec, [wrap(a) for a in arrays])))
            leaves = st.flatten(out)
            if any(not isinstance(x, Tensor) or type(x.array) is np.ndarray for x in leaves):
                raise _CannotTrace
            box["out"] = out
            return [x.array for x in leaves]

        snap = RANDOM.snapshot()
        state.replaying.append(True)
        avals = [jax.ShapeDtypeStruct(tuple(s.shape.as_list()), s.dtype._np) for s in specs]
        try:
            counted, check_scope = checks.counting(flat_fn)
            closed = jax.make_jaxpr(counted)(*avals)
            out_tree = None
            if check_scope.count:  # runtime checks (TF's kernels check values): trace again with them compiled in
                closed, shape = jax.make_jaxpr(checks.checkified(flat_fn), return_shape=True)(*avals)
                out_tree = jax.tree_util.tree_structure(shape)
        except Exception as e:  # noqa: BLE001 - not traceable: run eagerly instead
            graph_e = errors.in_graph(e)
            if graph_e is not e:  # a static shape/dtype error: TF raises it when map() traces the function
                raise graph_e from None
            raise _CannotTrace from None
        finally:
            state.replaying.pop()
        if RANDOM.snapshot() != snap:  # random ops need fresh numbers per element
            RANDOM.restore(snap)
            raise _CannotTrace
        from jax.core import eval_jaxpr

        jaxpr, consts = closed.jaxpr, tuple(closed.consts)

        # Constants stay runtime arguments, as in eager execution: XLA would otherwise fold them
        # (e.g. x / 3.0 → x * (1/3)) and the values would differ from TF's in the last bit.
        def f(consts: tuple, *args: Any) -> list:
            return eval_jaxpr(jaxpr, consts, *args)

        self.out_spec = st.map_structure(lambda t: TensorSpec(t.shape, t.dtype), box["out"])
        one, many = jax.jit(f), jax.jit(jax.vmap(f, in_axes=(None,) + (0,) * len(specs)))
        if out_tree is None:
            self.one = lambda *a: one(consts, *a)
            self.many = lambda *a: many(consts, *a)
        else:
            def unpack(flat: list) -> list:
                err, outs = jax.tree_util.tree_unflatten(out_tree, flat)
                checks.throw(err, "a Dataset function")
                return outs

            self.one = lambda *a: unpack(one(consts, *a))
            self.many = lambda *a: unpack(many(consts, *a))


class _CannotTrace(Exception):
    pass


def try_trace(fn: Callable, in_spec: Any) -> Traced | None:
    try:
        return Traced(fn, in_spec)
    except _CannotTrace:
        return None


def _eager(fn: Callable, spec: Any, leaves: tuple) -> Any:
    """Call ``fn`` on one element eagerly; Python errors become TF's error classes."""
    try:
        return _normalize(call(fn, st.pack(spec, [st.to_tensor(x) for x in leaves])))
    except Exception as e:  # noqa: BLE001
        raise py_error(e) from e


def _leaves_of(out: Any) -> tuple:
    return tuple(x.array if isinstance(x, Tensor) else x for x in st.flatten(out))


def ordered_parallel(func: Callable, it: Iterator, width: int) -> Iterator:
    """``map(func, it)`` on a thread pool of ``width`` threads, results in input order."""
    with ThreadPoolExecutor(width, thread_name_prefix="tfshim-data-map") as ex:
        pending: collections.deque = collections.deque()
        try:
            for x in it:
                pending.append(ex.submit(func, x))
                if len(pending) >= width:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()


class MapDataset(DatasetV2):
    """Dataset.map(map_func, num_parallel_calls): parallel calls run on a thread pool, order kept."""

    def __init__(self, inp: DatasetV2, fn: Callable, num_parallel_calls: Any):
        self._in, self._fn = inp, fn
        self._width = 0
        if num_parallel_calls is not None:
            n = as_int(num_parallel_calls, "Dataset.map")
            self._width = (os.cpu_count() or 2) if n == AUTOTUNE else max(1, n)
        self._repr_name = "_ParallelMapDataset" if num_parallel_calls is not None else "_MapDataset"
        self._traced = try_trace(fn, inp.element_spec)
        self._lazy_spec = self._traced is None
        super().__init__(self._traced.out_spec if self._traced else None, inp._opts)

    @property
    def element_spec(self) -> Any:
        if self._lazy_spec:
            # Untraceable function: TF would know the spec from its graph; tfshim runs it on the first element.
            first = next(self._in._iter(), None)
            if first is None:
                raise ValueError("Dataset.map: cannot infer the element_spec of an untraceable function on an "
                                 "empty dataset.")
            # Its output shapes may depend on values (TF gives unknown dims then): keep ranks, not dims.
            out = _eager(self._fn, self._in.element_spec, first)
            self._spec = st.map_structure(lambda t: TensorSpec([None] * t.shape.rank, t.dtype), out)
            self._lazy_spec = False
        return self._spec

    def _card(self) -> int:
        return self._in._card()

    def _one(self) -> Callable:
        if self._traced is not None:
            one = self._traced.one
            return lambda leaves: tuple(one(*leaves))
        fn, spec = self._fn, self._in.element_spec
        return lambda leaves: _leaves_of(_eager(fn, spec, leaves))

    def _iter(self) -> Iterator[tuple]:
        self.element_spec  # noqa: B018 - resolves a lazy spec before iterating
        one = self._one()
        if self._width > 1:
            return ordered_parallel(one, self._in._iter(), self._width)
        return (one(x) for x in self._in._iter())

    def _fused_batches(self, n: int, drop: bool) -> Iterator[tuple] | None:
        """map(fn).batch(n) with a traced fn: gather n inputs, run fn vmapped once."""
        if self._traced is None:
            return None
        many = self._traced.many
        return (tuple(many(*b)) for b in self._in._batches(n, drop))


class FilterDataset(DatasetV2):
    """Dataset.filter(predicate): the predicate must return a scalar tf.bool."""

    _repr_name = "_FilterDataset"

    def __init__(self, inp: DatasetV2, predicate: Callable):
        self._in, self._fn = inp, predicate
        self._traced = try_trace(predicate, inp.element_spec)
        if self._traced is not None:
            out = self._traced.out_spec
            if not isinstance(out, TensorSpec) or out.dtype.name != "bool" or out.shape.rank != 0:
                raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but its "
                                 f"return type was {out}.")
        super().__init__(inp.element_spec, inp._opts)

    def _keep(self, leaves: tuple) -> bool:
        if self._traced is not None:
            return bool(np.asarray(self._traced.one(*leaves)[0]))
        out = _eager(self._fn, self._in.element_spec, leaves)
        if not isinstance(out, Tensor) or out.dtype.name != "bool" or out.shape.rank != 0:
            raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but its "
                             f"return type was {out!r}.")
        return bool(np.asarray(out.array))

    def _iter(self) -> Iterator[tuple]:
        return (x for x in self._in._iter() if self._keep(x))

    def _card(self) -> int:
        c = self._in._card()
        return INFINITE_CARDINALITY if c == INFINITE_CARDINALITY else UNKNOWN_CARDINALITY


class _FnDataset(DatasetV2):
    """Shared by flat_map / interleave: ``fn(element)`` must return a Dataset."""

    def __init__(self, inp: DatasetV2, fn: Callable):
        self._in, self._fn = inp, fn
        super().__init__(None, inp._opts)
        self._resolved = False

    def _sub(self, leaves: tuple) -> DatasetV2:
        try:
            ds = call(self._fn, st.pack(self._in.element_spec, [st.to_tensor(x) for x in leaves]))
        except Exception as e:  # noqa: BLE001
            raise py_error(e) from e
        if not isinstance(ds, DatasetV2):
            raise TypeError(f"The `map_func` argument must return a `Dataset` object. Got {type(ds)}.")
        return ds

    @property
    def element_spec(self) -> Any:
        if not self._resolved:
            # TF traces map_func once; tfshim calls it on a zero-valued element of the input spec.
            specs = st.flatten(self._in.element_spec)
            zeros = tuple(np.zeros([d or 0 for d in (s.shape.dims or [])], s.dtype._np) for s in specs)
            try:
                self._spec = self._sub(zeros).element_spec
            except Exception:  # noqa: BLE001 - fall back to the first real element
                first = next(self._in._iter(), None)
                if first is None:
                    raise
                self._spec = self._sub(first).element_spec
            self._resolved = True
        return self._spec

    def _card(self) -> int:
        return 0 if self._in._card() == 0 else UNKNOWN_CARDINALITY


class FlatMapDataset(_FnDataset):
    _repr_name = "_FlatMapDataset"

    def _iter(self) -> Iterator[tuple]:
        for leaves in self._in._iter():
            yield from self._sub(leaves)._iter()


class InterleaveDataset(_FnDataset):
    """Dataset.interleave: TF's deterministic cycle order (``num_parallel_calls`` accepted, runs serially)."""

    _repr_name = "_InterleaveDataset"

    def __init__(self, inp: DatasetV2, fn: Callable, cycle_length: Any, block_length: Any, num_parallel_calls: Any):
        super().__init__(inp, fn)
        cl = AUTOTUNE if cycle_length is None else as_int(cycle_length, "Dataset.interleave")
        self._cycle = (os.cpu_count() or 1) if cl == AUTOTUNE else cl
        self._block = 1 if block_length is None else as_int(block_length, "Dataset.interleave")
        if self._cycle <= 0:
            raise ValueError("cycle_length must be > 0")
        if self._block <= 0:
            raise ValueError("block_length must be > 0")
        if num_parallel_calls is not None:
            self._repr_name = "_ParallelInterleaveDataset"

    def _iter(self) -> Iterator[tuple]:
        src = self._in._iter()
        slots: list = [None] * self._cycle
        end_of_input, n_open, idx, blk = False, 0, 0, 0
        while not end_of_input or n_open > 0:
            cur = slots[idx]
            if cur is not None:
                x = next(cur, None)
                if x is not None:
                    yield x
                    blk += 1
                    if blk == self._block:
                        idx, blk = (idx + 1) % self._cycle, 0
                    continue
                slots[idx] = None
                n_open -= 1
                idx, blk = (idx + 1) % self._cycle, 0
            elif not end_of_input:
                leaves = next(src, None)
                if leaves is None:
                    end_of_input = True
                else:
                    slots[idx] = self._sub(leaves)._iter()
                    n_open += 1
            else:
                idx, blk = (idx + 1) % self._cycle, 0
