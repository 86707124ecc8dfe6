"""tf.keras.initializers: re-exports of tfshim's implementation (see tfshim._src.keras.initializers)."""

from tfshim._src.api import populate as _populate
from tfshim._src.keras import initializers as _i

__getattr__ = _populate(globals(), "keras.initializers", dict(_i.PUBLIC))
