"""Model.compile / fit / evaluate / predict / *_on_batch and callbacks, against real Keras (tf.keras, TF 2.21)."""

from __future__ import annotations

import csv
import os

import numpy as np
import pytest

import tfshim
import tfshim.keras.callbacks  # noqa: F401
import tfshim.keras.losses  # noqa: F401
import tfshim.keras.metrics  # noqa: F401
import tfshim.keras.optimizers  # noqa: F401

R = np.random.RandomState(3)
X = R.rand(64, 4).astype("f")
Y = (X[:, 0] + X[:, 1] > X[:, 2] + 0.5).astype("int64") + (X[:, 3] > 0.7).astype("int64")
XV = R.rand(20, 4).astype("f")
YV = (XV[:, 0] + XV[:, 1] > XV[:, 2] + 0.5).astype("int64")


def _model(lib, weights=None, dropout=False):
    layers = [lib.keras.Input((4,)), lib.keras.layers.Dense(8, activation="relu")]
    if dropout:
        layers.append(lib.keras.layers.Dropout(0.5))
    layers.append(lib.keras.layers.Dense(3))
    m = lib.keras.Sequential(layers)
    if weights is not None:
        m.set_weights(weights)
    return m


def _pair(tf_ref, optimizer=lambda k: k.optimizers.SGD(0.1, momentum=0.9), metrics=("accuracy",)):
    ref = _model(tf_ref)
    got = _model(tfshim, ref.get_weights())
    for lib, m in ((tf_ref, ref), (tfshim, got)):
        m.compile(optimizer=optimizer(lib.keras), loss=lib.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=list(metrics))
    return ref, got


def test_fit_matches_keras_exactly(tf_ref):
    ref, got = _pair(tf_ref)
    kw = dict(epochs=3, batch_size=16, shuffle=False, validation_data=(XV, YV), verbose=0)
    hr = ref.fit(X, Y, **kw)
    hg = got.fit(X, Y, **kw)
    assert sorted(hg.history) == sorted(hr.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert hg.epoch == hr.epoch == [0, 1, 2]
    assert hg.params == hr.params
    for k in hr.history:
        np.testing.assert_allclose(hg.history[k], hr.history[k], rtol=1e-4, atol=1e-5, err_msg=k)
    for wr, wg in zip(ref.get_weights(), got.get_weights()):
        np.testing.assert_allclose(wg, wr, rtol=1e-4, atol=1e-5)
    assert hr.history["loss"][-1] < hr.history["loss"][0]
    assert int(got.optimizer.iterations.numpy()) == 12
    # evaluate / predict / *_on_batch
    np.testing.assert_allclose(got.evaluate(XV, YV, verbose=0), ref.evaluate(XV, YV, verbose=0), rtol=1e-5)
    er, eg = ref.evaluate(XV, YV, verbose=0, return_dict=True), got.evaluate(XV, YV, verbose=0, return_dict=True)
    assert sorted(eg) == sorted(er)
    np.testing.assert_allclose(got.predict(X, batch_size=10, verbose=0), ref.predict(X, batch_size=10, verbose=0),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got.predict_on_batch(X[:5]), np.asarray(ref.predict_on_batch(X[:5])), rtol=1e-5,
                               atol=1e-6)
    for _ in range(2):
        r, g = ref.train_on_batch(X[:16], Y[:16]), got.train_on_batch(X[:16], Y[:16])
        np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-5)
    r = ref.test_on_batch(X[:16], Y[:16], return_dict=True)
    g = got.test_on_batch(X[:16], Y[:16], return_dict=True)
    assert sorted(g) == sorted(r)
    np.testing.assert_allclose([g[k] for k in sorted(g)], [r[k] for k in sorted(r)], rtol=1e-4, atol=1e-5)


def test_fit_adam_sample_weights_and_validation_split(tf_ref):
    ref, got = _pair(tf_ref, optimizer=lambda k: k.optimizers.Adam(0.01), metrics=())
    sw = R.rand(64).astype("f")
    kw = dict(epochs=2, batch_size=8, shuffle=False, validation_split=0.25, sample_weight=sw, verbose=0)
    hr, hg = ref.fit(X, Y, **kw), got.fit(X, Y, **kw)
    assert sorted(hg.history) == sorted(hr.history) == ["loss", "val_loss"]
    for k in hr.history:
        np.testing.assert_allclose(hg.history[k], hr.history[k], rtol=1e-4, atol=1e-5, err_msg=k)
    assert got.evaluate(X, Y, verbose=0) == pytest.approx(ref.evaluate(X, Y, verbose=0), rel=1e-4)


def test_progress_bar(capsys):
    m = _model(tfshim)
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    m.fit(X, Y, epochs=2, batch_size=16, validation_data=(XV, YV))
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "4/4" in out and "━" in out and "/step" in out
    assert "accuracy: " in out and "loss: " in out and "val_loss: " in out
    m.fit(X, Y, epochs=1, batch_size=16, verbose=2)
    out = capsys.readouterr().out
    assert out.startswith("4/4 - ") and "loss: " in out and "\r" not in out
    m.evaluate(X, Y, batch_size=16)
    assert "4/4" in capsys.readouterr().out
    m.fit(X, Y, epochs=1, batch_size=16, verbose=0)
    assert capsys.readouterr().out == ""


def test_training_step_is_jitted_once():
    m = _model(tfshim, dropout=True)
    m.compile(optimizer="adam", loss=tfshim.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    m.fit(X, Y, epochs=3, batch_size=16, verbose=0)
    fns = [c.cell_contents for c in m.make_train_function().__closure__ if isinstance(c.cell_contents, dict)]
    jitted = fns[0]["fn"]._jitted
    assert jitted._cache_size() == 1  # 64 = 4 batches of 16: one compilation for all 12 steps
    # dropout masks differ between steps: two train_on_batch calls from the same weights give different losses
    w = m.get_weights()
    a = m.train_on_batch(X, Y)
    m.set_weights(w)
    b = m.train_on_batch(X, Y)
    assert a != b


def test_dataset_iterable_and_steps_per_epoch(tf_ref):
    batches = [(X[i:i + 16], Y[i:i + 16]) for i in range(0, 64, 16)]

    class Batches:  # any re-iterable of (x, y) batches works like a tf.data.Dataset
        def __init__(self, items):
            self.items = items

        def __iter__(self):
            return iter(self.items)

        def __len__(self):
            return len(self.items)

    m = _model(tfshim)
    m.compile(optimizer=tfshim.keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
              metrics=["sparse_categorical_accuracy"])
    h = m.fit(Batches(batches), epochs=2, verbose=0, validation_data=Batches(batches[:1]))
    assert sorted(h.history) == ["loss", "sparse_categorical_accuracy", "val_loss", "val_sparse_categorical_accuracy"]
    assert int(m.optimizer.iterations.numpy()) == 8

    def gen():
        while True:
            yield from batches

    h = m.fit(gen(), epochs=3, steps_per_epoch=5, verbose=0)
    assert int(m.optimizer.iterations.numpy()) == 8 + 15
    # tfshim tensors as input
    m.fit(tfshim.constant(X), tfshim.constant(Y), epochs=1, batch_size=32, verbose=0)


def test_guide_style_subclassed_model_with_raw_variable():
    class Linear(tfshim.keras.Model):
        def __init__(self):
            super().__init__()
            self.W = tfshim.Variable(5.0, name="weight")
            self.B = tfshim.Variable(10.0, name="bias")

        def call(self, inputs):
            return inputs * self.W + self.B

    x = np.random.RandomState(0).randn(200).astype("f")
    y = x * 3 + 2
    m = Linear()
    m.compile(optimizer=tfshim.keras.optimizers.SGD(0.1), loss="mse")
    m.fit(x, y, epochs=2, batch_size=50, verbose=0)  # the raw variables are lifted into the jitted step
    assert np.isfinite(float(m.W.numpy()))


def test_callbacks_match_keras(tf_ref, tmp_path):
    # EarlyStopping on a model that cannot improve (learning rate 0): stops after `patience` epochs
    # Both libraries start from the same fixed weights: with each library's own random draw the loss of the
    # probabilities-as-logits model could be NaN in one and finite in the other (the stop epoch then differed
    # depending on which tests had run before and consumed random numbers).
    w0 = [np.random.RandomState(7 + i).uniform(0.05, 0.5, w.shape).astype("f")
          for i, w in enumerate(_model(tf_ref).get_weights())]
    stops = []
    for lib in (tf_ref, tfshim):
        m = _model(lib, w0)
        m.compile(optimizer=lib.keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
        es = lib.keras.callbacks.EarlyStopping(monitor="loss", patience=2)
        h = m.fit(X, Y, epochs=10, verbose=0, callbacks=[es], shuffle=False)
        stops.append((h.epoch, es.stopped_epoch))
    assert stops[0] == stops[1]
    # LearningRateScheduler: sets the lr per epoch and logs it
    hist = []
    for lib in (tf_ref, tfshim):
        ref_w = w0 if lib is tf_ref else hist[0][1]
        m = _model(lib, ref_w)
        m.compile(optimizer=lib.keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
        cb = lib.keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
        h = m.fit(X, Y, epochs=3, batch_size=32, verbose=0, callbacks=[cb], shuffle=False)
        hist.append((h.history, ref_w))
    assert sorted(hist[0][0]) == sorted(hist[1][0])
    np.testing.assert_allclose(hist[1][0]["learning_rate"], hist[0][0]["learning_rate"], rtol=1e-6)
    np.testing.assert_allclose(hist[1][0]["loss"], hist[0][0]["loss"], rtol=1e-4)
    # CSVLogger: same header and rows as Keras
    rows = []
    for lib in (tf_ref, tfshim):
        path = str(tmp_path / f"{lib.__name__}.csv")
        m = _model(lib, hist[0][1])
        m.compile(optimizer=lib.keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
        m.fit(X, Y, epochs=2, batch_size=32, verbose=0, shuffle=False, validation_data=(XV, YV),
              callbacks=[lib.keras.callbacks.CSVLogger(path)])
        with open(path) as f:
            rows.append(list(csv.reader(f)))
    assert rows[0][0] == rows[1][0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    np.testing.assert_allclose(np.array(rows[1][1:], float), np.array(rows[0][1:], float), rtol=1e-4)
    # LambdaCallback and ModelCheckpoint (weights through model.save_weights)
    seen = []
    m = _model(tfshim)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    ckpt = str(tmp_path / "w-{epoch:02d}.weights.h5")
    m.fit(X, Y, epochs=2, batch_size=32, verbose=0, validation_data=(XV, YV), callbacks=[
        tfshim.keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append((e, sorted(logs))),
                                              on_train_batch_end=lambda b, logs: seen.append(b)),
        tfshim.keras.callbacks.ModelCheckpoint(ckpt, save_weights_only=True),
        tfshim.keras.callbacks.ModelCheckpoint(str(tmp_path / "best.weights.h5"), save_weights_only=True,
                                               save_best_only=True, monitor="val_loss"),
    ])
    assert seen == [0, 1, (0, ["loss", "val_loss"]), 0, 1, (1, ["loss", "val_loss"])]
    assert os.path.exists(tmp_path / "w-01.weights.h5") and os.path.exists(tmp_path / "w-02.weights.h5")
    m2 = _model(tfshim)
    m2.load_weights(str(tmp_path / "w-02.weights.h5"))
    for a, b in zip(m.get_weights(), m2.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError):
        tfshim.keras.callbacks.ModelCheckpoint("x.h5", save_weights_only=True)


def test_predict_uncompiled_and_subclassed_fit():
    m = tfshim.keras.Sequential([tfshim.keras.layers.Dense(3)])
    assert m.predict(X, verbose=0).shape == (64, 3) and m.predict_on_batch(X[:2]).shape == (2, 3)

    class Sub(tfshim.keras.Model):
        def __init__(self):
            super().__init__()
            self.d = tfshim.keras.layers.Dense(3)

        def call(self, x):
            return self.d(x)

    s = Sub()
    s.compile(optimizer="adam", loss=tfshim.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    h = s.fit(X, Y, epochs=3, batch_size=16, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]


def test_optimizer_inside_tf_function():
    if not hasattr(tfshim, "function"):
        pytest.skip("tfshim.function is not available")
    w = tfshim.Variable(np.ones(3, "f"))
    opt = tfshim.keras.optimizers.Adam(0.1)

    @tfshim.function
    def step():
        with tfshim.GradientTape() as tape:
            loss = tfshim.reduce_sum(w * w)
        opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
        return loss

    for _ in range(5):
        step()
    assert int(opt.iterations.numpy()) == 5 and float(w.numpy()[0]) < 0.7


def test_compile_errors_and_metric_resolution(tf_ref):
    m = _model(tfshim)
    with pytest.raises(ValueError, match="compile"):
        m.fit(X, Y, verbose=0)
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy", "mae"])
    h = m.fit(X, np.eye(3, dtype="f")[Y], epochs=1, verbose=0)
    assert sorted(h.history) == ["accuracy", "loss", "mae"]
    assert type(m.metrics[1]).__name__ == "CategoricalAccuracy"


@pytest.mark.slow  # ~12 s on an idle 2-core machine (two CNNs, one epoch each on 8,000 digits)
def test_mnist_real_digits_fit_one_epoch(shared_mnist):
    """The guide's CNN and a small pooling CNN, trained with model.fit for ONE epoch on 8,000 real digits.

    Recorded (CPU): the guide's model (Conv-Conv-GlobalAveragePooling-Dense, Adam 1e-3) reaches only 14-27%
    on the 2,000 held-out digits after one epoch, depending on the initial weights — real tf.keras gives the
    same (~14% train accuracy in epoch 1, ~30% after two): the architecture learns slowly, it is not a tfshim
    problem, so its check is "loss falls, accuracy above chance". A Conv-MaxPool-Conv-MaxPool-Flatten-Dense
    model reaches ~94% in one epoch and must reach 80%."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (x, y), _ = tfshim.keras.datasets.mnist.load_data(path=str(shared_mnist))
    x = (x / 255.0).astype("float32")[..., None]
    y = y.astype("int64")
    L = tfshim.keras.layers
    tfshim.random.set_seed(0)
    guide = tfshim.keras.Sequential([
        L.Conv2D(16, [3, 3], activation="relu", input_shape=(None, None, 1)),
        L.Conv2D(16, [3, 3], activation="relu"), L.GlobalAveragePooling2D(), L.Dense(10)])
    guide.compile(optimizer=tfshim.keras.optimizers.Adam(),
                  loss=tfshim.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    before = guide.evaluate(x[8000:], y[8000:], verbose=0)[0]
    h = guide.fit(x[:8000], y[:8000], epochs=1, batch_size=32, verbose=0)
    loss, acc = guide.evaluate(x[8000:], y[8000:], verbose=0)
    assert h.params["steps"] == 250 and loss < before and acc > 0.11
    pooled = tfshim.keras.Sequential([
        tfshim.keras.Input((28, 28, 1)), L.Conv2D(16, 3, activation="relu"), L.MaxPooling2D(),
        L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(), L.Dense(10)])
    pooled.compile(optimizer="adam", loss=tfshim.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                   metrics=["accuracy"])
    pooled.fit(x[:8000], y[:8000], epochs=1, batch_size=32, verbose=0)
    assert pooled.evaluate(x[8000:], y[8000:], verbose=0)[1] >= 0.80
