"""The stateless scope: what Variables read and write while a step is traced or replayed.

One protocol for every place that runs user code as a pure function of variable state
(tf.function, Keras ``fit``'s compiled step, ``strategy.run``, the functional control-flow ops,
``custom_gradient``'s backward, ``Layer.stateless_call`` and Keras' symbolic shape inference):

    with StatelessScope(variables, values) as scope:
        ...user code: v.read_value(), v.assign(...), optimizer.apply_gradients(...)...
    new_values = scope.values()          # the full new state, one value per variable

Inside the scope a mapped Variable reads and writes the scope's value; the Variable itself is never
changed, so another thread using the same Variable at the same time sees only its own state, and
the step can return every variable's value (which is what lets compiled steps donate buffers).

A Variable the scope does not map is handled by ``lift``: ``lift=True`` (a tracing owner such as
tf.function) raises ``LiftVariable`` so the owner adds it and traces again; ``lift=False`` uses the
enclosing scope, or the Variable's own value outside every scope. A scope can also substitute the
arrays of given Tensors (``tensors``: captured tensors of a control-flow body being replayed under
a JAX transformation); dispatch reads op inputs through ``arrays``.

Scopes live on the per-thread ``state.scopes`` stack, as Keras 3's StatelessScope.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterator, Sequence

from . import state


class LiftVariable(Exception):  # noqa: N818 - internal control flow, never reaches users
    """Raised inside a lifting scope when a Variable it does not map is read or assigned."""

    def __init__(self, var: Any):
        super().__init__("internal: variable must be lifted")
        self.var = var


class CreatedVariable(Exception):  # noqa: N818 - internal control flow
    """Raised when a traced function creates a tf.Variable inside a lifting scope."""


# How many substituting scopes (with ``tensors``) are entered, in all threads: dispatch looks at the
# per-thread stack only while this is non-zero.
SUBSTITUTING = [0]
_COUNT_LOCK = threading.Lock()


class StatelessScope:
    """Maps Variables to values (arrays or tracers) for the code run inside it, per thread."""

    __slots__ = ("variables", "initial", "_values", "_pos", "lift", "tensors", "parent")

    def __init__(
        self, variables: Sequence, values: Sequence | None = None, *, lift: bool = True, tensors: dict | None = None
    ):
        self.variables = list(variables)
        self.initial = [v.array for v in self.variables] if values is None else list(values)
        if len(self.initial) != len(self.variables):
            raise ValueError(f"StatelessScope: {len(self.variables)} variables but {len(self.initial)} values.")
        self._values = list(self.initial)
        self._pos = {id(v): i for i, v in enumerate(self.variables)}
        self.lift = lift
        self.tensors = dict(tensors) if tensors else {}  # id(Tensor) -> substituted array
        self.parent: StatelessScope | None = None

    # -- entering ------------------------------------------------------------------------
    def __enter__(self) -> StatelessScope:
        self.parent = state.scopes[-1] if state.scopes else None
        if self.parent is not None and self.parent.tensors:
            self.tensors = {**self.parent.tensors, **self.tensors}
        if self.tensors:
            with _COUNT_LOCK:
                SUBSTITUTING[0] += 1
        state.scopes.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        state.scopes.pop()
        if self.tensors:
            with _COUNT_LOCK:
                SUBSTITUTING[0] -= 1
        self.parent = None

    # -- what Variables call -----------------------------------------------------------------
    def maps(self, var: Any) -> bool:
        """Whether this scope (not an enclosing one) holds a value for ``var``."""
        return id(var) in self._pos

    def read(self, var: Any) -> Any:
        i = self._pos.get(id(var))
        if i is not None:
            return self._values[i]
        if self.lift:
            raise LiftVariable(var)
        return self.parent.read(var) if self.parent is not None else var._raw()

    def write(self, var: Any, value: Any) -> None:
        i = self._pos.get(id(var))
        if i is not None:
            self._values[i] = value
        elif self.lift:
            raise LiftVariable(var)
        elif self.parent is not None:
            self.parent.write(var, value)
        else:
            var._value = value

    def on_create(self, var: Any) -> None:
        """A Variable was created inside the scope: a lifting scope's owner must run eagerly first."""
        if self.lift:
            raise CreatedVariable()
        if self.parent is not None:
            self.parent.on_create(var)

    def arrays(self, tensors: Sequence) -> list:
        """The arrays of ``tensors`` as ops inside the scope see them (substitutions applied)."""
        sub = self.tensors
        return [sub.get(id(t), t.array) for t in tensors] if sub else [t.array for t in tensors]

    # -- what the owner reads afterwards --------------------------------------------------------
    def values(self) -> list:
        """The full new state: one value per variable, in the order given."""
        return list(self._values)

    def changed(self) -> list:
        """Indices of the variables whose value was written inside the scope."""
        return [i for i, (a, b) in enumerate(zip(self._values, self.initial)) if a is not b]


def array_of(t: Any) -> Any:
    """``t.array`` as ops in the innermost scope see it (a captured tensor may be substituted)."""
    if SUBSTITUTING[0] and state.scopes and state.scopes[-1].tensors:
        return state.scopes[-1].tensors.get(id(t), t.array)
    return t.array


@contextlib.contextmanager
def outside_scopes() -> Iterator[None]:
    """Run a block as if no tracing or stateless scope were active (creating internal state)."""
    saved_scopes, saved_tracing = list(state.scopes), list(state.tracing)
    state.scopes[:] = []
    state.tracing[:] = []
    try:
        yield
    finally:
        state.scopes[:] = saved_scopes
        state.tracing[:] = saved_tracing
