"""Tensor.__getitem__ (TF's strided-slice indexing) against real TensorFlow: values, errors, gradients."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
from oracle import assert_same

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 7.5

# Each key is built per library (scalar tensors in keys must be that library's tensors).
KEYS = {
    "int": lambda tf: 1,
    "neg_int": lambda tf: -1,
    "tuple_ints": lambda tf: (1, 2),
    "three_ints": lambda tf: (1, 2, 3),
    "neg_ints": lambda tf: (-2, -3, -4),
    "slice": lambda tf: slice(0, 1),
    "slice_all": lambda tf: slice(None),
    "slice_step": lambda tf: (slice(None), slice(None, None, 2)),
    "neg_step": lambda tf: (Ellipsis, slice(None, None, -1)),
    "neg_steps_mixed": lambda tf: (slice(None, None, -1), slice(None, None, -2), slice(1, None, -1)),
    "neg_bounds": lambda tf: (slice(-1, -3, -1), slice(5, -10, -1)),
    "clamped": lambda tf: slice(10, 20),
    "empty": lambda tf: slice(1, 1),
    "ellipsis": lambda tf: Ellipsis,
    "ellipsis_int": lambda tf: (Ellipsis, 1),
    "int_ellipsis_int": lambda tf: (0, Ellipsis, 0),
    "newaxis": lambda tf: None,
    "newaxis_twice": lambda tf: (None, None),
    "newaxis_mid": lambda tf: (Ellipsis, tf.newaxis, 1),
    "mixed": lambda tf: (1, tf.newaxis, Ellipsis, slice(1, None), slice(None, None, 2)),
    "empty_tuple": lambda tf: (),
    "list_as_tuple": lambda tf: [0, 1],
    "list_with_none": lambda tf: [0, None],
    "list_slice": lambda tf: [slice(0, 1)],
    "empty_list": lambda tf: [],
    "tensor_int32": lambda tf: tf.constant(1),
    "tensor_int64": lambda tf: tf.constant(1, tf.int64),
    "tensor_in_tuple": lambda tf: (slice(None), tf.constant(2)),
    "tensor_slice_bounds": lambda tf: slice(tf.constant(0), tf.constant(1)),
    "tensor_step": lambda tf: slice(0, 2, tf.constant(1)),
    "np_int": lambda tf: np.int64(1),
    "np_uint8": lambda tf: np.uint8(1),
    "np_0d": lambda tf: np.array(1),
    "np_int_slice": lambda tf: slice(np.int32(1), None),
    "bool_np_mask": lambda tf: np.array([True, False]),
    "bool_np_mask_2d": lambda tf: np.array([[True, False, True], [False, False, True]]),
    "bool_tensor_mask": lambda tf: tf.constant([False, True]),
    # errors
    "oob": lambda tf: 5,
    "oob_neg": lambda tf: -3,
    "oob_neg_far": lambda tf: -5,
    "oob_dim1": lambda tf: (slice(None), 5),
    "too_many": lambda tf: (1, 2, 3, 0),
    "two_ellipses": lambda tf: (Ellipsis, Ellipsis),
    "zero_step": lambda tf: slice(None, None, 0),
    "float": lambda tf: 1.0,
    "float_bound": lambda tf: slice(1, 2.0),
    "string": lambda tf: "a",
    "nested_list": lambda tf: [0, [1]],
    "np_int_array": lambda tf: np.array([0, 1]),
    "tensor_vector": lambda tf: tf.constant([1]),
    "tensor_float": lambda tf: tf.constant(1.0),
    "np_bool_scalar": lambda tf: np.bool_(True),
    "bool_mask_in_tuple": lambda tf: (0, np.array([True, False, True])),
    "python_bool": lambda tf: True,
    "list_of_bools": lambda tf: [True, False],
}


def _both(tf_ref, fn):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(fn(lib))
        except Exception as e:  # noqa: BLE001 - compared
            out.append(e)
    return out


@pytest.mark.parametrize("name", list(KEYS))
def test_getitem_matches_tf(name, tf_ref):
    ref, got = _both(tf_ref, lambda lib: lib.constant(X)[KEYS[name](lib)])
    assert_same(ref, got, f"x[{name}]")


@pytest.mark.parametrize("name", ["int", "neg_int", "slice_step", "neg_steps_mixed", "mixed", "tensor_in_tuple",
                                  "bool_np_mask_2d", "newaxis_mid", "empty", "three_ints"])
def test_getitem_gradient_matches_tf(name, tf_ref):
    def grad(lib):
        x = lib.constant(X.astype(np.float64))
        with lib.GradientTape() as tape:
            tape.watch(x)
            y = x[KEYS[name](lib)]
            loss = lib.reduce_sum(y * y)
        return tape.gradient(loss, x)

    ref, got = _both(tf_ref, grad)
    assert_same(ref, got, f"d/dx x[{name}]")


def test_getitem_on_variable(tf_ref):
    ref, got = _both(tf_ref, lambda lib: lib.Variable(X)[0, 1:])
    assert_same(ref, got, "Variable[0, 1:]")

    def grad(lib):
        v = lib.Variable(X)
        with lib.GradientTape() as tape:
            loss = lib.reduce_sum(v[1, ::-1] * 3.0)
        return tape.gradient(loss, v)

    ref, got = _both(tf_ref, grad)
    assert_same(ref, got, "d/dv v[1, ::-1]")


def test_scalar_tensor_indexing(tf_ref):
    for key in (Ellipsis, None, 0, ()):
        ref, got = _both(tf_ref, lambda lib, k=key: lib.constant(3.0)[k])
        assert_same(ref, got, f"scalar[{key!r}]")


def test_iteration_uses_indexing(tf_ref):
    ref = [t.numpy() for t in tf_ref.constant(X)]
    got = [t.numpy() for t in tfshim.constant(X)]
    assert len(ref) == len(got)
    for r, g in zip(ref, got):
        np.testing.assert_array_equal(r, g)


def test_error_messages_like_tf():
    x = tfshim.constant(X)
    with pytest.raises(tfshim.errors.InvalidArgumentError, match="slice index 5 of dimension 0 out of bounds"):
        x[5]
    with pytest.raises(TypeError, match="Only integers, slices"):
        x[1.0]


def test_static_spec_is_cached():
    """The same key on the same shape reuses the compiled slice (no new jit per call)."""
    from tfshim._src.core import dispatch

    x = tfshim.constant(X)
    x[1, ::-1, tfshim.newaxis, 1:3]
    n = len(dispatch._cache)
    for _ in range(3):
        x[1, ::-1, tfshim.newaxis, 1:3]
        x[tfshim.constant(1), ::-1, None, 1:3]
    assert len(dispatch._cache) == n
