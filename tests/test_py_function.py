"""tf.py_function / tf.numpy_function (issue 17 §2): eager, inside tf.function (host callback) and inside
Dataset.map, compared with real TensorFlow: values, dtypes, error classes, gradients."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
from oracle import assert_same

X = np.array([1.0, 2.0, 3.0], np.float32)

EAGER = {
    "py single": lambda t: t.py_function(lambda a: a * 2, [t.constant(X)], t.float32),
    "py list Tout": lambda t: t.py_function(lambda a: a * 2, [t.constant(X)], [t.float32]),
    "py two outputs": lambda t: t.py_function(lambda a: (a * 2, a), [t.constant(X)], [t.float32, t.float32]),
    "py no outputs": lambda t: t.py_function(lambda a: None, [t.constant(X)], []),
    "py python result": lambda t: t.py_function(lambda a: 3, [t.constant(X)], t.float32),
    "py numpy f64 result": lambda t: t.py_function(lambda a: np.array([1.0, 2.0]), [t.constant(X)], t.float32),
    "py wrong dtype": lambda t: t.py_function(lambda a: a * 2, [t.constant(X)], t.int32),
    "py raises ZeroDivision": lambda t: t.py_function(lambda a: 1 / 0, [t.constant(X)], t.float32),
    "py raises ValueError": lambda t: t.py_function(lambda a: int("x"), [t.constant(X)], t.float32),
    "py bare input": lambda t: t.py_function(lambda a: a + 1, t.constant(X), t.float32),
    "py python input": lambda t: t.py_function(lambda a, b: a + b, [t.constant(X), 1.0], t.float32),
    "py too many args": lambda t: t.py_function(lambda a: a, [t.constant(X), 1.0], t.float32),
    "py no Tout": lambda t: t.py_function(lambda a: a, [t.constant(X)]),
    "np single": lambda t: t.numpy_function(lambda a: np.sort(a)[::-1].copy(), [t.constant(X)], t.float32),
    "np keeps f64": lambda t: t.numpy_function(lambda a: a.astype(np.float64), [t.constant(X)], t.float32),
    "np python float": lambda t: t.numpy_function(lambda a: 2.0, [t.constant(X)], t.float64),
    "np list": lambda t: t.numpy_function(lambda a: [a, a * 3], [t.constant(X)], [t.float32, t.float32]),
    "np int input": lambda t: t.numpy_function(lambda a: a * 2, [t.constant([1, 2])], t.int32),
    "np raises": lambda t: t.numpy_function(lambda a: a[10], [t.constant(X)], t.float32),
}


@pytest.mark.parametrize("name", sorted(EAGER))
def test_eager_as_tf(name, tf_ref):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(EAGER[name](lib))
        except Exception as e:  # noqa: BLE001
            out.append(e)
    assert_same(*out, what=name)


def test_input_is_numpy_for_numpy_function_and_tensor_for_py_function():
    seen = []
    tfshim.numpy_function(lambda a: seen.append(type(a)) or a, [tfshim.constant(X)], tfshim.float32)
    tfshim.py_function(lambda a: seen.append(type(a)) or a, [tfshim.constant(X)], tfshim.float32)
    assert seen == [np.ndarray, tfshim.Tensor]


def test_py_function_gradient_eager(tf_ref):
    grads = []
    for lib in (tf_ref, tfshim):
        x = lib.constant(X)
        with lib.GradientTape() as tape:
            tape.watch(x)
            y = lib.py_function(lambda a: a * a + lib.sin(a), [x], lib.float32)
        grads.append(tape.gradient(y, x))
    assert_same(*grads)


def test_decorators(tf_ref):
    for lib in (tf_ref, tfshim):
        @lib.py_function(Tout=lib.float32)
        def triple(a):
            return a * 3

        @lib.numpy_function(Tout=lib.float32)
        def halve(a):
            return a / 2

        np.testing.assert_allclose(triple(lib.constant(X)).numpy(), X * 3)
        np.testing.assert_allclose(halve(lib.constant(X)).numpy(), X / 2)


def test_inside_tf_function_runs_every_call(tf_ref):
    results = []
    for lib in (tf_ref, tfshim):
        calls = []

        def host(a, calls=calls):
            calls.append(1)
            return np.sort(a)

        @lib.function
        def f(a, lib=lib):
            y = lib.numpy_function(host, [a], lib.float32)
            z = lib.py_function(lambda b: b * 10, [a], lib.float32)
            return y + 1, z

        a1 = f(lib.constant([3.0, 1.0, 2.0]))
        n1 = len(calls)
        a2 = f(lib.constant([9.0, 8.0, 7.0]))
        assert len(calls) > n1  # the Python function runs at every call, not only while tracing
        results.append((a1, a2))
    assert_same(results[0], results[1])


def test_inside_tf_function_shape_change_is_an_error():
    @tfshim.function
    def f(a):
        return tfshim.numpy_function(lambda v: v[v > 0], [a], tfshim.float32)

    with pytest.raises(tfshim.errors.InvalidArgumentError, match="static shapes"):
        f(tfshim.constant([1.0, -1.0, 2.0]))


def test_in_dataset_map(tf_ref):
    outs = []
    for lib in (tf_ref, tfshim):
        ds = lib.data.Dataset.range(4).map(lambda i, lib=lib: lib.py_function(lambda j: j * 10, [i], lib.int64))
        ds2 = lib.data.Dataset.from_tensor_slices(X).map(
            lambda v, lib=lib: lib.numpy_function(lambda a: np.float32(a ** 2), [v], lib.float32)).batch(2)
        outs.append((list(ds.as_numpy_iterator()), [b.tolist() for b in ds2.as_numpy_iterator()]))
    assert outs[0] == outs[1]
