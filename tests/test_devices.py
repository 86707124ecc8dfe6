"""Devices, tf.config and tf.test against real TensorFlow (both see only the CPU in these tests)."""

from __future__ import annotations

import pytest

import tfshim
import tfshim.config  # noqa: F401  (tf.config / tf.test are subpackages)
import tfshim.test  # noqa: F401
from oracle import assert_same

HAS_GPU = bool(tfshim.config.list_physical_devices("GPU"))


def both(tf_ref, program):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(program(lib))
        except Exception as e:  # noqa: BLE001 - compared
            out.append(e)
    return out


def _as_tuples(devs):
    return [(d.name, d.device_type) for d in devs]


@pytest.mark.skipif(HAS_GPU, reason="TF runs CPU-only in the tests; compare listings on CPU machines")
@pytest.mark.parametrize("kind", [None, "CPU", "GPU", "cpu", "XYZ"])
def test_list_devices_match_tf(kind, tf_ref):
    for fn in ("list_physical_devices", "list_logical_devices"):
        ref = getattr(tf_ref.config, fn)(kind)
        got = getattr(tfshim.config, fn)(kind)
        assert _as_tuples(got) == _as_tuples(ref)
        assert [repr(d) for d in got] == [repr(d) for d in ref]


def test_physical_device_fields_and_equality():
    d = tfshim.config.list_physical_devices("CPU")[0]
    assert d.name == "/physical_device:CPU:0" and d.device_type == "CPU"
    assert d == tfshim.config.list_physical_devices()[0] and hash(d) == hash(tfshim.config.list_physical_devices()[0])
    assert isinstance(d, tuple) and isinstance(d, tfshim.config.PhysicalDevice)
    assert tfshim.config.list_logical_devices("CPU")[0].name == "/device:CPU:0"


PROGRAMS = {
    "memory_growth_cpu": lambda tf: tf.config.experimental.set_memory_growth(
        tf.config.list_physical_devices("CPU")[0], True),
    "get_memory_growth_cpu": lambda tf: tf.config.experimental.get_memory_growth(
        tf.config.list_physical_devices("CPU")[0]),
    "set_visible_no_gpu": lambda tf: tf.config.set_visible_devices([], "GPU"),
    "set_visible_cpu": lambda tf: tf.config.set_visible_devices(tf.config.list_physical_devices("CPU")[0]),
    "get_visible": lambda tf: _as_tuples(tf.config.get_visible_devices()),
    "get_visible_cpu": lambda tf: _as_tuples(tf.config.get_visible_devices("CPU")),
    "soft_placement": lambda tf: tf.config.get_soft_device_placement(),
    "logical_config": lambda tf: tf.config.get_logical_device_configuration(tf.config.list_physical_devices()[0]),
    "device_details": lambda tf: tf.config.experimental.get_device_details(tf.config.list_physical_devices()[0]),
    "threads": lambda tf: tf.config.threading.get_inter_op_parallelism_threads(),
    "is_gpu_available": lambda tf: tf.test.is_gpu_available(),
    "is_gpu_available_cuda": lambda tf: tf.test.is_gpu_available(cuda_only=True, min_cuda_compute_capability=(3, 5)),
    "gpu_device_name": lambda tf: tf.test.gpu_device_name(),
    "is_built_with_xla": lambda tf: tf.test.is_built_with_xla(),
    "device_int": lambda tf: tf.device(5).__enter__(),
    "device_garbage": lambda tf: tf.device("foo").__enter__(),
    "gpu_copy": lambda tf: tf.constant(1.0).gpu().device,
    "cpu_copy": lambda tf: tf.constant(1.0).cpu().device,
    "executing_eagerly": lambda tf: tf.executing_eagerly(),
}


@pytest.mark.skipif(HAS_GPU, reason="TF runs CPU-only in the tests")
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_config_matches_tf(name, tf_ref):
    ref, got = both(tf_ref, PROGRAMS[name])
    assert_same(ref, got, name)


def test_run_functions_eagerly_flag(tf_ref):
    from tfshim._src.config import FLAGS

    try:
        for lib in (tf_ref, tfshim):
            assert lib.config.functions_run_eagerly() is False
            assert lib.config.run_functions_eagerly(True) is None
            assert lib.config.functions_run_eagerly() is True
        assert FLAGS.run_eagerly is True
    finally:
        for lib in (tf_ref, tfshim):
            lib.config.run_functions_eagerly(False)


def test_is_built_with_cuda_follows_jax():
    import jax

    try:
        gpus = jax.devices("gpu")
    except RuntimeError:
        gpus = []
    if gpus:
        assert tfshim.test.is_built_with_cuda() or tfshim.test.is_built_with_rocm()
        assert tfshim.test.gpu_device_name() == "/device:GPU:0"
        assert tfshim.test.is_gpu_available()
    else:
        assert tfshim.test.gpu_device_name() == ""
        assert isinstance(tfshim.test.is_built_with_cuda(), bool)


DEVICE_SPECS = ["gpu:0", "/GPU:0", "GPU:3", "/cpu:0", "CPU", "/device:CPU:0", "/job:localhost/replica:0/task:0/device:CPU:0",
                "/tpu:0", None, ""]


@pytest.mark.skipif(HAS_GPU, reason="soft placement onto the CPU is what a CPU-only machine shows")
@pytest.mark.parametrize("spec", DEVICE_SPECS)
def test_tensor_device_names_match_tf(spec, tf_ref):
    res = []
    for lib in (tf_ref, tfshim):
        with lib.device(spec):
            x = lib.constant([1.0, 2.0])
            y = x * 2
            v = lib.Variable(1.0)
        res.append((x.device, y.device, v.device if hasattr(v, "device") else None))
    assert res[1][:2] == res[0][:2] == ("/job:localhost/replica:0/task:0/device:CPU:0",) * 2


def test_device_context_nests_and_restores():
    from tfshim._src.core import state

    before = list(state.device_stack)
    with tfshim.device("/cpu:0"):
        with tfshim.device("gpu:0"):
            assert tfshim.constant(1).device.endswith("CPU:0") or HAS_GPU
        assert len(state.device_stack) == len(before) + 1
    assert state.device_stack == before


def test_cpu_copy_keeps_value():
    x = tfshim.constant([1.0, 2.0])
    y = x.cpu()
    assert y.device == "/job:localhost/replica:0/task:0/device:CPU:0"
    assert y.numpy().tolist() == [1.0, 2.0]
    if not HAS_GPU:
        with pytest.raises(RuntimeError, match="GPU:0 unknown device"):
            x.gpu()


def test_unknown_config_names_say_so():
    with pytest.raises(AttributeError, match="tfshim does not implement tf.config.no_such"):
        tfshim.config.no_such  # noqa: B018
    with pytest.raises(AttributeError, match="tfshim does not implement tf.test.no_such"):
        tfshim.test.no_such  # noqa: B018


def test_testcase_helpers():
    class T(tfshim.test.TestCase):
        def runTest(self):  # noqa: N802
            self.assertAllClose(tfshim.constant([1.0, 2.0]), [1.0, 2.0 + 1e-8])
            self.assertAllEqual(tfshim.constant([[1, 2]]), [[1, 2]])
            self.assertEqual(self.evaluate(tfshim.constant(3)), 3)
            with self.assertRaisesOpError("did not hold"):
                tfshim.debugging.assert_equal(1, 2)
            with self.assertRaises(AssertionError):
                self.assertAllEqual(tfshim.constant([1, 2]), [1, 3])

    result = T().run()
    assert result.wasSuccessful(), result.failures + result.errors
