"""Devices: ``tf.device`` contexts, TF device names, soft placement, copies between devices."""

from __future__ import annotations

import collections
import contextlib
import re
from typing import Any, Iterator

import jax
from jax._src.array import ArrayImpl

from . import state

_SPEC = re.compile(
    r"^/?(?:job:[^/]+/)?(?:replica:\d+/)?(?:task:\d+/)?(?:device:)?(?P<kind>cpu|gpu|tpu|CPU|GPU|TPU)?:?(?P<idx>\d+|\*)?$"
)


def devices_of_kind(kind: str) -> list:
    try:
        return jax.devices(kind.lower())
    except RuntimeError:
        return []


def resolve(spec: Any) -> Any:
    """The jax device for a TF device string, with TF's soft placement (missing GPU → CPU)."""
    if spec is None or spec == "":
        return None
    if not isinstance(spec, str):
        raise ValueError(
            f"tf.device: Expecting a string device name. Got {type(spec)}({spec!r}); use e.g. '/cpu:0' or 'GPU:0'."
        )
    s = spec.strip()
    m = _SPEC.match(s) if s else None
    if m is None or (m.group("kind") is None and m.group("idx") is None and not s.startswith("/job")):
        raise ValueError(
            f"tf.device received the unparsable device name {spec!r}; use e.g. '/cpu:0', '/GPU:0' or "
            "'/job:localhost/replica:0/task:0/device:CPU:0'."
        )
    kind = (m.group("kind") or "cpu").upper()
    idx = m.group("idx")
    idx = 0 if idx in (None, "*") else int(idx)
    devs = devices_of_kind(kind)
    if not devs or idx >= len(devs):
        devs = devices_of_kind("cpu")  # soft placement, as TF does in eager mode
        idx = 0
    return devs[idx]


@contextlib.contextmanager
def device(device_name: Any) -> Iterator[None]:
    """tf.device(name): place tensors created inside on that device (soft placement as TF)."""
    d = resolve(device_name)
    state.device_stack.append(d)
    try:
        yield
    finally:
        state.device_stack.pop()


def current() -> Any:
    """The jax device of the innermost ``tf.device`` context, or None."""
    return state.device_stack[-1] if state.device_stack else None


def tf_name(d: Any) -> str:
    kind = "GPU" if d.platform in ("gpu", "cuda", "rocm") else d.platform.upper()
    return f"/job:localhost/replica:0/task:0/device:{kind}:{_index(d)}"


def _index(d: Any) -> int:
    same = [x for x in jax.devices(d.platform)] if d.platform else [d]
    return same.index(d) if d in same else d.id


def device_name_of(value: Any) -> str:
    try:
        devs = value.devices()
    except Exception:  # tracers have no device
        return ""
    return tf_name(next(iter(devs)))


# -- tf.config device listing ------------------------------------------------------------
PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
PhysicalDevice.__doc__ = "tf.config.PhysicalDevice(name, device_type): a device found on this machine."
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])
LogicalDevice.__doc__ = "tf.config.LogicalDevice(name, device_type): a device ops can be placed on."


def _kinds() -> list:
    """(TF device type, jax devices) for each kind present: CPU first (one, as TF shows), then GPU, TPU."""
    out = [("CPU", devices_of_kind("cpu")[:1])]
    for kind in ("GPU", "TPU"):
        devs = devices_of_kind(kind)
        if devs:
            out.append((kind, devs))
    return out


def list_physical_devices(device_type: Any = None) -> list:
    """tf.config.list_physical_devices: PhysicalDevice('/physical_device:CPU:0', 'CPU'), then GPUs/TPUs."""
    want = device_type  # case-sensitive, as TF ('cpu' matches nothing)
    return [PhysicalDevice(f"/physical_device:{k}:{i}", k) for k, devs in _kinds() if want in (None, k)
            for i in range(len(devs))]


def list_logical_devices(device_type: Any = None) -> list:
    """tf.config.list_logical_devices: LogicalDevice('/device:CPU:0', 'CPU'), then GPUs/TPUs."""
    want = device_type
    return [LogicalDevice(f"/device:{k}:{i}", k) for k, devs in _kinds() if want in (None, k) for i in range(len(devs))]


def put(array: Any) -> Any:
    """Put a NumPy array onto the current device (JAX's default when no tf.device is active)."""
    d = current()
    if state.tracing:
        # Constants made while tf.function traces stay concrete (usable as static shapes, loop bounds).
        with jax.ensure_compile_time_eval():
            return jax.device_put(array, d) if d is not None else jax.device_put(array)
    x = jax.device_put(array, d) if d is not None else jax.device_put(array)
    if type(x) is not ArrayImpl:
        # Inside another JAX transformation (a compiled Keras step, a gradient replay, a control-flow body)
        # device_put gives a tracer; a constant must be concrete: callers cache constants (``x * 2.0``'s 2.0),
        # and a cached tracer would leak into every later program.
        with jax.ensure_compile_time_eval():
            x = jax.device_put(array, d) if d is not None else jax.device_put(array)
    return x


def put_all(arrays: list) -> list:
    """``put`` of several NumPy arrays in one transfer call (host data loaders; eager only)."""
    if not arrays:
        return []
    if state.tracing:
        return [put(a) for a in arrays]
    d = current()
    out = jax.device_put(arrays, d) if d is not None else jax.device_put(arrays)
    if any(type(x) is not ArrayImpl for x in out):
        return [put(a) for a in arrays]
    return list(out)


_devices = devices_of_kind  # the name tf.config's module uses
