"""Dataset transformations that do not call user functions: shuffle, batch, padded_batch, unbatch,
take, skip, repeat, shard, cache, prefetch, window, with_options."""

from __future__ import annotations

import itertools
import os
import queue
import threading
from typing import Any, Iterator

import numpy as np

from ..core import errors
from ..core.tensor_shape import TensorShape
from ..core.tensor_spec import TensorSpec
from . import structure as st
from .dataset import DatasetV2, as_int
from .options import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY

_END = object()


class _Unary(DatasetV2):
    """A node with one input whose element_spec and cardinality default to the input's."""

    def __init__(self, inp: DatasetV2, spec: Any = None):
        self._in = inp
        super().__init__(inp.element_spec if spec is None else spec, inp._opts)

    def _card(self) -> int:
        return self._in._card()


# -- shuffle ------------------------------------------------------------------------------------
def buffered_shuffle(it: Iterator, size: int, rng: np.random.Generator) -> Iterator:
    """TF's shuffle: fill a buffer of ``size`` elements, emit a random one and refill its slot."""
    buf = list(itertools.islice(it, size))
    more = len(buf) == size
    rand: list = []
    while buf:
        if not rand:
            rand = rng.random(4096).tolist()
            rand.reverse()
        j = int(rand.pop() * len(buf))
        item = buf[j]
        nxt = next(it, _END) if more else _END
        if nxt is _END:
            more = False
            buf[j] = buf[-1]
            buf.pop()
        else:
            buf[j] = nxt
        yield item


class ShuffleDataset(_Unary):
    """Dataset.shuffle(buffer_size, seed, reshuffle_each_iteration).

    Seeds follow tf.random's global/op seed rules; each pass uses a new order when
    ``reshuffle_each_iteration``. The order differs from TF's (another generator); the buffer
    semantics are TF's.
    """

    _repr_name = "_ShuffleDataset"

    def __init__(self, inp: DatasetV2, buffer_size: Any, seed: Any, reshuffle: Any):
        from ..ops.random import RANDOM

        size = as_int(buffer_size, "Dataset.shuffle")
        if size <= 0 and size != UNKNOWN_CARDINALITY:
            raise errors.InvalidArgumentError(
                None, None, "buffer_size must be greater than zero or UNKNOWN_CARDINALITY")
        if size == UNKNOWN_CARDINALITY:
            size = inp._card() if inp._card() > 0 else 1 << 62
        super().__init__(inp)
        self._size = size
        pair = RANDOM.seeds(None if seed is None else as_int(seed, "Dataset.shuffle"))
        if pair is None:
            pair = tuple(np.random.SeedSequence().generate_state(2, np.uint32).tolist())
        self._pair = pair
        self._reshuffle = bool(reshuffle)
        self._epoch = 0
        self._lock = threading.Lock()

    def _rng(self) -> np.random.Generator:
        with self._lock:
            k = self._epoch if self._reshuffle else 0
            self._epoch += 1
        return np.random.default_rng([int(self._pair[0]) % 2**63, int(self._pair[1]) % 2**63, k])

    def _iter(self) -> Iterator[tuple]:
        plan = self._in._index_plan()
        if plan is not None:
            arrays, make = plan
            idx = buffered_shuffle(make(), self._size, self._rng())
            return (tuple(a[i] for a in arrays) for i in idx)
        return buffered_shuffle(self._in._iter(), self._size, self._rng())

    def _index_plan(self) -> tuple | None:
        plan = self._in._index_plan()
        if plan is None:
            return None
        arrays, make = plan
        return arrays, lambda: buffered_shuffle(make(), self._size, self._rng())


# -- batching -----------------------------------------------------------------------------------
class BatchDataset(_Unary):
    """Dataset.batch(batch_size, drop_remainder): one NumPy gather per batch where the input allows."""

    _repr_name = "_BatchDataset"

    def __init__(self, inp: DatasetV2, batch_size: Any, drop_remainder: Any):
        n = as_int(batch_size, "Dataset.batch")
        if n <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        self._n, self._drop = n, bool(drop_remainder)
        lead = n if self._drop else None
        spec = st.map_structure(lambda s: TensorSpec(TensorShape([lead]).concatenate(s.shape), s.dtype),
                                inp.element_spec)
        super().__init__(inp, spec)

    def _iter(self) -> Iterator[tuple]:
        fused = getattr(self._in, "_fused_batches", None)
        if fused is not None:
            it = fused(self._n, self._drop)
            if it is not None:
                return it
        return self._in._batches(self._n, self._drop)

    def _card(self) -> int:
        c = self._in._card()
        if c < 0:
            return c
        return c // self._n if self._drop else -(-c // self._n)


class RaggedBatchDataset(_Unary):
    """Dataset.ragged_batch(batch_size): components of varying shape batch into RaggedTensors.

    Difference from TF: the element_spec of a ragged component is a TensorSpec with unknown dimensions
    (tfshim has no RaggedTensorSpec); the elements are tf.RaggedTensor."""

    _repr_name = "_DenseToRaggedDataset"

    def __init__(self, inp: DatasetV2, batch_size: Any, drop_remainder: Any):
        n = as_int(batch_size, "Dataset.ragged_batch")
        if n <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        self._n, self._drop = n, bool(drop_remainder)
        specs = st.flatten(inp.element_spec)
        self._dense = [s.shape.is_fully_defined() for s in specs]
        lead = n if self._drop else None
        spec = st.map_structure(lambda s: TensorSpec(TensorShape([lead]).concatenate(s.shape), s.dtype),
                                inp.element_spec)
        super().__init__(inp, spec)

    def _iter(self) -> Iterator[tuple]:
        from ..ops.ragged import RaggedTensor

        it = self._in._iter()
        while True:
            rows = list(itertools.islice(it, self._n))
            if not rows or (self._drop and len(rows) < self._n):
                return
            out = []
            for k, dense in enumerate(self._dense):
                comp = [st.leaf_array(r[k]) for r in rows]
                if dense or len({c.shape for c in comp}) == 1 and comp[0].ndim == 0:
                    out.append(np.stack(comp))
                    continue
                if any(c.ndim == 0 for c in comp):
                    raise errors.InvalidArgumentError(None, None, "Dataset.ragged_batch: cannot batch scalars with "
                                                                  "tensors of rank >= 1 into a RaggedTensor")
                flat = np.concatenate([c.reshape((c.shape[0],) + c.shape[1:]) for c in comp])
                lengths = np.asarray([c.shape[0] for c in comp], np.int64)
                out.append(RaggedTensor.from_row_lengths(st.to_tensor(flat), lengths, validate=False))
            yield tuple(out)

    def _card(self) -> int:
        c = self._in._card()
        if c < 0:
            return c
        return c // self._n if self._drop else -(-c // self._n)


class PaddedBatchDataset(_Unary):
    """Dataset.padded_batch: pad every component to ``padded_shapes`` (None/-1 dims: the batch max)."""

    _repr_name = "_PaddedBatchDataset"

    def __init__(self, inp: DatasetV2, batch_size: Any, padded_shapes: Any, padding_values: Any, drop: Any):
        n = as_int(batch_size, "Dataset.padded_batch")
        if n <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        specs = st.flatten(inp.element_spec)
        if padded_shapes is None:
            for s in specs:
                if s.shape.rank is None:
                    raise ValueError("You must provide `padded_shapes` argument because component has unknown rank.")
            shapes = [s.shape for s in specs]
        else:
            raw = _flatten_like(inp.element_spec, padded_shapes)
            shapes = [TensorShape([None if d is None or int(d) == -1 else int(d) for d in np.asarray(p).reshape(-1)]
                                  if not isinstance(p, TensorShape) and p is not None else p) for p in raw]
            for s, p in zip(specs, shapes):
                ok = s.shape.rank is None or p.rank is None or (
                    s.shape.rank == p.rank and all(a is None or b is None or a <= b for a, b in zip(s.shape, p)))
                if not ok:
                    raise ValueError(f"The padded shape {p} is not compatible with the shape {s.shape} of the "
                                     "corresponding input component.")
        if padding_values is None:
            pads = [np.zeros((), s.dtype._np) for s in specs]
        else:
            pads = [st.to_numpy(v, "Dataset.padded_batch", s.dtype)
                    for s, v in zip(specs, _flatten_like(inp.element_spec, padding_values))]
        self._n, self._drop, self._shapes, self._pads = n, bool(drop), shapes, pads
        lead = n if self._drop else None
        out = [TensorSpec(TensorShape([lead]).concatenate(p), s.dtype) for s, p in zip(specs, shapes)]
        super().__init__(inp, st.pack(inp.element_spec, out))

    def _iter(self) -> Iterator[tuple]:
        it = self._in._iter()
        while True:
            rows = list(itertools.islice(it, self._n))
            if not rows or (self._drop and len(rows) < self._n):
                return
            out = []
            for k, (shape, pad) in enumerate(zip(self._shapes, self._pads)):
                comp = [st.leaf_array(r[k]) for r in rows]
                rank = comp[0].ndim
                if any(c.ndim != rank for c in comp):
                    raise errors.InvalidArgumentError(None, None, f"All elements in a batch must have the same rank "
                                                                  f"as the padded shape for component{k}")
                target = []
                for d in range(rank):
                    mx = max(c.shape[d] for c in comp)
                    want = shape[d] if shape.rank is not None else None
                    if want is not None and mx > want:
                        raise errors.DataLossError(  # TF's class for this (from its IteratorGetNext)
                            None, None, "Attempted to pad to a smaller size than the input element.")
                    target.append(mx if want is None else want)
                if comp[0].dtype == object:  # strings pad with b"" unless given
                    pad = b"" if not isinstance(pad, (bytes, np.ndarray)) else st.leaf_array(pad)[()]
                res = np.full([len(comp), *target], pad, dtype=comp[0].dtype)
                for i, c in enumerate(comp):
                    if c.ndim == 0:
                        res[i] = c[()]
                    else:
                        res[(i, *(slice(0, s) for s in c.shape))] = c
                out.append(res)
            yield tuple(out)

    def _card(self) -> int:
        c = self._in._card()
        if c < 0:
            return c
        return c // self._n if self._drop else -(-c // self._n)


def _flatten_like(spec: Any, value: Any) -> list:
    """Leaves of ``value`` following ``spec``'s nesting (shapes and scalars are leaves)."""
    if isinstance(spec, tuple):
        return [x for s, v in zip(spec, value) for x in _flatten_like(s, v)]
    if isinstance(spec, dict):
        return [x for k in sorted(spec) for x in _flatten_like(spec[k], value[k])]
    return [value]


class UnbatchDataset(_Unary):
    """Dataset.unbatch: split each element along its first dimension."""

    _repr_name = "_UnbatchDataset"

    def __init__(self, inp: DatasetV2):
        specs = st.flatten(inp.element_spec)
        for s in specs:
            if s.shape.rank == 0:
                raise ValueError("Unbatching a dataset is only supported for rank >= 1")
        spec = st.map_structure(lambda s: TensorSpec(s.shape[1:] if s.shape.rank is not None else None, s.dtype),
                                inp.element_spec)
        super().__init__(inp, spec)

    def _iter(self) -> Iterator[tuple]:
        for leaves in self._in._iter():
            arrs = [st.leaf_array(x) for x in leaves]
            n = arrs[0].shape[0]
            if any(a.shape[0] != n for a in arrs):
                raise errors.InvalidArgumentError(None, None, "Input element must have the same batch size in "
                                                              "each component.")
            for i in range(n):
                yield tuple(a[i] for a in arrs)

    def _card(self) -> int:
        c = self._in._card()
        if c in (INFINITE_CARDINALITY, 0):
            return c
        dims = {s.shape[0] for s in st.flatten(self._in.element_spec) if s.shape.rank}
        if c > 0 and len(dims) == 1 and None not in dims:
            return c * dims.pop()
        return UNKNOWN_CARDINALITY


# -- take / skip / repeat / shard -------------------------------------------------------------------
class TakeDataset(_Unary):
    _repr_name = "_TakeDataset"

    def __init__(self, inp: DatasetV2, count: int):
        super().__init__(inp)
        self._count = count

    def _cut(self, it: Iterator) -> Iterator:
        return it if self._count < 0 else itertools.islice(it, self._count)

    def _iter(self) -> Iterator[tuple]:
        return self._cut(self._in._iter())

    def _index_plan(self) -> tuple | None:
        plan = self._in._index_plan()
        return None if plan is None else (plan[0], lambda: self._cut(plan[1]()))

    def _card(self) -> int:
        c = self._in._card()
        if self._count < 0:
            return c
        if c == INFINITE_CARDINALITY:
            return self._count
        if c == UNKNOWN_CARDINALITY:
            return UNKNOWN_CARDINALITY if self._count else 0
        return min(c, self._count)


class SkipDataset(_Unary):
    _repr_name = "_SkipDataset"

    def __init__(self, inp: DatasetV2, count: int):
        super().__init__(inp)
        self._count = count

    def _cut(self, it: Iterator) -> Iterator:
        if self._count < 0:
            for _ in it:
                pass
            return iter(())
        return itertools.islice(it, self._count, None)

    def _iter(self) -> Iterator[tuple]:
        return self._cut(self._in._iter())

    def _index_plan(self) -> tuple | None:
        plan = self._in._index_plan()
        return None if plan is None else (plan[0], lambda: self._cut(plan[1]()))

    def _card(self) -> int:
        c = self._in._card()
        if c < 0:
            return c if self._count >= 0 or c == UNKNOWN_CARDINALITY else 0
        return 0 if self._count < 0 else max(0, c - self._count)


class RepeatDataset(_Unary):
    _repr_name = "_RepeatDataset"

    def __init__(self, inp: DatasetV2, count: int):
        super().__init__(inp)
        self._count = count

    def _rounds(self, make: Any) -> Iterator:
        k = 0
        while self._count < 0 or k < self._count:
            k += 1
            empty = True
            for x in make():
                empty = False
                yield x
            if empty:  # an empty input ends even an infinite repeat, as TF
                return

    def _iter(self) -> Iterator[tuple]:
        return self._rounds(self._in._iter)

    def _index_plan(self) -> tuple | None:
        plan = self._in._index_plan()
        return None if plan is None else (plan[0], lambda: self._rounds(plan[1]))

    def _card(self) -> int:
        c = self._in._card()
        if self._count < 0:
            return 0 if c == 0 else INFINITE_CARDINALITY
        if c < 0:
            return c if self._count else 0
        return c * self._count


class ShardDataset(_Unary):
    _repr_name = "_ShardDataset"

    def __init__(self, inp: DatasetV2, num_shards: int, index: int):
        if num_shards <= 0:
            raise errors.InvalidArgumentError(
                None, None, f"Number of shards must be greater than zero (currently num_shards = {num_shards}).")
        if index < 0 or index >= num_shards:
            raise errors.InvalidArgumentError(
                None, None, f"Index must be between 0 and {num_shards - 1} (currently index = {index}).")
        super().__init__(inp)
        self._num, self._index = num_shards, index

    def _iter(self) -> Iterator[tuple]:
        return itertools.islice(self._in._iter(), self._index, None, self._num)

    def _index_plan(self) -> tuple | None:
        plan = self._in._index_plan()
        if plan is None:
            return None
        return plan[0], lambda: itertools.islice(plan[1](), self._index, None, self._num)

    def _card(self) -> int:
        c = self._in._card()
        if c < 0:
            return c
        return c // self._num + (1 if self._index < c % self._num else 0)


# -- cache / prefetch / options ---------------------------------------------------------------
def _write_cache(path: str, rows: list) -> None:
    """Write the cached rows as a plain .npz (no pickle: reading a cache file must never run code)."""
    arity = len(rows[0]) if rows else 0
    arrays = {f"r{i}_{j}": np.asarray(v) for i, row in enumerate(rows) for j, v in enumerate(row)}
    arrays["__n__"] = np.array([len(rows), arity], np.int64)
    if any(a.dtype == object for a in arrays.values()):
        return  # Python objects cannot be stored without pickle: keep this cache in memory only
    with open(path, "wb") as f:
        np.savez(f, allow_pickle=False, **arrays)


def _read_cache(path: str) -> list:
    """The rows of a cache file written by ``_write_cache`` (DataLossError if it is not one)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            n, arity = (int(x) for x in data["__n__"])
            return [tuple(data[f"r{i}_{j}"] for j in range(arity)) for i in range(n)]
    except (ValueError, OSError, KeyError, EOFError) as e:
        raise errors.DataLossError(
            None, None, f"Dataset.cache: {path} is not a valid tfshim cache file (pickled objects are never "
            f"loaded); delete it to rebuild the cache: {e}") from None


class CacheDataset(_Unary):
    """Dataset.cache(filename=''): the first complete pass is kept (in memory, or pickled to ``filename``)."""

    _repr_name = "CacheDataset"

    def __init__(self, inp: DatasetV2, filename: Any):
        super().__init__(inp)
        self._file = str(filename) if filename else ""
        self._mem: list | None = None

    def _path(self) -> str:
        return self._file + ".tfshim-cache"

    def _iter(self) -> Iterator[tuple]:
        if self._mem is not None:
            return iter(self._mem)
        if self._file and os.path.exists(self._path()):
            self._mem = _read_cache(self._path())
            return iter(self._mem)
        return self._fill()

    def _fill(self) -> Iterator[tuple]:
        rows = []
        for x in self._in._iter():
            x = tuple(st.leaf_array(v) for v in x)
            rows.append(x)
            yield x
        if self._file:
            try:
                _write_cache(self._path(), rows)
            except OSError as e:
                raise errors.NotFoundError(None, None, f"Dataset.cache: cannot write {self._path()}: {e}") from e
        self._mem = rows


class PrefetchDataset(_Unary):
    """Dataset.prefetch(buffer_size): a daemon thread fills a queue of up to ``buffer_size`` elements.

    As the last stage it also moves the leaves to the device, so the consumer only wraps them. The
    thread stops when its iterator is exhausted or garbage-collected (TF stops its prefetch threads
    when the iterator is destroyed), even if the iterator was never advanced.
    """

    _repr_name = "_PrefetchDataset"

    def __init__(self, inp: DatasetV2, buffer_size: int):
        if buffer_size < 0 and buffer_size != AUTOTUNE:
            raise errors.InvalidArgumentError(None, None, "buffer_size must be >= 0 or set buffer_size to be "
                                                          "AUTOTUNE.")
        super().__init__(inp)
        self._size = 8 if buffer_size == AUTOTUNE else buffer_size

    def _iter(self) -> Iterator[tuple]:
        return self._run(False)

    def _iter_final(self) -> Iterator[tuple]:
        return self._run(True)

    def _run(self, to_device: bool) -> Iterator[tuple]:
        if self._size == 0:
            return self._in._iter()
        return _Prefetcher(self._in._iter(), self._size, to_device)


_ELEMENT, _DONE, _ERROR = 0, 1, 2


def _produce(src: Iterator, q: queue.Queue, stop: threading.Event, to_device: bool) -> None:
    """The prefetch thread: ``src``'s elements into ``q`` until the end, an error, or ``stop``.

    It holds the queue, the event and the source, never the consuming iterator, so that iterator can
    be garbage-collected while this thread is blocked on a full queue.
    """

    def put(item: tuple) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    try:
        for x in src:
            if to_device:
                x = tuple(st.to_device(v) for v in x)
            if not put((_ELEMENT, x)):
                return
        put((_DONE, None))
    except BaseException as e:  # noqa: BLE001 - re-raised in the consumer
        put((_ERROR, e))
    finally:
        # Stop what the source runs in turn (an inner prefetch thread, a parallel map's pool) right away.
        close = getattr(src, "close", None)
        if close is not None:
            close()


class _Prefetcher:
    """The consuming end of a prefetch thread: an iterator over its queue; dropping it stops the thread."""

    __slots__ = ("_q", "_stop", "_done")

    def __init__(self, src: Iterator, size: int, to_device: bool):
        self._q: queue.Queue = queue.Queue(size)
        self._stop = threading.Event()
        self._done = False
        # The thread starts with the iterator (as TF's), not at the first next().
        threading.Thread(target=_produce, args=(src, self._q, self._stop, to_device), daemon=True,
                         name="tfshim-data-prefetch").start()

    def __iter__(self) -> _Prefetcher:
        return self

    def __next__(self) -> tuple:
        if self._done:
            raise StopIteration
        kind, x = self._q.get()
        if kind == _ELEMENT:
            return x
        self._done = True
        self._stop.set()
        try:  # wake any other consumer waiting on the queue: the end is the end for everyone
            self._q.put_nowait((_DONE, None))
        except queue.Full:
            pass
        if kind == _ERROR:
            raise x
        raise StopIteration

    def close(self) -> None:
        """Stop the prefetch thread (called when the iterator reading this one stops early)."""
        self._done = True
        self._stop.set()

    def __del__(self) -> None:
        self._stop.set()


class OptionsDataset(_Unary):
    _repr_name = "_OptionsDataset"

    def __init__(self, inp: DatasetV2, options: Any):
        super().__init__(inp)
        self._opts = options if inp._opts is None else inp._opts.merge(options)

    def _iter(self) -> Iterator[tuple]:
        return self._in._iter()

    def _iter_final(self) -> Iterator[tuple]:
        return self._in._iter_final()

    def _index_plan(self) -> tuple | None:
        return self._in._index_plan()


# -- window ------------------------------------------------------------------------------------
class DatasetSpec:
    """tf.data.DatasetSpec: the spec of an element that is itself a dataset (as produced by window)."""

    def __init__(self, element_spec: Any, dataset_shape: Any = ()):
        self.element_spec = element_spec
        self.shape = TensorShape(dataset_shape)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DatasetSpec) and other.element_spec == self.element_spec

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"DatasetSpec({self.element_spec}, {self.shape!r})"


class _VariantDataset(DatasetV2):
    """One window's component: a finite dataset of the given rows."""

    _repr_name = "_VariantDataset"

    def __init__(self, rows: list, spec: Any):
        self._rows = rows
        super().__init__(spec)

    def _iter(self) -> Iterator[tuple]:
        return iter(self._rows)

    def _card(self) -> int:
        return len(self._rows)


class WindowDataset(_Unary):
    """Dataset.window(size, shift, stride, drop_remainder): elements are (structures of) datasets."""

    _repr_name = "_WindowDataset"

    def __init__(self, inp: DatasetV2, size: int, shift: int, stride: int, drop: bool):
        for nm, v in (("size", size), ("shift", shift), ("stride", stride)):
            if v <= 0:
                raise errors.InvalidArgumentError(None, None, f"Window {nm} must be greater than zero, but got {v}.")
        self._size, self._shift, self._stride, self._drop = size, shift, stride, drop
        spec = st.map_structure(lambda s: DatasetSpec(s), inp.element_spec)
        super().__init__(inp, spec)

    def _iter(self) -> Iterator[tuple]:
        specs = st.flatten(self._in.element_spec)
        span = (self._size - 1) * self._stride + 1
        buf: list = []
        it = self._in._iter()
        done = False
        while True:
            while not done and len(buf) < span:
                nxt = next(it, _END)
                if nxt is _END:
                    done = True
                else:
                    buf.append(nxt)
            if not buf:
                return
            rows = buf[:span:self._stride]
            if len(rows) < self._size and (self._drop or done and not rows):
                return
            yield tuple(_VariantDataset([(r[k],) for r in rows], s) for k, s in enumerate(specs))
            if len(buf) >= self._shift:
                del buf[:self._shift]
            else:
                skip = self._shift - len(buf)
                buf = []
                for _ in range(skip):
                    if next(it, _END) is _END:
                        done = True
                        break
            if done and not buf:
                return

    def _card(self) -> int:
        c = self._in._card()
        if c < 0:
            return c
        if self._drop:
            span = (self._size - 1) * self._stride + 1
            return 0 if c < span else (c - span) // self._shift + 1
        return -(-c // self._shift)
