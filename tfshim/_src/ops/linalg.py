"""Linear-algebra rows: matmul, tensordot, einsum, norm, inv/det/solve/cholesky, diag, trace, ...

Shapes and dtypes follow TF's CPU kernels: matmul needs rank >= 2 on both sides (batch
dimensions broadcast), no implicit dtype promotion, and the dtypes TF has kernels for
(unsigned integers have no CPU matmul/einsum kernel in TF: NotFoundError, as TF).
Eager-only value checks (a singular matrix in ``inv``/``solve``) raise InvalidArgumentError as TF.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from ..core.convert import convert_to_tensor
from ..core.dispatch import FallBack, execute2, invalid, primitive, run
from ..core.tensor import Tensor
from .elementwise import COMPLEX, FLOAT, INT, UINT, abs_real_tf, coerce2, dtype_error, extreme_tf, sqrt_tf, unsupported
from .reduction import norm_axes, static_int_list
from .table import register

_I32_64 = frozenset(np.dtype(t) for t in ("int32", "int64"))
_MATMUL_T = FLOAT | COMPLEX | _I32_64
_EINSUM_T = FLOAT | COMPLEX | _I32_64
_LINALG_T = frozenset(np.dtype(t) for t in ("float16", "float32", "float64", "complex64", "complex128"))
_TRACE_T = FLOAT | COMPLEX | INT


def _check_dtype(x: Tensor, allowed: frozenset, op_name: str, tf_op: str) -> None:
    dt = x.array.dtype
    if dt in allowed:
        return
    if dt in UINT and tf_op in ("MatMul", "Einsum"):
        raise errors.NotFoundError(None, None, f"{op_name}: Could not find device for node: {tf_op}[T=DT_"
                                               f"{_dt._BY_NP[dt].name.upper()}] (TF has no CPU kernel for "
                                               f"{_dt._BY_NP[dt].name}; cast to int32 or a float dtype)")
    raise unsupported(op_name, tf_op, dt, allowed)


def _same_dtype(ts: list, op_name: str, tf_op: str) -> None:
    for i, t in enumerate(ts[1:], 1):
        if t.array.dtype != ts[0].array.dtype:
            raise dtype_error(op_name, tf_op, i, ts[0].array.dtype, t.array.dtype)


def _pair(a: Any, b: Any) -> tuple:
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return a, b
    return coerce2(a, b)


# ---------------------------------------------------------------------------------------------
# matmul / matvec / tensordot / einsum


def _mt(x, conj):
    x = jnp.swapaxes(x, -1, -2)
    return jnp.conj(x) if conj else x


def _matmul(a, b, ta, tb, ca, cb, out):
    if ta:
        a = _mt(a, ca)
    elif ca:
        a = jnp.conj(a)
    if tb:
        b = _mt(b, cb)
    elif cb:
        b = jnp.conj(b)
    if out is not None:
        return jnp.matmul(a, b, preferred_element_type=np.dtype(out)).astype(np.dtype(out))
    return jnp.matmul(a, b)


def _matmul_shapes(sa: tuple, sb: tuple, ta: bool, tb: bool, op_name: str) -> None:
    if len(sa) < 2:
        raise invalid(op_name, f"In[0] ndims must be >= 2 (got shape {list(sa)}); use tf.linalg.matvec or "
                               "tf.tensordot for vectors.")
    if len(sb) < 2:
        raise invalid(op_name, f"In[1] ndims must be >= 2 (got shape {list(sb)}); use tf.linalg.matvec or "
                               "tf.tensordot for vectors.")
    k_a = sa[-2] if ta else sa[-1]
    k_b = sb[-1] if tb else sb[-2]
    if k_a != k_b:
        raise errors.static(invalid(op_name, f"Matrix size-incompatible: In[0]: {list(sa)}, In[1]: {list(sb)}."),
                            ValueError)
    try:
        np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        raise invalid(op_name, f"In[0] and In[1] must have compatible batch dimensions: {list(sa)} vs. "
                               f"{list(sb)}.") from None


def _plain_matmul(a, b):
    # Static checks (trace time only, so valid calls cost nothing): operands of rank >= 2 and one
    # allowed dtype, matching inner dims, broadcastable batch dims; anything else raises FallBack.
    if (a.ndim < 2 or b.ndim < 2 or a.dtype != b.dtype or a.dtype not in _MATMUL_T
            or a.shape[-1] != b.shape[-2]):
        raise FallBack("not a valid plain matmul")
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise FallBack("batch dims do not broadcast") from None
    return _matmul(a, b, False, False, False, False, None)


_PLAIN_MATMUL = primitive(_plain_matmul)


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False, adjoint_a: bool = False,
           adjoint_b: bool = False, a_is_sparse: bool = False, b_is_sparse: bool = False, output_type: Any = None,
           grad_a: bool = False, grad_b: bool = False, name: Any = None) -> Tensor:
    """tf.linalg.matmul: ``a @ b`` over the last two axes, batch axes broadcast (``*_is_sparse`` are hints only)."""
    op_name = "tf.linalg.matmul"
    if (type(a) is Tensor and type(b) is Tensor and not (transpose_a or transpose_b or adjoint_a or adjoint_b)
            and output_type is None):
        # Fast path for the common case (plain 2-D operands of one dtype): one jitted call whose checks
        # run at trace time only. Anything else raises FallBack there; the checked path below then
        # handles it (or reports TF's error).
        try:
            return execute2(_PLAIN_MATMUL, a, b, a.array, b.array, op_name)
        except FallBack:
            pass
    if transpose_a and adjoint_a:
        raise ValueError(f"{op_name}: Only one of `transpose_a` and `adjoint_a` can be True. Received "
                         f"`transpose_a`={transpose_a}, `adjoint_a`={adjoint_a}.")
    if transpose_b and adjoint_b:
        raise ValueError(f"{op_name}: Only one of `transpose_b` and `adjoint_b` can be True. Received "
                         f"`transpose_b`={transpose_b}, `adjoint_b`={adjoint_b}.")
    a, b = _pair(a, b)
    out = None
    if output_type is not None:
        out = _dt.as_dtype(output_type)._np.str
        if a.array.dtype == b.array.dtype and a.array.dtype in (np.int8, np.uint8):
            pass  # TF allows 8-bit inputs with a wider output_type
        else:
            _check_dtype(a, _MATMUL_T, op_name, "MatMul")
    else:
        _check_dtype(a, _MATMUL_T, op_name, "MatMul")
    _same_dtype([a, b], op_name, "MatMul")
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    _matmul_shapes(a.array.shape, b.array.shape, ta, tb, op_name)
    return run(_matmul, (a, b), op_name, ta=ta, tb=tb, ca=bool(adjoint_a), cb=bool(adjoint_b), out=out)


def _matvec(a, b, ta, ca):
    return _matmul(a, b[..., None], ta, False, ca, False, None)[..., 0]


def matvec(a: Any, b: Any, transpose_a: bool = False, adjoint_a: bool = False, a_is_sparse: bool = False,
           b_is_sparse: bool = False, name: Any = None) -> Tensor:
    """tf.linalg.matvec: matrix (batch) times vector (batch) over the last axis of ``b``."""
    op_name = "tf.linalg.matvec"
    if transpose_a and adjoint_a:
        raise ValueError(f"{op_name}: Only one of `transpose_a` and `adjoint_a` can be True.")
    a, b = _pair(a, b)
    _check_dtype(a, _MATMUL_T, op_name, "MatMul")
    _same_dtype([a, b], op_name, "MatMul")
    ta = bool(transpose_a or adjoint_a)
    if b.array.ndim < 1:
        raise invalid(op_name, f"b must be at least a vector, got shape {list(b.array.shape)}.")
    _matmul_shapes(a.array.shape, b.array.shape + (1,), ta, False, op_name)
    return run(_matvec, (a, b), op_name, ta=ta, ca=bool(adjoint_a))


def _tensordot(a, b, axes):
    return jnp.tensordot(a, b, axes=axes)


def tensordot(a: Any, b: Any, axes: Any, name: Any = None) -> Tensor:
    """tf.tensordot: contract ``axes`` of ``a`` with ``axes`` of ``b`` (an int N = last N of a with first N of b)."""
    op_name = "tf.tensordot"
    a, b = _pair(a, b)
    _check_dtype(a, _MATMUL_T, op_name, "MatMul")
    _same_dtype([a, b], op_name, "MatMul")
    ra, rb = a.array.ndim, b.array.ndim
    if isinstance(axes, (int, np.integer)) or (isinstance(axes, (Tensor, np.ndarray)) and np.ndim(axes) == 0):
        n = static_int_list(axes, op_name, "axes")[0]
        if n < 0:
            raise ValueError(f"{op_name}: `axes` must be at least 0. Received: {n}.")
        if n > ra or n > rb:
            raise ValueError(f"{op_name}: `axes` must not be larger than the number of dimensions of tensor "
                             f"(received {n}, vs tensor dimensions {min(ra, rb)}).")
        ax_a, ax_b = list(range(ra - n, ra)), list(range(n))
    else:
        if isinstance(axes, (Tensor, np.ndarray)):
            axes = np.asarray(axes).tolist()
        if not isinstance(axes, (list, tuple)) or len(axes) != 2:
            raise ValueError(f"{op_name}: `axes` must be an int or a pair of axis lists, got {axes!r}.")
        ax_a = static_int_list(axes[0], op_name, "axes")
        ax_b = static_int_list(axes[1], op_name, "axes")
        if len(ax_a) != len(ax_b):
            raise ValueError(f"{op_name}: Different number of contraction axes `a` and `b`, "
                             f"{len(ax_a)} != {len(ax_b)}.")
        for ax, r in ((ax_a, ra), (ax_b, rb)):
            for v in ax:
                if not -r <= v < r:
                    raise invalid(op_name, f"axis {v} is out of range for a tensor of rank {r}.")
        ax_a, ax_b = [v % ra for v in ax_a], [v % rb for v in ax_b]
    sa, sb = a.array.shape, b.array.shape
    for i, j in zip(ax_a, ax_b):
        if sa[i] != sb[j]:
            raise invalid(op_name, f"Matrix size-incompatible: contracting axis {i} of a (shape {list(sa)}) with "
                                   f"axis {j} of b (shape {list(sb)}).")
    return run(_tensordot, (a, b), op_name, axes=(tuple(ax_a), tuple(ax_b)))


def _einsum(*xs, equation):
    return jnp.einsum(equation, *xs)


def einsum(equation: str, *inputs: Any, **kwargs: Any) -> Tensor:
    """tf.einsum: Einstein summation over ``inputs`` (keyword ``name``/``optimize`` accepted and ignored)."""
    op_name = "tf.einsum"
    unknown = set(kwargs) - {"name", "optimize"}
    if unknown:
        raise TypeError(f"{op_name}: Invalid keyword argument(s): {sorted(unknown)}.")
    if not isinstance(equation, str):
        raise TypeError(f"{op_name}: equation must be a string, got {equation!r}.")
    ts = [convert_to_tensor(x) for x in inputs]
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    subs = lhs.split(",")
    if len(subs) != len(ts):
        raise ValueError(f'{op_name}: Got {len(ts)} inputs for equation "{equation}", expecting {len(subs)}.')
    if arrow:
        missing = sorted(set(rhs.replace(".", "")) - set(lhs.replace(",", "").replace(".", "")))
        if missing:
            raise ValueError(f"{op_name}: Output subscripts contain the label {missing[0]} not present in the input "
                             f"subscripts.")
    if ts:
        _check_dtype(ts[0], _EINSUM_T, op_name, "Einsum")
        _same_dtype(ts, op_name, "Einsum")
    for s, t in zip(subs, ts):
        if "..." in s and not arrow:
            if t.array.ndim > len(s) - 3:
                raise invalid(op_name, "Output contains broadcasting dimension(s) but no ellipsis (...) was found "
                                       "in the output subscripts; write the output with '->...'.")
    if not arrow:
        eq = lhs  # numpy's implicit output, as TF
    return run(_einsum, tuple(ts), op_name, equation=eq)


# ---------------------------------------------------------------------------------------------
# norms


def _vector_norm(x, axis, ord, keepdims):
    ax = axis
    if x.dtype.kind == "c":
        ax_abs = jnp.abs(x)
        if ord == 2:
            return sqrt_tf(jnp.sum(x * jnp.conj(x), axis=ax, keepdims=keepdims))
        return _real_vector_norm(ax_abs, ax, ord, keepdims)  # real, as TF
    return _real_vector_norm(x, ax, ord, keepdims)


def _real_vector_norm(x, axis, ord, keepdims):  # TF's gradients of sqrt, abs and max (see elementwise.py)
    if ord == 2:
        return sqrt_tf(jnp.sum(x * x, axis=axis, keepdims=keepdims))
    a = _abs_tf(x)
    if ord == np.inf:
        return extreme_tf(a, axis, keepdims, True)
    if ord == 1:
        return jnp.sum(a, axis=axis, keepdims=keepdims)
    return jnp.sum(a ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _abs_tf(x):
    return abs_real_tf(x) if x.dtype.kind == "f" else jnp.abs(x)


def _matrix_norm(x, axis, ord, keepdims):
    r, c = axis
    if ord in ("fro", "euclidean"):
        return _vector_norm(x, axis, 2, keepdims)
    if ord == 2:
        perm = [i for i in range(x.ndim) if i not in axis] + [r, c]
        m = jnp.transpose(x, perm)
        s = jnp.linalg.svd(m, compute_uv=False)
        out = jnp.max(s, axis=-1)
        if keepdims:
            out = jnp.expand_dims(out, sorted(axis))
        return out
    a = _abs_tf(x)
    if ord == 1:  # max column sum
        s = jnp.sum(a, axis=r, keepdims=True)
        out = extreme_tf(s, (c,), True, True)
    else:  # inf: max row sum
        s = jnp.sum(a, axis=c, keepdims=True)
        out = extreme_tf(s, (r,), True, True)
    if not keepdims:
        out = jnp.squeeze(out, axis=(r, c))
    return out


def norm(tensor: Any, ord: Any = "euclidean", axis: Any = None, keepdims: Any = None,  # noqa: A002
         name: Any = None) -> Tensor:
    """tf.norm / tf.linalg.norm: vector norms (``ord`` > 0, inf, 'euclidean') or matrix norms over an axis pair
    ('fro', 'euclidean', 1, 2, inf). As TF, complex inputs give a complex result for the euclidean/'fro' norm
    and a real one otherwise."""
    op_name = "tf.norm"
    x = convert_to_tensor(tensor)
    is_matrix = False
    if axis is None:
        axes = None
    elif isinstance(axis, (int, np.integer)):
        axes = (int(axis),)
    elif isinstance(axis, (list, tuple)) and len(axis) == 2 and all(isinstance(a, (int, np.integer)) for a in axis) \
            and axis[0] != axis[1]:
        axes, is_matrix = (int(axis[0]), int(axis[1])), True
    else:
        raise ValueError(f"{op_name}: 'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}.")
    supported_matrix = ["euclidean", "fro", 1, 2, np.inf]
    if is_matrix:
        if not (isinstance(ord, str) and ord in ("euclidean", "fro")) and not (
                not isinstance(ord, str) and ord in (1, 2, np.inf)):
            raise ValueError(f"{op_name}: 'ord' must be a supported matrix norm in {supported_matrix}, got {ord}.")
    else:
        ok = ord == "euclidean" or (not isinstance(ord, str) and isinstance(ord, (int, float, np.number))
                                    and ord > 0)
        if not ok:
            raise ValueError(f"{op_name}: 'ord' must be a supported vector norm, got {ord}.")
    if x.array.dtype not in FLOAT | COMPLEX:
        raise unsupported(op_name, "Sqrt", x.array.dtype, FLOAT | COMPLEX)
    if axes is not None:
        rank = x.array.ndim
        for a in axes:
            if not -rank <= a < rank:
                raise invalid(op_name, f"Invalid reduction dimension ({a} for input with {rank} dimension(s)).")
        axes = tuple(a % rank for a in axes)
        if is_matrix and axes[0] == axes[1]:
            raise ValueError(f"{op_name}: 'axis' must be None, an integer, or a tuple of 2 unique integers, got "
                             f"{axis}.")
    o = 2 if ord in ("euclidean", "fro") and not is_matrix else ord
    if isinstance(o, (int, float, np.number)):
        o = float(o)
    if is_matrix:
        return run(_matrix_norm, (x,), op_name, axis=axes, ord=o, keepdims=bool(keepdims))
    if axes is None and keepdims:
        axes = tuple(range(x.array.ndim))
    return run(_vector_norm, (x,), op_name, axis=axes, ord=o, keepdims=bool(keepdims))


def _l2_normalize(x, axis, epsilon):
    if x.dtype.kind == "c":
        sq = jnp.sum(jnp.real(x * jnp.conj(x)), axis=axis, keepdims=True)
        inv = jax.lax.rsqrt(jnp.maximum(sq, jnp.asarray(epsilon, sq.dtype)))
        return x * inv.astype(x.dtype)
    sq = jnp.sum(x * x, axis=axis, keepdims=True)
    return x * jax.lax.rsqrt(jnp.maximum(sq, jnp.asarray(epsilon, x.dtype)))


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: Any = None, dim: Any = None) -> Tensor:
    """tf.math.l2_normalize: ``x / sqrt(max(sum(x**2, axis), epsilon))`` (``dim`` is the deprecated ``axis``)."""
    op_name = "tf.math.l2_normalize"
    t = convert_to_tensor(x)
    if axis is None and dim is not None:
        axis = dim
    if t.array.dtype == np.bool_:  # TF squares x first: its Square kernel rejects bool
        raise invalid(op_name, "Value for attr 'T' of bool is not in the list of allowed values for Square "
                               "(l2_normalize needs a float or complex input; cast it first) [Op:Square]")
    if t.array.dtype not in FLOAT | COMPLEX:
        raise TypeError(f"{op_name}: Cannot convert {epsilon} to EagerTensor of dtype {t.dtype.name} "
                        f"(l2_normalize needs a float or complex input; cast it first).")
    axes = norm_axes(t, axis, op_name)
    return run(_l2_normalize, (t,), op_name, axis=axes, epsilon=float(epsilon))


# ---------------------------------------------------------------------------------------------
# square-matrix ops


def _square(x: Tensor, op_name: str, tf_op: str, allowed: frozenset = _LINALG_T) -> None:
    _check_dtype(x, allowed, op_name, tf_op)
    s = x.array.shape
    if len(s) < 2:
        raise invalid(op_name, f"Input tensor 0 must have rank >= 2, got {len(s)} [Op:{tf_op}].")
    if s[-1] != s[-2]:
        raise invalid(op_name, f"Input matrix must be square (got shape {list(s)}) [Op:{tf_op}].")


def _eager_value(t: Tensor) -> np.ndarray | None:
    v = t.array
    return None if isinstance(v, jax.core.Tracer) else np.asarray(v)


def _inv(x, adjoint):
    if adjoint:
        x = _mt(x, True)
    if x.dtype == jnp.float16:  # LAPACK has no half precision: invert in float32, as TF's float16 kernel
        return jnp.linalg.inv(x.astype(jnp.float32)).astype(x.dtype)
    return jnp.linalg.inv(x)


def _invertible(x: Tensor) -> bool:
    """False when some matrix of ``x`` has a zero (or leading NaN) pivot in TF's LU (eager only)."""
    v = _eager_value(x)
    if v is None or v.size == 0:
        return True
    v = v.astype(np.complex128 if v.dtype.kind == "c" else np.float64)
    with np.errstate(all="ignore"):
        return all(_min_abs_pivot(m) > 0 for m in v.reshape((-1,) + v.shape[-2:]))


def _first_max(a: np.ndarray) -> int:
    """Eigen's sequential maxCoeff: the first element, replaced only by a later one that compares greater
    (NaN never replaces; a leading NaN stays)."""
    if np.isnan(a[0]):
        return 0
    ok = ~np.isnan(a)
    best = np.max(a[ok])
    return int(np.argmax(a == best)) if best > a[0] else 0


def _min_abs_pivot(m: np.ndarray) -> float:
    """The smallest pivot magnitude of Eigen's PartialPivLU of ``m``, as TF's MatrixInverse/MatrixSolve kernels
    check it (``> 0`` or "not invertible"): partial pivoting with Eigen's NaN rules, then minCoeff, which keeps
    the first value unless a later one compares smaller."""
    a = m.copy()
    n = a.shape[0]
    for k in range(n):
        i = k + _first_max(np.abs(a[k:, k]))
        if a[i, k] != 0:
            if i != k:
                a[[k, i]] = a[[i, k]]
            a[k + 1:, k] /= a[k, k]
        a[k + 1:, k + 1:] -= np.outer(a[k + 1:, k], a[k, k + 1:])
    d = np.abs(np.diagonal(a))
    if np.isnan(d[0]):
        return float("nan")
    return float(np.min(d[~np.isnan(d)]))


def inv(input: Any, adjoint: bool = False, name: Any = None) -> Tensor:  # noqa: A002
    """tf.linalg.inv: the inverse of each square matrix (InvalidArgumentError when one is singular, as TF)."""
    op_name = "tf.linalg.inv"
    x = convert_to_tensor(input)
    _square(x, op_name, "MatrixInverse")
    if not _invertible(x):
        raise invalid(op_name, "Input is not invertible [Op:MatrixInverse].")
    return run(_inv, (x,), op_name, adjoint=bool(adjoint))


@jax.custom_jvp
def _det(x):
    return jnp.linalg.det(x)


@_det.defjvp
def _det_jvp(primals, tangents):
    # TF's MatrixDeterminant gradient: g * det(a) * inv(a)^T (NaN where det is inf and inv has a 0). TF raises
    # for a singular matrix (its gradient inverts it); there JAX's cofactor rule gives the right value instead.
    (x,), (tx,) = primals, tangents
    # each branch gets finite coefficients where the other is chosen (its zero cotangent must not meet inf)
    inv = jnp.linalg.inv(x)
    ok = jnp.all(jnp.isfinite(inv), axis=(-2, -1))
    okm = ok[..., None, None]
    y, jax_t = jax.jvp(jnp.linalg.det, (jnp.where(okm, jnp.eye(x.shape[-1], dtype=x.dtype), x),), (tx,))
    y = jnp.linalg.det(x)
    tf_t = jnp.where(ok, y, jnp.zeros_like(y)) * jnp.sum(jnp.swapaxes(jnp.where(okm, inv, jnp.zeros_like(inv)), -1, -2)
                                                          * tx, axis=(-2, -1))
    return y, jnp.where(ok, tf_t, jax_t)


def det(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.linalg.det: the determinant of each square matrix."""
    x = convert_to_tensor(input)
    _square(x, "tf.linalg.det", "MatrixDeterminant")
    return run(_det, (x,), "tf.linalg.det")


def _solve(a, b, adjoint):
    if adjoint:
        a = _mt(a, True)
    return jnp.linalg.solve(a, b)


def solve(matrix: Any, rhs: Any, adjoint: bool = False, name: Any = None) -> Tensor:
    """tf.linalg.solve: ``X`` with ``matrix @ X = rhs`` (rhs is [..., M, K]; no batch broadcasting, as TF)."""
    op_name = "tf.linalg.solve"
    a, b = _pair(matrix, rhs)
    _square(a, op_name, "MatrixSolve")
    _same_dtype([a, b], op_name, "MatrixSolve")
    sa, sb = a.array.shape, b.array.shape
    if len(sa) != len(sb):
        raise invalid(op_name, f"All input tensors must have the same rank (matrix {list(sa)}, rhs {list(sb)}); "
                               "give rhs a trailing axis of size K.")
    if sa[:-2] != sb[:-2] or sa[-2] != sb[-2]:
        raise invalid(op_name, f"Input matrix and rhs are incompatible: {list(sa)} vs {list(sb)}.")
    if not _invertible(a):
        raise invalid(op_name, "Input matrix is not invertible [Op:MatrixSolve].")
    return run(_solve, (a, b), op_name, adjoint=bool(adjoint))


def _cholesky(x):
    return jnp.linalg.cholesky(x)


def cholesky(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.linalg.cholesky: lower Cholesky factor (input symmetrised; non-positive-definite input gives NaN)."""
    x = convert_to_tensor(input)
    _square(x, "tf.linalg.cholesky", "Cholesky")
    return run(_cholesky, (x,), "tf.linalg.cholesky")


# ---------------------------------------------------------------------------------------------
# diagonals, trace, transpose, band


def _scalar_k(k: Any, op_name: str) -> int:
    ks = static_int_list(k, op_name, "k")
    if len(ks) == 2 and ks[0] == ks[1]:
        ks = ks[:1]
    if len(ks) != 1:
        raise errors.UnimplementedError(None, None, f"{op_name}: tfshim supports a single diagonal k only, "
                                                    f"got k={ks}; call it once per diagonal.")
    return ks[0]


def _diag(d, k, rows, cols, pad):
    n = d.shape[-1]
    out = jnp.full(d.shape[:-1] + (rows, cols), pad, d.dtype)
    i = jnp.arange(n)
    r, c = (i, i + k) if k >= 0 else (i - k, i)
    return out.at[..., r, c].set(d)


def diag(diagonal: Any, name: Any = "diag", k: Any = 0, num_rows: Any = -1, num_cols: Any = -1,
         padding_value: Any = 0, align: str = "RIGHT_LEFT") -> Tensor:
    """tf.linalg.diag: (batch) matrices with ``diagonal`` on diagonal ``k`` (a single diagonal; k pairs are
    not supported), sized ``num_rows`` x ``num_cols`` (default: the smallest square)."""
    op_name = "tf.linalg.diag"
    d = convert_to_tensor(diagonal)
    if d.array.ndim < 1:
        raise invalid(op_name, f"diagonal must be at least 1-dim, received shape: {list(d.array.shape)}.")
    kk = _scalar_k(k, op_name)
    n = d.array.shape[-1]
    rows, cols = int(num_rows), int(num_cols)
    min_rows, min_cols = n + max(-kk, 0), n + max(kk, 0)
    if rows == -1 and cols == -1:
        rows = cols = max(min_rows, min_cols)
    elif rows == -1:
        rows = min_rows
    elif cols == -1:
        cols = min_cols
    if rows < min_rows or cols < min_cols or (rows != min_rows and cols != min_cols):
        raise invalid(op_name, "The number of rows or columns is not consistent with the specified d_lower, "
                               f"d_upper, and diagonal (diagonal of length {n}, k={kk}, {rows}x{cols}).")
    pad = np.asarray(padding_value).item()
    return run(_diag, (d,), op_name, k=kk, rows=rows, cols=cols, pad=pad)


def _diag_part(x, k):
    return jnp.diagonal(x, offset=k, axis1=-2, axis2=-1)


def diag_part(input: Any, name: Any = "diag_part", k: Any = 0, padding_value: Any = 0,  # noqa: A002
              align: str = "RIGHT_LEFT") -> Tensor:
    """tf.linalg.diag_part: diagonal ``k`` of each (batch) matrix (a single diagonal; k pairs are not supported)."""
    op_name = "tf.linalg.diag_part"
    x = convert_to_tensor(input)
    s = x.array.shape
    if len(s) < 2:
        raise invalid(op_name, f"input must be at least 2-dim, received shape: {list(s)}.")
    kk = _scalar_k(k, op_name)
    if not (-s[-2] < kk < s[-1]) and not (kk == 0):
        raise invalid(op_name, f"lower_diag_index is out of bound: {kk}. It must be between {-s[-2]} and {s[-1]}.")
    return run(_diag_part, (x,), op_name, k=kk)


def _trace(x):
    return jnp.sum(jnp.diagonal(x, axis1=-2, axis2=-1), axis=-1, dtype=x.dtype)


def trace(x: Any, name: Any = None) -> Tensor:
    """tf.linalg.trace: sum of the main diagonal of each (batch) matrix (integers keep their dtype)."""
    t = convert_to_tensor(x)
    if t.array.ndim < 2:
        raise invalid("tf.linalg.trace", f"input must be at least 2-dim, received shape: {list(t.array.shape)}.")
    _check_dtype(t, _TRACE_T, "tf.linalg.trace", "Trace")
    return run(_trace, (t,), "tf.linalg.trace")


def _transpose(x, conjugate):
    return _mt(x, conjugate)


def matrix_transpose(a: Any, name: Any = "matrix_transpose", conjugate: bool = False) -> Tensor:
    """tf.linalg.matrix_transpose: swap the last two axes (``conjugate=True`` also conjugates)."""
    x = convert_to_tensor(a)
    if x.array.ndim < 2:
        raise ValueError(f"tf.linalg.matrix_transpose: Argument `a` should be a (batch) matrix with rank >= 2. "
                         f"Received shape: {tuple(x.array.shape)}.")
    return run(_transpose, (x,), "tf.linalg.matrix_transpose", conjugate=bool(conjugate and x.dtype.is_complex))


def _band(x, lower, upper):
    m, n = x.shape[-2], x.shape[-1]
    i = jnp.arange(m)[:, None]
    j = jnp.arange(n)[None, :]
    keep = jnp.ones((m, n), bool)
    if lower >= 0:
        keep &= (i - j) <= lower
    if upper >= 0:
        keep &= (j - i) <= upper
    return jnp.where(keep, x, jnp.zeros_like(x))


def band_part(input: Any, num_lower: Any, num_upper: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.linalg.band_part: keep ``num_lower`` sub- and ``num_upper`` super-diagonals (negative = all)."""
    op_name = "tf.linalg.band_part"
    x = convert_to_tensor(input)
    s = x.array.shape
    if len(s) < 2:
        raise invalid(op_name, f"input must be at least 2-dim, received shape: {list(s)}.")
    for what, v in (("num_lower", num_lower), ("num_upper", num_upper)):  # TF: Tindex must be int32/int64
        if isinstance(v, Tensor) and v.array.dtype.kind not in "iu":
            raise invalid(op_name, f"{what} must be an int32 or int64 tensor (Value for attr 'Tindex' of "
                                   f"{v.dtype.name} is not in the list of allowed values: int32, int64), got "
                                   f"{v.dtype.name}; cast it to int64.")
    lo = static_int_list(num_lower, op_name, "num_lower")[0]
    up = static_int_list(num_upper, op_name, "num_upper")[0]
    if lo > s[-2]:
        raise invalid(op_name, f"num_lower must be negative or less or equal to number of rows ({s[-2]}) got: {lo}.")
    if up > s[-1]:
        raise invalid(op_name, f"num_upper must be negative or less or equal to number of columns ({s[-1]}) "
                               f"got: {up}.")
    return run(_band, (x,), op_name, lower=lo, upper=up)


register(("linalg.matmul", "matmul"), matmul, kind="matmul", methods=("__matmul__",), rmethods=("__rmatmul__",))
register(("linalg.matvec",), matvec, kind="matvec")
register(("tensordot", "linalg.tensordot"), tensordot, kind="tensordot")
register(("einsum", "linalg.einsum"), einsum, kind="einsum")
register(("norm", "linalg.norm"), norm, kind="norm")
register(("math.l2_normalize", "linalg.l2_normalize", "nn.l2_normalize"), l2_normalize, kind="l2_normalize")
register(("linalg.inv",), inv, kind="inv")
register(("linalg.det",), det, kind="square")
register(("linalg.solve",), solve, kind="solve")
register(("linalg.cholesky",), cholesky, kind="spd")
register(("linalg.diag",), diag, kind="diag")
register(("linalg.diag_part",), diag_part, kind="diag_part")
register(("linalg.trace",), trace, kind="trace")
register(("linalg.matrix_transpose",), matrix_transpose, kind="matrix_transpose")
register(("linalg.band_part",), band_part, kind="band_part")
