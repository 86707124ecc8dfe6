"""tf.summary: TensorBoard summaries (re-exports of tfshim._src.summary)."""

from tfshim._src.api import populate as _populate
from tfshim._src.summary.ops import (
    SummaryWriter, audio, create_file_writer, create_noop_writer, flush, histogram, image, record_if, scalar,
    should_record_summaries, text, trace_export, trace_off, trace_on, write,
)
from tfshim.summary import experimental

__getattr__ = _populate(globals(), "summary", {
    "SummaryWriter": SummaryWriter, "audio": audio, "create_file_writer": create_file_writer,
    "create_noop_writer": create_noop_writer, "experimental": experimental, "flush": flush, "histogram": histogram,
    "image": image, "record_if": record_if, "scalar": scalar, "should_record_summaries": should_record_summaries,
    "text": text, "trace_export": trace_export, "trace_off": trace_off, "trace_on": trace_on, "write": write,
})
