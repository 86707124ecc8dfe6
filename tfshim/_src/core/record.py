"""The recorder: how an executed op reaches the active tapes and forward accumulators.

The core does not know what a tape is. Anything on the per-thread ``state.recording_tapes`` /
``state.accumulators`` stacks is an object with these methods, which the recorder calls:

- ``_record(fn, inputs, outputs, node) -> node``: an op ``fn`` ran on Tensors ``inputs`` giving the
  tuple ``outputs``. ``node`` is the ``Node`` a previous tape made for this op (or None); a tape that
  keeps the op returns the node it used, so several tapes share one.
- ``_on_variable_read(var, tensor)``: ``tensor`` is a fresh read of Variable ``var``.
- ``_on_variable_assign(var, tensor)`` (accumulators only): ``var`` now holds ``tensor``.

GradientTape (``autodiff/tape.py``), the control-flow capture tape and ForwardAccumulator
(``autodiff/forward.py``) implement them. Nothing records while ``state.replaying`` is non-empty
(tfshim is replaying recorded ops under a JAX transformation).
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from . import state
from .tensor import Tensor

# How many forward accumulators are active, in all threads: the hot paths look at the per-thread
# ``state.accumulators`` only while this is non-zero (almost no program uses forward mode).
ACCUMULATING = [0]
_COUNT_LOCK = threading.Lock()


def push_accumulator(acc: Any) -> None:
    """Activate a forward accumulator in this thread (ForwardAccumulator.__enter__)."""
    with _COUNT_LOCK:
        ACCUMULATING[0] += 1
    state.accumulators.append(acc)


def pop_accumulator(acc: Any) -> None:
    """Deactivate a forward accumulator (ForwardAccumulator.__exit__)."""
    if acc in state.accumulators:
        state.accumulators.remove(acc)
        with _COUNT_LOCK:
            ACCUMULATING[0] -= 1


class Node:
    """One recorded op: the (jitted) function, its input Tensors and its output Tensors."""

    __slots__ = ("fn", "inputs", "outputs")

    def __init__(self, fn: Callable, inputs: tuple, outputs: tuple):
        self.fn = fn
        self.inputs = inputs
        self.outputs = outputs


def trackable(t: Tensor) -> bool:
    """Whether a tape tracks ``t`` (floating/complex only: integers carry no gradient, as in TF)."""
    k = t.array.dtype.kind
    return k == "f" or k == "c" or t.array.dtype.name == "bfloat16"


# Kernels of ops TF registers no gradient for (tf.floor, tf.round, tf.stop_gradient, ...): never recorded, so a
# gradient through them is None (unconnected), not zeros. Filled by ``dispatch.not_differentiable``.
NOT_DIFFERENTIABLE: set = set()


def record(fn: Callable, inputs: tuple, outputs: Any) -> None:
    """Record one executed op on every recording tape and forward accumulator."""
    if state.replaying or fn in NOT_DIFFERENTIABLE:
        return
    outs = outputs if type(outputs) is tuple else (outputs,)
    node = None
    for tape in state.recording_tapes:
        node = tape._record(fn, inputs, outs, node)
    for acc in state.accumulators:
        acc._record(fn, inputs, outs, None)


def on_variable_read(var: Any, t: Tensor) -> None:
    """Called by Variable reads: each tape/accumulator decides whether it watches ``var``."""
    if state.replaying:
        return
    for tape in state.recording_tapes:
        tape._on_variable_read(var, t)
    for acc in state.accumulators:
        acc._on_variable_read(var, t)


def on_variable_assign(var: Any, t: Tensor) -> None:
    """Called by Variable writes outside a stateless scope."""
    for acc in state.accumulators:
        acc._on_variable_assign(var, t)


def is_variable(x: Any) -> bool:
    """Whether ``x`` is a tf.Variable (duck-typed: distributed values count too)."""
    return getattr(x, "_tfshim_variable", False)
