"""Tensors a tf.function captures from its closure, globals, bound instance or helper functions are
implicit inputs, as in TF: gradients flow through them to an outer tape, ``captured_inputs`` lists them,
and the compiled program takes them as parameters instead of baking them in as constants (issue 24)."""

from __future__ import annotations

import numpy as np

import tfshim
from oracle import assert_same

GLOBAL_BIAS = None  # set per library by _global_capture


def _closure_gradients(tf):
    x = tf.constant([1.0, 2.0])
    s = tf.constant(3.0)
    v = tf.Variable([1.0, 1.0])

    @tf.function
    def f():
        return tf.reduce_sum(x * x * s * v)

    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        tape.watch(s)
        y = f()
    return [y, *tape.gradient(y, [x, s, v])]


def test_gradients_flow_through_captured_tensors_as_tf(tf_ref):
    assert_same(_closure_gradients(tf_ref), _closure_gradients(tfshim))


def _helper_and_method_gradients(tf):
    scale = tf.constant([2.0, -1.0, 0.5])

    def helper(a):  # a plain function the tf.function calls: its capture is the tf.function's
        return a * scale

    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.offset = tf.constant([1.0, 1.0, 1.0])

        @tf.function
        def __call__(self, a):
            return tf.reduce_sum(tf.square(helper(a) + self.offset))

    m = Model()
    a = tf.constant([0.5, 1.5, -2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([scale, m.offset, a])
        y = m(a)
    return [y, *tape.gradient(y, [scale, m.offset, a])]


def test_captures_of_helpers_and_instances_match_tf(tf_ref):
    assert_same(_helper_and_method_gradients(tf_ref), _helper_and_method_gradients(tfshim))


def _global_capture(tf):
    global GLOBAL_BIAS
    GLOBAL_BIAS = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))

    @tf.function
    def f(a):
        return tf.reduce_sum(a * GLOBAL_BIAS)

    a = tf.ones([2, 3])
    with tf.GradientTape() as tape:
        tape.watch(GLOBAL_BIAS)
        y = f(a)
    return [y, tape.gradient(y, GLOBAL_BIAS)]


def test_global_tensor_capture_matches_tf(tf_ref):
    assert_same(_global_capture(tf_ref), _global_capture(tfshim))


def test_captured_inputs_lists_the_captured_tensors_as_tf(tf_ref):
    def captured(tf):
        big = tf.constant(np.linspace(0.0, 1.0, 12, dtype=np.float32).reshape(3, 4))
        unused = tf.constant([9.0])  # referenced by the function's code but not by its result: still captured

        @tf.function
        def f(a):
            _ = unused
            return tf.matmul(a, big)

        c = f.get_concrete_function(tf.TensorSpec([2, 3], tf.float32))
        return [t.numpy() for t in c.captured_inputs if t.dtype.name != "resource"]

    ref, got = captured(tf_ref), captured(tfshim)
    assert len(got) >= 1 and any(np.array_equal(g, ref[0]) for g in got)
    assert all(any(np.array_equal(g, r) for r in ref) for g in got)  # nothing TF does not capture
    np.testing.assert_allclose(tfshim.function(lambda: 1.0)(), 1.0)  # no captures: nothing breaks


def test_captured_tensors_are_parameters_not_constants():
    big = tfshim.constant(np.arange(1000, dtype=np.float32))

    @tfshim.function
    def f(a):
        return tfshim.reduce_sum(a * big)

    out = f(tfshim.ones([1000]))
    np.testing.assert_allclose(out.numpy(), np.arange(1000).sum())
    conc = f.get_concrete_function(tfshim.ones([1000]))
    assert not any(getattr(c, "size", 0) >= 1000 for c in conc.graph.jaxpr.consts)
    assert [t is big for t in conc.captured_inputs] == [True]


def _train_steps(tf, closure: bool):
    rng = np.random.default_rng(0)
    images = tf.constant(rng.random((16, 8), np.float32))
    labels = tf.constant(rng.integers(0, 3, 16))
    model = tf.keras.Sequential([tf.keras.layers.Dense(5, activation="relu"), tf.keras.layers.Dense(3)])
    model.build((None, 8))
    for w in model.weights:
        w.assign(np.linspace(-0.5, 0.5, int(np.prod(w.shape)), dtype=np.float32).reshape(w.shape))
    opt = tf.keras.optimizers.SGD(0.1)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    f = tf.function(lambda: step(images, labels)) if closure else tf.function(step)
    return [f() if closure else f(images, labels) for _ in range(4)]


def test_closure_train_step_matches_argument_form_and_tf(tf_ref):
    closed, passed = _train_steps(tfshim, True), _train_steps(tfshim, False)
    assert_same(closed, passed)
    assert_same(_train_steps(tf_ref, True), closed)
