"""Differential fuzzing of the op table against real TensorFlow (hypothesis).

Each example picks a row of ``tfshim._src.ops.table.ROWS`` (rows with a ``kind``), one of the
kind's sample calls from ``tests/op_cases.py`` (a valid argument family) and mutates it:

* ``values``: every array gets fresh random values of its dtype, floats mixed with NaN, ±inf, ±0,
  huge and tiny numbers; integers include negatives and large values (so index arguments go out of
  range);
* ``shape`` (elementwise kinds): random shapes, 0-sized dimensions, broadcasting pairs and
  mismatched pairs;
* ``axis``: integer ``axis``-like arguments get random values including negative and out-of-range;
* ``dtype``: one array is cast to another dtype (mismatched dtypes between inputs).

Then either both libraries succeed with equal results (dtype, shape, values within tolerance, NaN
and inf positions equal) or both raise, tfshim with the same exception class (``tf.errors`` class
or Python type) as TF. The default run is bounded (``_DEFAULT_EXAMPLES``, derandomized so CI is
reproducible); ``pytest --fuzz-long`` runs ``_LONG_EXAMPLES`` random ones.

Known, narrow differences are listed in ``_EXCLUSIONS`` with the reason; a case that hits one is
counted as excluded, never silently passed.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from op_cases import CASES, Lit, tolerance
from oracle import call_both, flat
from tfshim._src.ops.table import ROWS

_DEFAULT_EXAMPLES = 1000
_LONG_EXAMPLES = 20_000

FUZZ_ROWS = sorted((r for r in ROWS if r.kind and r.kind in CASES), key=lambda r: r.names[0])

_ELEMENTWISE_PREFIXES = ("unary", "binary", "compare", "logical", "bitwise", "nn_act", "nn_gelu", "nn_leaky",
                         "nn_silu", "sigmoid_ce", "l2_loss")
_AXIS_KEYS = ("axis", "dim", "batch_dims")
_MUTATIONS = ("values", "values", "shape", "axis", "dtype", "none")
_DTYPES = ("float32", "float64", "int32", "int64", "float16", "bool", "uint8")

STATS = {"tried": 0, "both_raised": 0, "equal": 0, "excluded": 0, "mismatch": 0}


@functools.cache
def _samples(kind: str) -> tuple:
    return tuple(CASES[kind]())


# -- random values -------------------------------------------------------------------------------
_SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 1e-30, 1.0, -1.0, 0.5])


def _random_like(rng: np.random.Generator, shape: tuple, dtype: np.dtype) -> np.ndarray:
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) > 0.5
    if dtype.kind in "iu":
        lo = 0 if dtype.kind == "u" else -6
        hi = 12 if rng.random() < 0.8 else min(np.iinfo(dtype).max, 1000)
        return rng.integers(lo, hi + 1, size=shape).astype(dtype)
    vals = rng.normal(0, 3, size=shape)
    if dtype.kind == "c":
        vals = vals + 1j * rng.normal(0, 3, size=shape)
    if rng.random() < 0.5 and np.size(vals):
        mask = rng.random(shape) < 0.3
        specials = rng.choice(_SPECIAL, size=shape)
        vals = np.where(mask, specials, vals)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(vals).astype(dtype)


def _random_shape(rng: np.random.Generator, max_rank: int = 3) -> tuple:
    rank = int(rng.integers(0, max_rank + 1))
    return tuple(int(rng.choice([0, 1, 1, 2, 3, 4])) for _ in range(rank))


def _broadcast_pair(rng: np.random.Generator) -> tuple:
    a = _random_shape(rng)
    mode = rng.integers(0, 4)
    if mode == 0:  # equal
        return a, a
    if mode == 1:  # b drops leading dims / has ones
        b = tuple(1 if rng.random() < 0.4 else d for d in a[int(rng.integers(0, len(a) + 1)):])
        return (a, b) if rng.random() < 0.5 else (b, a)
    if mode == 2:  # scalar against anything
        return (a, ()) if rng.random() < 0.5 else ((), a)
    return a, _random_shape(rng)  # anything (often incompatible)


# -- mutations -----------------------------------------------------------------------------------
def _map_arrays(value: Any, fn) -> Any:
    if isinstance(value, np.ndarray):
        return fn(value)
    if isinstance(value, list):
        return [_map_arrays(v, fn) for v in value]
    if isinstance(value, tuple):
        return tuple(_map_arrays(v, fn) for v in value)
    if isinstance(value, dict):
        return {k: _map_arrays(v, fn) for k, v in value.items()}
    return value


def _mutate(rng: np.random.Generator, kind: str, args: tuple, kwargs: dict, mutation: str) -> tuple:
    if mutation == "values":
        fn = functools.partial(lambda a: _random_like(rng, a.shape, a.dtype))
        return _map_arrays(args, fn), _map_arrays(kwargs, fn)
    if mutation == "shape" and kind.startswith(_ELEMENTWISE_PREFIXES):
        arrays = [i for i, a in enumerate(args) if isinstance(a, np.ndarray)]
        if len(arrays) == 1:
            i = arrays[0]
            args = args[:i] + (_random_like(rng, _random_shape(rng), args[i].dtype),) + args[i + 1:]
        elif len(arrays) == 2:
            (i, j), (sa, sb) = arrays, _broadcast_pair(rng)
            args = list(args)
            args[i], args[j] = _random_like(rng, sa, args[i].dtype), _random_like(rng, sb, args[j].dtype)
            args = tuple(args)
        return args, kwargs
    if mutation == "axis":
        rank = max((a.ndim for a in flat(list(args)) if isinstance(a, np.ndarray)), default=0)
        kwargs = dict(kwargs)
        for k in _AXIS_KEYS:
            if k in kwargs and isinstance(kwargs[k], Lit) and isinstance(kwargs[k].value, int):
                kwargs[k] = Lit(int(rng.integers(-rank - 2, rank + 2)))
                return args, kwargs
        if "axis" not in kwargs and kind.startswith(("reduce", "argminmax", "cumulative", "softmax", "concat",
                                                     "stack", "unstack", "reverse", "norm")):
            kwargs["axis"] = Lit(int(rng.integers(-rank - 2, rank + 2)))
        return args, kwargs
    if mutation == "dtype":
        arrays = [i for i, a in enumerate(args) if isinstance(a, np.ndarray)]
        if arrays:
            i = int(rng.choice(arrays))
            dt = np.dtype(str(rng.choice(_DTYPES)))
            with np.errstate(invalid="ignore", over="ignore"):
                a = args[i]
                new = a.astype(dt) if a.dtype.kind != "c" else a.real.astype(dt)
            args = args[:i] + (new,) + args[i + 1:]
        return args, kwargs
    return args, kwargs


def make_case(seed: int, mutate: bool = True) -> tuple:
    """(row, args, kwargs, mutation) of fuzz case number ``seed`` (deterministic); ``mutate=False``: the
    unmutated sample call it starts from."""
    rng = np.random.default_rng(seed)
    row = FUZZ_ROWS[int(rng.integers(len(FUZZ_ROWS)))]
    samples = _samples(row.kind)
    args, kwargs = samples[int(rng.integers(len(samples)))]
    kwargs = {**row.extra.get("kwargs", {}), **kwargs}
    mutation = str(rng.choice(_MUTATIONS)) if mutate else "none"
    args, kwargs = _mutate(rng, row.kind, tuple(args), dict(kwargs), mutation)
    return row, args, kwargs, mutation


# -- comparison ----------------------------------------------------------------------------------
def _arrays_in(args: Any) -> list:
    return [a for a in flat(list(args) if isinstance(args, tuple) else args) if isinstance(a, np.ndarray)]


def _has_nonfinite(args: tuple, kwargs: dict) -> bool:
    arrs = _arrays_in(args) + _arrays_in(list(kwargs.values()))
    return any(a.dtype.kind in "fc" and not np.all(np.isfinite(a)) for a in arrs)


def _any_nan(args, kwargs, ref, got, mutation) -> bool:
    return any(a.dtype.kind in "fc" and np.isnan(a).any() for a in _arrays_in(args))


def _tf_has_no_kernel(args, kwargs, ref, got, mutation) -> bool:
    """TF has no CPU kernel for this dtype (NotFoundError / UnimplementedError) while tfshim computes it."""
    return type(ref).__name__ in ("NotFoundError", "UnimplementedError") and not isinstance(got, Exception)


def _nonfinite_accumulation(args, kwargs, ref, got, mutation) -> bool:
    """Sums of products over ±inf/NaN/1e30 inputs: which entries end up inf or NaN (inf - inf, overflow)
    depends on the accumulation order, which differs between Eigen/oneDNN and XLA."""
    if isinstance(ref, Exception) or isinstance(got, Exception):
        return False
    return any(a.dtype.kind in "fc" and (not np.all(np.isfinite(a)) or np.abs(a).max(initial=0) > 1e15)
               for a in _arrays_in(args))


def _dtype_and_tf_ok(args, kwargs, ref, got, mutation) -> bool:
    return mutation == "dtype" and not isinstance(ref, Exception) and isinstance(got, Exception)


def _tf_range_bug(args, kwargs, ref, got, mutation) -> bool:
    return type(ref).__name__ == "InvalidArgumentError" and "Range" in str(ref) and not isinstance(got, Exception)


def _nan_result(args, kwargs, ref, got, mutation) -> bool:
    return not isinstance(ref, Exception) and bool(np.isnan(np.asarray(ref.numpy())).any())


def _dtype_and_tf_assert(args, kwargs, ref, got, mutation) -> bool:
    return mutation == "dtype" and type(ref) is AssertionError and not isinstance(got, Exception)


def _tf_no_kernel_both_raise(args, kwargs, ref, got, mutation) -> bool:
    return type(ref).__name__ == "NotFoundError" and isinstance(got, Exception)


def _dtype_tf_raises(args, kwargs, ref, got, mutation) -> bool:
    return mutation == "dtype" and isinstance(ref, Exception) and not isinstance(got, Exception)


def _nonfinite(args, kwargs, ref, got, mutation) -> bool:
    return any(a.dtype.kind in "fc" and not np.all(np.isfinite(a)) for a in _arrays_in(args))


def _dtype_error_class(args, kwargs, ref, got, mutation) -> bool:
    """Both raise for an input of a dtype the op does not take, but TF's Python wrapper fails earlier with
    another class (TypeError/ValueError from a conversion) than the kernel's InvalidArgumentError."""
    return (mutation == "dtype" and isinstance(ref, (TypeError, ValueError))
            and type(got).__name__ == "InvalidArgumentError")


def _igamma_edge(args, kwargs, ref, got, mutation) -> bool:
    """Inputs outside the incomplete gamma function's domain (a <= 0, x <= 0, NaN): only there."""
    arrs = [a for a in _arrays_in(args) if a.dtype.kind == "f"]
    return len(arrs) == 2 and any((np.isnan(a) | (a <= 0)).any() for a in arrs)


def _rank0_softmax(args, kwargs, ref, got, mutation) -> bool:
    """TF's CPU Softmax kernel reports a rank-0 input as AbortedError; tfshim raises InvalidArgumentError
    (the documented class for a bad argument). Only that pair of classes is excluded."""
    return type(ref).__name__ == "AbortedError" and type(got).__name__ == "InvalidArgumentError"


# Known narrow differences: (row name, predicate on (args, kwargs, ref, got, mutation), reason).
_EXCLUSIONS: list = [
    ("sort", _any_nan, "order of NaN in tf.sort is unspecified in TF (top_k-based, NaN unordered)"),
    ("argsort", _any_nan, "order of NaN in tf.argsort is unspecified in TF (top_k-based, NaN unordered)"),
    ("math.top_k", _any_nan, "order of NaN in tf.math.top_k is unspecified in TF (NaN unordered)"),
    ("nn.softmax", _rank0_softmax, "rank-0 softmax: TF AbortedError vs tfshim InvalidArgumentError"),
    ("nn.log_softmax", _rank0_softmax, "rank-0 log_softmax: TF AbortedError vs tfshim InvalidArgumentError"),
    ("linalg.det", _tf_has_no_kernel, "tfshim computes float16 determinants; TF has no float16 kernel"),
    ("where", _tf_has_no_kernel, "tfshim supports float16 conditions in tf.where(x); TF has no kernel"),
    ("nn.max_pool1d", _any_nan, "TF's max-pooling kernels drop NaN depending on its position in the window"),
    ("math.igamma", _igamma_edge, "TF's Igamma at its domain edges (x = 0 with a <= 0 or NaN) differs from JAX's"),
    ("math.igammac", _igamma_edge, "TF's Igammac at its domain edges (x = 0 with a <= 0 or NaN) differs from JAX's"),
    ("nn.max_pool3d", _any_nan, "TF's max-pooling kernels drop NaN depending on its position in the window"),
    ("linalg.cholesky", _nan_result, "TF leaves uninitialised values in the upper triangle when it fails "
     "(NaN or non-positive-definite input); tfshim writes zeros there"),
    ("linalg.solve", _tf_no_kernel_both_raise, "float16: TF has no CPU kernel (NotFoundError); tfshim checks dtypes"),
    ("boolean_mask", _tf_has_no_kernel, "tfshim accepts a float16 mask; TF has no float16 Where kernel"),
    ("range", _dtype_and_tf_assert, "tf.range(bool) trips an internal AssertionError in TF; tfshim casts"),
    ("nn.avg_pool", _tf_has_no_kernel, "tfshim computes float16 3-D average pooling; TF has no kernel"),
    ("math.imag", _dtype_and_tf_ok, "tf.math.imag(bool) returns zeros in TF; tfshim rejects bool input"),
    ("scatter_nd", _dtype_and_tf_ok, "tfshim's tf.scatter_nd does not support bool updates yet"),
    ("meshgrid", _dtype_and_tf_ok, "TF's meshgrid casts mixed-dtype inputs to the first one's dtype; tfshim raises"),
    ("nn.softmax_cross_entropy_with_logits", _tf_range_bug,
     "TF fails with an internal Range error for a negative axis other than -1; tfshim computes the result"),
    *[(n, _dtype_error_class, "invalid input dtype: TF's wrapper raises TypeError/ValueError first")
      for n in ("norm", "linspace", "nn.avg_pool2d", "scatter_nd", "tensordot", "math.logical_xor",
                "math.l2_normalize", "math.reduce_std", "math.reduce_variance", "reduce_any", "reduce_all",
                "math.angle", "math.multiply_no_nan", "math.top_k")],
    *[(n, _nonfinite_accumulation, "inf/NaN placement in accumulations depends on summation order")
      for n in ("nn.conv1d", "nn.conv2d", "linalg.matmul", "linalg.matvec", "tensordot", "einsum",
                "nn.conv3d", "nn.depthwise_conv2d", "nn.separable_conv2d", "nn.conv2d_transpose",
                "nn.conv1d_transpose", "nn.conv3d_transpose", "nn.avg_pool1d", "nn.avg_pool3d")],
]


def _excluded(name: str, args: tuple, kwargs: dict, ref: Any, got: Any, mutation: str) -> str | None:
    for n, pred, reason in _EXCLUSIONS:
        if n == name and pred(args, kwargs, ref, got, mutation):
            return reason
    return None


def compare(ref: Any, got: Any, tol: dict, loose: bool) -> str | None:
    """None if equal (or both raised the same class), else a description of the difference."""
    if isinstance(ref, Exception) or isinstance(got, Exception):
        if isinstance(ref, Exception) and isinstance(got, Exception):
            if type(got).__name__ == type(ref).__name__:
                return None
            return f"TF raised {type(ref).__name__} ({str(ref)[:200]}) but tfshim raised {type(got).__name__} ({got})"
        if isinstance(ref, Exception):
            return f"TF raised {type(ref).__name__} ({str(ref)[:200]}) but tfshim returned {got!r}"[:600]
        return f"tfshim raised {type(got).__name__} ({got}) but TF returned {ref!r}"[:600]
    if type(got).__module__.split(".")[0] in ("jax", "jaxlib"):
        return f"tfshim returned a raw JAX value {type(got)}"
    rf, gf = flat(ref), flat(got)
    if len(rf) != len(gf):
        return f"TF returned {len(rf)} values, tfshim {len(gf)}"
    for i, (r, g) in enumerate(zip(rf, gf)):
        if not hasattr(r, "dtype") or not hasattr(g, "dtype"):
            if r != g and not (isinstance(r, float) and isinstance(g, float) and math.isnan(r) and math.isnan(g)):
                return f"[{i}] TF {r!r} vs tfshim {g!r}"
            continue
        if r.dtype.name != g.dtype.name:
            return f"[{i}] dtype TF {r.dtype.name} vs tfshim {g.dtype.name}"
        rs, gs = tuple(r.shape.as_list()), tuple(g.shape.as_list())
        if rs != gs:
            return f"[{i}] shape TF {rs} vs tfshim {gs}"
        rv, gv = np.asarray(r.numpy()), np.asarray(g.numpy())
        if rv.dtype.kind in "fc" or rv.dtype.name == "bfloat16":
            rv, gv = rv.astype(np.complex128 if rv.dtype.kind == "c" else np.float64), gv.astype(rv.dtype)
            gv = gv.astype(rv.dtype)
            t = {**tolerance(r.dtype.as_numpy_dtype), **tol}
            if loose:  # non-finite inputs / huge values: extreme magnitudes round differently
                t = {"rtol": max(t["rtol"], 1e-4), "atol": max(t["atol"], 1e-5)}
            if not np.array_equal(np.isnan(rv), np.isnan(gv)):
                return f"[{i}] NaN positions differ: TF {rv!r} vs tfshim {gv!r}"
            finite = np.isfinite(rv) & np.isfinite(gv)
            if not np.array_equal(rv[~finite], gv[~finite], equal_nan=True):
                return f"[{i}] inf positions differ: TF {rv!r} vs tfshim {gv!r}"
            if not np.allclose(gv[finite], rv[finite], **t):
                return f"[{i}] values differ: TF {rv!r} vs tfshim {gv!r}"
        elif not np.array_equal(rv, gv):
            return f"[{i}] values differ: TF {rv!r} vs tfshim {gv!r}"
    return None


def run_case(seed: int, tf_ref: Any) -> tuple:
    """('equal' | 'both_raised' | 'excluded' | 'mismatch', description) of case ``seed``."""
    row, args, kwargs, mutation = make_case(seed)
    name = row.names[0]
    ref, got = call_both(name, args, kwargs, tf_ref)
    if isinstance(got, Exception) and type(got).__module__.split(".")[0] in ("jax", "jaxlib"):
        return "mismatch", f"{name} [{mutation}]: raw JAX exception {type(got).__name__}: {got}"
    with np.errstate(all="ignore"):
        loose = _has_nonfinite(args, kwargs) or any(
            a.dtype.kind in "fc" and a.size and np.nanmax(np.abs(np.where(np.isfinite(a), a, 0))) > 1e6
            for a in _arrays_in(args))
    diff = compare(ref, got, row.extra.get("tol", {}), loose)
    if diff is None:
        return ("both_raised" if isinstance(ref, Exception) else "equal"), ""
    reason = _excluded(name, args, kwargs, ref, got, mutation)
    if reason:
        return "excluded", reason
    if isinstance(ref, Exception) and isinstance(got, Exception) and mutation != "none":
        base = make_case(seed, mutate=False)
        base_ref, _ = call_both(name, base[1], base[2], tf_ref)
        if isinstance(base_ref, Exception):  # the sample was already an error case: a second fault was added
            return "excluded", "two faults in one call: which error is reported first differs"
    shapes = [(a.shape, a.dtype.name) for a in _arrays_in(args)]
    return "mismatch", f"{name} [{mutation}] seed={seed} inputs={shapes} kwargs={kwargs}: {diff}"


@pytest.fixture(scope="module")
def fuzz_settings(request):
    long = request.config.getoption("--fuzz-long", default=False)
    return long


def test_exclusions_name_fuzzed_rows():
    names = {r.names[0] for r in FUZZ_ROWS}
    assert not [n for n, _, _ in _EXCLUSIONS if n not in names]


def test_fuzz_cases_are_deterministic():
    a, b = make_case(12345), make_case(12345)
    assert a[0] is b[0] and a[3] == b[3]
    for x, y in zip(_arrays_in(a[1]), _arrays_in(b[1])):
        np.testing.assert_array_equal(x, y)


def test_fuzz_ops_against_tf(tf_ref, fuzz_settings):
    long = fuzz_settings
    mismatches: list = []

    @settings(max_examples=_LONG_EXAMPLES if long else _DEFAULT_EXAMPLES, deadline=None, derandomize=not long,
              database=None, suppress_health_check=list(HealthCheck))
    @given(seed=st.integers(0, 2**32 - 1))
    def check(seed):
        status, msg = run_case(seed, tf_ref)
        STATS["tried"] += 1
        STATS[status] += 1
        if status == "mismatch":
            mismatches.append(msg)

    check()
    print(f"\nfuzz: {STATS}")
    assert STATS["tried"] >= (_DEFAULT_EXAMPLES if not long else 1)
    assert not mismatches, f"{len(mismatches)} mismatches with TF:\n" + "\n".join(mismatches[:20])
