"""tf.keras.mixed_precision: dtype policies (``set_global_policy("mixed_float16")``) and LossScaleOptimizer."""

from tfshim._src.api import populate as _populate
from tfshim._src.keras import dtype_policy as _p
from tfshim._src.keras.optimizers import LossScaleOptimizer as _LSO

__getattr__ = _populate(globals(), "keras.mixed_precision", {
    "DTypePolicy": _p.DTypePolicy, "Policy": _p.Policy, "LossScaleOptimizer": _LSO,
    "dtype_policy": _p.global_policy, "global_policy": _p.global_policy, "set_dtype_policy": _p.set_global_policy,
    "set_global_policy": _p.set_global_policy,
})
