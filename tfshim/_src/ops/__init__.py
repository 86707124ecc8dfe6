"""The op table, by family. Importing this package registers every row and binds methods."""

import importlib

from ..core.tensor import Tensor
from ..core.variable import Variable
from . import methods

# Families register rows on import; a family file that is not there yet is simply skipped.
for _family in ("math", "array", "reduction", "linalg", "nn", "random", "debugging", "image"):
    try:
        importlib.import_module(f"{__name__}.{_family}")
    except ModuleNotFoundError as _e:
        if _e.name != f"{__name__}.{_family}":
            raise

from . import host_kernels  # noqa: E402,F401 - registers the NumPy twins of first sightings
from . import interop  # noqa: E402,F401 - tf.py_function, tf.numpy_function, tf.timestamp
from . import variable_ops  # noqa: E402
from . import math_extra  # noqa: E402,F401 - log_sigmoid, specials, segment ops, confusion_matrix, bincount
from . import nn_extra  # noqa: E402,F401 - embedding_lookup, transposed/depthwise convs, batch_normalization, ...
from . import linalg_extra  # noqa: E402,F401 - qr, svd, eigh, slogdet, triangular_solve, lstsq, pinv, ...
from . import host_strings  # noqa: E402,F401 - registers the NumPy implementations for tf.string tensors

methods.bind(Tensor)
methods.bind(Variable)
variable_ops.attach(Variable)  # sliced assignment, scatter methods

# Ragged dispatch wraps the table's elementwise and reduction rows for the public namespaces only (after
# the operators were bound: x + y on Tensors does not pay for the RaggedTensor check).
from . import ragged  # noqa: E402,F401
from . import sparse  # noqa: E402,F401
from . import strings  # noqa: E402,F401
