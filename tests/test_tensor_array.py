"""tf.TensorArray eagerly, inside tf.function, in tf.while_loop and in AutoGraph loops, compared with real TF."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
from tests.oracle import assert_same


def prog(tf):
    out = []
    ta = tf.TensorArray(tf.float32, size=3)
    ta = ta.write(0, 1.0).write(1, 2.0).write(2, [3.0][0])
    out += [ta.stack(), ta.read(1), ta.size(), ta.gather([2, 0])]
    tb = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    tb = tb.unstack(tf.constant([[1, 2], [3, 4], [5, 6]]))
    out += [tb.stack(), tb.size(), tb.concat()]
    tc = tf.TensorArray(tf.float32, size=0, dynamic_size=True, element_shape=[2])
    out += [tc.stack()]
    @tf.function
    def f(n):
        acc = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(5):
            acc = acc.write(i, tf.cast(i, tf.float32) * n)
        return acc.stack(), acc.size()
    out += list(f(tf.constant(2.0)))
    @tf.function
    def g(x):
        ta = tf.TensorArray(tf.float32, size=x.shape[0])
        for i in tf.range(x.shape[0]):
            ta = ta.write(i, x[i] * 2.0)
        return ta.stack()
    out += [g(tf.constant([[1., 2.], [3., 4.], [5., 6.]]))]
    @tf.function
    def h(x):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        i = 0
        for row in x:
            ta = ta.write(i, tf.reduce_sum(row))
            i += 1
        return ta.stack()
    out += [h(tf.constant(np.arange(12.).reshape(4, 3).astype(np.float32)))]
    def wl(i, ta):
        return i + 1, ta.write(i, tf.cast(i * i, tf.float32))
    @tf.function
    def k():
        ta = tf.TensorArray(tf.float32, size=4, element_shape=[])
        _, ta = tf.while_loop(lambda i, ta: i < 4, wl, (tf.constant(0), ta))
        return ta.stack()
    out += [k()]
    return out


def test_tensor_array_programs_match_tf(tf_ref):
    ref, got = prog(tf_ref), prog(tfshim)
    assert len(ref) == len(got)
    for k, (a, b) in enumerate(zip(ref, got)):
        assert_same(a, b, f"result {k}")


def test_tensor_array_errors(tf_ref):
    for tf in (tf_ref, tfshim):
        ta = tf.TensorArray(tf.float32, size=2)
        with pytest.raises(tf.errors.OutOfRangeError):
            ta.write(5, 1.0)
        with pytest.raises(tf.errors.OutOfRangeError):
            ta.read(7)
        with pytest.raises(tf.errors.InvalidArgumentError):
            ta.write(0, tf.constant(1))


def test_dynamic_array_in_unbounded_while_needs_maximum_iterations():
    tf = tfshim

    @tf.function
    def f(n):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        i = tf.constant(0)
        while i < n:
            ta = ta.write(i, 1.0)
            i += 1
        return ta.stack()

    with pytest.raises(ValueError, match="maximum_iterations"):
        f(tf.constant(3))

    @tf.function
    def g(n):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        i = tf.constant(0)
        while i < n:
            tf.autograph.experimental.set_loop_options(maximum_iterations=3)
            ta = ta.write(i, tf.cast(i, tf.float32))
            i += 1
        return ta.stack()

    np.testing.assert_array_equal(g(tf.constant(3)).numpy(), [0.0, 1.0, 2.0])
