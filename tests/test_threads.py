"""Threads: tapes, device scopes and tf.function tracing are thread-local, as in TF.

Two threads training two models at the same time give exactly the results of training them one
after the other; a tape in one thread never records another thread's ops; ``tf.device`` in one
thread does not move another thread's ops.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

import tfshim as tf

_STEPS = 60


def _run_threads(targets):
    errors = []

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # noqa: BLE001 - re-raised in the main thread
                errors.append(e)

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]


def _data(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(32, 4)).astype(np.float32)
    y = (x @ rng.normal(size=(4, 1)) + 0.5).astype(np.float32)
    return x, y


def _make(seed):
    tf.keras.utils.set_random_seed(seed)
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(8, activation="tanh"),
                                 tf.keras.layers.Dense(1)])
    return model, tf.keras.optimizers.Adam(0.01)


def _train_eager(model, opt, x, y, steps=_STEPS):
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
    return losses


def _train_function(model, opt, x, y, steps=_STEPS):
    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(xb) - yb))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return [float(step(x, y)) for _ in range(steps)]


@pytest.mark.parametrize("train", [_train_eager, _train_function], ids=["eager", "tf.function"])
def test_two_threads_train_like_sequential(train):
    data = [_data(1), _data(2)]
    seq = []
    for i in range(2):
        m, o = _make(10 + i)
        losses = train(m, o, *data[i])
        seq.append((losses, [w.numpy() for w in m.weights]))
    built = [_make(10 + i) for i in range(2)]
    par: list = [None, None]

    def job(i):
        def run():
            m, o = built[i]
            losses = train(m, o, *data[i])
            par[i] = (losses, [w.numpy() for w in m.weights])

        return run

    _run_threads([job(0), job(1)])
    for (ls, ws), (lp, wp) in zip(seq, par):
        np.testing.assert_allclose(lp, ls, rtol=1e-6, atol=1e-7)
        for a, b in zip(wp, ws):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_tape_does_not_record_other_threads_ops():
    x = tf.Variable(3.0)
    go, done = threading.Event(), threading.Event()
    other: dict = {}

    def worker():
        go.wait(10)
        y = x * x * x  # runs while the main thread's tape is recording
        other["y"] = y
        with tf.GradientTape() as t2:  # and the worker's own tape works meanwhile
            z = x * 5.0
        other["dz"] = float(t2.gradient(z, x))
        done.set()

    th = threading.Thread(target=worker)
    th.start()
    with tf.GradientTape(persistent=True) as tape:
        own = x * 2.0
        go.set()
        assert done.wait(30)
    th.join(30)
    assert other["dz"] == 5.0
    assert tape.gradient(other["y"], x) is None, "the tape recorded an op of another thread"
    assert float(tape.gradient(own, x)) == 2.0
    assert tape.watched_variables() == (x,)


def test_tape_stack_is_per_thread():
    seen = {}
    barrier = threading.Barrier(2)

    def worker(name, k):
        def run():
            v = tf.Variable(float(k))
            with tf.GradientTape() as tape:
                barrier.wait(10)
                y = v * v * k
                barrier.wait(10)
            seen[name] = float(tape.gradient(y, v))

        return run

    _run_threads([worker("a", 2.0), worker("b", 3.0)])
    assert seen == {"a": 8.0, "b": 18.0}


def test_device_scope_is_per_thread():
    from tfshim._src.core import device as _device

    inside, outside = threading.Event(), threading.Event()
    seen = {}

    def worker():
        inside.wait(10)
        seen["scope"] = _device.current()
        seen["tensor"] = tf.constant([1.0, 2.0]).device
        outside.set()

    th = threading.Thread(target=worker)
    th.start()
    with tf.device("/CPU:0"):
        main_scope = _device.current()
        inside.set()
        assert outside.wait(30)
    th.join(30)
    assert main_scope is not None
    assert seen["scope"] is None, "tf.device in one thread changed another thread's device scope"
    assert "CPU" in seen["tensor"] or "GPU" in seen["tensor"]


def test_tracing_is_per_thread():
    seen = {}
    in_trace, checked = threading.Event(), threading.Event()

    @tf.function
    def f(x):
        in_trace.set()
        checked.wait(10)
        return x + 1.0

    def worker():
        in_trace.wait(10)
        seen["eager"] = tf.executing_eagerly()
        checked.set()

    th = threading.Thread(target=worker)
    th.start()
    out = f(tf.constant(1.0))
    th.join(30)
    assert float(out) == 2.0
    assert seen["eager"] is True, "tracing in one thread made another thread non-eager"
