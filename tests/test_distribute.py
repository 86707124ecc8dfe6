"""tf.distribute: single-device behaviour against real TF, the 8-device suite (tests/multidevice, in a
subprocess with 8 simulated CPU devices) and a two-process MultiWorkerMirroredStrategy run."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tfshim as tf

ROOT = Path(__file__).resolve().parent.parent


def _env(**extra: str) -> dict:
    env = dict(os.environ)
    env.pop("XLA_FLAGS", None)
    env.pop("TF_CONFIG", None)
    # The subprocesses import the tfshim of this checkout (a script's own folder is first on its path, not
    # the repository root, so an installed tfshim elsewhere would win).
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.update(extra)
    return env


def test_eight_device_suite():
    """tests/multidevice on 8 simulated CPU devices: strategies vs single device and vs real TF."""
    env = _env(XLA_FLAGS="--xla_force_host_platform_device_count=8", TFSHIM_MULTIDEVICE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "tests/multidevice"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    tail = (proc.stdout + proc.stderr)[-6000:]
    assert proc.returncode == 0, tail
    summary = [ln for ln in proc.stdout.splitlines() if " passed" in ln]
    assert summary and "skipped" not in summary[-1] and "failed" not in summary[-1], tail


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _result(out: str) -> dict:
    lines = [ln for ln in out.splitlines() if ln.startswith("RESULT ")]
    assert lines, out[-3000:]
    return json.loads(lines[-1][len("RESULT "):])


def test_multi_worker_two_processes_on_localhost():
    workers = [f"127.0.0.1:{_free_port()}", f"127.0.0.1:{_free_port()}"]
    procs = []
    for i in range(2):
        cfg = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": i}}
        procs.append(subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "distribute_worker.py")], cwd=ROOT,
            env=_env(TF_CONFIG=json.dumps(cfg)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ))
    outs = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=600)
            assert p.returncode == 0, err[-4000:]
            outs.append(_result(out))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    single = subprocess.run([sys.executable, str(ROOT / "tests" / "distribute_worker.py")], cwd=ROOT, env=_env(),
                            capture_output=True, text=True, timeout=600)
    assert single.returncode == 0, single.stderr[-4000:]
    ref = _result(single.stdout)
    a, b = outs
    assert a["replicas"] == b["replicas"] == 2 and ref["replicas"] == 1
    assert a["W"] == b["W"] and a["B"] == b["B"] and a["keras"] == b["keras"]  # identical on both workers
    assert abs(a["W"] - 3.0) < 0.1 and abs(a["B"] - 2.0) < 0.1
    np.testing.assert_allclose([a["W"], a["B"]], [ref["W"], ref["B"]], rtol=1e-5)  # = one process, same batches
    np.testing.assert_allclose(a["losses"], ref["losses"], rtol=1e-4, atol=1e-6)
    for u, v in zip(a["keras"], ref["keras"]):
        np.testing.assert_allclose(u, v, rtol=1e-4, atol=1e-5)


# -- one device: the default strategy, OneDevice / Mirrored with one replica ----------------------
def test_default_strategy_matches_tf(tf_ref):
    s, r = tf.distribute.get_strategy(), tf_ref.distribute.get_strategy()
    assert s.num_replicas_in_sync == r.num_replicas_in_sync == 1
    assert tf.distribute.has_strategy() == tf_ref.distribute.has_strategy() is False
    assert tf.distribute.in_cross_replica_context() == tf_ref.distribute.in_cross_replica_context() is False
    ctx, rctx = tf.distribute.get_replica_context(), tf_ref.distribute.get_replica_context()
    assert ctx.num_replicas_in_sync == rctx.num_replicas_in_sync == 1
    assert int(ctx.replica_id_in_sync_group) == int(rctx.replica_id_in_sync_group) == 0
    x = [1.0, 2.0, 4.0]
    for op in ("SUM", "MEAN"):
        np.testing.assert_allclose(s.reduce(op, tf.constant(x), axis=None), r.reduce(op, tf_ref.constant(x), axis=None))
        np.testing.assert_allclose(s.reduce(op, tf.constant(x), axis=0), r.reduce(op, tf_ref.constant(x), axis=0))
    np.testing.assert_allclose(ctx.all_reduce("SUM", tf.constant(x)), rctx.all_reduce("SUM", tf_ref.constant(x)))
    assert s.run(lambda a: a * 2.0, args=(tf.constant(3.0),)).numpy() == 6.0
    assert s.experimental_local_results(tf.constant(1.0))[0].numpy() == 1.0


@pytest.mark.parametrize("make", ["mirrored", "one_device"])
def test_one_replica_strategies_return_plain_values(tf_ref, make):
    s = tf.distribute.MirroredStrategy(["/cpu:0"]) if make == "mirrored" else tf.distribute.OneDeviceStrategy("/cpu:0")
    r = (tf_ref.distribute.MirroredStrategy(["/cpu:0"]) if make == "mirrored"
         else tf_ref.distribute.OneDeviceStrategy("/cpu:0"))
    got, want = s.run(lambda: tf.constant(1.5)), r.run(lambda: tf_ref.constant(1.5))
    assert isinstance(got, tf.Tensor) and float(got) == float(want)
    assert s.num_replicas_in_sync == r.num_replicas_in_sync == 1
    with s.scope():
        assert tf.distribute.get_strategy() is s and tf.distribute.get_replica_context() is None
        v = tf.Variable([1.0, 2.0])
    assert v.device == "/job:localhost/replica:0/task:0/device:CPU:0"
    (b,) = list(s.experimental_distribute_dataset(tf.data.Dataset.range(4).batch(4)))
    (rb,) = list(r.experimental_distribute_dataset(tf_ref.data.Dataset.range(4).batch(4)))
    assert b.numpy().tolist() == rb.numpy().tolist()


def test_custom_loop_on_one_device_strategy_equals_no_strategy():
    rng = np.random.RandomState(1)
    x, y = rng.randn(32, 3).astype("float32"), rng.randn(32, 1).astype("float32")

    def train(strategy):
        with strategy.scope():
            w = tf.Variable(np.ones((3, 1), np.float32))
            opt = tf.keras.optimizers.SGD(0.1)

        def step(xb, yb):
            with tf.GradientTape() as tape:
                loss = tf.nn.compute_average_loss(tf.reduce_sum(tf.square(xb @ w - yb), axis=1), global_batch_size=8)
            opt.apply_gradients([(tape.gradient(loss, w), w)])
            return loss

        ds = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensor_slices((x, y)).batch(8))
        losses = [float(strategy.reduce("SUM", strategy.run(step, args=b), axis=None)) for b in ds]
        return losses, w.numpy()

    a, b = train(tf.distribute.get_strategy()), train(tf.distribute.OneDeviceStrategy("/cpu:0"))
    # Equal up to rounding: the first eager step runs NumPy host twins, the strategy's step compiled XLA kernels.
    np.testing.assert_allclose(a[0], b[0], rtol=1e-6)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-6)


@pytest.mark.parametrize("weights", [None, [1.0, 0.0, 2.0, 1.0]])
@pytest.mark.parametrize("gbs", [None, 8])
def test_compute_average_loss_matches_tf(tf_ref, weights, gbs):
    per = [0.5, 1.5, 2.0, 4.0]
    got = tf.nn.compute_average_loss(tf.constant(per), sample_weight=weights, global_batch_size=gbs)
    want = tf_ref.nn.compute_average_loss(tf_ref.constant(per), sample_weight=weights, global_batch_size=gbs)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    assert got.dtype.name == want.dtype.name
    np.testing.assert_allclose(tf.nn.scale_regularization_loss([tf.constant(1.0), tf.constant(2.0)]).numpy(),
                               tf_ref.nn.scale_regularization_loss([tf_ref.constant(1.0), tf_ref.constant(2.0)]))


def test_compute_average_loss_gradient_and_errors(tf_ref):
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        loss = tf.nn.compute_average_loss(tf.square(x), global_batch_size=4)
    xr = tf_ref.Variable([1.0, 2.0])
    with tf_ref.GradientTape() as rtape:
        rloss = tf_ref.nn.compute_average_loss(tf_ref.square(xr), global_batch_size=4)
    np.testing.assert_allclose(tape.gradient(loss, x), rtape.gradient(rloss, xr))
    got, want = tf.nn.compute_average_loss(tf.constant([1, 2])), tf_ref.nn.compute_average_loss(tf_ref.constant([1, 2]))
    assert got.dtype.name == want.dtype.name and float(got) == float(want)
    for bad, err in ((2.0, TypeError), (-2, tf_ref.errors.InvalidArgumentError)):
        with pytest.raises(err):
            tf_ref.nn.compute_average_loss(tf_ref.constant([1.0, 2.0]), global_batch_size=bad)
        with pytest.raises(getattr(tf.errors, err.__name__, err), match="global_batch_size"):
            tf.nn.compute_average_loss(tf.constant([1.0, 2.0]), global_batch_size=bad)
    assert float(tf.nn.compute_average_loss(tf.constant([1.0]), global_batch_size=0)) == 0.0


def test_tf_config_cluster_resolver_matches_tf(tf_ref, monkeypatch):
    cfg = {"cluster": {"chief": ["host0:2222"], "worker": ["host1:2222", "host2:2222"]},
           "task": {"type": "worker", "index": 1}}
    monkeypatch.setenv("TF_CONFIG", json.dumps(cfg))
    got = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    want = tf_ref.distribute.cluster_resolver.TFConfigClusterResolver()
    assert got.cluster_spec().as_dict() == want.cluster_spec().as_dict()
    assert (got.task_type, got.task_id) == (want.task_type, want.task_id)
    assert got.master() == want.master()
    assert got._process_id() == 2
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ValueError, match="TF_CONFIG"):
        tf.distribute.cluster_resolver.TFConfigClusterResolver()


def test_multi_worker_strategy_after_startup_is_a_clear_error(monkeypatch):
    tf.constant(1.0)  # the JAX backend is running
    cfg = {"cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}, "task": {"type": "worker", "index": 0}}
    monkeypatch.setenv("TF_CONFIG", json.dumps(cfg))
    with pytest.raises(RuntimeError, match="program startup"):
        tf.distribute.MultiWorkerMirroredStrategy()


def test_multi_worker_strategy_without_cluster_is_local(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    s = tf.distribute.MultiWorkerMirroredStrategy()
    assert s.num_replicas_in_sync == 1
    assert s.cluster_resolver.cluster_spec().as_dict() == {}


def test_bad_arguments_are_clear_errors():
    s = tf.distribute.get_strategy()
    with pytest.raises(ValueError, match="reduce_op"):
        s.reduce("PROD", tf.constant(1.0), axis=None)
    with pytest.raises(TypeError, match="callable"):
        s.run(3)
    with pytest.raises(ValueError, match="listed twice"):
        tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:0"])
    with pytest.raises(ValueError, match="divisible"):
        tf.distribute.InputContext(num_replicas_in_sync=3).get_per_replica_batch_size(8)


def test_set_strategy_resolvers_and_accepted_options(tf_ref):
    s = tf.distribute.OneDeviceStrategy("/cpu:0")
    tf.distribute.experimental_set_strategy(s)
    try:
        assert tf.distribute.get_strategy() is s and tf.distribute.has_strategy()
    finally:
        tf.distribute.experimental_set_strategy(None)
    assert not tf.distribute.has_strategy()
    spec = {"worker": ["a:1", "b:2"]}
    got = tf.distribute.cluster_resolver.SimpleClusterResolver(spec, task_type="worker", task_id=1)
    want = tf_ref.distribute.cluster_resolver.SimpleClusterResolver(
        tf_ref.train.ClusterSpec(spec), task_type="worker", task_id=1)
    assert got.cluster_spec().as_dict() == want.cluster_spec().as_dict()
    assert got.master() == want.master() == ""
    assert got.master("worker", 1) == want.master("worker", 1)
    m = tf.distribute.MirroredStrategy(["/cpu:0"], cross_device_ops=tf.distribute.HierarchicalCopyAllReduce())
    assert m.run(lambda: tf.constant(2.0), options=tf.distribute.RunOptions()).numpy() == 2.0
