"""Sample arguments for the array family's rows (merged into op_cases.CASES).

Each kind mixes valid calls (values, dtypes, shapes and gradients compared with TF) and a few
invalid ones (the same error class as TF). float64 cases feed the finite-difference check.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from op_cases import Lit

_R = np.random.default_rng(7)


def _f(*shape, dtype="float32"):
    return _R.uniform(-2, 2, shape).astype(dtype)


def _i(*shape, lo=0, hi=5, dtype="int32"):
    return _R.integers(lo, hi, shape).astype(dtype)


def _reshape():
    a = _f(2, 3)
    return [
        ((a, [3, 2]), {}), ((a, (-1,)), {}), ((_f(2, 3, dtype="float64"), [1, -1, 2]), {}),
        ((a, np.array([6, 1], np.int32)), {}), ((_i(2, 3), [6]), {}),
        ((a, [4]), {}), ((a, [-1, -1]), {}), ((a, [-1, 4]), {}),
    ]


def _transpose():
    c = (_f(2, 3) + 1j * _f(2, 3)).astype("complex64")
    return [
        ((_f(2, 3),), {}), ((_f(2, 3, 4, dtype="float64"), [1, 0, 2]), {}), ((_f(2, 3, 4), [2, 0, 1]), {}),
        ((c,), {"conjugate": True}), ((_i(2, 3), [0, 0]), {}), ((_f(2, 3), [0]), {}),
    ]


def _expand_dims():
    return [((_f(2, 3, dtype="float64"), 0), {}), ((_f(2, 3), -1), {}), ((_f(2, 3), 2), {}),
            ((_f(2, 3), [1]), {}), ((_f(2, 3), 3), {}), ((_f(2, 3), -4), {})]


def _squeeze():
    a = _f(1, 3, 1, dtype="float64")
    return [((a,), {}), ((a, [0]), {}), ((a, -1), {}), ((_f(1, 3, 1), [0, 2]), {}),
            ((a, 1), {}), ((a, 5), {})]


def _concat():
    a, b = _f(2, 3, dtype="float64"), _f(2, 3, dtype="float64")
    return [
        (([a, b], 0), {}), (([_f(2, 3), _f(2, 1)], 1), {}), (([_f(2, 3), _f(2, 3), _f(2, 3)], -1), {}),
        (([_i(2), _i(3)], 0), {}), (([_f(2, 3)], 0), {}), (([_f(2, 3), [[1.0, 2.0, 3.0]]], 0), {}),
        (([_f(2, 3), _f(3)], 0), {}), (([_f(2, 3), _f(2, 2)], 0), {}), (([a, b], 2), {}),
        (([_f(2, 3), _f(2, 3, dtype="float64")], 0), {}),
    ]


def _stack():
    return [
        (([_f(2, 3), _f(2, 3)],), {}), (([_f(2, 3), _f(2, 3)], 1), {}), (([_f(3), _f(3)], -1), {}),
        (([_i(2), _i(2)], 0), {}), (([1, 2.0],), {}), (([_f(2, 3), _f(3, 2)],), {}), (([_f(2), _f(2)], 2), {}),
    ]


def _unstack():
    return [((_f(2, 3, dtype="float64"),), {}), ((_f(2, 3),), {"axis": 1}), ((_f(2, 3, 2),), {"axis": -1}),
            ((_f(2, 3),), {"num": 2}), ((_f(2, 3),), {"num": 3}), ((_f(2, 3),), {"axis": 2})]


def _split():
    a = _f(4, 6, dtype="float64")
    return [
        ((a, 2), {}), ((a, 3, 1), {}), ((a, [1, -1, 2], 1), {}), ((_f(4, 6), [1, 3], 0), {}),
        ((_f(4, 6), np.array([2, 4], np.int32), -1), {}),
        ((a, 4, 1), {}), ((a, [1, 1], 1), {}), ((a, [-1, -1, 1], 1), {}), ((a, 2, 2), {}),
    ]


def _tile():
    return [((_f(2, 3, dtype="float64"), [2, 1]), {}), ((_f(2, 3), [1, 3]), {}), ((_i(3), [2]), {}),
            ((_f(2, 3), [2, 0]), {}), ((_f(2, 3), [2]), {}), ((_f(2, 3), [-1, 1]), {})]


def _pad():
    a = _f(3, 4, dtype="float64")
    return [
        ((a, [[1, 2], [0, 1]]), {}), ((_f(3, 4), [[1, 1], [2, 0]]), {"constant_values": 1.5}),
        ((a, [[2, 1], [1, 3]], "REFLECT"), {}), ((a, [[3, 1], [1, 4]], "SYMMETRIC"), {}),
        ((_i(2, 3), [[1, 1], [1, 1]], "reflect"), {}),
        ((a, [[1, 1]]), {}), ((a, [[3, 0], [0, 0]], "REFLECT"), {}), ((a, [[4, 0], [0, 0]], "SYMMETRIC"), {}),
        ((a, [[1, 1], [1, 1]], "foo"), {}), ((a, [[-1, 1], [1, 1]]), {}),
    ]


def _gather():
    p = _f(4, 3, dtype="float64")
    return [
        ((p, np.array([3, 0, 0], np.int32)), {}), ((p, np.array([[2, 1]], np.int64)), {"axis": 1}),
        ((_f(2, 4, 3), np.array([[0, 3], [1, 1]], np.int32)), {"axis": 1, "batch_dims": 1}),
        ((_f(4, 3), np.array([1], np.int32)), {"axis": -1}), ((_i(4, 3), np.array([0], np.int32)), {}),
        ((p, np.array([4], np.int32)), {}), ((p, np.array([-1], np.int32)), {}),
        ((p, np.array([1], np.int32)), {"axis": 2}), ((p, np.array([0.0], np.float32)), {}),
    ]


def _gather_nd():
    p = _f(3, 4, dtype="float64")
    return [
        ((p, np.array([[0, 1], [2, 3], [0, 1]], np.int32)), {}), ((p, np.array([[2], [0]], np.int64)), {}),
        ((_f(2, 3, 4), np.array([[[1], [0]], [[2], [2]]], np.int32)), {"batch_dims": 1}),
        ((p, np.array([[3, 0]], np.int32)), {}), ((p, np.array([[0, 0, 0]], np.int32)), {}),
    ]


def _scatter_nd():
    return [
        ((np.array([[1], [3], [1]], np.int32), _f(3, dtype="float64"), [5]), {}),
        ((np.array([[0, 1], [2, 2]], np.int32), _f(2), [3, 4]), {}),
        ((np.array([[2]], np.int64), _f(1, 4), np.array([3, 4], np.int64)), {}),
        ((np.array([[5]], np.int32), _f(1), [3]), {}), ((np.array([[1]], np.int32), _f(2), [3]), {}),
    ]


def _boolean_mask():
    m = np.array([True, False, True, True])
    return [
        ((_f(4, 2, dtype="float64"), m), {}), ((_f(2, 4), m), {"axis": 1}),
        ((_f(2, 3), np.array([[True, False, True], [False, False, True]])), {}),
        ((_i(4), np.array([1, 0, 0, 1], np.int32)), {}),
        ((_f(4, 2), np.array([True, False])), {}), ((_f(3), np.array(True)), {}),
    ]


def _one_hot():
    i = np.array([0, 2, 5, -1], np.int32)
    return [
        ((i, 3), {}), ((i, 4), {"dtype": Lit("int32")}), ((i, 3), {"on_value": 2.0, "off_value": -1.0}),
        ((np.array([[0, 1]], np.int64), 3), {"axis": 1}), ((i, 3), {"on_value": 5}),
        ((i, 3), {"on_value": 2.0, "off_value": 1}), ((i, 3), {"axis": 5}), ((i, -1), {}),
        ((np.array([0.0, 1.7, -1.0], np.float32), 3), {}), ((Lit(np.array([1.0, 2.9])), 3), {}),
        ((Lit([0.0, 2.0]), 3), {}), ((Lit(1.0), 3), {}), ((Lit([0, 2]), 3), {}),
        ((np.array([1, 2], np.int16), 3), {}), ((np.array([1, 2], np.uint8), 3), {}),
    ]


def _range():
    return [
        ((5,), {}), ((1, 5.0), {}), ((0, 1, 0.3), {}), ((10, 1, -3), {}), ((np.array(5, np.int64),), {}),
        ((5,), {"dtype": Lit("float64")}), ((np.array(1.5, np.float32), 4), {}), ((0, 0), {}),
        ((5, 1), {}), ((0, 5, 0), {}), ((0, 5, -1), {}), ((2.5,), {"dtype": Lit("int32")}),
    ]


def _zeros():
    return [(([2, 3],), {}), ((3,), {"dtype": Lit("int32")}), (((2,),), {"dtype": Lit("bool")}),
            ((np.array([2, 1], np.int32),), {"dtype": Lit("float64")}), (([],), {}), (([2, -1],), {})]


def _zeros_like():
    return [((_f(2, 3),), {}), ((_i(3),), {}), ((_f(2),), {"dtype": Lit("int64")}), (([1.0, 2.0],), {})]


def _fill():
    return [(([2, 3], np.array(1.5, np.float64)), {}), (([2], np.array(2.5, np.float32)), {}), (([3], 7), {}),
            ((np.array([2, 2], np.int64), 1.0), {}), (([-2], 1), {})]


def _eye():
    return [((3,), {}), ((2, 4), {}), ((2,), {"batch_shape": [3]}), ((3, 2, [2, 1]), {"dtype": Lit("int32")}),
            ((-1,), {})]


def _linspace():
    return [
        ((np.array(0.0, np.float64), np.array(1.0, np.float64), 5), {}), ((0.0, 10.0, 5), {}), ((0, 10, 5), {}),
        ((_f(2), _f(2), 4), {}), ((_f(2, dtype="float64"), np.array(3.0), 3), {"axis": -1}),
        ((0.0, 1.0, 1), {}), ((0.0, 1.0, 0), {}),
    ]


def _shape():
    return [((_f(2, 3),), {}), ((np.float32(1.0),), {}), (([[1, 2]],), {}), ((_i(0, 4),), {})]


def _rank():
    return [((_f(2, 3),), {}), ((np.float32(1.0),), {}), (([[1, 2]],), {})]


def _broadcast_to():
    return [((_f(3, dtype="float64"), [2, 3]), {}), ((_f(2, 1), [2, 2, 4]), {}), ((_i(1), [3]), {}),
            ((_f(2, 3), [3, 3]), {})]


def _clip_by_value():
    a = _f(2, 3, dtype="float64")
    return [
        ((a, -1.0, 1.0), {}), ((_f(2, 3), _f(3), np.array(1.5, np.float32)), {}),
        ((_i(2, 3, hi=9), 2, 6), {}), ((_f(2, 3), [-1.0, 0.0, -0.5], 1.0), {}),
        ((_f(2, 3), np.zeros((2, 2, 3), np.float32), 1.0), {}), ((_i(2), 2.5, 3), {}),
        ((_f(2, 3), [1.0, 2.0], 3.0), {}), ((_f(2, 3), np.array(1.0), 3.0), {}),
    ]


def _clip_by_norm():
    return [((_f(2, 3, dtype="float64"), 1.0), {}), ((_f(2, 3) * 5, 2.0), {"axes": [1]}),
            ((_f(2, 3) * 0.1, 10.0), {}), ((np.zeros((2,), np.float32), 1.0), {}), ((_i(2), 1), {})]


def _clip_by_global_norm():
    a, b = _f(2, 3), _f(4)
    return [(([a, b], 1.0), {}), (([a, None, b], 100.0), {}), (([a * 10], 1.0), {"use_norm": np.array(2.0, np.float32)}),
            (([], 1.0), {}), ((a, 1.0), {}), (([a, _f(2, dtype="float64")], 1.0), {})]


def _sort():
    ties = np.array([1, 1, 0, 1, 3, 0], np.int32)
    return [
        ((_f(3, 4, dtype="float64"),), {}), ((_f(3, 4),), {"axis": 0, "direction": "DESCENDING"}),
        ((ties,), {}), ((ties,), {"direction": "DESCENDING"}), ((_f(5),), {"axis": -1}),
        ((_f(2, 3),), {"direction": "foo"}), ((_f(2, 3),), {"axis": 2}),
    ]


def _reverse():
    return [((_f(2, 3, dtype="float64"), [0]), {}), ((_f(2, 3, 2), [-1, 0]), {}), ((_i(3), [0]), {}),
            ((_f(2, 3), [0, 0]), {}), ((_f(2, 3), [2]), {}), ((_f(2, 3), 0), {})]


def _unique():
    return [(([3, 1, 3, 2],), {}), ((np.array([1.5, -1.0, 1.5], np.float32),), {"out_idx": Lit("int64")}),
            ((np.array([], np.int64),), {}), ((_f(2, 3),), {})]


def _where():
    c = np.array([[True, False, True], [False, False, True]])
    return [
        ((c, _f(2, 3, dtype="float64"), _f(2, 3, dtype="float64")), {}), ((c, _f(3), _f(2, 1)), {}),
        ((np.array([True, False]), 1.0, 0.0), {}), ((c,), {}), ((np.array([[1, 0], [0, 2]], np.int32),), {}),
        ((np.array([True, False]), 1, 0.0), {}), ((np.array([True, False]),), {"x": 1.0}),
        ((np.array([1, 0], np.int32), 1.0, 2.0), {}), ((np.array([True, False, True]), _f(2), _f(2)), {}),
    ]


def _identity_n():
    return [(([_f(2), _i(3)],), {})]


def _meshgrid():
    return [((_f(2), _f(3)), {}), ((_i(2), _i(3), _i(4)), {"indexing": "ij"})]


def _repeat():
    return [((_f(2, 3, dtype="float64"), 2), {}), ((_f(2, 3), [1, 2], 0), {}), ((_f(2, 3), [1, 0, 3]), {"axis": 1}),
            ((_f(2, 3), [1, 2]), {"axis": 1})]


def _roll():
    return [((_f(2, 3, dtype="float64"), 1, 0), {}), ((_f(2, 3), [1, -1], [0, 1]), {}), ((_i(5), 7, 0), {})]


def _slice():
    a = _f(3, 4, 5, dtype="float64")
    return [
        ((a, [0, 1, 2], [2, 2, 3]), {}), ((a, [1, 0, 0], [-1, -1, 2]), {}), ((_f(4, 3), [1, 0], [2, 3]), {}),
        ((_i(6), np.array([2], np.int64), np.array([3], np.int64)), {}), ((_f(4), [4], [0]), {}),
        ((_f(4), [3], [2]), {}), ((_f(4), [5], [-1]), {}), ((_f(4, 3), [0], [1]), {}), ((_f(4), [0.5], [1]), {}),
    ]


def _strided_slice():
    a = _f(4, 5, 6, dtype="float64")
    return [
        ((a, [1, 0, 0], [3, 5, 6], [1, 2, 3]), {}),
        ((a, [0, 0, 0], [0, 0, 0], [1, 1, 1]), {"begin_mask": 7, "end_mask": 7}),
        ((a, [-1, 4, 0], [0, 0, 6], [-1, -2, 2]), {"end_mask": 1}),
        ((a, [2, 0], [3, 0], [1, 1]), {"shrink_axis_mask": 1, "end_mask": 2}),
        ((a, [0, 1], [0, 3], [1, 1]), {"ellipsis_mask": 1}),
        ((a, [0, 0, 1], [0, 0, 2], [1, 1, 1]), {"new_axis_mask": 2, "begin_mask": 1, "end_mask": 1}),
        ((a, [1, 0, 0, 2], [2, 0, 0, 4], [1, 1, 1, 1]), {"new_axis_mask": 2, "ellipsis_mask": 4,
                                                          "shrink_axis_mask": 1}),
        ((_f(5), [-2], [0], [1]), {"shrink_axis_mask": 1}),
        ((_i(6, 2), [5, 1], [0, 2], [-2, 1]), {}),
        ((_f(5), [7], [8], [1]), {"shrink_axis_mask": 1}),
        ((_f(5), [0], [5], [0]), {}),
        ((_f(5), [0, 0], [5], [1]), {}),
    ]


def _tensor_scatter():
    t = _f(5, 3, dtype="float64")
    return [
        ((t, np.array([[1], [3]], np.int32), _f(2, 3, dtype="float64")), {}),
        ((t, np.array([[0, 1], [4, 2]], np.int64), _f(2, dtype="float64")), {}),
        ((_f(4), np.array([[1], [2]]), _f(2)), {}),
        ((_i(4), np.array([[0], [3]]), _i(2)), {}),
        ((_f(4), np.array([[[1], [2]], [[0], [3]]]), _f(2, 2)), {}),
        ((_f(4), np.array([[5]]), _f(1)), {}),
        ((_f(4), np.array([[-1]]), _f(1)), {}),
        ((_f(4), np.array([[1]]), _f(2)), {}),
        ((_f(4), np.array([[1.0]], np.float32), _f(1)), {}),
        ((_f(4), np.array([[1]]), _f(1, dtype="float64")), {}),
        ((_f(2, 2), np.array([[0, 0, 0]]), _f(1)), {}),
    ]


def _tensor_scatter_minmax():
    return [((_f(5), np.array([[1], [3], [1]]), _f(3)), {}), ((_i(2, 3), np.array([[0]]), _i(1, 3)), {}),
            ((_f(4), np.array([[9]]), _f(1)), {})]


def _segment():
    d = _f(6, 2, dtype="float64")
    ids = np.array([0, 0, 1, 3, 3, 3], np.int32)
    return [
        ((d, ids), {}), ((_f(6), ids), {}), ((_i(6, lo=-5, hi=5), np.array([0, 1, 1, 1, 2, 2], np.int64)), {}),
        ((_f(4), np.array([1, 1, 2, 2])), {}), ((_f(4), np.array([1, 0, 2, 2])), {}),
        ((_f(4), np.array([0, 1, 2])), {}), ((_f(4), np.array([0.0, 1, 2, 3], np.float32)), {}),
        ((_f(3, 2), np.array([[0, 1, 2]])), {}),
    ]


def _unsorted_segment():
    d = _f(6, 2, dtype="float64")
    return [
        ((d, np.array([2, 0, 2, 1, 0, 2], np.int32), 4), {}), ((_f(6), np.array([1, 1, -1, 0, 3, 3]), 5), {}),
        ((_f(2, 3, dtype="float64"), np.array([[0, 1, 0], [2, 2, 1]]), 3), {}),
        ((_i(5, lo=-5, hi=5), np.array([0, 1, 0, 1, 1]), np.array(3, np.int64)), {}),
        ((_f(4), np.array([0, 1, 5, 1]), 3), {}), ((_f(4), np.array([0, 1]), 3), {}),
        ((_f(4), np.array([0, 1, 1, 0]), 2.0), {}),
    ]


def _confusion_matrix():
    lab, pred = np.array([0, 1, 2, 1, 1]), np.array([0, 2, 2, 1, 0])
    return [
        ((lab, pred), {}), ((lab, pred), {"num_classes": 4}), ((lab.astype(np.int32), pred.astype(np.int32)),
                                                               {"weights": _f(5), "dtype": Lit("float32")}),
        ((lab, pred), {"num_classes": 2}), ((np.array([0, -1]), np.array([0, 0])), {}),
        ((np.array([0, 1]), np.array([0, 1, 1])), {}),
    ]


def _bincount():
    a = np.array([1, 1, 4, 0, 4, 4], np.int32)
    return [
        ((a,), {}), ((a,), {"minlength": 8}), ((a,), {"maxlength": 3}), ((a,), {"weights": _f(6)}),
        ((a.astype(np.int64),), {"dtype": Lit("float32")}), ((a,), {"binary_output": True}),
        ((np.array([1, -1], np.int32),), {}), ((np.array([1.0, 2.0], np.float32),), {}),
        ((np.zeros((0,), np.int32),), {}),
    ]


def _invert_permutation():
    return [((np.array([3, 0, 2, 1], np.int32),), {}), ((np.array([1, 0], np.int64),), {}),
            ((np.array([1, 1], np.int32),), {}), ((np.array([[0]], np.int32),), {}),
            ((np.array([0.0], np.float32),), {})]


def _cumulative_logsumexp():
    a = _f(3, 4, dtype="float64")
    return [((a,), {}), ((a,), {"axis": 1}), ((a,), {"axis": 1, "exclusive": True}),
            ((_f(5),), {"reverse": True}), ((_f(2, 3),), {"axis": -1, "exclusive": True, "reverse": True}),
            ((a,), {"axis": 2}), ((_i(3),), {})]


def _in_top_k():
    p = np.array([[0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.2, 0.3]], np.float32)
    return [((np.array([1, 0, 2], np.int32), p, 1), {}), ((np.array([1, 0, 2]), p, 2), {}),
            ((np.array([1, 0, 2]), p.astype(np.float64), 1), {}), ((np.array([1, 0]), p, 1), {})]


def _seeded(gen: Callable[[], list]) -> Callable[[], list]:
    """The same sample values on every call (the forward, gradient and finite-difference tests)."""

    def g() -> list:
        global _R
        _R = np.random.default_rng(7)
        return gen()

    return g


_ALL: dict[str, Callable[[], list]] = {
    "reshape": _reshape, "transpose": _transpose, "expand_dims": _expand_dims, "squeeze": _squeeze,
    "concat": _concat, "stack": _stack, "unstack": _unstack, "split": _split, "tile": _tile, "pad": _pad,
    "gather": _gather, "gather_nd": _gather_nd, "scatter_nd": _scatter_nd, "boolean_mask": _boolean_mask,
    "one_hot": _one_hot, "range": _range, "zeros": _zeros, "zeros_like": _zeros_like, "fill": _fill,
    "eye": _eye, "linspace": _linspace, "shape": _shape, "rank": _rank, "broadcast_to": _broadcast_to,
    "clip_by_value": _clip_by_value, "clip_by_norm": _clip_by_norm, "clip_by_global_norm": _clip_by_global_norm,
    "sort": _sort, "reverse": _reverse, "unique": _unique, "where": _where, "identity_n": _identity_n,
    "meshgrid": _meshgrid, "repeat": _repeat, "roll": _roll,
    "slice": _slice, "strided_slice": _strided_slice, "tensor_scatter": _tensor_scatter,
    "tensor_scatter_minmax": _tensor_scatter_minmax,
    "segment": _segment, "unsorted_segment": _unsorted_segment, "confusion_matrix": _confusion_matrix,
    "bincount": _bincount, "invert_permutation": _invert_permutation,
    "cumulative_logsumexp": _cumulative_logsumexp, "in_top_k": _in_top_k,
}
CASES: dict[str, Callable[[], list]] = {k: _seeded(g) for k, g in _ALL.items()}
