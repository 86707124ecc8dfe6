"""Sample arguments for the linalg family's rows (merged into op_cases.CASES)."""

from __future__ import annotations

import numpy as np

from op_cases import Lit


def _rng():
    return np.random.default_rng(11)


def _a(rng, shape, dtype="float32", lo=-2.0, hi=2.0):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return rng.integers(int(lo), int(hi) + 1, size=shape).astype(dtype)
    if dtype.kind == "c":
        return (rng.uniform(lo, hi, shape) + 1j * rng.uniform(lo, hi, shape)).astype(dtype)
    return rng.uniform(lo, hi, shape).astype(dtype)


def _matmul():
    rng = _rng()
    out = []
    for dt in ("float32", "float64", "int32", "complex64"):
        out.append(((_a(rng, (2, 3), dt), _a(rng, (3, 4), dt)), {}))
    f = "float64"
    out += [
        ((_a(rng, (3, 2), f), _a(rng, (3, 4), f)), {"transpose_a": Lit(True)}),
        ((_a(rng, (2, 3), f), _a(rng, (4, 3), f)), {"transpose_b": Lit(True)}),
        ((_a(rng, (3, 2), "complex128"), _a(rng, (4, 3), "complex128")),
         {"adjoint_a": Lit(True), "adjoint_b": Lit(True)}),
        ((_a(rng, (5, 1, 2, 3), "float32"), _a(rng, (4, 3, 2), "float32")), {}),  # batch broadcast
        ((_a(rng, (2, 2, 3), f), _a(rng, (3, 4), f)), {}),
        ((_a(rng, (3,), f), _a(rng, (3, 4), f)), {}),  # rank 1 -> InvalidArgumentError
        ((_a(rng, (2, 3), f), _a(rng, (2, 3), f)), {}),  # incompatible
        ((_a(rng, (5, 2, 3), f), _a(rng, (4, 3, 4), f)), {}),  # incompatible batch
        ((_a(rng, (2, 3), "float32"), _a(rng, (3, 4), f)), {}),  # dtype mismatch
        ((_a(rng, (2, 3), "int8"), _a(rng, (3, 4), "int8")), {}),  # no int8 kernel
        ((_a(rng, (2, 3), "uint8"), _a(rng, (3, 4), "uint8")), {}),  # NotFoundError on CPU
        ((_a(rng, (2, 3), f), _a(rng, (3, 4), f)), {"transpose_a": Lit(True), "adjoint_a": Lit(True)}),
        ((Lit([[1.0, 2.0]]), _a(rng, (2, 2), "float32")), {}),
    ]
    return out


def _matvec():
    rng = _rng()
    f = "float64"
    return [
        ((_a(rng, (2, 3), "float32"), _a(rng, (3,), "float32")), {}),
        ((_a(rng, (3, 2), f), _a(rng, (3,), f)), {"transpose_a": Lit(True)}),
        ((_a(rng, (4, 2, 3), f), _a(rng, (3,), f)), {}),
        ((_a(rng, (2, 3), f), _a(rng, (2,), f)), {}),
        ((_a(rng, (3,), f), _a(rng, (3,), f)), {}),
    ]


def _tensordot():
    rng = _rng()
    f = "float64"
    return [
        ((_a(rng, (2, 3), "float32"), _a(rng, (3, 4), "float32"), Lit(1)), {}),
        ((_a(rng, (2, 3), f), _a(rng, (4,), f), Lit(0)), {}),
        ((_a(rng, (2, 3, 4), f), _a(rng, (3, 4, 2), f), Lit(2)), {}),
        ((_a(rng, (2, 3), f), _a(rng, (3, 2), f), Lit([[0, 1], [1, 0]])), {}),
        ((_a(rng, (2, 3), f), _a(rng, (3, 4), f), Lit([1, 0])), {}),
        ((_a(rng, (2, 3), f), _a(rng, (3, 4), f)), {"axes": Lit([[-1], [0]])}),
        ((_a(rng, (2, 3), "int32"), _a(rng, (3, 4), "int32"), Lit(1)), {}),
        ((_a(rng, (2, 3), f), _a(rng, (2, 4), f), Lit(1)), {}),  # size mismatch
        ((_a(rng, (2, 3), f), _a(rng, (3, 4), f), Lit(3)), {}),  # too many axes -> ValueError
        ((_a(rng, (2, 3), f), _a(rng, (3, 4), f), Lit(-1)), {}),
        ((_a(rng, (2, 3), f), _a(rng, (3, 4), f), Lit([[1], [0, 1]])), {}),
        ((_a(rng, (2, 3), "float32"), _a(rng, (3, 4), f), Lit(1)), {}),
    ]


def _einsum():
    rng = _rng()
    f = "float64"
    return [
        ((Lit("ij,jk->ik"), _a(rng, (2, 3), "float32"), _a(rng, (3, 4), "float32")), {}),
        ((Lit("ij,jk"), _a(rng, (2, 3), f), _a(rng, (3, 4), f)), {}),
        ((Lit("bij,bjk->bik"), _a(rng, (2, 2, 3), f), _a(rng, (2, 3, 2), f)), {}),
        ((Lit("...ij,...jk->...ik"), _a(rng, (2, 2, 3), f), _a(rng, (3, 4), f)), {}),
        ((Lit("ii->i"), _a(rng, (3, 3), f)), {}),
        ((Lit("ii"), _a(rng, (3, 3), f)), {}),
        ((Lit("ij->"), _a(rng, (2, 3), f)), {}),
        ((Lit("i,j->ij"), _a(rng, (2,), f), _a(rng, (3,), f)), {}),
        ((Lit("ij,jk,kl->il"), _a(rng, (2, 3), f), _a(rng, (3, 4), f), _a(rng, (4, 2), f)), {}),
        ((Lit("ij,jk->ik"), _a(rng, (2, 3), "int32"), _a(rng, (3, 4), "int32")), {}),
        ((Lit("ij,jk->ik"), _a(rng, (2, 3), f), _a(rng, (2, 3), f)), {}),  # size mismatch
        ((Lit("ij,jk->ik"), _a(rng, (2, 3), f)), {}),  # wrong number of inputs
        ((Lit("ij,jk->iz"), _a(rng, (2, 3), f), _a(rng, (3, 4), f)), {}),
        ((Lit("ij,jk->ik"), _a(rng, (2, 3), "float32"), _a(rng, (3, 4), f)), {}),
        ((Lit("ij,jk->ik"), _a(rng, (2, 3), "uint8"), _a(rng, (3, 4), "uint8")), {}),
    ]


def _norm():
    rng = _rng()
    f = "float64"
    x = _a(rng, (3, 4), f)
    x32 = _a(rng, (2, 3, 4), "float32")
    out = [
        ((x32,), {}),
        ((x,), {"axis": Lit(1)}),
        ((x,), {"axis": Lit(-1), "keepdims": Lit(True)}),
        ((x,), {"keepdims": Lit(True)}),
        ((x,), {"ord": Lit(1)}),
        ((x,), {"ord": Lit(np.inf), "axis": Lit(0)}),
        ((x,), {"ord": Lit(3), "axis": Lit(1)}),
        ((x,), {"ord": Lit(0.5), "axis": Lit(1)}),
        ((x,), {"ord": Lit("fro"), "axis": Lit([0, 1])}),
        ((x,), {"ord": Lit(1), "axis": Lit([0, 1])}),
        ((x,), {"ord": Lit(np.inf), "axis": Lit((0, 1))}),
        ((x,), {"ord": Lit(2), "axis": Lit([-1, -2])}),
        ((x32,), {"ord": Lit(1), "axis": Lit([2, 0]), "keepdims": Lit(True)}),
        ((x32,), {"ord": Lit("euclidean"), "axis": Lit([1, 2])}),
        ((_a(rng, (3,), "complex128"),), {}),
        ((_a(rng, (3,), "complex128"),), {"ord": Lit(1)}),
        ((x,), {"ord": Lit("fro"), "axis": Lit(1)}),  # ValueError
        ((x,), {"ord": Lit(0)}),
        ((x,), {"ord": Lit(3), "axis": Lit([0, 1])}),
        ((x,), {"axis": Lit([0, 0])}),
        ((x,), {"axis": Lit(2)}),
        ((np.array([3, 4], np.int32),), {}),
    ]
    return out


def _l2_normalize():
    rng = _rng()
    f = "float64"
    return [
        ((_a(rng, (3,), "float32"),), {}),
        ((_a(rng, (2, 3), f),), {"axis": Lit(1)}),
        ((_a(rng, (2, 3), f),), {"axis": Lit([0, 1])}),
        ((_a(rng, (2, 3), f),), {"axis": Lit(0), "epsilon": Lit(100.0)}),
        ((np.zeros((2,), np.float32),), {}),
        ((_a(rng, (3,), "complex64"),), {}),
        ((np.array([3, 4], np.int32),), {}),
    ]


def _spd(rng, n, dtype, batch=()):
    b = rng.uniform(-1, 1, batch + (n, n))
    return (b @ np.swapaxes(b, -1, -2) + n * np.eye(n)).astype(dtype)


def _inv():
    rng = _rng()
    f = "float64"
    return [
        ((_spd(rng, 3, "float32") + np.triu(np.ones((3, 3)), 1).astype(np.float32),), {}),
        ((_spd(rng, 3, f, (2,)) + np.triu(np.ones((3, 3)), 1),), {}),
        ((_spd(rng, 2, f),), {"adjoint": Lit(True)}),
        ((np.zeros((2, 2), np.float32),), {}),  # singular
        ((np.array([[1.0, 2.0], [2.0, 4.0]]),), {}),
        ((np.ones((2, 3), np.float32),), {}),
        ((np.ones((2,), np.float32),), {}),
        ((np.eye(2, dtype=np.int32),), {}),
    ]


def _square():
    rng = _rng()
    f = "float64"
    return [
        ((_a(rng, (3, 3), "float32"),), {}),
        ((_a(rng, (2, 3, 3), f),), {}),
        ((_a(rng, (1, 1), f),), {}),
        ((np.ones((2, 3), np.float32),), {}),
        ((np.ones((2,), np.float32),), {}),
        ((np.eye(2, dtype=np.int32),), {}),
    ]


def _solve():
    rng = _rng()
    f = "float64"
    return [
        ((_spd(rng, 3, "float32"), _a(rng, (3, 2), "float32")), {}),
        ((_spd(rng, 3, f, (2,)) + np.triu(np.ones((3, 3)), 1), _a(rng, (2, 3, 1), f)), {}),
        ((_spd(rng, 2, f) + np.triu(np.ones((2, 2)), 1), _a(rng, (2, 2), f)), {"adjoint": Lit(True)}),
        ((np.zeros((2, 2)), _a(rng, (2, 1), f)), {}),  # singular
        ((np.eye(2), _a(rng, (2,), f)), {}),  # rank mismatch
        ((np.eye(2), _a(rng, (3, 1), f)), {}),
        ((np.eye(2, dtype=np.float32), _a(rng, (2, 1), f)), {}),
        ((np.eye(2, dtype=np.int32), np.ones((2, 1), np.int32)), {}),
    ]


def _spd_cases():
    rng = _rng()
    return [
        ((_spd(rng, 3, "float32"),), {}),
        ((_spd(rng, 3, "float64", (2,)),), {}),
        ((np.ones((2, 3), np.float32),), {}),
        ((np.ones((2,), np.float32),), {}),
        ((np.eye(2, dtype=np.int32),), {}),
    ]


def _diag():
    rng = _rng()
    f = "float64"
    return [
        ((_a(rng, (3,), "float32"),), {}),
        ((_a(rng, (2, 3), f),), {}),
        ((_a(rng, (2,), f),), {"k": Lit(1)}),
        ((_a(rng, (2,), f),), {"k": Lit(-1), "num_cols": Lit(3)}),
        ((_a(rng, (2,), f),), {"num_rows": Lit(3)}),
        ((_a(rng, (2,), f),), {"num_rows": Lit(3), "num_cols": Lit(2), "padding_value": Lit(9)}),
        ((np.array([1, 2], np.int32),), {"k": Lit(2), "padding_value": Lit(-1)}),
        ((_a(rng, (2,), f),), {"num_rows": Lit(3), "num_cols": Lit(4)}),  # inconsistent
        ((np.float32(1.0),), {}),
    ]


def _diag_part():
    rng = _rng()
    f = "float64"
    return [
        ((_a(rng, (3, 3), "float32"),), {}),
        ((_a(rng, (2, 3, 4), f),), {}),
        ((_a(rng, (2, 3), f),), {"k": Lit(1)}),
        ((_a(rng, (3, 2), f),), {"k": Lit(-1)}),
        ((np.arange(6, dtype=np.int32).reshape(2, 3),), {"k": Lit(-1), "padding_value": Lit(9)}),
        ((_a(rng, (2, 3), f),), {"k": Lit(5)}),
        ((_a(rng, (3,), f),), {}),
    ]


def _trace():
    rng = _rng()
    f = "float64"
    return [
        ((_a(rng, (3, 3), "float32"),), {}),
        ((_a(rng, (2, 3, 4), f),), {}),
        ((_a(rng, (2, 2), "int32"),), {}),
        ((np.ones((2, 2), np.int8),), {}),
        ((_a(rng, (3,), f),), {}),
        ((np.ones((2, 2), bool),), {}),
    ]


def _matrix_transpose():
    rng = _rng()
    f = "float64"
    return [
        ((_a(rng, (2, 3), "float32"),), {}),
        ((_a(rng, (2, 3, 4), f),), {}),
        ((_a(rng, (2, 3), "complex64"),), {"conjugate": Lit(True)}),
        ((_a(rng, (2, 3), f),), {"conjugate": Lit(True)}),
        ((_a(rng, (3,), f),), {}),
    ]


def _band_part():
    rng = _rng()
    f = "float64"
    x = _a(rng, (4, 4), f)
    return [
        ((_a(rng, (3, 4), "float32"), Lit(0), Lit(-1)), {}),
        ((x, Lit(1), Lit(1)), {}),
        ((x, Lit(-1), Lit(0)), {}),
        ((_a(rng, (2, 3, 3), f), np.array(0, np.int64), np.array(1, np.int64)), {}),
        ((x, Lit(5), Lit(0)), {}),
        ((_a(rng, (3,), f), Lit(0), Lit(0)), {}),
    ]


def _qr():
    rng = _rng()
    return [((_a(rng, (4, 3), "float64"),), {}), ((_a(rng, (2, 3, 3), "float64"),), {}),
            ((_a(rng, (3, 3), "float32"),), {"full_matrices": Lit(True)}), ((np.ones((3,), np.float32),), {}),
            ((np.eye(2, dtype=np.int32),), {})]


def _svd():
    rng = _rng()
    return [((_a(rng, (4, 3), "float64"),), {"compute_uv": Lit(False)}),
            ((_a(rng, (2, 3, 5), "float32"),), {"compute_uv": Lit(False)}),
            ((np.ones((3,), np.float32),), {}), ((np.eye(2, dtype=np.int32),), {})]


def _triangular_solve():
    rng = _rng()
    a = np.tril(_a(rng, (3, 3), "float64")) + 3 * np.eye(3)
    return [((a, _a(rng, (3, 2), "float64")), {}), ((a.T.copy(), _a(rng, (3, 1), "float64")), {"lower": Lit(False)}),
            ((a, _a(rng, (2, 3, 2), "float64")), {"adjoint": Lit(True)}),
            ((a.astype(np.float32), _a(rng, (3, 2), "float64")), {}), ((a, _a(rng, (4, 2), "float64")), {})]


def _lstsq():
    rng = _rng()
    return [((_a(rng, (5, 3), "float64"), _a(rng, (5, 2), "float64")), {}),
            ((_a(rng, (5, 3), "float64"), _a(rng, (5, 2), "float64")), {"l2_regularizer": Lit(0.5)}),
            ((_a(rng, (2, 5), "float64"), _a(rng, (2, 1), "float64")), {}),
            ((_a(rng, (5, 3), "float32"), _a(rng, (4, 2), "float32")), {})]


def _pinv():
    rng = _rng()
    return [((_a(rng, (4, 3), "float64"),), {}), ((_a(rng, (2, 3, 5), "float32"),), {}),
            # rank-deficient: its values are compared with TF's; float32 keeps it out of the float64
            # finite-difference check (pinv is not differentiable where a perturbation changes the rank)
            ((np.array([[1.0, 2.0], [2.0, 4.0]], np.float32),), {})]


def _cross():
    rng = _rng()
    return [((_a(rng, (4, 3), "float64"), _a(rng, (4, 3), "float64")), {}),
            ((_a(rng, (3,), "float32"), _a(rng, (3,), "float32")), {}),
            ((_a(rng, (2,), "float32"), _a(rng, (2,), "float32")), {}),
            ((_a(rng, (3,), "float32"), _a(rng, (3,), "float64")), {})]


def _set_diag():
    rng = _rng()
    return [((_a(rng, (3, 3), "float64"), _a(rng, (3,), "float64")), {}),
            ((_a(rng, (2, 3, 4), "float64"), _a(rng, (2, 3), "float64")), {}),
            ((_a(rng, (3, 3), "float32"), _a(rng, (2,), "float32")), {})]


def _global_norm():
    rng = _rng()
    return [(([_a(rng, (3,), "float64"), _a(rng, (2, 2), "float64")],), {}),
            (([_a(rng, (3,), "float32"), Lit(None), _a(rng, (2,), "float32")],), {}),
            (([_a(rng, (3,), "float32"), _a(rng, (2,), "float64")],), {})]


CASES = {
    "qr": _qr, "svd": _svd, "triangular_solve": _triangular_solve, "lstsq": _lstsq, "pinv": _pinv, "cross": _cross,
    "set_diag": _set_diag, "global_norm": _global_norm,
    "matmul": _matmul,
    "matvec": _matvec,
    "tensordot": _tensordot,
    "einsum": _einsum,
    "norm": _norm,
    "l2_normalize": _l2_normalize,
    "inv": _inv,
    "square": _square,
    "solve": _solve,
    "spd": _spd_cases,
    "diag": _diag,
    "diag_part": _diag_part,
    "trace": _trace,
    "matrix_transpose": _matrix_transpose,
    "band_part": _band_part,
}
