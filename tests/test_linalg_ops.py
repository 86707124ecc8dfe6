"""Linear algebra beyond the op table: operators, error classes, singular matrices, gradients, against real TF."""

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


RNG = np.random.default_rng(3)
A = RNG.uniform(-1, 1, (2, 3)).astype(np.float32)
B = RNG.uniform(-1, 1, (3, 4)).astype(np.float32)


def test_matmul_operator_and_reflected(tf_ref):
    assert_same(*_both(tf_ref, lambda lib: lib.constant(A) @ lib.constant(B)), "a @ b")
    assert_same(*_both(tf_ref, lambda lib: A @ lib.constant(B)), "ndarray @ tensor")
    assert_same(*_both(tf_ref, lambda lib: lib.constant(A) @ B), "tensor @ ndarray")
    v = tfshim.Variable(B)
    np.testing.assert_allclose((tfshim.constant(A) @ v).numpy(), A @ B, rtol=1e-5)
    np.testing.assert_allclose((v.__rmatmul__(tfshim.constant(A))).numpy(), A @ B, rtol=1e-5)


@pytest.mark.parametrize("a_shape,b_shape", [((3,), (3, 4)), ((2, 3), (3,)), ((2, 3), (2, 3)),
                                             ((5, 2, 3), (4, 3, 2)), ((), (2, 2))])
def test_matmul_shape_errors(tf_ref, a_shape, b_shape):
    a, b = np.ones(a_shape, np.float32), np.ones(b_shape, np.float32)
    ref, got = _both(tf_ref, lambda lib: lib.matmul(lib.constant(a), lib.constant(b)))
    assert_same(ref, got)
    assert isinstance(got, tfshim.errors.InvalidArgumentError)


def test_matmul_dtype_errors(tf_ref):
    ref, got = _both(tf_ref, lambda lib: lib.matmul(lib.constant(A), lib.constant(B.astype(np.float64))))
    assert_same(ref, got)
    ref, got = _both(tf_ref, lambda lib: lib.linalg.matmul(lib.ones([2, 2], lib.bool), lib.ones([2, 2], lib.bool)))
    assert_same(ref, got)
    ref, got = _both(tf_ref, lambda lib: lib.matmul(lib.constant(A), lib.constant(B), transpose_b=True,
                                                     adjoint_b=True))
    assert type(ref) is ValueError and type(got) is ValueError


def test_matmul_gradients_with_flags(tf_ref):
    a = RNG.uniform(-1, 1, (2, 3, 2)).astype(np.float64)
    b = RNG.uniform(-1, 1, (4, 3)).astype(np.float64)
    grads = []
    for lib in (tf_ref, tfshim):
        ta, tb = lib.constant(a), lib.constant(b)
        with lib.GradientTape() as tape:
            tape.watch([ta, tb])
            y = lib.reduce_sum(lib.sin(lib.matmul(ta, tb, transpose_a=True, transpose_b=True)))
        grads.append(tape.gradient(y, [ta, tb]))
    assert_same(*grads)


def test_singular_inverse_and_solve(tf_ref):
    sing = np.array([[1.0, 2.0], [2.0, 4.0]], np.float32)
    for fn in (lambda lib: lib.linalg.inv(lib.constant(sing)),
               lambda lib: lib.linalg.solve(lib.constant(sing), lib.ones([2, 1])),
               lambda lib: lib.linalg.inv(lib.constant([[np.nan, 1.0], [0.0, 1.0]]))):
        ref, got = _both(tf_ref, fn)
        assert isinstance(ref, tf_ref.errors.InvalidArgumentError)
        assert isinstance(got, tfshim.errors.InvalidArgumentError), got
    assert_same(*_both(tf_ref, lambda lib: lib.linalg.det(lib.constant(sing))), "det of singular")


def test_det_of_empty_and_batch(tf_ref):
    assert_same(*_both(tf_ref, lambda lib: lib.linalg.det(lib.ones([0, 0]))))
    x = RNG.uniform(-1, 1, (3, 2, 2)).astype(np.float64)
    assert_same(*_both(tf_ref, lambda lib: lib.linalg.det(lib.constant(x))))


def test_cholesky_not_positive_definite_gives_nan():
    out = tfshim.linalg.cholesky(-tfshim.eye(2)).numpy()
    assert np.isnan(out).any()


def test_cholesky_gradient_is_symmetric(tf_ref):
    b = RNG.uniform(-1, 1, (3, 3))
    spd = b @ b.T + 3 * np.eye(3)
    grads = []
    for lib in (tf_ref, tfshim):
        t = lib.constant(spd)
        with lib.GradientTape() as tape:
            tape.watch(t)
            y = lib.reduce_sum(lib.linalg.cholesky(t) * lib.constant(np.arange(9.0).reshape(3, 3)))
        grads.append(tape.gradient(y, t))
    assert_same(*grads)


def test_norm_values_and_errors(tf_ref):
    x = RNG.uniform(-2, 2, (2, 3, 4)).astype(np.float32)
    for kw in ({}, {"axis": [1, 2]}, {"ord": 2, "axis": (2, 1)}, {"ord": np.inf, "axis": -1, "keepdims": True},
               {"ord": 1, "axis": [0, 2], "keepdims": True}):
        assert_same(*_both(tf_ref, lambda lib: lib.norm(lib.constant(x), **kw)), str(kw))
    for kw in ({"ord": -1}, {"ord": "nuc", "axis": [0, 1]}, {"axis": [0, 1, 2]}, {"ord": "fro"}):
        ref, got = _both(tf_ref, lambda lib: lib.linalg.norm(lib.constant(x), **kw))
        if isinstance(ref, Exception):
            assert type(got).__name__ == type(ref).__name__, (kw, ref, got)
        else:
            assert_same(ref, got, str(kw))


def test_einsum_and_tensordot_errors(tf_ref):
    a, b = np.ones((2, 3), np.float32), np.ones((3, 4), np.float32)
    cases = [
        lambda lib: lib.einsum("ij,jk->ik", lib.constant(a), lib.constant(a)),
        lambda lib: lib.einsum("ij,jk->ik", lib.constant(a)),
        lambda lib: lib.einsum("...ij,...jk", lib.ones([2, 2, 3]), lib.ones([2, 3, 4])),
        lambda lib: lib.tensordot(lib.constant(a), lib.constant(b), 3),
        lambda lib: lib.tensordot(lib.constant(a), lib.constant(a), 1),
        lambda lib: lib.linalg.tensordot(lib.constant(a), lib.constant(b), [[1], [0, 1]]),
    ]
    for fn in cases:
        ref, got = _both(tf_ref, fn)
        assert isinstance(ref, Exception)
        assert type(got).__name__ == type(ref).__name__, (ref, got)


def test_einsum_gradient(tf_ref):
    a = RNG.uniform(-1, 1, (2, 3, 4))
    b = RNG.uniform(-1, 1, (4, 5))
    grads = []
    for lib in (tf_ref, tfshim):
        ta, tb = lib.constant(a), lib.constant(b)
        with lib.GradientTape() as tape:
            tape.watch([ta, tb])
            y = lib.reduce_sum(lib.einsum("bij,jk->bik", ta, tb) ** 2)
        grads.append(tape.gradient(y, [ta, tb]))
    assert_same(*grads)


def test_diag_family(tf_ref):
    d = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
    for kw in ({}, {"k": 1}, {"k": -2}, {"num_rows": 4}, {"num_cols": 5, "k": 1, "padding_value": 7}):
        assert_same(*_both(tf_ref, lambda lib: lib.linalg.diag(lib.constant(d), **kw)), f"diag {kw}")
    m = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    for k in (0, 2, -1):
        assert_same(*_both(tf_ref, lambda lib: lib.linalg.diag_part(lib.constant(m), k=k)), f"diag_part k={k}")
    assert_same(*_both(tf_ref, lambda lib: lib.linalg.trace(lib.constant(m))), "trace")
    assert_same(*_both(tf_ref, lambda lib: lib.linalg.band_part(lib.constant(m), 1, 0)), "band_part")


def test_l2_normalize_aliases(tf_ref):
    x = RNG.uniform(-1, 1, (3, 4)).astype(np.float32)
    for path in ("math", "nn", "linalg"):
        ref, got = _both(tf_ref, lambda lib: getattr(lib, path).l2_normalize(lib.constant(x), axis=1))
        assert_same(ref, got, path)
    ref, got = _both(tf_ref, lambda lib: lib.math.l2_normalize(lib.constant([3, 4])))
    assert type(ref) is TypeError and type(got) is TypeError
