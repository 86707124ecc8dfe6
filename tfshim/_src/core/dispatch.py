"""The single place where an op runs: unwrap → cached jitted JAX function → wrap → record.

``primitive(impl, **attrs)`` returns the jitted function for one op and its static attributes
(cached, so JAX's C++ fast path is used on every later call and a recorded node can be keyed
by the function object). ``execute`` runs it on Tensors, turns JAX's exceptions into TF's,
and records the call on every recording tape / forward accumulator. Every op of the op table,
the elementwise and matmul fast paths included, runs through ``execute``.

Inputs are read through the innermost stateless scope when it substitutes tensors (a control-flow
body replayed under a JAX transformation sees its captured tensors as the replay's values).
"""

from __future__ import annotations

import functools
import itertools
from typing import Any, Callable

import jax

from . import dtypes as _dt
from . import errors, state
from .record import ACCUMULATING, record
from .stateless import SUBSTITUTING
from .tensor import Tensor, wrap

# (impl, attrs) -> jitted function. Bounded: a program that makes ever new static attributes (a new
# Python float as an attribute each step) must not grow it without end. Eviction is oldest-first;
# an evicted entry only costs a new jit (recorded tape nodes keep their function objects).
_cache: dict = {}
CACHE_SIZE = 8192

try:  # the exception XLA raises at run time (e.g. a failed runtime check)
    from jax.errors import JaxRuntimeError as _XlaError
except ImportError:  # pragma: no cover - older jax
    from jaxlib.xla_extension import XlaRuntimeError as _XlaError

# Exceptions that mean "the op got bad input" when raised by JAX while running an op.
JAX_ERRORS = (TypeError, ValueError, IndexError, _XlaError, ZeroDivisionError, jax.errors.ConcretizationTypeError)


def primitive(impl: Callable, **attrs: Any) -> Callable:
    """The cached ``jax.jit`` of ``impl`` with static ``attrs`` bound (attrs must be hashable)."""
    key = (impl, tuple(sorted(attrs.items()))) if attrs else impl
    f = _cache.get(key)
    if f is None:
        f = jax.jit(functools.partial(impl, **attrs) if attrs else impl)
        f.__name__ = getattr(impl, "__name__", "op")
        if len(_cache) >= CACHE_SIZE:
            for old in list(itertools.islice(_cache, CACHE_SIZE // 4)):
                del _cache[old]
        _cache[key] = f
    return f


class FallBack(Exception):  # noqa: N818 - internal control flow
    """Raised by a fast-path primitive at trace time when its inputs need the op's checked path."""


def execute(fn: Callable, inputs: tuple, op_name: str) -> Any:
    """Run ``fn`` (from ``primitive``) on Tensors ``inputs``; returns a Tensor or a tuple of Tensors."""
    try:
        # A substituting scope is rare (a control-flow body replayed under a JAX transformation); the
        # process-wide count keeps the per-thread lookup off the hot path otherwise.
        if SUBSTITUTING[0] and state.scopes and state.scopes[-1].tensors:
            out = fn(*state.scopes[-1].arrays(inputs))
        elif len(inputs) == 2:
            out = fn(inputs[0].array, inputs[1].array)
        elif len(inputs) == 1:
            out = fn(inputs[0].array)
        else:
            out = fn(*[t.array for t in inputs])
    except JAX_ERRORS as e:
        raise translate(e, op_name, inputs) from None
    res = tuple(map(wrap, out)) if type(out) is tuple or type(out) is list else wrap(out)
    if state.recording_tapes or (ACCUMULATING[0] and state.accumulators):
        record(fn, inputs, res)
    return res


def run(impl: Callable, inputs: tuple, op_name: str, **attrs: Any) -> Any:
    """``execute(primitive(impl, **attrs), inputs, op_name)``: the usual one-line op body."""
    return execute(primitive(impl, **attrs), inputs, op_name)


def translate(e: BaseException, op_name: str, inputs: tuple = ()) -> BaseException:
    """A TF error for a JAX exception raised while running ``op_name`` on ``inputs``."""
    if isinstance(e, errors.OpError):
        return e
    got = ", ".join(_describe(t) for t in inputs)
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return errors.InvalidArgumentError(
        None, None,
        f"{op_name}: {msg} (received {got}); check the shapes and dtypes of the arguments.",
    )


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
