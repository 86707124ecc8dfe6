"""Array ops beyond the op table: structured outputs, error classes, and gradients of list inputs /
IndexedSlices results (TF's sparse gradients are compared densified), always against real TF."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
from oracle import assert_same

R = np.random.default_rng(3)
A = R.uniform(-2, 2, (3, 4)).astype(np.float32)
B = R.uniform(-2, 2, (3, 4)).astype(np.float32)


def _both(tf_ref, fn):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(fn(lib))
        except Exception as e:  # noqa: BLE001 - compared
            out.append(e)
    return out


def _dense(lib, g):
    return None if g is None else lib.convert_to_tensor(g)


def _grads(lib, fn, *arrays):
    """Gradient of sum(fn(*tensors) ** 2) w.r.t. each input (densified)."""
    xs = [lib.constant(a) for a in arrays]
    with lib.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        out = fn(lib, *xs)
        outs = out if isinstance(out, (list, tuple)) else [out]
        loss = lib.add_n([lib.reduce_sum(o * o) for o in outs if o is not None])
    return [_dense(lib, g) for g in tape.gradient(loss, xs)]


GRAD_CASES = {
    "concat": (lambda tf, a, b: tf.concat([a, b], 1), A, B),
    "stack": (lambda tf, a, b: tf.stack([a, b], axis=-1), A, B),
    "gather": (lambda tf, a: tf.gather(a, [2, 0, 2], axis=0), A),
    "gather_axis1_batch": (lambda tf, a: tf.gather(a, [[1, 1], [0, 3], [2, 2]], axis=1, batch_dims=1), A),
    "gather_nd": (lambda tf, a: tf.gather_nd(a, [[0, 1], [2, 3], [0, 1]]), A),
    "clip_by_global_norm": (lambda tf, a, b: tf.clip_by_global_norm([a, None, b], 2.0)[0], A, B),
    "clip_by_global_norm_norm": (lambda tf, a, b: tf.clip_by_global_norm([a, b], 2.0)[1], A, B),
    "boolean_mask": (lambda tf, a: tf.boolean_mask(a, [True, False, True]), A),
    "where": (lambda tf, a, b: tf.where(a > 0, a, b), A, B),
    "clip_by_value_ties": (lambda tf, a: tf.clip_by_value(a, -1.0, 1.0),
                           np.array([-1.0, 1.0, 0.5, 2.0], np.float32)),
    "unstack_partial": (lambda tf, a: tf.unstack(a)[1], A),
    "split_partial": (lambda tf, a: tf.split(a, [1, 3], axis=1)[1], A),
    "identity_n": (lambda tf, a, b: tf.identity_n([a, b]), A, B),
    "meshgrid": (lambda tf, a, b: tf.meshgrid(a, b), A[0], B[:, 0]),
    "scatter_nd": (lambda tf, u: tf.scatter_nd([[1], [1], [0]], u, [3, 4]), A),
}


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradients_match_tf(name, tf_ref):
    fn, *arrays = GRAD_CASES[name]
    ref, got = _both(tf_ref, lambda lib: _grads(lib, fn, *arrays))
    assert_same(ref, got, f"grad {name}")


ERROR_CASES = {
    "reshape_size": lambda tf: tf.reshape(tf.constant(A), [5]),
    "reshape_two_unknown": lambda tf: tf.reshape(tf.constant(A), [-1, -1]),
    "concat_rank": lambda tf: tf.concat([tf.constant(A), tf.constant([1.0])], 0),
    "concat_dim": lambda tf: tf.concat([tf.constant(A), tf.zeros([3, 2])], 0),
    "concat_dtype": lambda tf: tf.concat([tf.constant(A), tf.zeros([3, 4], tf.float64)], 0),
    "concat_empty": lambda tf: tf.concat([], 0),
    "stack_shapes": lambda tf: tf.stack([tf.constant(A), tf.constant(B[:2])]),
    "gather_oob": lambda tf: tf.gather(tf.constant(A), [3]),
    "gather_neg": lambda tf: tf.gather(tf.constant(A), [0, -1]),
    "gather_nd_oob": lambda tf: tf.gather_nd(tf.constant(A), [[0, 4]]),
    "scatter_nd_oob": lambda tf: tf.scatter_nd([[3]], [1.0], [3]),
    "boolean_mask_shape": lambda tf: tf.boolean_mask(tf.constant(A), [True, False]),
    "boolean_mask_scalar": lambda tf: tf.boolean_mask(tf.constant(A), True),
    "split_uneven": lambda tf: tf.split(tf.constant(A), 3, axis=1),
    "split_rank0_tensor": lambda tf: tf.split(tf.constant(A), tf.constant(2), axis=1),
    "unstack_num": lambda tf: tf.unstack(tf.constant(A), num=4),
    "unstack_scalar": lambda tf: tf.unstack(tf.constant(1.0)),
    "transpose_perm": lambda tf: tf.transpose(tf.constant(A), [1, 1]),
    "squeeze_non1": lambda tf: tf.squeeze(tf.constant(A), [0]),
    "expand_dims_multi": lambda tf: tf.expand_dims(tf.constant(A), [0, 1]),
    "tile_len": lambda tf: tf.tile(tf.constant(A), [2]),
    "pad_mode": lambda tf: tf.pad(tf.constant(A), [[1, 1], [1, 1]], "WRAP"),
    "pad_reflect_big": lambda tf: tf.pad(tf.constant(A), [[3, 0], [0, 0]], "REFLECT"),
    "broadcast_to": lambda tf: tf.broadcast_to(tf.constant(A), [4, 4]),
    "where_one_of_xy": lambda tf: tf.where([True], x=[1.0]),
    "where_int_condition": lambda tf: tf.where(tf.constant([1, 0]), 1.0, 2.0),
    "where_broadcast": lambda tf: tf.where([True, False, True], [1.0, 2.0], [3.0, 4.0]),
    "sort_direction": lambda tf: tf.sort(tf.constant(A), direction="UP"),
    "sort_bool": lambda tf: tf.sort(tf.constant([True, False])),
    "reverse_dup": lambda tf: tf.reverse(tf.constant(A), [1, -1]),
    "unique_2d": lambda tf: tf.unique(tf.constant(A)),
    "one_hot_dtype_mismatch": lambda tf: tf.one_hot([0], 3, on_value=1.0, off_value=0),
    "one_hot_float_indices": lambda tf: tf.one_hot([0.0], 3),
    "range_zero_delta": lambda tf: tf.range(0, 3, 0),
    "range_bad_direction": lambda tf: tf.range(3, 0),
    "range_float_to_int": lambda tf: tf.range(2.5, dtype=tf.int32),
    "zeros_negative": lambda tf: tf.zeros([2, -1]),
    "eye_negative": lambda tf: tf.eye(-2),
    "fill_negative": lambda tf: tf.fill([-1], 0.0),
    "shape_out_type": lambda tf: tf.shape(tf.constant(A), out_type=tf.float32),
    "clip_by_value_float_into_int": lambda tf: tf.clip_by_value(tf.constant([1, 5]), 2.5, 3),
    "clip_by_value_grows_shape": lambda tf: tf.clip_by_value(tf.constant(A), tf.zeros([2, 3, 4]), 1.0),
    "clip_by_norm_int": lambda tf: tf.clip_by_norm(tf.constant([1, 2]), 1),
    "clip_by_global_norm_tensor": lambda tf: tf.clip_by_global_norm(tf.constant(A), 1.0),
    "clip_by_global_norm_mixed": lambda tf: tf.clip_by_global_norm([tf.constant(A), tf.constant([1.0], tf.float64)],
                                                                   1.0),
}


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_errors_match_tf(name, tf_ref):
    ref, got = _both(tf_ref, ERROR_CASES[name])
    assert isinstance(ref, Exception), f"{name}: TF did not raise (returned {ref!r})"
    assert_same(ref, got, name)


VALUE_CASES = {
    "shape_int64": lambda tf: tf.shape(tf.constant(A), out_type=tf.int64),
    "size_int64": lambda tf: tf.size(tf.constant(A), out_type=tf.int64),
    "shape_of_variable": lambda tf: tf.shape(tf.Variable(A)),
    "linalg_eye": lambda tf: tf.linalg.eye(2, 3, batch_shape=[2], dtype=tf.float64),
    "range_int64_tensor": lambda tf: tf.range(tf.constant(5, tf.int64)),
    "range_mixed": lambda tf: tf.range(1, 4.0, 0.5),
    "range_float64_tensor": lambda tf: tf.range(tf.constant(1.0, tf.float64), 5),
    "where_coords": lambda tf: tf.where(tf.constant(A) > 0),
    "where_scalar_branches": lambda tf: tf.where([True, False], 1.0, 0.0),
    "where_tensor_sets_dtype": lambda tf: tf.where([True, False], 1, tf.constant([1.0, 2.0])),
    "unique_nan": lambda tf: tuple(tf.unique([np.nan, np.nan, 1.0])),
    "stack_python": lambda tf: tf.stack([1, 2.0]),
    "stack_empty": lambda tf: tf.stack([]),
    "concat_single": lambda tf: tf.concat([tf.constant(A)], 5),
    "concat_python_list": lambda tf: tf.concat([tf.constant(A), [[1.0, 2.0, 3.0, 4.0]]], 0),
    "reshape_empty": lambda tf: tf.reshape(tf.zeros([0, 3]), [-1, 0]),
    "zeros_from_tensor": lambda tf: tf.zeros(tf.constant([2, 2])),
    "ones_int": lambda tf: tf.ones((2,), tf.int32),
    "fill_list_value": lambda tf: tf.fill([2], [1]),
    "pad_lower_mode": lambda tf: tf.pad(tf.constant(A), [[1, 1], [2, 2]], "symmetric"),
    "one_hot_tensor_on": lambda tf: tf.one_hot([0, 2], 3, on_value=tf.constant(2.0, tf.float64)),
    "argsort_ties_desc": lambda tf: tf.argsort([3, 1, 3, 1, 2], direction="DESCENDING"),
    "sort_uint8": lambda tf: tf.sort(tf.constant([3, 1, 2], tf.uint8)),
    "transpose_conj": lambda tf: tf.transpose(tf.constant([[1 + 2j, 3 - 1j]]), conjugate=True),
    "linspace_batched_axis1": lambda tf: tf.linspace(tf.constant([0.0, 1.0]), tf.constant([2.0, 3.0]), 3, axis=1),
    "clip_by_global_norm_empty": lambda tf: tf.clip_by_global_norm([], 1.0),
}


@pytest.mark.parametrize("name", list(VALUE_CASES))
def test_values_match_tf(name, tf_ref):
    ref, got = _both(tf_ref, VALUE_CASES[name])
    assert_same(ref, got, name)


def test_structured_outputs(tf_ref):
    u = tfshim.unique([3, 1, 3, 2])
    ru = tf_ref.unique([3, 1, 3, 2])
    assert type(u).__name__ == type(ru).__name__ == "Unique"
    np.testing.assert_array_equal(u.y.numpy(), ru.y.numpy())
    np.testing.assert_array_equal(u.idx.numpy(), ru.idx.numpy())
    assert u._fields == ru._fields

    for lib in (tf_ref, tfshim):
        parts = lib.split(lib.constant(A), 2, axis=1)
        assert isinstance(parts, list) and len(parts) == 2
        rows = lib.unstack(lib.constant(A))
        assert isinstance(rows, list) and len(rows) == 3
        clipped, norm = lib.clip_by_global_norm([lib.constant(A), None], 1.0)
        assert isinstance(clipped, list) and clipped[1] is None and norm.shape == ()
    assert tfshim.unstack(tfshim.zeros([0, 2])) == []
    assert tfshim.linalg.eye is tfshim.eye


def test_eager_checks_are_skipped_under_jit():
    """Inside a JAX trace, out-of-range gather indices give zeros (TF's GPU behaviour) instead of raising."""
    import jax

    from tfshim._src.core.tensor import wrap

    p = tfshim.constant(A)

    def f(i):
        return tfshim.gather(p, wrap(i)).array

    out = jax.jit(f)(np.array([1, 7], np.int32))
    np.testing.assert_allclose(np.asarray(out)[0], A[1])
    np.testing.assert_allclose(np.asarray(out)[1], 0.0)
