"""tfshim: TensorFlow 2's eager API implemented on JAX. Use as ``import tfshim as tf``.

This module only re-exports; the implementation lives in ``tfshim._src``. Names TF has and
tfshim does not yet raise ``AttributeError: tfshim does not implement tf.X yet``.
"""

import jax as _jax

# int64/float64 are real TF dtypes, so JAX must keep 64-bit types; tfshim never lets float64
# appear where TF gives float32.
_jax.config.update("jax_enable_x64", True)
# TF's eager ops run synchronously; for the small ops of eager code, JAX's asynchronous CPU
# dispatch costs a thread hand-off per op (measured: ~1.5x slower training steps here).
_jax.config.update("jax_cpu_enable_async_dispatch", False)

from tfshim._src import ops as _ops  # noqa: E402,F401  (registers the op table)
from tfshim._src.api import populate as _populate  # noqa: E402
from tfshim._src.core.convert import constant, convert_to_tensor  # noqa: E402
from tfshim._src.core.device import device  # noqa: E402
from tfshim._src.staging.function import function  # noqa: E402
from tfshim._src.core.dtypes import (
    DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16, float32, float64, half, int8, int16,
    int32, int64, string, uint8, uint16, uint32, uint64,
)
from tfshim._src.module import Module  # noqa: E402
from tfshim._src.ops.init_ops import (  # noqa: E402
    Constant as constant_initializer, Ones as ones_initializer, RandomNormal as random_normal_initializer,
    RandomUniform as random_uniform_initializer, Zeros as zeros_initializer,
)
from tfshim._src.ops.interop import get_logger  # noqa: E402
from tfshim._src.ops.variable_ops import IndexedSlices  # noqa: E402
from tfshim._src.staging.control_flow import (
    case, cond, foldl, foldr, map_fn, scan, switch_case, vectorized_map, while_loop,
)
from tfshim._src.autodiff.custom_gradient import custom_gradient, recompute_grad  # noqa: E402
from tfshim._src.autodiff.tape import GradientTape, UnconnectedGradients  # noqa: E402
from tfshim._src.core.tensor import Tensor  # noqa: E402
from tfshim._src.core.tensor_shape import TensorShape  # noqa: E402
from tfshim._src.core.tensor_spec import TensorSpec  # noqa: E402
from tfshim._src.staging.tensor_array import TensorArray  # noqa: E402
from tfshim._src.core.variable import Variable, VariableAggregation, VariableSynchronization, name_scope
from tfshim._src.ops.ragged import RaggedTensor  # noqa: E402
from tfshim._src.ops.sparse import SparseTensor  # noqa: E402

from tfshim import (  # noqa: E402,F401
    autograph,
    autodiff, bitwise, config, data, debugging, distribute, dtypes, errors, image, keras, linalg, math, nn, random,
    test, train,
)
from tfshim import nest, types, version  # noqa: E402,F401
from tfshim import io, ragged, sparse, strings  # noqa: E402,F401
from tfshim import saved_model, summary  # noqa: E402,F401

newaxis = None
__version__ = version.VERSION  # the TensorFlow API version tfshim implements (programs check it)
__tfshim_version__ = version._TFSHIM_VERSION
initializers = keras.initializers  # TF2's aliases of the Keras namespaces
losses = keras.losses
metrics = keras.metrics
optimizers = keras.optimizers


def executing_eagerly() -> bool:
    """tf.executing_eagerly(): True outside tf.function tracing."""
    from tfshim._src.core import state

    return not state.tracing


__getattr__ = _populate(globals(), "", {})
