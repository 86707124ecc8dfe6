"""TensorBoard event files: ``events.out.tfevents.*`` written as TFRecords of ``Event`` protos.

A record is TF's (TFRecord) framing: little-endian uint64 length, its masked CRC-32C, the bytes, their masked
CRC-32C. The protos (``Event``, ``Summary``) and the plugin metadata come from the ``tensorboard`` package;
tensorboard's own ``EventFileWriter`` is not used because it reaches for ``tensorflow`` (its ``gfile``) when
TensorFlow is installed. Events wait in a queue that is written when it holds more than ``max_queue`` events
or ``flush_millis`` have passed since the last write (TF's rule), on ``flush()``/``close()``, when the writer
is garbage collected, and at interpreter exit.
"""

from __future__ import annotations

import atexit
import itertools
import os
import socket
import struct
import threading
import time
import weakref
from typing import Any

from ..train import crc32c

_uid = itertools.count()
_open: weakref.WeakSet = weakref.WeakSet()


def frame(data: bytes) -> bytes:
    """One TFRecord: length, masked CRC-32C of the length, ``data``, masked CRC-32C of ``data``."""
    header = struct.pack("<Q", len(data))
    return (
        header + struct.pack("<I", crc32c.mask(crc32c.value(header))) + data
        + struct.pack("<I", crc32c.mask(crc32c.value(data)))
    )


class EventFile:
    """One open event file in ``logdir`` (thread-safe; the writes of one thread keep their order)."""

    def __init__(self, logdir: str, max_queue: int = 10, flush_millis: int = 120_000, filename_suffix: str = ".v2"):
        from tensorboard.compat.proto import event_pb2

        self._event_pb2 = event_pb2
        os.makedirs(logdir, exist_ok=True)
        name = (
            f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}.{next(_uid)}"
            f"{filename_suffix}"
        )
        self.path = os.path.join(logdir, name)
        self._file: Any = open(self.path, "wb")  # noqa: SIM115 - closed by close() / the finaliser
        self._lock = threading.Lock()
        self._queue: list = []
        self._max_queue = max(0, int(max_queue))
        self._flush_s = max(0.0, flush_millis / 1000.0)
        self._last_flush = time.monotonic()
        ev = event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2")
        ev.source_metadata.writer = "tfshim"
        self._file.write(frame(ev.SerializeToString()))
        self._file.flush()
        self._finalizer = weakref.finalize(self, _close_file, self._file, self._queue, self._lock)
        _open.add(self)

    @property
    def closed(self) -> bool:
        return self._file.closed

    def add_summary(self, summary: Any, step: int, wall_time: float | None = None) -> None:
        ev = self._event_pb2.Event(wall_time=time.time() if wall_time is None else wall_time, step=int(step))
        ev.summary.CopyFrom(summary)
        self.add_event(ev)

    def add_event(self, event: Any) -> None:
        data = frame(event.SerializeToString())
        with self._lock:
            if self._file.closed:
                return  # TF drops writes to a closed writer silently
            self._queue.append(data)
            if len(self._queue) > self._max_queue or time.monotonic() - self._last_flush >= self._flush_s:
                self._flush_locked()

    def _flush_locked(self) -> None:
        if self._queue:
            self._file.write(b"".join(self._queue))
            self._queue.clear()
        self._file.flush()
        self._last_flush = time.monotonic()

    def flush(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._flush_locked()

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._flush_locked()
                self._file.close()
        self._finalizer.detach()


def _close_file(f: Any, queue: list, lock: threading.Lock) -> None:
    with lock:
        if not f.closed:
            if queue:
                f.write(b"".join(queue))
                queue.clear()
            f.close()


@atexit.register
def _flush_all() -> None:  # pragma: no cover - runs at interpreter exit
    for w in list(_open):
        try:
            w.flush()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
