"""Array ops: shapes, joining/splitting, gathering/scattering, creation, clipping, sorting, indexing.

Every function takes TF's signature, validates like TF (same error classes) and runs one jitted
JAX function through ``dispatch.run`` with its static attributes (shapes, axes) bound, so the
tape differentiates it. Values TF needs at run time but XLA needs at compile time (shapes,
split sizes, boolean masks, ``tf.where``'s coordinates, ``tf.unique``) are read on the host in
eager mode; inside a trace they must already be Python values.
"""

from __future__ import annotations

import collections
import math
import numbers
import os
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core import checks, errors, state
from ..core import dtypes as _dt
from ..core.convert import _cast_python, _make, _python_array, _python_raw, convert_to_tensor
from ..core.dispatch import not_differentiable, primitive, run
from ..core.tensor import Tensor, wrap
from ..core.tensor_shape import TensorShape
from .elementwise import dtype_error, no_gradient_defined
from .table import register

_Tracer = jax.core.Tracer
_INDEX_DTYPES = (np.dtype(np.int16), np.dtype(np.int32), np.dtype(np.int64))


# -- helpers ------------------------------------------------------------------------------------
def _t(value: Any) -> Tensor:
    return value if type(value) is Tensor else convert_to_tensor(value)


def _invalid(op: str, msg: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, f"{msg} [Op:{op}]")


def _is_tensor(v: Any) -> bool:
    return isinstance(v, Tensor) or hasattr(type(v), "__tf_tensor__")


def _host(t: Tensor, fn: str, what: str) -> np.ndarray:
    """The value of ``t`` on the host; a traced value cannot be used where XLA needs a constant."""
    if isinstance(t.array, _Tracer):
        raise TypeError(
            f"{fn}: `{what}` must be a concrete value, but it is a symbolic tensor inside a traced function; "
            "JAX compiles static shapes, so compute it from Python values or outside tf.function."
        )
    return np.asarray(t.array)


def _np_of(value: Any, fn: str, what: str, dtype: Any = None) -> np.ndarray:
    """A host array of a Python/NumPy/tensor value with TF's dtype rules (no device round trip, so it
    also works inside a trace for Python values)."""
    if _is_tensor(value):
        return _host(_t(value), fn, what)
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value) if dtype is None else np.asarray(value).astype(dtype._np)
    if dtype is not None:
        if dtype._np is None:
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
        return _cast_python(_python_raw(value, fn)[0], dtype, value, fn)
    return _python_array(value, fn)


def _ints(value: Any, fn: str, what: str, op: str) -> np.ndarray:
    """An integer argument (shape, axis, perm, ...) as a host int64 array (TF: int32/int64 only)."""
    if isinstance(value, (list, tuple)) and any(_is_tensor(v) for v in value):
        value = [_host(_t(v), fn, what) if _is_tensor(v) else v for v in value]
    if _is_tensor(value):
        arr = _host(_t(value), fn, what)
        if arr.dtype.kind in "iu" and arr.dtype not in (np.int32, np.int64):  # TF's kernels: int32/int64 only
            raise _invalid(op, f"Value for attr '{what}' of {arr.dtype.name} is not in the list of allowed values: "
                               f"int32, int64 (tfshim: {fn} got a {arr.dtype.name} tensor; cast it with tf.cast)")
    elif isinstance(value, TensorShape):
        arr = np.asarray(value.as_list(), np.int64)
    else:
        arr = np.asarray(value)
        if arr.dtype == object:
            raise TypeError(f"{fn}: `{what}` must be integers, got {value!r}.")
        if arr.size == 0 and arr.dtype.kind == "f":
            arr = arr.astype(np.int32)
    if arr.dtype.kind not in "iu":
        raise _invalid(op, f"Value for attr '{what}' of {arr.dtype.name} is not in the list of allowed values: "
                           f"int32, int64 (tfshim: {fn} needs integer `{what}`)")
    return arr.astype(np.int64)


def _axis(value: Any, fn: str, op: str) -> int:
    a = _ints(value, fn, "axis", op)
    if a.size != 1:
        raise _invalid(op, f"axis must be a scalar, got shape {list(a.shape)} (tfshim: {fn})")
    return int(a.reshape(()))


def _shape_str(shape: Any) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _list_of_tensors(values: Any, fn: str, op: str) -> list:
    """Convert a list argument as TF does: the first tensor's dtype (else the first value's) for all."""
    ref = next((v for v in values if _is_tensor(v)), None)
    dt = _t(ref).dtype if ref is not None else (_t(values[0]).dtype if values else None)
    out = []
    for i, v in enumerate(values):
        if _is_tensor(v):
            t = _t(v)
            if t.array.dtype != dt._np:
                raise dtype_error(fn, op, i, dt._np, t.array.dtype)
        else:
            t = convert_to_tensor(v, dtype=dt)
        out.append(t)
    return out


def _create(impl: Any, fn: str, **attrs: Any) -> Tensor:
    """Run an input-free creation op (placed on the innermost tf.device, as TF does)."""
    try:
        f = primitive(impl, **attrs)
    except (errors.InvalidArgumentError, errors.ResourceExhaustedError) as e:
        raise type(e)(None, None, f"{fn}: {e.message}") from None
    out = f()
    dev = state.device_stack[-1] if state.device_stack else None
    if dev is not None and not isinstance(out, _Tracer):
        out = jax.device_put(out, dev)
    return wrap(out)


def _check_dims(dims: tuple, op: str, itemsize: int = 1) -> None:
    for d in dims:
        if d < 0:
            raise _invalid(op, f"Dimension {d} must be >= 0")
    check_size(dims, op, itemsize)


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 1 << 62


def check_size(dims: tuple, op: str, itemsize: int = 1) -> None:
    """TF's checks before allocating a created tensor (XLA would abort the process on an int64 overflow):
    more than 2**63 - 1 elements is InvalidArgumentError, more bytes than the machine has is
    ResourceExhaustedError."""
    n = 1
    for d in dims:
        n *= int(d)
    if n > 2**63 - 1:
        raise _invalid(op, f"Shape {_shape_str(dims)} would have more than 2**63 - 1 elements")
    if n * itemsize > _physical_memory():
        raise errors.ResourceExhaustedError(
            None, None, f"OOM when allocating tensor with shape{_shape_str(dims)}: {n * itemsize} bytes is more "
            f"than this machine's memory [Op:{op}]")


def _static_dtype(dtype: Any, fn: str) -> _dt.DType:
    dt = _dt.as_dtype(dtype)
    if dt._np is None:
        raise errors.UnimplementedError(None, None, f"{fn}: tfshim does not support {dt.name} tensors.")
    return dt


# -- shapes -------------------------------------------------------------------------------------
def _reshape(x, shape):
    return jnp.reshape(x, shape)


def reshape(tensor: Any, shape: Any, name: Any = None) -> Tensor:
    """tf.reshape: same values in a new shape; one dimension may be -1 (inferred)."""
    x = _t(tensor)
    s = _ints(shape, "tf.reshape", "Tshape", "Reshape")
    if s.ndim > 1:
        raise _invalid("Reshape", f"sizes input must be 1-D, not {_shape_str(s.shape)}")
    dims = [int(d) for d in s.reshape(-1)]
    n = int(math.prod(x.array.shape))
    unknown = [i for i, d in enumerate(dims) if d == -1]
    for i, d in enumerate(dims):
        if d < -1:
            raise _invalid("Reshape", f"Size {i} must be non-negative, not {d}")
    if len(unknown) > 1:
        raise _invalid("Reshape", f"Only one input size may be -1, not both {unknown[0]} and {unknown[1]}")
    known = int(math.prod([d for d in dims if d != -1]))
    if unknown:
        # TF ignores zero sizes on both sides when inferring -1, so [0, 3] -> [-1, 0] gives [3, 0].
        zero_in_sizes = any(d == 0 for d in dims)
        prod = int(math.prod([d for d in dims if d > 0]))
        in_dims = [d for d in x.array.shape if d > 0 or not zero_in_sizes]
        n_in = int(math.prod(in_dims))
        input_has_zero = len(in_dims) != len(x.array.shape)
        if not input_has_zero and n_in % prod:
            raise errors.static(_invalid("Reshape", f"Input to reshape is a tensor with {n} values, but the "
                                                    f"requested shape requires a multiple of {prod}"), ValueError)
        dims[unknown[0]] = n_in // prod
        known = int(math.prod(dims))
    if known != n:
        raise errors.static(_invalid("Reshape", f"Input to reshape is a tensor with {n} values, but the requested "
                                                f"shape has {known}"), ValueError)
    dims_t = tuple(dims)
    if dims_t == x.array.shape:
        return run(_identity, (x,), "tf.reshape")
    return run(_reshape, (x,), "tf.reshape", shape=dims_t)


def _identity(x):
    return x


def _transpose(x, perm, conj):
    y = jnp.transpose(x, perm)
    return jnp.conj(y) if conj else y


def transpose(a: Any, perm: Any = None, conjugate: bool = False, name: Any = "transpose") -> Tensor:
    """tf.transpose: permute dimensions (default: reverse them); ``conjugate`` also conjugates complex."""
    x = _t(a)
    r = x.array.ndim
    if perm is None:
        p = tuple(range(r - 1, -1, -1))
    else:
        arr = _ints(perm, "tf.transpose", "Tperm", "Transpose").reshape(-1)
        if arr.size != r:
            raise _invalid("Transpose", f"transpose expects a vector of size {r}. But input(1) is a vector of size "
                                        f"{arr.size}")
        p = tuple(int(v) + r if v < 0 else int(v) for v in arr)
        for i in range(r):
            if i not in p:
                raise _invalid("Transpose", f"{i} is missing from {{{','.join(str(int(v)) for v in arr)}}}.")
    conj = bool(conjugate) and x.array.dtype.kind == "c"
    return run(_transpose, (x,), "tf.transpose", perm=p, conj=conj)


def expand_dims(input: Any, axis: Any, name: Any = None) -> Tensor:  # noqa: A002 - TF's argument name
    """tf.expand_dims: insert a dimension of size 1 at ``axis`` (in [-rank-1, rank])."""
    x = _t(input)
    a = _ints(axis, "tf.expand_dims", "Tdim", "ExpandDims")
    if a.size != 1:
        raise _invalid("ExpandDims", "'dim' must be a tensor with a single value")
    ax = int(a.reshape(()))
    r = x.array.ndim
    if not -r - 1 <= ax <= r:
        raise _invalid("ExpandDims", f"Tried to expand dim index {ax} for tensor with {r} dimensions.")
    shape = list(x.array.shape)
    shape.insert(ax + r + 1 if ax < 0 else ax, 1)
    return run(_reshape, (x,), "tf.expand_dims", shape=tuple(shape))


def squeeze(input: Any, axis: Any = None, name: Any = None) -> Tensor:  # noqa: A002
    """tf.squeeze: remove size-1 dimensions (all of them, or those listed in ``axis``)."""
    x = _t(input)
    shape = x.array.shape
    r = len(shape)
    axes = [] if axis is None else [int(v) for v in _ints(axis, "tf.squeeze", "squeeze_dims", "Squeeze").reshape(-1)]
    if not axes:
        keep = [d for d in shape if d != 1]
    else:
        drop = set()
        for a in axes:
            if not -r <= a < r:
                raise _invalid("Squeeze", f"Tried to squeeze dim index {a} for tensor with {r} dimensions.")
            a = a + r if a < 0 else a
            if shape[a] != 1:
                raise _invalid("Squeeze", f"Can not squeeze dim[{a}], expected a dimension of 1, got {shape[a]}")
            drop.add(a)
        keep = [d for i, d in enumerate(shape) if i not in drop]
    return run(_reshape, (x,), "tf.squeeze", shape=tuple(keep))


def _shape_const(dims: Any, dtype: Any) -> Tensor:
    return _make(np.asarray(dims, dtype=dtype))


def _out_type(out_type: Any, op: str) -> Any:
    dt = _dt.int32 if out_type is None else _dt.as_dtype(out_type)
    if dt not in (_dt.int32, _dt.int64):
        raise _invalid(op, f"Value for attr 'out_type' of {dt.name} is not in the list of allowed values: "
                           "int32, int64")
    return dt._np


def shape(input: Any, out_type: Any = None, name: Any = None) -> Tensor:  # noqa: A002
    """tf.shape: the (static) shape of ``input`` as an int32 (or ``out_type``) vector."""
    x = _t(input)
    return _shape_const(x.array.shape, _out_type(out_type, "Shape"))


def size(input: Any, out_type: Any = None, name: Any = None) -> Tensor:  # noqa: A002
    """tf.size: the number of elements of ``input`` as an int32 (or ``out_type``) scalar."""
    x = _t(input)
    return _shape_const(int(math.prod(x.array.shape)), _out_type(out_type, "Size"))


def rank(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.rank: the number of dimensions of ``input`` as an int32 scalar."""
    return _shape_const(_t(input).array.ndim, np.int32)


def _broadcast_to(x, shape):
    return jnp.broadcast_to(x, shape)


def broadcast_to(input: Any, shape: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.broadcast_to: broadcast ``input`` to ``shape`` with NumPy rules (only size-1 dims grow)."""
    x = _t(input)
    target = tuple(int(d) for d in _ints(shape, "tf.broadcast_to", "Tidx", "BroadcastTo").reshape(-1))
    src = x.array.shape
    ok = len(target) >= len(src) and all(s in (1, t) for s, t in zip(src[::-1], target[::-1]))
    if not ok:
        raise _invalid("BroadcastTo", f"Incompatible shapes: {_shape_str(src)} vs. {_shape_str(target)}")
    return run(_broadcast_to, (x,), "tf.broadcast_to", shape=target)


# -- joining and splitting ---------------------------------------------------------------------
def _concat(*xs, axis):
    return jnp.concatenate(xs, axis=axis)


def concat(values: Any, axis: Any, name: Any = "concat") -> Tensor:
    """tf.concat: join tensors along an existing ``axis`` (all other dimensions must match)."""
    if not isinstance(values, (list, tuple)):
        return run(_identity, (_t(values),), "tf.concat")
    if len(values) == 1:
        return run(_identity, (_t(values[0]),), "tf.concat")
    if not values:
        raise _invalid("ConcatV2", "tf.concat needs at least one tensor in `values` (got an empty list)")
    ts = _list_of_tensors(values, "tf.concat", "ConcatV2")
    ax = _axis(axis, "tf.concat", "ConcatV2")
    s0 = ts[0].array.shape
    r = len(s0)
    for i, t in enumerate(ts[1:], 1):
        s = t.array.shape
        if len(s) != r:
            raise _invalid("ConcatV2", f"ConcatOp : Ranks of all input tensors should match: shape[0] = "
                                       f"{_shape_str(s0)} vs. shape[{i}] = {_shape_str(s)}")
    if not -r <= ax < r:
        raise _invalid("ConcatV2", f"ConcatOp : Expected concatenating dimensions in the range [{-r}, {r}), "
                                   f"but got {ax}")
    ax = ax + r if ax < 0 else ax
    for i, t in enumerate(ts[1:], 1):
        s = t.array.shape
        for d in range(r):
            if d != ax and s[d] != s0[d]:
                raise _invalid("ConcatV2", f"ConcatOp : Dimension {d} in both shapes must be equal: shape[0] = "
                                           f"{_shape_str(s0)} vs. shape[{i}] = {_shape_str(s)}")
    return run(_concat, tuple(ts), "tf.concat", axis=ax)


def _stack(*xs, axis):
    return jnp.stack(xs, axis=axis)


def stack(values: Any, axis: int = 0, name: Any = "stack") -> Tensor:
    """tf.stack: join same-shape tensors along a new ``axis``."""
    if not isinstance(values, (list, tuple)):
        values = list(_t(values))
    if axis == 0 and not any(_is_tensor(v) for v in values):
        return convert_to_tensor(values)  # TF converts a list of Python values as one constant
    ts = _list_of_tensors(values, "tf.stack", "Pack")
    r = ts[0].array.ndim + 1
    ax = int(axis)
    if not -r <= ax < r:
        raise ValueError(f"Argument `axis` = {ax} not in range [{-r}, {r})")
    s0 = ts[0].array.shape
    for i, t in enumerate(ts[1:], 1):
        if t.array.shape != s0:
            raise _invalid("Pack", f"Shapes of all inputs must match: values[0].shape = {_shape_str(s0)} != "
                                   f"values[{i}].shape = {_shape_str(t.array.shape)}")
    return run(_stack, tuple(ts), "tf.stack", axis=ax + r if ax < 0 else ax)


def _unstack(x, axis):
    return tuple(jax.lax.index_in_dim(x, i, axis, keepdims=False) for i in range(x.shape[axis]))


def unstack(value: Any, num: Any = None, axis: int = 0, name: Any = "unstack") -> list:
    """tf.unstack: a list of the slices of ``value`` along ``axis``."""
    x = _t(value)
    r = x.array.ndim
    ax = int(axis)
    if not -r <= ax < r:
        if num is not None:  # TF checks this in its Unpack kernel when `num` is given
            raise _invalid("Unpack", f"axis = {ax} not in [{-r}, {r})")
        raise ValueError(f"Argument `axis` = {ax} not in range [{-r}, {r})")
    ax = ax + r if ax < 0 else ax
    if num is not None and int(num) != x.array.shape[ax]:
        raise _invalid("Unpack", f"Input shape axis {ax} must equal {int(num)}, got shape "
                                 f"{_shape_str(x.array.shape)}")
    if x.array.shape[ax] == 0:
        return []
    return list(run(_unstack, (x,), "tf.unstack", axis=ax))


def _split(x, sizes, axis):
    out, start = [], 0
    for s in sizes:
        out.append(jax.lax.slice_in_dim(x, start, start + s, axis=axis))
        start += s
    return tuple(out)


def split(value: Any, num_or_size_splits: Any, axis: Any = 0, num: Any = None, name: Any = "split") -> list:
    """tf.split: a list of pieces of ``value`` along ``axis`` (an equal count, or the listed sizes)."""
    x = _t(value)
    r = x.array.ndim
    if isinstance(num_or_size_splits, numbers.Integral) and not isinstance(num_or_size_splits, bool):
        count, sizes = int(num_or_size_splits), None
    else:
        if _is_tensor(num_or_size_splits) and _t(num_or_size_splits).array.ndim == 0:
            raise ValueError("Rank-0 tensors are not supported as the num_or_size_splits argument to split. "
                             f"Argument provided: {num_or_size_splits}")
        sizes = [int(s) for s in _ints(num_or_size_splits, "tf.split", "Tlen", "SplitV").reshape(-1)]
        count = None
    ax = _axis(axis, "tf.split", "Split")
    op = "Split" if sizes is None else "SplitV"
    if not -r <= ax < r:
        raise _invalid(op, f"-input rank(-{r}) <= split_dim < input rank ({r}), but got {ax}")
    ax = ax + r if ax < 0 else ax
    dim = x.array.shape[ax]
    if sizes is None:
        if count <= 0 or dim % count:
            raise _invalid("Split", f"Number of ways to split should evenly divide the split dimension, but got "
                                    f"split_dim {ax} (size = {dim}) and num_split {count}")
        sizes = [dim // count] * count
    else:
        neg = [i for i, s in enumerate(sizes) if s == -1]
        if len(neg) > 1:
            raise _invalid("SplitV", "There can only be one -1 in the input.")
        known = sum(s for s in sizes if s != -1)
        if neg and known <= dim:
            sizes[neg[0]] = dim - known
        if sum(sizes) != dim or any(s < 0 for s in sizes):
            raise _invalid("SplitV", f"Determined shape must either match input shape along split_dim exactly if "
                                     f"fully specified, or be less than the size of the input along split_dim if not "
                                     f"fully specified.  Got: {known}")
    return list(run(_split, (x,), "tf.split", sizes=tuple(sizes), axis=ax))


def _tile(x, reps):
    return jnp.tile(x, reps)


def tile(input: Any, multiples: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.tile: repeat ``input`` ``multiples[i]`` times along each dimension i."""
    x = _t(input)
    m = _ints(multiples, "tf.tile", "Tmultiples", "Tile").reshape(-1)
    r = x.array.ndim
    if m.size != r:
        raise _invalid("Tile", f"Expected multiples argument to be a vector of length {r} but got length {m.size}")
    for i, v in enumerate(m):
        if v < 0:
            raise _invalid("Tile", f"Expected multiples[{i}] >= 0, but got {int(v)}")
    return run(_tile, (x,), "tf.tile", reps=tuple(int(v) for v in m))


def _pad(x, c, pads, mode):
    if mode == "constant":
        return jnp.pad(x, pads, mode="constant", constant_values=c)
    return jnp.pad(x, pads, mode=mode)


def pad(tensor: Any, paddings: Any, mode: str = "CONSTANT", constant_values: Any = 0, name: Any = None) -> Tensor:
    """tf.pad: pad with a constant, or mirror the edges (REFLECT excludes the edge, SYMMETRIC repeats it)."""
    x = _t(tensor)
    m = str(mode).upper()
    if m not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError('Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", or "SYMMETRIC". '
                         f"Received `mode` = {m}")
    op = "Pad" if m == "CONSTANT" else "MirrorPad"
    p = _ints(paddings, "tf.pad", "Tpaddings", op)
    shape = x.array.shape
    r = len(shape)
    if p.ndim != 2 or p.shape[1] != 2 or p.shape[0] != r:
        raise _invalid(op, f"The first dimension of paddings must be the rank of inputs{_shape_str(p.shape)} "
                           f"{_shape_str(shape)}")
    for i in range(r):
        lo, hi = int(p[i, 0]), int(p[i, 1])
        if lo < 0 or hi < 0:
            raise _invalid(op, f"Paddings must be non-negative: {lo} {hi}")
        if m == "REFLECT" and (lo >= shape[i] or hi >= shape[i]) and (lo or hi):
            raise _invalid(op, f"paddings must be less than the dimension size: {lo}, {hi} not less than {shape[i]}")
        if m == "SYMMETRIC" and (lo > shape[i] or hi > shape[i]):
            raise _invalid(op, f"paddings must be no greater than the dimension size: {lo}, {hi} greater than "
                               f"{shape[i]}")
    pads = tuple((int(a), int(b)) for a, b in p)
    if m == "CONSTANT":
        if x.dtype == _dt.string and not _is_tensor(constant_values) and constant_values == 0:
            constant_values = ""  # TF pads strings with "" by default
        c = constant_values if _is_tensor(constant_values) else convert_to_tensor(constant_values, dtype=x.dtype)
        c = _t(c)
        if c.array.dtype != x.array.dtype:
            raise dtype_error("tf.pad", "PadV2", 2, x.array.dtype, c.array.dtype)
        return run(_pad, (x, c), "tf.pad", pads=pads, mode="constant")
    return run(_pad_mirror, (x,), "tf.pad", pads=pads, mode=m.lower())


def _pad_mirror(x, pads, mode):
    return jnp.pad(x, pads, mode=mode)


def _roll(x, shift, axis):
    return jnp.roll(x, shift, axis)


def roll(input: Any, shift: Any, axis: Any, name: Any = None) -> Tensor:  # noqa: A002
    """tf.roll: rotate elements along ``axis`` by ``shift`` (both may be lists)."""
    x = _t(input)
    s = _ints(shift, "tf.roll", "Tshift", "Roll").reshape(-1)
    a = _ints(axis, "tf.roll", "Taxis", "Roll").reshape(-1)
    if s.size != a.size:
        raise _invalid("Roll", f"shift and axis must have the same size, got {s.size} and {a.size}")
    r = x.array.ndim
    for v in a:
        if not -r <= v < r:
            raise _invalid("Roll", f"axis {int(v)} is out of range")
    return run(_roll, (x,), "tf.roll", shift=tuple(int(v) for v in s), axis=tuple(int(v) for v in a))


def _repeat(x, repeats, axis):
    if axis is None:
        x, axis = x.reshape(-1), 0
    return jnp.repeat(x, np.asarray(repeats) if isinstance(repeats, tuple) else repeats, axis=axis,
                      total_repeat_length=int(np.sum(np.broadcast_to(repeats, (x.shape[axis],)))))


def repeat(input: Any, repeats: Any, axis: Any = None, name: Any = None) -> Tensor:  # noqa: A002
    """tf.repeat: repeat each element ``repeats`` times along ``axis`` (the flattened tensor when None)."""
    x = _t(input)
    rep = _ints(repeats, "tf.repeat", "repeats", "Repeat")
    ax = None if axis is None else _axis(axis, "tf.repeat", "Repeat")
    if ax is not None:
        r = x.array.ndim
        if not -r <= ax < r:
            raise _invalid("Repeat", f"axis {ax} is out of range for a tensor of rank {r}")
        ax = ax + r if ax < 0 else ax
    n = x.array.size if ax is None else x.array.shape[ax]
    if rep.ndim == 1 and rep.size not in (1, n):
        raise ValueError(f"Dimensions {n} and {rep.size} are not compatible")
    reps = int(rep.reshape(-1)[0]) if rep.size == 1 else tuple(int(v) for v in rep)
    return run(_repeat, (x,), "tf.repeat", repeats=reps, axis=ax)


def _reverse(x, axes):
    return jnp.flip(x, axes)


def reverse(tensor: Any, axis: Any, name: Any = None) -> Tensor:
    """tf.reverse: reverse the order of elements along the listed axes."""
    x = _t(tensor)
    a = _ints(axis, "tf.reverse", "Tidx", "ReverseV2")
    if a.ndim != 1:
        raise _invalid("ReverseV2", f"'dims' must be 1-dimension, not {a.ndim}")
    r = x.array.ndim
    seen = set()
    for i, v in enumerate(a):
        v = int(v)
        if not -r <= v < r:
            raise _invalid("ReverseV2", f"'axis'[{i}] = {v} is out of valid range [0, {r - 1}")
        v = v + r if v < 0 else v
        if v in seen:
            raise _invalid("ReverseV2", f"axis {v} specified more than once.")
        seen.add(v)
    return run(_reverse, (x,), "tf.reverse", axes=tuple(sorted(seen)))


def _identity_n(*xs):
    return tuple(xs)


def identity_n(input: Any, name: Any = None) -> list:  # noqa: A002
    """tf.identity_n: a list of identities of the tensors in ``input``."""
    ts = [_t(v) for v in input]
    return list(run(_identity_n, tuple(ts), "tf.identity_n"))


def _meshgrid(*xs, indexing):
    return tuple(jnp.meshgrid(*xs, indexing=indexing))


def meshgrid(*args: Any, **kwargs: Any) -> list:
    """tf.meshgrid(*args, indexing='xy', name=None): coordinate grids of 1-D inputs."""
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"tf.meshgrid got unexpected keyword arguments {sorted(kwargs)}")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Argument `indexing` parameter must be either 'xy' or 'ij', got '{indexing}'")
    if not args:
        return []
    ts = _list_of_tensors(list(args), "tf.meshgrid", "Meshgrid")
    ts = [run(_reshape, (t,), "tf.meshgrid", shape=(-1,)) if t.array.ndim != 1 else t for t in ts]
    return list(run(_meshgrid, tuple(ts), "tf.meshgrid", indexing=indexing))


# -- gather / scatter / masks -----------------------------------------------------------------
def _check_indices(i: Tensor, fn: str, op: str, attr: str = "Tindices") -> None:
    if i.array.dtype not in _INDEX_DTYPES:
        raise _invalid(op, f"Value for attr '{attr}' of {i.dtype.name} is not in the list of allowed values: "
                           f"int16, int32, int64 (tfshim: {fn} needs integer indices)")


def _batched(f, n):
    for _ in range(n):
        f = jax.vmap(f)
    return f


def _gather(p, i, axis, batch_dims):
    def g(p, i):
        return jnp.take(p, i, axis=axis - batch_dims, mode="fill", fill_value=0)

    return _batched(g, batch_dims)(p, i)


def gather(params: Any, indices: Any, validate_indices: Any = None, axis: Any = None, batch_dims: Any = 0,
           name: Any = None) -> Tensor:
    """tf.gather: slices of ``params`` along ``axis`` at ``indices``.

    Out-of-range indices raise InvalidArgumentError in eager mode (TF on CPU); inside a traced
    function they give zeros (TF on GPU). TF returns the gradient as IndexedSlices; tfshim gives
    the equivalent dense tensor.
    """
    p, i = _t(params), _t(indices)
    _check_indices(i, "tf.gather", "GatherV2")
    bd = int(batch_dims)
    if bd < 0:
        bd += i.array.ndim
    ax = bd if axis is None else _axis(axis, "tf.gather", "GatherV2")
    pr = p.array.ndim
    if ax < 0:
        ax += pr
    if not 0 <= ax < pr:
        raise _invalid("GatherV2", f"Shape must be at least rank {ax + 1} but is rank {pr}")
    if bd > ax or bd > i.array.ndim:
        raise _invalid("GatherV2", f"batch_dims ({bd}) must be less than or equal to axis ({ax}) and to the rank "
                                   f"of indices ({i.array.ndim}).")
    for d in range(bd):
        if p.array.shape[d] != i.array.shape[d]:
            raise _invalid("GatherV2", f"params.shape[{d}]: {p.array.shape[d]} should be equal to "
                                       f"indices.shape[{d}]: {i.array.shape[d]}")
    if not isinstance(i.array, _Tracer):
        iv = np.asarray(i.array)
        lim = p.array.shape[ax]
        bad = np.flatnonzero((iv < 0) | (iv >= lim))
        if bad.size:
            k = int(bad[0])
            raise _invalid("GatherV2", f"indices[{_flat_pos(iv.shape, k)}] = {iv.reshape(-1)[k]} is not in "
                                       f"[0, {lim})")
    elif checks.active():  # traced: a runtime check in the compiled program (TF's CPU kernel checks)
        lim = p.array.shape[ax]
        ok = (i.array >= 0) & (i.array < lim)
        k, v = checks.first_bad(ok, i.array)
        checks.require(ok, errors.InvalidArgumentError,
                       f"tf.gather: indices[{{k}}] (flat) = {{v}} is not in [0, {lim}) [Op:GatherV2]", k=k, v=v)
    return run(_gather, (p, i), "tf.gather", axis=ax, batch_dims=bd)


def _flat_pos(shape: tuple, k: int) -> str:
    return ",".join(str(int(v)) for v in np.unravel_index(k, shape)) if shape else ""


def _gather_nd(p, i, batch_dims):
    def g(p, i):
        k = i.shape[-1]
        if k == 0:
            return jnp.broadcast_to(p, i.shape[:-1] + p.shape)
        idx = tuple(i[..., j] for j in range(k))
        return p.at[idx].get(mode="fill", fill_value=0)

    return _batched(g, batch_dims)(p, i)


def _nd_oob(iv: np.ndarray, shape: tuple) -> int:
    """Position of the first index row of ``iv`` that does not index into ``shape`` (-1 if none)."""
    k = iv.shape[-1]
    rows = iv.reshape(-1, k)
    bad = np.flatnonzero(((rows < 0) | (rows >= np.asarray(shape[:k], dtype=np.int64))).any(axis=1)) if k else []
    return int(bad[0]) if len(bad) else -1


def gather_nd(params: Any, indices: Any, batch_dims: Any = 0, name: Any = None, bad_indices_policy: str = "") -> Tensor:
    """tf.gather_nd: gather slices of ``params`` addressed by the last axis of ``indices``."""
    p, i = _t(params), _t(indices)
    _check_indices(i, "tf.gather_nd", "GatherNd")
    bd = int(batch_dims)
    if i.array.ndim < 1:
        raise _invalid("GatherNd", "indices must be at least a vector")
    k = i.array.shape[-1]
    if k > p.array.ndim - bd:
        raise _invalid("GatherNd", f"index innermost dimension length must be <= params rank; saw: {k} vs. "
                                   f"{p.array.ndim - bd}")
    if not isinstance(i.array, _Tracer) and bad_indices_policy != "IGNORE":
        iv = np.asarray(i.array)
        bshape = p.array.shape[bd:]
        pos = _nd_oob(iv.reshape((-1,) + iv.shape[bd:]) if bd else iv, bshape)
        if pos >= 0:
            row = iv.reshape(-1, k)[pos]
            raise _invalid("GatherNd", f"indices[{pos}] = [{', '.join(str(int(v)) for v in row)}] does not index "
                                       f"into param shape {_shape_str(p.array.shape)}, node name: GatherNd")
    elif checks.active() and bad_indices_policy != "IGNORE" and k:
        lims = jnp.asarray(p.array.shape[bd:bd + k], i.array.dtype)
        ok = jnp.all((i.array >= 0) & (i.array < lims), axis=-1)
        pos, _ = checks.first_bad(ok, ok)
        checks.require(ok, errors.InvalidArgumentError,
                       f"tf.gather_nd: indices[{{pos}}] does not index into param shape "
                       f"{_shape_str(p.array.shape)}, node name: GatherNd", pos=pos)
    return run(_gather_nd, (p, i), "tf.gather_nd", batch_dims=bd)


def _scatter_nd(i, u, shape):
    k = i.shape[-1]
    idx = tuple(i[..., j] for j in range(k))
    return jnp.zeros(shape, u.dtype).at[idx].add(u, mode="drop")


def scatter_nd(indices: Any, updates: Any, shape: Any, bad_indices_policy: str = "", name: Any = None) -> Tensor:
    """tf.scatter_nd: a zero tensor of ``shape`` with ``updates`` added at ``indices`` (duplicates sum)."""
    i, u = _t(indices), _t(updates)
    _check_indices(i, "tf.scatter_nd", "ScatterNd")
    if _is_tensor(shape) and _t(shape).array.dtype != i.array.dtype:  # Tindices is shared by indices and shape
        sd, idt = _t(shape).array.dtype, i.array.dtype
        raise _invalid("ScatterNd", f"cannot compute ScatterNd as input #2(zero-based) was expected to be a {idt} "
                                    f"tensor but is a {sd} tensor")
    s = tuple(int(d) for d in _ints(shape, "tf.scatter_nd", "Tindices", "ScatterNd").reshape(-1))
    k = i.array.shape[-1] if i.array.ndim else 0
    if i.array.ndim < 1 or k > len(s):
        raise _invalid("ScatterNd", f"Output must have at least {k} dimensions (the innermost size of indices), "
                                    f"got shape {_shape_str(s)}")
    lead = i.array.ndim - 1
    want = i.array.shape[:-1] + s[k:]
    if u.array.shape[:lead] != i.array.shape[:lead]:
        raise _invalid("ScatterNd", f"Dimensions [0,{lead}) of indices[shape={_shape_str(i.array.shape)}] must "
                                    f"match dimensions [0,{lead}) of updates[shape={_shape_str(u.array.shape)}]")
    if u.array.shape != want:
        raise _invalid("ScatterNd", f"Dimensions [{k},{len(s)}) of input[shape={_shape_str(s)}] = "
                                    f"{_shape_str(s[k:])} must match dimensions [{lead},{u.array.ndim}) of "
                                    f"updates[shape={_shape_str(u.array.shape)}]")
    if not isinstance(i.array, _Tracer) and bad_indices_policy != "IGNORE" and k:
        iv = np.asarray(i.array)
        pos = _nd_oob(iv, s)
        if pos >= 0:
            row = iv.reshape(-1, k)[pos]
            raise _invalid("ScatterNd", f"indices[{pos}] = [{', '.join(str(int(v)) for v in row)}] does not index "
                                        f"into shape {_shape_str(s)}")
    return run(_scatter_nd, (i, u), "tf.scatter_nd", shape=s)


def _masked(x, idx, axis, nmask):
    shp = x.shape
    x = x.reshape(shp[:axis] + (-1,) + shp[axis + nmask:])
    return jnp.take(x, idx, axis=axis)


def boolean_mask(tensor: Any, mask: Any, axis: Any = None, name: Any = "boolean_mask") -> Tensor:
    """tf.boolean_mask: the entries of ``tensor`` where ``mask`` is True (mask dims start at ``axis``).

    The mask is read on the host (the output size depends on it), then one differentiable gather runs.
    """
    x, m = _t(tensor), _t(mask)
    nm = m.array.ndim
    if nm == 0:
        raise ValueError("mask cannot be scalar.")
    ax = 0 if axis is None else _axis(axis, "tf.boolean_mask", "BooleanMask")
    r = x.array.ndim
    if ax < 0:
        ax += r
    part = x.array.shape[ax:ax + nm]
    if part != m.array.shape:
        raise ValueError(f"Shapes {TensorShape(part)} and {m.shape} are incompatible")
    mv = _np_of(mask, "tf.boolean_mask", "mask")
    idx = _make(np.flatnonzero(mv.reshape(-1)).astype(np.int64))
    return run(_masked, (x, idx), "tf.boolean_mask", axis=ax, nmask=nm)


def _where3(c, x, y):
    return jnp.where(c, x, y)


def where(condition: Any, x: Any = None, y: Any = None, name: Any = None) -> Tensor:
    """tf.where: with x and y, pick elementwise (all three broadcast); alone, the int64 coordinates
    of the true (nonzero) entries of ``condition`` as an [n, rank] matrix (read on the host)."""
    if (x is None) != (y is None):
        raise ValueError("x and y must both be non-None or both be None.")
    if x is None:
        cv = _np_of(condition, "tf.where", "condition")
        return _make(np.argwhere(cv).astype(np.int64).reshape(-1, cv.ndim))
    c = convert_to_tensor(condition, dtype=_dt.bool) if not _is_tensor(condition) else _t(condition)
    if c.array.dtype != np.bool_:
        raise dtype_error("tf.where", "SelectV2", 0, np.dtype(np.bool_), c.array.dtype)
    if _is_tensor(x):
        xt = _t(x)
        yt = _t(y) if _is_tensor(y) else convert_to_tensor(y, dtype=xt.dtype)
    elif _is_tensor(y):
        yt = _t(y)
        xt = convert_to_tensor(x, dtype=yt.dtype)
    else:
        xt = convert_to_tensor(x)
        yt = convert_to_tensor(y, dtype=xt.dtype)
    if xt.array.dtype != yt.array.dtype:
        raise dtype_error("tf.where", "SelectV2", 2, xt.array.dtype, yt.array.dtype)
    try:
        np.broadcast_shapes(c.array.shape, xt.array.shape, yt.array.shape)
    except ValueError:
        raise _invalid("SelectV2", f"condition {_shape_str(c.array.shape)}, then {_shape_str(xt.array.shape)}, "
                                   f"and else {_shape_str(yt.array.shape)} must be broadcastable") from None
    return run(_where3, (c, xt, yt), "tf.where")


@not_differentiable  # TF's OneHot has no gradient: on_value/off_value get None
def _one_hot(i, on, off, depth, axis):
    hot = jnp.expand_dims(i, axis) == jnp.arange(depth, dtype=i.dtype).reshape(
        (depth,) + (1,) * (i.ndim - (axis if axis >= 0 else i.ndim)))
    return jnp.where(hot, on, off)


def one_hot(indices: Any, depth: Any, on_value: Any = None, off_value: Any = None, axis: Any = None,
            dtype: Any = None, name: Any = None) -> Tensor:
    """tf.one_hot: ``on_value`` where the index matches, ``off_value`` elsewhere (a new axis of size depth).

    Non-tensor indices convert as TF's op does (int64 preferred): a NumPy float array is cast to int64
    (truncating), a Python float list stays float32 and is refused, a Python float scalar is a TypeError.
    """
    if _is_tensor(indices):
        i = _t(indices)
    elif isinstance(indices, float):
        raise TypeError(f"Cannot convert {indices!r} to EagerTensor of dtype int64")
    else:
        i = convert_to_tensor(indices, dtype_hint=_dt.int64)
    if i.array.dtype not in (np.dtype(np.uint8), np.dtype(np.int8), np.dtype(np.int32), np.dtype(np.int64)):
        raise _invalid("OneHot", f"Value for attr 'TI' of {i.dtype.name} is not in the list of allowed values: "
                                 "uint8, int8, int32, int64")
    on = None if on_value is None else _t(on_value)
    off = None if off_value is None else _t(off_value)
    want = None if dtype is None else _static_dtype(dtype, "tf.one_hot")
    if on is not None and off is not None and on.dtype != off.dtype:
        raise TypeError(f"dtype {on.dtype!r} of on_value does not match dtype {off.dtype!r} of off_value")
    for v, what in ((on, "on_value"), (off, "off_value")):
        if v is not None and want is not None and v.dtype != want:
            raise TypeError(f"dtype {v.dtype!r} of {what} does not match dtype parameter {want!r}")
    dt = want or (on.dtype if on is not None else off.dtype if off is not None else _dt.float32)
    on = on if on is not None else convert_to_tensor(1, dtype=dt)
    off = off if off is not None else convert_to_tensor(0, dtype=dt)
    d = _axis(depth, "tf.one_hot", "OneHot")
    if d < 0:
        raise _invalid("OneHot", f"depth must be non-negative, got: {d}")
    r = i.array.ndim
    ax = -1 if axis is None else int(axis)
    if not (ax == -1 or 0 <= ax <= r):
        raise _invalid("OneHot", f"Expected axis to be -1 or between [0, {r + 1}).  But received: {ax}")
    return run(_one_hot, (i, on, off), "tf.one_hot", depth=d, axis=ax)


# -- creation ---------------------------------------------------------------------------------
# TF's tf.range dtype hierarchy (the widest of start/limit/delta)
_RANGE_ORDER = [np.dtype(t) for t in ("int32", "int64", "float16")] + [np.dtype(_dt.bfloat16._np)] + [
    np.dtype(t) for t in ("float32", "float64")]


def range_(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None, name: Any = "range") -> Tensor:
    """tf.range: ``start, start+delta, ...`` below ``limit``; Python ints give int32, any float float32."""
    if limit is None:
        start, limit = 0, start
    want = None if dtype is None else _dt.as_dtype(dtype)
    vals = [_np_of(v, "tf.range", "start/limit/delta", None if _is_tensor(v) else want) for v in (start, limit, delta)]
    if any(v.dtype == object for v in vals):
        raise TypeError(f"tf.range: start, limit and delta must be numbers, got {(start, limit, delta)!r} (Value for "
                        "attr 'Tidx' of string is not in the list of allowed values).")
    if want is not None:
        dt = want._np
    else:
        kinds = [v.dtype for v in vals]
        dt = max(kinds, key=lambda d: _RANGE_ORDER.index(d) if d in _RANGE_ORDER else -1)
    s, lim, dl = (v.astype(dt)[()] for v in vals)
    if dl == 0:
        raise _invalid("Range", f"Requires delta != 0: {dl}")
    if dl > 0 and s > lim:
        raise _invalid("Range", f"Requires start <= limit when delta > 0: {s}/{lim}")
    if dl < 0 and s < lim:
        raise _invalid("Range", f"Requires start >= limit when delta < 0: {s}/{lim}")
    if np.dtype(dt).kind in "iu":
        n = (abs(int(lim) - int(s)) + abs(int(dl)) - 1) // abs(int(dl))
    else:
        n = int(math.ceil(abs((float(lim) - float(s)) / float(dl))))
    out = (s + np.arange(n).astype(dt) * dl).astype(dt)
    return _make(out)


def _full(shape, dtype, value):
    return jnp.full(shape, value, dtype=dtype)


def _creation_shape(shape: Any, fn: str, op: str = "Fill", itemsize: int = 1) -> tuple:
    if isinstance(shape, (list, tuple)) and any(isinstance(d, float) for d in shape):
        raise TypeError(f"{fn}: Cannot convert {shape!r} to EagerTensor of dtype int32 (a shape is integers).")
    if _is_tensor(shape):  # a NumPy array of any integer type converts (as TF), a tensor must be int32/int64
        kind = np.dtype(_t(shape).dtype.as_numpy_dtype)
        if kind.kind in "iu" and kind not in (np.dtype(np.int32), np.dtype(np.int64)):
            raise _invalid(op, f"Value for attr 'index_type' of {kind.name} is not in the list of allowed values: "
                               f"int32, int64 (tfshim: {fn} needs an int32 or int64 shape; cast it with tf.cast)")
    arr = _ints(shape, fn, "index_type", op)
    if arr.ndim > 1:
        raise _invalid(op, f"dims must represent a vector, got shape {_shape_str(arr.shape)} (tfshim: {fn})")
    dims = tuple(int(d) for d in arr.reshape(-1))
    _check_dims(dims, op, itemsize)
    return dims


def zeros(shape: Any, dtype: Any = _dt.float32, name: Any = None, layout: Any = None) -> Tensor:
    """tf.zeros: a tensor of ``shape`` filled with zeros."""
    dt = _static_dtype(dtype, "tf.zeros")
    if dt == _dt.string:
        return _make(np.full(_creation_shape(shape, "tf.zeros"), b"", object))
    return _create(_full, "tf.zeros", shape=_creation_shape(shape, "tf.zeros", itemsize=dt.size), dtype=dt._np,
                   value=0)


def ones(shape: Any, dtype: Any = _dt.float32, name: Any = None, layout: Any = None) -> Tensor:
    """tf.ones: a tensor of ``shape`` filled with ones."""
    dt = _static_dtype(dtype, "tf.ones")
    if dt == _dt.string:
        raise TypeError("tf.ones: Cannot convert 1 to EagerTensor of dtype string")
    return _create(_full, "tf.ones", shape=_creation_shape(shape, "tf.ones", itemsize=dt.size), dtype=dt._np,
                   value=1)


def zeros_like(input: Any, dtype: Any = None, name: Any = None, layout: Any = None) -> Tensor:  # noqa: A002
    """tf.zeros_like: zeros with the shape (and dtype, unless given) of ``input``; not differentiable."""
    x = _t(input)
    dt = x.dtype if dtype is None else _static_dtype(dtype, "tf.zeros_like")
    if dt == _dt.string:
        return _make(np.full(x.array.shape, b"", object))
    return _create(_full, "tf.zeros_like", shape=x.array.shape, dtype=dt._np, value=0)


def ones_like(input: Any, dtype: Any = None, name: Any = None, layout: Any = None) -> Tensor:  # noqa: A002
    """tf.ones_like: ones with the shape (and dtype, unless given) of ``input``; not differentiable."""
    x = _t(input)
    dt = x.dtype if dtype is None else _static_dtype(dtype, "tf.ones_like")
    if dt == _dt.string:
        raise _invalid("OnesLike", "Value for attr 'T' of string is not in the list of allowed values (tfshim: "
                                   "tf.ones_like has no string version; use tf.fill(tf.shape(x), value))")
    return _create(_full, "tf.ones_like", shape=x.array.shape, dtype=dt._np, value=1)


def _fill(v, shape):
    return jnp.broadcast_to(v.reshape(()), shape)


def fill(dims: Any, value: Any, name: Any = None, layout: Any = None) -> Tensor:
    """tf.fill: a tensor of shape ``dims`` filled with the scalar ``value`` (differentiable in value)."""
    v = _t(value)
    s = _creation_shape(dims, "tf.fill", itemsize=v.array.dtype.itemsize)
    if v.array.size != 1:
        raise _invalid("Fill", f"value must be a scalar, got shape {_shape_str(v.array.shape)}")
    return run(_fill, (v,), "tf.fill", shape=s)


def _eye(rows, cols, batch, dtype):
    return jnp.broadcast_to(jnp.eye(rows, cols, dtype=dtype), batch + (rows, cols))


def eye(num_rows: Any, num_columns: Any = None, batch_shape: Any = None, dtype: Any = _dt.float32,
        name: Any = None) -> Tensor:
    """tf.eye / tf.linalg.eye: identity matrices (optionally a batch of them)."""
    dt = _static_dtype(dtype, "tf.eye")
    r = _axis(num_rows, "tf.eye", "Fill")
    c = r if num_columns is None else _axis(num_columns, "tf.eye", "Fill")
    b = () if batch_shape is None else tuple(int(d) for d in _ints(batch_shape, "tf.eye", "batch_shape",
                                                                   "Fill").reshape(-1))
    _check_dims(b + (r, c), "Fill")
    return _create(_eye, "tf.eye", rows=r, cols=c, batch=b, dtype=dt._np)


def _linspace(a, b, num, axis):
    a, b = jnp.broadcast_arrays(a, b)
    a, b = a[..., None], b[..., None]
    if num == 1:
        out = a
    else:
        delta = (b - a) / (num - 1)
        mid = a + jnp.arange(1, num - 1, dtype=a.dtype) * delta
        out = jnp.concatenate([a, mid, b], axis=-1)
    return jnp.moveaxis(out, -1, axis)


def linspace(start: Any, stop: Any, num: Any, name: Any = None, axis: Any = 0) -> Tensor:
    """tf.linspace: ``num`` evenly spaced values from ``start`` to ``stop`` (both included), along ``axis``.

    Integer start/stop give float64, as in TF.
    """
    a = _t(start)
    b = _t(stop) if _is_tensor(stop) else convert_to_tensor(stop, dtype=a.dtype)
    if a.array.dtype != b.array.dtype:
        raise dtype_error("tf.linspace", "LinSpace", 1, a.array.dtype, b.array.dtype)
    if a.array.dtype.kind in "iub":
        from .math import cast

        a, b = cast(a, _dt.float64), cast(b, _dt.float64)
    n = _axis(num, "tf.linspace", "LinSpace")
    if n < 0:
        raise _invalid("LinSpace", f"Requires num >= 0: {n}")
    r = len(np.broadcast_shapes(a.array.shape, b.array.shape))
    ax = _axis(axis, "tf.linspace", "LinSpace")
    if not -r - 1 <= ax <= r:
        raise _invalid("ExpandDims", f"Tried to expand dim index {ax} for tensor with {r} dimensions.")
    ax = ax + r + 1 if ax < 0 else ax
    if n == 0:
        bshape = np.broadcast_shapes(a.array.shape, b.array.shape)
        return _create(_full, "tf.linspace", shape=bshape[:ax] + (0,) + bshape[ax:], dtype=a.array.dtype, value=0)
    return run(_linspace, (a, b), "tf.linspace", num=n, axis=ax)


# -- clipping ---------------------------------------------------------------------------------
def _clip(x, lo, hi):
    # TF's gradient goes to x at ties (Minimum/Maximum), so use `where`, not jnp.clip.
    # NaN in x propagates, as TF's Minimum/Maximum kernels.
    # A NaN in x keeps its value but, as TF's kernels, sends the gradient to the bound (x <= hi is False).
    a = jnp.where(x <= hi, x, hi)
    a = jnp.where(jnp.isnan(x), a + jax.lax.stop_gradient(x), a)
    b = jnp.where(a >= lo, a, lo)
    return jnp.where(jnp.isnan(a), b + jax.lax.stop_gradient(a), b)


def _like_tensor(v: Any, t: Tensor, fn: str, op: str, pos: int) -> Tensor:
    if _is_tensor(v):
        vt = _t(v)
        if vt.array.dtype != t.array.dtype:
            raise dtype_error(fn, op, pos, t.array.dtype, vt.array.dtype)
        return vt
    return convert_to_tensor(v, dtype=t.dtype)


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any, name: Any = None) -> Tensor:
    """tf.clip_by_value: ``min(max(t, clip_value_min), clip_value_max)`` keeping t's shape."""
    x = _t(t)
    hi = _like_tensor(clip_value_max, x, "tf.clip_by_value", "Minimum", 1)
    lo = _like_tensor(clip_value_min, x, "tf.clip_by_value", "Maximum", 1)
    xs = x.array.shape
    for v, op in ((hi, "Minimum"), (lo, "Maximum")):
        try:
            out = np.broadcast_shapes(xs, v.array.shape)
        except ValueError:
            raise _invalid(op, f"Incompatible shapes: {_shape_str(xs)} vs. {_shape_str(v.array.shape)}") from None
        if out != xs:
            raise ValueError(f"Shapes {x.shape} and {TensorShape(out)} are incompatible")
    return run(_clip, (x, lo, hi), "tf.clip_by_value")


def _clip_by_norm(x, c, axes):
    l2sum = jnp.sum(x * x, axis=axes, keepdims=True)
    pred = l2sum > 0
    l2norm = jnp.where(pred, jnp.sqrt(jnp.where(pred, l2sum, jnp.ones_like(l2sum))), l2sum)
    denom = jnp.where((l2norm >= c) | jnp.isnan(l2norm), l2norm, c)  # NaN norms propagate, as TF's Maximum
    return x * c / denom


def clip_by_norm(t: Any, clip_norm: Any, axes: Any = None, name: Any = None) -> Tensor:
    """tf.clip_by_norm: rescale ``t`` so its L2 norm (over ``axes``) is at most ``clip_norm``."""
    x = _t(t)
    if x.array.dtype.kind not in "f" and x.dtype != _dt.bfloat16:
        raise _invalid("Sqrt", f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
                               "bfloat16, half, float, double (tfshim: tf.clip_by_norm needs a float tensor)")
    c = _like_tensor(clip_norm, x, "tf.clip_by_norm", "Mul", 1)
    r = x.array.ndim
    ax = None if axes is None else tuple(sorted({int(a) % r if r else 0 for a in
                                                 _ints(axes, "tf.clip_by_norm", "axes", "Sum").reshape(-1)}))
    return run(_clip_by_norm, (x, c), "tf.clip_by_norm", axes=ax)


def _global_norm(*xs):
    return jnp.sqrt(sum(jnp.sum(x * x) for x in xs)) if xs else jnp.zeros((), jnp.float32)


def _clip_global(*args, n, given):
    xs, c = args[:n], args[n]
    norm = args[n + 1] if given else _global_norm(*xs)
    scale = c * jnp.minimum(1.0 / norm, jnp.ones((), norm.dtype) / c)
    scale = jnp.where(jnp.isfinite(norm), scale, jnp.nan)
    return tuple(x * scale.astype(x.dtype) for x in xs) + (norm,)


def clip_by_global_norm(t_list: Any, clip_norm: Any, use_norm: Any = None, name: Any = None) -> tuple:
    """tf.clip_by_global_norm: scale every tensor by ``clip_norm / max(global_norm, clip_norm)``.

    Returns ``(list_clipped, global_norm)``; None entries stay None.
    """
    if isinstance(t_list, (str, bytes)) or not isinstance(t_list, collections.abc.Sequence) \
            or _is_tensor(t_list):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    present = [(k, _t(v)) for k, v in enumerate(t_list) if v is not None]
    ts = [t for _, t in present]
    if ts:
        dt0 = ts[0].array.dtype
        for j, t in enumerate(ts[1:], 1):
            if t.array.dtype != dt0:
                raise dtype_error("tf.clip_by_global_norm", "Pack", j, dt0, t.array.dtype)
    ndt = _dt.float32 if not ts else ts[0].dtype
    if use_norm is not None:
        un = _t(use_norm) if _is_tensor(use_norm) else convert_to_tensor(use_norm, dtype=ndt)
        ndt = un.dtype
    c = _t(clip_norm) if _is_tensor(clip_norm) else convert_to_tensor(clip_norm, dtype=ndt)
    inputs = tuple(ts) + (c,) + ((un,) if use_norm is not None else ())
    outs = run(_clip_global, inputs, "tf.clip_by_global_norm", n=len(ts), given=use_norm is not None)
    clipped: list = [None] * len(t_list)
    for (k, _), o in zip(present, outs[:-1]):
        clipped[k] = o
    return clipped, outs[-1]


# -- sorting / uniqueness ---------------------------------------------------------------------
def _sort(x, axis, descending):
    return jnp.sort(x, axis=axis, stable=True, descending=descending)


def _argsort(x, axis, descending):
    return jnp.argsort(x, axis=axis, stable=True, descending=descending).astype(jnp.int32)


def _sort_args(values: Any, axis: Any, direction: Any, fn: str) -> tuple:
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"Argument `direction` should be one of ASCENDING, DESCENDING. Received: "
                         f"direction={direction}")
    x = _t(values)
    if x.array.dtype.kind in "bc":
        raise _invalid("TopKV2", f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
                                 f"real number types (tfshim: {fn} sorts real numbers only)")
    r = x.array.ndim
    ax = int(axis)
    if not -r <= ax < r:
        raise _invalid("StridedSlice", f"slice index {ax} of dimension 0 out of bounds.")
    return x, ax + r if ax < 0 else ax, direction == "DESCENDING"


def sort(values: Any, axis: int = -1, direction: str = "ASCENDING", name: Any = None) -> Tensor:
    """tf.sort: sorted values along ``axis`` (ties keep their order)."""
    x, ax, desc = _sort_args(values, axis, direction, "tf.sort")
    return run(_sort, (x,), "tf.sort", axis=ax, descending=desc)


def argsort(values: Any, axis: int = -1, direction: str = "ASCENDING", stable: bool = False,
            name: Any = None) -> Tensor:
    """tf.argsort: int32 indices that sort ``values`` along ``axis`` (always stable, as TF's result is)."""
    x, ax, desc = _sort_args(values, axis, direction, "tf.argsort")
    return run(_argsort, (x,), "tf.argsort", axis=ax, descending=desc)


Unique = collections.namedtuple("Unique", ["y", "idx"])


def unique(x: Any, out_idx: Any = _dt.int32, name: Any = None) -> Unique:
    """tf.unique: the distinct values of a 1-D tensor in order of first occurrence, and each entry's index.

    Computed on the host (the output size depends on the values); not differentiable, as in TF.
    """
    t = _t(x)
    if t.array.ndim != 1:
        raise _invalid("Unique", "unique expects a 1D vector.")
    odt = _out_type(out_idx, "Unique")
    v = _host(t, "tf.unique", "x")
    first: dict = {}
    idx = np.empty(v.shape[0], dtype=odt)
    order = []
    for k, e in enumerate(v.tolist()):
        key = e if e == e else ("nan", k)  # TF keeps every NaN distinct
        j = first.get(key)
        if j is None:
            j = first[key] = len(order)
            order.append(k)
        idx[k] = j
    order_t = _make(np.asarray(order, dtype=np.int64))
    # the values as a recorded gather whose gradient raises LookupError, as TF's (no gradient for Unique)
    return Unique(run(_unique_values, (t, order_t), "tf.unique"), _make(idx))


def _take0(x, order):
    return jnp.take(x, order, axis=0)


_unique_values = no_gradient_defined(_take0, "Unique")


# -- Tensor.__getitem__ -----------------------------------------------------------------------
_INDEX_ERR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar tf.int32/tf.int64 "
              "tensors are valid indices, got {!r}")


def _index_value(v: Any) -> Any:
    """A Python int for a valid scalar index (ints, NumPy ints, scalar int tensors); a tracer stays traced."""
    if isinstance(v, bool) or isinstance(v, np.bool_):
        raise TypeError(_INDEX_ERR.format(v))
    if isinstance(v, numbers.Integral):
        return int(v)
    dt = getattr(v, "dtype", None)
    if dt is None:
        raise TypeError(_INDEX_ERR.format(v))
    try:
        npdt = np.dtype(dt.as_numpy_dtype) if isinstance(dt, _dt.DType) else np.dtype(dt)
    except TypeError:
        raise TypeError(_INDEX_ERR.format(v)) from None
    shape = tuple(v.shape) if not hasattr(v.shape, "as_list") else tuple(v.shape.as_list())
    if npdt not in _INDEX_DTYPES or len(shape) == 1:
        raise TypeError(_INDEX_ERR.format(v))
    if _is_tensor(v):
        t = _t(v)
        if isinstance(t.array, _Tracer):
            return t
        return int(np.asarray(t.array).reshape(()))
    return int(np.asarray(v).reshape(()))


def _slice_impl(x, *dyn, spec):
    key = []
    for item in spec:
        if type(item) is tuple:
            key.append(slice(*item))
        elif type(item) is str:
            key.append(dyn[int(item)])
        else:
            key.append(item)
    return x[tuple(key)]


def _parse_key(key: Any, shape: tuple) -> tuple:
    """TF's strided-slice key → (hashable static spec, dynamic index tensors), checked against ``shape``."""
    items = list(key) if isinstance(key, (list, tuple)) else [key]
    spec: list = []
    dyn: list = []
    n_ell = sum(1 for it in items if it is Ellipsis)
    if n_ell > 1:
        raise _invalid("StridedSlice", "Multiple ellipses in slice spec not allowed")
    n_consume = sum(1 for it in items if it is not None and it is not Ellipsis)
    r = len(shape)
    if n_consume > r:
        if r == 0:
            raise _invalid("StridedSlice", "Attempting to slice scalar input.")
        raise _invalid("StridedSlice", f"Index out of range using input dim {r}; input has only {r} dims")
    dim = 0
    for it in items:
        if it is None:
            spec.append(None)
        elif it is Ellipsis:
            spec.append(Ellipsis)
            dim += r - n_consume
        elif isinstance(it, slice):
            parts = []
            for p in (it.start, it.stop, it.step):
                if p is None:
                    parts.append(None)
                    continue
                v = _index_value(p)
                if isinstance(v, Tensor):
                    raise TypeError("tfshim: slice bounds must be concrete inside a traced function (JAX needs "
                                    "static slice sizes); use tf.gather or a Python int instead.")
                parts.append(v)
            if parts[2] == 0:
                raise _invalid("StridedSlice", f"strides[{dim}] must be non-zero")
            spec.append(tuple(parts))
            dim += 1
        else:
            if isinstance(it, (list, tuple)):
                raise TypeError(_INDEX_ERR.format(it))
            v = _index_value(it)
            if isinstance(v, Tensor):
                spec.append(str(len(dyn)))
                dyn.append(v)
            else:
                n = shape[dim]
                if not -n <= v < n:
                    raise _invalid("StridedSlice", f"slice index {v + n if v < 0 else v} of dimension {dim} out "
                                                   "of bounds.")
                spec.append(v + n if v < 0 else v)
            dim += 1
    return tuple(spec), dyn


def getitem(self: Any, key: Any) -> Tensor:
    """Tensor.__getitem__ (and Variable's): TF's strided-slice indexing.

    Ints, slices (any step), ``...``, ``tf.newaxis`` and scalar int32/int64 tensors; a list/tuple
    key is a sequence of those. A bool tensor/array key is ``tf.boolean_mask``.
    """
    x = _t(self)
    if isinstance(key, bool) or (getattr(key, "dtype", None) in (_dt.bool, np.dtype(np.bool_))
                                 and (_is_tensor(key) or isinstance(key, np.ndarray))):
        return boolean_mask(x, key)
    if type(key) is int:  # fast path: x[i]
        n = x.array.shape[0] if x.array.ndim else None
        if n is None:
            raise _invalid("StridedSlice", "Attempting to slice scalar input.")
        if not -n <= key < n:
            raise _invalid("StridedSlice", f"slice index {key + n if key < 0 else key} of dimension 0 out of bounds.")
        return run(_slice_impl, (x,), "tf.__getitem__", spec=(key + n if key < 0 else key,))
    if isinstance(key, list) and any(isinstance(k, bool) for k in key):
        raise _invalid("StridedSlice", "Value for attr 'Index' of bool is not in the list of allowed values: "
                                       "int16, int32, int64")
    spec, dyn = _parse_key(key, x.array.shape)
    return run(_slice_impl, (x, *dyn), "tf.__getitem__", spec=spec)


# -- tf.slice / tf.strided_slice / tf.tensor_scatter_nd_* ----------------------------------------
def _bits(mask: Any, what: str) -> int:
    if _is_tensor(mask):
        mask = int(_host(_t(mask), "tf.strided_slice", what))
    return int(mask)


def slice_(input_: Any, begin: Any, size: Any, name: Any = None) -> Tensor:
    """tf.slice: the block of ``input_`` starting at ``begin`` with ``size`` (-1: everything after begin)."""
    x = _t(input_)
    b = [int(v) for v in _ints(begin, "tf.slice", "Index", "Slice").reshape(-1)]
    sz = [int(v) for v in _ints(size, "tf.slice", "Index", "Slice").reshape(-1)]
    shp = x.array.shape
    if len(b) != len(shp) or len(sz) != len(shp):
        raise _invalid("Slice", f"Expected begin and size arguments to be 1-D tensors of size {len(shp)}, but got "
                                f"shapes [{len(b)}] and [{len(sz)}] instead.")
    spec = []
    for i, (bi, si, n) in enumerate(zip(b, sz, shp)):
        if si == -1:
            si = n - bi
        if not (0 <= bi <= n and 0 <= si and bi + si <= n):
            raise _invalid("Slice", f"Expected size[{i}] in [0, {n - bi}], but got {si}" if 0 <= bi <= n else
                                    f"Expected begin[{i}] in [0, {n}], but got {bi}")
        spec.append((bi, bi + si, None))
    return run(_slice_impl, (x,), "tf.slice", spec=tuple(spec))


def _strided_key(begin: Any, end: Any, strides: Any, begin_mask: int, end_mask: int, ellipsis_mask: int,
                 new_axis_mask: int, shrink_axis_mask: int) -> tuple:
    """TF's strided-slice arguments as the Python key that ``x[key]`` turns into the same arguments."""
    fn = "tf.strided_slice"
    bv = [int(v) for v in _ints(begin, fn, "Index", "StridedSlice").reshape(-1)]
    ev = [int(v) for v in _ints(end, fn, "Index", "StridedSlice").reshape(-1)]
    sv = [1] * len(bv) if strides is None else [int(v) for v in _ints(strides, fn, "Index", "StridedSlice").reshape(-1)]
    if not len(bv) == len(ev) == len(sv):
        raise _invalid("StridedSlice", f"Expected begin, end, and strides to be 1D equal size tensors, but got "
                                       f"shapes [{len(bv)}], [{len(ev)}], and [{len(sv)}] instead.")
    key: list = []
    seen_ellipsis = False
    for i in range(len(bv)):
        bit = 1 << i
        if ellipsis_mask & bit:
            if seen_ellipsis:
                continue  # TF uses the first ellipsis only
            seen_ellipsis = True
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(bv[i])
        else:
            if sv[i] == 0:
                raise _invalid("StridedSlice", f"strides[{i}] must be non-zero")
            key.append(slice(None if begin_mask & bit else bv[i], None if end_mask & bit else ev[i], sv[i]))
    return tuple(key)


def strided_slice(input_: Any, begin: Any, end: Any, strides: Any = None, begin_mask: Any = 0, end_mask: Any = 0,
                  ellipsis_mask: Any = 0, new_axis_mask: Any = 0, shrink_axis_mask: Any = 0, var: Any = None,
                  name: Any = None) -> Tensor:
    """tf.strided_slice: ``input_[begin:end:strides]`` per dimension with TF's five bit masks (the same
    indexing as ``Tensor.__getitem__``)."""
    x = _t(input_)
    key = _strided_key(begin, end, strides, _bits(begin_mask, "begin_mask"), _bits(end_mask, "end_mask"),
                       _bits(ellipsis_mask, "ellipsis_mask"), _bits(new_axis_mask, "new_axis_mask"),
                       _bits(shrink_axis_mask, "shrink_axis_mask"))
    spec, dyn = _parse_key(key, x.array.shape)
    return run(_slice_impl, (x, *dyn), "tf.strided_slice", spec=spec)


def _tscatter(x, i, u, mode):
    k = i.shape[-1]
    idx = tuple(i[..., j] for j in range(k))
    ref = x.at[idx]
    if mode == "update":
        return ref.set(u, mode="drop")
    if mode == "add":
        return ref.add(u, mode="drop")
    if mode == "sub":
        return ref.add(-u, mode="drop")
    if mode == "min":
        return ref.min(u, mode="drop")
    return ref.max(u, mode="drop")


_TSCATTER_OPS = {"update": "TensorScatterUpdate", "add": "TensorScatterAdd", "sub": "TensorScatterSub",
                 "min": "TensorScatterMin", "max": "TensorScatterMax"}


def check_scatter_nd(x_shape: tuple, i: Tensor, u: Tensor, fn: str, op: str) -> None:
    """TF's shape and index checks of the *_scatter_nd_* family (indices [..., k] into ``x_shape``)."""
    _check_indices(i, fn, op)
    if i.array.ndim < 1:
        raise _invalid(op, f"Indices shape must have rank at least one. Found:{_shape_str(i.array.shape)}")
    k = i.array.shape[-1]
    s = tuple(x_shape)
    if k > len(s):
        raise _invalid(op, f"Output must have at least {k} dimensions (the innermost size of indices), got shape "
                           f"{_shape_str(s)}")
    want = i.array.shape[:-1] + s[k:]
    if u.array.shape != want:
        raise _invalid(op, f"updates must have shape {_shape_str(want)} (indices.shape[:-1] + "
                           f"tensor.shape[indices.shape[-1]:]), got {_shape_str(u.array.shape)} "
                           f"(tfshim: {fn}, tensor shape {_shape_str(s)}, indices shape {_shape_str(i.array.shape)})")
    if not isinstance(i.array, _Tracer) and k:
        iv = np.asarray(i.array)
        pos = _nd_oob(iv, s)
        if pos >= 0:
            row = iv.reshape(-1, k)[pos]
            raise _invalid(op, f"indices[{pos}] = [{', '.join(str(int(v)) for v in row)}] does not index into shape "
                               f"{_shape_str(s)}")


def _tensor_scatter(mode: str):
    op = _TSCATTER_OPS[mode]
    fn = f"tf.tensor_scatter_nd_{mode}"

    def f(tensor: Any, indices: Any, updates: Any, name: Any = None) -> Tensor:
        x, i = _t(tensor), _t(indices)
        u = _t(updates) if _is_tensor(updates) else convert_to_tensor(updates, dtype=x.dtype)
        if u.array.dtype != x.array.dtype:
            raise dtype_error(fn, op, 2, x.array.dtype, u.array.dtype)
        if mode in ("min", "max") and x.array.dtype.kind in "cb":
            raise errors.NotFoundError(None, None, f"Could not find device for node: {{{{node {op}}}}} = {op}"
                                                   f"[T={x.dtype.name}] (tfshim: {fn} has no {x.dtype.name} kernel)")
        check_scatter_nd(x.array.shape, i, u, fn, op)
        return run(_tscatter, (x, i, u), fn, mode=mode)

    f.__name__ = f"tensor_scatter_nd_{mode}"
    f.__qualname__ = f.__name__
    f.__doc__ = (f"{fn}(tensor, indices, updates): a copy of ``tensor`` with ``updates`` {mode}"
                 f"{'d' if mode == 'update' else ''} at ``indices`` (index rows into its leading dimensions); "
                 "out-of-range indices raise InvalidArgumentError eagerly, as TF on CPU.")
    return f


tensor_scatter_nd_update = _tensor_scatter("update")
tensor_scatter_nd_add = _tensor_scatter("add")
tensor_scatter_nd_sub = _tensor_scatter("sub")
tensor_scatter_nd_min = _tensor_scatter("min")
tensor_scatter_nd_max = _tensor_scatter("max")


# -- the table --------------------------------------------------------------------------------
_ROWS = [
    (("reshape",), reshape, "reshape", True),
    (("transpose",), transpose, "transpose", True),
    (("expand_dims",), expand_dims, "expand_dims", True),
    (("squeeze",), squeeze, "squeeze", True),
    (("concat",), concat, "concat", False),
    (("stack",), stack, "stack", False),
    (("unstack",), unstack, "unstack", True),
    (("split",), split, "split", True),
    (("tile",), tile, "tile", True),
    (("pad",), pad, "pad", True),
    (("gather",), gather, "gather", False),
    (("gather_nd",), gather_nd, "gather_nd", False),
    (("scatter_nd",), scatter_nd, "scatter_nd", True),
    (("boolean_mask",), boolean_mask, "boolean_mask", True),
    (("one_hot",), one_hot, "one_hot", False),
    (("range",), range_, "range", False),
    (("zeros",), zeros, "zeros", False),
    (("ones",), ones, "zeros", False),
    (("zeros_like",), zeros_like, "zeros_like", False),
    (("ones_like",), ones_like, "zeros_like", False),
    (("fill",), fill, "fill", True),
    (("eye", "linalg.eye"), eye, "eye", False),
    (("linspace",), linspace, "linspace", True),
    (("shape",), shape, "shape", False),
    (("size",), size, "shape", False),
    (("rank",), rank, "rank", False),
    (("broadcast_to",), broadcast_to, "broadcast_to", True),
    (("clip_by_value",), clip_by_value, "clip_by_value", True),
    (("clip_by_norm",), clip_by_norm, "clip_by_norm", True),
    (("clip_by_global_norm",), clip_by_global_norm, "clip_by_global_norm", False),
    (("sort",), sort, "sort", True),
    (("argsort",), argsort, "sort", False),
    (("reverse",), reverse, "reverse", True),
    (("unique",), unique, "unique", False),
    (("where",), where, "where", True),
    (("identity_n",), identity_n, "identity_n", False),
    (("meshgrid",), meshgrid, "meshgrid", False),
    (("repeat",), repeat, "repeat", True),
    (("roll",), roll, "roll", True),
    (("slice",), slice_, "slice", True),
    (("strided_slice",), strided_slice, "strided_slice", True),
    (("tensor_scatter_nd_update",), tensor_scatter_nd_update, "tensor_scatter", True),
    (("tensor_scatter_nd_add",), tensor_scatter_nd_add, "tensor_scatter", True),
    (("tensor_scatter_nd_sub",), tensor_scatter_nd_sub, "tensor_scatter", True),
    (("tensor_scatter_nd_min",), tensor_scatter_nd_min, "tensor_scatter_minmax", False),
    (("tensor_scatter_nd_max",), tensor_scatter_nd_max, "tensor_scatter_minmax", False),
]

for _names, _fn, _kind, _grad in _ROWS:
    register(_names, _fn, kind=_kind, grad=_grad)
register(("Tensor.__getitem__",), getitem, kind="", methods=("__getitem__",))
