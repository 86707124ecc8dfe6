"""Test setup: real TensorFlow is the oracle, imported in the same process as tfshim.

Tests that compare with TF take the ``tf_ref`` fixture. If TensorFlow is missing they are
skipped, and the session then FAILS unless TFSHIM_ALLOW_NO_TF=1 is set: the conformance
tests may never be skipped silently.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import pytest  # noqa: E402

import tfshim  # noqa: E402,F401  (configures JAX before TF loads)

_NO_TF_REASON = "TensorFlow (the reference oracle) is not installed"
_skipped_for_tf: list = []

try:
    import tensorflow as _tf  # noqa: E402

    _tf.config.set_visible_devices([], "GPU")
    if os.environ.get("TFSHIM_MULTIDEVICE") == "1":  # tests/multidevice: TF gets 8 CPU devices, as JAX does
        _tf.config.set_logical_device_configuration(
            _tf.config.list_physical_devices("CPU")[0], [_tf.config.LogicalDeviceConfiguration()] * 8
        )
except ImportError:  # pragma: no cover - CI always has TF
    _tf = None

# tests/multidevice needs 8 (simulated) devices before JAX starts: tests/test_distribute.py runs it in
# a subprocess with XLA_FLAGS set; the main session does not collect it.
if os.environ.get("TFSHIM_MULTIDEVICE") != "1":
    collect_ignore = ["multidevice"]


def pytest_addoption(parser):
    parser.addoption("--fuzz-long", action="store_true", default=False,
                     help="run many more differential fuzz cases against TensorFlow (tests/test_fuzz_ops.py)")


@pytest.fixture(scope="session")
def tf_ref():
    """The real TensorFlow module (reference oracle)."""
    if _tf is None:
        _skipped_for_tf.append(1)
        pytest.skip(_NO_TF_REASON)
    return _tf


@pytest.fixture
def tf():
    """tfshim, under the name tests read most naturally."""
    return tfshim


def pytest_sessionfinish(session, exitstatus):
    if _skipped_for_tf and os.environ.get("TFSHIM_ALLOW_NO_TF") != "1":
        session.exitstatus = 1
        print(f"\nFAILED: {len(_skipped_for_tf)} TensorFlow-conformance tests were skipped because TensorFlow is "
              "missing; install the test extra (pip install -e '.[test]').")


_STACKS = ("recording_tapes", "accumulators", "device_stack", "replaying", "tracing", "strategy_stack", "replica",
           "scopes", "name_scopes", "key_streams", "call_contexts", "layer_scopes", "check_scopes")


@pytest.fixture(autouse=True)
def _no_leaked_thread_state():
    """A test must leave the main thread's tfshim state as it found it (an open tape, scope or replica
    context would silently change every later test in the worker)."""
    from tfshim._src.core import state

    before = {k: len(getattr(state, k)) for k in _STACKS}
    yield
    leaked = {k: getattr(state, k)[before[k]:] for k in _STACKS if len(getattr(state, k)) != before[k]}
    for k in leaked:
        del getattr(state, k)[before[k]:]
    assert not leaked, f"the test left tfshim thread state behind: {leaked}"
    from jax._src import core as jax_core

    assert jax_core.trace_state_clean(), "the test left a JAX trace context open in the main thread"
