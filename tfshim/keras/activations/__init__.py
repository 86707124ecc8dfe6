"""tf.keras.activations: re-exports of tfshim's implementation (see tfshim._src.keras.activations)."""

from tfshim._src.api import populate as _populate
from tfshim._src.keras import activations as _a

__getattr__ = _populate(globals(), "keras.activations", {
    **_a.PUBLIC, "get": _a.get, "serialize": _a.serialize, "deserialize": _a.deserialize,
})
