"""tf.keras.models: Model, Sequential (re-exports)."""

from tfshim._src.api import populate as _populate
from tfshim._src.keras.model import Model as _Model
from tfshim._src.keras.sequential import Sequential as _Sequential

__getattr__ = _populate(globals(), "keras.models", {"Model": _Model, "Sequential": _Sequential})
