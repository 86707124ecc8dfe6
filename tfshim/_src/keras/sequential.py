"""tf.keras.Sequential: a linear stack of layers (list constructor and ``add``)."""

from __future__ import annotations

from typing import Any

from .backend import unique_name
from .input import Input, InputLayer, KerasTensor, adjust_input_rank
from .layer import Layer, layer_scope, serialize_layer
from .model import Model


class Sequential(Model):
    """tf.keras.Sequential(layers=None, trainable=True, name=None).

    Built as soon as the input shape is known (an ``Input`` first, or ``input_shape=`` on the first
    layer), so its weights exist and ``summary()`` works before the first call, as in Keras.
    """

    def __init__(self, layers: Any = None, trainable: bool = True, name: str | None = None, **kwargs: Any):
        Model.__init__(self, trainable=trainable, name=name or unique_name("sequential"), **kwargs)
        self._seq = []
        self._graph_in = None
        self._graph_out = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Sequential.add(layer): append a layer (or a ``tf.keras.Input``)."""
        if isinstance(layer, KerasTensor) and layer._node is not None and isinstance(layer._node.layer, InputLayer):
            layer = layer._node.layer
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Only instances of `keras.Layer` can be added to a Sequential model. Received: {layer} "
                f"(of type {type(layer)})"
            )
        if isinstance(layer, InputLayer) and self._seq:
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to use an input shape; an "
                "InputLayer can only be the first layer."
            )
        names = {x.name for x in self._seq}
        if layer.name in names:
            raise ValueError(
                f"All layers added to a Sequential model should have unique names. Name '{layer.name}' is already "
                "the name of a layer in this model. Update the `name` argument to pass a unique name."
            )
        self._seq.append(layer)
        self.built = False
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild: bool = True) -> Layer:
        """Sequential.pop(): remove and return the last layer."""
        layer = self._seq.pop()
        self.built = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _sublayers(self) -> list:
        return [x for x in self._seq if not isinstance(x, InputLayer)]

    @property
    def layers(self) -> list:
        return self._sublayers()

    def _known_input_shape(self) -> Any:
        if not self._seq:
            return None
        first = self._seq[0]
        if isinstance(first, InputLayer):
            return first.batch_shape
        return first.__dict__.get("_input_shape_arg")

    def _maybe_rebuild(self) -> None:
        shape = self._known_input_shape()
        if shape is not None and len(self._seq) > (1 if isinstance(self._seq[0], InputLayer) else 0):
            self.build(shape)

    def build(self, input_shape: Any = None) -> None:
        """Sequential.build(input_shape): create every layer's weights by a symbolic pass."""
        if input_shape is None:
            input_shape = self._known_input_shape()
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        first = self._seq[0] if self._seq else None
        if isinstance(first, InputLayer):
            x = first.output
        else:
            x = Input(batch_shape=tuple(input_shape), dtype=self._dtype)
        inp = x
        with layer_scope(self):
            for layer in self.layers:
                x = layer(x)
        self._graph_in, self._graph_out = inp, x
        self.built = True

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        x = inputs
        if self._graph_in is not None and not isinstance(x, (list, tuple, dict)):
            x = adjust_input_rank(x, self._graph_in.shape, self.name)
        for layer in self.layers:
            x = layer(x)
        return x

    @property
    def inputs(self) -> list:
        return [self._graph_in] if self._graph_in is not None else []

    @property
    def outputs(self) -> list:
        return [self._graph_out] if self._graph_out is not None else []

    @property
    def input(self) -> Any:
        if self._graph_in is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input yet.")
        return self._graph_in

    @property
    def output(self) -> Any:
        if self._graph_out is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output yet.")
        return self._graph_out

    @property
    def input_shape(self) -> Any:
        return self._graph_in.shape if self._graph_in is not None else self._known_input_shape()

    @property
    def output_shape(self) -> Any:
        if self._graph_out is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output shape yet.")
        return self._graph_out.shape

    def get_config(self) -> dict:
        """Sequential.get_config(): name, trainable and each layer's serialized config."""
        layers = []
        if isinstance(self._seq[0] if self._seq else None, InputLayer):
            layers.append(serialize_layer(self._seq[0]))
        layers.extend(serialize_layer(x) for x in self.layers)
        return {"name": self.name, "trainable": self.trainable, "layers": layers}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None) -> Sequential:
        from .layers_registry import deserialize_layer

        layers = [deserialize_layer(c, custom_objects) for c in config.get("layers", [])]
        return cls(layers, name=config.get("name"), trainable=config.get("trainable", True))
