"""AutoGraph: Python control flow on tensors inside tf.function becomes staged control flow (see
``transformer`` for the conversion, ``operators`` for the run-time dispatch, ``conversion`` for the API)."""

from ..staging import function as _function
from .conversion import convert

_function.AUTOGRAPH[0] = convert
