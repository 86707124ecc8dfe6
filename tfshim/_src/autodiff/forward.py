"""tf.autodiff.ForwardAccumulator: forward-mode autodiff (JVPs) via ``jax.jvp`` on each op."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core import errors, state
from ..core.convert import convert_to_tensor
from ..core.dispatch import inline
from ..core.record import pop_accumulator, push_accumulator
from ..core.tensor import Tensor, wrap
from .tape import UnconnectedGradients, _unconnected


def _flat(x: Any) -> tuple[list, Any]:
    return jax.tree_util.tree_flatten(x, is_leaf=lambda v: isinstance(v, Tensor) or getattr(v, "_tfshim_variable", 0))


def _differentiable(v: Any) -> bool:
    return jnp.issubdtype(v.dtype, jnp.floating) or jnp.issubdtype(v.dtype, jnp.complexfloating)


class ForwardAccumulator:
    """tf.autodiff.ForwardAccumulator(primals, tangents): computes JVPs of ops run inside it."""

    def __init__(self, primals: Any, tangents: Any):
        p_flat, p_tree = _flat(primals)
        t_flat, t_tree = _flat(tangents)
        if p_tree != t_tree and len(p_flat) != len(t_flat):
            raise ValueError("ForwardAccumulator: primals and tangents must have the same structure.")
        self._tangents: dict = {}  # id(tensor) -> (tensor, tangent jax value)
        self._var_tangents: dict = {}  # id(variable) -> (variable, tangent jax value)
        for p, t in zip(p_flat, t_flat):
            tv = convert_to_tensor(t).array
            if getattr(p, "_tfshim_variable", False):
                if tuple(tv.shape) != tuple(p.shape.as_list()):
                    raise ValueError(f"ForwardAccumulator: tangent shape {tv.shape} does not match primal {p.shape}.")
                self._var_tangents[id(p)] = (p, tv.astype(p.array.dtype))
            else:
                p = convert_to_tensor(p)
                if tv.shape != p.array.shape:
                    raise ValueError(
                        f"ForwardAccumulator: tangent shape {tv.shape} does not match primal shape {p.array.shape}."
                    )
                self._tangents[id(p)] = (p, tv.astype(p.array.dtype))
        self._active = False

    def __enter__(self) -> ForwardAccumulator:
        push_accumulator(self)
        self._active = True
        return self

    def __exit__(self, *exc: Any) -> None:
        pop_accumulator(self)
        self._active = False

    def jvp(self, primals: Any, unconnected_gradients: Any = UnconnectedGradients.NONE) -> Any:
        """The tangents of ``primals`` (None, or zeros with UnconnectedGradients.ZERO, when unknown)."""
        zero = _unconnected(unconnected_gradients) == "zero"
        flat, tree = _flat(primals)
        out = []
        for p in flat:
            if getattr(p, "_tfshim_variable", False):
                entry = self._var_tangents.get(id(p))
            else:
                entry = self._tangents.get(id(p))
            if entry is not None:
                out.append(wrap(entry[1]))
            elif zero:
                out.append(wrap(jnp.zeros(p.shape.as_list(), p.dtype._np)))
            else:
                out.append(None)
        return jax.tree_util.tree_unflatten(tree, out)

    # -- what the core's recorder calls ------------------------------------------------
    def _on_variable_read(self, var: Any, t: Tensor) -> None:
        entry = self._var_tangents.get(id(var))
        if entry is not None:
            self._tangents[id(t)] = (t, entry[1])

    def _on_variable_assign(self, var: Any, t: Tensor) -> None:
        self._var_tangents.pop(id(var), None)

    def _record(self, fn: Any, inputs: tuple, outs: tuple, node: Any) -> None:
        tan = self._tangents
        if not any(id(t) in tan for t in inputs):
            return
        primals = [t.array for t in inputs]
        tangents = [
            tan[id(t)][1]
            if id(t) in tan
            else (jnp.zeros_like(t.array) if _differentiable(t.array) else np.zeros(t.array.shape, jax.dtypes.float0))
            for t in inputs
        ]
        state.replaying.append(True)
        try:
            try:
                _, out_t = jax.jvp(fn, primals, tangents)
            except TypeError as e:
                if "custom_vjp" not in str(e) and "forward-mode" not in str(e):
                    raise
                # An op with a TF backward rule (a jax.custom_vjp): trace its impl again with the plain functions.
                state.forward_mode.append(True)
                try:
                    _, out_t = jax.jvp(inline(fn), primals, tangents)
                finally:
                    state.forward_mode.pop()
        except TypeError as e:
            if "custom_vjp" in str(e) or "forward-mode" in str(e):
                raise errors.UnimplementedError(
                    None,
                    None,
                    "tf.autodiff.ForwardAccumulator: this op has a tf.custom_gradient, which defines only a backward "
                    "gradient, so forward-mode differentiation of it is not available; use tf.GradientTape instead.",
                ) from None
            raise
        finally:
            state.replaying.pop()
        out_t = out_t if isinstance(out_t, (tuple, list)) else (out_t,)
        for o, ot in zip(outs, out_t):
            if _differentiable(o.array):
                tan[id(o)] = (o, ot)
