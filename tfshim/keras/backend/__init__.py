"""tf.keras.backend: configuration (floatx, epsilon, image_data_format, clear_session, ...) and the legacy math
functions TF 2.21's tf.keras keeps (K.cast, K.dot, K.sum, K.random_normal, ...)."""

from tfshim._src.api import populate as _populate
from tfshim._src.keras import backend as _b
from tfshim._src.keras import backend_ops as _ops
from tfshim._src.keras.input import is_keras_tensor as _is_kt

__getattr__ = _populate(globals(), "keras.backend", {
    **_ops.PUBLIC,
    "floatx": _b.floatx, "set_floatx": _b.set_floatx, "epsilon": _b.epsilon, "set_epsilon": _b.set_epsilon,
    "image_data_format": _b.image_data_format, "set_image_data_format": _b.set_image_data_format,
    "clear_session": _b.clear_session, "get_uid": _b.get_uid, "is_keras_tensor": _is_kt,
    "standardize_dtype": _b.standardize_dtype,
})
