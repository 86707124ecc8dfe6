"""tf.nn: re-exports of tfshim's implementation (see tfshim._src)."""

from tfshim._src.api import populate as _populate
from tfshim._src.distribute.losses import compute_average_loss, scale_regularization_loss

__getattr__ = _populate(
    globals(), "nn", {"compute_average_loss": compute_average_loss, "scale_regularization_loss":
                      scale_regularization_loss}
)
