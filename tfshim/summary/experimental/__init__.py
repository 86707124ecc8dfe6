"""tf.summary.experimental: the default step and low-level writes."""

from tfshim._src.api import populate as _populate
from tfshim._src.summary.ops import get_step, set_step, summary_scope, write_raw_pb

__getattr__ = _populate(globals(), "summary.experimental", {
    "get_step": get_step, "set_step": set_step, "summary_scope": summary_scope, "write_raw_pb": write_raw_pb,
})
