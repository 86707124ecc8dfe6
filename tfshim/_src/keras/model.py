"""tf.keras.Model: a Layer with ``layers``, ``summary``, weight saving and the training API (Trainer mixin).

``Model(inputs, outputs)`` builds a functional model (see functional.py); subclass ``Model`` and
write ``call`` for a subclassed model. Sublayers assigned as attributes are tracked; raw
``tf.Variable`` attributes are not Keras weights (as in Keras 3: ``model.variables`` omits them).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .input import _Operation
from .layer import Layer, layer_scope
from .trainer import Trainer


class Model(Layer, Trainer):
    """tf.keras.Model: subclass it (``__init__`` + ``call``), or call ``Model(inputs, outputs)``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from .functional import Functional

            return object.__new__(Functional)
        return object.__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any):
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(
                f"{type(self).__name__}: a subclassed Model takes no `inputs`/`outputs`; use "
                "tf.keras.Model(inputs, outputs) for a functional model."
            )
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype, **kwargs)
        if "__init__" in Trainer.__dict__:
            Trainer.__init__(self)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"Model {type(self).__name__} does not have a `call()` method implemented.")

    def build(self, input_shape: Any = None) -> None:
        """Model.build(input_shape): for a subclassed model, run ``call`` once on zeros to create the weights."""
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        from ..core.convert import constant
        from .input import map_structure

        def zeros(shape: Any) -> Any:
            return constant(np.zeros(tuple(1 if d is None else d for d in shape), np.dtype(self._dtype)))

        is_shape = isinstance(input_shape, tuple) and all(d is None or isinstance(d, int) for d in input_shape)
        x = zeros(input_shape) if is_shape else map_structure(zeros, input_shape)
        with layer_scope(self):
            self.built = True
            try:
                self(x)
            except Exception:
                self.built = False
                raise

    @property
    def layers(self) -> list:
        """The model's direct sublayers (attribute order; graph order for functional models)."""
        return [layer for layer in self._sublayers() if not isinstance(layer, _Operation)]

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """Model.get_layer(name=None, index=None)."""
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index. Received: index={index}, name={name}.")
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(self.layers)} layers.")
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: {[x.name for x in self.layers]}.")
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def summary(self, line_length: int | None = None, positions: Any = None, print_fn: Any = None,
                expand_nested: bool = False, show_trainable: bool = False, layer_range: Any = None) -> None:
        """Model.summary(): print Keras' table of layers, output shapes and parameter counts."""
        from .summary import print_summary

        print_summary(self, line_length=line_length, print_fn=print_fn, show_trainable=show_trainable)

    def export(self, filepath: Any, format: str = "tf_saved_model", verbose: Any = None, input_signature: Any = None,
               **kwargs: Any) -> None:
        """Model.export(filepath, format="tf_saved_model"): an inference SavedModel with a ``serve`` endpoint and
        ``serving_default`` signature, loadable by ``tf.saved_model.load`` without this model's code."""
        from ..saved_model.save_load import export_keras

        export_keras(self, filepath, format=format, verbose=verbose, input_signature=input_signature, **kwargs)

    def save_weights(self, filepath: str, overwrite: bool = True, **kwargs: Any) -> None:
        """Model.save_weights(path): the weights in a NumPy ``.npz`` file (difference: Keras 3 writes HDF5)."""
        from .saving import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: str, skip_mismatch: bool = False, **kwargs: Any) -> None:
        """Model.load_weights(path): restore weights written by ``save_weights``."""
        from .saving import load_weights

        load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable}
