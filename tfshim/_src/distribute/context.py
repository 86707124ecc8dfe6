"""Strategy and replica contexts: get_strategy, has_strategy, get_replica_context, in_cross_replica_context."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ..core import state
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor, wrap
from .values import ReduceOp, reduce_op

# strategy.py installs its default-strategy factory here when it is imported (it imports this module).
_default_factory: list = []


def _default() -> Any:
    return _default_factory[0]()


def get_strategy() -> Any:
    """tf.distribute.get_strategy(): the strategy whose scope (or run) is active, else the default one."""
    if state.replica:
        return state.replica[-1].strategy
    return state.strategy_stack[-1] if state.strategy_stack else _default()


def has_strategy() -> bool:
    """tf.distribute.has_strategy(): True inside a non-default strategy's scope."""
    return bool(state.strategy_stack) or bool(state.replica)


def in_cross_replica_context() -> bool:
    """tf.distribute.in_cross_replica_context(): True in a strategy's scope outside ``strategy.run``."""
    if state.replica:
        return False
    return bool(state.strategy_stack)


def get_replica_context() -> Any:
    """tf.distribute.get_replica_context(): the current ReplicaContext; None in cross-replica context."""
    if state.replica:
        return state.replica[-1]
    if state.strategy_stack:
        return None
    return ReplicaContext(_default(), None)


def _is_varying(x: Any, axis: str) -> bool:
    t = jax.typeof(x)
    mat = getattr(t, "manual_axis_type", None)
    varying = getattr(mat, "varying", None)
    if varying is None:
        varying = getattr(t, "vma", frozenset())
    return axis in varying


def _varying(x: Any, axis: str) -> Any:
    return x if _is_varying(x, axis) else jax.lax.pcast(x, axis, to="varying")


def _tree(x: Any) -> tuple:
    return jax.tree_util.tree_flatten(
        x, is_leaf=lambda v: isinstance(v, Tensor) or bool(getattr(v, "_tfshim_variable", False))
    )


class ReplicaContext:
    """tf.distribute.ReplicaContext: what a function run by ``strategy.run`` sees of its replica.

    Inside a multi-replica ``strategy.run`` the function is traced once as an SPMD program over the
    mesh axis ``axis``; collectives are JAX's ``psum``/``pmean``/``all_gather`` on that axis.
    """

    def __init__(self, strategy: Any, axis: str | None, replica_id: int = 0):
        self._strategy = strategy
        self._axis = axis
        self._replica_id = replica_id

    @property
    def strategy(self) -> Any:
        return self._strategy

    @property
    def num_replicas_in_sync(self) -> int:
        return self._strategy.num_replicas_in_sync

    @property
    def replica_id_in_sync_group(self) -> Tensor:
        if self._axis is None:
            return wrap(jnp.asarray(self._replica_id, jnp.int32))
        return wrap(jax.lax.axis_index(self._axis).astype(jnp.int32))

    @property
    def devices(self) -> tuple:
        return tuple(self._strategy.extended.worker_devices)

    def make_varying(self, x: Any) -> Any:
        """A value inside strategy.run made replica-varying (gradients w.r.t. it then stay per replica)."""
        return x if self._axis is None else _varying(x, self._axis)

    def _values(self, value: Any, fn: str) -> tuple:
        flat, tree = _tree(value)
        return [convert_to_tensor(v).array for v in flat], tree

    def all_reduce(self, reduce_op_: Any, value: Any, options: Any = None) -> Any:
        """ReplicaContext.all_reduce(SUM|MEAN, value): every replica gets the reduction (a nest of tensors)."""
        op = reduce_op(reduce_op_, "ReplicaContext.all_reduce")
        vals, tree = self._values(value, "all_reduce")
        out = [self._all_reduce_one(op, v) for v in vals]
        return jax.tree_util.tree_unflatten(tree, [wrap(v) for v in out])

    def _all_reduce_one(self, op: ReduceOp, v: Any) -> Any:
        if self._axis is None:
            return v
        if op is ReduceOp.SUM:
            return jax.lax.psum(v, self._axis)
        if jnp.issubdtype(v.dtype, jnp.integer):
            return (jax.lax.psum(v, self._axis) // self.num_replicas_in_sync).astype(v.dtype)
        return jax.lax.pmean(v, self._axis)

    def all_gather(self, value: Any, axis: int, options: Any = None) -> Any:
        """ReplicaContext.all_gather(value, axis): the replicas' values concatenated along ``axis``."""
        vals, tree = self._values(value, "all_gather")
        if self._axis is None:
            return jax.tree_util.tree_unflatten(tree, [wrap(v) for v in vals])
        out = [jax.lax.all_gather(v, self._axis, axis=axis, tiled=True) for v in vals]
        return jax.tree_util.tree_unflatten(tree, [wrap(v) for v in out])

    def merge_call(self, merge_fn: Any, args: tuple = (), kwargs: Any = None) -> Any:
        """ReplicaContext.merge_call(merge_fn, args): call ``merge_fn(strategy, *args)``.

        Difference from TF: the replicas run as one SPMD program, so ``merge_fn`` sees this replica's
        values (use ``all_reduce`` inside it to combine them), not PerReplica values.
        """
        return merge_fn(self._strategy, *args, **(kwargs or {}))

    def aggregate_gradients(self, grads: list) -> list:
        """Sum gradients (jax arrays) over the replicas, as a Keras optimizer does in replica context."""
        if self._axis is None:
            return grads
        return [jax.lax.psum(g, self._axis) for g in grads]
