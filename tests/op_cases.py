"""Sample arguments for the op table's rows, by the row's ``kind``.

Each generator returns a list of ``(args, kwargs)``; NumPy arrays in them become tensors
(the same values for TF and tfshim). ``Lit(x)`` marks a Python value passed as-is.
Add a generator here when a new kind of row needs different inputs; every row of that kind
is then tested against real TensorFlow without new test code.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np


@dataclasses.dataclass
class Lit:
    """A Python value passed unchanged (not converted to a tensor)."""

    value: Any


RNG_SEED = 1234
SHAPES = [(), (3,), (2, 3)]
BCAST = [((2, 3), (3,)), ((2, 1), (1, 4)), ((), (2, 2))]


def _rng() -> np.random.Generator:
    return np.random.default_rng(RNG_SEED)


def _arr(rng, shape, dtype, lo=-3.0, hi=3.0):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) > 0.5
    if dtype.kind in "iu":
        lo = max(lo, 0) if dtype.kind == "u" else lo
        return rng.integers(int(lo), int(hi) + 1, size=shape).astype(dtype)
    if dtype.kind == "c":
        return (rng.uniform(lo, hi, shape) + 1j * rng.uniform(lo, hi, shape)).astype(dtype)
    return np.asarray(rng.uniform(lo, hi, shape)).astype(dtype)


def _unary(dtypes, lo=-3.0, hi=3.0, transform=None):
    def gen():
        rng = _rng()
        out = []
        for dt in dtypes:
            for s in SHAPES:
                a = _arr(rng, s, dt, lo, hi)
                if transform is not None:
                    a = transform(a)
                out.append(((a,), {}))
        return out

    return gen


def _binary(dtypes, lo=-3.0, hi=3.0, nonzero_rhs=False, scalar_rhs=True, rhs_lo=None, rhs_hi=None):
    def gen():
        rng = _rng()
        out = []
        for dt in dtypes:
            for sa, sb in [((3,), (3,))] + BCAST:
                a = _arr(rng, sa, dt, lo, hi)
                b = _arr(rng, sb, dt, lo if rhs_lo is None else rhs_lo, hi if rhs_hi is None else rhs_hi)
                if nonzero_rhs:
                    b = np.where(b == 0, np.ones_like(b), b)
                out.append(((a, b), {}))
            if scalar_rhs and np.dtype(dt).kind in "fi":
                s = 2.0 if np.dtype(dt).kind == "f" else 2
                out.append(((_arr(rng, (3,), dt, lo, hi), Lit(s)), {}))
        return out

    return gen


def _nonzero(a):
    return np.where(a == 0, np.ones_like(a), a)


def _with_specials(a):
    a = np.array(a, copy=True)
    if a.ndim and a.size >= 3:
        a.flat[0], a.flat[1], a.flat[2] = np.nan, np.inf, -np.inf
    return a


def _halves(a):
    return (np.round(a * 2) / 2).astype(a.dtype)


FLOATS = ("float32", "float64")

CASES: dict[str, Callable[[], list]] = {
    "unary": _unary(FLOATS + ("int32",)),
    "unary_float": _unary(FLOATS),
    "unary_pos": _unary(FLOATS, 0.1, 4.0),
    "unary_unit": _unary(FLOATS, -0.9, 0.9),
    "unary_ge1": _unary(FLOATS, 1.1, 4.0),
    "unary_prob": _unary(FLOATS, 0.05, 0.95),
    "unary_nonzero": _unary(FLOATS + ("int32",), transform=_nonzero),
    "unary_abs": _unary(FLOATS + ("int32", "int64")),
    "unary_round": _unary(FLOATS, transform=_halves),
    "unary_pred": _unary(FLOATS, transform=_with_specials),
    "unary_complex": _unary(("complex64", "complex128")),
    "logical_not": _unary(("bool",)),
    "bitwise_not": _unary(("int32", "uint8")),
    "binary": _binary(FLOATS + ("int32", "int64")),
    "binary_float": _binary(FLOATS),
    "binary_pos": _binary(FLOATS, 0.0, 3.0, rhs_lo=0.1),
    "binary_div": _binary(FLOATS + ("int32",), nonzero_rhs=True),
    "binary_pow": _binary(FLOATS, 0.5, 2.0, rhs_lo=-2.0, rhs_hi=2.0),
    "compare": _binary(FLOATS + ("int32",)),
    "logical": _binary(("bool",), scalar_rhs=False),
    "bitwise": _binary(("int32", "uint8"), 0, 100, scalar_rhs=False),
    "cast": lambda: [
        ((np.array([1.7, -1.7, 0.5, 2.0], np.float32), Lit(dt)), {}) for dt in ("int32", "float64", "bool", "uint8")
    ] + [((np.array([1, 0, 300], np.int32), Lit("float32")), {})],
}


def tolerance(dtype: Any) -> dict:
    dtype = np.dtype(dtype)
    if dtype in (np.float16,) or dtype.name == "bfloat16":
        return {"rtol": 1e-2, "atol": 1e-2}
    if dtype in (np.float32, np.complex64):
        return {"rtol": 2e-5, "atol": 1e-5}
    return {"rtol": 1e-9, "atol": 1e-10}


def _merge_family_cases() -> None:
    """Families keep their generators in tests/cases_<family>.py, each defining CASES."""
    import importlib

    for fam in ("array", "reduction", "nn", "linalg", "random"):
        try:
            mod = importlib.import_module(f"cases_{fam}")
        except ModuleNotFoundError as e:
            if e.name != f"cases_{fam}":
                raise
            continue
        dup = set(mod.CASES) & set(CASES)
        assert not dup, f"cases_{fam}.py redefines kinds {sorted(dup)}"
        CASES.update(mod.CASES)


_merge_family_cases()
