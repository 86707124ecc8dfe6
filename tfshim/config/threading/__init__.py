"""tf.config.threading: re-exports of tfshim's implementation (see tfshim._src.config)."""

from tfshim._src import config as _c
from tfshim._src.api import populate as _populate

__getattr__ = _populate(globals(), "config.threading", {
    "get_inter_op_parallelism_threads": _c.get_inter_op_parallelism_threads,
    "set_inter_op_parallelism_threads": _c.set_inter_op_parallelism_threads,
    "get_intra_op_parallelism_threads": _c.get_intra_op_parallelism_threads,
    "set_intra_op_parallelism_threads": _c.set_intra_op_parallelism_threads,
})
