"""tf.py_function and tf.numpy_function: call Python on concrete values (strings included).

Eagerly the function is simply called. While tf.function traces, the values are symbolic and JAX cannot
call arbitrary Python returning data-dependent shapes or strings, so the trace stops with
``HostValueInTrace`` and tf.function runs that call signature eagerly (see docs/differences.md).
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import numpy as np

from ..core import dtypes as _dt
from ..core.convert import convert_to_tensor
from ..core.dispatch import HostValueInTrace
from ..core.tensor import Tensor
from .table import register


def _inputs(inp: Any) -> list:
    vals = inp if isinstance(inp, (list, tuple)) else [inp]
    ts = [v if isinstance(v, Tensor) else convert_to_tensor(v) for v in vals]
    if any(isinstance(t.array, jax.core.Tracer) for t in ts):
        raise HostValueInTrace("tf.py_function / tf.numpy_function on symbolic values")
    return ts


def _outputs(out: Any, Tout: Any, fn: str) -> Any:  # noqa: N803 - TF's argument name
    if Tout is None:
        return None
    if isinstance(Tout, (list, tuple)):
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        if len(outs) != len(Tout):
            raise ValueError(f"{fn}: the function returned {len(outs)} values, Tout lists {len(Tout)}")
        return [_one(o, d, fn) for o, d in zip(outs, Tout)]
    return _one(out, Tout, fn)


def _one(v: Any, dtype: Any, fn: str) -> Tensor:
    dt = _dt.as_dtype(getattr(dtype, "dtype", dtype))
    t = v if isinstance(v, Tensor) else convert_to_tensor(
        np.asarray(v).astype(dt._np) if isinstance(v, np.ndarray) and dt != _dt.string else v, dtype=dt)
    if t.dtype != dt:
        raise TypeError(f"{fn}: the function returned a {t.dtype.name} value where Tout says {dt.name}")
    return t


def py_function(func: Callable, inp: Any = None, Tout: Any = None, name: Any = None) -> Any:  # noqa: N803
    """tf.py_function(func, inp, Tout): call ``func`` on the inputs as eager Tensors; outputs typed by ``Tout``."""
    ts = _inputs([] if inp is None else inp)
    return _outputs(func(*ts), Tout, "tf.py_function")


def numpy_function(func: Callable, inp: Any, Tout: Any, stateful: bool = True, name: Any = None) -> Any:  # noqa: N803
    """tf.numpy_function(func, inp, Tout): call ``func`` on NumPy values (bytes objects for strings)."""
    ts = _inputs(inp)
    args = [t.numpy() for t in ts]
    return _outputs(func(*args), Tout, "tf.numpy_function")


register(("py_function",), py_function)
register(("numpy_function",), numpy_function)
