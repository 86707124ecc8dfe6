"""tf.GradientTape against real TensorFlow: each program runs with both libraries and the
results (values, dtypes, shapes, None positions, structure, error classes) must agree."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import tfshim
from oracle import assert_same


def both(tf_ref, program):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(program(lib))
        except Exception as e:  # noqa: BLE001 - compared
            out.append(e)
    assert_same(out[0], out[1], program.__name__)
    return out


def p_watch_constant(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.gradient(y, x)


def p_unwatched_constant_is_none(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        y = x * x
    return [g.gradient(y, x)]


def p_variable_auto_watch(tf):
    w = tf.Variable([[1.0]])
    with tf.GradientTape() as tape:
        loss = w * w
    return tape.gradient(loss, w)


def p_watch_accessed_false(tf):
    a = tf.Variable(2.0)
    b = tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * a + b * b
    return tape.gradient(y, [a, b])


def p_untrainable_variable(tf):
    a = tf.Variable(2.0, trainable=False)
    b = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = a * b
    return tape.gradient(y, [a, b])


def p_nested_sources(tf):
    x = tf.Variable(2.0)
    y = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        z = x * x * y
    return tape.gradient(z, {"b": [x], "a": (y, x)})


def p_nested_targets(tf):
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y1 = x * x
        y2 = x * 3.0
    return tape.gradient({"t1": y1, "t2": [y2, y1]}, x)


def p_nonscalar_target(tf):
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = x * x
    return tape.gradient(y, x)


def p_output_gradients(tf):
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = x * x
    return tape.gradient(y, x, output_gradients=tf.constant([1.0, 10.0, 100.0]))


def p_unconnected(tf):
    x = tf.Variable(2.0)
    y = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        z = x * 2.0
    return [tape.gradient(z, [x, y]), tape.gradient(z, [x, y], unconnected_gradients=tf.UnconnectedGradients.ZERO)]


def p_integer_source(tf):
    x = tf.constant(3)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    return [tape.gradient(y, x)]


def p_cast_to_int_breaks_gradient(tf):
    x = tf.Variable(2.5)
    with tf.GradientTape() as tape:
        y = tf.cast(tf.cast(x, tf.int32), tf.float32) * 2.0
    return [tape.gradient(y, x)]


def p_assign_between_reads(tf):
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        a = v * 3.0
        v.assign(5.0)
        b = v * v
        total = a + b
    return tape.gradient(total, v)


def p_stop_gradient(tf):
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * tf.stop_gradient(x * x)
    return tape.gradient(y, x)


def p_non_persistent_twice(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    g.gradient(y, x)
    return g.gradient(y, x)


def p_persistent_many(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
        z = y * y
    return [g.gradient(z, x), g.gradient(y, x), g.gradient(z, y)]


def p_intermediate_source(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
        z = y * y
    return g.gradient(z, y)


def p_gradient_inside_context_persistent(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x * x
        dy = g.gradient(y, x)
    return [dy, g.gradient(dy, x)]


def p_control_flow(tf):
    x = tf.constant(1.0)
    v0 = tf.Variable(2.0)
    v1 = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        if x > 0.0:
            result = v0
        else:
            result = v1 ** 2
    return [tape.gradient(result, [v0, v1]), tape.gradient(result, x)]


def p_loop(tf):
    x = tf.Variable(1.5)
    with tf.GradientTape() as tape:
        y = x
        for i in range(5):
            if i % 2:
                y = y * x
            else:
                y = tf.sin(y) + x
    return tape.gradient(y, x)


def p_second_derivative(tf):
    x = tf.Variable(1.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = x * x * x
        dy_dx = t1.gradient(y, x)
    d2y_dx2 = t2.gradient(dy_dx, x)
    return [dy_dx, d2y_dx2]


def p_third_derivative(tf):
    x = tf.constant(0.7)
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = tf.sin(x) * x
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    return [d1, d2, t3.gradient(d2, x)]


def p_hessian_vector_product(tf):
    x = tf.Variable([1.0, 2.0, 3.0])
    v = tf.constant([1.0, 0.0, -1.0])
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(x * x * x)
        g = inner.gradient(y, x)
        gv = tf.reduce_sum(g * v)
    return outer.gradient(gv, x)


def p_mixed_inner_outer_sources(tf):
    x = tf.constant(2.0)
    y = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(y)
            z = x * y * y
        dz_dy = inner.gradient(z, y)
    return [dz_dy, outer.gradient(dz_dy, x)]


def p_stop_recording(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
        with g.stop_recording():
            z = y * x
        w = y + z
    return g.gradient(w, x)


def p_reset(tf):
    x = tf.Variable(3.0)
    with tf.GradientTape() as g:
        x * x  # recorded, then forgotten by reset()
        g.reset()
        z = x * 5.0
    return g.gradient(z, x)


def p_watched_variables(tf):
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    tf.Variable(3.0, name="c")
    with tf.GradientTape() as g:
        b * a
    return [v.name for v in g.watched_variables()]


def p_watch_nested(tf):
    x = tf.constant(1.0)
    y = tf.constant(2.0)
    with tf.GradientTape() as g:
        g.watch({"x": x, "y": [y]})
        z = x * y
    return g.gradient(z, [x, y])


def p_gradient_of_source_itself(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
    return g.gradient(x, x)


def p_float64(tf):
    x = tf.Variable(np.array([1.0, 2.0]))
    with tf.GradientTape() as g:
        y = x * x * 3.0
    return g.gradient(y, x)


def p_module_gradients(tf):
    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.W = tf.Variable(5.0, name="weight")
            self.B = tf.Variable(10.0, name="bias")

        def __call__(self, inputs):
            return inputs * self.W + self.B

    model = Model()
    xs = tf.constant(np.linspace(-1.0, 1.0, 20).astype(np.float32))
    ys = xs * 3.0 + 2.0
    with tf.GradientTape() as tape:
        err = model(xs) - ys
        loss = tf.reduce_mean(tf.square(err))
    return [loss, tape.gradient(loss, [model.W, model.B])]


def p_guide_line_search(tf):
    def line_search_step(fn, init_x, rate=1.0):
        with tf.GradientTape() as tape:
            tape.watch(init_x)
            value = fn(init_x)
        grad = tape.gradient(value, init_x)
        grad_norm = tf.reduce_sum(grad * grad)
        init_value = value
        while value > init_value - rate * grad_norm:
            x = init_x - rate * grad
            value = fn(x)
            rate /= 2.0
        return x, value

    return line_search_step(lambda x: tf.reduce_sum((x - 1.5) ** 2), tf.constant([3.0, -1.0]))


def p_jacobian(tf):
    x = tf.Variable([1.0, 2.0])
    w = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.sin(tf.matmul(x[tf.newaxis, :], w))
    return [tape.jacobian(y, x), tape.jacobian(y, w), tape.jacobian(y, [x, w])]


def p_jacobian_unconnected(tf):
    x = tf.Variable([1.0, 2.0])
    z = tf.Variable([3.0])
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
    return [tape.jacobian(y, z), tape.jacobian(y, z, unconnected_gradients=tf.UnconnectedGradients.ZERO)]


def p_batch_jacobian(tf):
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3) / 5.0)
    w = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4) / 10.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.tanh(tf.matmul(x, w))
    return tape.batch_jacobian(y, x)


def p_bad_source(tf):
    x = tf.constant(1.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * 2.0
    return g.gradient(y, "x")


def p_maximum_minimum_ties(tf):
    x = tf.constant([1.0, 2.0, float("nan")])
    y = tf.constant([1.0, 3.0, 0.0])
    with tf.GradientTape(persistent=True) as t:
        t.watch([x, y])
        hi = tf.maximum(x, y)
        lo = tf.minimum(x, y)
    return [hi, lo, t.gradient(hi, [x, y]), t.gradient(lo, [x, y])]


PROGRAMS = [v for k, v in sorted(globals().items()) if k.startswith("p_")]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__[2:])
def test_program_matches_tf(program, tf_ref):
    both(tf_ref, program)


def test_non_persistent_error_message(tf_ref):
    ref, got = both(tf_ref, p_non_persistent_twice)
    assert isinstance(got, RuntimeError) and str(got) == str(ref)


def test_integer_source_warns(caplog):
    with caplog.at_level("WARNING", logger="tfshim"):
        p_integer_source(tfshim)
    assert "must be floating" in caplog.text


def test_persistent_tape_freed_when_object_goes():
    import weakref

    x = tfshim.constant(3.0)
    with tfshim.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
    ref = weakref.ref(y)
    g.gradient(y, x)
    del g, y
    gc.collect()
    assert ref() is None


def test_non_persistent_releases_after_gradient():
    x = tfshim.constant(3.0)
    with tfshim.GradientTape() as g:
        g.watch(x)
        y = x * x
    g.gradient(y, x)
    assert not g._tracked and not g._producer


def test_gradient_inside_context_warns(caplog):
    x = tfshim.constant(3.0)
    with caplog.at_level("WARNING", logger="tfshim"):
        with tfshim.GradientTape(persistent=True) as g:
            g.watch(x)
            y = x * x
            g.gradient(y, x)
    assert "less efficient" in caplog.text


def test_reentering_active_tape_raises():
    g = tfshim.GradientTape()
    with g:
        with pytest.raises(ValueError):
            g.__enter__()


def p_gradient_inside_context_non_persistent(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
        dy = g.gradient(y, x)
        z = dy * x  # no longer recorded: the tape stopped when differentiated
    return [dy, z]


def p_hessian(tf):
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = tf.reduce_sum(tf.sin(x) * x[0] * x[1])
        g = t1.gradient(y, x)
    return t2.jacobian(g, x)


def p_small_cnn_train_step(tf):
    # The guide's MNIST train_step with plain tf.nn ops (Keras comes later): conv → relu → pool → dense.
    rng = np.random.default_rng(0)
    images = tf.constant(rng.random((4, 8, 8, 1)).astype(np.float32))
    labels = tf.constant(np.array([0, 1, 2, 1], np.int32))
    k = tf.Variable(rng.standard_normal((3, 3, 1, 4)).astype(np.float32) * 0.3)
    w = tf.Variable(rng.standard_normal((64, 3)).astype(np.float32) * 0.1)
    b = tf.Variable(np.zeros(3, np.float32))
    with tf.GradientTape() as tape:
        h = tf.nn.relu(tf.nn.conv2d(images, k, strides=1, padding="SAME"))
        h = tf.nn.max_pool2d(h, ksize=2, strides=2, padding="VALID")
        logits = tf.matmul(tf.reshape(h, [4, -1]), w) + b
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    return [loss, tape.gradient(loss, [k, w, b])]


PROGRAMS = [v for k, v in sorted(globals().items()) if k.startswith("p_")]


@pytest.mark.parametrize("program", [p_gradient_inside_context_non_persistent, p_hessian, p_small_cnn_train_step],
                         ids=lambda p: p.__name__[2:])
def test_more_programs_match_tf(program, tf_ref):
    both(tf_ref, program)


def test_tapes_are_thread_local():
    """As in TF, a tape records only its own thread's ops; two threads training at once give the
    same results as running one after the other."""
    import threading

    tf = tfshim

    def train(seed, out):
        rng = np.random.default_rng(seed)
        xs = tf.constant(rng.standard_normal(64).astype(np.float32))
        ys = xs * 3.0 + 2.0
        w, b = tf.Variable(5.0), tf.Variable(10.0)
        for _ in range(30):
            with tf.GradientTape() as t:
                loss = tf.reduce_mean(tf.square(xs * w + b - ys))
            dw, db = t.gradient(loss, [w, b])
            w.assign_sub(0.1 * dw)
            b.assign_sub(0.1 * db)
        out[seed] = (float(w.numpy()), float(b.numpy()))

    sequential, parallel = {}, {}
    for s in (1, 2):
        train(s, sequential)
    threads = [threading.Thread(target=train, args=(s, parallel)) for s in (1, 2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert parallel == sequential

    x = tf.constant(2.0)
    with tf.GradientTape() as g:
        g.watch(x)
        th = threading.Thread(target=lambda: x * x)  # another thread's op: not recorded here
        th.start()
        th.join()
        y = x * 3.0
    assert len(g._producer) == 1 and float(g.gradient(y, x)) == 3.0
