"""tf.keras.regularizers: re-exports of tfshim's implementation (see tfshim._src.keras.regularizers)."""

from tfshim._src.api import populate as _populate
from tfshim._src.keras import regularizers as _r

__getattr__ = _populate(globals(), "keras.regularizers", dict(_r.PUBLIC))
