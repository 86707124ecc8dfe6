"""tf.math.special: re-exports of tfshim's implementation (see tfshim._src)."""

from tfshim._src.api import populate as _populate

__getattr__ = _populate(globals(), "math.special")
