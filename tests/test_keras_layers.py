"""tf.keras layers vs real Keras (TF 2.21, Keras 3): same weights (copied with set_weights) → same outputs
and the same gradients with respect to the inputs and every trainable weight; weight names/shapes too."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim

RNG = np.random.default_rng(0)


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [y for v in x for y in _flat(v)]
    return [x]


def _dense(lib, g):
    if g is None:
        return None
    if type(g).__name__ == "IndexedSlices":
        return np.asarray(lib.convert_to_tensor(g))
    return np.asarray(g)


def compare(tf_ref, make, inputs, *, training=None, call_kwargs=None, rtol=1e-5, atol=1e-5, grads=True,
            list_input=False):
    call_kwargs = dict(call_kwargs or {})
    if training is not None:
        call_kwargs["training"] = training
    ref_layer = make(tf_ref.keras)
    got_layer = make(tfshim.keras)
    results = []
    for lib, layer in ((tf_ref, ref_layer), (tfshim, got_layer)):
        xs = [lib.constant(a) for a in inputs]
        arg = xs if (len(xs) > 1 or list_input) else xs[0]
        if not layer.built:
            layer(arg, **{k: v for k, v in call_kwargs.items() if k != "training"})
        results.append((lib, layer, xs, arg))
    # identical weights: Keras' own initial values copied into tfshim
    ref_w = ref_layer.get_weights()
    assert [w.shape for w in got_layer.get_weights()] == [w.shape for w in ref_w]
    assert [w.name for w in got_layer.weights] == [w.name for w in ref_layer.weights]
    assert [w.trainable for w in got_layer.weights] == [w.trainable for w in ref_layer.weights]
    got_layer.set_weights(ref_w)
    outs = []
    for lib, layer, xs, arg in results:
        with lib.GradientTape(persistent=True) as tape:
            for x in xs:
                if x.dtype.is_floating:
                    tape.watch(x)
            y = layer(arg, **call_kwargs)
            ys = _flat(y)
            loss = None
            for i, t in enumerate(ys):
                w = np.random.default_rng(i + 1).standard_normal(tuple(t.shape)).astype(t.dtype.as_numpy_dtype)
                term = lib.reduce_sum(t * lib.constant(w))
                loss = term if loss is None else loss + term
        g_in = [tape.gradient(loss, x) if x.dtype.is_floating else None for x in xs] if grads else []
        g_w = tape.gradient(loss, layer.trainable_weights) if grads else []
        outs.append(([np.asarray(t) for t in ys], [t.dtype.name for t in ys], [_dense(lib, g) for g in g_in],
                     [_dense(lib, g) for g in g_w], layer))
    (ry, rdt, rgi, rgw, _), (gy, gdt, ggi, ggw, _) = outs
    assert len(ry) == len(gy)
    for a, b in zip(ry, gy):
        assert a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol)
    assert rdt == gdt
    for a, b in zip(rgi + rgw, ggi + ggw):
        if a is None:
            assert b is None
            continue
        np.testing.assert_allclose(b, a, rtol=rtol * 10, atol=atol * 10)
    return ref_layer, got_layer


def r(*shape):
    return RNG.standard_normal(shape).astype("float32")


CASES = {
    "dense": (lambda K: K.layers.Dense(5), [r(4, 3)], {}),
    "dense_relu_nobias": (lambda K: K.layers.Dense(4, activation="relu", use_bias=False), [r(4, 3)], {}),
    "dense_3d_tanh": (lambda K: K.layers.Dense(4, activation="tanh"), [r(2, 5, 3)], {}),
    "conv2d_valid": (lambda K: K.layers.Conv2D(4, 3), [r(2, 7, 7, 3)], {}),
    "conv2d_same_stride_relu": (lambda K: K.layers.Conv2D(4, (3, 2), strides=2, padding="same", activation="relu"),
                                [r(2, 7, 8, 3)], {}),
    "conv2d_dilation": (lambda K: K.layers.Conv2D(2, 3, dilation_rate=2, padding="same"), [r(1, 9, 9, 2)], {}),
    "conv2d_groups": (lambda K: K.layers.Conv2D(4, 3, groups=2), [r(1, 6, 6, 4)], {}),
    "conv1d": (lambda K: K.layers.Conv1D(3, 3), [r(2, 10, 4)], {}),
    "conv1d_causal": (lambda K: K.layers.Conv1D(3, 2, padding="causal", dilation_rate=2), [r(2, 10, 4)], {}),
    "conv1d_same_stride": (lambda K: K.layers.Conv1D(3, 3, strides=2, padding="same"), [r(2, 9, 2)], {}),
    "maxpool2d": (lambda K: K.layers.MaxPooling2D(), [r(2, 6, 6, 3)], {}),
    "maxpool2d_same": (lambda K: K.layers.MaxPooling2D(3, strides=2, padding="same"), [r(2, 7, 7, 2)], {}),
    "avgpool2d": (lambda K: K.layers.AveragePooling2D(2), [r(2, 6, 6, 3)], {}),
    "avgpool2d_same": (lambda K: K.layers.AveragePooling2D(3, strides=2, padding="same"), [r(2, 7, 7, 2)], {}),
    "maxpool1d": (lambda K: K.layers.MaxPooling1D(2), [r(2, 8, 3)], {}),
    "avgpool1d_same": (lambda K: K.layers.AveragePooling1D(3, strides=2, padding="same"), [r(2, 9, 3)], {}),
    "gap2d": (lambda K: K.layers.GlobalAveragePooling2D(), [r(2, 5, 5, 3)], {}),
    "gap2d_keepdims": (lambda K: K.layers.GlobalAveragePooling2D(keepdims=True), [r(2, 5, 5, 3)], {}),
    "gmp2d": (lambda K: K.layers.GlobalMaxPooling2D(), [r(2, 5, 5, 3)], {}),
    "gap1d": (lambda K: K.layers.GlobalAveragePooling1D(), [r(2, 5, 3)], {}),
    "gmp1d": (lambda K: K.layers.GlobalMaxPooling1D(), [r(2, 5, 3)], {}),
    "flatten": (lambda K: K.layers.Flatten(), [r(2, 3, 4, 2)], {}),
    "reshape": (lambda K: K.layers.Reshape((4, -1)), [r(2, 3, 4, 2)], {}),
    "permute": (lambda K: K.layers.Permute((2, 1)), [r(2, 3, 4)], {}),
    "repeat_vector": (lambda K: K.layers.RepeatVector(3), [r(2, 4)], {}),
    "dropout_inference": (lambda K: K.layers.Dropout(0.5), [r(4, 5)], {"training": False}),
    "bn_inference": (lambda K: K.layers.BatchNormalization(), [r(8, 3)], {"training": False}),
    "bn_train": (lambda K: K.layers.BatchNormalization(), [r(8, 3)], {"training": True}),
    "bn_train_conv_axis1": (lambda K: K.layers.BatchNormalization(axis=1, momentum=0.9), [r(4, 3, 5, 5)],
                            {"training": True}),
    "layernorm": (lambda K: K.layers.LayerNormalization(), [r(4, 6)], {}),
    "layernorm_axes": (lambda K: K.layers.LayerNormalization(axis=[1, 2], epsilon=1e-5), [r(2, 3, 4)], {}),
    "activation_softmax": (lambda K: K.layers.Activation("softmax"), [r(3, 5)], {}),
    "relu": (lambda K: K.layers.ReLU(), [r(3, 5)], {}),
    "relu_params": (lambda K: K.layers.ReLU(max_value=0.8, negative_slope=0.1, threshold=0.05), [r(3, 5)], {}),
    "leaky_relu": (lambda K: K.layers.LeakyReLU(), [r(3, 5)], {}),
    "elu": (lambda K: K.layers.ELU(0.7), [r(3, 5)], {}),
    "softmax_axis1": (lambda K: K.layers.Softmax(axis=1), [r(2, 4, 3)], {}),
    "concatenate": (lambda K: K.layers.Concatenate(), [r(2, 3), r(2, 4)], {}),
    "concatenate_axis1": (lambda K: K.layers.Concatenate(axis=1), [r(2, 3, 2), r(2, 1, 2)], {}),
    "add": (lambda K: K.layers.Add(), [r(2, 3), r(2, 3), r(2, 3)], {}),
    "subtract": (lambda K: K.layers.Subtract(), [r(2, 3), r(2, 3)], {}),
    "multiply": (lambda K: K.layers.Multiply(), [r(2, 3), r(2, 3)], {}),
    "average": (lambda K: K.layers.Average(), [r(2, 3), r(2, 3)], {}),
    "maximum": (lambda K: K.layers.Maximum(), [r(2, 3), r(2, 3)], {}),
    "simple_rnn_seq_state": (lambda K: K.layers.SimpleRNN(4, return_sequences=True, return_state=True),
                             [r(2, 5, 3)], {}),
    "lstm_seq_state_backwards": (lambda K: K.layers.LSTM(3, return_sequences=True, return_state=True,
                                                         go_backwards=True), [r(2, 6, 3)], {}),
    "gru_seq_state": (lambda K: K.layers.GRU(3, return_sequences=True, return_state=True), [r(2, 4, 3)], {}),
    "gru_reset_before": (lambda K: K.layers.GRU(3, reset_after=False), [r(2, 4, 3)], {}),
    "lstm_relu_nobias": (lambda K: K.layers.LSTM(3, activation="relu", use_bias=False), [r(2, 4, 3)], {}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_layer_matches_keras(tf_ref, case):
    make, inputs, _ = CASES[case]
    kw = dict(CASES[case][2])
    training = kw.pop("training", None)
    list_input = len(inputs) > 1
    ref, got = compare(tf_ref, make, inputs, training=training, call_kwargs=kw, list_input=list_input)
    if case.startswith("bn_train"):  # moving statistics moved identically
        for a, b in zip(ref.non_trainable_weights, got.non_trainable_weights):
            np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-5, atol=1e-6)


def test_embedding_matches_keras(tf_ref):
    ids = np.array([[1, 2, 0], [4, 4, 3]], np.int32)
    ref, got = compare(tf_ref, lambda K: K.layers.Embedding(6, 3), [ids])
    assert got.weights[0].path.endswith("embeddings")


def test_weight_paths_and_names_match_keras(tf_ref):
    for make, shape in ((lambda K: K.layers.LSTM(2, name="l"), (1, 3, 2)),
                        (lambda K: K.layers.BatchNormalization(name="bn"), (2, 3)),
                        (lambda K: K.layers.Conv2D(2, 3, name="c"), (1, 4, 4, 1))):
        ref, got = make(tf_ref.keras), make(tfshim.keras)
        ref(np.zeros(shape, np.float32))
        got(np.zeros(shape, np.float32))
        assert [(w.name, w.path, tuple(w.shape), w.trainable) for w in got.weights] == [
            (w.name, w.path, tuple(w.shape), w.trainable) for w in ref.weights]


def test_default_initializers_statistics():
    tfshim.random.set_seed(3)
    d = tfshim.keras.layers.Dense(200)
    d.build((300,))
    k = d.kernel.numpy()
    limit = np.sqrt(6 / 500)
    assert k.dtype == np.float32 and np.abs(k).max() <= limit and np.abs(k).max() > 0.95 * limit
    assert np.all(d.bias.numpy() == 0)
    tfshim.random.set_seed(3)
    d2 = tfshim.keras.layers.Dense(200)
    d2.build((300,))
    np.testing.assert_array_equal(d2.kernel.numpy(), k)  # honours tf.random.set_seed


def test_dropout_training():
    x = tfshim.ones((200, 50))
    layer = tfshim.keras.layers.Dropout(0.3)
    y = layer(x, training=True).numpy()
    assert set(np.unique(y)).issubset({0.0, np.float32(1 / 0.7)})
    assert 0.25 < (y == 0).mean() < 0.35
    np.testing.assert_array_equal(layer(x).numpy(), x.numpy())  # inference: identity
    with tfshim.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
    g = tape.gradient(y, x).numpy()
    np.testing.assert_array_equal(g == 0, y.numpy() == 0)


def test_layer_errors_match_keras(tf_ref):
    for lib in (tf_ref, tfshim):
        d = lib.keras.layers.Dense(3)
        with pytest.raises(ValueError, match="isn't built"):
            d.count_params()
        with pytest.raises(ValueError, match="expecting 0 weights"):
            d.set_weights([np.ones((2, 2))])
        d.build((2,))
        with pytest.raises(ValueError, match="not compatible"):
            d.set_weights([np.ones((2, 2)), np.ones(3)])
        assert d.count_params() == 9
        with pytest.raises(ValueError):
            lib.keras.layers.Conv2D(3, 3, padding="bogus")


def test_get_config_matches_keras(tf_ref):
    for make in (lambda K: K.layers.Dense(3, activation="relu", name="x"),
                 lambda K: K.layers.Conv2D(3, 2, strides=2, padding="same", name="y"),
                 lambda K: K.layers.BatchNormalization(name="z"),
                 lambda K: K.layers.LSTM(2, name="w"),
                 lambda K: K.layers.MaxPooling2D(name="p"),
                 lambda K: K.layers.Dropout(0.2, name="d")):
        ref, got = make(tf_ref.keras).get_config(), make(tfshim.keras).get_config()
        assert set(got) <= set(ref), set(got) - set(ref)
        for key in got:
            if key not in ("kernel_regularizer",):
                assert got[key] == ref[key] or (isinstance(ref[key], (tuple, list)) and tuple(got[key]) == tuple(
                    ref[key])), key
        clone = type(make(tfshim.keras)).from_config(got)
        assert clone.get_config() == got


def test_activations_match_keras(tf_ref):
    x = np.linspace(-4, 4, 41).astype("float32").reshape(1, 41) + 0.013
    names = ["relu", "relu6", "elu", "selu", "gelu", "sigmoid", "hard_sigmoid", "tanh", "softmax", "log_softmax",
             "softplus", "softsign", "exponential", "mish", "silu", "leaky_relu", "hard_silu", "celu"]
    for name in names:
        outs = []
        for lib in (tf_ref, tfshim):
            fn = getattr(lib.keras.activations, name)
            t = lib.constant(x)
            with lib.GradientTape() as tape:
                tape.watch(t)
                y = fn(t)
                loss = lib.reduce_sum(y * lib.constant(np.cos(x)))
            outs.append((np.asarray(y), np.asarray(tape.gradient(loss, t))))
        np.testing.assert_allclose(outs[1][0], outs[0][0], rtol=1e-5, atol=1e-6, err_msg=name)
        np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=1e-4, atol=1e-5, err_msg=name)
    assert tfshim.keras.activations.get("relu") is tfshim.keras.activations.relu
    assert tfshim.keras.activations.serialize(tfshim.keras.activations.tanh) == "tanh"


def test_initializers_match_keras_distributions(tf_ref):
    shape = (64, 48)
    for name, kwargs in [("GlorotUniform", {}), ("GlorotNormal", {}), ("HeNormal", {}), ("HeUniform", {}),
                         ("LecunNormal", {}), ("RandomNormal", {"stddev": 0.3}), ("RandomUniform", {}),
                         ("TruncatedNormal", {"stddev": 0.2}), ("Orthogonal", {}), ("Zeros", {}), ("Ones", {}),
                         ("Constant", {"value": 0.5}), ("VarianceScaling", {"scale": 2.0, "mode": "fan_out"})]:
        ref = np.asarray(getattr(tf_ref.keras.initializers, name)(seed=1, **kwargs)(shape) if name not in (
            "Zeros", "Ones", "Constant") else getattr(tf_ref.keras.initializers, name)(**kwargs)(shape))
        init = getattr(tfshim.keras.initializers, name)
        got_init = init(seed=1, **kwargs) if name not in ("Zeros", "Ones", "Constant") else init(**kwargs)
        got = np.asarray(got_init(shape))
        assert got.dtype == ref.dtype and got.shape == ref.shape, name
        np.testing.assert_allclose(got.std(), ref.std(), rtol=0.1, atol=1e-7, err_msg=name)
        np.testing.assert_allclose(np.abs(got).max(), np.abs(ref).max(), rtol=0.35, atol=1e-7, err_msg=name)
        np.testing.assert_array_equal(np.asarray(got_init(shape)), got)  # seeded → the same values every call
        assert got_init.get_config() == getattr(tf_ref.keras.initializers, name)(**(
            {} if name in ("Zeros", "Ones", "Constant") else {"seed": 1}), **kwargs).get_config(), name
    q = np.asarray(tfshim.keras.initializers.Orthogonal()((5, 8)))
    np.testing.assert_allclose(q @ q.T, np.eye(5), atol=1e-5)
    assert isinstance(tfshim.keras.initializers.get("glorot_uniform"), tfshim.keras.initializers.GlorotUniform)


def test_lstm_initial_state_matches_keras(tf_ref):
    x, h0, c0 = r(2, 4, 3), r(2, 3), r(2, 3)
    ref, got = tf_ref.keras.layers.LSTM(3, return_state=True), tfshim.keras.layers.LSTM(3, return_state=True)
    ref(x)
    got(x)
    got.set_weights(ref.get_weights())
    a = ref(x, initial_state=[tf_ref.constant(h0), tf_ref.constant(c0)])
    b = got(x, initial_state=[tfshim.constant(h0), tfshim.constant(c0)])
    for u, v in zip(a, b):
        np.testing.assert_allclose(np.asarray(v), np.asarray(u), rtol=1e-5, atol=1e-6)


def test_symbolic_call_leaves_no_traces():
    K = tfshim.keras
    inp = K.Input((3,))
    bn = K.layers.BatchNormalization()
    out = bn(inp, training=True)  # traced abstractly: the moving statistics must not change
    assert out.shape == (None, 3)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), np.zeros(3, np.float32))
    m = K.Model(inp, out)
    m(np.arange(6, dtype=np.float32).reshape(2, 3))  # the recorded training=True applies
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.01 * np.array([1.5, 2.5, 3.5]), rtol=1e-5)
