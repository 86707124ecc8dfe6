"""Numeric edge cases against real TF: integer powers, NaN in argmax/argmin, float16 cumsum, softmax with
infinities (TF's Eigen kernels: tests/conftest.py sets TF_ENABLE_ONEDNN_OPTS=0), and shapes too large for
int64 or for memory (InvalidArgumentError / ResourceExhaustedError, never a process abort)."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim

nan, inf = np.nan, np.inf


def _both(tf_ref, f):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(f(lib))
        except Exception as e:  # noqa: BLE001 - compared by the caller
            out.append(e)
    return out


@pytest.mark.parametrize("f", [
    lambda lib: lib.constant(2) ** lib.constant(-1),
    lambda lib: lib.constant(2, lib.int64) ** -1,
    lambda lib: lib.pow(lib.constant([2, 3]), lib.constant([1, -2])),
    lambda lib: 2 ** lib.constant([-1]),
    lambda lib: lib.pow(lib.constant([2, 3]), lib.constant([1, 2])),
    lambda lib: lib.constant([2.0]) ** lib.constant([-1.0]),
])
def test_integer_to_negative_power_raises(f, tf_ref):
    ref, got = _both(tf_ref, f)
    if isinstance(ref, Exception):
        assert isinstance(got, tfshim.errors.InvalidArgumentError), got
        assert "negative integer powers" in str(got)
    else:
        np.testing.assert_array_equal(got.numpy(), ref.numpy())


@pytest.mark.parametrize("v", [[1.0, nan, 3.0], [nan, 1.0], [nan, nan], [1.0, 3.0, nan], [nan, -inf, 1.0],
                               [-inf, nan], [inf, nan, inf], [[nan, 2.0], [1.0, nan]]])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_argmax_argmin_skip_nan(v, dtype, tf_ref):
    for op in ("argmax", "argmin"):
        for axis in (0, -1):
            ref, got = _both(tf_ref, lambda lib: getattr(lib.math, op)(lib.constant(np.array(v, dtype)), axis=axis))
            np.testing.assert_array_equal(got.numpy(), ref.numpy(), err_msg=f"{op}({v}, {axis})")


@pytest.mark.parametrize("x,kw", [
    (np.full(3000, 0.1, np.float16), {}),
    (np.array([60000.0, 10000.0, -20000.0], np.float16), {}),
    (np.full((2, 700), 0.3, np.float16), {"axis": 1, "exclusive": True}),
    (np.full((700, 2), 0.3, np.float16), {"axis": 0, "reverse": True}),
    (np.array([1.0, 1e-4, 1e-4, 1e-4], np.float16), {}),
])
def test_float16_cumsum_adds_in_float16(x, kw, tf_ref):
    ref, got = _both(tf_ref, lambda lib: lib.math.cumsum(lib.constant(x), **kw))
    assert got.dtype.name == "float16"
    np.testing.assert_array_equal(got.numpy(), ref.numpy())


@pytest.mark.parametrize("v", [[inf, 1.0, 2.0], [-inf, 0.0, 1.0], [inf, inf], [-inf, -inf], [nan, 1.0],
                               [inf, -inf], [1000.0, 0.0, -1000.0], [[inf, 0.0], [-inf, 1.0]]])
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_with_infinities_and_nan(v, op, tf_ref):
    for dtype in ("float32", "float64"):
        ref, got = _both(tf_ref, lambda lib: getattr(lib.nn, op)(lib.constant(np.array(v, dtype))))
        np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-6, equal_nan=True, err_msg=f"{op}({v})")


BIG = 2**40


@pytest.mark.parametrize("name,f", [
    ("ones", lambda lib: lib.ones([BIG, BIG])), ("zeros", lambda lib: lib.zeros([BIG, BIG, 4])),
    ("fill", lambda lib: lib.fill([BIG, BIG], 1.0)), ("normal", lambda lib: lib.random.normal([BIG, BIG])),
    ("uniform", lambda lib: lib.random.uniform([BIG, BIG])),
    ("uniform_int", lambda lib: lib.random.uniform([BIG, BIG], maxval=3, dtype=lib.int32)),
    ("stateless_normal", lambda lib: lib.random.stateless_normal([BIG, BIG], seed=[1, 2])),
    ("broadcast_to", lambda lib: lib.broadcast_to(lib.constant(1.0), [BIG, BIG])),
    ("zeros_4tb", lambda lib: lib.zeros([2**40], lib.float32)), ("normal_4tb", lambda lib: lib.random.normal([2**40])),
])
def test_huge_shapes_raise_tf_error_class(name, f, tf_ref):
    ref, got = _both(tf_ref, f)
    assert isinstance(ref, tf_ref.errors.OpError), ref
    assert isinstance(got, tfshim.errors.OpError), f"{name}: tfshim returned {got!r}"
    assert type(got).__name__ == type(ref).__name__, f"{name}: TF {type(ref).__name__}, tfshim {got!r}"
    assert str(BIG) in str(got) or "1099511627776" in str(got)


def test_tensor_times_bool_tensor_is_logical_and(tf_ref):
    """TF's ``*`` operator with a bool tensor on one side is a logical and (tf.multiply raises)."""
    cases = [
        lambda lib: lib.constant([0.5, 0.0, 2.0, -1.5]) * lib.constant([True, True, False, True]),
        lambda lib: lib.constant([True, True, False, True]) * lib.constant([0.5, 0.0, 2.0, -1.5]),
        lambda lib: lib.constant([3, 0, 4, -1]) * lib.constant([True, True, False, True]),
        lambda lib: lib.constant([True, False]) * lib.constant([True, True]),
        lambda lib: lib.Variable([True, False, True]) * lib.constant([0.5, 0.0, 2.0]),
        lambda lib: lib.constant([0.5, 2.0]) * True,
        lambda lib: lib.constant([0.5, 2.0]) * lib.constant([0.5, 2.0]),
    ]
    for f in cases:
        ref, got = _both(tf_ref, f)
        assert got.dtype.name == ref.dtype.name
        np.testing.assert_array_equal(got.numpy(), ref.numpy())
    ref, got = _both(tf_ref, lambda lib: lib.multiply(lib.constant([1.0]), lib.constant([True])))
    assert type(got).__name__ == type(ref).__name__ == "InvalidArgumentError"
