"""tf.custom_gradient, tf.recompute_grad and tf.autodiff.ForwardAccumulator against real TF."""

from __future__ import annotations

import numpy as np
import pytest
from test_tape import both

import tfshim


def _log1pexp(tf):
    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))

        return tf.math.log(1 + e), grad

    return log1pexp


def p_guide_log1pexp(tf):
    log1pexp = _log1pexp(tf)
    out = []
    for v in (0.0, 100.0, -3.0):
        x = tf.constant(v)
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = log1pexp(x)
        out.append([value, tape.gradient(value, x)])
    return out


def p_guide_clip_gradient_by_norm(tf):
    @tf.custom_gradient
    def clip_gradient_by_norm(x, norm):
        y = tf.identity(x)

        def grad_fn(dresult):
            return [tf.clip_by_norm(dresult, norm), None]

        return y, grad_fn

    x = tf.constant([3.0, 4.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = clip_gradient_by_norm(x * 10.0, 2.0)
        z = y * y
    return [y, t.gradient(z, x)]


def p_list_gradient_two_inputs(tf):
    @tf.custom_gradient
    def f(a, b):
        def grad(dy):
            return [dy * 2.0, dy * 3.0]

        return a * b, grad

    a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    with tf.GradientTape() as t:
        t.watch([a, b])
        y = f(a, b)
    return t.gradient(y, [a, b])


def p_custom_gradient_with_variables(tf):
    v = tf.Variable([2.0, 3.0])

    @tf.custom_gradient
    def f(x):
        y = x * v

        def grad(dy, variables=None):
            return dy * 10.0, [dy * 100.0]

        return y, grad

    x = tf.constant([1.0, 1.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(f(x))
    return t.gradient(y, [x, v])


def p_custom_gradient_in_chain(tf):
    log1pexp = _log1pexp(tf)
    x = tf.Variable([0.5, -1.0, 2.0])
    with tf.GradientTape() as t:
        y = tf.reduce_sum(tf.sin(log1pexp(x * 2.0)) * 3.0)
    return t.gradient(y, x)


def p_nested_custom_gradient(tf):
    @tf.custom_gradient
    def inner(x):
        def g(dy):
            return dy * 7.0

        return x * 2.0, g

    @tf.custom_gradient
    def outer(x):
        y = inner(x)

        def g(dy):
            return dy * 0.5

        return y * 3.0, g

    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = outer(x) + inner(x)
    return t.gradient(y, x)


def p_second_order_through_custom_gradient(tf):
    @tf.custom_gradient
    def cube(x):
        def g(dy):
            return dy * 3.0 * x * x

        return x * x * x, g

    x = tf.constant(2.0)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = cube(x)
        dy = t1.gradient(y, x)
    return [dy, t2.gradient(dy, x)]


def p_recompute_grad(tf):
    f = tf.recompute_grad(lambda x: tf.sin(x) * x)
    x = tf.constant([0.3, 1.2])
    with tf.GradientTape() as t:
        t.watch(x)
        y = f(x)
    return [y, t.gradient(y, x)]


def p_forward_accumulator(tf):
    x = tf.constant([1.0, 2.0])
    v = tf.constant([1.0, 0.5])
    with tf.autodiff.ForwardAccumulator(x, v) as acc:
        y = tf.sin(x) * x * x
    return [y, acc.jvp(y)]


def p_forward_accumulator_variable(tf):
    w = tf.Variable([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(w, tf.constant([1.0, 0.0])) as acc:
        y = tf.reduce_sum(w * w * 3.0)
    return acc.jvp(y)


def p_forward_accumulator_unconnected(tf):
    x = tf.constant(1.0)
    z = tf.constant(2.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        y = z * 2.0
    return [acc.jvp(y), acc.jvp(y, unconnected_gradients=tf.UnconnectedGradients.ZERO)]


def p_forward_over_backward_hvp(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    v = tf.constant([1.0, 0.0, 0.0])
    with tf.autodiff.ForwardAccumulator(x, v) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(x * x * x)
        g = tape.gradient(y, x)
    return acc.jvp(g)


PROGRAMS = [v for k, v in sorted(globals().items()) if k.startswith("p_")]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__[2:])
def test_program_matches_tf(program, tf_ref):
    both(tf_ref, program)


def test_log1pexp_gradient_at_100_is_finite():
    (v0, g0), (v100, g100), _ = p_guide_log1pexp(tfshim)
    assert np.isclose(g0.numpy(), 0.5) and np.isclose(g100.numpy(), 1.0)


def test_grad_fn_wrong_count_is_clear_error():
    @tfshim.custom_gradient
    def f(a, b):
        return a * b, lambda dy: dy

    a = tfshim.constant(1.0)
    with tfshim.GradientTape() as t:
        t.watch(a)
        y = f(a, tfshim.constant(2.0))
    with pytest.raises(ValueError, match="grad_fn returned 1 gradients for 2 inputs"):
        t.gradient(y, a)


def test_forward_mode_through_custom_gradient_is_clear_error():
    log1pexp = _log1pexp(tfshim)
    x = tfshim.constant(1.0)
    with pytest.raises(tfshim.errors.UnimplementedError, match="custom_gradient"):
        with tfshim.autodiff.ForwardAccumulator(x, tfshim.constant(1.0)):
            log1pexp(x)
