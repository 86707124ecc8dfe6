"""tf.math: re-exports of tfshim's implementation (see tfshim._src)."""

from tfshim._src.api import populate as _populate

__getattr__ = _populate(globals(), "math")

from tfshim.math import special  # noqa: E402,F401
