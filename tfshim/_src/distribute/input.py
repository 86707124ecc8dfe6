"""Distributed input: experimental_distribute_dataset, distribute_datasets_from_function, contexts."""

from __future__ import annotations

import enum
from typing import Any, Callable, Iterator

import jax
import numpy as np

from ..core.tensor import Tensor, wrap
from .values import PerReplica


class InputReplicationMode(enum.Enum):
    """tf.distribute.InputReplicationMode."""

    PER_WORKER = "PER_WORKER"
    PER_REPLICA = "PER_REPLICA"


class InputOptions:
    """tf.distribute.InputOptions (accepted; placement is decided by the strategy's mesh)."""

    def __init__(self, experimental_fetch_to_device: Any = None, experimental_replication_mode: Any = None,
                 experimental_place_dataset_on_device: bool = False, experimental_per_replica_buffer_size: int = 1):
        self.experimental_fetch_to_device = experimental_fetch_to_device
        self.experimental_replication_mode = experimental_replication_mode or InputReplicationMode.PER_WORKER
        self.experimental_place_dataset_on_device = experimental_place_dataset_on_device
        self.experimental_per_replica_buffer_size = experimental_per_replica_buffer_size


class InputContext:
    """tf.distribute.InputContext: which input pipeline this is and how big each replica's batch is."""

    def __init__(self, num_input_pipelines: int = 1, input_pipeline_id: int = 0, num_replicas_in_sync: int = 1):
        self.num_input_pipelines = num_input_pipelines
        self.input_pipeline_id = input_pipeline_id
        self.num_replicas_in_sync = num_replicas_in_sync

    def get_per_replica_batch_size(self, global_batch_size: int) -> int:
        """The per-replica batch size; ValueError when the global one does not divide evenly."""
        if global_batch_size % self.num_replicas_in_sync != 0:
            raise ValueError(
                f"The `global_batch_size` {global_batch_size} is not divisible by `num_replicas_in_sync` "
                f"{self.num_replicas_in_sync}"
            )
        return global_batch_size // self.num_replicas_in_sync

    def __repr__(self) -> str:
        return (f"tf.distribute.InputContext(input pipeline id {self.input_pipeline_id}, total: "
                f"{self.num_input_pipelines})")


class ValueContext:
    """tf.distribute.experimental.ValueContext: the replica a value function is called for."""

    def __init__(self, replica_id_in_sync_group: int = 0, num_replicas_in_sync: int = 1):
        self.replica_id_in_sync_group = replica_id_in_sync_group
        self.num_replicas_in_sync = num_replicas_in_sync


def _is_leaf(x: Any) -> bool:
    return isinstance(x, Tensor) or isinstance(x, np.ndarray)


class _Optional:
    """A value that may be missing (tf.experimental.Optional's has_value / get_value)."""

    def __init__(self, value: Any, present: bool):
        self._v, self._present = value, present

    def has_value(self) -> Tensor:
        import jax.numpy as jnp

        return wrap(jnp.asarray(self._present))

    def get_value(self) -> Any:
        if not self._present:
            from ..core import errors

            raise errors.InvalidArgumentError(None, None, "The optional does not have a value.")
        return self._v


class DistributedIterator:
    """tf.distribute.DistributedIterator: yields PerReplica batches."""

    def __init__(self, dataset: DistributedDataset):
        self._dataset = dataset
        self._it = dataset._elements()

    def __iter__(self) -> DistributedIterator:
        return self

    def __next__(self) -> Any:
        return next(self._it)

    def get_next(self) -> Any:
        """The next distributed batch (tf.errors.OutOfRangeError at the end, as TF)."""
        try:
            return next(self._it)
        except StopIteration:
            from ..core import errors

            raise errors.OutOfRangeError(None, None, "End of sequence") from None

    def get_next_as_optional(self) -> Any:
        """The next batch as an optional: ``has_value()`` is False at the end."""
        try:
            return _Optional(next(self._it), True)
        except StopIteration:
            return _Optional(None, False)

    @property
    def element_spec(self) -> Any:
        return self._dataset.element_spec


class DistributedDataset:
    """tf.distribute.DistributedDataset: a dataset of global batches, each split across the replicas.

    Difference from TF: with several workers every worker reads the whole dataset and keeps its own
    replicas' rows of each global batch (TF auto-shards the files or elements between workers).
    """

    def __init__(self, strategy: Any, dataset: Any):
        self._strategy = strategy
        self._dataset = dataset

    def _elements(self) -> Iterator:
        s = self._strategy
        for element in self._dataset:
            yield jax.tree_util.tree_map(s._distribute_value, element, is_leaf=_is_leaf)

    def __iter__(self) -> DistributedIterator:
        return DistributedIterator(self)

    def _ag_for_stmt(self, *args: Any) -> Any:
        """AutoGraph's ``for x in dist_dataset`` inside tf.function: one staged loop over the host pipeline
        (data/staged_loop.py), each global batch laid out over the replicas inside the program."""
        if type(self) is not DistributedDataset or jax.process_count() > 1 or not hasattr(self._dataset, "_iter"):
            return NotImplemented
        from ..data.staged_loop import for_dataset

        s = self._strategy

        def distribute(element: Any) -> Any:
            return jax.tree_util.tree_map(s._distribute_value, element, is_leaf=_is_leaf)

        return for_dataset(self._dataset, *args, transform=distribute)

    @property
    def element_spec(self) -> Any:
        return self._dataset.element_spec

    def reduce(self, initial_state: Any, reduce_func: Callable) -> Any:
        state_ = initial_state
        for x in self:
            state_ = reduce_func(state_, x)
        return state_


class DistributedDatasetFromFunction(DistributedDataset):
    """The dataset of ``distribute_datasets_from_function``: each replica takes the next per-replica batch."""

    def __init__(self, strategy: Any, dataset_fn: Callable):
        self._strategy = strategy
        ctx = InputContext(jax.process_count(), jax.process_index(), strategy.num_replicas_in_sync)
        self._dataset = dataset_fn(ctx)

    def _elements(self) -> Iterator:
        s = self._strategy
        n_local = s._num_local
        it = iter(self._dataset)
        while True:
            parts = []
            try:
                for _ in range(n_local):
                    parts.append(next(it))
            except StopIteration:
                return
            yield jax.tree_util.tree_map(lambda *xs: _join(s, list(xs)), *parts, is_leaf=_is_leaf)


def _join(strategy: Any, pieces: list) -> Any:
    vals = [np.asarray(p.array if isinstance(p, Tensor) else p) for p in pieces]
    shapes = {v.shape for v in vals}
    if len(shapes) != 1:
        raise ValueError(
            "distribute_datasets_from_function: the replicas got batches of different shapes "
            f"{sorted(shapes)}; batch with drop_remainder=True."
        )
    if strategy.num_replicas_in_sync == 1:
        return wrap(vals[0])
    local = np.concatenate(vals, axis=0)
    g = jax.make_array_from_process_local_data(strategy._split, local)
    return PerReplica(strategy, wrap(g), stacked=False)
