"""TF's gradients at special points (0, kinks, ties, +-inf, NaN, NaN masked by tf.where), row by row.

Every differentiable row of the op table is swept against real TensorFlow in the same process:

* elementwise rows (unary, binary, activations) on a grid of special values, in three modes: the plain
  gradient of ``sum(f(x))``; with a zero upstream gradient (``f(x) * 0``: TF's SqrtGrad, RsqrtGrad and
  ReciprocalGrad kernels give 0 there, where ``0 * inf`` would be NaN); and masked by ``tf.where`` (the
  ``tf.where(x > 0, tf.sqrt(x), 0.)`` idiom);
* the other rows on hand-picked special inputs (``SPECIAL``: ties of reduce_max, zeros of cumprod and norm,
  infinities in softmax, bounds of clip_by_value, ...) and on their conformance cases with the float
  arguments' values replaced by special values (``_specialised``).

Each gradient is taken twice by tfshim: the first sighting of a graph runs node by node (NumPy VJP twins
where registered), the second runs the compiled program; both must match TF.
"""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
from op_cases import CASES, Lit
from oracle import materialize, resolve
from tfshim._src.ops.table import ROWS

nan, inf = np.nan, np.inf
GRID = np.array([0.0, -0.0, 1.0, -1.0, 6.0, 0.5, inf, -inf, nan, 1e-30, 2.0, 3.0, -2.5])
ELEMENTWISE_KINDS = ("unary", "binary", "nn_act", "nn_act_int", "nn_gelu", "nn_silu", "nn_leaky")
GRAD_ROWS = [r for r in ROWS if r.grad and r.kind]
ELEMENTWISE_ROWS = [r for r in GRAD_ROWS if r.kind.startswith(ELEMENTWISE_KINDS)]
V = np.array([0.0, -0.0, 1.0, -1.0, inf, -inf, nan, 2.0])
TIES = np.array([[1.0, 3.0, 3.0, 2.0], [2.0, 2.0, 2.0, 2.0], [0.0, -0.0, -1.0, -1.0]])
ZEROS = np.zeros((2, 3))

SPECIAL = {
    "reduce_sum": [((V,), {})],
    "reduce_mean": [((V,), {})],
    "reduce_max": [((TIES,), {}), ((TIES,), {"axis": Lit(1)}), ((np.array([1., nan, 3.]),), {}), ((np.array([-inf, -inf]),), {}), ((np.array([inf, 1., inf]),), {})],
    "reduce_min": [((TIES,), {"axis": Lit(0)}), ((np.array([1., nan, 3.]),), {}), ((np.array([inf, inf]),), {})],
    "reduce_prod": [((np.array([0., 2., 3.]),), {}), ((np.array([0., 0., 3.]),), {}), ((np.array([inf, 0., 3.]),), {}), ((np.array([[0., 2.], [1., 0.]]),), {"axis": Lit(1)})],
    "math.reduce_std": [((np.array([2., 2., 2.]),), {}), ((np.array([1., inf]),), {}), ((ZEROS,), {"axis": Lit(0)})],
    "math.reduce_variance": [((np.array([2., 2., 2.]),), {}), ((np.array([1., inf]),), {})],
    "math.reduce_logsumexp": [((np.array([-inf, -inf]),), {}), ((np.array([inf, 1.]),), {}), ((np.array([0., 0.]),), {}), ((np.array([nan, 1.]),), {})],
    "math.reduce_euclidean_norm": [((np.zeros(3),), {}), ((ZEROS,), {"axis": Lit(1)}), ((np.array([inf, 1.]),), {})],
    "norm": [((np.zeros(3),), {}), ((ZEROS,), {"axis": Lit(1)}), ((np.zeros(3),), {"ord": Lit(1)}), ((np.zeros(3),), {"ord": Lit(np.inf)}), ((np.array([1., -1., 0.]),), {"ord": Lit(np.inf)}), ((np.zeros(3),), {"ord": Lit(3)}), ((np.zeros((2, 2)),), {"ord": Lit("fro"), "axis": Lit((0, 1))}), ((np.zeros((2, 2)),), {"ord": Lit(1), "axis": Lit((0, 1))})],
    "math.l2_normalize": [((np.zeros(3),), {}), ((ZEROS,), {"axis": Lit(1)}), ((np.array([1e-7, 0., 0.]),), {})],
    "clip_by_value": [((np.array([0., 1., 1.5, 2., 3.]), np.array(1.), np.array(2.)), {}), ((np.array([nan, inf, -inf]), np.array(1.), np.array(2.)), {})],
    "clip_by_norm": [((np.zeros(3), Lit(1.0)), {}), ((np.array([3., 4.]), Lit(5.0)), {}), ((np.array([inf, 1.]), Lit(1.0)), {})],
    "sort": [((np.array([1., 3., 3., 2., nan, inf]),), {})],
    "math.top_k": [((np.array([1., 3., 3., 2.]), Lit(2)), {}), ((np.array([1., 1., 1.]), Lit(2)), {})],
    "math.cumsum": [((V,), {}), ((V,), {"exclusive": Lit(True), "reverse": Lit(True)})],
    "math.cumprod": [((np.array([2., 0., 3., 0., 4.]),), {}), ((np.array([2., 0., 3.]),), {"exclusive": Lit(True)}), ((np.array([2., 0., 3.]),), {"reverse": Lit(True)}), ((np.array([inf, 0., 3.]),), {})],
    "nn.softmax": [((np.array([inf, 1., 2.]),), {}), ((np.array([-inf, 0., 1.]),), {}), ((np.array([-inf, -inf]),), {}), ((np.array([nan, 1.]),), {}), ((np.array([1000., 0., -1000.]),), {})],
    "nn.log_softmax": [((np.array([inf, 1., 2.]),), {}), ((np.array([-inf, 0., 1.]),), {}), ((np.array([-inf, -inf]),), {}), ((np.array([nan, 1.]),), {}), ((np.array([1000., 0., -1000.]),), {})],
    "nn.sigmoid_cross_entropy_with_logits": [((), {"labels": np.array([0., 1., 0.5, 1.]), "logits": np.array([inf, -inf, 0., 100.])})],
    "nn.softmax_cross_entropy_with_logits": [((), {"labels": np.array([[0., 1.], [1., 0.]]), "logits": np.array([[-inf, 0.], [0., 1000.]])})],
    "nn.sparse_softmax_cross_entropy_with_logits": [((), {"labels": np.array([1, 0], np.int32), "logits": np.array([[-inf, 0.], [0., 1000.]])})],
    "nn.l2_loss": [((V,), {})],
    "nn.moments": [((np.array([2., 2., 2.]), Lit([0])), {}), ((np.array([1., inf]), Lit([0])), {})],
    "nn.max_pool2d": [((np.ones((1, 2, 2, 1)), Lit(2), Lit(2), Lit("VALID")), {}),
                     ((np.array([[[[1.], [3.]], [[3.], [nan]]]]), Lit(2), Lit(1), Lit("VALID")), {}),
                     ((np.array([[[[1.], [nan]], [[3.], [2.]]]]), Lit(2), Lit(1), Lit("VALID")), {})],
    "nn.avg_pool2d": [((np.array([[[[1.], [inf]], [[3.], [nan]]]]), Lit(2), Lit(1), Lit("VALID")), {})],
    "linalg.matmul": [((np.array([[inf, 0.], [1., nan]]), np.array([[0., 1.], [2., 0.]])), {})],
    "linalg.inv": [((np.array([[1., 2.], [2., 4.]]),), {}), ((np.array([[inf, 0.], [0., 1.]]),), {})],
    "linalg.det": [((np.array([[inf, 0.], [0., 1.]]),), {}), ((np.array([[2., 1.], [1., 2.]]),), {})],
    "linalg.solve": [((np.array([[1., 2.], [2., 4.]]), np.ones((2, 1))), {})],
    "linalg.cholesky": [((np.array([[1., 2.], [2., 1.]]),), {}), ((np.zeros((2, 2)),), {})],
    "where": [((np.array([True, False, True]), np.array([inf, nan, 1.]), np.array([nan, 2., -inf])), {})],
    "maximum": [((np.array([1., 2., nan, 3.]), np.array([1., nan, 2., 3.])), {})],
    "minimum": [((np.array([1., 2., nan, 3.]), np.array([1., nan, 2., 3.])), {})],
    "math.squared_difference": [((V, V[::-1].copy()), {})],
    "math.xlogy": [((np.array([0., 0., 1., 0.]), np.array([0., inf, 0., -1.])), {})],
    "math.xdivy": [((np.array([0., 0., 1., 0.]), np.array([0., inf, 0., -1.])), {})],
    "nn.gelu": [((V,), {"approximate": Lit(True)})],
    "nn.leaky_relu": [((V,), {"alpha": Lit(0.3)})],
    "nn.silu": [((V,), {})],
    "math.erf": [((V,), {})],
    "math.atan2": [((np.array([0., 0., inf, 1.]), np.array([0., -0., inf, 0.])), {})],
}


def _cast(v, dt):
    if isinstance(v, np.ndarray) and v.dtype.kind == "f":
        return v.astype(dt)
    if isinstance(v, (list, tuple)):
        return type(v)(_cast(x, dt) for x in v)
    if isinstance(v, dict):
        return {k: _cast(x, dt) for k, x in v.items()}
    return v


def _grads(lib, name, args, kwargs, mode):
    """Gradients of sum(float outputs) (times 0 / masked by where, per ``mode``) for every float tensor argument."""
    targs, tkw = materialize(lib, tuple(args)), materialize(lib, kwargs)
    watched = [t for t in list(targs) + list(tkw.values())
               if hasattr(t, "dtype") and getattr(t.dtype, "is_floating", False)]
    with lib.GradientTape() as tape:
        for t in watched:
            tape.watch(t)
        out = resolve(lib, name)(*targs, **tkw)
        outs = [o for o in (out if isinstance(out, (list, tuple)) else [out]) if o.dtype.is_floating]
        if mode == "zero":
            outs = [o * lib.zeros_like(o) for o in outs]
        elif mode == "where":
            outs = [lib.where(lib.zeros_like(o) > 1, o, lib.zeros_like(o)) for o in outs]
        total = lib.add_n([lib.reduce_sum(o) for o in outs])
    gs = tape.gradient(total, watched)
    return [None if g is None else np.asarray(lib.convert_to_tensor(g).numpy()) for g in gs]


# TF's gradient of det inverts the matrix and raises InvalidArgumentError for a singular one; tfshim returns the
# (cofactor) gradient there (docs/differences.md, "Gradients at special points").
GRADIENT_RAISES_IN_TF_ONLY = {"linalg.det"}


def _compare(tf_ref, name, args, kwargs, mode, what):
    """TF's gradients against tfshim's first-sighting and compiled gradients; returns a list of mismatches."""
    res = []
    for lib in (tf_ref, tfshim, tfshim):
        try:
            res.append(_grads(lib, name, args, kwargs, mode))
        except Exception as e:  # noqa: BLE001 - compared below
            res.append(e)
    ref, bad = res[0], []
    for tag, got in (("first", res[1]), ("compiled", res[2])):
        if isinstance(ref, tf_ref.errors.InvalidArgumentError) and name in GRADIENT_RAISES_IN_TF_ONLY \
                and not isinstance(got, Exception):
            try:  # only the gradient may raise: the forward value must exist
                resolve(tf_ref, name)(*materialize(tf_ref, tuple(args)), **materialize(tf_ref, kwargs))
                continue
            except Exception:  # noqa: BLE001
                pass
        if isinstance(ref, Exception) or isinstance(got, Exception):
            if type(ref).__name__ != type(got).__name__:
                bad.append(f"{what} [{tag}]: TF {ref!r:.200} vs tfshim {got!r:.200}")
            continue
        for i, (r, g) in enumerate(zip(ref, got)):
            if (r is None) != (g is None):
                bad.append(f"{what} [{tag}] arg {i}: TF {r!r} vs tfshim {g!r}")
                continue
            if r is None:
                continue
            tol = 2e-5 if r.dtype == np.float32 else 1e-9
            if r.shape != g.shape or r.dtype != g.dtype or not np.allclose(g, r, rtol=tol, atol=tol, equal_nan=True):
                bad.append(f"{what} [{tag}] arg {i}: TF {r.ravel()[:16].tolist()} vs tfshim {g.ravel()[:16].tolist()}")
    return bad


@pytest.mark.parametrize("row", ELEMENTWISE_ROWS, ids=lambda r: r.names[0])
def test_elementwise_gradient_at_special_points(row, tf_ref):
    """The grid (and, for binary rows, every pair of grid values) in float32 and float64, three modes."""
    binary = row.kind.startswith("binary")
    if binary:
        a, b = np.meshgrid(GRID, GRID)
        base = (a.ravel(), b.ravel())
    else:
        base = (GRID,)
    kwargs = dict(row.extra.get("kwargs", {}))
    bad = []
    for dt in ("float32", "float64"):
        args = tuple(x.astype(dt) for x in base)
        for mode in ("plain", "zero", "where"):
            bad += _compare(tf_ref, row.names[0], args, kwargs, mode, f"{row.names[0]} {dt} {mode}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", sorted(SPECIAL), ids=str)
def test_gradient_at_special_inputs(name, tf_ref):
    bad = []
    for k, (args, kwargs) in enumerate(SPECIAL[name]):
        for dt in ("float32", "float64"):
            for mode in ("plain", "zero"):
                bad += _compare(tf_ref, name, _cast(args, dt), _cast(kwargs, dt), mode, f"{name} case {k} {dt} {mode}")
    assert not bad, "\n".join(bad)


# Zeros of both signs, ties and kinks, then the same with infinities and NaN.
_FINITE_FILL = np.array([0.0, 1.0, -0.0, 1.0, 2.0, -1.0, 0.0, 2.0])
_FILL = np.array([0.0, inf, -0.0, nan, 1.0, -inf, -1.0, 2.0])
# Rows whose result at inf/NaN depends on the kernel's order of arithmetic (a sum of +inf and -inf terms, an
# LU's pivot choice among NaN, the order in which top_k ranks NaN, a max pool window of NaN and -inf): TF's
# Eigen kernels and XLA give NaN in different places. They get the finite special values only (docs/differences.md,
# "Gradients at special points").
ORDER_DEPENDENT = {"nn.conv2d", "nn.conv1d", "linalg.det", "linalg.inv", "linalg.solve", "math.top_k",
                   "nn.max_pool2d", "nn.max_pool", "linalg.matmul", "linalg.matvec", "tensordot", "einsum",
                   "linalg.cholesky",
                   # the same for the convolutions and pools from the later op-table rows: TF's Eigen/oneDNN kernels
                   # and XLA place NaN and +-inf differently in the gradient of a window holding inf and NaN
                   "nn.depthwise_conv2d", "nn.separable_conv2d", "nn.conv1d_transpose", "nn.max_pool1d",
                   # TF's CumulativeLogsumexp gradient is exp(x - cumulative_logsumexp(x)) times a reverse cumsum:
                   # NaN at +inf inputs (inf - inf); tfshim's (JAX's logsumexp-scan derivative) is finite there
                   "math.cumulative_logsumexp"}
# Rows whose every case is 5-D max pooling: TF's MaxPool3D gradient gives every tied element the whole gradient,
# XLA's the first one (docs/differences.md, "Gradients at special points").
# They are swept with 0, -inf and otherwise distinct values (no ties) instead; not +inf either: TF's MaxPool3D
# gradient gives an element at +inf no gradient (tfshim: the window's gradient, as for any other maximum).
TIED_MAX_POOL_3D = {"nn.max_pool3d"}
_TIE_FREE_FILL = np.concatenate([[0.0, -inf], np.random.RandomState(0).permutation(np.arange(1.0, 4097.0))
                                 * np.resize([1.0, -1.0], 4096)])


def _specialised(value, fill):
    """``value`` with every float array's elements replaced, in order, by the values of ``fill``."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        flat = np.resize(fill, value.size).astype(value.dtype)
        return flat.reshape(value.shape)
    if isinstance(value, (list, tuple)):
        return type(value)(_specialised(v, fill) for v in value)
    if isinstance(value, dict):
        return {k: _specialised(v, fill) for k, v in value.items()}
    return value


# Linear-algebra rows added after the sweep whose special-point gradients still differ from TF's (strict xfail:
# the test fails once they match; docs/differences.md, "Gradients and numerics at special points"):
LINALG_UNMATCHED = {
    "linalg.qr": "rank-deficient input (zero columns): TF's QR gradient is NaN where tfshim's (JAX's) is inf",
    "linalg.eigvalsh": "inf/NaN input: TF's SelfAdjointEig raises InvalidArgumentError, tfshim returns NaN",
    "linalg.slogdet": "singular/non-finite input: TF's and JAX's LU-based gradients differ",
    "linalg.expm": "non-finite input: TF's Pade scaling-and-squaring gradient differs from JAX's",
}


def _sweep_param(row):
    reason = LINALG_UNMATCHED.get(row.names[0])
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(row, id=row.names[0], marks=marks)


@pytest.mark.parametrize("row", [_sweep_param(r) for r in GRAD_ROWS if r not in ELEMENTWISE_ROWS])
def test_gradient_of_every_row_with_special_values(row, tf_ref):
    """Each differentiable row's conformance cases with zeros, ties and (where the result does not depend on the
    kernel's arithmetic order) +-inf and NaN in place of its float values."""
    bad, tried = [], 0
    fills = [_FINITE_FILL] + ([] if row.names[0] in ORDER_DEPENDENT else [_FILL])
    if row.names[0] in TIED_MAX_POOL_3D:
        fills = [_TIE_FREE_FILL]
    for k, (args, kwargs) in enumerate(CASES[row.kind]()[:6]):
        kwargs = {**row.extra.get("kwargs", {}), **kwargs}
        if row.names[0] == "nn.max_pool" and isinstance(args[0], np.ndarray) and args[0].ndim == 5:
            continue  # TF's MaxPool3D gradient gives every tied element the whole gradient (docs/differences.md)
        if not any(isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in list(args) + list(kwargs.values())):
            continue
        tried += 1
        for fill in fills:
            for mode in ("plain", "zero"):
                bad += _compare(tf_ref, row.names[0], _specialised(args, fill), _specialised(kwargs, fill), mode,
                                f"{row.names[0]} case {k} fill {fill.tolist()} {mode}")
    assert tried, f"{row.names[0]}: no case with a float argument"
    assert not bad, "\n".join(bad)


def test_where_sqrt_idiom(tf_ref):
    """The issue's example: d/dx sum(where(x > 0, sqrt(x), 0)) at [0, 4] is [0, .25] in TF (not NaN)."""
    for lib in (tf_ref, tfshim):
        x = lib.constant([0.0, 4.0])
        with lib.GradientTape() as tape:
            tape.watch(x)
            y = lib.reduce_sum(lib.where(x > 0, lib.sqrt(x), 0.0))
        np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.25])


def test_forward_mode_through_tf_gradient_rules(tf_ref):
    """ForwardAccumulator differentiates the plain function of ops with a TF backward rule (sqrt, mul_no_nan)."""
    for name, args in (("sqrt", (np.array([1.0, 4.0]),)), ("math.rsqrt", (np.array([1.0, 4.0]),)),
                       ("math.reciprocal", (np.array([1.0, 4.0]),)),
                       ("math.multiply_no_nan", (np.array([1.0, 4.0]), np.array([0.0, 2.0]))),
                       ("nn.relu", (np.array([-1.0, 2.0]),)), ("norm", (np.array([3.0, 4.0]),))):
        res = []
        for lib in (tf_ref, tfshim):
            xs = [lib.constant(a) for a in args]
            with lib.autodiff.ForwardAccumulator(xs[0], lib.ones_like(xs[0])) as acc:
                y = resolve(lib, name)(*xs)
            res.append(acc.jvp(y).numpy())
        np.testing.assert_allclose(res[1], res[0], rtol=1e-12, err_msg=name)


# (name, f(lib, x)): ops whose TF gradient is None (no gradient registered, or one returning None), raises
# LookupError (TruncateMod, Unique), or is zeros/values; tfshim must give the same kind of answer.
GRADIENT_KINDS = [
    ("stop_gradient", lambda lib, x: lib.stop_gradient(x)), ("floor", lambda lib, x: lib.math.floor(x)),
    ("ceil", lambda lib, x: lib.math.ceil(x)), ("round", lambda lib, x: lib.round(x)),
    ("rint", lambda lib, x: lib.math.rint(x)), ("floordiv", lambda lib, x: lib.math.floordiv(x, 2.0)),
    ("floordiv_op", lambda lib, x: x // 2.0), ("truncatediv", lambda lib, x: lib.truncatediv(x, 2.0)),
    ("truncatemod", lambda lib, x: lib.truncatemod(x, 2.0)), ("unique", lambda lib, x: lib.unique(x)[0]),
    ("one_hot_values", lambda lib, x: lib.one_hot([1, 2], 3, on_value=x[0], off_value=x[1])),
    ("argmax", lambda lib, x: lib.cast(lib.math.argmax(x), lib.float32)),
    ("argmin", lambda lib, x: lib.cast(lib.math.argmin(x), lib.float32)),
    ("cast_int", lambda lib, x: lib.cast(lib.cast(x, lib.int32), lib.float32)),
    ("equal", lambda lib, x: lib.cast(lib.equal(x, 1.5), lib.float32)),
    ("less", lambda lib, x: lib.cast(x < 2.0, lib.float32)), ("is_nan", lambda lib, x: lib.cast(lib.math.is_nan(x),
                                                                                                   lib.float32)),
    ("argsort", lambda lib, x: lib.cast(lib.argsort(x), lib.float32)), ("zeros_like", lambda lib, x: lib.zeros_like(x)),
    ("ones_like", lambda lib, x: lib.ones_like(x)), ("range", lambda lib, x: lib.range(x[0], 5.0)),
    ("sign", lambda lib, x: lib.sign(x)), ("floor_plus_x", lambda lib, x: lib.math.floor(x) + x),
    ("floormod", lambda lib, x: lib.math.floormod(x, 2.0)), ("linspace", lambda lib, x: lib.linspace(x[0], x[1], 3)),
    ("fill", lambda lib, x: lib.fill([2], x[0])), ("sort", lambda lib, x: lib.sort(x)),
    ("unique_unused", lambda lib, x: x * 2.0 + 0 * lib.cast(lib.size(lib.unique(x)[0]), lib.float32)),
]


@pytest.mark.parametrize("name,f", GRADIENT_KINDS, ids=[n for n, _ in GRADIENT_KINDS])
def test_gradient_is_none_zero_or_raises_as_tf(name, f, tf_ref):
    res = []
    for lib in (tf_ref, tfshim, tfshim):
        x = lib.constant([1.5, 2.5, 1.5])
        try:
            with lib.GradientTape() as tape:
                tape.watch(x)
                y = f(lib, x)
            g = tape.gradient(y, x)
            res.append(None if g is None else g.numpy())
        except LookupError as e:
            res.append(e)
    ref = res[0]
    for got in res[1:]:
        if isinstance(ref, LookupError):
            assert isinstance(got, LookupError), f"{name}: TF raised LookupError, tfshim returned {got!r}"
            assert "gradient registry has no entry for" in str(got)
        elif ref is None:
            assert got is None, f"{name}: TF's gradient is None, tfshim's {got!r}"
        else:
            assert got is not None and not isinstance(got, Exception), f"{name}: TF {ref!r}, tfshim {got!r}"
            np.testing.assert_allclose(got, ref, err_msg=name)


def test_every_differentiable_row_is_swept():
    """A new differentiable row is swept automatically; the hand-picked special inputs name real rows."""
    names = {r.names[0] for r in GRAD_ROWS}
    assert set(SPECIAL) <= names, sorted(set(SPECIAL) - names)
    assert len(ELEMENTWISE_ROWS) > 50


_ = Lit
