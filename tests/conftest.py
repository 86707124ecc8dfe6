"""Test setup: real TensorFlow is the oracle, imported in the same process as tfshim.

Tests that compare with TF take the ``tf_ref`` fixture. If TensorFlow is missing they are
skipped, and the session then FAILS unless TFSHIM_ALLOW_NO_TF=1 is set: the conformance
tests may never be skipped silently.
"""

from __future__ import annotations

import os
import pathlib

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
    parser.addoption("--differential-long", action="store_true", default=False,
                     help="run the exploration mode of tests/test_differential.py (many more generated cases)")


# Random test order (pytest-randomly, in the test extra): every run prints its seed; TFSHIM_TEST_SEED=N (or
# ``-p randomly --randomly-seed=N``) replays an order; ``-p no:randomly`` runs in file order.
@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    seed = os.environ.get("TFSHIM_TEST_SEED")
    if seed and config.pluginmanager.hasplugin("randomly") and config.getoption("randomly_seed") == "default":
        config.option.randomly_seed = int(seed)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if config.pluginmanager.hasplugin("randomly"):
        seed = config.getoption("randomly_seed")
        terminalreporter.write_line(f"random test order seed: {seed} (replay: TFSHIM_TEST_SEED={seed} python -m pytest ...)")
    else:
        terminalreporter.write_line("test order: file order (pytest-randomly disabled)")


SHARED_DATA = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_mnist() -> pathlib.Path:
    """The real MNIST test split in ``../shared/data/mnist``. Missing data FAILS the test (a silent skip would
    hide that the real-data tests never ran); TFSHIM_ALLOW_NO_SHARED_DATA=1 turns that into a skip."""
    return require_shared_data(SHARED_DATA / "mnist", ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"))


def require_shared_data(path: pathlib.Path, files: tuple) -> pathlib.Path:
    """``path`` when every one of ``files`` is in it; else the test fails (or, with
    TFSHIM_ALLOW_NO_SHARED_DATA=1, is skipped) with a message naming the missing files."""
    missing = [f for f in files if not (path / f).is_file()]
    if missing:
        msg = (f"shared test data is missing: {', '.join(str(path / f) for f in missing)} "
               "(put those files there, or set TFSHIM_ALLOW_NO_SHARED_DATA=1 to skip the real-data tests)")
        if os.environ.get("TFSHIM_ALLOW_NO_SHARED_DATA") == "1":
            pytest.skip("TFSHIM_ALLOW_NO_SHARED_DATA=1: " + msg)
        pytest.fail(msg)
    return path


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
