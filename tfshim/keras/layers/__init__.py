"""tf.keras.layers: re-exports of tfshim's implementation (see tfshim._src.keras)."""

from tfshim._src.api import populate as _populate
from tfshim._src.keras.layers_registry import LAYERS as _LAYERS
from tfshim._src.keras.layers_registry import deserialize as _deserialize
from tfshim._src.keras.layers_registry import serialize as _serialize

__getattr__ = _populate(globals(), "keras.layers", {**_LAYERS, "serialize": _serialize, "deserialize": _deserialize})
