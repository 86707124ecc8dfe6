"""tf.image: re-exports of tfshim's implementation (see tfshim._src.ops.image)."""

from tfshim._src.api import populate as _populate

__getattr__ = _populate(globals(), "image")
