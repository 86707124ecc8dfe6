"""tf.dtypes: DType objects and conversions."""

from tfshim._src.api import populate as _populate
from tfshim._src.core.dtypes import (
    DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16, float32, float64, half, int8, int16,
    int32, int64, string, uint8, uint16, uint32, uint64,
)

__getattr__ = _populate(globals(), "dtypes")
