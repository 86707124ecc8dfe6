"""tf.random against real TensorFlow.

The generators differ, so values are not compared. Instead: dtypes and shapes as TF,
distribution statistics, error classes as TF, and TF's seed semantics — the pattern of which
calls in a seeded program return equal numbers must be the same in both libraries.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest

import tfshim
from oracle import assert_same, call_both
from tfshim._src.ops import random as rnd


@pytest.fixture(autouse=True)
def _no_global_seed(tf_ref):
    tfshim.random.set_seed(None)
    yield
    tfshim.random.set_seed(None)
    tf_ref.random.set_seed(None)


SHAPE_CASES = [
    ("random.normal", ([2, 3],), {}),
    ("random.normal", ([4],), {"dtype": "float64", "mean": 1.0, "stddev": 2.0}),
    ("random.normal", ((),), {"dtype": "float16"}),
    ("random.normal", ([0, 3],), {}),
    ("random.uniform", ([5],), {}),
    ("random.uniform", ([2, 2],), {"minval": 3, "maxval": 7, "dtype": "int32"}),
    ("random.uniform", ([3],), {"maxval": 10, "dtype": "int64"}),
    ("random.uniform", ([3],), {"dtype": "bfloat16"}),
    ("random.uniform", ([2, 3],), {"minval": [0.0, 10.0, 20.0], "maxval": [1.0, 11.0, 21.0]}),
    ("random.truncated_normal", ([3, 2],), {}),
    ("random.truncated_normal", ([3],), {"dtype": "float64", "stddev": 0.5}),
    ("random.categorical", ([[0.0, 1.0, 2.0], [1.0, 1.0, 1.0]], 4), {}),
    ("random.categorical", ([[0.0, 1.0]], 3), {"dtype": "int32"}),
    ("random.shuffle", ([[1, 2], [3, 4], [5, 6]],), {}),
    ("random.shuffle", (5,), {}),
    ("random.stateless_normal", ([2, 2],), {"seed": [1, 2]}),
    ("random.stateless_uniform", ([3],), {"seed": [1, 2], "minval": 0, "maxval": 5, "dtype": "int32"}),
    ("random.stateless_uniform", ([3],), {"seed": [1, 2], "minval": None, "maxval": None, "dtype": "int64"}),
    ("random.stateless_truncated_normal", ([3],), {"seed": [3, 4]}),
]


@pytest.mark.parametrize("path,args,kwargs", SHAPE_CASES, ids=lambda v: str(v) if isinstance(v, str) else None)
def test_dtype_and_shape_match_tf(path, args, kwargs, tf_ref):
    ref, got = call_both(path, args, kwargs, tf_ref)
    assert not isinstance(ref, Exception) and not isinstance(got, Exception), (ref, got)
    assert got.dtype.name == ref.dtype.name
    assert got.shape.as_list() == ref.shape.as_list()


ERROR_CASES = [
    ("random.uniform", ([2],), {"dtype": "int32"}),  # ValueError: integer dtype needs maxval
    ("random.uniform", ([2],), {"dtype": "int8", "maxval": 3}),
    ("random.uniform", ([2],), {"dtype": "uint8", "maxval": 3}),
    ("random.uniform", ([2],), {"dtype": "complex64"}),
    ("random.uniform", ([2],), {"minval": 5, "maxval": 3, "dtype": "int32"}),
    ("random.uniform", ([2.5],), {}),
    ("random.normal", ([-1],), {}),
    ("random.normal", ([2],), {"dtype": "int32"}),
    ("random.truncated_normal", ([2],), {"dtype": "int32"}),
    ("random.categorical", ([0.0, 1.0], 3), {}),
    ("random.categorical", ([[0.0, 1.0]], 3), {"dtype": "float32"}),
    ("random.stateless_uniform", ([2],), {"seed": [1], "dtype": "float32"}),
    ("random.stateless_uniform", ([2],), {"seed": [1, 2], "dtype": "int32"}),
]


@pytest.mark.parametrize("path,args,kwargs", ERROR_CASES, ids=lambda v: str(v) if isinstance(v, str) else None)
def test_errors_match_tf(path, args, kwargs, tf_ref):
    ref, got = call_both(path, args, kwargs, tf_ref)
    assert isinstance(ref, Exception), ref
    assert_same(ref, got, path)


def test_mean_dtype_mismatch_is_value_error(tf_ref):
    for lib in (tf_ref, tfshim):
        with pytest.raises(ValueError):
            lib.random.normal([2], mean=lib.constant([1.0, 2.0], lib.float64))


# -- statistics --------------------------------------------------------------------
N = 20000


def test_normal_statistics():
    x = tfshim.random.normal([N], mean=3.0, stddev=2.0).numpy()
    assert x.dtype == np.float32
    assert abs(x.mean() - 3.0) < 0.1 and abs(x.std() - 2.0) < 0.1


def test_normal_float64_and_float16():
    x = tfshim.random.normal([N], dtype=tfshim.float64).numpy()
    assert x.dtype == np.float64 and abs(x.mean()) < 0.05 and abs(x.std() - 1) < 0.05
    h = tfshim.random.normal([N], dtype=tfshim.float16).numpy()
    assert h.dtype == np.float16 and abs(h.astype(np.float32).std() - 1) < 0.05


def test_uniform_float_range_and_mean():
    x = tfshim.random.uniform([N], minval=-2.0, maxval=4.0).numpy()
    assert x.min() >= -2.0 and x.max() < 4.0
    assert abs(x.mean() - 1.0) < 0.1
    assert abs(x.std() - 6 / np.sqrt(12)) < 0.1


def test_uniform_default_is_unit_interval():
    x = tfshim.random.uniform([N]).numpy()
    assert 0.0 <= x.min() and x.max() < 1.0 and abs(x.mean() - 0.5) < 0.02


def test_uniform_int_covers_range():
    x = tfshim.random.uniform([N], minval=-3, maxval=4, dtype=tfshim.int32).numpy()
    assert x.dtype == np.int32
    assert set(np.unique(x)) == set(range(-3, 4))
    counts = np.bincount(x + 3)
    assert counts.min() > N / 7 * 0.8


def test_uniform_broadcasts_bounds():
    x = tfshim.random.uniform([1000, 3], minval=[0.0, 10.0, 20.0], maxval=[1.0, 11.0, 21.0]).numpy()
    for j, lo in enumerate((0.0, 10.0, 20.0)):
        assert lo <= x[:, j].min() and x[:, j].max() < lo + 1


def test_truncated_normal_within_two_stddev():
    x = tfshim.random.truncated_normal([N], mean=1.0, stddev=0.5).numpy()
    assert x.min() >= 0.0 and x.max() <= 2.0
    # std of a standard normal truncated to [-2, 2] is about 0.88
    assert abs(x.std() / 0.5 - 0.88) < 0.03
    assert abs(x.mean() - 1.0) < 0.02


def test_categorical_frequencies():
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 1e-30]], np.float32))
    s = tfshim.random.categorical(logits, 5000).numpy()
    assert s.dtype == np.int64 and s.shape == (2, 5000)
    f0 = np.bincount(s[0], minlength=3) / 5000
    np.testing.assert_allclose(f0, [0.1, 0.2, 0.7], atol=0.03)
    assert set(np.unique(s[1])) <= {0, 1}


def test_categorical_neg_inf_logits_never_drawn():
    s = tfshim.random.categorical([[0.0, -np.inf, 0.0]], 500).numpy()
    assert 1 not in set(s.reshape(-1))


def test_shuffle_is_a_permutation_of_rows():
    x = np.arange(20).reshape(10, 2)
    y = tfshim.random.shuffle(x).numpy()
    assert sorted(map(tuple, y)) == sorted(map(tuple, x))
    assert all(r[1] == r[0] + 1 for r in y)  # rows move as a whole
    many = {tuple(tfshim.random.shuffle(np.arange(10)).numpy()) for _ in range(5)}
    assert len(many) > 1


# -- seeds ---------------------------------------------------------------------------------------
def _program(lib):
    """A sequence of random calls mixing global and op seeds (and set_seed resets)."""

    def u(**k):
        return float(lib.random.uniform([], **k))

    out = [u(), u()]  # unseeded
    lib.random.set_seed(1)
    out += [u(), u(), u(seed=5), u(seed=5), float(lib.random.normal([], seed=5)), u(seed=7)]
    lib.random.set_seed(1)
    out += [u(seed=5), u(), u(seed=5), u()]
    lib.random.set_seed(2)
    out += [u(), u(seed=5)]
    lib.random.set_seed(1)
    out += [u(), u()]
    lib.random.set_seed(None)
    out += [u(), u()]
    return out


def _equal_pairs(vals):
    return {(i, j) for i in range(len(vals)) for j in range(i + 1, len(vals)) if vals[i] == vals[j]}


def test_seed_semantics_match_tf(tf_ref):
    """Which calls repeat a number (set_seed resets; op seeds continue a stream) is the same as TF."""
    ref = _equal_pairs(_program(tf_ref))
    tf_ref.random.set_seed(None)
    got = _equal_pairs(_program(tfshim))
    assert got == ref


def test_set_seed_makes_sequence_reproducible():
    def run():
        tfshim.random.set_seed(1234)
        return [tfshim.random.normal([3]).numpy(), tfshim.random.uniform([2], seed=3).numpy(),
                tfshim.random.categorical([[0.0, 0.0, 0.0]], 8).numpy(), tfshim.random.shuffle(np.arange(8)).numpy(),
                tfshim.random.truncated_normal([3], seed=9).numpy()]

    a, b = run(), run()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_same_op_seed_twice_differs_and_unseeded_differ():
    tfshim.random.set_seed(7)
    a, b = tfshim.random.normal([4], seed=1).numpy(), tfshim.random.normal([4], seed=1).numpy()
    assert not np.array_equal(a, b)
    tfshim.random.set_seed(None)
    c, d = tfshim.random.normal([4]).numpy(), tfshim.random.normal([4]).numpy()
    assert not np.array_equal(c, d)


def test_stateless_ops_are_deterministic():
    a = tfshim.random.stateless_normal([5], seed=[1, 2]).numpy()
    b = tfshim.random.stateless_normal([5], seed=tfshim.constant([1, 2])).numpy()
    c = tfshim.random.stateless_normal([5], seed=[1, 3]).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    u = tfshim.random.stateless_uniform([N], seed=[4, 5], minval=2.0, maxval=3.0).numpy()
    assert 2.0 <= u.min() and u.max() < 3.0 and abs(u.mean() - 2.5) < 0.02


def test_next_key_is_the_single_key_source():
    tfshim.random.set_seed(3)
    k1 = rnd.next_key()
    k2 = rnd.next_key(op_seed=4)
    tfshim.random.set_seed(3)
    np.testing.assert_array_equal(rnd.next_key(), k1)
    np.testing.assert_array_equal(rnd.next_key(op_seed=4), k2)
    assert jax.random.normal(k1, (2,)).shape == (2,)


def test_state_snapshot_restore_replays():
    tfshim.random.set_seed(11)
    tfshim.random.normal([2])
    snap = rnd.RANDOM.snapshot()
    a = tfshim.random.normal([3]).numpy()
    rnd.RANDOM.restore(snap)
    np.testing.assert_array_equal(tfshim.random.normal([3]).numpy(), a)


def test_gradient_flows_to_mean_stddev_and_bounds(tf_ref):
    """TF's random ops are affine in their parameters: d sum(normal)/d mean = n, and for uniform
    d/dminval + d/dmaxval = n (each sample is u * (max - min) + min)."""
    res = []
    for lib in (tf_ref, tfshim):
        m, s = lib.constant(1.0), lib.constant(2.0)
        with lib.GradientTape() as tape:
            tape.watch([m, s])
            total = lib.reduce_sum(lib.random.normal([3, 4], mean=m, stddev=s))
        gm, gs = tape.gradient(total, [m, s])
        res.append((float(gm), gs is not None))
    assert res[0] == res[1] == (12.0, True)
    with tfshim.GradientTape() as tape:
        lo, hi = tfshim.constant(-1.0), tfshim.constant(3.0)
        tape.watch([lo, hi])
        total2 = tfshim.reduce_sum(tfshim.random.uniform([5], minval=lo, maxval=hi))
    glo, ghi = tape.gradient(total2, [lo, hi])
    assert float(glo) + float(ghi) == pytest.approx(5.0, rel=1e-5)


def test_public_names():
    for n in ("set_seed", "normal", "uniform", "truncated_normal", "categorical", "shuffle", "stateless_normal",
              "stateless_uniform"):
        assert callable(getattr(tfshim.random, n))
    with pytest.raises(AttributeError, match="does not implement tf.random.no_such_thing"):
        tfshim.random.no_such_thing  # noqa: B018
