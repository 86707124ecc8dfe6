"""tf.sparse: re-exports of tfshim's implementation (see tfshim._src.ops.sparse)."""

from tfshim._src.api import populate as _populate
from tfshim._src.ops.sparse import SparseTensor

__getattr__ = _populate(globals(), "sparse", {"SparseTensor": SparseTensor})
