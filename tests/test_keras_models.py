"""tf.keras models vs real Keras (TF 2.21, Keras 3): Sequential, functional and subclassed models with the
same weights give the same outputs and gradients; names, weight paths, layers and summary() agree."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import tfshim

RNG = np.random.default_rng(1)


def _copy_weights(ref_model, got_model):
    ref_w = ref_model.get_weights()
    assert [w.shape for w in got_model.get_weights()] == [w.shape for w in ref_w]
    got_model.set_weights(ref_w)


def _forward_and_grads(lib, model, x, training=False):
    xs = [lib.constant(a) for a in x] if isinstance(x, list) else lib.constant(x)
    with lib.GradientTape() as tape:
        if isinstance(xs, list):
            for t in xs:
                tape.watch(t)
        else:
            tape.watch(xs)
        y = model(xs, training=training)
        ys = y if isinstance(y, (list, tuple)) else [y]
        loss = sum(lib.reduce_sum(t * t) for t in ys)
    grads = tape.gradient(loss, [*model.trainable_variables] + (xs if isinstance(xs, list) else [xs]))
    return [np.asarray(t) for t in ys], [np.asarray(g) for g in grads]


def _fresh(tf_ref):
    tf_ref.keras.backend.clear_session()
    tfshim.keras.backend.clear_session()


def _assert_same_model(tf_ref, build, x, training=False, rtol=1e-5, atol=1e-5):
    _fresh(tf_ref)
    ref, got = build(tf_ref.keras), build(tfshim.keras)
    for m, lib in ((ref, tf_ref), (got, tfshim)):
        if not m.built:
            m(lib.constant(x) if not isinstance(x, list) else [lib.constant(a) for a in x])
    _copy_weights(ref, got)
    ry, rg = _forward_and_grads(tf_ref, ref, x, training)
    gy, gg = _forward_and_grads(tfshim, got, x, training)
    for a, b in zip(ry + rg, gy + gg):
        assert a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol)
    return ref, got


def _guide_cnn(K):
    return K.Sequential([
        K.layers.Conv2D(16, [3, 3], activation="relu", input_shape=(None, None, 1)),
        K.layers.Conv2D(16, [3, 3], activation="relu"),
        K.layers.GlobalAveragePooling2D(),
        K.layers.Dense(10),
    ])


def test_guide_mnist_cnn_same_logits(tf_ref):
    # Deterministic setup (the input and Keras' initial weights used to depend on which tests ran first); the
    # bias gradients sum 32*26*26 float32 terms, whose accumulation order differs between TF's and XLA's
    # kernels: relative differences up to ~1.5e-4 occur, so rtol is 3e-4.
    x = np.random.default_rng(28).random((32, 28, 28, 1)).astype("float32")
    tf_ref.keras.utils.set_random_seed(28)
    ref, got = _assert_same_model(tf_ref, _guide_cnn, x, rtol=3e-4, atol=1e-5)
    logits = got(x)
    tfshim.debugging.assert_equal(logits.shape, (32, 10))
    assert [(w.name, tuple(w.shape)) for w in got.weights] == [(w.name, tuple(w.shape)) for w in ref.weights]
    assert got.count_params() == ref.count_params() == 2650
    assert got.built


def test_sequential_summary_param_counts(tf_ref):
    got = _guide_cnn(tfshim.keras)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        got.summary()
    text = buf.getvalue()
    for needle in ("Total params: 2,650 (10.35 KB)", "Trainable params: 2,650 (10.35 KB)",
                   "Non-trainable params: 0 (0.00 B)", "(Conv2D)", "│         2,320 │", "(None, None, None, 16)",
                   "(None, 10)", "│           170 │", "Layer (type)", "Output Shape", "Param #"):
        assert needle in text, needle
    bn = tfshim.keras.Sequential([tfshim.keras.Input((4,)), tfshim.keras.layers.Dense(3),
                                  tfshim.keras.layers.BatchNormalization()])
    lines = []
    bn.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Total params: 27 (108.00 B)" in text and "Trainable params: 21 (84.00 B)" in text
    assert "Non-trainable params: 6 (24.00 B)" in text


def test_sequential_add_and_weight_paths(tf_ref):
    outs = []
    for lib in (tf_ref, tfshim):
        K = lib.keras
        m = K.Sequential(name="seq")
        m.add(K.Input(shape=(3,)))
        m.add(K.layers.Dense(4, activation="relu", name="a"))
        m.add(K.layers.Dropout(0.5))
        m.add(K.layers.Dense(2, name="b"))
        outs.append((m.built, [w.path for w in m.weights], [type(x).__name__ for x in m.layers], m.input_shape,
                     m.output_shape, len(m.trainable_weights)))
    assert outs[0] == outs[1]


def test_sequential_lazy_build(tf_ref):
    x = RNG.standard_normal((5, 6)).astype("float32")

    def build(K):
        return K.Sequential([K.layers.Dense(8, activation="tanh"), K.layers.BatchNormalization(),
                             K.layers.Dense(3, activation="softmax")])

    ref, got = _assert_same_model(tf_ref, build, x, training=True)
    assert not build(tfshim.keras).built
    for a, b in zip(ref.non_trainable_weights, got.non_trainable_weights):  # BN statistics moved identically
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-5, atol=1e-6)


def test_functional_multi_input_output(tf_ref):
    def build(K):
        a = K.Input(shape=(4,), name="a")
        b = K.Input(shape=(3,), name="b")
        h = K.layers.Dense(5, activation="relu")(a)
        c = K.layers.Concatenate()([h, b])
        o1 = K.layers.Dense(2, name="o1")(c)
        o2 = K.layers.Add()([K.layers.Dense(3)(c), b])
        return K.Model(inputs=[a, b], outputs=[o1, o2], name="multi")

    x = [RNG.standard_normal((6, 4)).astype("float32"), RNG.standard_normal((6, 3)).astype("float32")]
    ref, got = _assert_same_model(tf_ref, build, x)
    assert [type(x).__name__ for x in got.layers] == [type(x).__name__ for x in ref.layers]
    assert [x.name for x in got.layers] == [x.name for x in ref.layers]
    assert [tuple(t.shape) for t in got.outputs] == [tuple(t.shape) for t in ref.outputs]
    assert got.name == "multi"


def test_functional_cnn_and_symbolic_shapes(tf_ref):
    def build(K):
        inp = K.Input(shape=(12, 12, 2))
        x = K.layers.Conv2D(4, 3, padding="same", activation="relu")(inp)
        x = K.layers.MaxPooling2D()(x)
        x = K.layers.BatchNormalization()(x)
        x = K.layers.Flatten()(x)
        x = K.layers.Dropout(0.3)(x)
        return K.Model(inp, K.layers.Dense(3)(x))

    x = RNG.standard_normal((3, 12, 12, 2)).astype("float32")
    ref, got = _assert_same_model(tf_ref, build, x, rtol=1e-4)
    assert [x.output.shape for x in got.layers[1:]] == [x.output.shape for x in ref.layers[1:]]
    assert got.output_shape == ref.output_shape == (None, 3)


def test_functional_rnn_embedding(tf_ref):
    def build(K):
        inp = K.Input(shape=(None,), dtype="int32")
        x = K.layers.Embedding(10, 4)(inp)
        x = K.layers.LSTM(5, return_sequences=True)(x)
        x = K.layers.GRU(3)(x)
        return K.Model(inp, K.layers.Dense(2)(x))

    ids = RNG.integers(0, 10, (4, 7)).astype("int32")
    _fresh(tf_ref)
    ref, got = build(tf_ref.keras), build(tfshim.keras)
    _copy_weights(ref, got)
    np.testing.assert_allclose(np.asarray(got(ids)), np.asarray(ref(ids)), rtol=1e-5, atol=1e-6)
    assert [w.path for w in got.weights] == [w.path for w in ref.weights]


class _Linear:
    """The eager guide's Linear model, for either library."""

    @staticmethod
    def make(lib):
        class Linear(lib.keras.Model):
            def __init__(self):
                super().__init__()
                self.W = lib.Variable(5.0, name="weight")
                self.B = lib.Variable(10.0, name="bias")

            def call(self, inputs):
                return inputs * self.W + self.B

        return Linear()


def test_guide_linear_model(tf_ref):
    ref, got = _Linear.make(tf_ref), _Linear.make(tfshim)
    assert got.name == ref.name == "linear"
    x = np.linspace(-1, 1, 7).astype("float32")
    for m, lib in ((ref, tf_ref), (got, tfshim)):
        with lib.GradientTape() as tape:
            loss = lib.reduce_mean(lib.square(m(lib.constant(x)) - 1.0))
        g = tape.gradient(loss, [m.W, m.B])
        m.gw = [float(v) for v in g]
    np.testing.assert_allclose(got.gw, ref.gw, rtol=1e-6)
    # Keras 3 does not collect raw tf.Variable attributes as model weights
    assert len(got.variables) == len(ref.variables) == 0


def test_subclassed_model_tracking_and_training_flag(tf_ref):
    def make(K):
        class Block(K.layers.Layer):
            def __init__(self, **kw):
                super().__init__(**kw)
                self.d = K.layers.Dense(4)
                self.bn = K.layers.BatchNormalization()

            def call(self, x, training=None):
                return K.activations.relu(self.bn(self.d(x), training=training))

        class Net(K.Model):
            def __init__(self):
                super().__init__()
                self.blocks = [Block(), Block()]
                self.drop = K.layers.Dropout(0.0)
                self.head = K.layers.Dense(2)
                self.seen = []

            def call(self, x, training=False):
                self.seen.append(training)
                for b in self.blocks:
                    x = b(x)
                return self.head(self.drop(x))

        return Net()

    x = RNG.standard_normal((6, 3)).astype("float32")
    ref, got = _assert_same_model(tf_ref, make, x, training=True)
    assert [w.path for w in got.weights] == [w.path for w in ref.weights]
    assert [x.name for x in got.layers] == [x.name for x in ref.layers]
    assert len(got.trainable_weights) == len(ref.trainable_weights)
    assert len(got.non_trainable_weights) == len(ref.non_trainable_weights)
    for a, b in zip(ref.non_trainable_weights, got.non_trainable_weights):
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-5, atol=1e-6)
    assert got.seen[-1] is True
    got(x)
    assert got.seen[-1] is False
    got.trainable = False
    assert got.trainable_weights == [] and len(got.non_trainable_weights) == len(got.weights)


def test_custom_layer_add_weight_and_losses(tf_ref):
    def make(lib):
        K = lib.keras

        class Scale(K.layers.Layer):
            def build(self, input_shape):
                self.n = self.add_weight(shape=(2,), trainable=False, name="n", initializer="ones")
                self.s = self.add_weight(shape=(input_shape[-1],), name="s", initializer="ones",
                                         regularizer=K.regularizers.L2(0.1))

            def call(self, x):
                self.add_loss(lib.reduce_sum(x) * 0.0 + 1.5)
                return x * self.s

        return Scale(name="scale")

    outs = []
    for lib in (tf_ref, tfshim):
        layer = make(lib)
        layer(lib.ones((2, 3)))
        outs.append(([w.name for w in layer.weights], [w.path for w in layer.weights],
                     sorted(float(v) for v in layer.losses)))
    assert outs[0] == outs[1]


def test_build_and_call_errors():
    K = tfshim.keras
    with pytest.raises(ValueError, match="Unrecognized keyword"):
        K.layers.Dense(3, bogus=1)
    a, b = K.Input((2,)), K.Input((2,))
    with pytest.raises(ValueError, match="disconnected"):
        K.Model(a, K.layers.Dense(1)(b))
    with pytest.raises(ValueError, match="name"):
        K.layers.Layer().add_weight("kernel", (2,))
    m = K.Model(a, K.layers.Dense(1)(a))
    with pytest.raises(ValueError, match="expects 1 input"):
        m([np.ones((1, 2)), np.ones((1, 2))])


def test_save_and_load_weights(tmp_path):
    K = tfshim.keras
    m1 = _guide_cnn(K)
    m2 = _guide_cnn(K)
    path = str(tmp_path / "cnn.weights.npz")
    m1.save_weights(path)
    m2.load_weights(path)
    for a, b in zip(m1.get_weights(), m2.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError):
        K.Sequential([K.layers.Dense(2, input_shape=(3,))]).load_weights(path)


def test_sequential_config_roundtrip():
    K = tfshim.keras
    m = K.Sequential([K.Input((5,)), K.layers.Dense(3, activation="relu"), K.layers.Dense(1)])
    clone = K.Sequential.from_config(m.get_config())
    assert [type(x).__name__ for x in clone.layers] == ["Dense", "Dense"]
    assert clone.count_params() == m.count_params()


def test_model_build_subclassed():
    K = tfshim.keras

    class M(K.Model):
        def __init__(self):
            super().__init__()
            self.d = K.layers.Dense(3)

        def call(self, x):
            return self.d(x)

    m = M()
    m.build((None, 4))
    assert m.built and [w.path for w in m.weights] == ["m/dense_{}/kernel".format(m.d.name.split("_")[-1]) if "_" in
                                                       m.d.name else "m/dense/kernel", m.weights[1].path]
    assert tuple(m.weights[0].shape) == (4, 3)


def test_save_weights_uses_checkpoint_and_restores_on_create(tmp_path):
    K = tfshim.keras
    m1 = _guide_cnn(K)
    x = np.random.default_rng(3).random((2, 9, 9, 1)).astype(np.float32)
    m1(x)  # the first sighting of a shape runs NumPy host twins; compare the compiled path with itself
    expected = m1(x).numpy()
    path = str(tmp_path / "cnn.weights.h5")
    m1.save_weights(path)
    assert tfshim.train.list_variables(path)  # a tf.train checkpoint, inspectable as such
    fresh = K.Sequential([
        K.layers.Conv2D(16, [3, 3], activation="relu"),
        K.layers.Conv2D(16, [3, 3], activation="relu"),
        K.layers.GlobalAveragePooling2D(),
        K.layers.Dense(10),
    ])  # not built yet: the weights are assigned as they are created
    fresh.load_weights(path)
    np.testing.assert_array_equal(fresh(x).numpy(), expected)
