"""tf.data.Dataset: the base class, its iterator and the public methods.

A dataset is a node of a pipeline. Each node implements ``_iter()`` (a fresh Python iterator of
flat tuples of NumPy leaves per pass), ``_card()`` and ``element_spec``. Nodes whose elements are
rows of NumPy arrays also expose ``_index_plan()`` (the arrays and a stream of row indices), so
that ``batch`` can gather a whole batch with one fancy index instead of stacking rows. Elements
become tfshim Tensors only when they leave the pipeline (or enter a map function).
"""

from __future__ import annotations

import itertools
import threading
from typing import Any, Callable, Iterator

import numpy as np

from ..core import errors
from ..core.variable import Variable
from . import structure as st
from .options import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Options


def as_int(value: Any, what: str) -> int:
    """A Python int from an int / NumPy / Tensor argument, converted as TF converts it to an int64 EagerTensor.

    As in TF: Python ints and bools and integer scalar tensors are accepted; NumPy scalars of any numeric
    or bool dtype are cast (truncated toward zero, ``np.float32(2.5)`` -> 2); Python floats and float
    tensors are refused.
    """
    if isinstance(value, (np.generic, np.ndarray)) and np.ndim(value) == 0 and value.dtype.kind in "fcb":
        return int(np.real(value))
    if isinstance(value, bool):
        return int(value)
    arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if arr.dtype.kind not in "iu" or arr.shape != ():
        raise TypeError(f"{what}: Cannot convert {value!r} to EagerTensor of dtype int64 (expected an integer "
                        "scalar).")
    return int(arr)


class DatasetV2:
    """tf.data.Dataset: an input pipeline of elements (nested tuples/dicts of tensors).

    Differences from TF: runs as Python/NumPy iterators (no graph); map/filter functions are traced
    once with JAX (like TF's graph tracing) when their inputs have fully known shapes and they use
    no random ops, and are otherwise called eagerly per element.
    """

    _repr_name = "Dataset"

    def __init__(self, element_spec: Any, options: Options | None = None):
        self._spec = element_spec
        self._opts = options

    # -- to be provided by nodes -----------------------------------------------------------
    def _iter(self) -> Iterator[tuple]:
        raise NotImplementedError

    def _card(self) -> int:
        return UNKNOWN_CARDINALITY

    def _index_plan(self) -> tuple | None:
        """(arrays, make_indices) when element i is ``tuple(a[i] for a in arrays)``; else None."""
        return None

    def _iter_final(self) -> Iterator[tuple]:
        """The iterator the user-facing iterator reads (prefetch overrides it to move leaves to the device)."""
        return self._iter()

    def _batches(self, n: int, drop_remainder: bool) -> Iterator[tuple]:
        """Flat tuples of stacked leaves, ``n`` elements each (the batch fast path of the input)."""
        plan = self._index_plan()
        if plan is not None:
            arrays, make = plan
            it = make()
            while True:
                idx = np.fromiter(itertools.islice(it, n), np.int64)
                if len(idx) == 0 or (drop_remainder and len(idx) < n):
                    return
                yield tuple(a[idx] for a in arrays)
        it = self._iter()
        while True:
            rows = list(itertools.islice(it, n))
            if not rows or (drop_remainder and len(rows) < n):
                return
            yield stack_rows(rows)

    # -- inspection ------------------------------------------------------------------------
    @property
    def element_spec(self) -> Any:
        """Dataset.element_spec: the nested structure of ``tf.TensorSpec`` of one element."""
        return self._spec

    def cardinality(self) -> Any:
        """Dataset.cardinality(): an int64 scalar Tensor (-1 infinite, -2 unknown), as TF."""
        from ..core.convert import constant

        return constant(np.int64(self._card()))

    def __len__(self) -> int:
        c = self._card()
        if c == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if c == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return c

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"<{self._repr_name} element_spec={self.element_spec}>"

    def options(self) -> Options:
        """Dataset.options(): the options set on this pipeline (merged as TF)."""
        return self._opts if self._opts is not None else Options()

    # -- iteration ---------------------------------------------------------------------------
    def __iter__(self) -> OwnedIterator:
        return OwnedIterator(self)

    def _ag_for_stmt(self, *args: Any) -> Any:
        """AutoGraph's ``for x in dataset`` inside tf.function: one staged loop (data/staged_loop.py)."""
        from .staged_loop import for_dataset

        return for_dataset(self, *args)

    def _ag_len(self) -> Any:
        """AutoGraph's ``len(dataset)``: the cardinality (TF raises for infinite/unknown ones)."""
        n = self._card()
        if n < 0:
            raise TypeError("The dataset is infinite." if n == INFINITE_CARDINALITY else
                            "The dataset length is unknown.")
        return self.cardinality()

    def as_numpy_iterator(self) -> NumpyIterator:
        """Dataset.as_numpy_iterator(): elements as NumPy values (rank-0 as NumPy scalars)."""
        return NumpyIterator(self)

    def get_single_element(self, name: Any = None) -> Any:
        """Dataset.get_single_element(): the only element (InvalidArgumentError otherwise)."""
        it = self._iter()
        first = next(it, _END)
        if first is _END:
            raise errors.InvalidArgumentError(None, None, "Dataset was empty.")
        if next(it, _END) is not _END:
            raise errors.InvalidArgumentError(None, None, "Dataset had more than one element.")
        return st.pack(self._spec, [st.to_tensor(x) for x in first])

    def reduce(self, initial_state: Any, reduce_func: Callable) -> Any:
        """Dataset.reduce(initial_state, reduce_func): fold the elements into a state, eagerly."""
        from ..core.convert import convert_to_tensor
        from ..core.tensor import Tensor

        state = st.map_structure(lambda v: v if isinstance(v, Tensor) else convert_to_tensor(v), initial_state)
        in_flat = st.flatten(state)
        for leaves in self._iter():
            elem = st.pack(self._spec, [st.to_tensor(x) for x in leaves])
            try:
                new = _autograph(reduce_func)(state, elem)
            except errors.OpError as e:
                graph_e = errors.in_graph(e)  # TF traces reduce_func: static errors are ValueError/TypeError
                if graph_e is not e:
                    raise graph_e from None
                raise
            new = st.map_structure(lambda v: v if isinstance(v, Tensor) else convert_to_tensor(v), new)
            for a, b in zip(in_flat, st.flatten(new)):
                if a.dtype != b.dtype:
                    raise TypeError(f"Dataset.reduce: the reduce function changed the state's dtype from "
                                    f"{a.dtype.name} to {b.dtype.name}; keep the state's dtype fixed.")
            state = new
        return state

    def apply(self, transformation_func: Callable) -> DatasetV2:
        """Dataset.apply(fn): ``fn(self)``, which must return a Dataset."""
        out = transformation_func(self)
        if not isinstance(out, DatasetV2):
            raise TypeError(f"`transformation_func` must return a `tf.data.Dataset` object. Got {type(out)}.")
        return out

    # -- transformations (implemented in transforms.py / mapping.py) --------------------------
    def shuffle(self, buffer_size: Any, seed: Any = None, reshuffle_each_iteration: Any = True,
                name: Any = None) -> DatasetV2:
        """Dataset.shuffle: TF's buffered shuffle (fill ``buffer_size`` elements, emit a random one)."""
        from .transforms import ShuffleDataset

        return ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def batch(self, batch_size: Any, drop_remainder: bool = False, num_parallel_calls: Any = None,
              deterministic: Any = None, name: Any = None) -> DatasetV2:
        """Dataset.batch: stack ``batch_size`` consecutive elements (the last batch may be smaller)."""
        from .transforms import BatchDataset

        return BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size: Any, padded_shapes: Any = None, padding_values: Any = None,
                     drop_remainder: bool = False, name: Any = None) -> DatasetV2:
        """Dataset.padded_batch: batch, padding each component to ``padded_shapes`` (default: the batch max)."""
        from .transforms import PaddedBatchDataset

        return PaddedBatchDataset(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def ragged_batch(self, batch_size: Any, drop_remainder: bool = False, row_splits_dtype: Any = None,
                     name: Any = None) -> DatasetV2:
        """Dataset.ragged_batch: batch elements whose shapes differ into tf.RaggedTensor components."""
        from .transforms import RaggedBatchDataset

        return RaggedBatchDataset(self, batch_size, drop_remainder)

    def unbatch(self, name: Any = None) -> DatasetV2:
        """Dataset.unbatch: split each element along its first dimension."""
        from .transforms import UnbatchDataset

        return UnbatchDataset(self)

    def map(self, map_func: Callable, num_parallel_calls: Any = None, deterministic: Any = None,
            synchronous: Any = None, use_unbounded_threadpool: bool = False, name: Any = None) -> DatasetV2:
        """Dataset.map: apply ``map_func`` to each element (tuples are unpacked into positional arguments)."""
        from .mapping import MapDataset

        return MapDataset(self, _autograph(map_func), num_parallel_calls)

    def filter(self, predicate: Callable, name: Any = None) -> DatasetV2:
        """Dataset.filter: keep the elements for which ``predicate`` returns a true scalar bool tensor."""
        from .mapping import FilterDataset

        return FilterDataset(self, _autograph(predicate))

    def flat_map(self, map_func: Callable, name: Any = None) -> DatasetV2:
        """Dataset.flat_map: map each element to a Dataset and concatenate them."""
        from .mapping import FlatMapDataset

        return FlatMapDataset(self, _autograph(map_func))

    def interleave(self, map_func: Callable, cycle_length: Any = None, block_length: Any = None,
                   num_parallel_calls: Any = None, deterministic: Any = None, name: Any = None) -> DatasetV2:
        """Dataset.interleave: cycle over ``cycle_length`` sub-datasets, ``block_length`` elements each."""
        from .mapping import InterleaveDataset

        return InterleaveDataset(self, _autograph(map_func), cycle_length, block_length, num_parallel_calls)

    def take(self, count: Any, name: Any = None) -> DatasetV2:
        """Dataset.take: the first ``count`` elements (all when ``count`` is -1)."""
        from .transforms import TakeDataset

        return TakeDataset(self, as_int(count, "Dataset.take"))

    def skip(self, count: Any, name: Any = None) -> DatasetV2:
        """Dataset.skip: drop the first ``count`` elements (all when ``count`` is -1)."""
        from .transforms import SkipDataset

        return SkipDataset(self, as_int(count, "Dataset.skip"))

    def repeat(self, count: Any = None, name: Any = None) -> DatasetV2:
        """Dataset.repeat: ``count`` passes (forever when None or -1); each pass re-iterates the input."""
        from .transforms import RepeatDataset

        return RepeatDataset(self, -1 if count is None else as_int(count, "Dataset.repeat"))

    def cache(self, filename: str = "", name: Any = None) -> DatasetV2:
        """Dataset.cache: keep the elements of the first complete pass in memory (or in ``filename``)."""
        from .transforms import CacheDataset

        return CacheDataset(self, filename)

    def prefetch(self, buffer_size: Any, name: Any = None) -> DatasetV2:
        """Dataset.prefetch: a background thread keeps up to ``buffer_size`` elements ready."""
        from .transforms import PrefetchDataset

        return PrefetchDataset(self, as_int(buffer_size, "Dataset.prefetch"))

    def enumerate(self, start: Any = 0, name: Any = None) -> DatasetV2:
        """Dataset.enumerate: (int64 index, element) pairs, as zip(range(start, ...), self)."""
        from .sources import RangeDataset, ZipDataset

        return ZipDataset((RangeDataset(as_int(start, "Dataset.enumerate"), np.iinfo(np.int64).max), self))

    def concatenate(self, dataset: DatasetV2, name: Any = None) -> DatasetV2:
        """Dataset.concatenate: this dataset's elements followed by ``dataset``'s."""
        from .sources import ConcatenateDataset

        return ConcatenateDataset(self, dataset)

    def shard(self, num_shards: Any, index: Any, name: Any = None) -> DatasetV2:
        """Dataset.shard: every ``num_shards``-th element starting at ``index``."""
        from .transforms import ShardDataset

        return ShardDataset(self, as_int(num_shards, "Dataset.shard"), as_int(index, "Dataset.shard"))

    def window(self, size: Any, shift: Any = None, stride: Any = 1, drop_remainder: bool = False,
               name: Any = None) -> DatasetV2:
        """Dataset.window: a dataset of windows, each a (structure of) dataset(s) of ``size`` elements."""
        from .transforms import WindowDataset

        size = as_int(size, "Dataset.window")
        return WindowDataset(self, size, size if shift is None else as_int(shift, "Dataset.window"),
                             as_int(stride, "Dataset.window"), bool(drop_remainder))

    def with_options(self, options: Options, name: Any = None) -> DatasetV2:
        """Dataset.with_options: attach options (merged with those already set)."""
        from .transforms import OptionsDataset

        if not isinstance(options, Options):
            raise TypeError(f"Dataset.with_options: expected tf.data.Options, got {type(options).__name__}.")
        return OptionsDataset(self, options)

    # -- sources ---------------------------------------------------------------------------
    @staticmethod
    def list_files(file_pattern: Any, shuffle: Any = None, seed: Any = None, name: Any = None) -> DatasetV2:
        """Dataset.list_files: the file names matching ``file_pattern``, shuffled unless ``shuffle=False``."""
        return FILE_SOURCES["list_files"](file_pattern, shuffle, seed)

    @staticmethod
    def from_tensor_slices(tensors: Any, name: Any = None) -> DatasetV2:
        """Dataset.from_tensor_slices: one element per row of the (nested) tensors."""
        from .sources import TensorSliceDataset

        return TensorSliceDataset(tensors)

    @staticmethod
    def from_tensors(tensors: Any, name: Any = None) -> DatasetV2:
        """Dataset.from_tensors: a single element."""
        from .sources import TensorDataset

        return TensorDataset(tensors)

    @staticmethod
    def range(*args: Any, **kwargs: Any) -> DatasetV2:
        """Dataset.range(stop) / (start, stop[, step]), dtype int64 by default."""
        from .sources import RangeDataset

        return RangeDataset(*args, **kwargs)

    @staticmethod
    def from_generator(generator: Callable, output_types: Any = None, output_shapes: Any = None, args: Any = None,
                       output_signature: Any = None, name: Any = None) -> DatasetV2:
        """Dataset.from_generator: elements from a Python generator, checked against ``output_signature``."""
        from .sources import GeneratorDataset

        return GeneratorDataset(generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def zip(*args: Any, datasets: Any = None, name: Any = None) -> DatasetV2:
        """Dataset.zip(ds1, ds2, ...) or zip((ds1, ds2)) / zip({'a': ds1, ...}): elements side by side."""
        from .sources import ZipDataset

        if datasets is not None:
            return ZipDataset(datasets)
        if len(args) == 1:
            return ZipDataset(args[0])
        return ZipDataset(tuple(args))


Dataset = DatasetV2
_END = object()
# Filled by data/files.py (which imports this module): file sources without an import circle.
FILE_SOURCES: dict = {}


def stack_rows(rows: list) -> tuple:
    """Stack a list of flat elements component-wise, with TF's error for differing shapes."""
    out = []
    for k in range(len(rows[0])):
        comp = [r[k] for r in rows]
        s0 = np.shape(comp[0])
        for i, c in enumerate(comp[1:], 1):
            if np.shape(c) != s0:
                raise errors.InvalidArgumentError(
                    None, None,
                    f"Cannot batch tensors with different shapes in component {k}. First element had shape "
                    f"{list(s0)} and element {i} had shape {list(np.shape(c))}.")
        out.append(np.stack([st.leaf_array(c) for c in comp]))
    return tuple(out)


def _pipeline_nodes(ds: DatasetV2) -> list:
    """The datasets of a pipeline, depth first from ``ds`` (inputs held in attributes, lists or tuples)."""
    out, seen, stack = [], set(), [ds]
    while stack:
        d = stack.pop()
        if id(d) in seen:
            continue
        seen.add(id(d))
        out.append(d)
        for v in reversed(list(vars(d).values())):
            if isinstance(v, DatasetV2):
                stack.append(v)
            elif isinstance(v, (list, tuple)):
                stack.extend(x for x in reversed(v) if isinstance(x, DatasetV2))
    return out


def _random_state(ds: DatasetV2) -> list:
    """``[node, seed pair, pass counter]`` of every shuffle of the pipeline: what a pass's order depends on."""
    return [[d, tuple(int(x) for x in d._pair), int(d._epoch)] for d in _pipeline_nodes(ds)
            if hasattr(d, "_pair") and hasattr(d, "_epoch")]


_STATE_MAGIC = 0x7F5D17  # first entry of a saved iterator state (format 1)


def _autograph(fn: Callable) -> Callable:
    """A dataset function as TF runs it: converted by AutoGraph (tensor ``if``/loops staged when traced)."""
    from ..autograph.conversion import convert

    return convert(fn)


class OwnedIterator:
    """The iterator of a Dataset (``iter(dataset)``): yields tfshim Tensors.

    Thread-safe, as TF's: threads sharing one iterator each get distinct elements, every element once.
    tf.train.Checkpoint saves its position (``ckpt = tf.train.Checkpoint(iterator=it)``) and restoring resumes
    where it stopped: the state is the number of elements delivered and the seeds and pass counters of the
    pipeline's shuffles; a restore rebuilds the iterator and fast-forwards it (TF instead serialises each
    stage's buffers, so its restore does not recompute the skipped elements).
    """

    def __init__(self, dataset: DatasetV2):
        self._ds = dataset
        self._spec = dataset.element_spec
        self._random = _random_state(dataset)  # before the first pass draws its order
        self._produced = 0
        self._state_var: Any = None
        self._it = dataset._iter_final()
        self._flat = not isinstance(self._spec, (tuple, dict))
        # The pipeline is a chain of Python generators, which one thread at a time may advance.
        self._lock = threading.Lock()

    # -- checkpointing (tf.train.Checkpoint(iterator=...)) ------------------------------------
    def _trackable_children(self) -> dict:
        if self._state_var is None:
            self._state_var = _IteratorState(self)
        return {"_iterator_state": self._state_var}

    def _state_vector(self) -> np.ndarray:
        with self._lock:
            vec = [_STATE_MAGIC, self._produced, len(self._random)]
            for _, pair, epoch in self._random:
                vec.extend([pair[0], pair[1], epoch])
        return np.asarray(vec, np.int64)

    def _restore_state(self, vec: np.ndarray) -> None:
        vec = [int(x) for x in np.asarray(vec).reshape(-1)]
        if len(vec) < 3 or vec[0] != _STATE_MAGIC or vec[2] != len(self._random) or len(vec) != 3 + 3 * vec[2]:
            raise errors.InvalidArgumentError(
                None, None, "tf.train.Checkpoint: the saved iterator state does not fit this iterator's pipeline "
                f"({len(self._random)} shuffle stage(s)); restore it into an iterator of the same pipeline.")
        with self._lock:
            for i, entry in enumerate(self._random):
                pair, epoch = (vec[3 + 3 * i], vec[4 + 3 * i]), vec[5 + 3 * i]
                node = entry[0]
                with node._lock:
                    node._pair, node._epoch = pair, epoch
                entry[1], entry[2] = pair, epoch
            close = getattr(self._it, "close", None)
            if close is not None:
                close()
            self._it = self._ds._iter_final()
            n = self._produced = vec[1]
            for _ in range(n):  # fast-forward: the same seeds and pass counters give the same elements
                if next(self._it, _END) is _END:
                    break

    @property
    def element_spec(self) -> Any:
        return self._spec

    def __iter__(self) -> OwnedIterator:
        return self

    def __next__(self) -> Any:
        with self._lock:
            leaves = next(self._it)
            self._produced += 1
        if self._flat:
            return st.to_tensor(leaves[0])
        return st.pack(self._spec, [st.to_tensor(x) for x in leaves])

    def get_next(self) -> Any:
        """Iterator.get_next(): the next element; OutOfRangeError at the end, as TF."""
        try:
            return self.__next__()
        except StopIteration:
            raise errors.OutOfRangeError(None, None, "End of sequence") from None

    def __repr__(self) -> str:
        return f"<tfshim.data.OwnedIterator element_spec={self._spec}>"


class _IteratorState(Variable):
    """The checkpointed state of an OwnedIterator, as an int64 vector Variable (key
    ``iterator/_iterator_state/.ATTRIBUTES/VARIABLE_VALUE``; TF writes ``iterator/.ATTRIBUTES/ITERATOR_STATE``):
    read when saved, and written back into the iterator when restored."""

    def __init__(self, owner: OwnedIterator):
        Variable.__init__(self, owner._state_vector(), trainable=False, name="iterator_state")
        self._owner = owner

    @property
    def array(self) -> Any:
        import jax.numpy as jnp

        self._value = jnp.asarray(self._owner._state_vector())
        return self._value

    def write_array(self, value: Any) -> None:
        Variable.write_array(self, value)
        self._owner._restore_state(np.asarray(value))

    def assign(self, value: Any, use_locking: Any = None, name: Any = None, read_value: bool = True) -> Any:
        self._owner._restore_state(np.asarray(value))
        import jax.numpy as jnp

        self._value = jnp.asarray(np.asarray(value, np.int64))
        return self if read_value else None


class NumpyIterator:
    """The iterator of ``Dataset.as_numpy_iterator()`` (thread-safe, as ``OwnedIterator``)."""

    def __init__(self, dataset: DatasetV2):
        self._spec = dataset.element_spec
        self._it = dataset._iter()
        self._lock = threading.Lock()

    def __iter__(self) -> NumpyIterator:
        return self

    def __next__(self) -> Any:
        with self._lock:
            leaves = next(self._it)
        return st.pack(self._spec, [_np_value(x) for x in leaves])

    next = __next__

    def __repr__(self) -> str:
        return "NumpyIterator(iterator=<tfshim.data.OwnedIterator>)"


def _np_value(leaf: Any) -> Any:
    if isinstance(leaf, DatasetV2):
        return leaf
    if isinstance(leaf, bytes):
        return leaf
    a = np.array(leaf)
    return a[()] if a.ndim == 0 else a
