"""All built-in layers by name (the public ``tf.keras.layers`` namespace and layer deserialization)."""

from __future__ import annotations

from typing import Any

from . import layers_conv, layers_core, layers_merge, layers_normalization, layers_pooling, layers_recurrent
from .input import Input, InputLayer
from .layer import InputSpec, Layer


def _collect() -> dict:
    out: dict = {"Layer": Layer, "InputLayer": InputLayer, "Input": Input, "InputSpec": InputSpec}
    for mod in (layers_core, layers_conv, layers_pooling, layers_normalization, layers_merge, layers_recurrent):
        for name, obj in vars(mod).items():
            if name.startswith("_"):
                continue
            if isinstance(obj, type) and issubclass(obj, Layer) and obj.__module__ == mod.__name__:
                out[name] = obj
            elif isinstance(obj, type) and issubclass(obj, Layer) and name not in out:
                if obj.__module__.startswith("tfshim._src.keras.layers_"):
                    out[name] = obj  # aliases such as Convolution2D, MaxPool2D
    for name in ("add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate"):
        out[name] = getattr(layers_merge, name)
    return out


LAYERS = _collect()


def serialize(layer: Layer) -> dict:
    """tf.keras.layers.serialize."""
    from .layer import serialize_layer

    return serialize_layer(layer)


def deserialize_layer(config: dict, custom_objects: Any = None) -> Layer:
    """tf.keras.layers.deserialize: a serialized layer dict back to a layer."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or LAYERS.get(name)
    if cls is None:
        from .model import Model
        from .sequential import Sequential

        cls = {"Sequential": Sequential, "Model": Model}.get(name)
    if cls is None:
        raise ValueError(f"Unknown layer: '{name}'. Please ensure you are using a `keras.utils.custom_object_scope` "
                         "and that this object is included in the scope.")
    cfg = dict(config.get("config", {}))
    if name == "InputLayer":
        return InputLayer(batch_shape=cfg.get("batch_shape"), dtype=cfg.get("dtype"), name=cfg.get("name"))
    return cls.from_config(cfg)


deserialize = deserialize_layer
