"""Reductions beyond the op table: result types, axis forms, error classes and gradients, against real TF."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
from oracle import assert_same


def _both(tf_ref, fn):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(fn(lib))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append(e)
    return out


X = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 11.5


@pytest.mark.parametrize("axis", [None, 0, -1, [0, 2], (1,), [], [-3, 1]])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduce_sum_axis_forms(tf_ref, axis, keepdims):
    ref, got = _both(tf_ref, lambda lib: lib.reduce_sum(lib.constant(X), axis=axis, keepdims=keepdims))
    assert_same(ref, got, f"reduce_sum axis={axis}")


@pytest.mark.parametrize("axis", [3, -4, [0, 0], [1, -2]])
def test_bad_axis_raises_invalid_argument(tf_ref, axis):
    for op in ("reduce_sum", "reduce_max", "reduce_mean"):
        ref, got = _both(tf_ref, lambda lib: getattr(lib, op)(lib.constant(X), axis=axis))
        assert isinstance(ref, tf_ref.errors.InvalidArgumentError)
        assert isinstance(got, tfshim.errors.InvalidArgumentError), got


def test_axis_as_tensor_and_numpy(tf_ref):
    for axis in (np.array([0, 2]), np.int64(1)):
        ref, got = _both(tf_ref, lambda lib: lib.reduce_prod(lib.constant(X), axis=lib.constant(axis)))
        assert_same(ref, got)


def test_integer_dtype_rules(tf_ref):
    x = np.array([[-7, 2, 3], [5, -1, 100]], np.int32)
    for op in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"):
        for axis in (None, 0, 1):
            ref, got = _both(tf_ref, lambda lib: getattr(lib, op)(lib.constant(x), axis=axis))
            assert_same(ref, got, f"{op} axis={axis}")
    big = np.array([2**31 - 1, 2**31 - 1], np.int32)
    assert_same(*_both(tf_ref, lambda lib: lib.reduce_mean(lib.constant(big))), "mean without overflow")
    assert_same(*_both(tf_ref, lambda lib: lib.reduce_sum(lib.constant(big))), "sum wraps")


def test_bool_only_for_all_any(tf_ref):
    b = np.array([[True, False], [True, True]])
    for op in ("reduce_all", "reduce_any"):
        assert_same(*_both(tf_ref, lambda lib: getattr(lib, op)(lib.constant(b), axis=1, keepdims=True)), op)
    for op in ("reduce_sum", "reduce_mean", "reduce_max"):
        ref, got = _both(tf_ref, lambda lib: getattr(lib, op)(lib.constant(b)))
        assert_same(ref, got, op)
        assert isinstance(got, tfshim.errors.InvalidArgumentError)


def test_std_variance_reject_ints(tf_ref):
    for op in ("reduce_std", "reduce_variance"):
        ref, got = _both(tf_ref, lambda lib: getattr(lib.math, op)(lib.constant([1, 2, 3])))
        assert isinstance(ref, TypeError) and isinstance(got, TypeError)


def test_empty_reductions(tf_ref):
    for op in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"):
        for dt in ("float32", "int32"):
            ref, got = _both(tf_ref, lambda lib: getattr(lib, op)(lib.zeros([0, 3], dtype=dt), axis=0))
            assert_same(ref, got, f"{op} {dt} empty")


def test_logsumexp_infinities(tf_ref):
    x = np.array([[-np.inf, -np.inf], [np.inf, 1.0], [1000.0, 1000.0]], np.float32)
    assert_same(*_both(tf_ref, lambda lib: lib.math.reduce_logsumexp(lib.constant(x), axis=1)))


def test_argmax_defaults_and_types(tf_ref):
    x = np.array([[1, 9, 9], [4, 0, 4]], np.int32)
    for fn in ("argmax", "argmin"):
        assert_same(*_both(tf_ref, lambda lib: getattr(lib.math, fn)(lib.constant(x))), fn)
        got = getattr(tfshim, fn)(x)
        assert got.dtype == tfshim.int64
        for axis in ([1], (1, 0), np.array([1], np.int32)):
            ref, got = _both(tf_ref, lambda lib: getattr(lib, fn)(lib.constant(x), axis=axis))
            assert_same(ref, got, f"{fn} axis={axis!r}")
        ref, got = _both(tf_ref, lambda lib: getattr(lib, fn)(lib.constant(x), 1, output_type=lib.float32))
        assert_same(ref, got)


def test_top_k_result_type(tf_ref):
    x = np.array([[1.0, 5.0, 5.0, -2.0]], np.float32)
    got = tfshim.math.top_k(x, k=3)
    ref = tf_ref.math.top_k(x, k=3)
    assert type(got).__name__ == "TopKV2" and got._fields == ("values", "indices")
    assert got.indices.dtype == tfshim.int32
    assert_same(tuple(ref), tuple(got))
    assert_same(tf_ref.nn.top_k(x, 2).indices, tfshim.nn.top_k(x, 2).indices)


def test_top_k_gradient_routes_to_indices(tf_ref):
    x = np.array([[3.0, 1.0, 4.0, 1.5], [2.0, 7.0, 1.0, 8.0]], np.float32)
    grads = []
    for lib in (tf_ref, tfshim):
        t = lib.constant(x)
        with lib.GradientTape() as tape:
            tape.watch(t)
            v = lib.math.top_k(t, 2).values
            y = lib.reduce_sum(v * lib.constant([[1.0, 10.0]]))
        grads.append(tape.gradient(y, t))
    assert_same(*grads)


def test_cumsum_cumprod_flags(tf_ref):
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]], np.float64)
    for fn in ("cumsum", "cumprod"):
        for exclusive in (False, True):
            for reverse in (False, True):
                ref, got = _both(tf_ref, lambda lib: getattr(lib.math, fn)(
                    lib.constant(x), axis=1, exclusive=exclusive, reverse=reverse))
                assert_same(ref, got, f"{fn} ex={exclusive} rev={reverse}")


def test_count_nonzero(tf_ref):
    x = np.array([[0.0, 1.0, np.nan], [0.0, 0.0, 2.0]], np.float32)
    for kw in ({}, {"axis": 1}, {"axis": 0, "keepdims": True}, {"dtype": "int32"}, {"dtype": "float32"}):
        assert_same(*_both(tf_ref, lambda lib: lib.math.count_nonzero(lib.constant(x), **kw)), str(kw))


def test_reductions_on_variables_and_in_function(tf_ref):
    v = tfshim.Variable(X)
    np.testing.assert_allclose(tfshim.reduce_sum(v, axis=1).numpy(), X.sum(axis=1), rtol=1e-6)

    @tfshim.function
    def f(t):
        return tfshim.reduce_mean(t, axis=[0, 2]), tfshim.math.argmax(t, axis=2)

    m, a = f(tfshim.constant(X))
    np.testing.assert_allclose(m.numpy(), X.mean(axis=(0, 2)), rtol=1e-6)
    np.testing.assert_array_equal(a.numpy(), X.argmax(axis=2))
    assert a.dtype == tfshim.int64


def test_reduce_max_gradient_splits_ties(tf_ref):
    x = np.array([[2.0, 2.0, 1.0], [3.0, 0.0, 3.0]], np.float32)
    grads = []
    for lib in (tf_ref, tfshim):
        t = lib.constant(x)
        with lib.GradientTape() as tape:
            tape.watch(t)
            y = lib.reduce_sum(lib.reduce_max(t, axis=1) * lib.constant([1.0, 4.0]))
        grads.append(tape.gradient(y, t))
    assert_same(*grads)
