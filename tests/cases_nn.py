"""Sample arguments for the nn family's rows (merged into op_cases.CASES)."""

from __future__ import annotations

import numpy as np

from op_cases import Lit


def _rng():
    return np.random.default_rng(5)


def _a(rng, shape, dtype="float32", lo=-3.0, hi=3.0):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return rng.integers(int(max(lo, 0) if dtype.kind == "u" else lo), int(hi) + 1, size=shape).astype(dtype)
    return rng.uniform(lo, hi, shape).astype(dtype)


def _act(dtypes, extra_kw=({},)):
    def gen():
        rng = _rng()
        out = []
        for dt in dtypes:
            for shape in ((), (7,), (2, 3)):
                for kw in extra_kw:
                    x = _a(rng, shape, dt, -7.0, 7.0) if shape else np.asarray(_a(rng, (), dt, -7.0, 7.0))
                    out.append(((x,), dict(kw)))
        return out

    return gen


def _softmax():
    rng = _rng()
    f = "float64"
    return [
        ((_a(rng, (4,), "float32"),), {}),
        ((_a(rng, (2, 3), f),), {}),
        ((_a(rng, (2, 3), f),), {"axis": Lit(0)}),
        ((_a(rng, (2, 3, 2), f),), {"axis": Lit(-2)}),
        ((np.array([1000.0, 0.0, -1000.0], np.float32),), {}),
        ((_a(rng, (2, 3), f),), {"axis": Lit(2)}),
        ((np.float32(1.0),), {}),
        ((np.array([1, 2], np.int32),), {}),
    ]


def _sigmoid_ce():
    rng = _rng()
    f = "float64"
    return [
        ((rng.uniform(0, 1, (2, 3)).astype(np.float32), _a(rng, (2, 3), "float32")), {}),
        ((rng.uniform(0, 1, (5,)), _a(rng, (5,), f, -30, 30)), {}),
        ((), {"labels": rng.uniform(0, 1, (3,)), "logits": _a(rng, (3,), f)}),
        ((), {"labels": rng.uniform(0, 1, (3,)), "logits": _a(rng, (2,), f)}),
        ((), {"labels": np.array([0, 1], np.int32), "logits": _a(rng, (2,), "float32")}),
    ]


def _softmax_ce():
    rng = _rng()
    f = "float64"

    def probs(shape, dt, axis=-1):
        p = rng.uniform(0, 1, shape)
        return (p / p.sum(axis=axis, keepdims=True)).astype(dt)

    return [
        ((probs((2, 3), "float32"), _a(rng, (2, 3), "float32")), {}),
        ((probs((4,), f), _a(rng, (4,), f)), {}),
        ((probs((2, 2, 3), f), _a(rng, (2, 2, 3), f)), {}),
        ((), {"labels": probs((3, 2), f, 0), "logits": _a(rng, (3, 2), f), "axis": Lit(0)}),
        ((np.eye(3, dtype=np.int32)[1:2], _a(rng, (2, 3), f)), {}),  # labels broadcast (TF has no label grad)
        ((), {"labels": np.eye(3, dtype=np.int32)[:2], "logits": _a(rng, (2, 3), "float32")}),  # labels cast
        ((), {"labels": probs((2, 3), f), "logits": _a(rng, (2, 4), f)}),
    ]


def _sparse_ce():
    rng = _rng()
    f = "float64"
    return [
        ((np.array([1, 0, 2], np.int32), _a(rng, (3, 3), "float32")), {}),
        ((np.array([[1, 0], [2, 2]], np.int64), _a(rng, (2, 2, 3), f)), {}),
        ((np.array(1, np.int32), _a(rng, (4,), f)), {}),
        ((), {"labels": np.array([3, 0], np.int32), "logits": _a(rng, (2, 3), f)}),  # out of range
        ((), {"labels": np.array([-1, 0], np.int32), "logits": _a(rng, (2, 3), f)}),
        ((), {"labels": np.array([1.0, 0.0], np.float32), "logits": _a(rng, (2, 3), "float32")}),
        ((), {"labels": np.array([[1, 0]], np.int32), "logits": _a(rng, (2, 3), f)}),  # rank mismatch
    ]


def _l2_loss():
    rng = _rng()
    return [((_a(rng, (2, 3), "float32"),), {}), ((_a(rng, (4,), "float64"),), {}),
            ((np.asarray(_a(rng, (), "float64")),), {}), ((np.array([1, 2], np.int32),), {})]


def _bias_add():
    rng = _rng()
    f = "float64"
    return [
        ((_a(rng, (2, 3), "float32"), _a(rng, (3,), "float32")), {}),
        ((_a(rng, (2, 2, 2, 3), f), _a(rng, (3,), f)), {}),
        ((_a(rng, (2, 3, 2), f), _a(rng, (3,), f)), {"data_format": Lit("NCHW")}),
        ((_a(rng, (2, 3), "int32"), _a(rng, (3,), "int32")), {}),
        ((_a(rng, (2, 3), f), _a(rng, (2,), f)), {}),
        ((_a(rng, (3,), f), _a(rng, (3,), f)), {}),
        ((_a(rng, (2, 3), f), _a(rng, (1, 3), f)), {}),
        ((_a(rng, (2, 3), "float32"), _a(rng, (3,), f)), {}),
    ]


def _moments():
    rng = _rng()
    f = "float64"
    return [
        ((_a(rng, (4, 3), "float32"), Lit([0])), {}),
        ((_a(rng, (2, 3, 4), f), Lit([0, 1, 2])), {}),
        ((_a(rng, (2, 3, 4), f), Lit([0, 2])), {"keepdims": Lit(True)}),
        ((_a(rng, (4, 3), f), Lit(0)), {}),
        ((_a(rng, (4, 3), f), Lit([-1])), {"shift": Lit(1.0)}),
        ((_a(rng, (2, 3), "float16"), Lit([0, 1])), {}),
        ((np.array([[1, 2], [3, 5]], np.int32), Lit([0])), {}),
        ((_a(rng, (4, 3), f), Lit([2])), {}),
    ]


def _conv2d():
    rng = _rng()
    f = "float64"
    x32, w32 = _a(rng, (2, 6, 5, 3), "float32", -1, 1), _a(rng, (3, 2, 3, 4), "float32", -1, 1)
    x, w = _a(rng, (1, 6, 5, 2), f, -1, 1), _a(rng, (3, 3, 2, 2), f, -1, 1)
    return [
        ((x32, w32, Lit(1), Lit("SAME")), {}),
        ((x32, w32, Lit([2, 2]), Lit("VALID")), {}),
        ((x, w, Lit([1, 2, 1, 1]), Lit("SAME")), {}),
        ((x, w, Lit(1), Lit([[0, 0], [1, 0], [2, 1], [0, 0]])), {}),
        ((x, w, Lit(2), Lit("SAME")), {"dilations": Lit([1, 1])}),  # (dilations > 1: TF has no CPU gradient)
        ((_a(rng, (2, 1, 4, 4, 2), f, -1, 1), w, Lit(1), Lit("SAME")), {}),  # extra batch axis
        ((np.ones((1, 4, 4, 2), np.int32), np.ones((2, 2, 2, 3), np.int32), Lit(1), Lit("SAME")), {}),
        ((x, w, Lit([2, 2, 2, 1]), Lit("VALID")), {}),
        ((x, w, Lit([1, 2, 2]), Lit("VALID")), {}),
        ((x, w, Lit(1), Lit([[1, 0], [1, 0], [2, 1], [0, 0]])), {}),
        ((x, _a(rng, (3, 3, 3, 2), f), Lit(1), Lit("SAME")), {}),
        ((x, _a(rng, (8, 3, 2, 2), f), Lit(1), Lit("VALID")), {}),
        ((x, w, Lit(1), Lit("same")), {}),
        ((x[0], w, Lit(1), Lit("SAME")), {}),
        ((x32, w32.astype(f), Lit(1), Lit("SAME")), {}),
    ]


def _conv1d():
    rng = _rng()
    f = "float64"
    x, w = _a(rng, (2, 7, 3), f, -1, 1), _a(rng, (3, 3, 2), f, -1, 1)
    return [
        ((x.astype(np.float32), w.astype(np.float32), Lit(1), Lit("SAME")), {}),
        ((x, w, Lit(2), Lit("VALID")), {}),
        ((x, w, Lit([1, 2, 1]), Lit("SAME")), {}),
    ]


def _images(rng, dt, shape=(2, 5, 6, 3)):
    return _a(rng, shape, dt)


def _max_pool():
    rng = _rng()
    f = "float64"
    x = _images(rng, f)
    return [
        ((_images(rng, "float32"), Lit(2), Lit(2), Lit("SAME")), {}),
        ((x, Lit([3, 2]), Lit([1, 2]), Lit("VALID")), {}),
        ((x, Lit([1, 2, 2, 1]), Lit([1, 2, 2, 1]), Lit("SAME")), {}),
        ((x, Lit(2), Lit(2), Lit([[0, 0], [1, 1], [1, 0], [0, 0]])), {}),
        ((_images(rng, "int32"), Lit(2), Lit(2), Lit("SAME")), {}),
        ((x, Lit([2, 2, 2, 1]), Lit(1), Lit("VALID")), {}),
        ((x, Lit(2), Lit(2), Lit("FULL")), {}),
    ]


def _avg_pool():
    rng = _rng()
    f = "float64"
    x = _images(rng, f)
    return [
        ((_images(rng, "float32"), Lit(2), Lit(2), Lit("SAME")), {}),
        ((x, Lit(3), Lit([2, 1]), Lit("SAME")), {}),  # partial windows divide by the valid count
        ((x, Lit([3, 2]), Lit([1, 2]), Lit("VALID")), {}),
        ((x, Lit(2), Lit(2), Lit([[0, 0], [1, 1], [1, 0], [0, 0]])), {}),
        ((_images(rng, "int32"), Lit(2), Lit(2), Lit("SAME")), {}),
    ]


def _max_pool_nd():
    rng = _rng()
    f = "float64"
    d3 = {"data_format": Lit("NDHWC")}  # (TF's 3-D pool gradient needs an explicit data_format)
    return [
        ((_a(rng, (2, 7, 3), "float32"), Lit(2), Lit(2), Lit("SAME")), {}),
        ((_a(rng, (2, 7, 3), f), Lit(3), Lit(2), Lit([[0, 0], [1, 1], [0, 0]])), {}),
        ((_a(rng, (1, 4, 5, 3, 2), "float32"), Lit([2, 2, 1]), Lit(2), Lit("VALID")), d3),
        ((_a(rng, (2, 5, 6, 3), f), Lit(2), Lit(1), Lit("SAME")), {}),
        ((_a(rng, (1, 4, 5, 3, 2), f), Lit(2), Lit(2), Lit("VALID")), {}),  # no float64 3-D kernel
        ((_a(rng, (5, 2), f), Lit(2), Lit(2), Lit("SAME")), {}),
    ]


def _avg_pool_nd():
    rng = _rng()
    f = "float64"
    d3 = {"data_format": Lit("NDHWC")}
    return [
        ((_a(rng, (2, 7, 3), "float32"), Lit(2), Lit(2), Lit("SAME")), {}),
        ((_a(rng, (2, 5, 6, 3), f), Lit([2, 3]), Lit(1), Lit("VALID")), {}),
        ((_a(rng, (1, 4, 5, 3, 2), "float32"), Lit(2), Lit(2), Lit("SAME")), d3),
        ((_a(rng, (1, 4, 5, 3, 2), f), Lit(2), Lit(2), Lit("SAME")), {}),  # NotFoundError
    ]


def _embedding_lookup():
    rng = _rng()
    p = _a(rng, (6, 3), "float64")
    return [
        ((p, np.array([0, 5, 2, 2], np.int32)), {}), ((p, np.array([[1, 0], [3, 4]], np.int64)), {}),
        ((p, np.array([1, 4])), {"max_norm": Lit(1.0)}), (([_a(rng, (3, 2)), _a(rng, (2, 2))], np.array([0, 4, 3])), {}),
        ((p, np.array([6])), {}), ((p, np.array([-1])), {}), ((p, np.array([1.0], np.float32)), {}),
    ]


def _depthwise_conv2d():
    rng = _rng()
    x, w = _a(rng, (2, 5, 6, 3), "float64"), _a(rng, (2, 3, 3, 2), "float64")
    return [
        ((x, w, Lit([1, 1, 1, 1]), Lit("SAME")), {}), ((x, w, Lit([1, 2, 2, 1]), Lit("VALID")), {}),
        ((_a(rng, (1, 6, 6, 2)), _a(rng, (3, 3, 2, 1)), Lit([1, 1, 1, 1]), Lit("SAME")), {"dilations": Lit([2, 2])}),
        ((x, _a(rng, (2, 3, 2, 2), "float64"), Lit([1, 1, 1, 1]), Lit("SAME")), {}),
        ((x.astype(np.float32), w, Lit([1, 1, 1, 1]), Lit("SAME")), {}),
    ]


def _separable_conv2d():
    rng = _rng()
    x = _a(rng, (2, 5, 6, 3), "float64")
    return [
        ((x, _a(rng, (2, 2, 3, 2), "float64"), _a(rng, (1, 1, 6, 4), "float64"), Lit([1, 1, 1, 1]), Lit("SAME")), {}),
        ((x, _a(rng, (3, 3, 3, 1), "float64"), _a(rng, (1, 1, 3, 2), "float64"), Lit([1, 2, 2, 1]), Lit("VALID")), {}),
        ((x, _a(rng, (3, 3, 3, 1), "float64"), _a(rng, (2, 1, 3, 2), "float64"), Lit([1, 1, 1, 1]), Lit("VALID")), {}),
    ]


def _conv2d_transpose():
    rng = _rng()
    x, w = _a(rng, (2, 3, 4, 5), "float64"), _a(rng, (3, 3, 2, 5), "float64")
    return [
        ((x, w, Lit([2, 6, 8, 2]), Lit(2)), {"padding": Lit("SAME")}),
        ((x, w, Lit([2, 7, 9, 2]), Lit(2)), {"padding": Lit("VALID")}),
        ((x, w, Lit([2, 5, 6, 2]), Lit(1)), {"padding": Lit("VALID")}),
        ((_a(rng, (1, 4, 4, 3)), _a(rng, (2, 2, 1, 3)), Lit([1, 4, 4, 1]), Lit(1)), {"dilations": Lit(2)}),
        ((x, w, Lit([2, 9, 9, 2]), Lit(2)), {"padding": Lit("SAME")}),
        ((x, w, Lit([2, 6, 8, 3]), Lit(2)), {"padding": Lit("SAME")}),
    ]


def _conv1d_transpose():
    rng = _rng()
    return [((_a(rng, (2, 4, 3), "float64"), _a(rng, (3, 2, 3), "float64"), Lit([2, 8, 2]), Lit(2)), {}),
            ((_a(rng, (2, 4, 3), "float64"), _a(rng, (3, 2, 3), "float64"), Lit([2, 6, 2]), Lit(1)),
             {"padding": Lit("VALID")})]


def _conv3d_transpose():
    rng = _rng()
    return [((_a(rng, (1, 2, 3, 2, 3), "float64"), _a(rng, (2, 2, 2, 2, 3), "float64"), Lit([1, 4, 6, 4, 2]),
              Lit(2)), {})]


def _conv3d():
    rng = _rng()
    x = _a(rng, (1, 4, 5, 3, 2), "float64")
    return [((x, _a(rng, (2, 2, 2, 2, 3), "float64"), Lit([1, 1, 1, 1, 1]), Lit("SAME")), {}),
            ((x, _a(rng, (3, 2, 1, 2, 2), "float64"), Lit([1, 2, 1, 2, 1]), Lit("VALID")), {}),
            ((x, _a(rng, (2, 2, 2, 3, 3), "float64"), Lit([1, 1, 1, 1, 1]), Lit("SAME")), {})]


def _pool1d():
    rng = _rng()
    return [((_a(rng, (2, 7, 3), "float64"), Lit(2), Lit(2), Lit("SAME")), {}),
            ((_a(rng, (2, 7, 3)), Lit(3), Lit(1), Lit("VALID")), {})]


def _pool3d():
    rng = _rng()
    return [((_a(rng, (1, 4, 5, 3, 2)), Lit(2), Lit(2), Lit("SAME")), {}),
            ((_a(rng, (1, 4, 5, 3, 2)), Lit([1, 2, 2, 1, 1]), Lit([1, 1, 2, 1, 1]), Lit("VALID")), {})]


def _batch_normalization():
    rng = _rng()
    x = _a(rng, (4, 3), "float64")
    m, v = _a(rng, (3,), "float64"), _a(rng, (3,), "float64", 0.1, 2.0)
    return [((x, m, v, _a(rng, (3,), "float64"), _a(rng, (3,), "float64"), Lit(1e-3)), {}),
            ((x, m, v, Lit(None), Lit(None), Lit(1e-3)), {}),
            ((x.astype(np.float32), m.astype(np.float32), v.astype(np.float32), Lit(None), Lit(2.0), Lit(0.0)), {}),
            ((x, m.astype(np.float32), v, Lit(None), Lit(None), Lit(1e-3)), {})]


def _weighted_ce():
    rng = _rng()
    lg, lb = _a(rng, (3, 4), "float64"), _a(rng, (3, 4), "float64", 0.0, 1.0)
    return [((lb, lg, Lit(2.0)), {}), ((lb.astype(np.float32), lg.astype(np.float32), Lit(0.5)), {}),
            ((lb, lg[:2], Lit(2.0)), {})]


def _log_poisson_loss():
    rng = _rng()
    t, li = _a(rng, (5,), "float64", 0.0, 4.0), _a(rng, (5,), "float64")
    return [((t, li), {}), ((t, li), {"compute_full_loss": Lit(True)}), ((t[:3], li), {})]


def _normalize_moments():
    rng = _rng()
    return [((np.array(4.0), _a(rng, (3,), "float64"), _a(rng, (3,), "float64", 5.0, 9.0), Lit(None)), {}),
            ((np.array(4.0, np.float32), _a(rng, (3,)), _a(rng, (3,), "float32", 5.0, 9.0), _a(rng, (3,))), {})]


def _space_to_depth():
    rng = _rng()
    return [((_a(rng, (2, 4, 6, 3), "float64"), Lit(2)), {}), ((_a(rng, (1, 3, 6, 6), "float64"), Lit(3)),
                                                                  {"data_format": Lit("NHWC")}),
            ((_a(rng, (2, 4, 5, 3)), Lit(2)), {}), ((_a(rng, (2, 4, 4, 3)), Lit(1)), {})]


def _depth_to_space():
    rng = _rng()
    return [((_a(rng, (2, 2, 3, 8), "float64"), Lit(2)), {}), ((_a(rng, (2, 2, 3, 6)), Lit(2)), {}),
            ((_a(rng, (1, 2, 2, 18), "float64"), Lit(3)), {})]


def _crelu():
    rng = _rng()
    return [((_a(rng, (2, 3), "float64"),), {}), ((_a(rng, (2, 3)),), {"axis": Lit(0)}),
            ((_a(rng, (2, 3)),), {"axis": Lit(2)})]


CASES = {
    "nn_act": _act(("float32", "float64")),
    "nn_act_int": _act(("float32", "float64", "int32")),
    "nn_gelu": _act(("float32", "float64"), ({}, {"approximate": Lit(True)})),
    "nn_leaky": _act(("float32", "float64", "int32"), ({}, {"alpha": Lit(0.5)})),
    "nn_silu": _act(("float32", "float64"), ({}, {"beta": Lit(2.0)})),
    "softmax": _softmax,
    "sigmoid_ce": _sigmoid_ce,
    "softmax_ce": _softmax_ce,
    "sparse_ce": _sparse_ce,
    "l2_loss": _l2_loss,
    "bias_add": _bias_add,
    "moments": _moments,
    "conv2d": _conv2d,
    "conv1d": _conv1d,
    "max_pool": _max_pool,
    "avg_pool": _avg_pool,
    "max_pool_nd": _max_pool_nd,
    "avg_pool_nd": _avg_pool_nd,
    "embedding_lookup": _embedding_lookup, "depthwise_conv2d": _depthwise_conv2d,
    "separable_conv2d": _separable_conv2d, "conv2d_transpose": _conv2d_transpose,
    "conv1d_transpose": _conv1d_transpose, "conv3d_transpose": _conv3d_transpose, "conv3d": _conv3d,
    "pool1d": _pool1d, "pool3d": _pool3d, "batch_normalization": _batch_normalization, "weighted_ce": _weighted_ce,
    "log_poisson_loss": _log_poisson_loss, "normalize_moments": _normalize_moments,
    "space_to_depth": _space_to_depth, "depth_to_space": _depth_to_space, "crelu": _crelu,
}
