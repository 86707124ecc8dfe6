"""More tf.linalg: decompositions (qr, svd, eigh, eigvalsh, lu), slogdet/logdet, triangular_solve,
cholesky_solve, lstsq, pinv, matrix_rank, expm, adjoint, cross, set_diag, global_norm.

Difference from TF: singular vectors and eigenvectors are unique only up to sign (or phase); tfshim's
(LAPACK via XLA) may differ in sign from TF's (Eigen). Their products (``u @ diag(s) @ v^H``) agree.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core import errors
from ..core.convert import convert_to_tensor
from ..core.dispatch import invalid, run
from ..core.tensor import Tensor
from .elementwise import COMPLEX, FLOAT, dtype_error, unsupported
from .table import register

_Tracer = jax.core.Tracer
_LIN = frozenset(np.dtype(t) for t in ("float32", "float64", "complex64", "complex128"))
_HALF = frozenset(np.dtype(t) for t in ("float16",))


def _t(v: Any) -> Tensor:
    return v if isinstance(v, Tensor) else convert_to_tensor(v)


def _matrix(x: Tensor, op: str, tf_op: str, square: bool = True, allowed: frozenset = _LIN) -> None:
    dt = x.array.dtype
    if dt not in allowed:
        if dt in _HALF or dt.name == "bfloat16":
            raise errors.NotFoundError(None, None, f"Could not find device for node: {{{{node {tf_op}}}}} = "
                                                   f"{tf_op}[T=DT_{'HALF' if dt in _HALF else 'BFLOAT16'}] "
                                                   f"(tfshim: {op} has no such kernel in TF; cast to float32)")
        raise unsupported(op, tf_op, dt, allowed)
    s = x.array.shape
    if len(s) < 2:
        raise invalid(tf_op, f"Input tensor 0 must have rank >= 2, received shape {list(s)} (tfshim: {op})")
    if square and s[-1] != s[-2]:
        raise invalid(tf_op, f"Input matrix must be square, received shape {list(s)} (tfshim: {op})")


def _adj(x):
    return jnp.conj(jnp.swapaxes(x, -1, -2))


# -- decompositions -------------------------------------------------------------------------------
def _qr_impl(x, full):
    return tuple(jnp.linalg.qr(x, mode="complete" if full else "reduced"))


def qr(input: Any, full_matrices: bool = False, name: Any = None) -> tuple:  # noqa: A002
    """tf.linalg.qr: (q, r) with q orthonormal and r upper triangular."""
    x = _t(input)
    _matrix(x, "tf.linalg.qr", "Qr", square=False)
    return tuple(run(_qr_impl, (x,), "tf.linalg.qr", full=bool(full_matrices)))


def _svd_impl(x, full, uv):
    if not uv:
        return jnp.linalg.svd(x, compute_uv=False)
    u, s, vh = jnp.linalg.svd(x, full_matrices=full)
    return s, u, _adj(vh)


def svd(tensor: Any, full_matrices: bool = False, compute_uv: bool = True, name: Any = None) -> Any:
    """tf.linalg.svd: s, or (s, u, v) with tensor = u @ diag(s) @ adjoint(v) (TF returns v, not v^H)."""
    x = _t(tensor)
    _matrix(x, "tf.linalg.svd", "Svd", square=False)
    out = run(_svd_impl, (x,), "tf.linalg.svd", full=bool(full_matrices), uv=bool(compute_uv))
    return tuple(out) if compute_uv else out


def _lower_sym(x):
    # TF reads only the lower triangle (so its gradient lands there too): build the Hermitian matrix from it.
    low = jnp.tril(x, -1)
    return low + _adj(low) + jnp.real(jnp.diagonal(x, axis1=-2, axis2=-1))[..., None] * jnp.eye(
        x.shape[-1], dtype=x.dtype)


def _eigh_impl(x):
    w, v = jnp.linalg.eigh(_lower_sym(x), symmetrize_input=False)
    return w, v


def eigh(tensor: Any, name: Any = None) -> tuple:
    """tf.linalg.eigh: (eigenvalues ascending, eigenvectors) of a self-adjoint matrix (its lower triangle)."""
    x = _t(tensor)
    _matrix(x, "tf.linalg.eigh", "SelfAdjointEigV2")
    return tuple(run(_eigh_impl, (x,), "tf.linalg.eigh"))


def _eigvalsh_impl(x):
    return jnp.linalg.eigh(_lower_sym(x), symmetrize_input=False)[0]


def eigvalsh(tensor: Any, name: Any = None) -> Tensor:
    """tf.linalg.eigvalsh: the eigenvalues (ascending) of a self-adjoint matrix."""
    x = _t(tensor)
    _matrix(x, "tf.linalg.eigvalsh", "SelfAdjointEigV2")
    return run(_eigvalsh_impl, (x,), "tf.linalg.eigvalsh")


def _lu_impl(x):
    lu_, piv, perm = jax.lax.linalg.lu(x)
    return lu_, perm


def lu(input: Any, output_idx_type: Any = None, name: Any = None) -> tuple:  # noqa: A002
    """tf.linalg.lu: (lu, p): L (unit diagonal, below) and U packed in ``lu``, ``p`` the row permutation."""
    from ..core import dtypes as _dt

    x = _t(input)
    _matrix(x, "tf.linalg.lu", "Lu")
    lu_, perm = run(_lu_impl, (x,), "tf.linalg.lu")
    want = _dt.int32 if output_idx_type is None else _dt.as_dtype(output_idx_type)
    return lu_, run(_cast, (perm,), "tf.linalg.lu", dtype=want._np.str)


def _cast(x, dtype):
    return x.astype(dtype)


# -- determinants -----------------------------------------------------------------------------------
def _slogdet_impl(x):
    sign, logabs = jnp.linalg.slogdet(x)
    return sign.astype(x.dtype), logabs.astype(x.real.dtype if x.dtype.kind == "c" else x.dtype)


def slogdet(input: Any, name: Any = None) -> tuple:  # noqa: A002
    """tf.linalg.slogdet: (sign, log|det|) of square matrices."""
    x = _t(input)
    _matrix(x, "tf.linalg.slogdet", "LogMatrixDeterminant")
    return tuple(run(_slogdet_impl, (x,), "tf.linalg.slogdet"))


def _logdet_impl(x):
    c = jnp.linalg.cholesky(x)
    d = jnp.real(jnp.diagonal(c, axis1=-2, axis2=-1))
    return 2 * jnp.sum(jnp.log(d), axis=-1)


def logdet(matrix: Any, name: Any = None) -> Tensor:
    """tf.linalg.logdet: log(det(matrix)) of Hermitian positive definite matrices (via Cholesky)."""
    x = _t(matrix)
    _matrix(x, "tf.linalg.logdet", "Cholesky")
    return run(_logdet_impl, (x,), "tf.linalg.logdet")


# -- solves ---------------------------------------------------------------------------------------
def _tri_impl(a, b, lower, adjoint):
    return jax.scipy.linalg.solve_triangular(a, b, lower=lower, trans="C" if adjoint else 0)


def _pair(a: Any, b: Any, op: str, tf_op: str) -> tuple:
    at, bt = _t(a), _t(b)
    if at.array.dtype != bt.array.dtype:
        raise dtype_error(op, tf_op, 1, at.array.dtype, bt.array.dtype)
    return at, bt


def _batch_rhs(a: Tensor, b: Tensor, op: str, tf_op: str) -> None:
    if b.array.ndim < 2:
        raise invalid(tf_op, f"Input rhs must have rank >= 2, received shape {list(b.array.shape)} (tfshim: {op})")
    if a.array.shape[-1] != b.array.shape[-2]:
        raise invalid(tf_op, f"Input matrix and rhs are incompatible: {list(a.array.shape)} vs "
                             f"{list(b.array.shape)} (tfshim: {op})")


def _bcast(a, b):
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return jnp.broadcast_to(a, batch + a.shape[-2:]), jnp.broadcast_to(b, batch + b.shape[-2:])


def _tri_b(a, b, lower, adjoint):
    a, b = _bcast(a, b)
    return _tri_impl(a, b, lower, adjoint)


def triangular_solve(matrix: Any, rhs: Any, lower: bool = True, adjoint: bool = False, name: Any = None) -> Tensor:
    """tf.linalg.triangular_solve: x with matrix @ x = rhs for triangular ``matrix`` (the other triangle is
    ignored); batch dimensions broadcast."""
    a, b = _pair(matrix, rhs, "tf.linalg.triangular_solve", "MatrixTriangularSolve")
    _matrix(a, "tf.linalg.triangular_solve", "MatrixTriangularSolve")
    _batch_rhs(a, b, "tf.linalg.triangular_solve", "MatrixTriangularSolve")
    return run(_tri_b, (a, b), "tf.linalg.triangular_solve", lower=bool(lower), adjoint=bool(adjoint))


def _chol_solve_impl(c, b):
    c, b = _bcast(c, b)
    y = jax.scipy.linalg.solve_triangular(c, b, lower=True)
    return jax.scipy.linalg.solve_triangular(c, y, lower=True, trans="C")


def cholesky_solve(chol: Any, rhs: Any, name: Any = None) -> Tensor:
    """tf.linalg.cholesky_solve: x with A @ x = rhs given A's Cholesky factor ``chol``."""
    c, b = _pair(chol, rhs, "tf.linalg.cholesky_solve", "MatrixTriangularSolve")
    _matrix(c, "tf.linalg.cholesky_solve", "MatrixTriangularSolve")
    _batch_rhs(c, b, "tf.linalg.cholesky_solve", "MatrixTriangularSolve")
    return run(_chol_solve_impl, (c, b), "tf.linalg.cholesky_solve")


def _lstsq_impl(a, b, l2, fast):
    ah = _adj(a)
    m, n = a.shape[-2:]
    if fast and m >= n:
        g = ah @ a + l2 * jnp.eye(n, dtype=a.dtype)
        c = jnp.linalg.cholesky(g)
        y = jax.scipy.linalg.solve_triangular(c, ah @ b, lower=True)
        return jax.scipy.linalg.solve_triangular(c, y, lower=True, trans="C")
    if fast:
        g = a @ ah + l2 * jnp.eye(m, dtype=a.dtype)
        c = jnp.linalg.cholesky(g)
        y = jax.scipy.linalg.solve_triangular(c, b, lower=True)
        return ah @ jax.scipy.linalg.solve_triangular(c, y, lower=True, trans="C")
    return jnp.linalg.pinv(a) @ b


def lstsq(matrix: Any, rhs: Any, l2_regularizer: Any = 0.0, fast: bool = True, name: Any = None) -> Tensor:
    """tf.linalg.lstsq: the least-squares solution of matrix @ x = rhs (normal equations with Cholesky when
    ``fast``, as TF; the pseudo-inverse otherwise)."""
    a, b = _pair(matrix, rhs, "tf.linalg.lstsq", "MatrixSolveLs")
    _matrix(a, "tf.linalg.lstsq", "MatrixSolveLs", square=False)
    if b.array.ndim < 2 or b.array.shape[-2] != a.array.shape[-2]:
        raise invalid("MatrixSolveLs", f"Incompatible shapes: {list(a.array.shape)} vs {list(b.array.shape)} "
                                       "(tfshim: tf.linalg.lstsq)")
    return run(_lstsq_impl, (a, b), "tf.linalg.lstsq", l2=float(l2_regularizer), fast=bool(fast))


def _pinv_impl(a, rcond):
    return jnp.linalg.pinv(a, rtol=rcond, hermitian=False)


def pinv(a: Any, rcond: Any = None, validate_args: bool = False, name: Any = None) -> Tensor:
    """tf.linalg.pinv: the Moore-Penrose pseudo-inverse (singular values below rcond * max(s) dropped;
    default rcond = 10 * max(m, n) * eps, as TF)."""
    x = _t(a)
    if x.array.dtype not in FLOAT:
        raise TypeError(f"Input `a` must have `float`-like `dtype` (saw {x.dtype.name}). (tfshim: tf.linalg.pinv)")
    _matrix(x, "tf.linalg.pinv", "Svd", square=False, allowed=FLOAT - _HALF)
    m, n = x.array.shape[-2:]
    rc = float(10 * max(m, n) * np.finfo(x.array.dtype).eps) if rcond is None else float(rcond)
    return run(_pinv_impl, (x,), "tf.linalg.pinv", rcond=rc)


def _rank_impl(a, tol):
    s = jnp.linalg.svd(a, compute_uv=False)
    t = tol if tol is not None else (jnp.max(s, axis=-1, keepdims=True) * max(a.shape[-2:])
                                     * jnp.finfo(s.dtype).eps)
    return jnp.sum(s > t, axis=-1).astype(jnp.int32)


def matrix_rank(a: Any, tol: Any = None, validate_args: bool = False, name: Any = None) -> Tensor:
    """tf.linalg.matrix_rank: the number of singular values above ``tol`` (default max(s) * max(m, n) * eps)."""
    x = _t(a)
    _matrix(x, "tf.linalg.matrix_rank", "Svd", square=False)
    return run(_rank_impl, (x,), "tf.linalg.matrix_rank", tol=None if tol is None else float(tol))


def expm(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.linalg.expm: the matrix exponential (Padé approximation with scaling and squaring)."""
    x = _t(input)
    if x.array.dtype.kind == "u":  # TF: its Abs op has no unsigned kernel
        raise invalid("tf.linalg.expm", f"does not support matrices of type {x.dtype!r} (Value for attr 'T' of "
                                        f"{x.dtype.name} is not in the list of allowed values); cast to float32")
    if x.array.dtype not in FLOAT | COMPLEX:
        raise ValueError(f"tf.linalg.expm does not support matrices of type {x.dtype!r}")
    _matrix(x, "tf.linalg.expm", "MatrixExponential", allowed=FLOAT - _HALF | COMPLEX)
    return run(jax.scipy.linalg.expm, (x,), "tf.linalg.expm")


def adjoint(matrix: Any, name: Any = None) -> Tensor:
    """tf.linalg.adjoint: the conjugate transpose of the last two dimensions."""
    x = _t(matrix)
    if x.array.ndim < 2:
        raise ValueError(f"tf.linalg.adjoint: input must have rank >= 2, got shape {list(x.array.shape)}.")
    return run(_adj, (x,), "tf.linalg.adjoint")


def _cross_impl(a, b):
    return jnp.cross(a, b)


def cross(a: Any, b: Any, name: Any = None) -> Tensor:
    """tf.linalg.cross: pairwise cross product of 3-vectors (last dimension 3)."""
    at, bt = _pair(a, b, "tf.linalg.cross", "Cross")
    if at.array.shape != bt.array.shape:
        raise invalid("Cross", f"both inputs must be the same shape: {list(at.array.shape)} vs "
                               f"{list(bt.array.shape)}")
    if not at.array.shape or at.array.shape[-1] != 3:
        raise errors.FailedPreconditionError(None, None, "Cross-products are only defined for 3-element vectors. "
                                                         f"[Op:Cross] (tfshim: got shape {list(at.array.shape)})")
    return run(_cross_impl, (at, bt), "tf.linalg.cross")


def _set_diag_impl(x, d):
    n = min(x.shape[-2:])
    i = jnp.arange(n)
    return x.at[..., i, i].set(d)


def set_diag(input: Any, diagonal: Any, name: Any = "set_diag", k: Any = 0,  # noqa: A002
             align: str = "RIGHT_LEFT") -> Tensor:
    """tf.linalg.set_diag: ``input`` with its main diagonal replaced (k = 0 only in tfshim)."""
    x = _t(input)
    d = diagonal if isinstance(diagonal, Tensor) else convert_to_tensor(diagonal, dtype=x.dtype)
    if k != 0:
        raise NotImplementedError("tf.linalg.set_diag: tfshim supports k=0 only.")
    if d.array.dtype != x.array.dtype:
        raise dtype_error("tf.linalg.set_diag", "MatrixSetDiagV3", 1, x.array.dtype, d.array.dtype)
    want = x.array.shape[:-2] + (min(x.array.shape[-2:]),) if x.array.ndim >= 2 else None
    if want is None or d.array.shape != want:
        raise invalid("MatrixSetDiagV3", f"diagonal must have shape {list(want) if want else '?'}, got "
                                         f"{list(d.array.shape)} (input shape {list(x.array.shape)})")
    return run(_set_diag_impl, (x, d), "tf.linalg.set_diag")


def _global_norm_impl(*xs):
    return jnp.sqrt(sum(jnp.sum(jnp.square(x)) for x in xs))


def global_norm(t_list: Any, name: Any = None) -> Tensor:
    """tf.linalg.global_norm: sqrt(sum of squared entries of every tensor in ``t_list``; None skipped)."""
    if not isinstance(t_list, (list, tuple)):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    ts = [_t(t) for t in t_list if t is not None]
    if not ts:
        return convert_to_tensor(0.0)
    for i, t in enumerate(ts[1:], 1):
        if t.array.dtype != ts[0].array.dtype:
            raise dtype_error("tf.linalg.global_norm", "Pack", i, ts[0].array.dtype, t.array.dtype)
    return run(_global_norm_impl, tuple(ts), "tf.linalg.global_norm")


_TOL = {"tol": {"rtol": 1e-4, "atol": 1e-5}, "grad_tol": {"rtol": 1e-3, "atol": 1e-4}}
register(("linalg.qr",), qr, kind="qr", grad=True, extra=_TOL)
register(("linalg.svd",), svd, kind="svd", grad=True, extra=_TOL)
register(("linalg.eigvalsh",), eigvalsh, kind="spd", grad=True, extra=_TOL)
register(("linalg.eigh",), eigh, kind="", grad=True)
register(("linalg.lu",), lu, kind="", grad=False)
register(("linalg.slogdet",), slogdet, kind="square", grad=True, extra=_TOL)
register(("linalg.logdet",), logdet, kind="spd", grad=True, extra=_TOL)
register(("linalg.triangular_solve",), triangular_solve, kind="triangular_solve", grad=True, extra=_TOL)
register(("linalg.cholesky_solve",), cholesky_solve, kind="", grad=True)
register(("linalg.lstsq",), lstsq, kind="lstsq", grad=True, extra=_TOL)
register(("linalg.pinv",), pinv, kind="pinv", grad=True, extra=_TOL)
register(("linalg.matrix_rank",), matrix_rank, kind="pinv", grad=False)
register(("linalg.expm",), expm, kind="square", grad=True, extra=_TOL)
register(("linalg.adjoint",), adjoint, kind="pinv", grad=True)
register(("linalg.cross",), cross, kind="cross", grad=True)
register(("linalg.set_diag",), set_diag, kind="set_diag", grad=True)
register(("linalg.global_norm",), global_norm, kind="global_norm", grad=False)  # list input: see test_math_extra
