"""tf.Variable: a mutable holder of a jax.Array whose reads go through tapes.

Every read (``read_value``, conversion to a tensor, operators) produces a fresh Tensor that
recording tapes treat as a leaf for this variable, so ``assign`` between two reads is correct.
"""

from __future__ import annotations

import contextlib
import weakref
from typing import Any, Iterator

import jax
import numpy as np

from . import dtypes as _dt
from . import state
from .convert import constant, convert_to_tensor
from .tape import on_variable_read
from .tensor import Reference, Tensor, wrap
from .tensor_shape import TensorShape

_name_scopes: list = []


@contextlib.contextmanager
def name_scope(name: str) -> Iterator[str]:
    """tf.name_scope(name): prefix the names of variables created inside with ``name/``."""
    if name is None or name == "":
        _name_scopes.append("")
    else:
        if not isinstance(name, str):
            raise ValueError(f"tf.name_scope: name must be a string, got {name!r}.")
        _name_scopes.append(name.rstrip("/"))
    try:
        yield current_scope() + "/" if current_scope() else ""
    finally:
        _name_scopes.pop()


def current_scope() -> str:
    return "/".join(s for s in _name_scopes if s)


class VariableSynchronization:
    AUTO, NONE, ON_WRITE, ON_READ = 0, 1, 2, 3


class VariableAggregation:
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
            from .ops.math import cast

            t = cast(t, dt)
        if synchronization == VariableSynchronization.ON_READ and trainable:
            raise ValueError("tf.Variable: synchronization=ON_READ cannot be trainable.")
        self._trainable = True if trainable is None else bool(trainable)
        if synchronization == VariableSynchronization.ON_READ and trainable is None:
            self._trainable = False
        self._value = t._value
        self._shape = TensorShape(shape) if shape is not None else TensorShape(t._value.shape)
        base = name if name is not None else "Variable"
        base = str(base).split(":")[0]
        scope = current_scope()
        self._name = f"{scope}/{base}:0" if scope else f"{base}:0"
        self._constraint = constraint
        self._aggregation = aggregation
        self._synchronization = synchronization
        if state.strategy_stack:  # created under tf.distribute strategy.scope(): replicate it
            state.strategy_stack[-1]._place_variable(self)
        _live[id(self)] = self
        if state.tracing:
            from .function import on_variable_created_in_trace

            on_variable_created_in_trace(self)
        for hook in _creation_hooks:
            hook(self)

    # -- reading ----------------------------------------------------------------
    def _read(self) -> Tensor:
        if state.tracing and _not_lifted(self):
            _lift(self)
        t = wrap(self._value)
        if state.recording_tapes or state.accumulators:
            on_variable_read(self, t)
        return t

    _last_read = _read

    def read_value(self) -> Tensor:
        """Variable.read_value(): the current value as a Tensor."""
        return self._read()

    def value(self) -> Tensor:
        return self._read()

    def __tf_tensor__(self, dtype: Any = None, name: Any = None) -> Tensor:
        if dtype is not None and _dt.as_dtype(dtype)._np != self._value.dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} for variable {self._name} "
                f"with dtype {self.dtype.name}."
            )
        return self._read()

    def numpy(self) -> Any:
        a = np.array(self._value)
        return a[()] if a.ndim == 0 else a

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = np.asarray(self._value)
        return a.astype(dtype, copy=False) if dtype is not None else a

    # -- properties ---------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> _dt.DType:
        return _dt._BY_NP[self._value.dtype]

    @property
    def _np_dtype(self) -> Any:
        return self._value.dtype

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def get_shape(self) -> TensorShape:
        return self._shape

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def device(self) -> str:
        from .device import device_name_of

        return device_name_of(self._value)

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
        return wrap(self._value)

    def ref(self) -> Reference:
        return Reference(self)

    experimental_ref = ref

    # -- writing ------------------------------------------------------------------
    def _coerce_new(self, value: Any, fn: str) -> Any:
        if type(value) is Tensor:  # fast path: same dtype and shape as the current value
            v, cur = value._value, self._value
            if v.dtype == cur.dtype and v.shape == cur.shape:
                return value
        try:
            if isinstance(value, (Tensor, Variable)):
                t = convert_to_tensor(value)
                if t._value.dtype != self._value.dtype:  # ValueError, as TF's conversion of the new value
                    raise ValueError(
                        f"Tensor conversion requested dtype {self.dtype.name} for Tensor with dtype {t.dtype.name}: "
                        f"{t!r} (Variable.{fn} on {self._name}; cast it first with tf.cast)"
                    )
            else:
                t = constant(value, dtype=self.dtype)
        except ValueError as e:
            raise ValueError(f"Variable.{fn} on {self._name}: {e}") from None
        if fn != "assign" and tuple(t._value.shape) != tuple(self._value.shape):
            from . import errors

            raise errors.InvalidArgumentError(
                None, None,
                f"Variable.{fn}: Cannot update variable {self._name} with shape {list(self._value.shape)} using a "
                f"Tensor with shape {list(t._value.shape)}, shapes must be equal.",
            )
        if not self._shape.is_compatible_with(t._value.shape):
            raise ValueError(
                f"Cannot assign value to variable ' {self._name}': Shape mismatch.The variable shape {self._shape}, "
                f"and the assigned value shape {TensorShape(t._value.shape)} are incompatible."
            )
        return t

    def _set(self, t: Tensor, read_value: bool) -> Any:
        if state.tracing and _not_lifted(self):
            _lift(self)
        self._value = t._value
        if state.accumulators:
            from .forward import on_variable_assign

            on_variable_assign(self, t)
        return self if read_value else None

    def assign(self, value: Any, use_locking: Any = None, name: Any = None, read_value: bool = True) -> Any:
        """Variable.assign(value): set the value (shape and dtype must match; nothing changes on error)."""
        t = self._coerce_new(value, "assign")
        return self._set(t, read_value)

    def assign_add(self, delta: Any, use_locking: Any = None, name: Any = None, read_value: bool = True) -> Any:
        """Variable.assign_add(delta): add to the value in place."""
        from .ops.math import add

        d = self._coerce_new(delta, "assign_add")
        return self._set(add(wrap(self._value), d), read_value)

    def assign_sub(self, delta: Any, use_locking: Any = None, name: Any = None, read_value: bool = True) -> Any:
        """Variable.assign_sub(delta): subtract from the value in place."""
        from .ops.math import subtract

        d = self._coerce_new(delta, "assign_sub")
        return self._set(subtract(wrap(self._value), d), read_value)

    # -- Python protocols ---------------------------------------------------------
    def __repr__(self) -> str:
        from .tensor import _np_repr

        if isinstance(self._value, jax.core.Tracer):
            return f"<tf.Variable '{self._name}' shape={self._shape} dtype={self.dtype.name}>"
        return (
            f"<tf.Variable '{self._name}' shape={self._shape} dtype={self.dtype.name}, "
            f"numpy={_np_repr(np.asarray(self._value))}>"
        )

    def __str__(self) -> str:
        return repr(self)

    def __hash__(self) -> int:
        raise TypeError("Variable is unhashable. Instead, use variable.ref() as the key.")

    def __bool__(self) -> bool:
        return bool(np.asarray(self._value))

    def __int__(self) -> int:
        return int(np.asarray(self._value))

    def __float__(self) -> float:
        return float(np.asarray(self._value))

    def __index__(self) -> int:
        return np.asarray(self._value).__index__()

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
        v._value = jax.numpy.array(self._value, copy=True)
        memo[id(self)] = v
        return v

    def __reduce__(self):
        return (_rebuild, (self.numpy(), self._trainable, self._name.split(":")[0]))


def _not_lifted(var: Variable) -> bool:
    """While tracing: the variable is not an input of the innermost trace (tf.function or strategy.run)."""
    return not isinstance(var._value, jax.core.Tracer) or bool(
        state.spmd_vars and id(var) not in state.spmd_vars[-1]
    )


def _lift(var: Variable) -> None:
    """A variable not yet lifted into the function being traced: tf.function retraces with it."""
    from .function import LiftVariable

    raise LiftVariable(var)


def _rebuild(value: Any, trainable: bool, name: str) -> Variable:
    return Variable(value, trainable=trainable, name=name)


# Callables run on every new Variable (used by restore-on-create and tf.function).
_creation_hooks: list = []

# Every live Variable by id (tf.distribute snapshots them around its variable-building pass).
_live: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def live_variables() -> list:
    """All Variables still referenced somewhere."""
    return list(_live.values())
