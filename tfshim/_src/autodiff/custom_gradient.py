"""tf.custom_gradient and tf.recompute_grad.

A decorated call runs the user's forward eagerly once (recording paused, variables read inside
captured) and is recorded as ONE node on the recording tapes. The node's function is a
``jax.custom_vjp`` whose backward re-runs the forward on the traced inputs to rebuild
``grad_fn`` (so closures over forward intermediates work under jit and vmap) and calls it with
the upstream gradients. Under a JAX transformation (a tape's replay, tf.function), the decorated
function evaluates that custom_vjp directly, so nested custom gradients compose.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from ..core import state
from ..core.convert import convert_to_tensor
from ..core.record import record
from ..core.stateless import StatelessScope
from ..core.tensor import Tensor, wrap
from .tape import GradientTape


def _flat(x: Any) -> tuple[list, Any]:
    return jax.tree_util.tree_flatten(x, is_leaf=lambda v: isinstance(v, Tensor) or getattr(v, "_tfshim_variable", 0))


def _as_list(g: Any) -> list:
    if isinstance(g, (list, tuple)):
        return list(g)
    return [g]


def _zeros_cotangent(v: Any) -> Any:
    if jnp.issubdtype(v.dtype, jnp.floating) or jnp.issubdtype(v.dtype, jnp.complexfloating):
        return jnp.zeros(v.shape, v.dtype)
    return np.zeros(v.shape, dtype=jax.dtypes.float0)


def _cotangent(g: Any, like: Any) -> Any:
    if g is None:
        return _zeros_cotangent(like)
    if not (jnp.issubdtype(like.dtype, jnp.floating) or jnp.issubdtype(like.dtype, jnp.complexfloating)):
        return _zeros_cotangent(like)
    v = convert_to_tensor(g).array
    return jnp.broadcast_to(v.astype(like.dtype), like.shape)


def _make_vjp_fn(f: Callable, n_args: int, variables: tuple, kwargs: dict, out_tree: Any) -> Callable:
    """The custom_vjp function of one decorated call: values of (args..., variables...) -> outputs."""

    def run_forward(vals: tuple) -> tuple:
        arg_vals, var_vals = vals[:n_args], vals[n_args:]
        state.replaying.append(True)
        try:
            with StatelessScope(variables, var_vals, lift=False):
                y, grad_fn = f(*[wrap(v) for v in arg_vals], **kwargs)
        finally:
            state.replaying.pop()
        ys, _ = _flat(y)
        return tuple(convert_to_tensor(t).array for t in ys), grad_fn

    @jax.custom_vjp
    def fn(*vals: Any) -> tuple:
        return run_forward(vals)[0]

    def fwd(*vals: Any) -> tuple:
        return run_forward(vals)[0], vals

    def bwd(vals: tuple, cts: tuple) -> tuple:
        arg_vals, var_vals = vals[:n_args], vals[n_args:]
        _, grad_fn = run_forward(vals)
        upstream = [wrap(c) for c in cts]
        state.replaying.append(True)
        try:
            with StatelessScope(variables, var_vals, lift=False):
                if variables:
                    res = grad_fn(*upstream, variables=list(variables))
                    if not (isinstance(res, (list, tuple)) and len(res) == 2):
                        raise TypeError(
                            "tf.custom_gradient: a function that reads variables must have grad_fn(upstream, "
                            "variables=...) return (input_grads, variable_grads)."
                        )
                    in_g, var_g = _as_list(res[0]), _as_list(res[1])
                else:
                    in_g, var_g = _as_list(grad_fn(*upstream)), []
        finally:
            state.replaying.pop()
        if len(in_g) != n_args:
            raise ValueError(
                f"tf.custom_gradient: grad_fn returned {len(in_g)} gradients for {n_args} inputs; return one "
                "gradient (or None) per positional input."
            )
        if len(var_g) != len(variables):
            raise ValueError(
                f"tf.custom_gradient: grad_fn returned {len(var_g)} variable gradients for {len(variables)} variables."
            )
        return tuple(_cotangent(g, v) for g, v in zip(in_g + var_g, arg_vals + var_vals))

    fn.defvjp(fwd, bwd)
    fn.__name__ = getattr(f, "__name__", "custom_gradient")
    return fn


def custom_gradient(f: Callable | None = None) -> Callable:
    """tf.custom_gradient: decorate ``f(*x) -> (y, grad_fn)`` to define the gradient of ``y``.

    ``grad_fn(*upstream)`` returns one gradient (or None) per positional input; if ``f`` reads
    variables, ``grad_fn(*upstream, variables=...)`` returns ``(input_grads, variable_grads)``.
    Difference from TF: the backward pass re-runs ``f`` on the inputs to rebuild ``grad_fn``.
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args: Any, **kwargs: Any) -> Any:
        tensors = [a if isinstance(a, Tensor) else convert_to_tensor(a) for a in args]
        if any(isinstance(t.array, jax.core.Tracer) for t in tensors) or state.replaying:
            return _traced_call(f, tensors, kwargs)
        return _eager_call(f, tensors, kwargs)

    return decorated


def _eager_call(f: Callable, tensors: list, kwargs: dict) -> Any:
    outer = list(state.recording_tapes)
    capture = GradientTape(watch_accessed_variables=True)
    # Run the forward with only a capture tape recording: the inner ops are not recorded on the
    # user's tapes (the call is one node), but the variables it reads are found.
    state.recording_tapes[:] = [capture]
    capture._recording = True
    try:
        y, grad_fn = f(*tensors, **kwargs)
    finally:
        state.recording_tapes[:] = outer
        capture._recording = False
    if not callable(grad_fn):
        raise TypeError("tf.custom_gradient: the decorated function must return (outputs, grad_fn).")
    variables = capture.watched_variables()
    ys, out_tree = _flat(y)
    ys = [convert_to_tensor(t) for t in ys]
    if outer or state.accumulators:
        var_reads = [v.read_value() for v in variables]
        fn = _make_vjp_fn(f, len(tensors), tuple(variables), kwargs, out_tree)
        record(fn, tuple(tensors) + tuple(var_reads), tuple(ys))
    return jax.tree_util.tree_unflatten(out_tree, ys)


def _traced_call(f: Callable, tensors: list, kwargs: dict) -> Any:
    # Inside a replay/trace: find variables by a dry run, then evaluate the custom_vjp.
    capture = GradientTape(watch_accessed_variables=True)
    outer = list(state.recording_tapes)
    state.recording_tapes[:] = [capture]
    capture._recording = True
    saved = list(state.replaying)
    state.replaying[:] = []
    try:
        y, _ = f(*tensors, **kwargs)
    finally:
        state.recording_tapes[:] = outer
        state.replaying[:] = saved
        capture._recording = False
    variables = capture.watched_variables()
    _, out_tree = _flat(y)
    fn = _make_vjp_fn(f, len(tensors), tuple(variables), kwargs, out_tree)
    outs = fn(*[t.array for t in tensors], *[v.array for v in variables])
    return jax.tree_util.tree_unflatten(out_tree, [wrap(o) for o in outs])


def recompute_grad(f: Callable) -> Callable:
    """tf.recompute_grad: same values and gradients as ``f``; intermediate activations are recomputed
    in the backward pass (via ``jax.checkpoint`` when traced; eagerly this is simply ``f``)."""

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return f(*args, **kwargs)

    return wrapped
