"""tf.Variable: a mutable holder of a jax.Array whose reads go through tapes.

Every read (``read_value``, conversion to a tensor, operators) produces a fresh Tensor that
recording tapes treat as a leaf for this variable, so ``assign`` between two reads is correct.

The array lives in ``_value``, which only this file and the stateless scope touch. ``array`` reads
the current value as the calling thread sees it (a stateless scope's value while a step is traced,
else the Variable's own) and ``write_array`` writes it; everything above the core uses those two,
``read_value`` or ``assign``. ``assign_add``/``assign_sub`` are atomic across threads, as TF's.
"""

from __future__ import annotations

import contextlib
import enum
import sys
import threading
import weakref
from typing import Any, Iterator

import jax
import numpy as np

from . import dtypes as _dt
from . import state
from .convert import cast, constant, convert_to_tensor
from .device import device_name_of
from .dispatch import run
from .record import ACCUMULATING, on_variable_assign, on_variable_read
from .stateless import CreatedVariable
from .tensor import Reference, Tensor, _np_repr, wrap
from .tensor_shape import TensorShape


@contextlib.contextmanager
def name_scope(name: str) -> Iterator[str]:
    """tf.name_scope(name): prefix the names of variables created inside (in this thread) with ``name/``."""
    if name is None or name == "":
        state.name_scopes.append("")
    else:
        if not isinstance(name, str):
            raise ValueError(f"tf.name_scope: name must be a string, got {name!r}.")
        state.name_scopes.append(name.rstrip("/"))
    try:
        yield current_scope() + "/" if current_scope() else ""
    finally:
        state.name_scopes.pop()


def current_scope() -> str:
    """The calling thread's name-scope prefix ("a/b"), "" outside every tf.name_scope."""
    return "/".join(s for s in state.name_scopes if s)


def _add(a: Any, b: Any) -> Any:
    return a + b


def _sub(a: Any, b: Any) -> Any:
    return a - b



class VariableSynchronization(enum.IntEnum):
    """tf.VariableSynchronization (TF's is an ``enum.Enum``; this IntEnum also compares equal to the codes)."""

    AUTO, NONE, ON_WRITE, ON_READ = 0, 1, 2, 3


class VariableAggregation(enum.IntEnum):
    """tf.VariableAggregation (TF's is an ``enum.Enum``; this IntEnum also compares equal to the codes)."""

    NONE, SUM, MEAN, ONLY_FIRST_REPLICA = 0, 1, 2, 3


class Variable:
    """tf.Variable: mutable state. Differences from TF: backed by a jax.Array; no string variables."""

    _tfshim_variable = True
    __array_priority__ = 100
    _sharding = None  # set for variables created in a tf.distribute strategy's scope

    def __init__(
        self,
        initial_value: Any = None,
        trainable: Any = None,
        validate_shape: bool = True,
        caching_device: Any = None,
        name: Any = None,
        variable_def: Any = None,
        dtype: Any = None,
        import_scope: Any = None,
        constraint: Any = None,
        synchronization: Any = VariableSynchronization.AUTO,
        aggregation: Any = VariableAggregation.NONE,
        shape: Any = None,
        experimental_enable_variable_lifting: bool = True,
    ):
        if initial_value is None:
            raise ValueError("tf.Variable: initial_value must be provided (a value or a callable returning one).")
        if callable(initial_value) and not isinstance(initial_value, (Tensor, Variable)):
            initial_value = initial_value()
        dt = None if dtype is None else _dt.as_dtype(dtype)
        if isinstance(initial_value, Variable):
            initial_value = initial_value.read_value()
        try:
            t = constant(initial_value, dtype=dt) if not isinstance(initial_value, Tensor) else initial_value
        except (TypeError, ValueError) as e:
            raise type(e)(f"tf.Variable: cannot use {initial_value!r} as an initial value: {e}") from None
        if dt is not None and t.dtype != dt:
            t = cast(t, dt)
        if synchronization == VariableSynchronization.ON_READ and trainable:
            raise ValueError("tf.Variable: synchronization=ON_READ cannot be trainable.")
        self._trainable = True if trainable is None else bool(trainable)
        if synchronization == VariableSynchronization.ON_READ and trainable is None:
            self._trainable = False
        self._value = t.array
        self._lock = threading.Lock()
        self._shape = TensorShape(shape) if shape is not None else TensorShape(t.array.shape)
        if shape is not None and not self._shape.is_compatible_with(TensorShape(t.array.shape)):
            raise ValueError(
                f"tf.Variable: the initial value's shape ({tuple(t.array.shape)}) is not compatible with the "
                f"explicitly supplied `shape` argument ({self._shape}); pass a value of that shape, or "
                "shape=tf.TensorShape(None) for a variable whose shape may change.")
        base = name if name is not None else "Variable"
        base = str(base).split(":")[0]
        scope = current_scope()
        self._name = f"{scope}/{base}:0" if scope else f"{base}:0"
        self._constraint = constraint
        self._aggregation = aggregation
        self._synchronization = synchronization
        # Creation inside a lifting scope (a traced tf.function step) raises CreatedVariable before the
        # new variable is placed or registered: the owner runs that call eagerly instead.
        if state.scopes:
            state.scopes[-1].on_create(self)
        elif state.tracing:
            raise CreatedVariable()
        if state.strategy_stack:  # created under tf.distribute strategy.scope(): replicate it
            state.strategy_stack[-1]._place_variable(self)
        _live[id(self)] = self
        for hook in _creation_hooks:
            hook(self)

    # -- reading ----------------------------------------------------------------
    @property
    def array(self) -> Any:
        """The current jax.Array (or tracer) as this thread sees it; no tape records it (tfshim extension)."""
        scopes = state.scopes
        if scopes:
            return scopes[-1].read(self)
        v = self._value
        return v if v.__class__ is not InFlight else settled(self)

    def write_array(self, value: Any) -> None:
        """Set the current value to the jax array ``value`` of the same shape and dtype, unchecked (tfshim
        internal: optimizers, restore and distribution use it; user code calls ``assign``)."""
        scopes = state.scopes
        if scopes:
            scopes[-1].write(self, value)
        else:
            self._value = value
        if ACCUMULATING[0] and state.accumulators:
            on_variable_assign(self, wrap(value))

    def _raw(self) -> Any:
        """The Variable's own array (no scope), waiting while another thread's compiled step updates it."""
        v = self._value
        return v if v.__class__ is not InFlight else settled(self)

    def _read(self) -> Tensor:
        scopes = state.scopes
        if scopes:
            t = wrap(scopes[-1].read(self))
        else:
            v = self._value
            t = wrap(v if v.__class__ is not InFlight else settled(self))
        if state.recording_tapes or (ACCUMULATING[0] and state.accumulators):
            on_variable_read(self, t)
        return t

    _last_read = _read

    def read_value(self) -> Tensor:
        """Variable.read_value(): the current value as a Tensor."""
        return self._read()

    def value(self) -> Tensor:
        return self._read()

    def __tf_tensor__(self, dtype: Any = None, name: Any = None) -> Tensor:
        if dtype is not None and _dt.as_dtype(dtype)._np != self._raw().dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} for variable {self._name} "
                f"with dtype {self.dtype.name}."
            )
        return self._read()

    def numpy(self) -> Any:
        a = np.array(self.array)
        return a[()] if a.ndim == 0 else a

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = np.asarray(self.array)
        return a.astype(dtype, copy=False) if dtype is not None else a

    # -- properties ---------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> _dt.DType:
        return _dt._BY_NP[self._raw().dtype]

    @property
    def _np_dtype(self) -> Any:
        return self._raw().dtype

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def get_shape(self) -> TensorShape:
        return self._shape

    @property
    def ndim(self) -> int:
        return self._raw().ndim

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def device(self) -> str:
        return device_name_of(self.array)

    @property
    def constraint(self) -> Any:
        return self._constraint

    @property
    def aggregation(self) -> Any:
        return self._aggregation

    @property
    def synchronization(self) -> Any:
        return self._synchronization

    @property
    def initial_value(self) -> Tensor:
        return wrap(self._raw())

    def ref(self) -> Reference:
        return Reference(self)

    experimental_ref = ref

    # -- writing ------------------------------------------------------------------
    def _coerce_new(self, value: Any, fn: str) -> Any:
        if type(value) is Tensor:  # fast path: same dtype and shape as the current value
            v, cur = value.array, self._raw()
            if v.dtype == cur.dtype and v.shape == cur.shape:
                return value
        try:
            if isinstance(value, (Tensor, Variable)):
                t = convert_to_tensor(value)
                if t.array.dtype != self._raw().dtype:  # ValueError, as TF's conversion of the new value
                    raise ValueError(
                        f"Tensor conversion requested dtype {self.dtype.name} for Tensor with dtype {t.dtype.name}: "
                        f"{t!r} (Variable.{fn} on {self._name}; cast it first with tf.cast)"
                    )
            else:
                t = constant(value, dtype=self.dtype)
        except ValueError as e:
            raise ValueError(f"Variable.{fn} on {self._name}: {e}") from None
        if fn != "assign" and tuple(t.array.shape) != tuple(self._raw().shape):
            from . import errors

            raise errors.InvalidArgumentError(
                None, None,
                f"Variable.{fn}: Cannot update variable {self._name} with shape {list(self._raw().shape)} using a "
                f"Tensor with shape {list(t.array.shape)}, shapes must be equal.",
            )
        if not self._shape.is_compatible_with(t.array.shape):
            raise ValueError(
                f"Cannot assign value to variable ' {self._name}': Shape mismatch.The variable shape {self._shape}, "
                f"and the assigned value shape {TensorShape(t.array.shape)} are incompatible."
            )
        return t

    def _set(self, t: Tensor, read_value: bool) -> Any:
        self.write_array(t.array)
        return self if read_value else None

    def assign(self, value: Any, use_locking: Any = None, name: Any = None, read_value: bool = True) -> Any:
        """Variable.assign(value): set the value (shape and dtype must match; nothing changes on error)."""
        t = self._coerce_new(value, "assign")
        return self._set(t, read_value)

    def assign_add(self, delta: Any, use_locking: Any = None, name: Any = None, read_value: bool = True) -> Any:
        """Variable.assign_add(delta): add to the value in place (atomic across threads, as TF)."""
        d = self._coerce_new(delta, "assign_add")
        with self._lock:
            return self._set(run(_add, (wrap(self.array), d), "Variable.assign_add"), read_value)

    def assign_sub(self, delta: Any, use_locking: Any = None, name: Any = None, read_value: bool = True) -> Any:
        """Variable.assign_sub(delta): subtract from the value in place (atomic across threads, as TF)."""
        d = self._coerce_new(delta, "assign_sub")
        with self._lock:
            return self._set(run(_sub, (wrap(self.array), d), "Variable.assign_sub"), read_value)

    # -- Python protocols ---------------------------------------------------------
    def __repr__(self) -> str:
        if isinstance(self.array, jax.core.Tracer):
            return f"<tf.Variable '{self._name}' shape={self._shape} dtype={self.dtype.name}>"
        return (
            f"<tf.Variable '{self._name}' shape={self._shape} dtype={self.dtype.name}, "
            f"numpy={_np_repr(np.asarray(self.array))}>"
        )

    def __str__(self) -> str:
        return repr(self)

    def __hash__(self) -> int:
        raise TypeError("Variable is unhashable. Instead, use variable.ref() as the key.")

    def __bool__(self) -> bool:
        return bool(np.asarray(self.array))

    def __int__(self) -> int:
        return int(np.asarray(self.array))

    def __float__(self) -> float:
        return float(np.asarray(self.array))

    def __index__(self) -> int:
        return np.asarray(self.array).__index__()

    # No __len__: TF variables have no len() (TypeError), unlike tensors.

    def __iter__(self):
        return iter(self._read())

    def __getitem__(self, key: Any) -> Tensor:
        return self._read()[key]

    def __getattr__(self, name: str) -> Any:
        # Tensor methods not defined here (e.g. .numpy variants) resolve on a read, as TF variables do.
        if name.startswith("__") or name.startswith("_"):
            raise AttributeError(name)
        attr = getattr(Tensor, name, None)
        if attr is None or isinstance(attr, property):
            raise AttributeError(f"'Variable' object has no attribute '{name}'")
        return getattr(self._read(), name)

    def __deepcopy__(self, memo: Any) -> Variable:
        v = Variable.__new__(Variable)
        v.__dict__.update(self.__dict__)
        v._value = jax.numpy.array(self.array, copy=True)
        v._lock = threading.Lock()
        memo[id(self)] = v
        return v

    def __reduce__(self):
        return (_rebuild, (self.numpy(), self._trainable, self._name.split(":")[0]))


def _rebuild(value: Any, trainable: bool, name: str) -> Variable:
    return Variable(value, trainable=trainable, name=name)


# Callables run on every new Variable (used by restore-on-create and tf.function).
_creation_hooks: list = []

# Every live Variable by id (tf.distribute snapshots them around its variable-building pass).
_live: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def live_variables() -> list:
    """All Variables still referenced somewhere."""
    return list(_live.values())


class InFlight:
    """Stands in a Variable's ``_value`` while a compiled step consumes (donates) its old buffer.

    Other threads reading the Variable meanwhile wait for the step's new value (TF would give them the
    old or the new value; a deleted buffer is never handed out); the lending thread itself still sees
    the old array (its step may be tracing).
    """

    __slots__ = ("original", "owner")

    def __init__(self, original: Any, owner: int):
        self.original = original
        self.owner = owner


_landed = threading.Condition()
_lending = threading.Lock()
_waiting = 0  # threads waiting in ``settled`` (changed under ``_landed``); ``land`` notifies only when > 0


def settled(var: Variable) -> Any:
    """``var``'s array once no other thread's step has it in flight."""
    global _waiting
    me = threading.get_ident()
    v = var._value
    while v.__class__ is InFlight:
        if v.owner == me:
            return v.original
        with _landed:
            _waiting += 1  # counted before the check: ``land`` notifies whenever a waiter may have missed it
            try:
                if var._value is v:
                    _landed.wait(0.05)
            finally:
                _waiting -= 1
        v = var._value
    return v


# sys.getrefcount of an array that nothing else holds: the in-flight marker, the list of values and
# getrefcount's own argument.
_SOLE_REFS = 3


def lend_for_donation(variables: list) -> list:
    """The arrays of ``variables`` for a compiled step that donates (consumes) them; call ``land`` after.

    Each Variable is marked in flight (other threads wait for its new value instead of reading a buffer
    the step deletes). An array that anything else still holds (a Tensor from an earlier read, another
    Variable sharing it) is passed as a copy, so what others hold never changes; the rest are updated in
    place by XLA. (JAX itself keeps a buffer that a NumPy view holds.)
    """
    getrefcount = sys.getrefcount
    me = threading.get_ident()
    n = len(variables)
    while True:
        with _lending:
            values = [v._value for v in variables]
            for i in range(n):
                if values[i].__class__ is InFlight:
                    break
            else:
                for i in range(n):
                    variables[i]._value = InFlight(values[i], me)
                break
        for v in variables:  # another thread's step holds one of them: wait for it, then try again
            if v._value.__class__ is InFlight and v._value.owner == me:
                raise RuntimeError(f"internal: {v.name} is already lent to a step of this thread")
            settled(v)
    for i in range(n):  # indexing, not zip/enumerate: their cached tuples would hold references
        if getrefcount(values[i]) > _SOLE_REFS:
            values[i] = jax.numpy.array(values[i], copy=True)
    return values


def land(variables: list, new_values: list | None) -> None:
    """End a donating step: the variables take ``new_values`` (None: the step failed, keep the old ones)."""
    for i in range(len(variables)):
        v = variables[i]
        cur = v._value
        if cur.__class__ is InFlight:
            v._value = cur.original if new_values is None else new_values[i]
        elif new_values is not None:
            v._value = new_values[i]
    if _waiting:
        with _landed:
            _landed.notify_all()
