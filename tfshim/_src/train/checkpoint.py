"""tf.train.Checkpoint: object-based saving and restoring of trackable objects (files: storage.py).

Differences from TF: a checkpoint ``<prefix>-<n>`` is a directory (graph + one data file) rather
than TF's ``.index``/``.data-*`` files (the path strings, counters, keys and the ``checkpoint`` state file
are TF's); ``options`` are accepted and ignored; saving inside ``tf.function`` is not supported; ``save`` never
replaces an earlier run's checkpoint (``checkpoint_state.check_new_save``: AlreadyExistsError where TF overwrites).
"""

from __future__ import annotations

import os
from typing import Any

import jax
import numpy as np

from ..core import dtypes as _dt
from ..core.variable import Variable
from . import checkpoint_state, restore, storage, trackable


class CheckpointOptions:
    """tf.train.CheckpointOptions: accepted for compatibility (the options have no effect here)."""

    def __init__(self, experimental_io_device: Any = None, experimental_enable_async_checkpoint: bool = False,
                 experimental_write_callbacks: Any = None, enable_async: bool = False,
                 experimental_sharding_callback: Any = None, experimental_skip_slot_variables: bool = False):
        self.experimental_io_device = experimental_io_device
        self.enable_async = bool(enable_async or experimental_enable_async_checkpoint)
        self.experimental_write_callbacks = experimental_write_callbacks
        self.experimental_sharding_callback = experimental_sharding_callback
        self.experimental_skip_slot_variables = experimental_skip_slot_variables


def write_object(root: Any, path: str, fn: str = "tf.train.Checkpoint.write") -> str:
    """Write the object graph of ``root`` and its variables' values as checkpoint ``path``."""
    path = os.fspath(path)
    graph = trackable.Graph(root)
    nodes, values, infos, variables = [], {}, [], []
    for i, obj in enumerate(graph.objects):
        node: dict = {"children": [[n, j] for n, j in graph.edges[i]]}
        if isinstance(obj, Variable):
            value = obj.array
            if isinstance(value, jax.core.Tracer):
                raise RuntimeError(f"{fn}: cannot save variable {obj.name} inside tf.function; save eagerly.")
            key = trackable.value_key(graph.paths[i])
            info = values[key] = {"item": f"t{len(infos)}"}
            infos.append(info)
            variables.append(value)
            node["key"] = key
        nodes.append(node)
    # One device_get for all values: on an accelerator the copies to the host overlap.
    host = jax.device_get(variables)
    arrays = {}
    for info, a in zip(infos, host):
        a = np.asarray(a)
        arrays[info["item"]] = a
        info.update(shape=list(a.shape), dtype=_dt._BY_NP[a.dtype].name)
    manifest = {"format": storage.FORMAT, "nodes": nodes, "values": values}
    storage.write(path, manifest, arrays, fn)
    return path


def read_checkpoint(path: Any, fn: str) -> tuple:
    """(manifest, {key: array}) of a tfshim checkpoint, or of a TF-written one (``path.index``)."""
    path = storage.resolve(os.fspath(path))
    if not storage.is_checkpoint(path) and storage.is_tf_checkpoint(path):
        from . import tf_bundle

        return tf_bundle.read(path, fn)
    manifest = storage.read_manifest(path, fn)
    return manifest, storage.read_arrays(path, manifest, fn)


def restore_object(root: Any, path: Any, fn: str = "tf.train.Checkpoint.restore") -> CheckpointLoadStatus:
    """Restore checkpoint ``path`` into the graph of ``root`` (deferred for objects not yet created)."""
    manifest, values = read_checkpoint(path, fn)
    r = restore.Restoration(os.fspath(path), manifest, values, root, fn)
    restore.restore_now(r)
    storage.note_own(path)  # restored: a numbered save of this process may replace it (checkpoint_state.check_new_save)
    return CheckpointLoadStatus(r, root)


class _Status:
    def expect_partial(self) -> Any:
        """Silence warnings about values of the checkpoint that were not used; returns the status."""
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        """Nothing to run: restores happen eagerly."""

    def initialize_or_restore(self, session: Any = None) -> None:
        """Nothing to run: restores happen eagerly."""


class InitializationOnlyStatus(_Status):
    """The status of ``restore(None)``: nothing was restored."""

    def _fail(self) -> None:
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being restored.")

    def assert_consumed(self) -> None:
        self._fail()

    def assert_existing_objects_matched(self) -> None:
        self._fail()

    def assert_nontrivial_match(self) -> None:
        self._fail()


class CheckpointLoadStatus(_Status):
    """The status returned by ``Checkpoint.restore``/``read``: assertions about what was matched."""

    def __init__(self, restoration: restore.Restoration, root: Any):
        self._r = restoration
        self._root = root

    def _unmatched(self) -> tuple:
        restore.resolve_pending()
        unmatched: list = []
        matched = trackable.match([(self._root, 0)], self._r.nodes, unmatched)
        return unmatched, matched

    @staticmethod
    def _unbound_error(unmatched: list) -> AssertionError:
        shown = unmatched[:10]
        return AssertionError(
            f"Found {len(unmatched)} Python objects that were not bound to checkpointed values, likely due to changes "
            f"in the Python program. Showing {len(shown)} of {len(unmatched)} unmatched objects: {shown}"
        )

    def assert_consumed(self) -> CheckpointLoadStatus:
        """Every object of the program and every value of the checkpoint matched (AssertionError if not)."""
        unmatched, _ = self._unmatched()
        if unmatched:
            raise self._unbound_error(unmatched)
        unresolved = self._r.unresolved()
        if unresolved:
            path, key = unresolved[0]
            more = f" (and {len(unresolved) - 1} more)" if len(unresolved) > 1 else ""
            raise AssertionError(
                f"Unresolved object in checkpoint {restore._readable_path(path)}: checkpoint_key: {key!r}{more}. "
                "The checkpoint holds values that no object of the program has taken (yet)."
            )
        return self

    def assert_existing_objects_matched(self) -> CheckpointLoadStatus:
        """Every object that exists now in the program matched a value of the checkpoint."""
        unmatched, _ = self._unmatched()
        if unmatched:
            raise self._unbound_error(unmatched)
        return self

    def assert_nontrivial_match(self) -> CheckpointLoadStatus:
        """At least one object other than the root matched the checkpoint."""
        unmatched, matched = self._unmatched()
        if len(matched) <= 1:
            raise AssertionError(
                "Nothing except the root object matched a checkpointed value. Typically this means that the "
                f"checkpoint does not match the Python program. The following objects have no matching checkpointed "
                f"value: {unmatched[:10]}"
            )
        return self

    def expect_partial(self) -> CheckpointLoadStatus:
        self._r.expect_partial = True
        return self


class Checkpoint:
    """tf.train.Checkpoint(root=None, **kwargs): groups trackable objects for saving and restoring.

    ``save(prefix)`` writes ``prefix-<n>`` (n = ``save_counter``) and updates the ``checkpoint``
    state file; ``write(path)`` writes ``path``; ``restore(path)``/``read(path)`` restore and return
    a status. Objects created after ``restore`` get their values when created (deferred restoration).
    """

    def __init__(self, root: Any = None, **kwargs: Any):
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_named", {})
        object.__setattr__(self, "_save_counter", None)
        object.__setattr__(self, "_restoration", None)
        if root is not None and not (trackable.is_trackable(root) or isinstance(root, (list, tuple, dict))):
            raise ValueError(
                f"`Checkpoint` was expecting root to be a trackable object (an object derived from `Trackable`), "
                f"got {root!r}."
            )
        for k, v in sorted(kwargs.items(), key=lambda kv: kv[0]):
            self._track(k, v)

    def _track(self, name: str, value: Any) -> None:
        if not (trackable.is_trackable(value) or isinstance(value, (list, tuple, dict))):
            raise ValueError(
                f"`Checkpoint` was expecting {name} to be a trackable object (an object derived from `Trackable`), "
                f"got {value!r}. If you believe this object should be trackable (i.e. it is part of the TensorFlow "
                "Python API and manages state), please open an issue."
            )
        self._named[name] = value

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self._track(name, value)

    def __getattr__(self, name: str) -> Any:
        named = self.__dict__.get("_named", {})
        if name in named:
            return named[name]
        raise AttributeError(f"'Checkpoint' object has no attribute '{name}'")

    def _trackable_children(self) -> dict:
        out: dict = {}
        if self._root is not None:
            out.update(trackable.children(self._root))
        out.update(self._named)
        if self._save_counter is not None:
            out["save_counter"] = self._save_counter
        return out

    # -- the save counter ---------------------------------------------------------------------------
    def _maybe_create_save_counter(self) -> None:
        if self._save_counter is None:
            object.__setattr__(self, "_save_counter", Variable(
                np.int64(0), trainable=False, name="save_counter", dtype=_dt.int64))

    @property
    def save_counter(self) -> Variable:
        """The number of ``save()`` calls so far (an int64 Variable, saved with the checkpoint)."""
        self._maybe_create_save_counter()
        return self._save_counter

    # -- saving ---------------------------------------------------------------------------------------
    def write(self, file_prefix: Any, options: Any = None) -> str:
        """Checkpoint.write(file_prefix): write the checkpoint at exactly ``file_prefix``; returns it."""
        return write_object(self, file_prefix, "tf.train.Checkpoint.write")

    def save(self, file_prefix: Any, options: Any = None) -> str:
        """Checkpoint.save(file_prefix): write ``f'{file_prefix}-{save_counter}'`` and update the state file."""
        file_prefix = os.fspath(file_prefix)
        self._maybe_create_save_counter()
        n = int(np.asarray(self._save_counter.array)) + 1
        path = f"{file_prefix}-{n}"
        checkpoint_state.check_new_save(path, "tf.train.Checkpoint.save")
        self._save_counter.assign(np.int64(n), read_value=False)
        try:
            write_object(self, path, "tf.train.Checkpoint.save")
        except BaseException:
            self._save_counter.assign(np.int64(n - 1), read_value=False)
            raise
        checkpoint_state.write_state(os.path.dirname(path), path, [path], fn="tf.train.Checkpoint.save")
        return path

    # -- restoring --------------------------------------------------------------------------------------
    def restore(self, save_path: Any, options: Any = None) -> Any:
        """Checkpoint.restore(save_path): restore now and on creation; ``None`` restores nothing."""
        if save_path is None:
            return InitializationOnlyStatus()
        self._maybe_create_save_counter()
        status = restore_object(self, save_path, "tf.train.Checkpoint.restore")
        object.__setattr__(self, "_restoration", status._r)
        return status

    def read(self, save_path: Any, options: Any = None) -> CheckpointLoadStatus:
        """Checkpoint.read(save_path): restore a checkpoint written by ``write`` (no save counter created)."""
        status = restore_object(self, save_path, "tf.train.Checkpoint.read")
        object.__setattr__(self, "_restoration", status._r)
        return status

    def __repr__(self) -> str:
        return f"<tfshim.train.Checkpoint object at {hex(id(self))}>"
