"""Runtime checks that TF's kernels make, kept inside traced code (tf.function, Dataset.map, Keras steps).

TF's CPU kernels check their input values when they run: ``tf.gather`` an index out of range, integer
division by zero, ``tf.debugging.assert_*``, ``check_numerics``, a sparse label outside ``[0, classes)``.
Eagerly tfshim checks the concrete values (:func:`require` raises at once). Inside a JAX trace the values
are unknown, so :func:`require` emits a ``jax.experimental.checkify`` check instead, but only while a
:class:`CheckScope` is open: the owners of compiled programs (``tf.function``, ``Dataset.map``, Keras'
``fit``/``evaluate``/``predict`` steps) trace their function once plainly under a scope; when the trace
emitted a check they trace it again wrapped by :func:`checkified`, and after every call hand the returned
error to :func:`throw`, which raises the TF error class the check named. A program without checks is
unchanged (no extra outputs, no host round trip). Traces with no scope open (symbolic shape inference,
the tape's replay, ``custom_gradient``) do not check, which is what TF's graph-free paths do too.

Differences from TF: a function whose trace emits a check is traced twice (Python side effects of the
trace run twice); the checks run on every device (TF's GPU gather does not check).
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.extend
import jax.numpy as jnp
import numpy as np
from jax.experimental import checkify

from . import errors, state

_MARK = "TFSHIM-CHECK"


class CheckScope:
    """Open while a program that can carry checks is traced; ``emit`` False only counts them."""

    def __init__(self, emit: bool):
        self.emit = emit
        self.count = 0

    def __enter__(self) -> CheckScope:
        state.check_scopes.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        state.check_scopes.remove(self)


def active() -> bool:
    """Whether a traced check would be kept (a program owner has a scope open)."""
    return bool(state.check_scopes)


def _is_traced(x: Any) -> bool:
    return isinstance(x, jax.core.Tracer)


def require(ok: Any, error: type, message: str, **values: Any) -> None:
    """Check that every element of the boolean array ``ok`` is True, or raise ``error(message)``.

    ``message`` is a ``str.format`` template whose fields are the arrays of ``values`` (scalars, computed
    where the check is made). Concrete ``ok``: checked now. Traced: a checkify check inside an open
    :class:`CheckScope`, nothing otherwise.
    """
    if not _is_traced(ok) and not any(_is_traced(v) for v in values.values()):
        if not bool(np.all(np.asarray(ok))):
            shown = {k: np.asarray(v).item() if np.ndim(v) == 0 else np.asarray(v) for k, v in values.items()}
            raise error(None, None, message.format(**shown))
        return
    if not state.check_scopes:
        return
    scope = state.check_scopes[-1]
    scope.count += 1
    if scope.emit:
        checkify.check(jnp.all(ok), f"{_MARK}|{error.__name__}|{message}", **values)


def first_bad(ok: Any, values: Any) -> tuple:
    """(flat position, value) of the first False of ``ok`` in ``values`` (any position when all are True)."""
    flat = jnp.ravel(ok)
    k = jnp.argmin(flat) if flat.size else jnp.zeros((), jnp.int32)
    v = jnp.ravel(values)[k] if flat.size else jnp.zeros((), jnp.ravel(values).dtype)
    return k, v


def checkified(fn: Callable) -> Callable:
    """``fn`` returning ``(error, result)``; its checks are emitted (trace it inside the returned function)."""
    inner = checkify.checkify(fn, errors=checkify.user_checks)

    def run(*args: Any, **kwargs: Any) -> Any:
        with CheckScope(emit=True):
            return inner(*args, **kwargs)

    return run


def emitting(fn: Callable) -> tuple[Callable, CheckScope]:
    """``fn`` traced under an emitting scope: its checks are left in the traced program (which then must go
    through :func:`checked_program` to run); the scope's ``count`` says whether it made any."""
    scope = CheckScope(emit=True)

    def run(*args: Any, **kwargs: Any) -> Any:
        with scope:
            return fn(*args, **kwargs)

    return run, scope


def checked_program(traced: Any) -> Callable:
    """The program of ``traced`` (a ``jax.jit(...).trace(...)`` result whose function emitted checks) as a
    function returning ``(error, result)``: its checks are functionalised from the traced program, so the
    Python function is not run (traced) a second time."""
    closed, out_tree = traced.jaxpr, traced.out_tree
    run_jaxpr = jax.extend.core.jaxpr_as_fun(closed)

    def program(*args: Any) -> Any:
        return jax.tree_util.tree_unflatten(out_tree, run_jaxpr(*jax.tree_util.tree_leaves(args)))

    return checkify.checkify(program, errors=checkify.user_checks)


def counting(fn: Callable) -> tuple[Callable, CheckScope]:
    """``fn`` traced under a counting scope; the scope's ``count`` says whether it made checks."""
    scope = CheckScope(emit=False)

    def run(*args: Any, **kwargs: Any) -> Any:
        with scope:
            return fn(*args, **kwargs)

    return run, scope


def failed(err: Any) -> bool:
    """Whether a checkify error returned by a program is set (one host transfer of its flags)."""
    preds = getattr(err, "_pred", None)
    if preds is None:  # pragma: no cover - another JAX version's Error
        return err.get() is not None
    return any(bool(np.any(p)) for p in jax.device_get(list(preds.values())))


def throw(err: Any, where: str = "") -> None:
    """Raise the TF error a failed check names (nothing when no check failed). Inside an enclosing trace (a
    checked tf.function called by another) the error is handed on to the enclosing program's checks."""
    preds = getattr(err, "_pred", None) or {}
    if any(isinstance(p, jax.core.Tracer) for p in preds.values()):
        if state.check_scopes:
            scope = state.check_scopes[-1]
            scope.count += 1
            if scope.emit:
                checkify.check_error(err)
        return
    if not failed(err):
        return
    raise error_of(err.get() or "", where)


def error_of(text: str, where: str = "") -> Exception:
    """The TF exception for a checkify message made by :func:`require`."""
    if _MARK in text:
        _, name, msg = text.split(_MARK, 1)[1].split("|", 2)
        msg = msg.replace(" (`check` failed)", "").strip()
        cls = getattr(errors, name, errors.InvalidArgumentError)
    else:  # pragma: no cover - a check tfshim did not make
        cls, msg = errors.InvalidArgumentError, text
    if where:
        msg = f"{msg} (in {where})"
    return cls(None, None, msg)
