"""tf.config.experimental: re-exports of tfshim's implementation (see tfshim._src.config).

``set_compilation_cache_dir``/``get_compilation_cache_dir`` are tfshim extensions: TF has no persistent compilation
cache.
"""

from tfshim._src import config as _c
from tfshim._src.api import populate as _populate

__getattr__ = _populate(globals(), "config.experimental", {
    "set_memory_growth": _c.set_memory_growth,
    "get_memory_growth": _c.get_memory_growth,
    "get_device_details": _c.get_device_details,
    "enable_op_determinism": _c.enable_op_determinism,
    "list_physical_devices": _c.list_physical_devices,
    "list_logical_devices": _c.list_logical_devices,
    "set_visible_devices": _c.set_visible_devices,
    "get_visible_devices": _c.get_visible_devices,
    # tfshim extensions (TF has no persistent compilation cache): README "Compilation cache"
    "set_compilation_cache_dir": _c.set_compilation_cache_dir,
    "get_compilation_cache_dir": _c.get_compilation_cache_dir,
})
