"""Per-thread mutable state shared by dispatch, tapes, tf.function and devices.

As in TF, tapes, device scopes and tracing are thread-local: a GradientTape opened in one thread
never records the ops of another (for example a tf.data prefetch thread). This module object is
replaced by a ``threading.local`` instance, so ``state.recording_tapes`` is one attribute lookup
that yields the calling thread's list. Lists are mutated in place (never rebound) and tested with a
plain truth check on the hot path.
"""

from __future__ import annotations

import sys
import threading


class _ThreadState(threading.local):
    """The state of one thread (each thread gets fresh empty lists on first use)."""

    def __init__(self) -> None:
        # Tapes currently recording (innermost last). Dispatch records onto each of them.
        self.recording_tapes: list = []
        # Forward-mode accumulators currently active (tf.autodiff.ForwardAccumulator).
        self.accumulators: list = []
        # Stack of jax devices from `tf.device(...)` contexts; empty means JAX's default device.
        self.device_stack: list = []
        # Non-empty while tfshim replays recorded ops under a JAX transformation: nothing records then.
        self.replaying: list = []
        # Non-empty while tf.function traces a Python function (tf.executing_eagerly() is False then).
        self.tracing: list = []
        # Capturing tapes of control-flow ops (they see every op, like a watching tape).
        self.capturing: list = []
        # tf.distribute: strategies whose scope is entered (innermost last).
        self.strategy_stack: list = []
        # Replica contexts of strategy.run bodies being traced (innermost last).
        self.replica: list = []
        # Ids of the variables swapped into the innermost strategy.run body (others must be lifted).
        self.spmd_vars: list = []


_state = _ThreadState()
_state.__doc__ = __doc__
sys.modules[__name__] = _state  # type: ignore[assignment]
