"""tf.errors: TensorFlow's exception classes and error codes."""

from tfshim._src.core.errors import *  # noqa: F401,F403
from tfshim._src.core.errors import __all__  # noqa: F401
