"""tf.keras.datasets.mnist / fashion_mnist: Keras' loaders (download, hash check, cache), plus local IDX folders.

Keras behaviour: files are cached under ``$KERAS_HOME/datasets`` (default ``~/.keras/datasets``; a
read-only home falls back to ``/tmp/.keras``), downloaded from Keras' storage bucket when missing,
verified by sha256 (mnist.npz) and reused afterwards. Arrays are uint8: images (n, 28, 28), labels (n,).

tfshim additions:

* ``load_data(path=DIR)`` where DIR holds the original IDX files (``train-images-idx3-ubyte.gz``,
  ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz``;
  ``.gz`` or uncompressed) loads them directly. If DIR holds only one split (for example the
  10,000-digit MNIST test split in ``../shared/data/mnist``), that split is returned as BOTH the
  train and the test split, with a ``UserWarning`` saying so — slice it yourself (e.g. first
  8,000 to train, last 2,000 to test).
* ``fashion_mnist.load_data()`` also finds the Debian/Ubuntu package ``dataset-fashion-mnist``
  (``/usr/share/datasets/fashion-mnist``) before trying to download.
* Offline with nothing cached, the error names the exact file to download and where to put it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import warnings
from typing import Any

import numpy as np

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
SYSTEM_FASHION_DIRS = ["/usr/share/datasets/fashion-mnist"]
_IDX = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


class DatasetDownloadError(Exception):
    """The dataset file is neither cached nor downloadable (Keras raises a plain Exception here)."""


def keras_home() -> str:
    """``$KERAS_HOME`` or ``~/.keras`` (``/tmp/.keras`` when that is not writable), as Keras."""
    base = os.path.expanduser(os.environ.get("KERAS_HOME", os.path.join("~", ".keras")))
    probe = base
    while not os.path.exists(probe):  # the folder may not exist yet: check its nearest parent
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if not os.access(probe, os.W_OK):
        base = os.path.join(tempfile.gettempdir(), ".keras")
    return base


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _hash_ok(path: str, file_hash: str | None) -> bool:
    if file_hash is None:
        return True
    if len(file_hash) == 32:
        h = hashlib.md5()  # noqa: S324 - Keras accepts md5 hashes too
        with open(path, "rb") as f:
            h.update(f.read())
        return h.hexdigest() == file_hash
    return _sha256(path) == file_hash


def get_file(fname: str, origin: str, file_hash: str | None = None, cache_subdir: str = "datasets",
             cache_dir: str | None = None, hint: str = "") -> str:
    """Keras' get_file: the cached path of ``fname``, downloading ``origin`` there first when needed."""
    datadir = os.path.join(cache_dir or keras_home(), cache_subdir)
    fpath = os.path.join(datadir, fname)  # an absolute ``fname`` is used as is
    if os.path.exists(fpath):
        if _hash_ok(fpath, file_hash):
            return fpath
        warnings.warn(
            "A local file was found, but it seems to be incomplete or outdated because the sha256 file hash does "
            f"not match the original value of {file_hash} so we will re-download the data.", stacklevel=3)
    os.makedirs(os.path.dirname(fpath) or ".", exist_ok=True)
    tmp = fpath + ".part"
    try:
        with urllib.request.urlopen(origin, timeout=30) as resp, open(tmp, "wb") as out:  # noqa: S310
            shutil.copyfileobj(resp, out)
    except (urllib.error.URLError, OSError, ValueError) as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        reason = getattr(e, "reason", e)
        raise DatasetDownloadError(
            f"URL fetch failure on {origin}: {reason}\n"
            f"tfshim: the file is not cached and could not be downloaded (offline?). Download {origin} on a "
            f"machine with internet access and place it at {fpath}"
            + (f" (sha256 {file_hash})" if file_hash and len(file_hash) == 64 else "") + "."
            + (f" {hint}" if hint else "")
        ) from None
    if not _hash_ok(tmp, file_hash):
        os.remove(tmp)
        raise ValueError(
            "Incomplete or corrupted file detected. The sha256 file hash does not match the provided value of "
            f"{file_hash}."
        )
    os.replace(tmp, fpath)
    return fpath


# -- IDX files ----------------------------------------------------------------------------------
def read_idx(path: str) -> np.ndarray:
    """An IDX file (``.gz`` or raw) as a NumPy array (uint8 data: images (n, rows, cols), labels (n,))."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path} is not an IDX file (bad magic number).")
    dtype = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[data[2]]
    ndim = data[3]
    dims = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    arr = np.frombuffer(data, dtype=dtype, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError(f"{path}: the IDX header says {dims} but the file holds {arr.size} values.")
    return arr.reshape(dims)


def _find(directory: str, stem: str) -> str | None:
    for name in (stem + ".gz", stem, stem.replace("-idx", ".idx") + ".gz", stem.replace("-idx", ".idx")):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            return p
    return None


def load_idx_dir(directory: str, what: str) -> tuple:
    """``((x_train, y_train), (x_test, y_test))`` from a folder of IDX files (see the module docstring)."""
    found = {k: _find(directory, stem) for k, stem in _IDX.items()}
    splits = {}
    for split in ("train", "test"):
        xp, yp = found[f"x_{split}"], found[f"y_{split}"]
        if xp and yp:
            x, y = read_idx(xp), read_idx(yp)
            if len(x) != len(y):
                raise ValueError(f"{what}: {xp} has {len(x)} images but {yp} has {len(y)} labels.")
            splits[split] = (x.astype(np.uint8), y.astype(np.uint8))
    if not splits:
        raise FileNotFoundError(
            f"{what}: no IDX files in {directory}; expected {', '.join(s + '.gz' for s in _IDX.values())}."
        )
    if len(splits) == 1:
        (have,) = splits
        missing = "train" if have == "test" else "test"
        warnings.warn(
            f"{what}: {directory} holds only the {have} split ({len(splits[have][0])} examples); it is returned "
            f"as both the train and the test split (no {missing} files there). Slice it to hold data out.",
            UserWarning, stacklevel=3)
        splits[missing] = splits[have]
    return splits["train"], splits["test"]


# -- the loaders --------------------------------------------------------------------------------
def mnist_load_data(path: str = "mnist.npz") -> tuple:
    """tf.keras.datasets.mnist.load_data(path="mnist.npz"): ((x_train, y_train), (x_test, y_test)), uint8.

    ``path`` is relative to ``~/.keras/datasets`` (or absolute); a directory of IDX files is also accepted."""
    p = os.path.expanduser(os.fspath(path))
    if os.path.isdir(p):
        return load_idx_dir(p, "tf.keras.datasets.mnist.load_data")
    fpath = get_file(p, origin=ORIGIN + "mnist.npz", file_hash=MNIST_SHA256,
                     hint="Or pass load_data(path=<a folder holding the MNIST IDX .gz files>).")
    with np.load(fpath, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def fashion_mnist_load_data(path: Any = None) -> tuple:
    """tf.keras.datasets.fashion_mnist.load_data(): ((x_train, y_train), (x_test, y_test)), uint8.

    Looks in ``~/.keras/datasets/fashion-mnist``, then the system package folder
    (/usr/share/datasets/fashion-mnist), then downloads. ``path`` (a tfshim extension) names an IDX folder."""
    if path is not None:
        return load_idx_dir(os.path.expanduser(os.fspath(path)), "tf.keras.datasets.fashion_mnist.load_data")
    subdir = os.path.join("datasets", "fashion-mnist")
    files = [_IDX["y_train"], _IDX["x_train"], _IDX["y_test"], _IDX["x_test"]]
    cache = os.path.join(keras_home(), subdir)
    if not all(os.path.exists(os.path.join(cache, f + ".gz")) for f in files):
        for d in SYSTEM_FASHION_DIRS:
            if all(_find(d, f) for f in files):
                return load_idx_dir(d, "tf.keras.datasets.fashion_mnist.load_data")
    paths = [get_file(f + ".gz", origin=ORIGIN + f + ".gz", cache_dir=keras_home(), cache_subdir=subdir,
                      hint="Or install the system package dataset-fashion-mnist "
                           "(apt-get install dataset-fashion-mnist).")
             for f in files]
    y_train, x_train, y_test, x_test = (read_idx(p) for p in paths)
    return (x_train, y_train), (x_test, y_test)
