"""The functional API: ``tf.keras.Model(inputs, outputs)`` replays recorded layer calls on real tensors."""

from __future__ import annotations

from typing import Any

from ..core import dtypes as _dt
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor
from .backend import unique_name
from .input import InputLayer, KerasTensor, _Operation, adjust_input_rank, flatten, map_structure
from .layer import Layer, serialize_layer
from .model import Model


def _topo_nodes(outputs: list, inputs: list) -> list:
    """Nodes between ``inputs`` and ``outputs`` in execution order (ValueError if the graph is disconnected)."""
    input_ids = {id(kt) for kt in inputs}
    order: list = []
    done: set = set()

    def visit(kt: Any) -> None:
        if id(kt) in input_ids:
            return
        node = kt._node
        if node is None or isinstance(node.layer, InputLayer):
            raise ValueError(
                f"Graph disconnected: cannot find the input of the model that produces {kt!r}; pass every "
                "`tf.keras.Input` the outputs depend on in `inputs`."
            )
        if id(node) in done:
            return
        for parent in node.inputs:
            visit(parent)
        done.add(id(node))
        order.append(node)

    for kt in outputs:
        visit(kt)
    return order


class Functional(Model):
    """A model defined by a graph of layer calls from ``tf.keras.Input`` tensors to outputs."""

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None, trainable: bool = True,
                 **kwargs: Any):
        Model.__init__(self, name=name or unique_name("functional"), trainable=trainable, **kwargs)
        flat_in, flat_out = flatten(inputs), flatten(outputs)
        for kt in flat_in + flat_out:
            if not isinstance(kt, KerasTensor):
                raise ValueError(
                    f"All `inputs` and `outputs` of a functional model must be KerasTensors (from tf.keras.Input "
                    f"and layer calls). Received: {kt!r}"
                )
        self._in_struct = inputs
        self._out_struct = outputs
        self._flat_in = flat_in
        self._flat_out = flat_out
        nodes = _topo_nodes(flat_out, flat_in)
        # Keras' layer order: by depth (distance from the outputs, deepest first), then DFS post-order
        depth: dict = {}
        for n in reversed(nodes):
            d = max([depth.get(id(c), 0) for c in n.outputs] + [0])
            for p in n.inputs:
                depth[id(p)] = max(depth.get(id(p), 0), d + 1)
        for n in nodes:
            depth.setdefault(id(n), max([depth.get(id(c), 0) for c in n.outputs] + [0]))
        for kt in flat_in:
            depth.setdefault(id(kt), 0)
        entries = [(depth[id(kt)], i, kt._node.layer) for i, kt in enumerate(flat_in) if kt._node is not None]
        entries += [(max(depth.get(id(c), 0) for c in n.outputs), len(flat_in) + i, n.layer)
                    for i, n in enumerate(nodes)]
        order_key = {id(kt): k for k, kt in enumerate(flat_in)}
        # inputs sit in the DFS order where they are first reached
        pos = {}
        for i, n in enumerate(nodes):
            for p in n.inputs:
                if id(p) in order_key and id(p) not in pos:
                    pos[id(p)] = i - 0.5
        entries = [(-d, pos.get(id(flat_in[i]), i - len(flat_in)) if i < len(flat_in) else i - len(flat_in), layer)
                   for d, i, layer in entries]
        index = {id(n): i for i, n in enumerate(nodes)}
        self._nodes = sorted(nodes, key=lambda n: (-max(depth.get(id(c), 0) for c in n.outputs), index[id(n)]))
        layers: list = []
        seen: set = set()
        for _, _, layer in sorted(entries, key=lambda e: (e[0], e[1])):
            if id(layer) not in seen:
                seen.add(id(layer))
                layers.append(layer)
        self._graph_layers = layers
        self.built = True

    def _sublayers(self) -> list:
        return list(self._graph_layers)

    @property
    def inputs(self) -> list:
        return list(self._flat_in)

    @property
    def outputs(self) -> list:
        return list(self._flat_out)

    @property
    def input(self) -> Any:
        return self._in_struct

    @property
    def output(self) -> Any:
        return self._out_struct

    @property
    def input_shape(self) -> Any:
        return map_structure(lambda kt: kt.shape, self._in_struct)

    @property
    def output_shape(self) -> Any:
        return map_structure(lambda kt: kt.shape, self._out_struct)

    def _flatten_inputs(self, inputs: Any) -> list:
        struct = self._in_struct
        if isinstance(inputs, dict):
            if isinstance(struct, dict):
                return flatten({k: inputs[k] for k in struct})
            by_name = {kt.name: kt for kt in self._flat_in}
            missing = [n for n in by_name if n not in inputs]
            if missing:
                raise ValueError(f"Missing data for input(s) {missing} of model {self.name}.")
            return [inputs[kt.name] for kt in self._flat_in]
        flat = flatten(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self._flat_in):
            raise ValueError(
                f"Model {self.name} expects {len(self._flat_in)} input(s), but it received {len(flat)} input "
                "tensors."
            )
        return flat

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        values: dict = {}
        for kt, x in zip(self._flat_in, self._flatten_inputs(inputs)):
            t = x if isinstance(x, Tensor) else convert_to_tensor(x)
            t = adjust_input_rank(t, kt.shape, self.name)
            if t.dtype.name != kt.dtype:
                from ..ops.math import cast

                t = cast(t, _dt.as_dtype(kt.dtype))
            values[id(kt)] = t
        for node in self._nodes:
            args, kwargs = map_structure(
                lambda v: values[id(v)] if isinstance(v, KerasTensor) else v, (node.args, node.kwargs)
            )
            out = node.layer(*args, **kwargs)
            for kt, o in zip(node.outputs, flatten(out)):
                values[id(kt)] = o
        return map_structure(lambda kt: values[id(kt)], self._out_struct)

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable,
                "layers": [serialize_layer(layer) for layer in self.layers if not isinstance(layer, _Operation)]}


def is_functional_layer(layer: Layer) -> bool:
    return isinstance(layer, Functional)
