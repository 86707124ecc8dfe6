"""tf.autodiff: GradientTape and ForwardAccumulator."""

from tfshim._src.api import populate as _populate
from tfshim._src.autodiff.forward import ForwardAccumulator
from tfshim._src.autodiff.tape import GradientTape

__getattr__ = _populate(globals(), "autodiff", {"ForwardAccumulator": ForwardAccumulator, "GradientTape": GradientTape})
