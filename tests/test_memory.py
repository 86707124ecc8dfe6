"""Memory over long runs: resident memory stays flat, and deleted models free their device buffers.

10,000 eager steps of the eager guide's linear-regression model and 2,000 steps of a small MNIST-like
Keras model (the guide's conv model on 28x28 inputs, small batches so it runs on 2 cores) must not
grow the process's RSS beyond a small bound after warm-up: tapes, recorded graphs, compile caches and
dataset iterators are all released. ``del model`` (the guide's ``v = None``) frees its arrays,
counted with ``jax.live_arrays()``.
"""

from __future__ import annotations

import gc
import os

import jax
import numpy as np

import tfshim as tf

_MB = 1 << 20
_BOUND = 30 * _MB


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class _Sampler:
    """RSS samples taken during a loop; the bound is on growth after the warm-up."""

    def __init__(self):
        self.samples: list[int] = []

    def sample(self):
        self.samples.append(_rss())

    def growth(self, warmup: int) -> int:
        base = self.samples[warmup]
        return max(self.samples[warmup:]) - base


def test_regression_10000_eager_steps_keep_rss_flat():
    class Model(tf.Module):
        def __init__(self):
            self.W = tf.Variable(5.0, name="weight")
            self.B = tf.Variable(10.0, name="bias")

        def __call__(self, inputs):
            return inputs * self.W + self.B

    tf.random.set_seed(0)
    n = 2000
    inputs = tf.random.normal([n])
    outputs = inputs * 3 + 2 + tf.random.normal([n])

    def loss(model, x, y):
        return tf.reduce_mean(tf.square(model(x) - y))

    def grad(model, x, y):
        with tf.GradientTape() as tape:
            value = loss(model, x, y)
        return tape.gradient(value, [model.W, model.B])

    model = Model()
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
    sampler = _Sampler()
    for i in range(10_000):
        grads = grad(model, inputs, outputs)
        optimizer.apply_gradients(zip(grads, [model.W, model.B]))
        if i % 500 == 0:
            gc.collect()
            sampler.sample()
    gc.collect()
    sampler.sample()
    assert abs(float(model.W) - 3.0) < 0.2 and abs(float(model.B) - 2.0) < 0.2
    growth = sampler.growth(warmup=2)
    assert growth < _BOUND, f"RSS grew by {growth / _MB:.1f} MB over 10,000 steps: {sampler.samples}"


def _mnist_model():
    tf.keras.utils.set_random_seed(0)
    return tf.keras.Sequential([
        tf.keras.Input((28, 28, 1)),
        tf.keras.layers.Conv2D(4, [3, 3], activation="relu"),
        tf.keras.layers.Conv2D(4, [3, 3], activation="relu"),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(10),
    ])


def test_mnist_2000_steps_keep_rss_flat():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(256, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=(256,), dtype=np.int64)
    dataset = tf.data.Dataset.from_tensor_slices(
        (tf.cast(images[..., tf.newaxis] / 255, tf.float32), tf.cast(labels, tf.int64)))
    dataset = dataset.shuffle(256).batch(8)
    model = _mnist_model()
    optimizer = tf.keras.optimizers.Adam()
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    sampler = _Sampler()
    step = 0
    while step < 2000:
        for x, y in dataset:  # a fresh iterator every epoch: iterators must be released
            with tf.GradientTape() as tape:
                logits = model(x, training=True)
                loss_value = loss_object(y, logits)
            grads = tape.gradient(loss_value, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            if step % 200 == 0:
                gc.collect()
                sampler.sample()
            step += 1
            if step == 2000:
                break
    gc.collect()
    sampler.sample()
    assert np.isfinite(float(loss_value))
    growth = sampler.growth(warmup=2)
    assert growth < _BOUND, f"RSS grew by {growth / _MB:.1f} MB over 2,000 steps: {sampler.samples}"


def test_fit_epochs_keep_rss_flat():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 8)).astype(np.float32)
    y = rng.normal(size=(64, 1)).astype(np.float32)
    tf.keras.utils.set_random_seed(1)
    model = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(16, activation="relu"),
                                 tf.keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    sampler = _Sampler()
    for _ in range(12):
        model.fit(x, y, batch_size=8, epochs=5, verbose=0)
        gc.collect()
        sampler.sample()
    growth = sampler.growth(warmup=2)
    assert growth < _BOUND, f"RSS grew by {growth / _MB:.1f} MB over 60 fit epochs: {sampler.samples}"


def _live() -> int:
    gc.collect()
    return len(jax.live_arrays())


def test_del_model_frees_device_buffers():
    def build_and_train():
        model = _mnist_model()
        model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        x = np.zeros((8, 28, 28, 1), np.float32)
        y = np.zeros((8,), np.int64)
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)
        return model

    build_and_train()  # warm caches (compiled functions keep their own constants)
    before = _live()
    model = build_and_train()
    held = _live()
    assert held > before, "the model should hold device arrays"
    del model
    after = _live()
    assert after <= before, f"del model left {after - before} device arrays alive ({before} -> {held} -> {after})"


def test_variable_none_frees_its_buffer():
    before = _live()
    v = tf.Variable(np.ones((256, 256), np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v * v)
    tape.gradient(y, v)
    del tape, y
    assert _live() > before
    v = None  # noqa: F841 - the guide's idiom
    assert _live() <= before
