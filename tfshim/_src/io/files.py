"""tf.io.read_file / write_file / matching_files and tf.io.gfile on the local file system.

Differences from TF: local paths only (TF's file systems for gs://, s3://, hdfs:// are not there: such a
path raises UnimplementedError naming the scheme). OS errors become TF's error classes
(NotFoundError, PermissionDeniedError, AlreadyExistsError, FailedPreconditionError, ...).
"""

from __future__ import annotations

import glob as _glob
import os
import shutil
from typing import Any, Iterator

import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor, wrap


def path_str(p: Any, fn: str) -> str:
    """A local path from a str, bytes, PathLike or scalar string Tensor; schemes other than file:// refused."""
    if isinstance(p, Tensor):
        if p.dtype != _dt.string or p.shape.rank != 0:
            raise errors.InvalidArgumentError(None, None, f"{fn}: the file name must be a scalar string, got {p!r}")
        p = np.asarray(p.array)[()]
    if isinstance(p, bytes):
        p = p.decode("utf-8")
    p = os.fspath(p)
    if "://" in p:
        scheme = p.split("://", 1)[0]
        if scheme != "file":
            raise errors.UnimplementedError(None, None, f"{fn}: File system scheme '{scheme}' not implemented "
                                                        f"(file: {p}); tfshim reads local files only.")
        p = p[len("file://"):]
    return p


def _os_error(e: OSError, fn: str, path: str) -> errors.OpError:
    return errors.from_os_error(e, f"{fn}: {path}")


def _bytes_scalar(b: bytes) -> Tensor:
    a = np.empty((), object)
    a[()] = b
    return wrap(a)


def read_file(filename: Any, name: Any = None) -> Tensor:
    """tf.io.read_file: the whole file as a scalar tf.string."""
    p = path_str(filename, "tf.io.read_file")
    try:
        with open(p, "rb") as f:
            return _bytes_scalar(f.read())
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"tf.io.read_file: {p}; Is a directory") from None
    except OSError as e:
        raise _os_error(e, "tf.io.read_file", p) from None


def write_file(filename: Any, contents: Any, name: Any = None) -> None:
    """tf.io.write_file: write a scalar string to a file (parent directories are created, as TF)."""
    p = path_str(filename, "tf.io.write_file")
    t = contents if isinstance(contents, Tensor) else convert_to_tensor(contents)
    if t.dtype != _dt.string or t.shape.rank != 0:
        raise errors.InvalidArgumentError(None, None, f"tf.io.write_file: contents must be a scalar string, "
                                                      f"got {t.dtype.name} of shape {t.shape}")
    try:
        d = os.path.dirname(p)
        if d:
            os.makedirs(d, exist_ok=True)
        with open(p, "wb") as f:
            f.write(np.asarray(t.array)[()])
    except OSError as e:
        raise _os_error(e, "tf.io.write_file", p) from None


def _glob_one(pattern: str) -> list:
    return sorted(_glob.glob(pattern))


def matching_files(pattern: Any, name: Any = None) -> Tensor:
    """tf.io.matching_files: the sorted file names matching a glob pattern (or a vector of patterns)."""
    t = pattern if isinstance(pattern, Tensor) else convert_to_tensor(pattern)
    pats = np.asarray(t.array).reshape(-1).tolist()
    out = []
    for p in pats:
        out.extend(_glob_one(path_str(p, "tf.io.matching_files")))
    a = np.empty(len(out), object)
    a[:] = [x.encode("utf-8") for x in out]
    return wrap(a)


# -- tf.io.gfile -----------------------------------------------------------------------------------------
class GFile:
    """tf.io.gfile.GFile(name, mode='r'): a file object; text mode gives str, 'b' modes give bytes."""

    def __init__(self, name: Any, mode: str = "r"):
        self._path = path_str(name, "tf.io.gfile.GFile")
        if mode not in ("r", "rb", "w", "wb", "a", "ab", "r+", "rb+", "w+", "wb+", "a+", "ab+"):
            raise errors.InvalidArgumentError(None, None, f"tf.io.gfile.GFile: mode {mode!r} not supported "
                                                          "(r, w, a with optional b and +)")
        self._mode = mode
        self._f: Any = None
        if "r" in mode and not os.path.exists(self._path):
            raise errors.NotFoundError(None, None, f"{self._path}; No such file or directory")

    def _file(self) -> Any:
        if self._f is None:
            try:
                m = self._mode if "b" in self._mode else self._mode
                self._f = open(self._path, m, **({} if "b" in m else {"encoding": "utf-8", "newline": ""}))
            except OSError as e:
                raise _os_error(e, "tf.io.gfile.GFile", self._path) from None
        return self._f

    @property
    def name(self) -> str:
        return self._path

    @property
    def mode(self) -> str:
        return self._mode

    def read(self, n: int = -1) -> Any:
        return self._file().read(n)

    def readline(self) -> Any:
        return self._file().readline()

    def readlines(self) -> list:
        return self._file().readlines()

    def write(self, data: Any) -> None:
        f = self._file()
        if "b" not in self._mode and isinstance(data, bytes):
            data = data.decode("utf-8")
        elif "b" in self._mode and isinstance(data, str):
            data = data.encode("utf-8")
        f.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file().seek(offset, whence)

    def tell(self) -> int:
        return self._file().tell()

    def size(self) -> int:
        return os.path.getsize(self._path)

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        if self._f is not None:
            self._f.flush()

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None

    def __iter__(self) -> Iterator:
        return iter(self._file())

    def __next__(self) -> Any:
        return next(self._file())

    def __enter__(self) -> GFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def exists(path: Any) -> bool:
    """tf.io.gfile.exists."""
    return os.path.exists(path_str(path, "tf.io.gfile.exists"))


def isdir(path: Any) -> bool:
    """tf.io.gfile.isdir."""
    return os.path.isdir(path_str(path, "tf.io.gfile.isdir"))


def makedirs(path: Any) -> None:
    """tf.io.gfile.makedirs: create a directory and its parents (no error if it exists)."""
    p = path_str(path, "tf.io.gfile.makedirs")
    try:
        os.makedirs(p, exist_ok=True)
    except OSError as e:
        raise _os_error(e, "tf.io.gfile.makedirs", p) from None


def mkdir(path: Any) -> None:
    """tf.io.gfile.mkdir: create one directory (AlreadyExistsError if it exists)."""
    p = path_str(path, "tf.io.gfile.mkdir")
    try:
        os.mkdir(p)
    except OSError as e:
        raise _os_error(e, "tf.io.gfile.mkdir", p) from None


def listdir(path: Any) -> list:
    """tf.io.gfile.listdir: the entries of a directory (sub-directories without a trailing slash)."""
    p = path_str(path, "tf.io.gfile.listdir")
    if not os.path.isdir(p):
        raise errors.NotFoundError(None, None, f"tf.io.gfile.listdir: Could not find directory {p}")
    return sorted(os.listdir(p))


def glob(pattern: Any) -> list:
    """tf.io.gfile.glob: the paths matching a pattern (or a list of patterns)."""
    pats = pattern if isinstance(pattern, (list, tuple)) else [pattern]
    out: list = []
    for p in pats:
        out.extend(_glob_one(path_str(p, "tf.io.gfile.glob")))
    return out


def remove(path: Any) -> None:
    """tf.io.gfile.remove: delete a file (NotFoundError if missing)."""
    p = path_str(path, "tf.io.gfile.remove")
    try:
        os.remove(p)
    except OSError as e:
        raise _os_error(e, "tf.io.gfile.remove", p) from None


def rmtree(path: Any) -> None:
    """tf.io.gfile.rmtree: delete a directory tree."""
    p = path_str(path, "tf.io.gfile.rmtree")
    if not os.path.exists(p):
        raise errors.NotFoundError(None, None, f"tf.io.gfile.rmtree: {p}; No such file or directory")
    try:
        shutil.rmtree(p)
    except OSError as e:
        raise _os_error(e, "tf.io.gfile.rmtree", p) from None


def rename(src: Any, dst: Any, overwrite: bool = False) -> None:
    """tf.io.gfile.rename (AlreadyExistsError when ``dst`` exists and not ``overwrite``)."""
    s, d = path_str(src, "tf.io.gfile.rename"), path_str(dst, "tf.io.gfile.rename")
    if not overwrite and os.path.exists(d):
        raise errors.AlreadyExistsError(None, None, f"tf.io.gfile.rename: file already exists: {d}")
    try:
        os.replace(s, d)
    except OSError as e:
        raise _os_error(e, "tf.io.gfile.rename", s) from None


def copy(src: Any, dst: Any, overwrite: bool = False) -> None:
    """tf.io.gfile.copy (AlreadyExistsError when ``dst`` exists and not ``overwrite``)."""
    s, d = path_str(src, "tf.io.gfile.copy"), path_str(dst, "tf.io.gfile.copy")
    if not overwrite and os.path.exists(d):
        raise errors.AlreadyExistsError(None, None, f"tf.io.gfile.copy: file already exists: {d}")
    try:
        shutil.copyfile(s, d)
    except OSError as e:
        raise _os_error(e, "tf.io.gfile.copy", s) from None


def walk(top: Any, topdown: bool = True, onerror: Any = None) -> Iterator:
    """tf.io.gfile.walk: (dirname, subdirs, files) tuples, as os.walk."""
    return os.walk(path_str(top, "tf.io.gfile.walk"), topdown=topdown, onerror=onerror)


class FileStatistics:
    """What tf.io.gfile.stat returns: length, mtime_nsec, is_directory."""

    def __init__(self, length: int, mtime_nsec: int, is_directory: bool):
        self.length, self.mtime_nsec, self.is_directory = length, mtime_nsec, is_directory

    def __repr__(self) -> str:
        return f"FileStatistics(length={self.length}, mtime_nsec={self.mtime_nsec}, is_directory={self.is_directory})"


def stat(path: Any) -> FileStatistics:
    """tf.io.gfile.stat."""
    p = path_str(path, "tf.io.gfile.stat")
    try:
        st = os.stat(p)
    except OSError as e:
        raise _os_error(e, "tf.io.gfile.stat", p) from None
    return FileStatistics(st.st_size, st.st_mtime_ns, os.path.isdir(p))


def join(path: Any, *paths: Any) -> str:
    """tf.io.gfile.join."""
    return os.path.join(os.fspath(path), *[os.fspath(p) for p in paths])


def get_registered_schemes() -> list:
    """tf.io.gfile.get_registered_schemes: tfshim has the local file system only."""
    return ["file", ""]
