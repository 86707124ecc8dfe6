"""Property tests: random shapes, dtypes and values for the elementwise and reduction rows of the op
table, each compared with real TensorFlow (same values, dtype, shape, or the same error class).

Hypothesis draws the inputs (derandomized, few examples per row, so the suite stays fast); the
row's ``kind`` decides the value domain, as in tests/op_cases.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from op_cases import Lit
from oracle import assert_same, call_both
from tfshim._src.ops.table import ROWS

SETTINGS = settings(max_examples=4, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# kind → (dtypes, low, high, transform name)
UNARY = {
    "unary": (("float32", "float64", "int32"), -3, 3, None),
    "unary_float": (("float32", "float64"), -3, 3, None),
    "unary_pos": (("float32", "float64"), 0.1, 4, None),
    "unary_unit": (("float32", "float64"), -0.9, 0.9, None),
    "unary_nonzero": (("float32", "float64", "int32"), -3, 3, "nonzero"),
    "unary_abs": (("float32", "float64", "int32", "int64"), -3, 3, None),
    "unary_round": (("float32", "float64"), -3, 3, "halves"),
    "unary_pred": (("float32", "float64"), -3, 3, None),
    "logical_not": (("bool",), 0, 1, None),
    "bitwise_not": (("int32", "uint8"), 0, 100, None),
}
BINARY = {
    "binary": (("float32", "float64", "int32", "int64"), -3, 3, None),
    "binary_float": (("float32", "float64"), -3, 3, None),
    "binary_pos": (("float32", "float64"), 0.1, 3, None),
    "binary_div": (("float32", "float64", "int32"), -3, 3, "nonzero_rhs"),
    "binary_pow": (("float32", "float64"), 0.5, 2, None),
    "compare": (("float32", "float64", "int32"), -3, 3, None),
    "logical": (("bool",), 0, 1, None),
    "bitwise": (("int32", "uint8"), 0, 100, None),
}
REDUCE = {
    "reduce": (("float32", "float64", "int32"), -3, 3),
    "reduce_minmax": (("float32", "float64", "int32"), -3, 3),
    "reduce_float": (("float32", "float64"), -3, 3),
    "reduce_bool": (("bool",), 0, 1),
}


def _rows(kinds):
    return [r for r in ROWS if r.kind in kinds]


def _ids(r):
    return r.names[0]


def _elements(dtype, lo, hi):
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return st.booleans()
    if dt.kind in "iu":
        return st.integers(int(lo), int(hi))
    if dt.itemsize == 4:  # bounds exactly representable in float32, rounded inward
        f_lo, f_hi = np.float32(lo), np.float32(hi)
        lo = float(f_lo if f_lo >= lo else np.nextafter(f_lo, np.float32(np.inf)))
        hi = float(f_hi if f_hi <= hi else np.nextafter(f_hi, np.float32(-np.inf)))
    return st.floats(float(lo), float(hi), width=32 if dt.itemsize == 4 else 64, allow_nan=False,
                     allow_infinity=False)


def _array(dtype, shape, lo, hi):
    return hnp.arrays(np.dtype(dtype), shape, elements=_elements(dtype, lo, hi))


def _fix(a, transform):
    if transform in ("nonzero", "nonzero_rhs"):
        return np.where(a == 0, np.ones_like(a), a)
    if transform == "halves":
        return (np.round(a * 2) / 2).astype(a.dtype)
    return a


SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


@pytest.mark.parametrize("row", _rows(UNARY), ids=_ids)
def test_unary_rows(row, tf_ref):
    dtypes, lo, hi, transform = UNARY[row.kind]

    @SETTINGS
    @given(data=st.data())
    def check(data):
        dt = data.draw(st.sampled_from(dtypes))
        x = _fix(data.draw(_array(dt, data.draw(SHAPES), lo, hi)), transform)
        ref, got = call_both(row.names[0], (x,), dict(row.extra.get("kwargs", {})), tf_ref)
        assert_same(ref, got, f"{row.names[0]}({dt}{list(x.shape)})", **row.extra.get("tol", {}))

    check()


@pytest.mark.parametrize("row", _rows(BINARY), ids=_ids)
def test_binary_rows_broadcasting(row, tf_ref):
    dtypes, lo, hi, transform = BINARY[row.kind]
    rhs_lo = -2 if row.kind == "binary_pow" else lo

    @SETTINGS
    @given(data=st.data())
    def check(data):
        dt = data.draw(st.sampled_from(dtypes))
        shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
        x = data.draw(_array(dt, shapes.input_shapes[0], lo, hi))
        y = _fix(data.draw(_array(dt, shapes.input_shapes[1], rhs_lo, hi)), transform)
        ref, got = call_both(row.names[0], (x, y), dict(row.extra.get("kwargs", {})), tf_ref)
        assert_same(ref, got, f"{row.names[0]}({dt}{list(x.shape)}, {list(y.shape)})", **row.extra.get("tol", {}))

    check()


def _scalars_for(dt):
    if dt == "bool":
        return [True, False]
    return [2, 3] if np.dtype(dt).kind in "iu" else [2, 1.5, 0.25]


@pytest.mark.parametrize("row", _rows(BINARY), ids=_ids)
def test_binary_rows_with_python_scalar(row, tf_ref):
    """A Python number next to a tensor takes the tensor's dtype."""
    dtypes, lo, hi, _ = BINARY[row.kind]

    @SETTINGS
    @given(data=st.data())
    def check(data):
        dt = data.draw(st.sampled_from(dtypes))
        x = data.draw(_array(dt, data.draw(SHAPES), lo, hi))
        s = data.draw(st.sampled_from(_scalars_for(dt)))
        ref, got = call_both(row.names[0], (x, Lit(s)), {}, tf_ref)
        assert_same(ref, got, f"{row.names[0]}({dt}{list(x.shape)}, {s!r})", **row.extra.get("tol", {}))

    check()


@pytest.mark.parametrize("name", ["multiply", "subtract", "math.floordiv", "maximum", "less"])
def test_int_tensor_with_python_float(name, tf_ref):
    ref, got = call_both(name, (np.array([1, 2], np.int32), Lit(1.5)), {}, tf_ref)
    assert_same(ref, got, f"{name}(int32, 1.5)")


@pytest.mark.parametrize("row", _rows(REDUCE), ids=_ids)
def test_reduction_rows(row, tf_ref):
    dtypes, lo, hi = REDUCE[row.kind]

    @SETTINGS
    @given(data=st.data())
    def check(data):
        dt = data.draw(st.sampled_from(dtypes))
        shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
        x = data.draw(_array(dt, shape, lo, hi))
        axis = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1),
                                   st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=len(shape))))
        kw = {"keepdims": data.draw(st.booleans())}
        if axis is not None:
            kw["axis"] = Lit(axis)
        ref, got = call_both(row.names[0], (x,), kw, tf_ref)
        assert_same(ref, got, f"{row.names[0]}({dt}{list(x.shape)}, {kw})", **row.extra.get("tol", {}))

    check()
