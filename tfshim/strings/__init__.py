"""tf.strings: re-exports of tfshim's implementation (see tfshim._src.ops.strings)."""

from tfshim._src.api import populate as _populate

__getattr__ = _populate(globals(), "strings")
