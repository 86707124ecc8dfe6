"""Restoring a checkpoint into the program's objects, now and as they are created (deferred restoration).

``Restoration`` holds one restore's saved graph and (already validated) values. Values whose
objects exist are assigned at once, after every shape and dtype was checked. The rest wait: while
any restoration has unconsumed values, each newly created Variable is marked pending (its class is
swapped for a subclass whose ``_value`` property notices the first read or write). That first
touch happens after the variable was attached where the program keeps it (Keras ``build``, an
optimizer's slots on the first ``apply_gradients``), so the object graph is matched again from the
checkpoint's roots, and every pending variable now reachable at a saved path gets its value before
it is used; its class is then restored. This is TF's restore-on-create: a fresh model and
optimizer restored before they are built continue exactly where the saved program stopped.

A restoration lives as long as its root object, or any of the root's children at restore time,
is alive (TF keeps deferred values on the objects), and ends once all its values are consumed.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from ..core import errors
from ..core.variable import Variable, _creation_hooks
from . import trackable

_MAX_ATTEMPTS = 16  # first touches of a never-attached pending variable before it stops being pending

_active: list = []  # Restoration objects with unconsumed values, oldest first
_pending: dict = {}  # id(var) -> weakref to a Variable created while restorations were active
_attempts: dict = {}
_resolving = [False]
_swapped: dict = {}  # Variable class -> its pending subclass


def _ref(obj: Any) -> Any:
    try:
        return weakref.ref(obj)
    except TypeError:  # lists, dicts: held strongly
        return lambda: obj


def _readable_path(path: str) -> str:
    return "(root)" + "".join("." + p for p in path.split("/")) if path else "(root)"


def check_value(var: Variable, key: str, value: np.ndarray, fn: str) -> None:
    """Raise ValueError (shape) / InvalidArgumentError (dtype) naming the checkpoint key, as TF."""
    if not var.shape.is_compatible_with(value.shape):
        raise ValueError(
            f"{fn}: received incompatible tensor with shape {tuple(value.shape)} for {key} when attempting to restore "
            f"variable with shape {tuple(var.shape)} and name {var.name}. The checkpoint does not match this program "
            "(build the model the same way as when it was saved)."
        )
    if np.dtype(value.dtype) != np.dtype(var._np_dtype):
        from ..core import dtypes as _dt

        have = _dt._BY_NP[np.dtype(value.dtype)].name if np.dtype(value.dtype) in _dt._BY_NP else str(value.dtype)
        raise errors.InvalidArgumentError(
            None, None,
            f"{fn}: tensor_name = {key}; expected dtype {var.dtype.name} does not equal original dtype {have} "
            f"(variable {var.name}).",
        )


_ZERO_COPY_BYTES = 1 << 16  # smaller values are copied (cheap); larger ones are handed to JAX as they are


def _host_array(var: Variable, value: np.ndarray) -> Any:
    """A jax.Array using the memory of ``value`` itself, or None where that is not possible or not worth it.

    Only for a variable living on one CPU device (where a jax.Array can be the host memory), a value
    of its exact shape and dtype, at least ``_ZERO_COPY_BYTES`` long, in an aligned writable buffer
    read for this restore alone (storage.read_arrays gives each large value its own). Saves a copy
    of every large value on restore; a later donation of the variable's buffer copies instead."""
    if value.nbytes < _ZERO_COPY_BYTES or not value.flags.writeable or value.ctypes.data % 64:
        return None
    if value.dtype.kind not in "biufc" or not value.flags.c_contiguous:  # DLPack has no bfloat16 etc.
        return None
    cur = var._raw()
    if getattr(cur, "shape", None) != value.shape or getattr(cur, "dtype", None) != value.dtype:
        return None
    try:
        devices = cur.devices()
        if len(devices) != 1 or next(iter(devices)).platform != "cpu":
            return None
        import jax.numpy as jnp

        out = jnp.from_dlpack(value)
    except Exception:  # noqa: BLE001 - any refusal: copy as usual
        return None
    if out.devices() != devices or out.dtype != value.dtype or out.shape != value.shape:
        return None
    return out


def _assign(var: Variable, value: np.ndarray) -> None:
    host = _host_array(var, value)
    if host is not None:
        var.write_array(host)
    else:
        var.assign(value, read_value=False)
    sharding = getattr(var, "_sharding", None)
    if sharding is not None:  # a variable of a tf.distribute strategy stays replicated over its devices
        import jax

        var.write_array(jax.device_put(var.array, sharding))


class Restoration:
    """The saved graph and values of one restore, matched against the program (see module docstring)."""

    def __init__(self, path: str, manifest: dict, values: dict, root: Any, fn: str):
        self.path = path
        self.fn = fn
        self.nodes = manifest["nodes"]
        self.values = values
        self.remaining = {n["key"] for n in self.nodes if n.get("key") in values}
        self.root = _ref(root)
        self.anchors = [(name, _ref(obj)) for name, obj in trackable.children(root)]
        self.expect_partial = False

    def anchor_pairs(self) -> list:
        root = self.root()
        if root is not None:
            return [(root, 0)]
        by_name = {name: cid for name, cid in self.nodes[0]["children"]}
        return [(o, by_name[name]) for name, ref in self.anchors if (o := ref()) is not None and name in by_name]

    def alive(self) -> bool:
        return bool(self.remaining) and bool(self.anchor_pairs())

    def match(self) -> dict:
        return trackable.match(self.anchor_pairs(), self.nodes)

    def plan(self, pairs: list) -> list:
        """[(variable, key)] of the unconsumed values of the matched ``(variable, node id)`` pairs, each checked
        (shape, dtype) against its variable; raises before anything is assigned."""
        todo = []
        for var, nid in pairs:
            key = self.nodes[nid].get("key")
            if key in self.remaining:
                todo.append((var, key))
        for var, key in todo:
            check_value(var, key, self.values[key], self.fn)
        return todo

    def assign(self, todo: list) -> list:
        """Assign the values of a ``plan``; returns the variables."""
        for var, key in todo:
            _assign(var, self.values[key])
            self.remaining.discard(key)
            self.values.pop(key, None)
        return [v for v, _ in todo]

    def restore_into(self, pairs: list) -> list:
        """Assign the unconsumed values of the matched ``(variable, node id)`` pairs; all checked first."""
        return self.assign(self.plan(pairs))

    def unresolved(self) -> list:
        out = []
        paths = _saved_paths(self.nodes)
        for nid, node in enumerate(self.nodes):
            if node.get("key") in self.remaining:
                out.append((paths.get(nid, ""), node["key"]))
        return out


def _saved_paths(nodes: list) -> dict:
    paths = {0: ""}
    queue = [0]
    i = 0
    while i < len(queue):
        nid = queue[i]
        i += 1
        for name, cid in nodes[nid]["children"]:
            if cid not in paths:
                paths[cid] = f"{paths[nid]}/{name}" if paths[nid] else name
                queue.append(cid)
    return paths


def activate(r: Restoration) -> None:
    """Keep ``r`` for deferred restoration (replacing an earlier one of the same root)."""
    root = r.root()
    _active[:] = [x for x in _active if x.root() is not root or root is None]
    if r.remaining:
        _active.append(r)


def _prune() -> None:
    _active[:] = [r for r in _active if r.alive()]


# -- pending variables --------------------------------------------------------------------------
def _get_value(self: Any) -> Any:
    if not _resolving[0]:
        _touch(self)
    return self.__dict__["_value"]


def _set_value(self: Any, value: Any) -> None:
    if not _resolving[0]:
        _touch(self)
    self.__dict__["_value"] = value


def _pending_class(cls: type) -> type:
    sub = _swapped.get(cls)
    if sub is None:
        sub = type(cls.__name__, (cls,), {
            "_value": property(_get_value, _set_value), "__module__": cls.__module__,
            "_tfshim_pending_base": cls,
        })
        _swapped[cls] = sub
    return sub


def _unswap(var: Any) -> None:
    base = type(var).__dict__.get("_tfshim_pending_base")
    if base is not None:
        object.__setattr__(var, "__class__", base)
    _pending.pop(id(var), None)
    _attempts.pop(id(var), None)


def unswap_all() -> None:
    for ref in list(_pending.values()):
        v = ref()
        if v is not None:
            _unswap(v)
    _pending.clear()
    _attempts.clear()


def _on_create(var: Variable) -> None:
    if not _active:
        return
    _prune()
    if not _active:
        unswap_all()
        return
    object.__setattr__(var, "__class__", _pending_class(type(var)))
    key = id(var)

    def gone(ref: Any, key: int = key) -> None:
        if _pending.get(key) is ref:
            _pending.pop(key, None)
            _attempts.pop(key, None)

    _pending[key] = weakref.ref(var, gone)


def resolve_pending() -> None:
    """Match every active restoration again and restore the pending variables now reachable."""
    _prune()
    if not _active:
        unswap_all()
        return
    found: dict = {}
    try:
        plans, taken = [], set()
        for r in reversed(_active):  # the newest restore wins
            pairs = []
            for obj, nid in r.match().values():
                if isinstance(obj, Variable) and id(obj) in _pending and id(obj) not in taken:
                    pairs.append((obj, nid))
                    found[id(obj)] = obj
            try:
                todo = r.plan(pairs)
            except Exception:
                for _obj, nid in pairs:  # report once, not on every later read
                    r.remaining.discard(r.nodes[nid].get("key"))
                raise
            taken.update(id(v) for v, _ in todo)
            plans.append((r, todo))
        for r, todo in plans:  # every value of every restoration checked: now assign them
            r.assign(todo)
    finally:
        for obj in found.values():
            _unswap(obj)
        _prune()
        if not _active:
            unswap_all()


def _touch(var: Any) -> None:
    _resolving[0] = True
    try:
        resolve_pending()
        key = id(var)
        if key in _pending:
            n = _attempts[key] = _attempts.get(key, 0) + 1
            if n >= _MAX_ATTEMPTS:
                _unswap(var)
    finally:
        _resolving[0] = False


def restore_now(r: Restoration) -> dict:
    """Restore every existing matched variable of ``r`` (all validated before any is assigned)."""
    _resolving[0] = True
    try:
        matched = r.match()
        pairs = [(o, nid) for o, nid in matched.values() if isinstance(o, Variable)]
        restored = r.restore_into(pairs)
        for v in restored:
            if id(v) in _pending:
                _unswap(v)
        activate(r)
        _prune()
        if not _active:
            unswap_all()
        return matched
    finally:
        _resolving[0] = False


if _on_create not in _creation_hooks:
    _creation_hooks.append(_on_create)
