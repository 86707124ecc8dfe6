"""The ``checkpoint`` state file of a checkpoint directory, in TF's text format (CheckpointState).

::

    model_checkpoint_path: "ckpt-10"
    all_model_checkpoint_paths: "ckpt-3"
    all_model_checkpoint_paths: "ckpt-10"
    all_model_checkpoint_timestamps: 1795800633.4990847
    last_preserved_timestamp: 1795800632.2970629

Paths inside the directory are written relative to it, as TF does. The file is replaced atomically
(written to a temporary file, then renamed), so it always names complete checkpoints; it is
``fsync``-ed when the checkpoints are (``TFSHIM_CHECKPOINT_FSYNC=1``, see storage.py). Its last line is a
comment, ``# tfshim-crc32c: <8 hex digits>``, the CRC-32C of the lines before it: a state file tfshim wrote
that was damaged since raises DataLossError instead of pointing at another checkpoint (TF's parser skips the
comment; files without it are read as TF reads them).
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from ..core import crc32c, errors
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


def _format(st: CheckpointState) -> str:
    lines = [f"model_checkpoint_path: {_quote(st.model_checkpoint_path)}"]
    lines += [f"all_model_checkpoint_paths: {_quote(p)}" for p in st.all_model_checkpoint_paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in st.all_model_checkpoint_timestamps]
    if st.last_preserved_timestamp:
        lines.append(f"last_preserved_timestamp: {st.last_preserved_timestamp!r}")
    return "\n".join(lines) + "\n"



class _ParseError(ValueError):
    """The state file is not a CheckpointState in protobuf text format (TF ignores such a file)."""


_TOKEN = re.compile(r"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|inf(?:inity)?|nan)[fF]?)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<punct>[:\[\],;])
""", re.VERBOSE | re.IGNORECASE)
_STRING_FIELDS = ("model_checkpoint_path", "all_model_checkpoint_paths")
_FLOAT_FIELDS = ("all_model_checkpoint_timestamps", "last_preserved_timestamp")
_REPEATED = ("all_model_checkpoint_paths", "all_model_checkpoint_timestamps")
_ESCAPES = {"n": b"\n", "t": b"\t", "r": b"\r", "a": b"\a", "b": b"\b", "f": b"\f", "v": b"\v", "\\": b"\\",
            "'": b"'", '"': b'"', "?": b"?"}


def _tokens(text: str) -> list:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _ParseError(f"unexpected character {text[pos]!r} at offset {pos}")
        pos = m.end()
        if m.lastgroup != "space":
            out.append((m.lastgroup, m.group()))
    return out


def _unescape(lit: str) -> str:
    """The value of a text-format string literal (C escapes; the bytes must be UTF-8)."""
    body, out, i = lit[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        n = body[i + 1]
        if n in _ESCAPES:
            out += _ESCAPES[n]
            i += 2
        elif n in "01234567":
            j = i + 1
            while j < len(body) and j < i + 4 and body[j] in "01234567":
                j += 1
            out.append(int(body[i + 1:j], 8) & 0xFF)
            i = j
        elif n in "xX":
            j = i + 2
            while j < len(body) and j < i + 4 and body[j] in "0123456789abcdefABCDEF":
                j += 1
            if j == i + 2:
                raise _ParseError(f"invalid escape in {lit}")
            out.append(int(body[i + 2:j], 16))
            i = j
        else:
            raise _ParseError(f"invalid escape \\{n} in {lit}")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise _ParseError(f"{lit} is not UTF-8") from None


def _value(toks: list, i: int, field: str) -> tuple:
    kind, text = toks[i] if i < len(toks) else (None, "")
    if field in _STRING_FIELDS:
        if kind != "string":
            raise _ParseError(f"expected a string for {field}, got {text!r}")
        parts = []
        while i < len(toks) and toks[i][0] == "string":  # adjacent literals concatenate
            parts.append(_unescape(toks[i][1]))
            i += 1
        return "".join(parts), i
    if kind == "ident" and text.lower() in ("inf", "infinity", "nan"):
        kind = "number"
    if kind != "number":
        raise _ParseError(f"expected a number for {field}, got {text!r}")
    return float(text.rstrip("fF")), i + 1


def parse(text: str) -> CheckpointState:
    """The CheckpointState in protobuf text format ``text`` (``_ParseError``, a ValueError, if it is not one)."""
    toks = _tokens(text)
    st = CheckpointState()
    i = 0
    while i < len(toks):
        kind, field = toks[i]
        if kind != "ident" or field not in _STRING_FIELDS + _FLOAT_FIELDS:
            raise _ParseError(f"unknown field {field!r}")
        if i + 1 >= len(toks) or toks[i + 1] != ("punct", ":"):
            raise _ParseError(f"expected ':' after {field}")
        i += 2
        if i < len(toks) and toks[i] == ("punct", "[") and field in _REPEATED:
            i += 1
            values = []
            while i < len(toks) and toks[i] != ("punct", "]"):
                if values:
                    if toks[i] != ("punct", ","):
                        raise _ParseError(f"expected ',' in the list of {field}")
                    i += 1
                v, i = _value(toks, i, field)
                values.append(v)
            if i >= len(toks):
                raise _ParseError(f"unterminated list of {field}")
            i += 1
        else:
            v, i = _value(toks, i, field)
            values = [v]
        if field in _REPEATED:
            getattr(st, field).extend(values)
        else:
            setattr(st, field, values[-1])
        if i < len(toks) and toks[i] in (("punct", ","), ("punct", ";")):
            i += 1
    return st


def _relative(path: str, directory: str) -> str:
    if os.path.abspath(os.path.dirname(path)) == os.path.abspath(directory):
        return os.path.basename(path)
    return path


def write_state(directory: str, model_checkpoint_path: str, all_paths: Any, timestamps: Any = (),
                last_preserved_timestamp: float = 0.0, latest_filename: str | None = None,
                fn: str = "tf.train.Checkpoint.save") -> None:
    """Atomically write the state file of ``directory`` (paths in it stored relative to it)."""
    st = CheckpointState(
        _relative(model_checkpoint_path, directory), [_relative(p, directory) for p in all_paths],
        list(timestamps), last_preserved_timestamp,
    )
    target = os.path.join(directory, latest_filename or STATE_FILE)
    tmp = storage._tmp_name(target)
    try:
        storage.makedirs(directory)
        try:
            with open(tmp, "wb") as f:
                f.write(_with_checksum(_format(st).encode("utf-8")))
                if storage.durable():  # as the checkpoints themselves (see storage.py)
                    f.flush()
                    os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            if os.path.lexists(tmp):
                os.remove(tmp)
            raise
        if storage.durable():
            storage._fsync_dir(directory or ".")
    except OSError as e:
        raise errors.from_os_error(e, f"{fn}: cannot write the checkpoint state file {target}") from None


_CHECK_PREFIX = b"# tfshim-crc32c: "  # the last line of the state files tfshim writes: a comment for TF's parser
_CHECK_LEN = len(_CHECK_PREFIX) + 9  # + 8 hex digits + newline
_HEX = b"0123456789abcdef"


def _with_checksum(body: bytes) -> bytes:
    return body + _CHECK_PREFIX + b"%08x\n" % crc32c.value(body)


def _verify(raw: bytes, fname: str) -> None:
    """DataLossError if ``raw`` ends with tfshim's checksum line (or a damaged one) that does not match."""
    tail = raw[-_CHECK_LEN:]
    if len(tail) < _CHECK_LEN:
        return
    n = len(_CHECK_PREFIX)
    wrong = sum(a != b for a, b in zip(tail[:n], _CHECK_PREFIX)) + sum(c not in _HEX for c in tail[n:n + 8])
    wrong += tail[-1] != ord("\n")
    if wrong > 2:
        return  # no checksum line: a state file TF (or a person) wrote, read as TF reads it
    if wrong or crc32c.value(raw[:-_CHECK_LEN]) != int(tail[n:n + 8], 16):
        raise errors.DataLossError(
            None, None, f"tf.train.get_checkpoint_state: the checkpoint state file {fname} is corrupt (its checksum "
            "line does not match). If you edited it by hand, delete its last line '# tfshim-crc32c: ...'.")


def _read_state(fname: str) -> CheckpointState | None:
    """The parsed state file ``fname``; None where TF ignores it (missing, unreadable, not text format);
    DataLossError for a state file tfshim wrote that was damaged since (its checksum line)."""
    try:
        with open(fname, "rb") as f:
            raw = f.read()
    except OSError:  # as TF: a state file that cannot be read is ignored
        return None
    _verify(raw, fname)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:  # as TF (a ValueError)
        raise UnicodeDecodeError(e.encoding, e.object, e.start, e.end,
                                 f"{e.reason}: the checkpoint state file {fname} is not text") from None
    try:
        return parse(text)
    except _ParseError as e:
        logging.getLogger("tfshim").warning("%s: the checkpoint state file is not valid (%s); ignored, as TF does.",
                                            fname, e)
        return None


def get_checkpoint_state(checkpoint_dir: str, latest_filename: str | None = None) -> CheckpointState | None:
    """tf.train.get_checkpoint_state(checkpoint_dir): the parsed state file, paths joined to the directory.

    As TF: None without a state file (or with one that cannot be read or is not in text format, after a
    warning); ValueError for a state file naming no checkpoint (an empty one, say); UnicodeDecodeError for
    one that is not UTF-8."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    fname = os.path.join(checkpoint_dir, latest_filename or STATE_FILE)
    st = _read_state(fname)
    if st is None:
        return None
    if not st.model_checkpoint_path:
        raise ValueError(f"Invalid checkpoint state loaded from {checkpoint_dir}: the state file {fname} names no "
                         "model_checkpoint_path (empty or damaged). Fix or delete it; tfshim never guesses which "
                         "checkpoint is the latest.")

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


_NUMBERED = re.compile(r"^(.*)-(\d+)$")


def check_new_save(path: str, fn: str) -> None:
    """Refuse (AlreadyExistsError) a numbered save (``Checkpoint.save``, ``CheckpointManager.save``) whose
    target ``path`` is an existing checkpoint of an earlier run.

    TF overwrites it. tfshim replaces only a checkpoint this process wrote or restored, or one newer
    than the latest the directory's state file records and not named by it (what a save killed
    before it updated the state file left; a restarted run that restored the latest writes it
    again)."""
    if not storage.exists(path) or storage.is_own(path):
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:
        st = get_checkpoint_state(directory)
    except (ValueError, errors.OpError):
        st = None
    if st is not None:
        named = {os.path.realpath(p) for p in [st.model_checkpoint_path, *st.all_model_checkpoint_paths]}
        mine, latest = _NUMBERED.match(os.path.abspath(path)), _NUMBERED.match(os.path.abspath(
            st.model_checkpoint_path))
        if (os.path.realpath(path) not in named and mine and latest and mine.group(1) == latest.group(1)
                and int(mine.group(2)) > int(latest.group(2))):
            return
    state = ("the directory's state file names no newer checkpoint" if st is not None
             else "the directory has no valid state file")
    raise errors.AlreadyExistsError(
        None, None,
        f"{fn}: the checkpoint {path} already exists, written by an earlier run ({state}); tfshim never replaces "
        "it (TF would overwrite it). Restore it first so that numbering continues after it "
        "(CheckpointManager.restore_or_initialize() or Checkpoint.restore(path)), pass another checkpoint_number, "
        "or move it away or save to another directory.")


def latest_checkpoint(checkpoint_dir: str, latest_filename: str | None = None) -> str | None:
    """tf.train.latest_checkpoint(checkpoint_dir): the newest checkpoint named by the state file, or None."""
    st = get_checkpoint_state(checkpoint_dir, latest_filename)
    if st is None:
        return None
    path = st.model_checkpoint_path
    return path if storage.exists(path) else None
