"""Python interop: tf.py_function, tf.numpy_function, tf.timestamp, tf.get_logger.

Eagerly, ``py_function`` calls ``func`` on the input Tensors (the ops inside are recorded on any active
GradientTape, so it is differentiable as in TF) and ``numpy_function`` calls it on NumPy arrays.
Inside ``tf.function`` both become a host callback (``jax.experimental.io_callback``) that runs ``func`` at
every call of the compiled function, as TF runs its EagerPyFunc/PyFunc op. Inside ``Dataset.map`` the
dataset calls the map function eagerly per element instead (TF: the same host call per element).

Difference from TF: JAX compiles static shapes, so inside ``tf.function`` tfshim learns the output shapes
by calling ``func`` once at trace time on zero-filled inputs of the traced shapes; a ``func`` whose output
shapes depend on the input values raises InvalidArgumentError when the shapes change. A ``py_function``
inside ``tf.function`` is not differentiable in tfshim (it is in TF).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any, Callable

import jax
import numpy as np
from jax.experimental import io_callback

from ..core import dtypes as _dt
from ..core import errors, state
from ..core.convert import convert_to_tensor
from ..core.dispatch import HostValueInTrace
from ..core.tensor import Tensor, wrap
from .table import register

_Tracer = jax.core.Tracer
JAX_RUNTIME_ERROR = jax.errors.JaxRuntimeError
_pending: list = []  # the TF error a host callback raised (XLA reports it as a runtime error)
_pending_lock = threading.Lock()


def host_callback_error() -> Exception | None:
    """The TF error raised by the last failing py_function/numpy_function host callback (then cleared)."""
    with _pending_lock:
        return _pending.pop() if _pending else None


def _remember(e: Exception) -> Exception:
    with _pending_lock:
        _pending[:] = [e]
    return e


# -- tf.get_logger ------------------------------------------------------------------------------
def get_logger() -> logging.Logger:
    """tf.get_logger: the ``logging.Logger`` named "tensorflow" (level WARNING, one stderr handler)."""
    logger = logging.getLogger("tensorflow")
    if not logger.handlers and not getattr(logger, "_tfshim_configured", False):
        logger._tfshim_configured = True  # type: ignore[attr-defined]
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(logging.BASIC_FORMAT, None))
        logger.addHandler(handler)
    return logger


# -- tf.timestamp -------------------------------------------------------------------------------
def _now() -> np.ndarray:
    return np.asarray(time.time(), np.float64)


def timestamp(name: Any = None) -> Tensor:
    """tf.timestamp: seconds since the Unix epoch as a float64 scalar (evaluated at every call of a
    tf.function, through a host callback)."""
    if state.tracing:
        return wrap(io_callback(_now, jax.ShapeDtypeStruct((), np.float64), ordered=True))
    return convert_to_tensor(_now())


# -- py_function / numpy_function ---------------------------------------------------------------
def _py_error(e: BaseException, fn: str) -> Exception:
    """A Python exception raised by ``func`` as TF's error class (TF's py_func kernel mapping)."""
    if isinstance(e, errors.OpError):
        return e
    cls = {ValueError: errors.InvalidArgumentError, TypeError: errors.InvalidArgumentError,
           StopIteration: errors.OutOfRangeError, IndexError: errors.OutOfRangeError,
           MemoryError: errors.ResourceExhaustedError,
           NotImplementedError: errors.UnimplementedError}.get(type(e), errors.UnknownError)
    return cls(None, None, f"{type(e).__name__}: {e} (raised by the function passed to {fn})")


def _tout(Tout: Any, fn: str) -> tuple:
    """(list of DTypes, single?) from TF's ``Tout`` (a dtype, or a list/tuple of them)."""
    if isinstance(Tout, (list, tuple)):
        return [_dt.as_dtype(t) for t in Tout], False
    return [_dt.as_dtype(Tout)], True


def _inputs(inp: Any) -> list:
    if inp is None:
        return []
    if not isinstance(inp, (list, tuple)):
        inp = list(convert_to_tensor(inp))  # TF iterates a bare tensor: one argument per row
    return [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in inp]


def _results(ret: Any, n: int, single: bool) -> list:
    if n == 0:
        return []
    if single:
        return [ret]
    if not isinstance(ret, (list, tuple)):
        ret = [ret]
    return list(ret)


def _convert_out(values: list, touts: list, numpy_mode: bool, fn: str) -> list:
    out = []
    if len(values) != len(touts):
        raise errors.InvalidArgumentError(None, None, f"{fn}: the function returned {len(values)} values, but Tout "
                                                      f"names {len(touts)} dtypes.")
    for v, dt in zip(values, touts):
        if numpy_mode and not isinstance(v, Tensor):
            # TF's eager numpy_function keeps a NumPy result's own dtype; Python values get TF's defaults.
            t = convert_to_tensor(v)
        else:
            try:
                t = convert_to_tensor(v, dtype=dt)
            except (TypeError, ValueError) as e:
                raise errors.InvalidArgumentError(None, None, f"{fn}: {type(e).__name__}: {e} (the function's "
                                                              f"result does not match Tout={dt.name})") from None
        out.append(t)
    return out


class _ShapeChanged(Exception):
    pass


def _call_eager(func: Callable, args: list, touts: list, single: bool, numpy_mode: bool, fn: str,
                wrap_errors: bool = True) -> list:
    py_args = [np.asarray(a._numpy()) if numpy_mode else a for a in args]
    if numpy_mode and not wrap_errors:
        ret = func(*py_args)  # TF's eager numpy_function lets func's own exception through
    else:
        try:
            ret = func(*py_args)
        except Exception as e:  # noqa: BLE001 - TF's py_func kernel maps every Python error of func
            raise _py_error(e, fn) from e
    return _convert_out(_results(ret, len(touts), single), touts, numpy_mode, fn)


def _call_traced(func: Callable, args: list, touts: list, single: bool, numpy_mode: bool, fn: str) -> list:
    shapes = [tuple(a.array.shape) for a in args]
    dts = [a.array.dtype for a in args]
    # Probe: JAX needs the result shapes now, so func runs once on zeros of the traced shapes.
    with jax.ensure_compile_time_eval():
        probe_args = [wrap(jax.device_put(np.zeros(s, d))) for s, d in zip(shapes, dts)]
        saved = state.tracing[:]
        del state.tracing[:]
        try:
            probe = _call_eager(func, probe_args, touts, single, numpy_mode, fn)
        finally:
            state.tracing.extend(saved)
    specs = [jax.ShapeDtypeStruct(tuple(t.array.shape), dt._np) for t, dt in zip(probe, touts)]

    def host(*arrays: Any) -> list:
        ins = [wrap(jax.device_put(np.asarray(a))) for a in arrays]
        try:
            outs = _call_eager(func, ins, touts, single, numpy_mode, fn)
        except Exception as e:  # noqa: BLE001
            raise _remember(e) from e
        res = []
        for o, s in zip(outs, specs):
            a = np.asarray(o._numpy())
            if a.shape != s.shape:
                raise _remember(errors.InvalidArgumentError(
                    None, None, f"{fn}: inside tf.function the function returned shape {list(a.shape)}, but its "
                                f"trace-time call returned {list(s.shape)}; tfshim compiles static shapes (JAX), so "
                                "its output shapes must not depend on the input values."))
            res.append(a.astype(s.dtype, copy=False))
        return res

    outs = io_callback(host, specs, *[a.array for a in args], ordered=True)
    return [wrap(o) for o in outs]


def _script(func: Callable, inp: Any, Tout: Any, numpy_mode: bool, fn: str) -> Any:
    touts, single = _tout(Tout, fn)
    args = _inputs(inp)
    traced = any(isinstance(a.array, _Tracer) for a in args) or bool(state.tracing)
    if traced and state.replaying and not state.tracing:
        # A Dataset function being traced: make it run eagerly per element instead (TF: host call per element).
        raise TypeError(f"{fn} runs Python on the host; this function is called eagerly per element.")
    if traced and (any(t == _dt.string for t in touts) or any(a.dtype == _dt.string for a in args)):
        # Strings live on the host: the tf.function runs this call signature eagerly (core/dispatch).
        raise HostValueInTrace(f"{fn} with tf.string values")
    if traced:
        outs = _call_traced(func, args, touts, single, numpy_mode, fn)
    else:
        outs = _call_eager(func, args, touts, single, numpy_mode, fn, wrap_errors=False)
    return outs[0] if single else outs


def _decorator_or_call(func: Any, inp: Any, Tout: Any, numpy_mode: bool, fn: str, stateful: bool = True) -> Any:
    if Tout is None:
        raise TypeError(f"Missing required argument: 'Tout'\n  If using {fn} as a decorator, set `Tout`\n  "
                        f"**by name** above the function:\n  `@{fn}(Tout=tout)`")
    if func is None:
        def deco(f: Callable) -> Callable:
            def wrapper(*args: Any) -> Any:
                return _script(f, list(args), Tout, numpy_mode, fn)

            wrapper.__name__ = getattr(f, "__name__", "wrapper")
            wrapper.__doc__ = getattr(f, "__doc__", None)
            return wrapper

        return deco
    if not callable(func):
        raise TypeError(f"{fn}: `func` must be callable, got {func!r}.")
    return _script(func, inp, Tout, numpy_mode, fn)


def py_function(func: Any = None, inp: Any = None, Tout: Any = None, name: Any = None) -> Any:
    """tf.py_function: run ``func`` (Python on Tensors) as an op; ``Tout`` a dtype (one result) or a list of
    dtypes (a list of results). ``func=None`` gives a decorator (``@tf.py_function(Tout=...)``)."""
    return _decorator_or_call(func, inp, Tout, False, "tf.py_function")


def numpy_function(func: Any = None, inp: Any = None, Tout: Any = None, stateful: bool = True,
                   name: Any = None) -> Any:
    """tf.numpy_function: run ``func`` on NumPy arrays as an op; ``Tout`` as in ``tf.py_function``."""
    return _decorator_or_call(func, inp, Tout, True, "tf.numpy_function", stateful)


register(("py_function",), py_function)
register(("numpy_function",), numpy_function)
register(("timestamp",), timestamp)
