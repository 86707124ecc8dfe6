"""Every row of the op table against real TensorFlow: values, dtypes, shapes, errors, gradients.

Rows are data (tfshim/_src/ops/table.py); their ``kind`` selects sample arguments from
``op_cases.CASES``. A new row is tested here without new test code.
"""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
from op_cases import CASES, Lit, tolerance
from oracle import assert_same, call_both, materialize, resolve
from tfshim._src.ops.table import ROWS

CASE_ROWS = [r for r in ROWS if r.kind]
ALL_NAMES = sorted({n for r in ROWS for n in r.names})


def test_every_kind_has_cases():
    missing = sorted({r.kind for r in CASE_ROWS} - set(CASES))
    assert not missing, f"op kinds without sample generators in tests/op_cases.py: {missing}"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_name_exists_in_tf(name, tf_ref):
    """Every public name tfshim exports from the table is a real TF name."""
    resolve(tf_ref, name)
    assert callable(resolve(tfshim, name))


@pytest.mark.parametrize("row", CASE_ROWS, ids=lambda r: r.names[0])
def test_forward_matches_tf(row, tf_ref):
    cases = CASES[row.kind]()
    assert cases
    for args, kwargs in cases:
        kwargs = {**row.extra.get("kwargs", {}), **kwargs}
        ref, got = call_both(row.names[0], args, kwargs, tf_ref)
        assert_same(ref, got, f"{row.names[0]}{_sig(args)}", **row.extra.get("tol", {}))


def _sig(args):
    return "(" + ", ".join(f"{a.dtype}{list(a.shape)}" if isinstance(a, np.ndarray) else repr(a) for a in args) + ")"


def _float_arrays(args):
    return [i for i, a in enumerate(args) if isinstance(a, np.ndarray) and a.dtype.kind == "f"]


@pytest.mark.parametrize("row", [r for r in CASE_ROWS if r.grad], ids=lambda r: r.names[0])
def test_gradient_matches_tf(row, tf_ref):
    """d(sum of float outputs)/d(float tensor inputs) equals TF's GradientTape result."""
    tested = 0
    for args, kwargs in CASES[row.kind]():
        kwargs = {**row.extra.get("kwargs", {}), **kwargs}
        idx = _float_arrays(args)
        if not idx:
            continue
        results = []
        for lib in (tf_ref, tfshim):
            targs = list(materialize(lib, args))
            tkw = materialize(lib, kwargs)
            with lib.GradientTape() as tape:
                for i in idx:
                    tape.watch(targs[i])
                try:
                    out = resolve(lib, row.names[0])(*targs, **tkw)
                except Exception as e:  # noqa: BLE001
                    results.append(e)
                    continue
                outs = [o for o in (out if isinstance(out, (list, tuple)) else [out]) if o.dtype.is_floating]
                total = lib.add_n([lib.reduce_sum(o) for o in outs]) if outs else None
            results.append(tape.gradient(total, [targs[i] for i in idx]) if total is not None else None)
        ref, got = results
        if isinstance(ref, Exception):
            continue
        assert_same(ref, got, f"d/dx {row.names[0]}{_sig(args)}", **row.extra.get("grad_tol", {}))
        tested += 1
    assert tested, f"{row.names[0]}: no float case exercised the gradient"


@pytest.mark.parametrize("row", [r for r in CASE_ROWS if r.grad], ids=lambda r: r.names[0])
def test_gradient_matches_finite_differences(row):
    """tfshim's gradient agrees with central differences in float64, on every element of every float64 case."""
    tested = 0
    for args, kwargs in CASES[row.kind]():
        kwargs = {**row.extra.get("kwargs", {}), **kwargs}
        idx = [i for i in _float_arrays(args) if args[i].dtype == np.float64]
        if not idx or row.extra.get("no_fd"):
            continue
        fn = resolve(tfshim, row.names[0])

        def total(vals):
            a = list(args)
            for i, v in zip(idx, vals):
                a[i] = v
            out = fn(*materialize(tfshim, tuple(a)), **materialize(tfshim, kwargs))
            outs = [o for o in (out if isinstance(out, (list, tuple)) else [out]) if o.dtype.is_floating]
            return float(sum(np.sum(o.numpy()) for o in outs))

        try:
            total([args[i] for i in idx])
        except (tfshim.errors.OpError, ValueError, TypeError):
            continue  # an invalid-input case (the forward test checks its error)
        xs = [tfshim.constant(args[i]) for i in idx]
        with tfshim.GradientTape() as tape:
            for x in xs:
                tape.watch(x)
            a = list(materialize(tfshim, args))
            for i, x in zip(idx, xs):
                a[i] = x
            out = fn(*a, **materialize(tfshim, kwargs))
            outs = [o for o in (out if isinstance(out, (list, tuple)) else [out]) if o.dtype.is_floating]
            s = tfshim.add_n([tfshim.reduce_sum(o) for o in outs])
        grads = tape.gradient(s, xs)
        base = [args[i] for i in idx]
        eps = 1e-6
        at = total(base)
        for k, g in enumerate(grads):
            if g is None:
                continue
            flat = base[k].reshape(-1)
            for j in range(flat.size):
                plus = [b.copy() for b in base]
                minus = [b.copy() for b in base]
                plus[k].reshape(-1)[j] += eps
                minus[k].reshape(-1)[j] -= eps
                up, down = total(plus), total(minus)
                if not np.isclose((up - at) / eps, (at - down) / eps, rtol=1e-3, atol=1e-3):
                    continue  # a kink (a tie of top_k or max): the one-sided slopes differ, no derivative to check
                fd = (up - down) / (2 * eps)
                np.testing.assert_allclose(g.numpy().reshape(-1)[j], fd, rtol=1e-4, atol=1e-5,
                                           err_msg=f"{row.names[0]}{_sig(args)} d/d arg{idx[k]}[{j}]")
        tested += 1
    assert tested or row.extra.get("no_fd") or not any(
        args[i].dtype == np.float64 for args, _ in CASES[row.kind]() for i in _float_arrays(args)), row.names[0]


_ = (Lit, tolerance)
