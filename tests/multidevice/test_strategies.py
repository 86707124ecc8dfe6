"""tf.distribute on 8 simulated CPU devices, compared with single-device tfshim and with real TF
(MirroredStrategy over 8 logical CPU devices) in the same process."""

from __future__ import annotations

import os

import numpy as np
import pytest

import tfshim as tf

N = 8
DEVS = [f"/cpu:{i}" for i in range(N)]


_REF: list = []


def _ref_strategy(tf_ref):
    """One real-TF MirroredStrategy for the whole run (TF's collective keys collide between instances)."""
    if not _REF:
        _REF.append(tf_ref.distribute.MirroredStrategy(DEVS))
    return _REF[0]


def _local(strategy, value):
    return [np.asarray(v) for v in strategy.experimental_local_results(value)]


def test_strategy_basics(tf_ref):
    s = tf.distribute.MirroredStrategy()
    ref = _ref_strategy(tf_ref)
    assert s.num_replicas_in_sync == ref.num_replicas_in_sync == N
    assert s.extended.worker_devices == ref.extended.worker_devices
    with s.scope():
        v = tf.Variable(1.0)
        assert tf.distribute.get_replica_context() is None
        assert tf.distribute.in_cross_replica_context()
        assert tf.distribute.get_strategy() is s
        assert tf.distribute.has_strategy()
    assert len(v.array.sharding.device_set) == N and v.array.sharding.is_fully_replicated
    assert not tf.distribute.has_strategy()
    assert tf.distribute.get_replica_context().num_replicas_in_sync == 1


@pytest.mark.parametrize("n,batch", [(32, 16), (40, 16)])
def test_distributed_dataset_matches_tf(tf_ref, n, batch):
    s = tf.distribute.MirroredStrategy()
    ref = _ref_strategy(tf_ref)
    got = [_local(s, b) for b in s.experimental_distribute_dataset(tf.data.Dataset.range(n).batch(batch))]
    want = [_local(ref, b) for b in ref.experimental_distribute_dataset(tf_ref.data.Dataset.range(n).batch(batch))]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert [x.tolist() for x in g] == [x.tolist() for x in w]


def _replica_fn(tfm):
    def f(x):
        ctx = tfm.distribute.get_replica_context()
        return tfm.cast(x, tfm.float32) * 2.0 + tfm.cast(ctx.replica_id_in_sync_group, tfm.float32)

    return f


@pytest.mark.parametrize("compiled", [False, True])
def test_run_and_reduce_match_tf(tf_ref, compiled):
    results = []
    for tfm, strat in ((tf, tf.distribute.MirroredStrategy()), (tf_ref, _ref_strategy(tf_ref))):
        f = _replica_fn(tfm)

        def step(x, strat=strat, f=f, tfm=tfm):
            r = strat.run(f, args=(x,))
            return (r, strat.reduce("SUM", r, axis=None), strat.reduce(tfm.distribute.ReduceOp.SUM, r, axis=0),
                    strat.reduce("MEAN", r, axis=0), strat.reduce("MEAN", r, axis=None))

        if compiled:
            step = tfm.function(step)
        out = []
        for b in strat.experimental_distribute_dataset(tfm.data.Dataset.range(32).batch(16)):
            r, *red = step(b)
            out.append((_local(strat, r), [np.asarray(x) for x in red]))
        results.append(out)
    for (g_r, g_red), (w_r, w_red) in zip(*results):
        np.testing.assert_allclose(np.stack(g_r), np.stack(w_r))
        for a, b in zip(g_red, w_red):
            np.testing.assert_allclose(a, b, rtol=1e-6)
            assert a.shape == b.shape


def test_all_reduce_all_gather_and_values_from_function(tf_ref):
    outs = []
    for tfm, strat in ((tf, tf.distribute.MirroredStrategy()), (tf_ref, _ref_strategy(tf_ref))):
        def f(tfm=tfm):
            ctx = tfm.distribute.get_replica_context()
            r = tfm.cast(ctx.replica_id_in_sync_group, tfm.float32) + 1.0
            return (ctx.all_reduce("SUM", r), ctx.all_reduce(tfm.distribute.ReduceOp.MEAN, [r, 2.0 * r]),
                    ctx.all_gather(tfm.reshape(r, [1]), axis=0), ctx.num_replicas_in_sync)

        res = strat.run(f)
        vals = strat.experimental_distribute_values_from_function(lambda ctx: ctx.replica_id_in_sync_group * 10)
        outs.append(([_local(strat, res[0]), _local(strat, res[1][0]), _local(strat, res[1][1]),
                      _local(strat, res[2])], res[3], _local(strat, vals)))
    (g, gn, gv), (w, wn, wv) = outs
    assert gn == wn == N
    for a, b in zip(g, w):
        np.testing.assert_allclose(np.stack(a), np.stack(b))
    assert [int(x) for x in gv] == [int(x) for x in wv]


def test_variable_aggregation_in_replica_context(tf_ref):
    got, want = [], []
    for tfm, strat, out in ((tf, tf.distribute.MirroredStrategy(), got),
                            (tf_ref, _ref_strategy(tf_ref), want)):
        with strat.scope():
            w = tfm.Variable(1.0, aggregation=tfm.VariableAggregation.SUM)
            m = tfm.Variable(1.0, aggregation=tfm.VariableAggregation.MEAN)
            same = tfm.Variable(1.0)

        def h(w=w, m=m, same=same, tfm=tfm):
            ctx = tfm.distribute.get_replica_context()
            r = tfm.cast(ctx.replica_id_in_sync_group, tfm.float32)
            w.assign_add(r + 1.0)
            m.assign(r)
            same.assign_add(2.0)

        strat.run(h)
        out.extend([float(w.numpy()), float(m.numpy()), float(same.numpy())])
    assert got == want


def test_varying_assign_to_unaggregated_variable_is_an_error():
    s = tf.distribute.MirroredStrategy()
    with s.scope():
        v = tf.Variable(0.0)

    def bad():
        v.assign(tf.cast(tf.distribute.get_replica_context().replica_id_in_sync_group, tf.float32))

    with pytest.raises(ValueError, match="aggregation"):
        s.run(bad)
    assert float(v.numpy()) == 0.0


def _data(n=128):
    rng = np.random.RandomState(0)
    return rng.randn(n, 6).astype("float32"), rng.randint(0, 4, n).astype("int64")


def _custom_loop(tfm, strategy, weights, compiled, gb=32, epochs=2):
    x_all, y_all = _data()
    with strategy.scope():
        model = tfm.keras.Sequential([tfm.keras.Input((6,)), tfm.keras.layers.Dense(16, activation="relu"),
                                      tfm.keras.layers.Dense(4)])
        model.set_weights(weights)
        opt = tfm.keras.optimizers.Adam(0.01)
        if tfm is not tf:  # Keras 3 on TF cannot create the slots inside a distributed tf.function step
            opt.build(model.trainable_variables)
        acc = tfm.keras.metrics.SparseCategoricalAccuracy()
    loss_obj = tfm.keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")

    def step(x, y):
        with tfm.GradientTape() as tape:
            logits = model(x, training=True)
            loss = tfm.nn.compute_average_loss(loss_obj(y, logits), global_batch_size=gb)
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        acc.update_state(y, logits)
        return loss

    def dstep(x, y):
        return strategy.reduce(tfm.distribute.ReduceOp.SUM, strategy.run(step, args=(x, y)), axis=None)

    if compiled:
        dstep = tfm.function(dstep)
    ds = strategy.experimental_distribute_dataset(tfm.data.Dataset.from_tensor_slices((x_all, y_all)).batch(gb))
    losses = [float(dstep(x, y)) for _ in range(epochs) for x, y in ds]
    return np.array(losses), [np.asarray(w) for w in model.get_weights()], float(acc.result()), int(opt.iterations.numpy())


def _init_weights():
    model = tf.keras.Sequential([tf.keras.Input((6,)), tf.keras.layers.Dense(16, activation="relu"),
                                 tf.keras.layers.Dense(4)])
    return model.get_weights()


@pytest.mark.parametrize("compiled", [True, False])
def test_custom_loop_equals_single_device_and_tf(tf_ref, compiled):
    w0 = _init_weights()
    single = _custom_loop(tf, tf.distribute.OneDeviceStrategy("/cpu:0"), w0, compiled)
    multi = _custom_loop(tf, tf.distribute.MirroredStrategy(), w0, compiled)
    ref = _custom_loop(tf_ref, _ref_strategy(tf_ref), w0, True)
    for other in (multi, ref):
        np.testing.assert_allclose(single[0], other[0], rtol=1e-5, atol=1e-6)
        for a, b in zip(single[1], other[1]):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
        assert single[2] == pytest.approx(other[2])
        assert single[3] == other[3] == 8


def _fit(tfm, strategy, weights, batch_size=16):
    x_all, y_all = _data(96)
    with strategy.scope():
        model = tfm.keras.Sequential([tfm.keras.Input((6,)), tfm.keras.layers.Dense(16, activation="relu"),
                                      tfm.keras.layers.Dense(4)])
        model.set_weights(weights)
        model.compile(optimizer=tfm.keras.optimizers.Adam(0.01),
                      loss=tfm.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    hist = model.fit(x_all, y_all, batch_size=batch_size, epochs=3, shuffle=False, verbose=0)
    ev = model.evaluate(x_all, y_all, batch_size=batch_size, verbose=0)
    pred = model.predict(x_all[:24], batch_size=batch_size, verbose=0)
    return hist.history, [np.asarray(w) for w in model.get_weights()], ev, pred, model


def test_fit_under_scope_equals_single_device_and_tf(tf_ref):
    w0 = _init_weights()
    single = _fit(tf, tf.distribute.get_strategy(), w0)
    multi = _fit(tf, tf.distribute.MirroredStrategy(), w0)
    ref = _fit(tf_ref, _ref_strategy(tf_ref), w0)
    model = multi[4]
    assert model.distribute_strategy.num_replicas_in_sync == N
    assert all(w.array.sharding.is_fully_replicated and len(w.array.sharding.device_set) == N
               for w in model.weights)
    for other in (multi, ref):
        for k in ("loss", "accuracy"):
            np.testing.assert_allclose(single[0][k], other[0][k], rtol=1e-5)
        for a, b in zip(single[1], other[1]):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(single[2], other[2], rtol=1e-5)
        np.testing.assert_allclose(single[3], other[3], rtol=1e-4, atol=1e-5)


def test_fit_with_a_last_batch_that_does_not_split_evenly():
    w0 = _init_weights()
    single = _fit(tf, tf.distribute.get_strategy(), w0, batch_size=20)  # 96 = 4*20 + 16; 20 % 8 != 0
    multi = _fit(tf, tf.distribute.MirroredStrategy(), w0, batch_size=20)
    np.testing.assert_allclose(single[0]["loss"], multi[0]["loss"], rtol=1e-5)


def test_checkpoint_round_trips(tmp_path):
    s = tf.distribute.MirroredStrategy()
    x, y = _data(64)
    w0 = _init_weights()

    def build(strategy):
        with strategy.scope():
            m = tf.keras.Sequential([tf.keras.Input((6,)), tf.keras.layers.Dense(16, activation="relu"),
                                     tf.keras.layers.Dense(4)])
            m.set_weights(w0)
            m.compile(optimizer=tf.keras.optimizers.Adam(0.01),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return m

    # saved under the strategy, restored without one
    a = build(s)
    a.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    path = tf.train.Checkpoint(model=a, optimizer=a.optimizer).save(str(tmp_path / "dist"))
    b = build(tf.distribute.get_strategy())
    b.optimizer.build(b.trainable_variables)
    tf.train.Checkpoint(model=b, optimizer=b.optimizer).restore(path).assert_consumed()
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(u, v)
    assert int(b.optimizer.iterations) == int(a.optimizer.iterations) == 4
    a.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    b.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-6)

    # saved without a strategy, restored under one (restore-on-create included)
    path2 = tf.train.Checkpoint(model=b, optimizer=b.optimizer).save(str(tmp_path / "plain"))
    c = build(s)
    with s.scope():
        tf.train.Checkpoint(model=c, optimizer=c.optimizer).restore(path2)
    for u, v in zip(b.get_weights(), c.get_weights()):
        np.testing.assert_array_equal(u, v)
    assert all(w.array.sharding.is_fully_replicated and len(w.array.sharding.device_set) == N for w in c.weights)
    b.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    c.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for u, v in zip(b.get_weights(), c.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-6)
    assert os.path.exists(str(tmp_path / "checkpoint"))


def test_uneven_batch_in_run_is_a_clear_error():
    s = tf.distribute.MirroredStrategy()
    (b,) = list(s.experimental_distribute_dataset(tf.data.Dataset.range(5).batch(5)))
    with pytest.raises(ValueError, match="divide evenly"):
        s.run(lambda x: x, args=(b,))


def test_one_device_strategy_on_another_device(tf_ref):
    s = tf.distribute.OneDeviceStrategy("/cpu:3")
    with s.scope():
        v = tf.Variable([1.0, 2.0])
    assert v.device.endswith("CPU:3")
    out = s.run(lambda: v * 2.0)
    assert isinstance(out, tf.Tensor) and out.numpy().tolist() == [2.0, 4.0]
    ref = tf_ref.distribute.OneDeviceStrategy("/cpu:3")
    assert type(ref.run(lambda: tf_ref.constant(1.0))).__name__ == "EagerTensor"
    assert s.reduce("SUM", out, axis=None).numpy().tolist() == [2.0, 4.0]


def test_datasets_from_function(tf_ref):
    got, want = [], []
    for tfm, strat, out in ((tf, tf.distribute.MirroredStrategy(), got),
                            (tf_ref, _ref_strategy(tf_ref), want)):
        def dataset_fn(ctx, tfm=tfm):
            bs = ctx.get_per_replica_batch_size(16)
            return tfm.data.Dataset.range(64).batch(bs)

        dd = strat.distribute_datasets_from_function(dataset_fn)
        out.extend(sorted(int(x) for b in dd for v in _local(strat, b) for x in v))
    assert got == want


def test_mixing_strategies_and_reduce_errors_match_tf(tf_ref):
    s = tf.distribute.MirroredStrategy()
    ref = _ref_strategy(tf_ref)
    with s.scope(), pytest.raises(RuntimeError, match="Mixing different"):
        with tf.distribute.OneDeviceStrategy("/cpu:0").scope():
            pass
    with ref.scope(), pytest.raises(RuntimeError, match="Mixing different"):
        with tf_ref.distribute.OneDeviceStrategy("/cpu:0").scope():
            pass
    with pytest.raises(ValueError, match="non-DistributedValues"):
        s.reduce("SUM", tf.constant([1.0, 2.0]), axis=None)
    with pytest.raises(ValueError):
        ref.reduce("SUM", tf_ref.constant([1.0, 2.0]), axis=None)
    np.testing.assert_allclose(s.reduce("MEAN", tf.constant([1.0, 2.0]), axis=None),
                               ref.reduce("MEAN", tf_ref.constant([1.0, 2.0]), axis=None))
    with pytest.raises(ValueError, match="reduce_op"):
        s.reduce("MAX", tf.constant(1.0), axis=None)


def test_python_control_flow_on_tensors_in_run_is_a_clear_error():
    s = tf.distribute.MirroredStrategy()

    def step(x):
        if tf.reduce_sum(x) > 0:
            return x
        return -x

    (b,) = list(s.experimental_distribute_dataset(tf.data.Dataset.range(16).batch(16)))
    with pytest.raises(TypeError, match="tf.cond"):
        s.run(step, args=(b,))
    ok = s.run(lambda x: tf.cond(tf.reduce_sum(x) > 0, lambda: x, lambda: -x), args=(b,))
    assert [int(v) for r in s.experimental_local_results(ok) for v in r] == list(range(16))
