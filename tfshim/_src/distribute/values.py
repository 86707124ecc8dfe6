"""Distributed values: ReduceOp, DistributedValues and PerReplica.

A PerReplica value holds ONE global jax array laid out over the strategy's device mesh, split along
its first axis: either the concatenation of the replicas' pieces (a distributed batch) or their
stack (what ``strategy.run`` returns: shape ``(num_replicas, *per_replica_shape)``). The
per-replica tensors are the array's shards, each on its own device.
"""

from __future__ import annotations

import enum
from typing import Any

import jax
import jax.numpy as jnp

from ..core.tensor import Tensor, wrap


class ReduceOp(enum.Enum):
    """tf.distribute.ReduceOp: how values of the replicas are combined (SUM or MEAN)."""

    SUM = "SUM"
    MEAN = "MEAN"

    @staticmethod
    def from_variable_aggregation(aggregation: Any) -> ReduceOp:
        """The ReduceOp of a tf.VariableAggregation (SUM or MEAN)."""
        agg = aggregation_name(aggregation)
        if agg == "sum":
            return ReduceOp.SUM
        if agg == "mean":
            return ReduceOp.MEAN
        raise ValueError(f"Could not convert from `tf.VariableAggregation` {aggregation} to `tf.distribute.ReduceOp`.")


def reduce_op(op: Any, fn: str) -> ReduceOp:
    """A ReduceOp from a ReduceOp or its name ("SUM"/"MEAN"), else TF's ValueError."""
    if isinstance(op, ReduceOp):
        return op
    if isinstance(op, str) and op.upper() in ("SUM", "MEAN"):
        return ReduceOp(op.upper())
    raise ValueError(f"{fn}: reduce_op must be tf.distribute.ReduceOp.SUM or .MEAN (or 'SUM'/'MEAN'), got {op!r}.")


_AGG_NAMES = {0: "none", 1: "sum", 2: "mean", 3: "only_first_replica"}


def aggregation_name(aggregation: Any) -> str:
    """'none' / 'sum' / 'mean' / 'only_first_replica' for a tf.VariableAggregation or a Keras string."""
    if aggregation is None:
        return "none"
    if isinstance(aggregation, str):
        return aggregation.lower()
    return _AGG_NAMES.get(int(aggregation), "none")


class DistributedValues:
    """tf.distribute.DistributedValues: a value with one component per replica."""

    def __init__(self, strategy: Any, global_value: Tensor, stacked: bool):
        self._strategy = strategy
        self._t = global_value
        self._stacked = stacked

    @property
    def values(self) -> tuple:
        """The per-replica components (this process's replicas), each on its replica's device."""
        return tuple(self._pieces())

    def _pieces(self) -> list:
        v = self._t.array
        n = self._strategy._num_local
        if isinstance(v, jax.core.Tracer) or not hasattr(v, "addressable_shards"):
            parts = [v[i] for i in range(v.shape[0])] if self._stacked else jnp.split(v, n, axis=0)
            return [wrap(p) for p in parts]
        shards = sorted(v.addressable_shards, key=lambda s: s.index[0].start or 0)
        out = []
        seen = set()
        for s in shards:
            start = s.index[0].start or 0
            if start in seen:  # replicated along another mesh axis: one copy per replica
                continue
            seen.add(start)
            out.append(wrap(s.data[0] if self._stacked else s.data))
        return out

    @property
    def _per_replica_shape(self) -> tuple:
        shape = tuple(self._t.array.shape)
        if self._stacked:
            return shape[1:]
        return (shape[0] // self._strategy.num_replicas_in_sync,) + shape[1:]

    def __repr__(self) -> str:
        inner = ",\n".join(f"  {i}: {t!r}" for i, t in enumerate(self.values))
        return f"{type(self).__name__}:{{\n{inner}\n}}"

    def __str__(self) -> str:
        inner = ",\n".join(f"  {i}: {str(t)}" for i, t in enumerate(self.values))
        return f"{type(self).__name__}:{{\n{inner}\n}}"

    def __bool__(self) -> bool:
        raise TypeError(
            "tf.distribute: a PerReplica value has no truth value; reduce it first with strategy.reduce(...)."
        )


class PerReplica(DistributedValues):
    """The per-replica values a distributed dataset yields and ``strategy.run`` returns."""


def _flatten(pr: PerReplica) -> tuple:
    return (pr._t,), (pr._strategy, pr._stacked)


def _unflatten(aux: tuple, children: tuple) -> PerReplica:
    t = children[0]
    if not isinstance(t, Tensor):
        t = wrap(t)
    return PerReplica(aux[0], t, aux[1])


jax.tree_util.register_pytree_node(PerReplica, _flatten, _unflatten)


class RaggedPerReplica(PerReplica):
    """A global batch whose rows do not divide evenly over the replicas (TF's split: ceil-sized chunks)."""

    def __init__(self, strategy: Any, t: Tensor):
        self._strategy = strategy
        self._t = t
        self._stacked = False
        n = strategy.num_replicas_in_sync
        rows = t.array.shape[0]
        c = -(-rows // n)
        self._bounds = [(min(i * c, rows), min((i + 1) * c, rows)) for i in range(n)]

    def _pieces(self) -> list:
        devs = self._strategy._local_devices
        v = self._t.array
        return [wrap(jax.device_put(v[a:b], d)) for (a, b), d in zip(self._bounds, devs)]


jax.tree_util.register_pytree_node(
    RaggedPerReplica, lambda r: ((r._t,), (r._strategy,)), lambda aux, ch: RaggedPerReplica(aux[0], ch[0])
)
