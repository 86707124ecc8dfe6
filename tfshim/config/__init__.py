"""tf.config: re-exports of tfshim's implementation (see tfshim._src.config and tfshim._src.device)."""

from tfshim._src import config as _c
from tfshim._src.api import populate as _populate
from tfshim.config import experimental, threading

__getattr__ = _populate(globals(), "config", {
    "experimental": experimental,
    "threading": threading,
    "LogicalDevice": _c.LogicalDevice,
    "PhysicalDevice": _c.PhysicalDevice,
    "list_physical_devices": _c.list_physical_devices,
    "list_logical_devices": _c.list_logical_devices,
    "set_visible_devices": _c.set_visible_devices,
    "get_visible_devices": _c.get_visible_devices,
    "get_logical_device_configuration": _c.get_logical_device_configuration,
    "run_functions_eagerly": _c.run_functions_eagerly,
    "functions_run_eagerly": _c.functions_run_eagerly,
    "set_soft_device_placement": _c.set_soft_device_placement,
    "get_soft_device_placement": _c.get_soft_device_placement,
})
