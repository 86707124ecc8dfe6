"""tf.nn.compute_average_loss and tf.nn.scale_regularization_loss (loss scaling for tf.distribute)."""

from __future__ import annotations

from typing import Any

from ..convert import convert_to_tensor
from ..tensor import Tensor
from .context import get_strategy


def compute_average_loss(per_example_loss: Any, sample_weight: Any = None, global_batch_size: Any = None) -> Tensor:
    """tf.nn.compute_average_loss: sum of the (weighted) per-example losses / the global batch size.

    Without ``global_batch_size`` it is this replica's batch size times ``num_replicas_in_sync``.
    """
    import tfshim as m

    loss = convert_to_tensor(per_example_loss)
    if not loss.dtype.is_floating:  # as TF: integer losses are averaged in float64
        loss = m.cast(loss, m.float64)
    if sample_weight is not None:
        loss = m.multiply(loss, convert_to_tensor(sample_weight, dtype=loss.dtype))
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
        from .. import errors

        raise errors.InvalidArgumentError(
            None, None, f"tf.nn.compute_average_loss: global_batch_size must be non-negative, got {int(gbs)}."
        )
    total = m.math.reduce_sum(loss)
    return m.math.divide_no_nan(total, m.cast(gbs, loss.dtype))


def scale_regularization_loss(regularization_loss: Any) -> Tensor:
    """tf.nn.scale_regularization_loss: the summed regularization losses / num_replicas_in_sync."""
    import tfshim as m

    if isinstance(regularization_loss, (list, tuple)):
        total = m.math.add_n([convert_to_tensor(x) for x in regularization_loss])
    else:
        total = m.math.reduce_sum(convert_to_tensor(regularization_loss))
    return m.divide(total, m.cast(get_strategy().num_replicas_in_sync, total.dtype))
