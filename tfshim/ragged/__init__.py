"""tf.ragged: re-exports of tfshim's implementation (see tfshim._src.ops.ragged)."""

from tfshim._src.api import populate as _populate
from tfshim._src.ops.ragged import (
    boolean_mask, constant, map_flat_values, ragged_range, ragged_stack,
    row_splits_to_segment_ids, segment_ids_to_row_splits,
)

__getattr__ = _populate(globals(), "ragged", {
    "boolean_mask": boolean_mask, "constant": constant,
    "map_flat_values": map_flat_values, "range": ragged_range, "stack": ragged_stack,
    "row_splits_to_segment_ids": row_splits_to_segment_ids, "segment_ids_to_row_splits": segment_ids_to_row_splits,
})
del ragged_range, ragged_stack
