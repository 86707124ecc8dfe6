"""tf.nn.compute_average_loss and tf.nn.scale_regularization_loss (loss scaling for tf.distribute)."""

from __future__ import annotations

from typing import Any

from ..core import errors
from ..core.convert import convert_to_tensor
from ..core.dtypes import float64
from ..core.tensor import Tensor
from ..ops.math import add_n, cast, divide_no_nan, multiply, truediv
from ..ops.reduction import reduce_sum
from .context import get_strategy


def compute_average_loss(per_example_loss: Any, sample_weight: Any = None, global_batch_size: Any = None) -> Tensor:
    """tf.nn.compute_average_loss: sum of the (weighted) per-example losses / the global batch size.

    Without ``global_batch_size`` it is this replica's batch size times ``num_replicas_in_sync``.
    """
    loss = convert_to_tensor(per_example_loss)
    if not loss.dtype.is_floating:  # as TF: integer losses are averaged in float64
        loss = cast(loss, float64)
    if sample_weight is not None:
        loss = multiply(loss, convert_to_tensor(sample_weight, dtype=loss.dtype))
    if global_batch_size is None:
        n = loss.shape[0] if loss.shape.rank else 1
        global_batch_size = n * get_strategy().num_replicas_in_sync
    gbs = convert_to_tensor(global_batch_size)
    if gbs.shape.rank != 0 or not gbs.dtype.is_integer:
        raise TypeError(
            f"tf.nn.compute_average_loss: global_batch_size must be a scalar integer, got {global_batch_size!r}."
        )
    try:
        negative = int(gbs) < 0
    except TypeError:  # a traced value
        negative = False
    if negative:
        raise errors.InvalidArgumentError(
            None, None, f"tf.nn.compute_average_loss: global_batch_size must be non-negative, got {int(gbs)}."
        )
    total = reduce_sum(loss)
    return divide_no_nan(total, cast(gbs, loss.dtype))


def scale_regularization_loss(regularization_loss: Any) -> Tensor:
    """tf.nn.scale_regularization_loss: the summed regularization losses / num_replicas_in_sync."""
    if isinstance(regularization_loss, (list, tuple)):
        total = add_n([convert_to_tensor(x) for x in regularization_loss])
    else:
        total = reduce_sum(convert_to_tensor(regularization_loss))
    return truediv(total, cast(get_strategy().num_replicas_in_sync, total.dtype))
