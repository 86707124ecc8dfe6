"""Public names no other test exercised (issue 16 §5), each against real TF / Keras in the same process:
3-D convolution and pooling layers, recurrent cells, callbacks, initializers, activations, regularizers,
backend and utils helpers, tf.errors codes, options and spec classes, tf.foldr."""

from __future__ import annotations

import numpy as np
import pytest
from test_keras_layers import compare, r

import tfshim

LAYERS_3D = {
    "Conv3D": (lambda K: K.layers.Conv3D(3, 2, activation="relu"), [r(2, 5, 4, 6, 2)]),
    "Conv3D_same_strides": (lambda K: K.layers.Conv3D(2, (3, 2, 2), strides=(2, 1, 2), padding="same"),
                            [r(1, 5, 4, 6, 3)]),
    "Convolution3D": (lambda K: K.layers.Convolution3D(2, 3, dilation_rate=1, use_bias=False), [r(1, 4, 4, 4, 1)]),
    "MaxPooling3D": (lambda K: K.layers.MaxPooling3D(2), [r(2, 4, 4, 6, 2)]),
    "MaxPool3D": (lambda K: K.layers.MaxPool3D((2, 1, 2), strides=1, padding="same"), [r(1, 3, 4, 5, 2)]),
    "AveragePooling3D": (lambda K: K.layers.AveragePooling3D(2), [r(2, 4, 4, 6, 2)]),
    "AvgPool3D": (lambda K: K.layers.AvgPool3D(2, strides=1, padding="same"), [r(1, 3, 4, 5, 2)]),
    "GlobalAveragePooling3D": (lambda K: K.layers.GlobalAveragePooling3D(), [r(2, 3, 4, 5, 2)]),
    "GlobalAvgPool3D": (lambda K: K.layers.GlobalAvgPool3D(keepdims=True), [r(2, 3, 4, 5, 2)]),
    "GlobalMaxPooling3D": (lambda K: K.layers.GlobalMaxPooling3D(), [r(2, 3, 4, 5, 2)]),
    "GlobalMaxPool3D": (lambda K: K.layers.GlobalMaxPool3D(keepdims=True), [r(2, 3, 4, 5, 2)]),
    "Minimum": (lambda K: K.layers.Minimum(), [r(2, 5), r(2, 5)]),
    "Identity": (lambda K: K.layers.Identity(), [r(2, 5)]),
}


@pytest.mark.parametrize("name", sorted(LAYERS_3D))
def test_layer_matches_keras(tf_ref, name):
    make, inputs = LAYERS_3D[name]
    compare(tf_ref, make, inputs)


@pytest.mark.parametrize("cell", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_rnn_cell_in_rnn_and_one_step_matches_keras(tf_ref, cell):
    """One direct step ``cell(x, states)`` with Keras' weights: output and new states, and the weights' shapes
    (tfshim has no generic keras.layers.RNN wrapper; the SimpleRNN/LSTM/GRU layers are tested elsewhere)."""
    x = r(2, 5)
    outs = []
    ref_cell = getattr(tf_ref.keras.layers, cell)(3)
    got_cell = getattr(tfshim.keras.layers, cell)(3)
    for lib, c in ((tf_ref, ref_cell), (tfshim, got_cell)):
        sizes = c.state_size if isinstance(c.state_size, (list, tuple)) else [c.state_size]
        states = [lib.constant(np.full((2, s), 0.1 * (i + 1), np.float32)) for i, s in enumerate(sizes)]
        if not c.built:
            c.build((2, 5))
        if c is got_cell:
            c.set_weights(ref_cell.get_weights())
        y, new_states = c(lib.constant(x), states)
        outs.append([np.asarray(y)] + [np.asarray(s) for s in (new_states if isinstance(new_states, (list, tuple)) else [new_states])])
    assert [w.shape for w in got_cell.get_weights()] == [w.shape for w in ref_cell.get_weights()]
    assert len(outs[0]) == len(outs[1])
    for a, b in zip(*outs):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def _fit(lib, loss_values, callbacks, epochs=6):
    """A one-weight model trained on data whose loss per epoch is controlled by ``loss_values``."""
    m = lib.keras.Sequential([lib.keras.Input((1,)), lib.keras.layers.Dense(1, use_bias=False,
                                                                          kernel_initializer="ones")])
    m.compile(optimizer=lib.keras.optimizers.SGD(0.01), loss="mse")
    return m, m.fit(np.ones((8, 1), np.float32), np.zeros((8, 1), np.float32), epochs=epochs, batch_size=4,
                    verbose=0, callbacks=callbacks, shuffle=False)


def test_reduce_lr_on_plateau_matches_keras(tf_ref):
    """SGD with learning rate 0 after the first epoch: the loss plateaus, ReduceLROnPlateau cuts the rate
    after ``patience`` epochs, then waits ``cooldown`` epochs; the logged learning rates must match."""
    hist = []
    for lib in (tf_ref, tfshim):
        cb = lib.keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, cooldown=1,
                                                   min_lr=0.002, min_delta=1e-3)
        m, h = _fit(lib, None, [cb], epochs=8)
        hist.append((h.history, float(np.asarray(m.optimizer.learning_rate))))
    (ref_h, ref_lr), (got_h, got_lr) = hist
    np.testing.assert_allclose(got_h["loss"], ref_h["loss"], rtol=1e-5)
    np.testing.assert_allclose(got_h["learning_rate"], ref_h["learning_rate"], rtol=1e-6)
    assert got_lr == pytest.approx(ref_lr)
    with pytest.raises(ValueError):
        tf_ref.keras.callbacks.ReduceLROnPlateau(factor=1.0)
    with pytest.raises(ValueError):
        tfshim.keras.callbacks.ReduceLROnPlateau(factor=1.0)


def test_terminate_on_nan_matches_keras(tf_ref):
    """A learning rate that overflows the weights: TerminateOnNaN stops training at the same batch."""
    out = []
    for lib in (tf_ref, tfshim):
        m = lib.keras.Sequential([lib.keras.Input((1,)), lib.keras.layers.Dense(1, kernel_initializer="ones")])
        m.compile(optimizer=lib.keras.optimizers.SGD(1e18), loss="mse")
        seen = []
        cb = lib.keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b))
        x = np.full((64, 1), 3.0, np.float32)
        h = m.fit(x, x * 0 + 1.0, epochs=3, batch_size=4, verbose=0, shuffle=False,
                  callbacks=[lib.keras.callbacks.TerminateOnNaN(), cb])
        out.append((len(h.epoch), len(seen), bool(m.stop_training), bool(np.isfinite(h.history["loss"][-1]))))
    assert out[1] == out[0]
    assert out[0][1] < 48  # it really stopped early


def test_history_callback_list_and_progbar(tf_ref, capsys):
    for lib in (tf_ref, tfshim):
        m, h = _fit(lib, None, [], epochs=2)
        assert isinstance(h, lib.keras.callbacks.History)
        assert isinstance(m.history, lib.keras.callbacks.History) and h.epoch == [0, 1]
        calls = []
        lam = lib.keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: calls.append(("begin", e)),
                                                 on_epoch_end=lambda e, logs: calls.append(("end", e)))
        cl = lib.keras.callbacks.CallbackList([lam], model=m)
        cl.on_epoch_begin(3)
        cl.on_epoch_end(3, {"loss": 1.0})
        assert calls == [("begin", 3), ("end", 3)]
        assert issubclass(lib.keras.callbacks.ProgbarLogger, lib.keras.callbacks.Callback)
    out = []
    for lib in (tf_ref, tfshim):
        capsys.readouterr()
        m = lib.keras.Sequential([lib.keras.Input((1,)), lib.keras.layers.Dense(1, kernel_initializer="ones")])
        m.compile(optimizer="sgd", loss="mse")
        m.fit(np.ones((4, 1), np.float32), np.ones((4, 1), np.float32), epochs=1, verbose=2,
              callbacks=[lib.keras.callbacks.ProgbarLogger()])
        out.append(capsys.readouterr().out)
    assert "loss:" in out[0] and "loss:" in out[1] and out[1].count("\n") == out[0].count("\n")


def test_lecun_uniform_matches_keras(tf_ref):
    shape = (3, 3, 8, 16)  # a conv kernel: fan_in counts the receptive field (3*3*8)
    for name in ("LecunUniform", "lecun_uniform"):
        ref = np.asarray(getattr(tf_ref.keras.initializers, name)(seed=3)(shape))
        got_init = getattr(tfshim.keras.initializers, name)(seed=3)
        got = np.asarray(got_init(shape))
        limit = np.sqrt(3.0 / (3 * 3 * 8))
        assert got.shape == ref.shape and got.dtype == ref.dtype
        assert np.abs(got).max() <= limit and np.abs(got).max() > 0.9 * limit
        np.testing.assert_allclose(got.std(), ref.std(), rtol=0.08)
        assert got_init.get_config() == getattr(tf_ref.keras.initializers, name)(seed=3).get_config()
    assert isinstance(tfshim.keras.initializers.get("lecun_uniform"), tfshim.keras.initializers.LecunUniform)
    assert issubclass(tfshim.keras.initializers.LecunUniform, tfshim.keras.initializers.Initializer)
    ser = tfshim.keras.initializers.serialize(tfshim.keras.initializers.LecunUniform(seed=2))
    back = tfshim.keras.initializers.deserialize(ser)
    assert isinstance(back, tfshim.keras.initializers.LecunUniform) and back.get_config()["seed"] == 2


ACTIVATIONS = ["glu", "hard_shrink", "hard_tanh", "log_sigmoid", "soft_shrink", "sparse_plus", "squareplus",
               "tanh_shrink", "hard_swish"]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_and_gradient_match_keras(tf_ref, name):
    x = np.linspace(-3.5, 3.5, 36).astype("float32").reshape(3, 12) + 0.013
    outs = []
    for lib in (tf_ref, tfshim):
        fn = getattr(lib.keras.activations, name)
        t = lib.constant(x)
        with lib.GradientTape() as tape:
            tape.watch(t)
            y = fn(t)
            loss = lib.reduce_sum(y * lib.constant(np.cos(np.asarray(y))))
        outs.append((np.asarray(y), np.asarray(tape.gradient(loss, t))))
    assert outs[1][0].shape == outs[0][0].shape
    np.testing.assert_allclose(outs[1][0], outs[0][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=1e-4, atol=1e-5)
    assert tfshim.keras.activations.deserialize(name) is getattr(tfshim.keras.activations, name)


def test_regularizers_match_keras(tf_ref):
    w = r(4, 3)
    for make in (lambda R: R.L1L2(l1=0.01, l2=0.02), lambda R: R.l1_l2(l1=0.03, l2=0.0),
                 lambda R: R.L1(0.1), lambda R: R.l2(0.2)):
        a = float(make(tf_ref.keras.regularizers)(tf_ref.constant(w)))
        b = float(make(tfshim.keras.regularizers)(tfshim.constant(w)))
        assert b == pytest.approx(a, rel=1e-6)
        got_c, ref_c = make(tfshim.keras.regularizers).get_config(), make(tf_ref.keras.regularizers).get_config()
        assert sorted(got_c) == sorted(ref_c) and all(got_c[k] == pytest.approx(ref_c[k]) for k in ref_c)
    assert isinstance(tfshim.keras.regularizers.L1L2(), tfshim.keras.regularizers.Regularizer)


def test_backend_settings_match_keras(tf_ref):
    KB, RB = tfshim.keras.backend, tf_ref.keras.backend
    assert KB.floatx() == RB.floatx() == "float32"
    assert KB.image_data_format() == RB.image_data_format() == "channels_last"
    for d in ("float32", "int64", "bool", np.float16, tfshim.float64):
        assert KB.standardize_dtype(d) == RB.standardize_dtype(d if d is not tfshim.float64 else tf_ref.float64)
    eps = KB.epsilon()
    try:
        KB.set_epsilon(1e-5)
        assert KB.epsilon() == 1e-5
        KB.set_image_data_format("channels_first")
        assert KB.image_data_format() == "channels_first"
        with pytest.raises(ValueError):
            KB.set_image_data_format("rows_first")
        with pytest.raises(ValueError):
            RB.set_image_data_format("rows_first")
        KB.set_floatx("float64")
        assert KB.floatx() == "float64"
        assert tfshim.keras.layers.Dense(2)(np.ones((1, 3))).dtype == tfshim.float64
    finally:
        KB.set_epsilon(eps)
        KB.set_image_data_format("channels_last")
        KB.set_floatx("float32")
    assert tfshim.keras.layers.Dense(2)(np.ones((1, 3))).dtype == tfshim.float32


def test_utils_match_keras(tf_ref):
    y = np.array([0, 2, 1, 2])
    np.testing.assert_array_equal(tfshim.keras.utils.to_categorical(y, 4), tf_ref.keras.utils.to_categorical(y, 4))
    assert tfshim.keras.utils.to_categorical(y).dtype == tf_ref.keras.utils.to_categorical(y).dtype
    for lib in (tf_ref, tfshim):
        inp = lib.keras.Input((3,))
        out = lib.keras.layers.Dense(2)(inp)
        assert lib.keras.utils.get_source_inputs(out)[0] is inp
        assert lib.keras.utils.is_keras_tensor(out) and lib.keras.backend.is_keras_tensor(inp)
        assert isinstance(out, lib.keras.KerasTensor)
        assert not lib.keras.utils.is_keras_tensor(lib.constant(1.0))
        m = lib.keras.Model(inp, out)
        assert isinstance(m.layers[0], lib.keras.layers.InputLayer)
    assert not hasattr(tf_ref.keras, "InputLayer") and not hasattr(tfshim.keras, "InputLayer")


def test_deserialize_round_trips(tf_ref):
    K = tfshim.keras
    d = K.layers.Dense(3, activation="relu", name="d")
    back = K.layers.deserialize(K.layers.serialize(d))
    assert isinstance(back, K.layers.Dense) and back.get_config() == d.get_config()
    loss = K.losses.deserialize(K.losses.serialize(K.losses.Huber(delta=2.0)))
    assert isinstance(loss, K.losses.Huber) and loss.get_config()["delta"] == 2.0
    met = K.metrics.deserialize(K.metrics.serialize(K.metrics.MeanSquaredError()))
    assert isinstance(met, K.metrics.MeanSquaredError)
    assert isinstance(met, K.metrics.MeanMetricWrapper) == isinstance(tf_ref.keras.metrics.MeanSquaredError(),
                                                                     tf_ref.keras.metrics.MeanMetricWrapper)
    opt = K.optimizers.deserialize(K.optimizers.serialize(K.optimizers.Adam(0.003)))
    assert isinstance(opt, K.optimizers.Optimizer) and float(opt.learning_rate) == pytest.approx(0.003)
    sched = K.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    back = K.optimizers.schedules.deserialize(K.optimizers.schedules.serialize(sched))
    assert isinstance(back, K.optimizers.schedules.LearningRateSchedule)
    ref = tf_ref.keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    assert float(back(25)) == pytest.approx(float(ref(25)))
    wrapped = K.metrics.MeanMetricWrapper(lambda a, b: tfshim.abs(a - b), name="mae2")
    ref_w = tf_ref.keras.metrics.MeanMetricWrapper(lambda a, b: tf_ref.abs(a - b), name="mae2")
    wrapped.update_state(np.array([1.0, 2.0], "f"), np.array([1.5, 4.0], "f"))
    ref_w.update_state(np.array([1.0, 2.0], "f"), np.array([1.5, 4.0], "f"))
    assert float(wrapped.result()) == pytest.approx(float(ref_w.result()))


def test_errors_codes_and_classes_match_tf(tf_ref):
    """Every tf.errors name: the same integer codes, and the same class hierarchy and error_code."""
    names = [n for n in dir(tf_ref.errors) if not n.startswith("_")]
    ours = [n for n in dir(tfshim.errors) if not n.startswith("_")]
    for n in ours:
        assert n in names, f"tfshim.errors.{n} is not a TF name"
        ref, got = getattr(tf_ref.errors, n), getattr(tfshim.errors, n)
        if isinstance(ref, int):
            assert got == ref, n
        elif isinstance(ref, type) and issubclass(ref, Exception):
            assert issubclass(got, Exception)
            if issubclass(ref, tf_ref.errors.OpError) and ref is not tf_ref.errors.OpError:
                e = got(None, None, "m")
                assert e.error_code == ref(None, None, "m").error_code, n
                assert isinstance(e, tfshim.errors.OpError)
    for n in ("CancelledError", "DeadlineExceededError", "InternalError", "UnauthenticatedError", "UnavailableError"):
        got, ref = getattr(tfshim.errors, n)(None, None, "x"), getattr(tf_ref.errors, n)(None, None, "x")
        assert got.error_code == ref.error_code and isinstance(got, tfshim.errors.OpError), n
    for code in ("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                 "PERMISSION_DENIED", "UNAUTHENTICATED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
                 "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS"):
        assert getattr(tfshim.errors, code) == getattr(tf_ref.errors, code), code


def test_foldr_matches_tf(tf_ref):
    """tf.foldr folds from the LAST element: 'abc' order checks that the right element is used."""
    for lib_args in ((lambda lib: lib.constant([1, 2, 3, 4]), None), (lambda lib: lib.constant([1, 2, 3, 4]), 7)):
        make, init = lib_args
        outs = []
        for lib in (tf_ref, tfshim):
            kw = {} if init is None else {"initializer": lib.constant(init)}
            outs.append(np.asarray(lib.foldr(lambda a, x: a * 10 + x, make(lib), **kw)))
        np.testing.assert_array_equal(outs[1], outs[0])
    for name in ("foldr", "foldl"):  # empty elems: TF reads element 0 of an empty TensorArray
        with pytest.raises(tf_ref.errors.OutOfRangeError):
            getattr(tf_ref, name)(lambda a, x: a + x, tf_ref.constant([], tf_ref.int32))
        with pytest.raises(tfshim.errors.OutOfRangeError, match=f"tf.{name}.*initializer"):
            getattr(tfshim, name)(lambda a, x: a + x, tfshim.constant([], tfshim.int32))
        ref = getattr(tf_ref, name)(lambda a, x: a + x, tf_ref.constant([], tf_ref.int32), initializer=tf_ref.constant(5))
        got = getattr(tfshim, name)(lambda a, x: a + x, tfshim.constant([], tfshim.int32), initializer=tfshim.constant(5))
        assert int(got) == int(ref) and got.dtype.name == ref.dtype.name


def test_config_threading_and_determinism(tf_ref):
    T = tfshim.config.threading
    assert T.get_intra_op_parallelism_threads() == tf_ref.config.threading.get_intra_op_parallelism_threads()
    before = (T.get_inter_op_parallelism_threads(), T.get_intra_op_parallelism_threads())
    try:
        T.set_inter_op_parallelism_threads(2)
        T.set_intra_op_parallelism_threads(3)
        assert (T.get_inter_op_parallelism_threads(), T.get_intra_op_parallelism_threads()) == (2, 3)
    finally:
        T.set_inter_op_parallelism_threads(before[0])
        T.set_intra_op_parallelism_threads(before[1])
    tfshim.config.set_soft_device_placement(True)
    assert tfshim.config.get_soft_device_placement() is True
    tfshim.config.experimental.enable_op_determinism()
    assert tfshim.test.is_built_with_gpu_support() in (True, False)
    dev = tfshim.config.list_logical_devices("CPU")[0]
    assert isinstance(dev, tfshim.config.LogicalDevice) and dev.device_type == "CPU"
    assert tfshim.VariableSynchronization.ON_READ.name == tf_ref.VariableSynchronization.ON_READ.name
    assert tfshim.distribute.VariableSynchronization is tfshim.VariableSynchronization
    assert tfshim.train.CheckpointOptions().experimental_io_device == tf_ref.train.CheckpointOptions().experimental_io_device


def test_data_iterator_and_option_classes_match_tf(tf_ref):
    for lib in (tf_ref, tfshim):
        ds = lib.data.Dataset.range(3)
        it = iter(ds)
        assert isinstance(it, lib.data.Iterator)
        np_it = ds.as_numpy_iterator()
        assert [int(v) for v in np_it] == [0, 1, 2]
        spec = lib.data.DatasetSpec(ds.element_spec)
        assert spec.element_spec == ds.element_spec
        o = lib.data.Options()
        assert isinstance(o.threading, lib.data.ThreadingOptions)
        assert isinstance(o.threading, lib.data.experimental.ThreadingOptions)
        assert isinstance(o.autotune, lib.data.experimental.AutotuneOptions)
        assert isinstance(o.experimental_optimization, lib.data.experimental.OptimizationOptions)
        assert isinstance(o.experimental_distribute, lib.data.experimental.DistributeOptions)
        assert lib.data.experimental.ExternalStatePolicy.WARN.name == "WARN"
    assert type(tfshim.data.Dataset.range(1).as_numpy_iterator()).__name__ == tfshim.data.NumpyIterator.__name__


def test_distribute_classes_match_tf(tf_ref):
    for lib in (tf_ref, tfshim):
        D = lib.distribute
        s = D.get_strategy()
        assert isinstance(s, D.Strategy) and isinstance(s.extended, D.StrategyExtended)
        assert isinstance(D.get_replica_context(), D.ReplicaContext)
        assert issubclass(D.ReductionToOneDevice, D.CrossDeviceOps) and issubclass(D.NcclAllReduce, D.CrossDeviceOps)
        assert D.InputReplicationMode.PER_WORKER.name == "PER_WORKER"
        assert D.InputOptions().experimental_fetch_to_device in (True, None)
        assert D.experimental.CommunicationImplementation.AUTO.name == "AUTO"
        assert D.experimental.CollectiveCommunication is D.experimental.CommunicationImplementation
        assert D.experimental.CommunicationOptions().implementation == D.experimental.CommunicationImplementation.AUTO
        assert D.experimental.ValueContext().num_replicas_in_sync == 1
        assert isinstance(D.cluster_resolver.ClusterResolver, type)
        st = D.OneDeviceStrategy("/cpu:0")
        dds = st.experimental_distribute_dataset(lib.data.Dataset.range(4).batch(2))
        assert isinstance(dds, D.DistributedDataset)
        assert isinstance(iter(dds), D.DistributedIterator)


ALIAS_LAYERS = {
    "AvgPool1D": (lambda K: K.layers.AvgPool1D(2), [r(2, 6, 3)]),
    "AvgPool2D": (lambda K: K.layers.AvgPool2D(2, strides=1), [r(2, 4, 5, 3)]),
    "MaxPool1D": (lambda K: K.layers.MaxPool1D(3, padding="same"), [r(2, 7, 3)]),
    "MaxPool2D": (lambda K: K.layers.MaxPool2D((2, 3)), [r(2, 4, 6, 3)]),
    "GlobalAvgPool1D": (lambda K: K.layers.GlobalAvgPool1D(), [r(2, 6, 3)]),
    "GlobalAvgPool2D": (lambda K: K.layers.GlobalAvgPool2D(keepdims=True), [r(2, 4, 5, 3)]),
    "GlobalMaxPool1D": (lambda K: K.layers.GlobalMaxPool1D(keepdims=True), [r(2, 6, 3)]),
    "GlobalMaxPool2D": (lambda K: K.layers.GlobalMaxPool2D(), [r(2, 4, 5, 3)]),
    "Convolution1D": (lambda K: K.layers.Convolution1D(4, 3, padding="causal"), [r(2, 7, 3)]),
    "Convolution2D": (lambda K: K.layers.Convolution2D(4, 3, strides=2), [r(2, 7, 6, 3)]),
}


@pytest.mark.parametrize("name", sorted(ALIAS_LAYERS))
def test_alias_layer_matches_keras(tf_ref, name):
    make, inputs = ALIAS_LAYERS[name]
    compare(tf_ref, make, inputs)


@pytest.mark.parametrize("name", ["glorot_normal", "he_normal", "he_uniform", "lecun_normal", "orthogonal",
                                  "random_normal", "random_uniform", "variance_scaling", "OrthogonalInitializer"])
def test_initializer_alias_matches_keras(tf_ref, name):
    shape = (3, 3, 6, 16)
    ref_init = getattr(tf_ref.keras.initializers, name)(seed=5)
    got_init = getattr(tfshim.keras.initializers, name)(seed=5)
    ref, got = np.asarray(ref_init(shape)), np.asarray(got_init(shape))
    assert got.shape == ref.shape and got.dtype == ref.dtype
    np.testing.assert_allclose(got.std(), ref.std(), rtol=0.1)
    np.testing.assert_allclose(got.mean(), ref.mean(), atol=0.05 * ref.std() + 1e-3)
    assert got_init.get_config() == ref_init.get_config()


def test_identity_initializer_matches_keras(tf_ref):
    for name in ("Identity", "IdentityInitializer"):
        for shape, gain in (((3, 3), 1.0), ((2, 4), 2.5)):
            ref = np.asarray(getattr(tf_ref.keras.initializers, name)(gain=gain)(shape))
            got = np.asarray(getattr(tfshim.keras.initializers, name)(gain=gain)(shape))
            np.testing.assert_array_equal(got, ref)
            assert got.dtype == ref.dtype


@pytest.mark.parametrize("module", ["losses", "metrics"])
@pytest.mark.parametrize("name", ["KLD", "MAE", "MAPE", "MSE", "MSLE", "kullback_leibler_divergence"])
def test_loss_function_aliases_match_keras(tf_ref, module, name):
    rng = np.random.default_rng(3)
    y_true = rng.uniform(0.1, 1.0, (4, 5)).astype("f")
    y_pred = rng.uniform(0.1, 1.0, (4, 5)).astype("f")
    ref = getattr(getattr(tf_ref.keras, module), name)(tf_ref.constant(y_true), tf_ref.constant(y_pred))
    got = getattr(getattr(tfshim.keras, module), name)(tfshim.constant(y_true), tfshim.constant(y_pred))
    assert tuple(got.shape) == tuple(ref.shape) and got.dtype.name == ref.dtype.name
    np.testing.assert_allclose(np.asarray(got), np.asarray(ref), rtol=1e-5)


def test_loss_reduction_names_match_keras(tf_ref):
    R, RR = tfshim.keras.losses.Reduction, tf_ref.keras.losses.Reduction
    for attr in ("SUM", "NONE", "AUTO", "SUM_OVER_BATCH_SIZE"):
        assert getattr(R, attr, None) == getattr(RR, attr, None), attr
    for red in ("sum", "none", "sum_over_batch_size"):
        y, p = np.array([[0.0, 1.0], [1.0, 1.0]], "f"), np.array([[0.5, 0.5], [1.0, 0.0]], "f")
        a = tf_ref.keras.losses.MeanSquaredError(reduction=red)(y, p)
        b = tfshim.keras.losses.MeanSquaredError(reduction=red)(y, p)
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-6)
