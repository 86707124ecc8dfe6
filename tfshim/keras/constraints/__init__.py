"""tf.keras.constraints: MaxNorm, MinMaxNorm, NonNeg, UnitNorm (and their snake_case aliases), get/serialize."""

from tfshim._src.api import populate as _populate
from tfshim._src.keras import constraints as _c

__getattr__ = _populate(globals(), "keras.constraints", dict(_c.PUBLIC))
