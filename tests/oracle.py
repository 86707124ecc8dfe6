"""Helpers that run the same call in real TensorFlow and in tfshim and compare the results."""

from __future__ import annotations

from typing import Any

import numpy as np

import tfshim
from op_cases import Lit, tolerance


def resolve(module: Any, path: str) -> Any:
    obj = module
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def materialize(lib: Any, value: Any) -> Any:
    """NumPy arrays → lib.constant; Lit → its value; containers recursively."""
    if isinstance(value, Lit):
        return value.value
    if isinstance(value, np.ndarray):
        return lib.constant(value)
    if isinstance(value, list):
        return [materialize(lib, v) for v in value]
    if isinstance(value, tuple):
        return tuple(materialize(lib, v) for v in value)
    if isinstance(value, dict):
        return {k: materialize(lib, v) for k, v in value.items()}
    return value


def call_both(path: str, args: tuple, kwargs: dict, tf_ref: Any) -> tuple:
    """(tf result or exception, tfshim result or exception)."""
    out = []
    for lib in (tf_ref, tfshim):
        fn = resolve(lib, path)
        try:
            out.append(fn(*materialize(lib, args), **materialize(lib, kwargs)))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append(e)
    return tuple(out)


def flat(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        return [y for v in x for y in flat(v)]
    if isinstance(x, dict):
        return [y for k in sorted(x) for y in flat(x[k])]
    return [x]


def assert_same(ref: Any, got: Any, what: str = "", rtol: float | None = None, atol: float | None = None) -> None:
    """Same exception class, or same structure, dtypes, shapes and values."""
    if isinstance(ref, Exception):
        assert isinstance(got, Exception), f"{what}: TF raised {type(ref).__name__}: {ref} but tfshim returned {got!r}"
        assert type(got).__name__ == type(ref).__name__, (
            f"{what}: TF raised {type(ref).__name__} ({ref}) but tfshim raised {type(got).__name__} ({got})"
        )
        return
    if isinstance(got, Exception):
        raise AssertionError(f"{what}: tfshim raised {type(got).__name__}: {got}; TF returned {ref!r}") from got
    rf, gf = flat(ref), flat(got)
    assert len(rf) == len(gf), f"{what}: TF returned {len(rf)} values, tfshim {len(gf)}"
    for i, (r, g) in enumerate(zip(rf, gf)):
        if r is None or g is None:
            assert r is None and g is None, f"{what}[{i}]: TF {r!r} vs tfshim {g!r}"
            continue
        if not hasattr(r, "dtype"):
            assert r == g, f"{what}[{i}]: TF {r!r} vs tfshim {g!r}"
            continue
        assert r.dtype.name == g.dtype.name, f"{what}[{i}]: dtype TF {r.dtype.name} vs tfshim {g.dtype.name}"
        rs = tuple(r.shape.as_list()) if hasattr(r.shape, "as_list") else tuple(r.shape)
        gs = tuple(g.shape.as_list()) if hasattr(g.shape, "as_list") else tuple(g.shape)
        assert rs == gs, f"{what}[{i}]: shape TF {rs} vs tfshim {gs}"
        rv, gv = np.asarray(r.numpy()), np.asarray(g.numpy())
        tol = tolerance(rv.dtype) if rv.dtype.kind in "fc" or rv.dtype.name == "bfloat16" else {"rtol": 0, "atol": 0}
        if rtol is not None:
            tol["rtol"] = rtol
        if atol is not None:
            tol["atol"] = atol
        np.testing.assert_allclose(gv.astype(np.float64) if rv.dtype.name == "bfloat16" else gv,
                                   rv.astype(np.float64) if rv.dtype.name == "bfloat16" else rv,
                                   equal_nan=True, err_msg=f"{what}[{i}]", **tol)
