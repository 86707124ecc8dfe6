"""Symbolic Keras tensors: ``tf.keras.Input``, ``InputLayer``, and the recording of layer calls on them.

A ``KerasTensor`` holds a static shape (None for unknown dims) and dtype, plus the ``Node`` (layer
call) that produced it; the functional ``Model`` replays those nodes on real tensors. Output
shapes come from tracing the layer's real ``call`` with ``jax.eval_shape`` (nothing is computed):
unknown dims are traced with two different sizes, and dims that differ between the two are None.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import numpy as np

from ..core import state
from ..core.stateless import StatelessScope
from ..core.tensor import Tensor, wrap
from .backend import floatx, standardize_dtype, unique_name
from .layer import Layer, layer_scope, shape_of

# Sizes substituted for unknown dims while tracing (divisible by 1..10, so reshapes still work).
_PROBE_SIZES = (2520, 5040)


class KerasTensor:
    """tf.keras.KerasTensor: a symbolic tensor (shape, dtype) produced by ``Input`` or a layer call."""

    def __init__(self, shape: Any, dtype: Any = "float32", name: str | None = None, node: Any = None,
                 index: int = 0):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = standardize_dtype(dtype)
        self.name = name if name is not None else unique_name("keras_tensor")
        self._node = node
        self._index = index

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse=False, ragged=False, "
                f"name={self.name}>")

    def __len__(self) -> int:
        raise TypeError("KerasTensor has no len(); use .shape")

    def __bool__(self) -> bool:
        raise TypeError("A symbolic KerasTensor cannot be used as a Python bool.")

    # arithmetic on symbolic tensors records an op node (not a layer of the model)
    def __add__(self, o: Any) -> Any:
        return _sym_op("add", lambda a, b: a + b, self, o)

    def __radd__(self, o: Any) -> Any:
        return _sym_op("add", lambda a, b: b + a, self, o)

    def __sub__(self, o: Any) -> Any:
        return _sym_op("subtract", lambda a, b: a - b, self, o)

    def __rsub__(self, o: Any) -> Any:
        return _sym_op("subtract", lambda a, b: b - a, self, o)

    def __mul__(self, o: Any) -> Any:
        return _sym_op("multiply", lambda a, b: a * b, self, o)

    def __rmul__(self, o: Any) -> Any:
        return _sym_op("multiply", lambda a, b: b * a, self, o)

    def __truediv__(self, o: Any) -> Any:
        return _sym_op("divide", lambda a, b: a / b, self, o)

    def __rtruediv__(self, o: Any) -> Any:
        return _sym_op("divide", lambda a, b: b / a, self, o)

    def __neg__(self) -> Any:
        return _sym_op("negative", lambda a, b: -a, self, None)

    def __getitem__(self, key: Any) -> Any:
        return _sym_op("get_item", lambda a, b: a[key], self, None)


class Node:
    """One recorded layer call: ``layer(*args, **kwargs)`` produced ``outputs`` (flat) / ``out_struct``."""

    __slots__ = ("layer", "args", "kwargs", "outputs", "out_struct")

    def __init__(self, layer: Layer, args: tuple, kwargs: dict, out_struct: Any):
        self.layer, self.args, self.kwargs, self.out_struct = layer, args, kwargs, out_struct
        self.outputs = flatten(out_struct)

    @property
    def inputs(self) -> list:
        return [v for v in flatten((self.args, self.kwargs)) if isinstance(v, KerasTensor)]


# -- nests -----------------------------------------------------------------------------------
def flatten(x: Any) -> list:
    """Leaves of a nest of lists/tuples/dicts (dicts in key order)."""
    if isinstance(x, (list, tuple)):
        return [leaf for v in x for leaf in flatten(v)]
    if isinstance(x, dict):
        return [leaf for k in sorted(x, key=str) for leaf in flatten(x[k])]
    return [x]


def map_structure(fn: Callable, x: Any) -> Any:
    if isinstance(x, list):
        return [map_structure(fn, v) for v in x]
    if isinstance(x, tuple):
        return tuple(map_structure(fn, v) for v in x)
    if isinstance(x, dict):
        return {k: map_structure(fn, v) for k, v in x.items()}
    return fn(x)


def pack_like(struct: Any, flat: list) -> Any:
    it = iter(flat)
    return map_structure(lambda _: next(it), struct)


# -- Input -----------------------------------------------------------------------------------
class InputLayer(Layer):
    """tf.keras.layers.InputLayer: the entry point of a functional model (output: a KerasTensor)."""

    def __init__(self, shape: Any = None, batch_size: Any = None, dtype: Any = None, sparse: Any = None,
                 batch_shape: Any = None, input_tensor: Any = None, optional: bool = False,
                 name: str | None = None, **kwargs: Any):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name or unique_name("input_layer"), **kwargs)
        if input_tensor is not None:
            batch_shape, dtype = input_tensor.shape, input_tensor.dtype
        elif batch_shape is None:
            if shape is None:
                raise ValueError("You must pass a `shape` argument.")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        self._batch_shape = tuple(batch_shape)
        self.__dict__["_dtype"] = standardize_dtype(dtype if dtype is not None else floatx())
        self.sparse = bool(sparse)
        self.optional = optional
        if input_tensor is None:
            out = KerasTensor(self._batch_shape, self._dtype, name=name)
        else:
            out = input_tensor
        node = Node(self, (), {}, out)
        out._node = node
        self._inbound_nodes.append(node)
        self.built = True

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    def call(self, inputs: Any = None) -> Any:
        return inputs

    def get_config(self) -> dict:
        return {"batch_shape": self._batch_shape, "dtype": self._dtype, "sparse": self.sparse, "name": self.name,
                "optional": self.optional}


def Input(shape: Any = None, batch_size: Any = None, dtype: Any = None, sparse: Any = None, batch_shape: Any = None,
          name: str | None = None, tensor: Any = None, optional: bool = False) -> KerasTensor:
    """tf.keras.Input(shape, batch_size, dtype, name, batch_shape): a symbolic KerasTensor for a functional model."""
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, batch_shape=batch_shape,
                       name=name, input_tensor=tensor, optional=optional)
    return layer.output


# -- symbolic calls ----------------------------------------------------------------------------
def symbolic_call(layer: Layer, args: tuple, kwargs: dict) -> Any:
    """``layer(*args)`` on KerasTensors: build the layer, trace the output spec, record a Node."""
    if not layer.built:
        layer._maybe_build(args[0] if args else None)
    spec = layer.compute_output_spec(*args, **kwargs)
    out_struct = map_structure(_to_keras_tensor, spec)
    node = Node(layer, args, dict(kwargs), out_struct)
    for i, kt in enumerate(node.outputs):
        kt._node, kt._index = node, i
    layer._inbound_nodes.append(node)
    layer.__dict__["_last_output_shape"] = shape_of(out_struct)
    return out_struct


def _to_keras_tensor(spec: Any) -> Any:
    if isinstance(spec, KerasTensor):
        return KerasTensor(spec.shape, spec.dtype)
    if isinstance(spec, jax.ShapeDtypeStruct):
        return KerasTensor(spec.shape, np.dtype(spec.dtype).name)
    return spec


def eval_spec(layer: Layer, args: tuple, kwargs: dict) -> Any:
    """The outputs of ``layer(*args, **kwargs)`` for KerasTensor inputs, as KerasTensor specs (no nodes)."""
    leaves = [v for v in flatten((args, kwargs)) if isinstance(v, KerasTensor)]
    saved_tapes = list(state.recording_tapes)
    state.recording_tapes[:] = []
    results = []
    try:
        for size in _PROBE_SIZES:
            structs = [jax.ShapeDtypeStruct(tuple(size if d is None else d for d in kt.shape), np.dtype(kt.dtype))
                       for kt in leaves]

            def run(*arrays: Any) -> Any:
                sub = {id(kt): wrap(a) for kt, a in zip(leaves, arrays)}
                a2, k2 = map_structure(lambda v: sub.get(id(v), v) if isinstance(v, KerasTensor) else v,
                                       (args, kwargs))
                with layer_scope(layer):
                    out = layer(*a2, **k2)
                return map_structure(lambda t: t.array if isinstance(t, Tensor) else t, out)

            # Weights the call assigns (BatchNormalization's statistics) change only inside the scope.
            with StatelessScope(layer.weights, lift=False):
                results.append(jax.eval_shape(run, *structs))
    finally:
        state.recording_tapes[:] = saved_tapes
    flat_a, flat_b = flatten(results[0]), flatten(results[1])

    def merge(a: Any, b: Any) -> Any:
        if not isinstance(a, jax.ShapeDtypeStruct):
            return a
        shape = tuple(x if x == y else None for x, y in zip(a.shape, b.shape))
        return KerasTensor(shape, np.dtype(a.dtype).name, name="spec")

    return pack_like(results[0], [merge(a, b) for a, b in zip(flat_a, flat_b)])


class _Operation(Layer):
    """A TF op applied to KerasTensors (``x + y``, ``x[:, 0]``): a graph node that is not a model layer."""

    def __init__(self, name: str, fn: Callable):
        super().__init__(name=unique_name(name))
        self._fn = fn

    def call(self, a: Any, b: Any = None) -> Any:
        return self._fn(a, b)


def _sym_op(name: str, fn: Callable, a: Any, b: Any) -> Any:
    if b is None or isinstance(b, KerasTensor):
        return _Operation(name, fn)(a, b)
    const = b
    return _Operation(name, lambda x, _: fn(x, const))(a)


def is_keras_tensor(x: Any) -> bool:
    """tf.keras.backend.is_keras_tensor."""
    return isinstance(x, KerasTensor)


def adjust_input_rank(x: Any, ref_shape: tuple, model_name: str) -> Any:
    """Keras' Functional._adjust_input_rank: an input one rank above the model's (last dim 1) is squeezed, one
    below (the model's last dim 1) expanded; any other rank mismatch is a ValueError."""
    shape = getattr(x, "shape", None)
    if shape is None or isinstance(x, KerasTensor):
        return x
    nd, ref = len(shape), len(ref_shape)
    if nd == ref:
        return x
    from ..ops.array import expand_dims, squeeze

    if nd == ref + 1 and shape[-1] == 1:
        return squeeze(x, axis=-1)
    if nd == ref - 1 and ref_shape[-1] == 1:
        return expand_dims(x, axis=-1)
    raise ValueError(f"Invalid input shape for input of model '{model_name}'. Expected shape {tuple(ref_shape)}, "
                     f"but input has incompatible shape {tuple(shape)}")
