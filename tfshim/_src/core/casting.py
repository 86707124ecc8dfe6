"""TF's cast kernel as a JAX function (used by tf.cast and by conversions in the core)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np


def float_to_int(x: Any, dt: Any) -> Any:
    """float → int as TF's CPU kernels do (x86 truncation): NaN/out of range → the int's minimum value.

    int8/int16/uint8/uint16 go through int32 and wrap; uint32/uint64 go through int64 and wrap
    (TF's own results there are platform-defined for out-of-range values).
    """
    wide = np.dtype(np.int64) if dt.itemsize == 8 or dt == np.uint32 else np.dtype(np.int32)
    info = np.iinfo(wide)
    t = jnp.trunc(x)
    # -info.min is 2**31 / 2**63 exactly (float(info.max) is exact for int32, so ">= info.max" wrongly
    # rejected 2147483647.0 in float64): ">= 2**k" marks exactly the out-of-range values
    bad = jnp.isnan(t) | (t < float(info.min)) | (t >= float(-info.min))
    v = jnp.where(bad, info.min, jnp.where(bad, 0, t).astype(wide))
    return v if dt == wide else v.astype(dt)


def cast_impl(x: Any, dtype: Any) -> Any:
    """The jax body of tf.cast to the NumPy dtype string ``dtype``."""
    dt = np.dtype(dtype)
    if x.dtype.kind == "c" and dt.kind != "c":
        x = jnp.real(x)
    if dt == np.bool_:
        return x != 0
    if x.dtype.kind == "f" and dt.kind in "iu":
        return float_to_int(x.astype(jnp.float64) if x.dtype.itemsize < 4 else x, dt)
    return x.astype(dt)
