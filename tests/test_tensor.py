"""tf.Tensor's Python protocols against real TensorFlow: repr/str/format text, numpy interop,
shape objects, bool/int/float/index/len/iter (values and error classes), hashing, operators."""

from __future__ import annotations

import weakref

import numpy as np
import pytest

import tfshim
from oracle import assert_same

VALUES = {
    "int": 1, "float": 1.5, "bool": True, "neg": -3, "vec": [1, 2, 3], "fvec": [1.5, 2.25], "mat": [[1, 2], [3, 4]],
    "bvec": [True, False], "f64_scalar": np.float64(2.5), "f64_vec": np.array([1.5, 2], np.float64),
    "long_int": list(range(2000)), "long_mat": np.arange(2000, dtype=np.float32).reshape(40, 50),
    "empty": np.zeros([0]), "empty_2d": np.zeros([2, 0]), "empty_int": np.zeros([0, 3], np.int32),
    "f16": np.float16(1.5), "sci": np.array([1e10, 1e-5], np.float32), "nan_inf": np.array([np.nan, np.inf]),
    "complex": 1 + 2j, "uint8": np.array([1, 2], np.uint8), "rank3": np.array([[[1.0]]]),
    "int64_long": np.arange(1001, dtype=np.int64), "f32_tenth": np.array(0.1, np.float32),
    "f32_tenth_vec": np.array([0.1], np.float32), "third": np.array(1 / 3, np.float32),
    "f64_third": np.float64(1 / 3), "big_int64": np.array(2**40),
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_repr_str_format_match_tf(name, tf_ref):
    v = VALUES[name]
    r, g = tf_ref.constant(v), tfshim.constant(v)
    assert repr(g) == repr(r)
    assert str(g) == str(r)
    assert f"{g}" == f"{r}"


def test_negative_zero_keeps_its_sign():
    # Not compared with TF: TF caches Python scalar constants by value (-0.0 == 0.0), so its repr of
    # tf.constant(-0.0) depends on whether 0.0 was converted earlier in the process.
    assert repr(tfshim.constant(-0.0)) == "<tf.Tensor: shape=(), dtype=float32, numpy=-0.0>"
    assert repr(tfshim.constant(0.0)) == "<tf.Tensor: shape=(), dtype=float32, numpy=0.0>"


def test_format_spec_matches_tf(tf_ref):
    for v, spec in [(3.14159, ".2f"), (3, "d"), (3, "5d"), (2.5, "e")]:
        assert format(tfshim.constant(v), spec) == format(tf_ref.constant(v), spec)


def test_numpy_values(tf_ref):
    for v in ([1.5, 2.0], 3.0, 7, True, [[1, 2]]):
        r, g = tf_ref.constant(v).numpy(), tfshim.constant(v).numpy()
        assert type(g) is type(r) and np.asarray(g).dtype == np.asarray(r).dtype
        np.testing.assert_array_equal(g, r)
    a = tfshim.constant([1.0, 2.0]).numpy()
    a[0] = 5.0  # a copy: the tensor does not change
    assert tfshim.constant([1.0, 2.0]).numpy()[0] == 1.0


def test_shape_objects(tf_ref):
    res = []
    for lib in (tf_ref, tfshim):
        t = lib.constant([[1.5, 2.0, 3.0], [1.0, 2.0, 3.0]])
        s = t.shape
        res.append((repr(s), str(s), s.as_list(), s.rank, s[0], s == (2, 3), s == [2, 3], s != (3, 2), t.ndim,
                    repr(t.get_shape()), len(t), repr(s + [4]), repr(s.concatenate([4])), s.num_elements(),
                    repr(s[1:]), s.is_fully_defined(), list(s), tuple(s), repr(lib.constant(1).shape),
                    s.is_compatible_with([None, 3]), s.is_compatible_with([3]), repr(s.merge_with([2, None]))))
    assert res[1] == res[0]


PROGRAMS = {
    "bool_vec": lambda tf: bool(tf.constant([1, 2])),
    "bool_zero": lambda tf: bool(tf.constant(0)),
    "bool_one_elem": lambda tf: bool(tf.constant([1])),
    "int_float": lambda tf: int(tf.constant(2.7)),
    "int_vec1": lambda tf: int(tf.constant([2])),
    "int_vec2": lambda tf: int(tf.constant([1, 2])),
    "float_int": lambda tf: float(tf.constant(2)),
    "float_vec1": lambda tf: float(tf.constant([1.5])),
    "complex": lambda tf: complex(tf.constant(1.5)),
    "index": lambda tf: [10, 20, 30][tf.constant(1)],
    "index_float": lambda tf: [10, 20][tf.constant(1.0)],
    "index_vec": lambda tf: [1][tf.constant([0])],
    "range": lambda tf: list(range(tf.constant(3))),
    "len_scalar": lambda tf: len(tf.constant(1)),
    "len_mat": lambda tf: len(tf.constant([[1, 2], [3, 4], [5, 6]])),
    "iter_scalar": lambda tf: iter(tf.constant(1)),
    "iter_vec": lambda tf: list(tf.constant([1, 2])),
    "iter_mat": lambda tf: list(tf.constant([[1, 2], [3, 4]])),
    "hash": lambda tf: hash(tf.constant(1)),
    "dict_key": lambda tf: {tf.constant(1): 1},
    "ref_equal": lambda tf: tf.constant(1).ref() == tf.constant(1).ref(),
    "ref_deref": lambda tf: (lambda t: t.ref().deref() is t and t.ref() == t.ref())(tf.constant(1)),
    "ref_dict": lambda tf: (lambda t: {t.ref(): 1}[t.ref()])(tf.constant(1)),
    "int_plus_float_tensor": lambda tf: tf.constant(1) + tf.constant(1.0),
    "int_plus_py_float": lambda tf: tf.constant(1) + 1.5,
    "eq_none": lambda tf: tf.constant(1) == None,  # noqa: E711
    "ne_none": lambda tf: tf.constant(1) != None,  # noqa: E711
    "lt_none": lambda tf: tf.constant(1) < None,
    "eq_list": lambda tf: tf.constant([1, 2]) == [1, 2],
    "eq_py_int": lambda tf: tf.constant(1.0) == 1,
    "eq_mismatched_shapes": lambda tf: tf.constant([1, 2]) == tf.constant([1, 2, 3]),
    "name": lambda tf: tf.constant(1).name,
    "floordiv": lambda tf: tf.constant(5) // 2,
    "mod": lambda tf: -tf.constant(5) % 3,
    "pow": lambda tf: tf.constant(3) ** 2,
    "rpow": lambda tf: 2 ** tf.constant(3),
    "abs": lambda tf: abs(tf.constant(-2)),
    "and": lambda tf: tf.constant(True) & tf.constant(False),
    "invert": lambda tf: ~tf.constant(True),
    "slice": lambda tf: tf.constant([1, 2, 3])[1:],
    "slice_col": lambda tf: tf.constant([[1, 2], [3, 4]])[:, 0],
    "newaxis": lambda tf: tf.constant([1, 2, 3])[tf.newaxis],
    "np_scalar_times_tensor": lambda tf: np.float32(2) * tf.constant(3.0),
    "ndarray_plus_tensor": lambda tf: np.array([1.0, 2.0], np.float32) + tf.constant([1.0, 2.0]),
    "list_plus_tensor": lambda tf: [1, 2] + tf.constant([1, 2]),
    "is_tensor": lambda tf: isinstance(tf.constant(1), tf.Tensor),
    "shape_out_of_range": lambda tf: tf.constant([1, 2]).shape[5],
    "executing_eagerly": lambda tf: tf.executing_eagerly(),
    "numpy_ufunc_returns_ndarray": lambda tf: type(np.multiply(tf.constant([1.0, 2.0]), 2)).__name__,
    "numpy_ufunc_value": lambda tf: np.multiply(tf.constant([1.0, 2.0]), 2).tolist(),
    "np_asarray_dtype": lambda tf: str(np.asarray(tf.constant([1.0, 2.0])).dtype),
    "np_array_plus": lambda tf: (np.array(tf.constant([1, 2])) + 1).tolist(),
    "np_sum": lambda tf: float(np.sum(tf.constant([1.5, 2.5]))),
    "device": lambda tf: tf.constant(1.0).device,
    "dtype": lambda tf: tf.constant([1.0]).dtype.name,
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_protocols_match_tf(name, tf_ref):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(PROGRAMS[name](lib))
        except Exception as e:  # noqa: BLE001 - compared
            out.append(e)
    ref, got = out
    if isinstance(ref, list) and ref and hasattr(ref[0], "numpy"):
        ref, got = [r.numpy().tolist() for r in ref], [g.numpy().tolist() for g in got]
    assert_same(ref, got, name)


def test_tensor_is_immutable_and_not_constructible():
    t = tfshim.constant([1, 2])
    with pytest.raises(TypeError):
        t[0] = 5
    with pytest.raises(TypeError):
        tfshim.Tensor()


def test_tensor_is_a_jax_pytree_and_weakrefable():
    import jax

    t = tfshim.constant([1.0, 2.0])
    leaves = jax.tree_util.tree_leaves(t)
    assert len(leaves) == 1
    assert weakref.ref(t)() is t
