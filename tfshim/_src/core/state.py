"""Per-thread mutable state of the core: the stacks through which higher layers hook into it.

Everything that changes while a program runs and that TF keeps per thread lives here: recording
tapes and forward accumulators (objects whose methods the recorder calls), stateless scopes (what
Variables read and write while a step is traced), name scopes, device scopes, tracing flags, the
random key streams of compiled Keras steps, the Keras call context, layer name scopes and automatic
layer names, and tf.distribute's contexts.

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
        # tf.distribute: strategies whose scope is entered (innermost last).
        self.strategy_stack: list = []
        # Replica contexts of strategy.run bodies being traced (innermost last).
        self.replica: list = []
        # Stateless scopes (core/stateless.py), innermost last: Variables read and write their values there.
        self.scopes: list = []
        # tf.name_scope names, innermost last (Variables created in this thread take the prefix).
        self.name_scopes: list = []
        # Random key sources replacing the global streams inside a compiled Keras step (innermost last).
        self.key_streams: list = []
        # Keras call contexts (training flag of the outermost layer call), innermost last.
        self.call_contexts: list = []
        # Keras layers whose name scope is open, as (id(layer), name), innermost last: new weights' path prefix.
        self.layer_scopes: list = []
        # Non-empty while ForwardAccumulator retraces an op for jax.jvp: ops whose TF gradient rule is a
        # jax.custom_vjp (ops/elementwise.py) use their plain function then.
        self.forward_mode: list = []
        # Runtime-check scopes (core/checks.py) of the programs being traced, innermost last.
        self.check_scopes: list = []
        # Keras autocast scopes (mixed precision): the compute dtype float weights read as inside a layer's call,
        # or None where an inner layer turns casting off; innermost last.
        self.autocast: list = []
        # tf.function traces collecting host work (tf.summary writes) as (stateless scope, [(fn, values)]),
        # innermost last: the values become extra outputs of the compiled call and ``fn`` runs after it
        # (core/dispatch.host_call).
        self.host_outputs: list = []
        # Keras' automatic-name counters {prefix: count} (``dense``, ``dense_1``, ...), per thread as in Keras 3.
        self.keras_uids: dict = {}
        # Non-empty while AutoGraph traces the body of a staged loop (kernels may pick loop-friendly forms).
        self.staged_loops: list = []


_state = _ThreadState()
_state.__doc__ = __doc__
sys.modules[__name__] = _state  # type: ignore[assignment]
