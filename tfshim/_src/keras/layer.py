"""tf.keras.layers.Layer on tfshim: ``build``/``call``/``add_weight``, lazy build, weight tracking.

Weights are ``KerasVariable``s: tfshim Variables (so tapes, tf.function and checkpoints see them)
whose ``name`` and ``path`` follow Keras 3 (``kernel``, ``dense/kernel``). Sublayers are found
from the layer's attributes in assignment order (lists, tuples and dicts included), as Keras 3
tracks them. Raw ``tf.Variable`` attributes are not Keras weights (Keras 3 ignores them too).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from typing import Any, Callable, Iterator

import jax
import numpy as np

from ..core import dtypes as _dt
from ..core import state
from ..core.convert import convert_to_tensor
from ..core.stateless import StatelessScope
from ..core.tensor import Tensor
from ..core.variable import Variable
from ..module import Module
from . import constraints as _constraints
from . import dtype_policy as _policy
from . import initializers as _init
from . import regularizers as _reg
from .backend import standardize_dtype, to_snake_case, unique_name

# Both stacks are per thread, as Keras 3's global state: ``state.call_contexts`` holds the training
# values of the enclosing Layer.__call__s and ``state.layer_scopes`` the (id(layer), name) of the layers
# whose scope is open (the prefix of new weights' paths), innermost last. A layer called in one thread
# never sees another thread's training flag or weight-path prefix.


class KerasVariable(Variable):
    """A Keras weight: a tfshim Variable with Keras 3's ``name`` (``kernel``) and ``path`` (``dense/kernel``)."""

    def __init__(self, value: Any, *, name: str, path: str, trainable: bool = True, dtype: Any = None,
                 constraint: Any = None, regularizer: Any = None, aggregation: Any = "none", autocast: bool = True):
        from .metrics import _aggregation

        Variable.__init__(self, value, trainable=trainable, name=path, dtype=dtype, constraint=constraint,
                          aggregation=_aggregation(aggregation))
        self._keras_name = name
        self._path = path
        self.regularizer = regularizer
        self.autocast = autocast

    def __tf_tensor__(self, dtype: Any = None, name: Any = None) -> Tensor:
        ac = state.autocast
        if ac and dtype is None and self.autocast and ac[-1] is not None:
            target = ac[-1]
            if target != self._dtype_name() and self.dtype.is_floating:  # a read inside a mixed-precision call
                from ..ops.math import cast

                return cast(self._read(), target)
        return Variable.__tf_tensor__(self, dtype, name)

    def _dtype_name(self) -> str:
        return self.dtype.name

    @property
    def name(self) -> str:
        return self._keras_name

    @property
    def path(self) -> str:
        return self._path

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    def __repr__(self) -> str:
        if isinstance(self.array, jax.core.Tracer):
            value = "<traced>"
        else:
            value = str(np.asarray(self.array))
        return f"<Variable path={self._path}, shape={tuple(self.shape)}, dtype={self.dtype.name}, value={value}>"


@contextlib.contextmanager
def layer_scope(layer: Layer) -> Iterator[None]:
    """Open ``layer``'s name scope for weight paths (once: re-entering the innermost layer is a no-op)."""
    scopes = state.layer_scopes
    if scopes and scopes[-1][0] == id(layer):
        yield
        return
    scopes.append((id(layer), layer.name))
    try:
        yield
    finally:
        scopes.pop()


@contextlib.contextmanager
def eager_scope() -> Iterator[None]:
    """Run concretely even inside a JAX trace and record nothing (weight initialisation)."""
    saved = list(state.recording_tapes)
    state.recording_tapes[:] = []
    try:
        with jax.ensure_compile_time_eval():
            yield
    finally:
        state.recording_tapes[:] = saved


def _wrap_build(build: Callable) -> Callable:
    if getattr(build, "_keras_wrapped", False):
        return build

    @functools.wraps(build)
    def wrapped(self: Layer, *args: Any, **kwargs: Any) -> Any:
        with layer_scope(self):
            out = build(self, *args, **kwargs)
        self.built = True
        return out

    wrapped._keras_wrapped = True
    return wrapped


@functools.cache
def _call_params(cls: type) -> tuple:
    """(names of call's parameters, whether it takes **kwargs)."""
    try:
        params = inspect.signature(cls.call).parameters
    except (TypeError, ValueError):
        return (), True
    var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    return tuple(params), var_kw


def shape_of(x: Any) -> Any:
    """Static shape of a Tensor/array/KerasTensor as a tuple (None for unknown dims), mapped over nests."""
    if isinstance(x, (list, tuple)):
        return type(x)(shape_of(v) for v in x) if isinstance(x, list) else tuple(shape_of(v) for v in x)
    if isinstance(x, dict):
        return {k: shape_of(v) for k, v in x.items()}
    shp = getattr(x, "shape", None)
    if shp is None:
        return ()
    return tuple(None if d is None else int(d) for d in (shp if isinstance(shp, tuple) else list(shp)))


class InputSpec:
    """tf.keras.layers.InputSpec / tf.keras.InputSpec: the rank, shape and sizes a layer accepts.

    ``Layer.__call__`` checks its first input against ``layer.input_spec`` (a spec or a list of specs, one per
    input) and raises ValueError as Keras does: ``ndim`` / ``min_ndim`` / ``max_ndim`` bound the rank,
    ``axes`` maps an axis to its required size, ``shape`` gives sizes (None: any)."""

    def __init__(self, dtype: Any = None, shape: Any = None, ndim: Any = None, max_ndim: Any = None,
                 min_ndim: Any = None, axes: Any = None, allow_last_axis_squeeze: bool = False, name: Any = None,
                 optional: bool = False):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def __repr__(self) -> str:
        parts = [f"{k}={v}" for k, v in (("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
                                         ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim),
                                         ("axes", self.axes or None)) if v is not None]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self) -> dict:
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config: dict) -> InputSpec:
        return cls(**config)


def assert_input_compatibility(spec: Any, inputs: Any, layer_name: str) -> None:
    """Keras' input check: ValueError naming the layer, what it expected and the shape received."""
    if spec is None:
        return
    specs = spec if isinstance(spec, (list, tuple)) else [spec]
    xs = list(inputs) if isinstance(inputs, (list, tuple)) and len(specs) > 1 else [inputs]
    for i, (s, x) in enumerate(zip(specs, xs)):
        if s is None or not hasattr(x, "shape"):
            continue
        shape = shape_of(x)
        nd = len(shape)
        head = f"Input {i} of layer '{layer_name}' is incompatible with the layer: "
        if s.ndim is not None and nd != s.ndim:
            raise ValueError(f"{head}expected ndim={s.ndim}, found ndim={nd}. Full shape received: {shape}")
        if s.max_ndim is not None and nd > s.max_ndim:
            raise ValueError(f"{head}expected max_ndim={s.max_ndim}, found ndim={nd}. Full shape received: {shape}")
        if s.min_ndim is not None and nd < s.min_ndim:
            raise ValueError(f"{head}expected min_ndim={s.min_ndim}, found ndim={nd}. Full shape received: {shape}")
        for axis, value in s.axes.items():
            if value is None or not -nd <= axis < nd:
                continue
            if shape[axis] is not None and shape[axis] != value:
                raise ValueError(f"{head}expected axis {axis} of input shape to have value {value}, but received "
                                 f"input with shape {shape}")
        if s.shape is not None:
            for want, got in zip(s.shape, shape):
                if want is not None and got is not None and want != got:
                    raise ValueError(f"{head}expected shape={s.shape}, found shape={shape}")


def _convert_inputs(x: Any, dtype: str, autocast: bool) -> Any:
    if isinstance(x, Tensor):
        if autocast and x.array.dtype != np.dtype(dtype) and x.dtype.is_floating:
            from ..ops.math import cast

            return cast(x, dtype)
        return x
    if isinstance(x, (np.ndarray, np.generic, Variable)):
        return _convert_inputs(convert_to_tensor(x), dtype, autocast)
    if isinstance(x, list):
        return [_convert_inputs(v, dtype, autocast) for v in x]
    if isinstance(x, tuple):
        return tuple(_convert_inputs(v, dtype, autocast) for v in x)
    if isinstance(x, dict):
        return {k: _convert_inputs(v, dtype, autocast) for k, v in x.items()}
    return x


def _is_symbolic(args: tuple, kwargs: dict) -> bool:
    from .input import KerasTensor

    def any_kt(v: Any) -> bool:
        if isinstance(v, KerasTensor):
            return True
        if isinstance(v, (list, tuple)):
            return any(any_kt(e) for e in v)
        if isinstance(v, dict):
            return any(any_kt(e) for e in v.values())
        return False

    return any_kt(args) or any_kt(kwargs)


class Layer(Module):
    """tf.keras.layers.Layer (Keras 3 semantics): override ``build(input_shape)`` and ``call(inputs)``.

    Difference from Keras: masks are not propagated.
    """

    # attributes never searched for sublayers
    _NOT_TRACKED = frozenset({"_inbound_nodes", "_outbound_nodes"})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:
            cls.build = _wrap_build(cls.__dict__["build"])

    def __init__(self, *, activity_regularizer: Any = None, trainable: bool = True, dtype: Any = None,
                 autocast: bool = True, name: str | None = None, **kwargs: Any):
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        kwargs.pop("input_length", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        if name is None:
            name = unique_name(to_snake_case(type(self).__name__))
        elif not isinstance(name, str):
            raise TypeError(f"Argument `name` must be a string. Received: name={name}")
        d = self.__dict__
        d["_name"] = name
        d["_scope_name"] = name
        d["built"] = False
        d["_trainable"] = bool(trainable)
        policy = _policy.get(dtype)  # None: the global policy (tf.keras.mixed_precision.set_global_policy)
        d["_dtype_policy"] = policy
        d["_dtype"] = policy.variable_dtype
        d["_compute_dtype"] = policy.compute_dtype
        d["_distribute_strategy"] = state.strategy_stack[-1] if state.strategy_stack else None
        d["autocast"] = autocast
        d["_own_trainable"] = []
        d["_own_non_trainable"] = []
        d["_losses"] = []
        d["_inbound_nodes"] = []
        d["_last_output_shape"] = None
        d["activity_regularizer"] = _reg.get(activity_regularizer)
        if batch_input_shape is not None:
            d["_input_shape_arg"] = tuple(batch_input_shape)
        elif input_shape is not None:
            d["_input_shape_arg"] = (batch_size,) + tuple(input_shape)
        elif input_dim is not None:
            d["_input_shape_arg"] = (batch_size, int(input_dim))
        else:
            d["_input_shape_arg"] = None

    def _ensure_init(self) -> None:
        if "_own_trainable" not in self.__dict__:
            raise RuntimeError(
                f"It looks like you are subclassing `Layer`/`Model` ({type(self).__name__}) and forgot to call "
                f"`super().__init__()`. Always start with this line."
            )

    # -- properties ------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> str:
        """The weights' dtype name ('float32'; also under the 'mixed_float16' policy)."""
        return self._dtype

    @property
    def compute_dtype(self) -> str:
        """The dtype the layer computes in: inputs and weights are cast to it in ``call`` ('float16' under
        'mixed_float16')."""
        return self.__dict__.get("_compute_dtype", self._dtype)

    @property
    def variable_dtype(self) -> str:
        return self._dtype

    @property
    def dtype_policy(self) -> Any:
        """The layer's tf.keras.mixed_precision.DTypePolicy."""
        return self.__dict__.get("_dtype_policy") or _policy.DTypePolicy(self._dtype)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self.__dict__["_trainable"] = value
        for v in self._own_trainable:
            v.trainable = value
        for layer in self._sublayers():
            layer.trainable = value

    @property
    def input_shape(self) -> Any:
        node = self._first_node()
        return shape_of(node.args[0]) if node is not None and node.args else None

    @property
    def output_shape(self) -> Any:
        node = self._first_node()
        if node is None:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no defined output shape.")
        return shape_of(node.out_struct)

    @property
    def input(self) -> Any:
        node = self._first_node()
        if node is None:
            raise AttributeError(f"Layer {self.name} is not connected, no input to return.")
        return node.args[0] if node.args else None

    @property
    def output(self) -> Any:
        node = self._first_node()
        if node is None:
            raise AttributeError(f"Layer {self.name} has no inbound nodes.")
        return node.out_struct

    def _first_node(self) -> Any:
        nodes = self.__dict__.get("_inbound_nodes") or []
        return nodes[0] if nodes else None

    # -- tracking ------------------------------------------------------------------------
    def _sublayers(self) -> list:
        """Directly tracked sublayers, in attribute-assignment order."""
        out: list = []
        seen = {id(self)}

        def visit(v: Any) -> None:
            if isinstance(v, Layer):
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
            elif isinstance(v, (list, tuple)):
                for e in v:
                    visit(e)
            elif isinstance(v, dict):
                for e in v.values():
                    visit(e)

        for k, v in self.__dict__.items():
            if k not in self._NOT_TRACKED:
                visit(v)
        return out

    def _flatten_layers(self, include_self: bool = True) -> list:
        """This layer (optionally) and every nested sublayer, depth first, each once."""
        out: list = []
        seen: set = set()

        def visit(layer: Layer) -> None:
            if id(layer) in seen:
                return
            seen.add(id(layer))
            out.append(layer)
            for sub in layer._sublayers():
                visit(sub)

        if include_self:
            visit(self)
        else:
            seen.add(id(self))
            for sub in self._sublayers():
                visit(sub)
        return out

    @property
    def weights(self) -> list:
        """All weights: this layer's trainable then non-trainable ones, then each sublayer's."""
        self._ensure_init()
        out, seen = [], set()
        for w in self._own_trainable + self._own_non_trainable:
            if id(w) not in seen:
                seen.add(id(w))
                out.append(w)
        for layer in self._sublayers():
            for w in layer.weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return [w for w in self.weights if w.trainable]

    @property
    def non_trainable_weights(self) -> list:
        if not self.trainable:
            return self.weights
        return [w for w in self.weights if not w.trainable]

    @property
    def variables(self) -> list:
        return self.weights

    @property
    def trainable_variables(self) -> list:
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list:
        return self.non_trainable_weights

    # -- weights -------------------------------------------------------------------------
    def add_weight(self, shape: Any = None, initializer: Any = None, dtype: Any = None, trainable: bool = True,
                   autocast: bool = True, regularizer: Any = None, constraint: Any = None,
                   aggregation: str = "none", overwrite_with_gradient: bool = False,
                   name: str | None = None) -> KerasVariable:
        """Layer.add_weight: create a weight (a tfshim Variable) named ``name`` under this layer's path."""
        self._ensure_init()
        if isinstance(shape, str):
            raise ValueError(f"`name` must be passed as a keyword argument. Received: add_weight({shape!r}, ...). "
                             f"Use: add_weight(shape=..., name={shape!r}).")
        shape = () if shape is None else tuple(int(s) for s in shape)
        dt = standardize_dtype(dtype if dtype is not None else self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if _dt.as_dtype(dt).is_floating else "zeros"
        init = _init.get(initializer)
        name = name or "variable"
        with layer_scope(self):
            path = "/".join([s[1] for s in state.layer_scopes] + [name])
            with eager_scope():
                value = init(shape, dtype=dt)
                v = KerasVariable(value, name=name, path=path, trainable=trainable, dtype=dt,
                                  constraint=_constraints.get(constraint), regularizer=_reg.get(regularizer),
                                  aggregation=aggregation, autocast=autocast)
        (self._own_trainable if trainable else self._own_non_trainable).append(v)
        return v

    def get_weights(self) -> list:
        """Layer.get_weights(): the weights as NumPy arrays."""
        return [np.array(w.numpy()) for w in self.weights]

    def set_weights(self, weights: Any) -> None:
        """Layer.set_weights(list of arrays): shapes must match (ValueError otherwise, as Keras)."""
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of length "
                f"{len(weights)}, but the layer was expecting {len(own)} weights."
            )
        for v, w in zip(own, weights):
            w = np.asarray(w)
            if tuple(v.shape) != tuple(w.shape):
                raise ValueError(
                    f"Layer {self.name} weight shape {tuple(v.shape)} is not compatible with provided weight "
                    f"shape {tuple(w.shape)}."
                )
        for v, w in zip(own, weights):
            v.assign(np.asarray(w, dtype=v._np_dtype))

    def count_params(self) -> int:
        """Layer.count_params(): total number of weight scalars (the layer must be built)."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. You can "
                "build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(int(np.prod(w.shape)) for w in self.weights))

    # -- losses --------------------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Layer.add_loss(tensor): a loss collected into ``losses`` (cleared at each outermost call)."""
        self._losses.append(loss)

    @property
    def losses(self) -> list:
        """Losses added during the last call plus the weight regularisation penalties."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
            for w in layer._own_trainable + layer._own_non_trainable:
                if getattr(w, "regularizer", None) is not None:
                    out.append(w.regularizer(w))
        return out

    def _clear_losses(self) -> None:
        for layer in self._flatten_layers():
            layer._losses.clear()

    # -- build & call ----------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Layer.build(input_shape): create weights; the default only marks the layer built."""
        self.built = True

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `call()` method implemented.")

    def _maybe_build(self, first: Any) -> None:
        if self.built:
            return
        with layer_scope(self):
            self.build(shape_of(first))
        self.built = True

    input_spec: Any = None  # an InputSpec (or a list of them) that __call__ checks the inputs against

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._ensure_init()
        if not args and "inputs" in kwargs:
            args = (kwargs.pop("inputs"),)
        spec = getattr(self, "input_spec", None)
        if spec is not None and args:
            assert_input_compatibility(spec, args[0], self.name)
        if _is_symbolic(args, kwargs):
            from .input import symbolic_call

            return symbolic_call(self, args, kwargs)
        if args:
            args = (_convert_inputs(args[0], self.compute_dtype, self.autocast),) + args[1:]
        params, var_kw = _call_params(type(self))
        training = kwargs.get("training")
        contexts = state.call_contexts
        if training is None:
            for t in reversed(contexts):
                if t is not None:
                    training = t
                    break
        if "training" in params or var_kw and "training" in kwargs:
            if training is not None:
                kwargs["training"] = training
        else:
            kwargs.pop("training", None)
        if "mask" in kwargs and "mask" not in params and not var_kw:
            kwargs.pop("mask")
        outermost = not contexts
        if outermost:
            self._clear_losses()
        contexts.append(training)
        # Keras' autocast scope: inside call, float weights read as the compute dtype (mixed precision). Only
        # pushed when it casts something: a mixed policy here or an enclosing scope to override.
        ac = state.autocast
        compute = self.compute_dtype
        push = compute != self._dtype or (ac and ac[-1] is not None)
        if push:
            ac.append(compute if self.autocast and _dt.as_dtype(compute).is_floating else None)
        try:
            with layer_scope(self):
                if not self.built:
                    self._maybe_build(args[0] if args else None)
                out = self.call(*args, **kwargs)
        finally:
            contexts.pop()
            if push:
                ac.pop()
        if self.activity_regularizer is not None and isinstance(out, Tensor):
            from ..ops.math import divide

            self.add_loss(divide(self.activity_regularizer(out), float(out.shape[0] or 1)))
        if not self._inbound_nodes:  # for summary(); symbolic calls record their KerasTensor shapes instead
            self.__dict__["_last_output_shape"] = tuple(out.array.shape) if isinstance(out, Tensor) else shape_of(out)
        return out

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        """Shapes/dtypes of the outputs for symbolic inputs (traced abstractly with jax.eval_shape)."""
        from .input import eval_spec

        return eval_spec(self, args, kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        from .input import KerasTensor

        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (tuple, list)):
            spec = self.compute_output_spec([KerasTensor(s) for s in input_shape])
        else:
            spec = self.compute_output_spec(KerasTensor(input_shape))
        return shape_of(spec)

    # -- stateless call (used by the jitted trainer) --------------------------------------
    def stateless_call(self, trainable_variables: Any, non_trainable_variables: Any, *args: Any,
                       return_losses: bool = False, **kwargs: Any) -> tuple:
        """Keras 3's stateless_call: run with the given weight values; returns (outputs, new non-trainable values).

        Values may be jax arrays (or tracers) or Tensors; the layer's own variables are restored afterwards.
        """
        tv, ntv = self.trainable_variables, self.non_trainable_variables
        if len(tv) != len(trainable_variables) or len(ntv) != len(non_trainable_variables):
            raise ValueError(
                f"stateless_call on {self.name}: expected {len(tv)} trainable and {len(ntv)} non-trainable values, "
                f"got {len(trainable_variables)} and {len(non_trainable_variables)}."
            )
        values = [val.array if isinstance(val, Tensor) else val
                  for val in list(trainable_variables) + list(non_trainable_variables)]
        with StatelessScope(tv + ntv, values, lift=False) as scope:
            out = self(*args, **kwargs)
            losses = self.losses if return_losses else None
        new_ntv = scope.values()[len(tv):]
        if return_losses:
            return out, new_ntv, losses
        return out, new_ntv

    # -- config ----------------------------------------------------------------------------
    def get_config(self) -> dict:
        """Layer.get_config(): name, trainable and dtype policy (built-in layers add their arguments)."""
        return {"name": self.name, "trainable": self.trainable, "dtype": _policy.serialize(self.dtype_policy)}

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def serialize_layer(layer: Layer) -> dict:
    """Keras 3's serialized form of a layer: {'module', 'class_name', 'config', 'registered_name'}."""
    module = type(layer).__module__
    public = module.startswith("tfshim._src.keras")
    return {"module": "keras.layers" if public else module, "class_name": type(layer).__name__,
            "config": layer.get_config(), "registered_name": None if public else type(layer).__name__}


def dtype_of(x: Any) -> Any:
    return _dt.as_dtype(standardize_dtype(x))
