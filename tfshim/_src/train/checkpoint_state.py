"""The ``checkpoint`` state file of a checkpoint directory, in TF's text format (CheckpointState).

::

    model_checkpoint_path: "ckpt-10"
    all_model_checkpoint_paths: "ckpt-3"
    all_model_checkpoint_paths: "ckpt-10"
    all_model_checkpoint_timestamps: 1795800633.4990847
    last_preserved_timestamp: 1795800632.2970629

Paths inside the directory are written relative to it, as TF does. The file is replaced atomically
(written to a temporary file, then renamed), so it always names complete checkpoints; it is
``fsync``-ed when the checkpoints are (``TFSHIM_CHECKPOINT_FSYNC=1``, see storage.py).
"""

from __future__ import annotations

import os
from typing import Any

from ..core import errors
from . import storage

STATE_FILE = "checkpoint"


class CheckpointState:
    """tf.train.get_checkpoint_state's result (the fields of TF's CheckpointState proto)."""

    def __init__(self, model_checkpoint_path: str = "", all_model_checkpoint_paths: Any = (),
                 all_model_checkpoint_timestamps: Any = (), last_preserved_timestamp: float = 0.0):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps)
        self.last_preserved_timestamp = last_preserved_timestamp

    def __repr__(self) -> str:
        return _format(self)


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unquote(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        s = s[1:-1]
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            out.append({"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _format(st: CheckpointState) -> str:
    lines = [f"model_checkpoint_path: {_quote(st.model_checkpoint_path)}"]
    lines += [f"all_model_checkpoint_paths: {_quote(p)}" for p in st.all_model_checkpoint_paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in st.all_model_checkpoint_timestamps]
    if st.last_preserved_timestamp:
        lines.append(f"last_preserved_timestamp: {st.last_preserved_timestamp!r}")
    return "\n".join(lines) + "\n"


def parse(text: str) -> CheckpointState:
    st = CheckpointState()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        key, _, val = line.partition(":")
        key = key.strip()
        if key == "model_checkpoint_path":
            st.model_checkpoint_path = _unquote(val)
        elif key == "all_model_checkpoint_paths":
            st.all_model_checkpoint_paths.append(_unquote(val))
        elif key == "all_model_checkpoint_timestamps":
            st.all_model_checkpoint_timestamps.append(float(val))
        elif key == "last_preserved_timestamp":
            st.last_preserved_timestamp = float(val)
    return st


def _relative(path: str, directory: str) -> str:
    if os.path.abspath(os.path.dirname(path)) == os.path.abspath(directory):
        return os.path.basename(path)
    return path


def write_state(directory: str, model_checkpoint_path: str, all_paths: Any, timestamps: Any = (),
                last_preserved_timestamp: float = 0.0, latest_filename: str | None = None) -> None:
    """Atomically write the state file of ``directory`` (paths in it stored relative to it)."""
    st = CheckpointState(
        _relative(model_checkpoint_path, directory), [_relative(p, directory) for p in all_paths],
        list(timestamps), last_preserved_timestamp,
    )
    os.makedirs(directory or ".", exist_ok=True)
    target = os.path.join(directory, latest_filename or STATE_FILE)
    tmp = f"{target}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(_format(st))
        if storage.durable():  # as the checkpoints themselves (see storage.py)
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, target)


def get_checkpoint_state(checkpoint_dir: str, latest_filename: str | None = None) -> CheckpointState | None:
    """tf.train.get_checkpoint_state(checkpoint_dir): the parsed state file, paths joined to the directory."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    fname = os.path.join(checkpoint_dir, latest_filename or STATE_FILE)
    try:
        with open(fname, encoding="utf-8") as f:
            st = parse(f.read())
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not st.model_checkpoint_path:
        return None

    root = os.path.realpath(checkpoint_dir)

    def full(p: str) -> str:
        # As TF, relative paths are resolved against the directory. A path that escapes it (absolute elsewhere,
        # or through "..") is rejected: a state file must not point a restore at arbitrary files.
        path = p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)
        real = os.path.realpath(path)
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            raise errors.InvalidArgumentError(
                None, None, f"tf.train.get_checkpoint_state: the state file {fname} names the checkpoint {p!r}, "
                f"which is outside the checkpoint directory {checkpoint_dir!r}; tfshim only follows paths inside "
                "that directory (move the checkpoint files there or fix the state file).")
        return path

    st.model_checkpoint_path = full(st.model_checkpoint_path)
    st.all_model_checkpoint_paths = [full(p) for p in st.all_model_checkpoint_paths]
    return st


def latest_checkpoint(checkpoint_dir: str, latest_filename: str | None = None) -> str | None:
    """tf.train.latest_checkpoint(checkpoint_dir): the newest checkpoint named by the state file, or None."""
    st = get_checkpoint_state(checkpoint_dir, latest_filename)
    if st is None:
        return None
    path = st.model_checkpoint_path
    return path if storage.exists(path) else None
