"""Sample arguments for the reduction family's rows (merged into op_cases.CASES)."""

from __future__ import annotations

import numpy as np

from op_cases import Lit


def _rng():
    return np.random.default_rng(7)


def _arr(rng, shape, dtype, lo=-3.0, hi=3.0):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) > 0.5
    if dtype.kind in "iu":
        return rng.integers(int(max(lo, 0) if dtype.kind == "u" else lo), int(hi) + 1, size=shape).astype(dtype)
    return np.asarray(rng.uniform(lo, hi, shape)).astype(dtype)


# (shape, axis, keepdims): every axis form TF accepts.
_AXES = [
    ((2, 3), None, False),
    ((2, 3), Lit(0), False),
    ((2, 3), Lit(-1), True),
    ((2, 3, 4), Lit([0, 2]), False),
    ((2, 3, 4), Lit((1, -1)), True),
    ((2, 3), np.array([1], np.int32), False),
    ((2, 3), np.array(0, np.int64), False),
    ((3,), Lit([]), False),
    ((), None, False),
    ((2, 3), Lit(2), False),  # out of range -> InvalidArgumentError
    ((2, 3), Lit([0, 0]), False),  # duplicate axis -> InvalidArgumentError
]


def _reduce(dtypes, lo=-3.0, hi=3.0, axes=_AXES):
    def gen():
        rng = _rng()
        out = []
        for dt in dtypes:
            for shape, axis, keep in axes:
                kw = {} if axis is None else {"axis": axis}
                if keep:
                    kw["keepdims"] = True
                out.append(((_arr(rng, shape, dt, lo, hi),), kw))
        return out

    return gen


_FEW = [_AXES[0], _AXES[2], _AXES[3]]


def _reduce_minmax():
    cases = _reduce(("float32", "int32"))() + _reduce(("float64", "uint8"), axes=_FEW)()
    rng = _rng()
    ties = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]], np.float64)  # gradient split between ties, as TF
    cases += [((ties,), {}), ((ties.astype(np.float32),), {"axis": Lit(1)})]
    cases.append(((np.array([1.0, np.nan, 2.0], np.float32),), {}))
    cases.append(((_arr(rng, (2,), "bool"),), {}))  # bool is not allowed
    return cases


def _reduce_sum_like():
    cases = _reduce(("float32", "int32"))() + _reduce(("float64", "int64"), axes=_FEW)()
    cases += _reduce(("int8", "uint8", "float16", "complex64"), axes=_AXES[1:2])()
    cases.append(((np.array([100, 100, -7], np.int8),), {}))  # wraps / truncates as TF
    cases.append(((np.array([True, False]),), {}))  # bool is not allowed
    return cases


def _reduce_float():
    cases = _reduce(("float32",))() + _reduce(("float64",), axes=_FEW)()
    cases.append(((np.array([1, 2, 3], np.int32),), {}))  # ints are rejected
    return cases


def _reduce_bool():
    cases = _reduce(("bool",))()
    cases.append(((np.array([1, 0], np.int32),), {}))
    return cases


def _argminmax():
    rng = _rng()
    out = []
    for dt in ("float32", "float64", "int32", "uint8", "bool"):
        x = _arr(rng, (3, 4), dt)
        out += [((x,), {}), ((x,), {"axis": Lit(1)}), ((x,), {"axis": Lit(-1), "output_type": Lit("int32")})]
    ties = np.array([[1, 5, 5], [0, 0, -2]], np.int32)
    out += [((ties,), {"axis": Lit(1)}), ((ties,), {"axis": np.array(0, np.int32)})]
    out += [((ties,), {"axis": Lit(2)}), ((np.float32(1.0),), {})]
    return out


def _top_k():
    rng = _rng()
    out = []
    # (index_type=int64 is only tried on ints: TF's own top_k gradient fails for it)
    for dt in ("float32", "float64", "int32"):
        out.append(((_arr(rng, (5,), dt),), {}))
        out.append(((_arr(rng, (2, 6), dt), Lit(3)), {}))
    x = np.array([[1.0, 3.0, 3.0, 2.0], [4.0, 4.0, 4.0, 0.0]], np.float64)  # ties keep index order
    out += [((x, Lit(2)), {}), ((x.astype(np.int32),), {"k": Lit(4), "index_type": Lit("int64")}), ((x, Lit(0)), {})]
    out += [((x, Lit(5)), {}), ((x, Lit(-1)), {}), ((np.float32(1.0),), {})]
    out.append(((x.astype(np.float32), np.array(2, np.int32)), {}))
    return out


def _cumulative():
    rng = _rng()
    out = []
    for dt in ("float32", "float64", "int32"):
        x = _arr(rng, (3, 4), dt, 0.5, 2.0)
        out += [((x,), {}), ((x, Lit(1)), {}), ((x,), {"axis": Lit(-1), "exclusive": Lit(True)}),
                ((x,), {"reverse": Lit(True)}), ((x,), {"axis": Lit(1), "exclusive": Lit(True), "reverse": Lit(True)})]
    x = _arr(rng, (3, 4), "float64", 0.5, 2.0)
    out += [((x,), {"axis": np.array(1, np.int32)}), ((x,), {"axis": Lit(2)}), ((np.float32(2.0),), {})]
    out.append(((np.array([100, 100], np.int8),), {}))
    out.append(((np.array([True, False]),), {}))
    return out


CASES = {
    "reduce": _reduce_sum_like,
    "reduce_minmax": _reduce_minmax,
    "reduce_float": _reduce_float,
    "reduce_bool": _reduce_bool,
    "argminmax": _argminmax,
    "top_k": _top_k,
    "cumulative": _cumulative,
}
