"""tf.config and tf.test: device listing, process-wide flags, and build queries.

Flags TF keeps in its runtime live here: ``run_functions_eagerly`` (read by ``tf.function``
through ``functions_run_eagerly()``), soft device placement, per-device memory growth, visible
devices. JAX fixes its devices when it starts, so ``set_visible_devices`` and memory settings are
recorded (and validated as TF does) but do not change where JAX allocates.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from .core.device import LogicalDevice, PhysicalDevice, _devices, list_logical_devices, list_physical_devices  # noqa: F401


class _Flags:
    """The mutable tf.config settings, in one object."""

    __slots__ = ("run_eagerly", "soft_placement", "memory_growth", "visible", "determinism", "threads")

    def __init__(self) -> None:
        self.run_eagerly = False
        self.soft_placement = True
        self.memory_growth: dict = {}
        self.visible: dict | None = None  # device_type → list of PhysicalDevice, None = all
        self.determinism = False
        self.threads = {"inter": 0, "intra": 0}  # 0 = let the runtime choose, as TF


FLAGS = _Flags()


def run_functions_eagerly(run_eagerly: bool) -> None:
    """tf.config.run_functions_eagerly: make ``tf.function`` run its Python function eagerly (a debugging aid)."""
    FLAGS.run_eagerly = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """tf.config.functions_run_eagerly: the flag set by ``run_functions_eagerly``."""
    return FLAGS.run_eagerly


def set_soft_device_placement(enabled: bool) -> None:
    """tf.config.set_soft_device_placement (recorded; tfshim always places softly in ``tf.device``)."""
    FLAGS.soft_placement = bool(enabled)


def get_soft_device_placement() -> bool:
    """tf.config.get_soft_device_placement."""
    return FLAGS.soft_placement


def _check_physical(device: Any, fn: str) -> PhysicalDevice:
    if not isinstance(device, PhysicalDevice) or device not in list_physical_devices():
        raise ValueError(f"{fn}: Unrecognized device: {device!r}; pass one of tf.config.list_physical_devices().")
    return device


def set_memory_growth(device: Any, enable: bool) -> None:
    """tf.config.experimental.set_memory_growth: accepted for GPUs (JAX preallocation is set by its own env vars);
    ValueError for other devices, as TF."""
    _check_physical(device, "tf.config.experimental.set_memory_growth")
    if device.device_type != "GPU":
        raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")
    FLAGS.memory_growth[device] = bool(enable)


def get_memory_growth(device: Any) -> bool:
    """tf.config.experimental.get_memory_growth: KeyError for devices that were never configured, as TF."""
    _check_physical(device, "tf.config.experimental.get_memory_growth")
    if device.device_type != "GPU":
        raise KeyError(device)
    return FLAGS.memory_growth.get(device, False)


def set_visible_devices(devices: Any, device_type: Any = None) -> None:
    """tf.config.set_visible_devices: recorded (JAX keeps using every device it started with)."""
    if isinstance(devices, PhysicalDevice):
        devices = [devices]
    devices = [_check_physical(d, "tf.config.set_visible_devices") for d in devices]
    visible = dict(FLAGS.visible) if FLAGS.visible is not None else {}
    kinds = {device_type} if device_type is not None else {d.device_type for d in list_physical_devices()}
    for k in kinds:
        visible[k] = [d for d in devices if d.device_type == k]
    if not visible.get("CPU", True):
        raise ValueError("tf.config.set_visible_devices: the CPU must stay visible.")
    FLAGS.visible = visible


def get_visible_devices(device_type: Any = None) -> list:
    """tf.config.get_visible_devices: every physical device unless ``set_visible_devices`` hid some."""
    out = []
    for d in list_physical_devices(device_type):
        if FLAGS.visible is None or d.device_type not in FLAGS.visible or d in FLAGS.visible[d.device_type]:
            out.append(d)
    return out


def get_logical_device_configuration(device: Any) -> Any:
    """tf.config.get_logical_device_configuration: None (tfshim does not split devices)."""
    _check_physical(device, "tf.config.get_logical_device_configuration")
    return None


def get_device_details(device: Any) -> dict:
    """tf.config.experimental.get_device_details: {} for CPUs, {'device_name': ...} for GPUs."""
    _check_physical(device, "tf.config.experimental.get_device_details")
    if device.device_type != "GPU":
        return {}
    d = _devices("gpu")[int(device.name.rsplit(":", 1)[1])]
    return {"device_name": getattr(d, "device_kind", str(d))}


def enable_op_determinism() -> None:
    """tf.config.experimental.enable_op_determinism (XLA ops are deterministic on CPU; recorded)."""
    FLAGS.determinism = True


def get_inter_op_parallelism_threads() -> int:
    """tf.config.threading.get_inter_op_parallelism_threads (recorded only; XLA picks its own threads)."""
    return FLAGS.threads["inter"]


def set_inter_op_parallelism_threads(num_threads: int) -> None:
    """tf.config.threading.set_inter_op_parallelism_threads (recorded only)."""
    FLAGS.threads["inter"] = int(num_threads)


def get_intra_op_parallelism_threads() -> int:
    """tf.config.threading.get_intra_op_parallelism_threads (recorded only)."""
    return FLAGS.threads["intra"]


def set_intra_op_parallelism_threads(num_threads: int) -> None:
    """tf.config.threading.set_intra_op_parallelism_threads (recorded only)."""
    FLAGS.threads["intra"] = int(num_threads)


# -- tf.test ---------------------------------------------------------------------------------------
def is_built_with_cuda() -> bool:
    """tf.test.is_built_with_cuda: True when JAX has a CUDA backend installed."""
    if any(importlib.util.find_spec(m) is not None for m in ("jax_cuda12_plugin", "jax_cuda13_plugin")):
        return True
    return any(d.platform in ("gpu", "cuda") for d in _devices("gpu"))


def is_built_with_rocm() -> bool:
    """tf.test.is_built_with_rocm: True when JAX has a ROCm backend installed."""
    return importlib.util.find_spec("jax_rocm60_plugin") is not None or any(
        d.platform == "rocm" for d in _devices("gpu"))


def is_built_with_gpu_support() -> bool:
    """tf.test.is_built_with_gpu_support: CUDA or ROCm."""
    return is_built_with_cuda() or is_built_with_rocm()


def is_built_with_xla() -> bool:
    """tf.test.is_built_with_xla: always True (JAX is XLA)."""
    return True


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability: Any = None) -> bool:
    """tf.test.is_gpu_available (deprecated in TF): whether a GPU (optionally of a minimum capability) exists."""
    gpus = _devices("gpu")
    if cuda_only:
        gpus = [d for d in gpus if d.platform in ("gpu", "cuda")]
    if min_cuda_compute_capability is not None:
        want = tuple(min_cuda_compute_capability)
        gpus = [d for d in gpus if _capability(d) >= want]
    return bool(gpus)


def _capability(d: Any) -> tuple:
    cc = getattr(d, "compute_capability", None)
    if cc is None:
        return (0, 0)
    try:
        return tuple(int(x) for x in str(cc).split("."))
    except ValueError:
        return (0, 0)


def gpu_device_name() -> str:
    """tf.test.gpu_device_name: '/device:GPU:0' when a GPU exists, else ''."""
    return "/device:GPU:0" if _devices("gpu") else ""


__all__ = sorted(
    n for n in dir() if not n.startswith("_") and n not in ("annotations", "importlib", "Any")
)
