"""strategy.run with several replicas: one SPMD program (``shard_map`` over the strategy's mesh).

The step function is traced once per call signature. Distributed arguments enter split over the
mesh axis, other tensors replicated. Every variable the step reads or assigns is found as
tf.function finds them (a read of a variable not yet swapped in aborts the trace, the variable is
added, the trace restarts) and enters as a replicated input; the variables the step changed leave
as replicated outputs. A change that differs between replicas is combined with the variable's
aggregation (SUM: the replicas' deltas are summed; MEAN: averaged; ONLY_FIRST_REPLICA: replica
0's value), as TF's MirroredVariables and SyncOnRead variables do.

Called eagerly, ``strategy.run`` compiles through a cached tf.function of the step (one per step
function), so a training loop traces once. If the step creates variables (a Keras optimizer's
slots on its first ``apply_gradients``), one building pass runs the step eagerly on replica 0's
inputs and then every variable that existed is put back, so the creation has no other effect.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable

import jax
import jax.numpy as jnp
from jax.sharding import PartitionSpec as P

from ..core import state
from ..core.record import is_variable as _is_var
from ..core.stateless import CreatedVariable, LiftVariable, StatelessScope
from ..core.tensor import Tensor, wrap
from ..core.variable import _creation_hooks, live_variables
from ..staging.function import Function
from .context import ReplicaContext, _is_varying, _varying
from .values import PerReplica, RaggedPerReplica, aggregation_name

_EAGER_CACHE = 64


def _leaf(x: Any) -> bool:
    return isinstance(x, (Tensor, PerReplica)) or bool(_is_var(x))


def run_spmd(strategy: Any, fn: Callable, args: tuple, kwargs: dict) -> Any:
    flat = jax.tree_util.tree_leaves((args, kwargs), is_leaf=_leaf)
    if any(isinstance(x, RaggedPerReplica) for x in flat):
        raise ValueError(
            f"strategy.run: this global batch has a number of rows that does not divide evenly over the "
            f"{strategy.num_replicas_in_sync} replicas, which tfshim's SPMD strategy.run cannot run yet. Batch "
            "with drop_remainder=True, or pick a global batch size (and dataset size) divisible by "
            "strategy.num_replicas_in_sync."
        )
    if state.tracing:
        return _traced(strategy, fn, args, kwargs)
    return _eager(strategy, fn, args, kwargs)


def _eager(strategy: Any, fn: Callable, args: tuple, kwargs: dict) -> Any:
    """An eager strategy.run: a cached tf.function of the step (traced once per signature)."""
    cache: OrderedDict = strategy._eager_fns
    try:
        f = cache.get(fn)
    except TypeError:  # an unhashable callable
        f = None
    if f is None:
        def step(*a: Any, **k: Any) -> Any:
            return _traced(strategy, fn, a, k)

        step.__name__ = getattr(fn, "__name__", "step")
        f = Function(step)
        try:
            cache[fn] = f
            while len(cache) > _EAGER_CACHE:
                cache.popitem(last=False)
        except TypeError:
            pass
    else:
        cache.move_to_end(fn)
    return f(*args, **kwargs)


def _traced(strategy: Any, fn: Callable, args: tuple, kwargs: dict) -> Any:
    """strategy.run while tracing (inside tf.function, or the eager path's own trace): one shard_map."""
    flat, tree = jax.tree_util.tree_flatten((args, kwargs), is_leaf=_leaf)
    kinds, in_vals = [], []
    for x in flat:
        if isinstance(x, PerReplica):
            if x._strategy is not strategy:
                raise ValueError("strategy.run: an argument was distributed by a different tf.distribute strategy.")
            kinds.append("stacked" if x._stacked else "split")
            in_vals.append(x._t.array)
        elif isinstance(x, Tensor):
            kinds.append("tensor")
            in_vals.append(x.array)
        else:
            kinds.append(None)
    in_specs = [P(strategy._mesh.axis_names[0]) if k in ("stacked", "split") else P() for k in kinds if k]
    try:
        known = strategy._spmd_vars.setdefault(fn, [])
        while len(strategy._spmd_vars) > _EAGER_CACHE:  # bounded: a new lambda per call must not pile up
            strategy._spmd_vars.pop(next(iter(strategy._spmd_vars)))
    except TypeError:
        known = []
    while True:
        variables = list(known)
        outer_vals = [v._read().array for v in variables]  # lifts them into an enclosing tf.function
        info: dict = {}
        body = _body(strategy, fn, variables, flat, kinds, tree, info)
        sm = jax.shard_map(
            body, mesh=strategy._mesh, in_specs=(P(), tuple(in_specs)), out_specs=(P(), P(strategy._mesh.axis_names[0]))
        )
        if not state.tracing:  # the eager first call after a building pass: compile it too
            sm = jax.jit(sm)
        try:
            new_vals, outs = sm(outer_vals, tuple(v for v in in_vals))
        except LiftVariable as e:
            if any(e.var is v for v in variables):
                raise
            known.append(e.var)
            continue
        except (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError,
                jax.errors.TracerIntegerConversionError, jax.errors.TracerArrayConversionError) as e:
            if state.tracing:
                raise  # an enclosing tf.function reports it (and may run eagerly)
            raise TypeError(
                "strategy.run: the step function uses Python control flow or a conversion on a tensor value "
                f"({type(e).__name__}); with several replicas tfshim compiles the step into one SPMD program, "
                "which cannot branch on values in Python. Use tf.cond / tf.while_loop (or tf.where) instead."
            ) from None
        except CreatedVariable:
            if state.tracing or getattr(strategy, "_building", False):
                raise  # the enclosing tf.function runs its first call eagerly, which comes back here
            _build_pass(strategy, fn, flat, kinds, tree)
            continue
        break
    for j, nv in zip(info["changed"], new_vals):
        variables[j].write_array(nv)
    it = iter(outs)
    leaves = [PerReplica(strategy, wrap(next(it)), stacked=True) if t else s
              for t, s in zip(info["is_t"], info["static"])]
    return jax.tree_util.tree_unflatten(info["tree"], leaves)


def _body(strategy: Any, fn: Callable, variables: list, flat: list, kinds: list, tree: Any, info: dict) -> Callable:
    axis = strategy._mesh.axis_names[0]

    def body(var_vals: list, in_vals: tuple) -> tuple:
        ctx = ReplicaContext(strategy, axis)
        state.replica.append(ctx)
        state.tracing.append(True)
        saved_tapes = list(state.recording_tapes)
        state.recording_tapes[:] = []
        scope = StatelessScope(variables, var_vals)
        try:
            scope.__enter__()
            it = iter(in_vals)
            leaves = []
            for x, k in zip(flat, kinds):
                if k is None:
                    leaves.append(x)
                else:
                    val = next(it)
                    leaves.append(wrap(val[0] if k == "stacked" else val))
            a, kw = jax.tree_util.tree_unflatten(tree, leaves)
            with strategy.scope():
                result = fn(*a, **kw)
            out_flat, out_tree = jax.tree_util.tree_flatten(result, is_leaf=_leaf)
            is_t = [isinstance(o, Tensor) or _is_var(o) for o in out_flat]
            outs = [jnp.expand_dims(_varying(o.array, axis), 0) for o, t in zip(out_flat, is_t) if t]
            scope.__exit__()
            values, changed = scope.values(), scope.changed()
            new_vals = [_combine(variables[j], var_vals[j], values[j], ctx) for j in changed]
            info.update(tree=out_tree, is_t=is_t, static=[None if t else o for o, t in zip(out_flat, is_t)],
                        changed=changed)
            return new_vals, outs
        finally:
            if state.scopes and state.scopes[-1] is scope:
                scope.__exit__()
            state.recording_tapes[:] = saved_tapes
            state.tracing.pop()
            state.replica.pop()

    return body


def _combine(var: Any, old: Any, new: Any, ctx: ReplicaContext) -> Any:
    """The replicated new value of a variable the step assigned (TF's aggregation of replica updates)."""
    axis = ctx._axis
    agg = aggregation_name(var.aggregation)
    if agg == "sum":  # every replica's update counts, even when they are equal (SyncOnRead / SUM in TF)
        return (old + jax.lax.psum(_varying(new - old, axis), axis)).astype(old.dtype)
    if not _is_varying(new, axis):
        return new
    if agg == "none" and getattr(var, "_keras_name", None) is not None:
        agg = "mean"  # Keras weights (e.g. BatchNormalization's moving statistics): the replicas' mean
    if agg == "mean":
        delta = jax.lax.pmean((new - old).astype(jnp.result_type(new.dtype, jnp.float32)), axis)
        return (old + delta).astype(old.dtype)
    if agg == "only_first_replica":
        first = jax.lax.axis_index(axis) == 0
        return jax.lax.psum(jnp.where(first, new, jnp.zeros_like(new)), axis)
    if agg == "none":
        raise ValueError(
            f"strategy.run: the variable {var.name} was assigned a value that differs between replicas, but "
            "it has aggregation NONE. All-reduce the value first (tf.distribute.get_replica_context()."
            "all_reduce) or create the variable with aggregation=tf.VariableAggregation.SUM / MEAN / "
            "ONLY_FIRST_REPLICA."
        )
    return new


def _build_pass(strategy: Any, fn: Callable, flat: list, kinds: list, tree: Any) -> None:
    """Run the step once eagerly on replica 0's inputs so it creates its variables, then undo its updates."""
    before = {id(v): (v, v.array) for v in live_variables()}
    created: list = []

    def remember(v: Any) -> None:
        created.append((v, v.array))

    leaves = []
    for x, k in zip(flat, kinds):
        if k in ("stacked", "split"):  # replica 0's input, placed like the (replicated) variables
            leaves.append(wrap(jax.device_put(x.values[0].array, strategy._replicated)))
        else:
            leaves.append(x)
    a, kw = jax.tree_util.tree_unflatten(tree, leaves)
    saved_tracing = list(state.tracing)
    state.tracing[:] = []
    _creation_hooks.append(remember)
    strategy._building = True
    state.replica.append(ReplicaContext(strategy, None))
    try:
        with strategy.scope():
            fn(*a, **kw)
    finally:
        state.replica.pop()
        strategy._building = False
        _creation_hooks.remove(remember)
        state.tracing[:] = saved_tracing
        for v, val in before.values():
            v.write_array(val)
        for v, val in created:
            v.write_array(val)
