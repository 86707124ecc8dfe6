"""The single place where an op runs: unwrap → cached jitted JAX function → wrap → record.

``primitive(impl, **attrs)`` returns the jitted function for one op and its static attributes
(cached, so JAX's C++ fast path is used on every later call and a recorded node can be keyed
by the function object). ``execute`` runs it on Tensors, turns JAX's exceptions into TF's,
and records the call on every recording tape / forward accumulator. Every op of the op table,
the elementwise and matmul fast paths included, runs through ``execute``.

Inputs are read through the innermost stateless scope when it substitutes tensors (a control-flow
body replayed under a JAX transformation sees its captured tensors as the replay's values).

First sightings (cold start): an op whose kernel has a NumPy *host twin* (``register_host_twin``;
``ops/host_kernels.py`` registers them) runs that twin the first time it meets a new input signature
(shapes and dtypes) on the CPU, instead of compiling an XLA kernel (about 25 ms) for a shape that may
never come back; from the second sighting the jitted kernel is compiled and used. Results agree with
the compiled kernel within the conformance tests' tolerance. Only when JAX's one device is the CPU
(a GPU array never bounces to the host); ``TFSHIM_HOST_KERNELS=0`` turns it off.

Host tensors (``tf.string``: NumPy object arrays of bytes) never reach JAX: an op whose first input (or
whose kernel refuses an input) is a host array runs its *host implementation* (``register_host_impl``),
a NumPy function of the same arguments and attributes; an op without one raises TF's error for a
string argument. Host ops are not recorded on tapes (strings have no gradient).
"""

from __future__ import annotations

import functools
import itertools
import os
from typing import Any, Callable

import jax
import numpy as np
from jax._src.array import ArrayImpl as _ArrayImpl  # the concrete array type (tracers are not)

from . import dtypes as _dt
from . import errors, state
from .device import put as _device_put
from .record import ACCUMULATING, NOT_DIFFERENTIABLE, record
from .stateless import SUBSTITUTING
from .tensor import Tensor, wrap

# (impl, attrs) -> jitted function. Bounded: a program that makes ever new static attributes (a new
# Python float as an attribute each step) must not grow it without end. Eviction is oldest-first;
# an evicted entry only costs a new jit (recorded tape nodes keep their function objects).
_cache: dict = {}
CACHE_SIZE = 8192
# jitted kernel -> its impl with attrs bound. While tracing (tf.function, fit's step, a gradient replay)
# an op calls its impl directly: the outer program gets the op's equations inline instead of a nested
# jit (no per-op trace cache lookup and lowering of a sub-function; the same computation).
_inline: dict = {}

try:  # the exception XLA raises at run time (e.g. a failed runtime check)
    from jax.errors import JaxRuntimeError as _XlaError
except ImportError:  # pragma: no cover - older jax
    from jaxlib.xla_extension import XlaRuntimeError as _XlaError

# Exceptions that mean "the op got bad input" when raised by JAX while running an op.
JAX_ERRORS = (TypeError, ValueError, IndexError, _XlaError, ZeroDivisionError, jax.errors.ConcretizationTypeError)


_INT64_MAX = 2**63 - 1


def _memory_limit() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 1 << 46


def check_shape(shape: Any, op_name: str, dtype: Any = None) -> None:
    """Validate an output shape before XLA sees it (XLA aborts the process on a size that overflows int64):
    InvalidArgumentError when the element count overflows int64, as TF's TensorShape, and ResourceExhaustedError
    when the tensor cannot fit in memory, as TF's allocator (both name the op and the shape)."""
    n = 1
    for d in shape:
        d = int(d)
        if d < 0:
            return  # an inferred (-1) or invalid dimension: the op's own checks handle it
        n *= d
    if any(int(d) == 0 for d in shape):
        return
    if n > _INT64_MAX:
        raise errors.InvalidArgumentError(
            None, None, f"{op_name}: Encountered overflow when multiplying the dimensions of shape {list(shape)}: "
                        "the number of elements does not fit in int64; use a smaller shape.")
    try:
        itemsize = np.dtype(dtype).itemsize if dtype is not None else 1
    except TypeError:
        itemsize = 1
    if n * itemsize > _memory_limit():
        raise errors.ResourceExhaustedError(
            None, None, f"{op_name}: OOM when allocating tensor with shape {list(shape)} ({n * itemsize} bytes, more "
                        "than this machine's memory); use a smaller shape.")


def primitive(impl: Callable, **attrs: Any) -> Callable:
    """The cached ``jax.jit`` of ``impl`` with static ``attrs`` bound (attrs must be hashable).

    A new ``shape`` attribute (an op's output shape) is validated first (``check_shape``)."""
    key = (impl, tuple(sorted(attrs.items()))) if attrs else impl
    f = _cache.get(key)
    if f is None:
        shape = attrs.get("shape") if attrs else None
        if type(shape) is tuple and all(isinstance(d, (int, np.integer)) for d in shape):
            dtype = attrs.get("dtype")
            check_shape(shape, getattr(impl, "__name__", "op").lstrip("_"),
                        dtype if isinstance(dtype, (str, np.dtype, type)) else None)
        f = jax.jit(functools.partial(impl, **attrs) if attrs else impl)
        f.__name__ = getattr(impl, "__name__", "op")
        if len(_cache) >= CACHE_SIZE:
            # Only kernels with attributes are evicted: those without are one per op implementation (bounded
            # by the code) and modules keep them, so their twins and inline impls must stay registered.
            olds = [k for k in itertools.islice(_cache, CACHE_SIZE // 2) if type(k) is tuple][: CACHE_SIZE // 4]
            for old in olds:
                gone = _cache.pop(old)
                _twins.pop(gone, None)
                _warm.pop(gone, None)
                _vjps.pop(gone, None)
                _inline.pop(gone, None)
                NOT_DIFFERENTIABLE.discard(gone)
        _cache[key] = f
        _inline[f] = functools.partial(impl, **attrs) if attrs else impl
        twin = _TWIN_OF.get(impl)
        if twin is not None:
            _twins[f] = [functools.partial(twin, **attrs) if attrs else twin, {}, YOUNG_CALLS]
        vjp = _VJP_OF.get(impl)
        if vjp is not None:
            _vjps[f] = functools.partial(vjp, **attrs) if attrs else vjp
        if impl in _NO_GRAD_IMPLS:
            NOT_DIFFERENTIABLE.add(f)
    return f


_NO_GRAD_IMPLS: set = set()


def not_differentiable(impl: Callable) -> Callable:
    """Mark op ``impl`` as one TF defines no gradient for (``ops.NotDifferentiable``, or a gradient function
    returning None): its calls are not recorded, so ``tape.gradient`` through it is None; returns ``impl``."""
    _NO_GRAD_IMPLS.add(impl)
    for f, _ in _kernels_of(impl, impl):
        NOT_DIFFERENTIABLE.add(f)
    return impl


# -- host twins: first sightings of a signature without XLA -------------------------------------------
class NoTwin(Exception):  # noqa: N818 - internal control flow
    """Raised by a host twin for inputs it does not handle exactly like the kernel (the kernel runs)."""


_TWIN_OF: dict = {}  # op impl -> NumPy twin taking NumPy arrays and the same static attributes
_twins: dict = {}  # young jitted kernel -> [twin with attrs bound, {signature: sightings}, calls left]
_warm: dict = {}  # kernels past their young calls (kept so tests can make them young again)
_VJP_OF: dict = {}  # op impl -> NumPy VJP twin: (inputs, y, cotangent, **attrs) -> input cotangents
_vjps: dict = {}  # jitted kernel -> VJP twin with attrs bound
HOST = [None]  # None: not decided yet (decided on the first op, never at import); True/False after
_SIGHTINGS = 1  # signatures seen this many times by the twin are compiled from the next call on
_SEEN_MAX = 4096
# A kernel's first calls look for new signatures (a few hundred ns per call); after YOUNG_CALLS calls it
# is warm and the check stops (a later new shape compiles as before), so steady loops pay nothing.
YOUNG_CALLS = 2000
HOST_RUNS = [0]  # how many op calls a host twin answered (tests prove the path runs)


def _kernels_of(impl: Callable, fn: Callable) -> list:
    """(kernel, ``fn`` with that kernel's attrs bound) for every cached kernel of ``impl`` (a twin or VJP
    registered after ops made their kernels)."""
    out = []
    for key, f in _cache.items():
        k_impl, attrs = (key, ()) if not isinstance(key, tuple) else key
        if k_impl is impl:
            out.append((f, functools.partial(fn, **dict(attrs)) if attrs else fn))
    return out


def register_host_twin(impl: Callable, twin: Callable) -> None:
    """Use NumPy function ``twin(*arrays, **attrs)`` for first sightings of op ``impl``'s signatures.

    ``twin`` must return what the kernel returns (same dtype and shape; values within the conformance
    tolerance), or raise ``NoTwin`` for inputs it does not cover (the compiled kernel then runs).
    """
    _TWIN_OF[impl] = twin
    for f, bound in _kernels_of(impl, twin):
        _twins[f] = [bound, {}, YOUNG_CALLS]


def register_host_vjp(impl: Callable, vjp: Callable) -> None:
    """A NumPy VJP of single-output op ``impl`` for gradients of graphs seen once (``autodiff/tape.py``).

    ``vjp(inputs, y, cotangent, **attrs)`` (``y`` the op's output) gets NumPy arrays and returns one cotangent per input
    (None where the input gets none), each of the input's dtype and shape; ``NoTwin`` when not covered.
    """
    _VJP_OF[impl] = vjp
    for f, bound in _kernels_of(impl, vjp):
        _vjps[f] = bound


_HOST_OF: dict = {}  # op impl -> NumPy implementation for host (tf.string) tensors


class HostValueInTrace(TypeError):
    """A host (string) value met a traced one: tf.function runs such a signature eagerly instead."""


def register_host_impl(impl: Callable, host: Callable) -> None:
    """Run op ``impl`` as NumPy function ``host(*arrays, **attrs)`` when an input is a host (string) array.

    ``host`` returns NumPy arrays (object arrays of bytes stay on the host, numeric results go to the
    device), or a tuple of them.
    """
    _HOST_OF[impl] = host


def _has_host(inputs: tuple) -> bool:
    for t in inputs:
        a = t.array
        if type(a) is np.ndarray and a.dtype == object:  # numeric NumPy arrays (a scope's values) run on JAX
            return True
    return False


def _host_out(x: Any) -> Any:
    x = np.asarray(x)
    if x.dtype == object:
        return x
    return _device_put(x if x.flags.c_contiguous else x.copy())


def host_op(fn: Callable, inputs: tuple, op_name: str) -> Any:
    """Run kernel ``fn`` on ``inputs`` of which at least one is a host (string) array (see the module doc)."""
    p = _inline.get(fn, fn)
    impl, attrs = (p.func, p.keywords) if isinstance(p, functools.partial) else (p, {})
    host = _HOST_OF.get(impl)
    if host is None:
        raise errors.InvalidArgumentError(
            None, None,
            f"{op_name}: Value for attr 'T' of string is not in the list of allowed values (received "
            f"{', '.join(_describe(t) for t in inputs)}); this op takes numbers only: convert the strings first "
            "(tf.strings.to_number, tf.strings.length, ...).",
        )
    arrays = []
    for t in inputs:
        a = t.array
        if type(a) is not np.ndarray:
            if isinstance(a, jax.core.Tracer):
                raise HostValueInTrace(
                    f"{op_name}: cannot mix a string tensor with a symbolic (traced) tensor inside tf.function; "
                    "tfshim runs string ops on the host at trace time: compute this outside tf.function or from "
                    "concrete values."
                )
            a = np.asarray(a)
        arrays.append(a)
    try:
        out = host(*arrays, **attrs)
    except errors.OpError:
        raise
    except (TypeError, ValueError, IndexError) as e:
        raise translate(e, op_name, inputs) from None
    if type(out) is tuple or type(out) is list:
        return tuple(wrap(_host_out(o)) for o in out)
    return wrap(_host_out(out))


def inline(fn: Callable) -> Callable:
    """The impl of kernel ``fn`` (attrs bound) for calling inside a trace; ``fn`` itself if not a kernel."""
    return _inline.get(fn, fn)


def host_vjp(fn: Callable) -> Callable | None:
    """The NumPy VJP twin of kernel ``fn`` when host twins are on (see ``register_host_vjp``), else None."""
    v = _vjps.get(fn)
    if v is None or not (HOST[0] or (HOST[0] is None and _decide_host())):
        return None
    return v


def host_kernels_on() -> bool:
    """Whether first sightings run on the host (JAX's one device is the CPU, TFSHIM_HOST_KERNELS not 0)."""
    return bool(HOST[0] or (HOST[0] is None and _decide_host()))


def set_host_kernels(enabled: bool | None) -> bool | None:
    """Turn first-sighting host twins on/off (None: decide from the backend again); returns the old value."""
    old, HOST[0] = HOST[0], enabled
    return old


def forget_sightings() -> None:
    """Forget every signature the host twins have seen (the next call of each runs its twin again)."""
    _twins.update(_warm)
    _warm.clear()
    for entry in _twins.values():
        entry[1].clear()
        entry[2] = YOUNG_CALLS


def _decide_host() -> bool:
    on = os.environ.get("TFSHIM_HOST_KERNELS", "1").strip().lower() not in ("0", "false", "off", "no")
    HOST[0] = bool(on and jax.default_backend() == "cpu" and jax.device_count() == 1)
    return HOST[0]




def _host_run(fn: Callable, entry: list, arrays: list) -> Any:
    """The twin's result as device arrays on a first sighting, or None (compile and run the kernel)."""
    twin, seen = entry[0], entry[1]
    entry[2] -= 1
    if entry[2] <= 0:  # warm: no more checks for this kernel
        _warm[fn] = _twins.pop(fn, entry)
    key = []
    for a in arrays:
        if type(a) is not _ArrayImpl:
            return None
        key.append(a.shape)
        key.append(a.dtype)
    key = tuple(key)
    n = seen.get(key, 0)
    if n >= _SIGHTINGS:
        return None
    if len(seen) >= _SEEN_MAX:
        seen.clear()
    seen[key] = n + 1
    try:
        with np.errstate(all="ignore"):
            out = twin(*[np.asarray(a) for a in arrays])
    except Exception:  # noqa: BLE001 - NoTwin or a NumPy error: the kernel runs (and raises TF's error)
        return None
    HOST_RUNS[0] += 1
    if type(out) is tuple:
        return tuple(_put(o) for o in out)
    return _put(out)


def _put(x: Any) -> Any:
    x = np.asarray(x)
    if x.base is not None:  # a view of an input's host buffer: the device array must own its memory
        x = x.copy()
    return jax.device_put(x)


class FallBack(Exception):  # noqa: N818 - internal control flow
    """Raised by a fast-path primitive at trace time when its inputs need the op's checked path."""


def execute(fn: Callable, inputs: tuple, op_name: str) -> Any:
    """Run ``fn`` (from ``primitive``) on Tensors ``inputs``; returns a Tensor or a tuple of Tensors."""
    entry = _twins.get(fn)
    if entry is not None and not SUBSTITUTING[0] and (HOST[0] or (HOST[0] is None and _decide_host())):
        out = _host_run(fn, entry, [t.array for t in inputs])
        if out is not None:
            res = tuple(map(wrap, out)) if type(out) is tuple else wrap(out)
            if state.recording_tapes or (ACCUMULATING[0] and state.accumulators):
                record(fn, inputs, res)
            return res
    try:
        # A substituting scope is rare (a control-flow body replayed under a JAX transformation); the
        # process-wide count keeps the per-thread lookup off the hot path otherwise.
        if SUBSTITUTING[0] and state.scopes and state.scopes[-1].tensors:
            arrays = state.scopes[-1].arrays(inputs)
            out = (fn if arrays and type(arrays[0]) is _ArrayImpl else _inline.get(fn, fn))(*arrays)
        elif len(inputs) == 2:
            a = inputs[0].array
            if type(a) is _ArrayImpl:
                out = fn(a, inputs[1].array)
            elif type(a) is np.ndarray and a.dtype == object:  # strings; numeric NumPy (a scope's values): JAX
                return host_op(fn, inputs, op_name)
            else:
                out = _inline.get(fn, fn)(a, inputs[1].array)
        elif len(inputs) == 1:
            a = inputs[0].array
            if type(a) is _ArrayImpl:
                out = fn(a)
            elif type(a) is np.ndarray and a.dtype == object:  # strings; numeric NumPy (a scope's values): JAX
                return host_op(fn, inputs, op_name)
            else:
                out = _inline.get(fn, fn)(a)
        else:
            arrays = [t.array for t in inputs]
            if arrays and type(arrays[0]) is _ArrayImpl:
                out = fn(*arrays)
            elif _has_host(inputs):
                return host_op(fn, inputs, op_name)
            else:
                out = _inline.get(fn, fn)(*arrays)
    except JAX_ERRORS as e:
        if _has_host(inputs):
            return host_op(fn, inputs, op_name)
        raise translate(e, op_name, inputs) from None
    res = tuple(map(wrap, out)) if type(out) is tuple or type(out) is list else wrap(out)
    if state.recording_tapes or (ACCUMULATING[0] and state.accumulators):
        record(fn, inputs, res)
    return res


def execute2(fn: Callable, x: Tensor, y: Tensor, xv: Any, yv: Any, op_name: str) -> Tensor:
    """``execute(fn, (x, y), op_name)`` for a single-output op on two Tensors whose arrays ``xv``, ``yv``
    the caller has already read: the elementwise hot path (no tuple, no arity branch)."""
    if SUBSTITUTING[0] or fn in _twins:
        return execute(fn, (x, y), op_name)
    try:
        if type(xv) is _ArrayImpl:
            out = fn(xv, yv)
        elif type(xv) is np.ndarray or type(yv) is np.ndarray:
            return host_op(fn, (x, y), op_name)
        else:
            out = _inline.get(fn, fn)(xv, yv)
    except JAX_ERRORS as e:
        if type(yv) is np.ndarray:
            return host_op(fn, (x, y), op_name)
        raise translate(e, op_name, (x, y)) from None
    res = wrap(out)
    if state.recording_tapes or (ACCUMULATING[0] and state.accumulators):
        record(fn, (x, y), res)
    return res


def run(impl: Callable, inputs: tuple, op_name: str, **attrs: Any) -> Any:
    """``execute(primitive(impl, **attrs), inputs, op_name)``: the usual one-line op body."""
    try:
        f = primitive(impl, **attrs)
    except (errors.InvalidArgumentError, errors.ResourceExhaustedError) as e:
        raise type(e)(None, None, f"{op_name}: {e.message}") from None
    return execute(f, inputs, op_name)


def translate(e: BaseException, op_name: str, inputs: tuple = ()) -> BaseException:
    """A TF error for a JAX exception raised while running ``op_name`` on ``inputs``."""
    if isinstance(e, errors.OpError):
        return e
    got = ", ".join(_describe(t) for t in inputs)
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    out = errors.InvalidArgumentError(
        None, None,
        f"{op_name}: {msg} (received {got}); check the shapes and dtypes of the arguments.",
    )
    # JAX's TypeError/ValueError come from its shape and dtype rules: TF's graph builder raises ValueError.
    static = isinstance(e, (TypeError, ValueError)) and not isinstance(e, jax.errors.ConcretizationTypeError)
    return errors.static(out, ValueError) if static else out


def _describe(t: Any) -> str:
    if isinstance(t, Tensor):
        return f"{_dt._BY_NP[t.array.dtype].name} tensor of shape {t.shape}"
    return repr(t)


def invalid(op_name: str, message: str) -> errors.InvalidArgumentError:
    """An InvalidArgumentError whose message names the tf function."""
    return errors.InvalidArgumentError(None, None, f"{op_name}: {message}")


def strip_jax_notes(e: BaseException) -> BaseException:
    """Remove JAX's traceback-filtering note from a user's exception raised inside a trace."""
    notes = getattr(e, "__notes__", None)
    if notes:
        e.__notes__ = [n for n in notes if "JAX" not in n]
    return e


def host_call(fn: Callable, args: list) -> None:
    """Run host work ``fn(*args)`` (a tf.summary write) on values that may be traced.

    Concrete values: now. Traced inside a tf.function whose own scope is the innermost one: the values become
    extra outputs of the compiled call and ``fn`` runs on them after it (``state.host_outputs``), which keeps
    JAX's fast dispatch path. Elsewhere (control-flow bodies, Keras' compiled step): a ``jax.debug.callback``
    in the program."""
    if not any(isinstance(a, jax.core.Tracer) for a in args):
        fn(*args)
        return
    outs = state.host_outputs
    if outs and state.scopes and outs[-1][0] is state.scopes[-1]:
        outs[-1][1].append((fn, list(args)))
    else:
        jax.debug.callback(fn, *args)
