"""The backward pass is compiled once per graph structure and reused (counted, not timed)."""

from __future__ import annotations

import numpy as np

import tfshim as tf
from tfshim._src.autodiff import tape as tape_mod


def _step(model_w, model_b, xs, ys, lr):
    with tf.GradientTape() as t:
        pred = xs * model_w + model_b
        loss = tf.reduce_mean(tf.square(pred - ys))
    dw, db = t.gradient(loss, [model_w, model_b])
    model_w.assign_sub(lr * dw)
    model_b.assign_sub(lr * db)
    return loss


def test_fifty_steps_compile_backward_once():
    tape_mod._cache.clear()  # earlier tests in this process may have compiled the same structure
    w, b = tf.Variable(5.0), tf.Variable(10.0)
    xs = tf.constant(np.linspace(-1, 1, 64).astype(np.float32))
    ys = xs * 3.0 + 2.0
    before_traces, before_eager = tape_mod.stats.traces, tape_mod.stats.eager_replays
    losses = [float(_step(w, b, xs, ys, 0.1)) for _ in range(50)]
    assert tape_mod.stats.traces - before_traces == 1  # compiled on the 2nd sighting, reused 48 times
    assert tape_mod.stats.eager_replays - before_eager == 1  # the first sighting ran without a compile
    assert losses[-1] < losses[0]
    # A new shape is a new structure: one more eager run, then one more compile.
    xs2 = tf.constant(np.linspace(-1, 1, 32).astype(np.float32))
    ys2 = xs2 * 3.0 + 2.0
    for _ in range(5):
        _step(w, b, xs2, ys2, 0.1)
    assert tape_mod.stats.traces - before_traces == 2
    assert tape_mod.stats.eager_replays - before_eager == 2


def test_captured_python_constants_are_inputs_not_baked():
    # The learning-rate-like constant changes every step; the compiled backward must follow it.
    tape_mod._cache.clear()
    x = tf.Variable(2.0)
    before = tape_mod.stats.traces
    for k in range(1, 6):
        c = tf.constant(float(k))
        with tf.GradientTape() as t:
            y = x * c * x
        g = t.gradient(y, x)
        assert np.isclose(g.numpy(), 2 * k * 2.0)
    assert tape_mod.stats.traces - before == 1


def test_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(tape_mod, "_CACHE_SIZE", 8)
    for n in range(tape_mod._CACHE_SIZE + 10):
        x = tf.constant(np.ones(n + 1, np.float32))
        with tf.GradientTape() as t:
            t.watch(x)
            y = x * 2.0
        t.gradient(y, x)
    assert len(tape_mod._cache) <= tape_mod._CACHE_SIZE
