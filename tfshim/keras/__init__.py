"""tf.keras on tfshim: layers and models (Keras 3 semantics) with weights in tfshim Variables.

Subpackages losses, metrics, optimizers, callbacks and datasets are imported when present.
"""

import importlib as _importlib

from tfshim._src.api import populate as _populate
from tfshim._src.keras import host_kernels as _host_kernels  # noqa: F401 - first-sighting twins
from tfshim._src.keras.input import Input, KerasTensor  # noqa: F401
from tfshim._src.keras.layer import InputSpec, Layer  # noqa: F401
from tfshim._src.keras.model import Model  # noqa: F401
from tfshim._src.keras.sequential import Sequential  # noqa: F401
from tfshim.keras import (  # noqa: F401
    activations, backend, initializers, layers, models, regularizers, utils,
)

__version__ = "3.15.1"  # the Keras 3 API tfshim follows (the Keras that TF 2.21 ships with)

_extras = {
    "Input": Input, "InputSpec": InputSpec, "KerasTensor": KerasTensor, "Layer": Layer, "Model": Model,
    "Sequential": Sequential, "activations": activations, "backend": backend,
    "initializers": initializers, "layers": layers, "models": models, "regularizers": regularizers, "utils": utils,
}

# Part-2 subpackages: present once written; a missing one is skipped.
for _name in ("losses", "metrics", "optimizers", "callbacks", "datasets"):
    try:
        _extras[_name] = _importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _e:
        if _e.name != f"{__name__}.{_name}":
            raise

from tfshim.keras import constraints, mixed_precision  # noqa: E402,F401

_extras.update(constraints=constraints, mixed_precision=mixed_precision)
__getattr__ = _populate(globals(), "keras", _extras)
