"""tf.math helpers without a sample generator in the op table (issue 17 §2): scalar_mul, polyval,
is_non_decreasing/is_strictly_increasing, and the segment ops inside tf.function — against real TF."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
from oracle import assert_same

A = np.array([1.0, 2.0, 2.0, 5.0], np.float32)

CASES = {
    "scalar_mul": lambda t: t.math.scalar_mul(2.5, t.constant(A)),
    "scalar_mul tensor": lambda t: t.math.scalar_mul(t.constant(3.0), t.constant(A)),
    "scalar_mul non-scalar": lambda t: t.math.scalar_mul(t.constant([1.0, 2.0]), t.constant(A)),
    "polyval": lambda t: t.math.polyval([1.0, -2.0, 0.5], t.constant(A)),
    "polyval tensors": lambda t: t.math.polyval([t.constant(2.0), t.constant(1.0)], t.constant(A)),
    "polyval empty": lambda t: t.math.polyval([], t.constant(A)),
    "polyval not list": lambda t: t.math.polyval(t.constant([1.0]), t.constant(A)),
    "is_non_decreasing": lambda t: t.math.is_non_decreasing(t.constant(A)),
    "is_strictly_increasing": lambda t: t.math.is_strictly_increasing(t.constant(A)),
    "is_strictly_increasing int": lambda t: t.math.is_strictly_increasing([1, 3, 7]),
    "log_sigmoid large": lambda t: t.math.log_sigmoid(t.constant([-100.0, 0.0, 100.0])),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_as_tf(name, tf_ref):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(CASES[name](lib))
        except Exception as e:  # noqa: BLE001
            out.append(e)
    assert_same(*out, what=name)


def test_unsorted_segment_sum_in_tf_function_and_gradient(tf_ref):
    res = []
    for lib in (tf_ref, tfshim):
        data = lib.constant(np.arange(12, dtype=np.float32).reshape(6, 2))
        ids = lib.constant([2, 0, 2, 1, 0, 2])

        @lib.function
        def f(d, i, lib=lib):
            return lib.math.unsorted_segment_mean(d, i, 3), lib.math.unsorted_segment_max(d, i, 4)

        with lib.GradientTape() as tape:
            tape.watch(data)
            y = lib.reduce_sum(lib.math.unsorted_segment_sqrt_n(data * data, ids, 3))
        res.append((f(data, ids), tape.gradient(y, data)))
    assert_same(*res)


def test_polyval_gradient(tf_ref):
    grads = []
    for lib in (tf_ref, tfshim):
        x = lib.constant(A)
        with lib.GradientTape() as tape:
            tape.watch(x)
            y = lib.reduce_sum(lib.math.polyval([1.0, -2.0, 0.5], x))
        grads.append(tape.gradient(y, x))
    assert_same(*grads)


def test_embedding_lookup_gradient(tf_ref):
    """TF returns the gradient as IndexedSlices; its dense value equals tfshim's dense gradient."""
    grads = []
    for lib in (tf_ref, tfshim):
        p = lib.Variable(np.arange(12, dtype=np.float32).reshape(4, 3))
        with lib.GradientTape() as tape:
            y = lib.reduce_sum(lib.nn.embedding_lookup(p, [0, 2, 2]) ** 2)
        grads.append(lib.convert_to_tensor(tape.gradient(y, p)))
    assert_same(*grads)


def test_global_norm_gradient(tf_ref):
    grads = []
    for lib in (tf_ref, tfshim):
        a, b = lib.constant([3.0, 4.0]), lib.constant([[1.0, 2.0]])
        with lib.GradientTape() as tape:
            tape.watch([a, b])
            y = lib.linalg.global_norm([a, None, b])
        grads.append((y, tape.gradient(y, [a, b])))
    assert_same(*grads)


def _vectors_match(ref, got, tf_ref):
    """Columns equal up to sign (eigen/singular vectors are unique only up to sign)."""
    r, g = np.asarray(ref), np.asarray(got)
    sign = np.sign(np.sum(r * g, axis=-2, keepdims=True))
    np.testing.assert_allclose(g * sign, r, rtol=1e-4, atol=1e-5)


def test_svd_eigh_lu_vectors(tf_ref):
    rng = np.random.default_rng(3)
    m = rng.uniform(-1, 1, (4, 3))
    s_ref, u_ref, v_ref = tf_ref.linalg.svd(m)
    s, u, v = tfshim.linalg.svd(m)
    np.testing.assert_allclose(s.numpy(), s_ref.numpy(), rtol=1e-9)
    _vectors_match(u_ref, u, tf_ref)
    _vectors_match(v_ref, v, tf_ref)
    sym = m @ m.T + np.eye(4)
    w_ref, q_ref = tf_ref.linalg.eigh(sym)
    w, q = tfshim.linalg.eigh(sym)
    np.testing.assert_allclose(w.numpy(), w_ref.numpy(), rtol=1e-9)
    _vectors_match(q_ref, q, tf_ref)
    sq = rng.uniform(-1, 1, (3, 3))
    lu_ref, p_ref = tf_ref.linalg.lu(sq)
    lu_, p = tfshim.linalg.lu(sq)
    assert_same((lu_ref, p_ref), (lu_, p))
    spd = sq @ sq.T + 3 * np.eye(3)
    rhs = rng.uniform(-1, 1, (3, 2))
    assert_same(tf_ref.linalg.cholesky_solve(tf_ref.linalg.cholesky(spd), rhs),
                tfshim.linalg.cholesky_solve(tfshim.linalg.cholesky(spd), rhs))
    grads = []
    for lib in (tf_ref, tfshim):
        x = lib.constant(sym)
        with lib.GradientTape() as tape:
            tape.watch(x)
            y = lib.reduce_sum(lib.linalg.eigh(x)[0] ** 2) + lib.reduce_sum(lib.linalg.svd(x, compute_uv=False))
        grads.append(tape.gradient(y, x))
    np.testing.assert_allclose(grads[1].numpy(), grads[0].numpy(), rtol=1e-6, atol=1e-8)
