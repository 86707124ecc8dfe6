"""tf.test: re-exports of tfshim's implementation (see tfshim._src.config and tfshim._src.test_util)."""

from tfshim._src import config as _c
from tfshim._src import test_util as _t
from tfshim._src.api import populate as _populate

__getattr__ = _populate(globals(), "test", {
    "is_gpu_available": _c.is_gpu_available,
    "is_built_with_cuda": _c.is_built_with_cuda,
    "is_built_with_rocm": _c.is_built_with_rocm,
    "is_built_with_gpu_support": _c.is_built_with_gpu_support,
    "is_built_with_xla": _c.is_built_with_xla,
    "gpu_device_name": _c.gpu_device_name,
    "TestCase": _t.TestCase,
    "main": _t.main,
})
