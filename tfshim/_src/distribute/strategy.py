"""tf.distribute strategies on jax.sharding: the default strategy, OneDeviceStrategy, MirroredStrategy.

A strategy owns a one-axis device mesh (axis ``"replica"``). Variables created in its scope are
replicated over the mesh (``NamedSharding(mesh, P())``); distributed batches are split over it
(``P("replica")``); ``strategy.run`` traces the step once as an SPMD program (``shard_map``).
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from typing import Any, Callable, Iterator

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

from ..core import state
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor, wrap
from . import context as _context
from .context import ReplicaContext
from .spmd import run_spmd
from .values import PerReplica, RaggedPerReplica, ReduceOp, reduce_op

AXIS = "replica"


class StrategyExtended:
    """tf.distribute.StrategyExtended: device lists of a strategy."""

    def __init__(self, strategy: Strategy):
        self._strategy = strategy

    @property
    def worker_devices(self) -> tuple:
        from ..core.device import tf_name

        return tuple(tf_name(d) for d in self._strategy._local_devices)

    @property
    def parameter_devices(self) -> tuple:
        return self.worker_devices

    @property
    def experimental_between_graph(self) -> bool:
        return False

    @property
    def experimental_should_init(self) -> bool:
        return True

    @property
    def should_checkpoint(self) -> bool:
        return True

    @property
    def should_save_summary(self) -> bool:
        return True

    def reduce_to(self, reduce_op_: Any, value: Any, destinations: Any = None, options: Any = None) -> Any:
        return self._strategy.reduce(reduce_op_, value, axis=None)


class Strategy:
    """tf.distribute.Strategy: run computation on several devices (base of every strategy)."""

    def __init__(self, devices: list | None, name: str):
        self._name = name
        self._devices = devices  # None: the default strategy (no placement)
        self.extended = StrategyExtended(self)
        self._eager_fns: OrderedDict = OrderedDict()  # step function -> its cached tf.function
        self._spmd_vars: dict = {}
        if devices:
            self._mesh = Mesh(np.array(devices), (AXIS,))
            self._replicated = NamedSharding(self._mesh, P())
            self._split = NamedSharding(self._mesh, P(AXIS))

    # -- basic properties ------------------------------------------------------------------
    @property
    def num_replicas_in_sync(self) -> int:
        """The number of replicas (devices) that run each step."""
        return len(self._devices) if self._devices else 1

    @property
    def _local_devices(self) -> list:
        if not self._devices:
            return [jax.devices()[0]]
        pid = jax.process_index()
        return [d for d in self._devices if d.process_index == pid]

    @property
    def _num_local(self) -> int:
        return len(self._local_devices)

    @property
    def cluster_resolver(self) -> Any:
        return None

    # -- scope ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def scope(self) -> Iterator[Strategy]:
        """strategy.scope(): variables created inside are replicated over the strategy's devices."""
        if state.strategy_stack and state.strategy_stack[-1] is not self:
            raise RuntimeError(
                f"Mixing different tf.distribute.Strategy objects: {self!r} is not {state.strategy_stack[-1]!r}"
            )
        if state.replica and state.replica[-1].strategy is not self:
            raise RuntimeError(
                f"Mixing different tf.distribute.Strategy objects: {self!r} is not {state.replica[-1].strategy!r}"
            )
        state.strategy_stack.append(self)
        try:
            yield self
        finally:
            state.strategy_stack.pop()

    def _place_variable(self, var: Any) -> None:
        """Replicate a new variable over the mesh (called by tf.Variable inside the scope)."""
        if not self._devices or isinstance(var.array, jax.core.Tracer):
            return
        var.write_array(self._replicate(var.array))
        var._sharding = self._replicated

    def _replicate(self, value: Any) -> Any:
        if jax.process_count() > 1:
            from jax.experimental import multihost_utils

            host = np.asarray(multihost_utils.broadcast_one_to_all(np.asarray(value)))
            return jax.make_array_from_callback(host.shape, self._replicated, lambda idx: host[idx])
        return jax.device_put(value, self._replicated)

    # -- placing batches -----------------------------------------------------------------------
    def _shard_batch(self, value: Any) -> Any:
        """A global batch (numpy or jax) laid out over the mesh, split along axis 0 when it divides."""
        if not self._devices:
            return value
        v = value.array if isinstance(value, Tensor) else value
        if isinstance(v, jax.core.Tracer):
            return v
        shape = tuple(np.shape(v))
        n = self.num_replicas_in_sync
        sharding = self._split if shape and shape[0] % n == 0 else self._replicated
        if jax.process_count() > 1:
            host = np.asarray(v)
            return jax.make_array_from_callback(shape, sharding, lambda idx: host[idx])
        return jax.device_put(v, sharding)

    def _distribute_value(self, value: Any) -> Any:
        """One leaf of a global batch as a PerReplica value (TF's split: chunks of ceil(n / replicas))."""
        t = value if isinstance(value, Tensor) else convert_to_tensor(value)
        n = self.num_replicas_in_sync
        if t.shape.rank == 0:
            raise ValueError(
                "strategy.experimental_distribute_dataset: the dataset must be batched (elements of rank >= 1) "
                f"so each global batch can be split over {n} replicas; got a scalar element {t!r}."
            )
        if n == 1:
            return wrap(jax.device_put(t.array, self._local_devices[0])) if self._devices else t
        rows = t.array.shape[0]
        if rows % n != 0:
            return RaggedPerReplica(self, t)
        return PerReplica(self, wrap(self._shard_batch(t.array)), stacked=False)

    # -- datasets --------------------------------------------------------------------------------
    def experimental_distribute_dataset(self, dataset: Any, options: Any = None) -> Any:
        """strategy.experimental_distribute_dataset(ds): each global batch split across the replicas."""
        from .input import DistributedDataset

        return DistributedDataset(self, dataset)

    def distribute_datasets_from_function(self, dataset_fn: Callable, options: Any = None) -> Any:
        """strategy.distribute_datasets_from_function(fn): ``fn(InputContext)`` yields per-replica batches."""
        from .input import DistributedDatasetFromFunction

        return DistributedDatasetFromFunction(self, dataset_fn)

    experimental_distribute_datasets_from_function = distribute_datasets_from_function

    def experimental_distribute_values_from_function(self, value_fn: Callable) -> Any:
        """strategy.experimental_distribute_values_from_function(fn): ``fn(ValueContext)`` per replica."""
        from .input import ValueContext

        n = self.num_replicas_in_sync
        vals = [convert_to_tensor(value_fn(ValueContext(i, n))) for i in range(n)]
        if n == 1:
            return vals[0]
        shapes = {tuple(v.shape) for v in vals}
        if len(shapes) != 1:
            raise ValueError(
                "experimental_distribute_values_from_function: every replica's value must have the same shape, "
                f"got {sorted(shapes)}."
            )
        stacked = jnp.stack([v.array for v in vals])
        return PerReplica(self, wrap(self._shard_batch(stacked)), stacked=True)

    # -- running ---------------------------------------------------------------------------------
    def run(self, fn: Callable, args: Any = (), kwargs: Any = None, options: Any = None) -> Any:
        """strategy.run(fn, args): run ``fn`` on every replica; returns PerReplica values.

        With several replicas ``fn`` is traced once into one SPMD program (``shard_map`` under
        ``jax.jit``): as inside tf.function, its Python side effects run when it is traced, not once
        per replica per call.
        """
        kwargs = kwargs or {}
        if not callable(fn):
            raise TypeError(f"strategy.run: fn must be callable, got {fn!r}.")
        if state.tracing:  # inside tf.function TF converts the replica function with AutoGraph
            from ..autograph.conversion import convert

            fn = convert(fn)
        if self.num_replicas_in_sync == 1:
            return self._run_single(fn, args, kwargs)

        return run_spmd(self, fn, tuple(args), dict(kwargs))

    def _run_single(self, fn: Callable, args: Any, kwargs: dict) -> Any:
        from ..core.device import device as device_ctx
        from ..core.device import tf_name

        ctx = ReplicaContext(self, None)
        state.replica.append(ctx)
        try:
            if self._devices:
                with device_ctx(tf_name(self._devices[0])):
                    return fn(*args, **kwargs)
            return fn(*args, **kwargs)
        finally:
            state.replica.pop()

    def reduce(self, reduce_op_: Any, value: Any, axis: Any = None) -> Any:
        """strategy.reduce(SUM|MEAN, value, axis): combine the replicas' values (and ``axis`` of each)."""
        op = reduce_op(reduce_op_, "strategy.reduce")
        flat, tree = jax.tree_util.tree_flatten(value, is_leaf=_is_dist_leaf)
        out = [self._reduce_one(op, v, axis) for v in flat]
        return jax.tree_util.tree_unflatten(tree, out)

    def _reduce_one(self, op: ReduceOp, v: Any, axis: Any) -> Tensor:
        if isinstance(v, RaggedPerReplica):
            pieces = [p.array for p in v.values]
            if axis is None:
                total = sum(pieces[1:], pieces[0])
                return wrap(total / len(pieces) if op is ReduceOp.MEAN else total)
            return _reduce_axis(op, jnp.concatenate(pieces, axis=0), axis)
        if isinstance(v, PerReplica):
            if v._strategy is not self:
                raise ValueError("strategy.reduce: the value was produced by another tf.distribute strategy.")
            g = v._t.array
            n = self.num_replicas_in_sync
            if not v._stacked:
                g = g.reshape((n, g.shape[0] // n) + g.shape[1:])
            if axis is None:
                s = jnp.sum(g, axis=0)
                if op is ReduceOp.MEAN:
                    s = s / n if jnp.issubdtype(s.dtype, jnp.inexact) else (s // n).astype(s.dtype)
                return wrap(s)
            ax = axis + 1 if axis >= 0 else g.ndim + axis
            merged = jnp.moveaxis(g, ax, 1)
            merged = merged.reshape((-1,) + merged.shape[2:])
            return _reduce_axis(op, merged, 0)
        t = v if isinstance(v, Tensor) else convert_to_tensor(v)
        if self.num_replicas_in_sync > 1 and op is ReduceOp.SUM:
            raise ValueError(
                f"A non-DistributedValues value {t} cannot be reduced with the given reduce op {op}."
            )
        if axis is None:
            return t
        return _reduce_axis(op, t.array, axis)

    def gather(self, value: Any, axis: int) -> Any:
        """strategy.gather(value, axis): the replicas' values concatenated along ``axis``."""
        flat, tree = jax.tree_util.tree_flatten(value, is_leaf=_is_dist_leaf)
        out = []
        for v in flat:
            if isinstance(v, (PerReplica, RaggedPerReplica)):
                out.append(wrap(jnp.concatenate([p.array for p in v.values], axis=axis)))
            else:
                out.append(convert_to_tensor(v))
        return jax.tree_util.tree_unflatten(tree, out)

    def experimental_local_results(self, value: Any) -> tuple:
        """strategy.experimental_local_results(v): the per-replica components on this worker."""
        if isinstance(value, (PerReplica, RaggedPerReplica)):
            return value.values
        flat, tree = jax.tree_util.tree_flatten(value, is_leaf=_is_dist_leaf)
        if any(isinstance(v, (PerReplica, RaggedPerReplica)) for v in flat):
            per = [v.values if isinstance(v, (PerReplica, RaggedPerReplica)) else (v,) * self._num_local
                   for v in flat]
            return tuple(jax.tree_util.tree_unflatten(tree, [p[i] for p in per]) for i in range(self._num_local))
        return (value,)

    def __repr__(self) -> str:
        return f"<tfshim.distribute.{self._name} object, {self.num_replicas_in_sync} replica(s)>"


def _is_dist_leaf(v: Any) -> bool:
    return isinstance(v, (Tensor, PerReplica, RaggedPerReplica)) or bool(getattr(v, "_tfshim_variable", False))


def _reduce_axis(op: ReduceOp, g: Any, axis: int) -> Tensor:
    s = jnp.sum(g, axis=axis)
    if op is ReduceOp.MEAN:
        cnt = g.shape[axis]
        s = s / cnt if jnp.issubdtype(s.dtype, jnp.inexact) else (s // cnt).astype(s.dtype)
    return wrap(s)


class _DefaultStrategy(Strategy):
    """The strategy in effect when no other is: one replica on the default device, no placement."""

    def __init__(self) -> None:
        super().__init__(None, "DefaultStrategy")

    @contextlib.contextmanager
    def scope(self) -> Iterator[Strategy]:
        yield self


_DEFAULT: list = []


def default_strategy() -> Strategy:
    if not _DEFAULT:
        _DEFAULT.append(_DefaultStrategy())
    return _DEFAULT[0]


_context._default_factory.append(default_strategy)


def _resolve_devices(devices: Any, fn: str) -> list:
    from ..core.device import resolve

    if isinstance(devices, str):
        devices = [devices]
    out = []
    for d in devices:
        name = d if isinstance(d, str) else getattr(d, "name", d)
        jd = resolve(name)
        if jd in out:
            raise ValueError(f"{fn}: the device {name!r} is listed twice (or is not present and fell back to "
                             f"CPU:0 twice); got devices={list(devices)!r}.")
        out.append(jd)
    if not out:
        raise ValueError(f"{fn}: devices must not be empty; pass None to use every local device.")
    return out


class OneDeviceStrategy(Strategy):
    """tf.distribute.OneDeviceStrategy(device): everything placed on one device, one replica."""

    def __init__(self, device: Any):
        super().__init__(_resolve_devices([device], "OneDeviceStrategy"), "OneDeviceStrategy")

    def _place_variable(self, var: Any) -> None:
        if not isinstance(var.array, jax.core.Tracer):
            var.write_array(jax.device_put(var.array, self._devices[0]))


class MirroredStrategy(Strategy):
    """tf.distribute.MirroredStrategy(devices=None): synchronous data parallelism over local devices.

    Differences from TF: ``devices=None`` means every local device of JAX's default backend (all
    GPUs, else every CPU device, including ones simulated with
    ``XLA_FLAGS=--xla_force_host_platform_device_count=N``); ``cross_device_ops`` is accepted and
    ignored (XLA picks the collectives).
    """

    def __init__(self, devices: Any = None, cross_device_ops: Any = None):
        if devices is None:
            devs = list(jax.local_devices())
        else:
            devs = _resolve_devices(devices, "MirroredStrategy")
        super().__init__(devs, "MirroredStrategy")


class CrossDeviceOps:
    """tf.distribute.CrossDeviceOps: accepted by MirroredStrategy and ignored (XLA picks the collectives)."""

    def __init__(self, *args: Any, **kwargs: Any):
        self._args, self._kwargs = args, kwargs


class ReductionToOneDevice(CrossDeviceOps):
    """tf.distribute.ReductionToOneDevice (accepted; XLA picks the collectives)."""


class HierarchicalCopyAllReduce(CrossDeviceOps):
    """tf.distribute.HierarchicalCopyAllReduce (accepted; XLA picks the collectives)."""


class NcclAllReduce(CrossDeviceOps):
    """tf.distribute.NcclAllReduce (accepted; XLA picks the collectives)."""


class RunOptions:
    """tf.distribute.RunOptions (accepted by ``strategy.run``; no option changes tfshim's SPMD program)."""

    def __init__(self, experimental_enable_dynamic_batch_size: bool = True,
                 experimental_bucketizing_dynamic_shape: bool = False, experimental_xla_options: Any = None):
        self.experimental_enable_dynamic_batch_size = experimental_enable_dynamic_batch_size
        self.experimental_bucketizing_dynamic_shape = experimental_bucketizing_dynamic_shape
        self.experimental_xla_options = experimental_xla_options


_SET: list = []


def experimental_set_strategy(strategy: Any) -> None:
    """tf.distribute.experimental_set_strategy(s): enter ``s.scope()`` for the rest of this thread (None leaves it)."""
    while _SET:
        cm = _SET.pop()
        cm.__exit__(None, None, None)
    if strategy is not None:
        cm = strategy.scope()
        cm.__enter__()
        _SET.append(cm)
