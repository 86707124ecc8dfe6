"""tf.keras.utils: to_categorical, normalize, Progbar, set_random_seed, get_source_inputs, is_keras_tensor."""

from tfshim._src.api import populate as _populate
from tfshim._src.keras import utils as _u

__getattr__ = _populate(globals(), "keras.utils", dict(_u.PUBLIC))
