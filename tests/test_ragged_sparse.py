"""tf.RaggedTensor / tf.ragged and tf.SparseTensor / tf.sparse (the common part) against real TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim as tf


def norm(x):
    if isinstance(x, (tuple, list)):
        return [norm(v) for v in x]
    n = type(x).__name__
    if n == "RaggedTensor":
        return ("ragged", x.dtype.name, x.ragged_rank, x.to_list(), x.row_splits.dtype.name)
    if n == "SparseTensor":
        return ("sparse", x.dtype.name, x.indices.numpy().tolist(), x.values.numpy().tolist(),
                x.dense_shape.numpy().tolist())
    if hasattr(x, "numpy"):
        a = x.numpy()
        return ("dense", x.dtype.name, tuple(x.shape), a.tolist() if isinstance(a, np.ndarray) else a)
    if hasattr(x, "as_list"):
        return ("shape", x.as_list())
    return x


def same_error(ref_e, fn):
    with pytest.raises(Exception) as got:
        fn()
    names = {c.__name__ for c in type(got.value).__mro__}
    assert type(ref_e).__name__ in names, (type(ref_e), type(got.value), got.value)


def check(tf_ref, expr):
    try:
        ref = expr(tf_ref)
    except Exception as e:  # noqa: BLE001
        same_error(e, lambda: expr(tf))
        return
    got = expr(tf)
    assert norm(got) == norm(ref), (norm(got), norm(ref))


R = [[1, 2, 3], [], [4, 5]]
RF = [[1.5, 2.0], [3.0], []]
RAGGED = {
    "constant": lambda t: t.ragged.constant(R),
    "constant_str": lambda t: t.ragged.constant([["a", "b"], ["c"]]),
    "constant_3d": lambda t: t.ragged.constant([[[1, 2], [3]], [[4]]]),
    "constant_inner": lambda t: t.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1),
    "from_row_splits": lambda t: t.RaggedTensor.from_row_splits([1, 2, 3, 4], [0, 1, 1, 4]),
    "from_row_splits_bad": lambda t: t.RaggedTensor.from_row_splits([1, 2, 3, 4], [0, 5, 4]),
    "from_row_lengths": lambda t: t.RaggedTensor.from_row_lengths([1, 2, 3, 4], [2, 0, 2]),
    "from_row_lengths_bad": lambda t: t.RaggedTensor.from_row_lengths([1, 2, 3, 4], [2, 1]),
    "from_value_rowids": lambda t: t.RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2], nrows=4),
    "from_row_starts": lambda t: t.RaggedTensor.from_row_starts([1, 2, 3], [0, 2]),
    "from_row_limits": lambda t: t.RaggedTensor.from_row_limits([1, 2, 3], [1, 3]),
    "from_nested_row_lengths": lambda t: t.RaggedTensor.from_nested_row_lengths([1, 2, 3, 4], [[2, 1], [1, 2, 1]]),
    "from_tensor": lambda t: t.RaggedTensor.from_tensor([[1, 2, 0], [3, 0, 0]], padding=0),
    "from_tensor_lengths": lambda t: t.RaggedTensor.from_tensor([[1, 2, 0], [3, 0, 0]], lengths=[1, 3]),
    "to_tensor": lambda t: t.ragged.constant(R).to_tensor(),
    "to_tensor_default": lambda t: t.ragged.constant(R).to_tensor(default_value=-1),
    "to_tensor_shape": lambda t: t.ragged.constant(R).to_tensor(shape=[2, 2]),
    "to_tensor_str": lambda t: t.ragged.constant([["a"], ["b", "c"]]).to_tensor(),
    "to_tensor_3d": lambda t: t.ragged.constant([[[1, 2], [3]], [[4]]]).to_tensor(),
    "flat_values": lambda t: t.ragged.constant([[[1, 2], [3]], [[4]]]).flat_values,
    "values": lambda t: t.ragged.constant(R).values,
    "row_splits": lambda t: t.ragged.constant(R).row_splits,
    "row_lengths": lambda t: t.ragged.constant(R).row_lengths(),
    "value_rowids": lambda t: t.ragged.constant(R).value_rowids(),
    "nrows": lambda t: t.ragged.constant(R).nrows(),
    "bounding_shape": lambda t: t.ragged.constant([[[1, 2], [3]], [[4]]]).bounding_shape(),
    "shape": lambda t: t.ragged.constant(R).shape,
    "getitem_row": lambda t: t.ragged.constant(R)[2],
    "getitem_neg": lambda t: t.ragged.constant(R)[-1],
    "getitem_slice": lambda t: t.ragged.constant(R)[1:],
    "getitem_2": lambda t: t.ragged.constant(R)[0, 1],
    "getitem_3d": lambda t: t.ragged.constant([[[1, 2], [3]], [[4]]])[0],
    "add_scalar": lambda t: t.ragged.constant(RF) + 1.0,
    "mul_ragged": lambda t: t.ragged.constant(R) * t.ragged.constant(R),
    "add_rows": lambda t: t.ragged.constant(R) + t.constant([[10], [20], [30]]),
    "add_mismatch": lambda t: t.ragged.constant(R) + t.ragged.constant([[1], [2], [3]]),
    "neg": lambda t: -t.ragged.constant(RF),
    "eq": lambda t: t.ragged.constant(R) == 2,
    "tf_add": lambda t: t.add(t.ragged.constant(RF), 2.0),
    "tf_abs": lambda t: t.math.abs(-t.ragged.constant(RF)),
    "tf_maximum": lambda t: t.maximum(t.ragged.constant(R), 2),
    "map_flat_values": lambda t: t.ragged.map_flat_values(t.math.square, t.ragged.constant(RF)),
    "reduce_sum_1": lambda t: t.reduce_sum(t.ragged.constant(RF), axis=1),
    "reduce_sum_all": lambda t: t.reduce_sum(t.ragged.constant(RF)),
    "reduce_max_1": lambda t: t.reduce_max(t.ragged.constant([[1, 5], [3]]), axis=1),
    "reduce_mean_1": lambda t: t.reduce_mean(t.ragged.constant([[1.0, 5.0], [3.0]]), axis=1),
    "reduce_sum_3d": lambda t: t.reduce_sum(t.ragged.constant([[[1, 2], [3]], [[4]]]), axis=2),
    "ragged_range": lambda t: t.ragged.range([0, 2, 5], [3, 2, 8]),
    "ragged_stack": lambda t: t.ragged.stack([t.constant([1, 2]), t.constant([3])]),
    "ragged_boolean_mask": lambda t: t.ragged.boolean_mask(t.constant([[1, 2], [3, 4]]),
                                                           t.constant([[True, False], [True, True]])),
    "splits_to_ids": lambda t: t.ragged.row_splits_to_segment_ids([0, 2, 2, 5]),
    "ids_to_splits": lambda t: t.ragged.segment_ids_to_row_splits([0, 0, 2, 2, 2], num_segments=4),
    "to_list": lambda t: t.ragged.constant([["a"], ["b", "c"]]).to_list(),
}


@pytest.mark.parametrize("name", sorted(RAGGED))
def test_ragged_matches_tf(tf_ref, name):
    check(tf_ref, RAGGED[name])


def test_ragged_repr_and_numpy(tf_ref):
    for v in (R, [["a"], ["b", "c"]]):
        assert repr(tf.ragged.constant(v)) == repr(tf_ref.ragged.constant(v))
        g, r = tf.ragged.constant(v).numpy(), tf_ref.ragged.constant(v).numpy()
        assert [x.tolist() for x in g] == [x.tolist() for x in r]
    assert isinstance(tf.ragged.constant(R), tf.RaggedTensor)


def test_ragged_batch_dataset(tf_ref):
    out = []
    for lib in (tf_ref, tf):
        ds = lib.data.Dataset.from_tensor_slices(lib.constant([1, 2, 3, 4])).map(lambda x: lib.range(x))
        out.append([r.to_list() for r in ds.ragged_batch(3)])
    assert out[0] == out[1]


def sp(t):
    return t.SparseTensor(indices=[[0, 0], [1, 2], [2, 1]], values=[1.0, 2.0, 3.0], dense_shape=[3, 4])


SPARSE = {
    "to_dense": lambda t: t.sparse.to_dense(sp(t)),
    "to_dense_default": lambda t: t.sparse.to_dense(sp(t), default_value=-1.0),
    "to_dense_str": lambda t: t.sparse.to_dense(t.SparseTensor([[0], [2]], ["a", "b"], [3])),
    "to_dense_unordered": lambda t: t.sparse.to_dense(t.SparseTensor([[2], [0]], [1, 2], [3]), validate_indices=False),
    "from_dense": lambda t: t.sparse.from_dense(t.constant([[0, 3], [4, 0]])),
    "reorder": lambda t: t.sparse.reorder(t.SparseTensor([[1, 0], [0, 1]], [5, 6], [2, 2])),
    "add_sparse": lambda t: t.sparse.add(sp(t), sp(t)),
    "add_dense": lambda t: t.sparse.add(sp(t), t.ones([3, 4])),
    "reduce_sum": lambda t: t.sparse.reduce_sum(sp(t)),
    "reduce_sum_axis": lambda t: t.sparse.reduce_sum(sp(t), axis=1),
    "reduce_sum_keep": lambda t: t.sparse.reduce_sum(sp(t), axis=0, keepdims=True),
    "reduce_max": lambda t: t.sparse.reduce_max(sp(t), axis=1),
    "matmul": lambda t: t.sparse.sparse_dense_matmul(sp(t), t.ones([4, 2])),
    "matmul_adj": lambda t: t.sparse.sparse_dense_matmul(sp(t), t.ones([3, 2]), adjoint_a=True),
    "concat": lambda t: t.sparse.concat(1, [sp(t), sp(t)]),
    "concat0": lambda t: t.sparse.concat(0, [sp(t), sp(t)]),
    "reset_shape": lambda t: t.sparse.reset_shape(sp(t)),
    "reset_shape_new": lambda t: t.sparse.reset_shape(sp(t), [5, 6]),
    "retain": lambda t: t.sparse.retain(sp(t), [True, False, True]),
    "fill_empty_rows": lambda t: t.sparse.fill_empty_rows(t.SparseTensor([[1, 0]], [7], [3, 2]), -1),
    "reshape": lambda t: t.sparse.reshape(sp(t), [4, 3]),
    "transpose": lambda t: t.sparse.transpose(sp(t)),
    "expand_dims": lambda t: t.sparse.expand_dims(sp(t), 0),
    "slice": lambda t: t.sparse.slice(sp(t), [1, 0], [2, 2]),
    "to_indicator": lambda t: t.sparse.to_indicator(t.SparseTensor([[0, 0], [0, 1], [1, 0]], [1, 3, 2], [2, 2]), 4),
    "map_values": lambda t: t.sparse.map_values(t.math.square, sp(t)),
    "maximum": lambda t: t.sparse.maximum(sp(t), t.sparse.from_dense(t.fill([3, 4], 1.5))),
    "shape": lambda t: sp(t).shape,
    "mul": lambda t: sp(t) * 2.0,
}


@pytest.mark.parametrize("name", sorted(SPARSE))
def test_sparse_matches_tf(tf_ref, name):
    check(tf_ref, SPARSE[name])
