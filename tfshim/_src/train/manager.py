"""tf.train.CheckpointManager: numbered checkpoints in a directory, with TF's rotation and state file.

Each save writes ``<directory>/<checkpoint_name>-<n>`` through the Checkpoint (a directory written
atomically, see storage.py), then records it in the ``checkpoint`` state file, then deletes the checkpoints
rotated out. The state file is replaced atomically and names only complete checkpoints, so a
process killed at any moment leaves ``latest_checkpoint`` restorable. The rotation is TF's (not
orbax's CheckpointManager, whose step directories and policies differ): keep the newest
``max_to_keep``, and of those rotated out keep one every ``keep_checkpoint_every_n_hours``. Rotated-out
checkpoints are renamed away before they are deleted (never half-deleted under their name). Difference from
TF: a save never replaces a checkpoint of an earlier run (``checkpoint_state.check_new_save``).
"""

from __future__ import annotations

import collections
import os
import time
from typing import Any, Callable

import numpy as np

from . import checkpoint_state, storage
from .checkpoint import Checkpoint, write_object


class CheckpointManager:
    """tf.train.CheckpointManager(checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
    checkpoint_name='ckpt', step_counter=None, checkpoint_interval=None, init_fn=None)."""

    def __init__(self, checkpoint: Checkpoint, directory: Any, max_to_keep: int | None,
                 keep_checkpoint_every_n_hours: float | None = None, checkpoint_name: str = "ckpt",
                 step_counter: Any = None, checkpoint_interval: int | None = None, init_fn: Callable | None = None):
        if not isinstance(checkpoint, Checkpoint):
            raise TypeError(f"tf.train.CheckpointManager: expected a tf.train.Checkpoint, got {checkpoint!r}.")
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"Expected a positive integer or `None` for `max_to_keep`, got {max_to_keep}.")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is not None.")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._keep_every_n_hours = keep_checkpoint_every_n_hours
        self._checkpoint_prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        self._init_fn = init_fn
        self._last_checkpoint_step = None
        self._maybe_delete: collections.OrderedDict = collections.OrderedDict()
        now = time.time()
        storage.remove_stale_saves(self._checkpoint_prefix)  # of processes killed while saving here
        st = checkpoint_state.get_checkpoint_state(self._directory)
        if st is None:
            self._latest_checkpoint = None
            # every checkpoint becomes eligible for keeping after n hours from now
            self._last_preserved_timestamp = now
        else:
            self._latest_checkpoint = st.model_checkpoint_path
            self._last_preserved_timestamp = st.last_preserved_timestamp
            if now < self._last_preserved_timestamp:  # the clock went backwards
                self._last_preserved_timestamp = now
            stamps = st.all_model_checkpoint_timestamps or [self._last_preserved_timestamp] * len(
                st.all_model_checkpoint_paths)
            for path, ts in zip(st.all_model_checkpoint_paths, stamps):
                ts = min(ts, now)
                if ts > self._last_preserved_timestamp:
                    self._maybe_delete[path] = ts

    @property
    def directory(self) -> str:
        return self._directory

    @property
    def checkpoint(self) -> Checkpoint:
        return self._checkpoint

    @property
    def checkpoint_interval(self) -> int | None:
        return self._checkpoint_interval

    @property
    def latest_checkpoint(self) -> str | None:
        """The newest checkpoint path this manager knows (or found in the directory's state file)."""
        return self._latest_checkpoint

    @property
    def checkpoints(self) -> list:
        """The managed checkpoint paths, oldest first (the ones that will be rotated out)."""
        return list(self._maybe_delete)

    def _record_state(self) -> None:
        paths = list(self._maybe_delete)
        checkpoint_state.write_state(
            self._directory, self._latest_checkpoint, paths, list(self._maybe_delete.values()),
            self._last_preserved_timestamp, fn="tf.train.CheckpointManager.save",
        )

    def _sweep(self) -> list:
        """Drop checkpoints beyond max_to_keep from the bookkeeping; returns the paths to delete."""
        if self._max_to_keep is None:
            return []
        doomed = []
        while len(self._maybe_delete) > self._max_to_keep:
            path, ts = self._maybe_delete.popitem(last=False)
            if (self._keep_every_n_hours is not None
                    and ts - self._keep_every_n_hours * 3600.0 >= self._last_preserved_timestamp):
                self._last_preserved_timestamp = ts
                continue
            doomed.append(path)
        return doomed

    def save(self, checkpoint_number: Any = None, check_interval: bool = True, options: Any = None) -> str | None:
        """CheckpointManager.save(checkpoint_number=None): write ``<dir>/<name>-<n>``; returns its path.

        ``n`` is ``checkpoint_number`` if given, else the checkpoint's incremented ``save_counter``.
        With ``checkpoint_interval``, returns None without saving until enough steps have passed."""
        if self._checkpoint_interval is not None:
            step = int(np.asarray(self._step_counter))
            if check_interval and self._last_checkpoint_step is not None:
                if step < self._last_checkpoint_step + self._checkpoint_interval:
                    return None
            if checkpoint_number is None:
                checkpoint_number = step
            self._last_checkpoint_step = step
        ckpt = self._checkpoint
        ckpt._maybe_create_save_counter()
        counter = ckpt._save_counter
        old = int(np.asarray(counter.array))
        counter.assign(np.int64(old + 1), read_value=False)
        if checkpoint_number is None:
            checkpoint_number = old + 1
        else:
            checkpoint_number = int(np.asarray(checkpoint_number))
        path = f"{self._checkpoint_prefix}-{checkpoint_number}"
        try:
            checkpoint_state.check_new_save(path, "tf.train.CheckpointManager.save")
            write_object(ckpt, path, "tf.train.CheckpointManager.save")
        except BaseException:
            counter.assign(np.int64(old), read_value=False)
            raise
        now = time.time()
        self._maybe_delete.pop(path, None)
        self._maybe_delete[path] = now
        self._latest_checkpoint = path
        doomed = self._sweep()
        self._record_state()  # first the state file (names only complete, kept checkpoints) ...
        for p in doomed:  # ... then the deletions
            storage.remove(p)
        return path

    def restore_or_initialize(self) -> str | None:
        """Restore the latest checkpoint if there is one (returns its path), else run ``init_fn`` (returns None)."""
        latest = self._latest_checkpoint
        if latest is not None and storage.exists(latest):
            self._checkpoint.restore(latest)
            return latest
        if self._init_fn is not None:
            self._init_fn()
        return None

    def sync(self) -> None:
        """Nothing to wait for: saves are synchronous."""
