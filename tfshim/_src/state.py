"""Process-wide mutable state shared by dispatch, tapes and devices.

Lists here are mutated in place (never rebound) so that modules can import them by name
and test them with a plain truth check on the hot path.
"""

from __future__ import annotations

# Tapes currently recording (innermost last). Dispatch records onto each of them.
recording_tapes: list = []
# Forward-mode accumulators currently active (tf.autodiff.ForwardAccumulator).
accumulators: list = []
# Stack of jax devices from `tf.device(...)` contexts; empty means JAX's default device.
device_stack: list = []
# Non-empty while tfshim replays recorded ops under a JAX transformation: nothing records then.
replaying: list = []
# Non-empty while tf.function traces a Python function (tf.executing_eagerly() is False then).
tracing: list = []
# Capturing tapes of control-flow ops (they see every op, like a watching tape).
capturing: list = []
