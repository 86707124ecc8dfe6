"""tf.keras.utils (minimal)."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from .backend import clear_session
from .input import is_keras_tensor


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """tf.keras.utils.to_categorical(x, num_classes=None): one-hot NumPy array, float64 as Keras 3's."""
    x = np.asarray(x, dtype="int64")
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if num_classes is None:
        num_classes = int(np.max(x)) + 1
    out = np.zeros((x.shape[0], num_classes), dtype="float64")
    out[np.arange(x.shape[0]), x] = 1.0
    return out.reshape(shape + (num_classes,))


def normalize(x: Any, axis: int = -1, order: int = 2) -> Any:
    """tf.keras.utils.normalize(x, axis=-1, order=2): ``x`` divided by its ``order``-norm along ``axis`` (zero norms
    left as 1). A NumPy array gives a NumPy array, a tensor a tensor."""
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, axis or -1)
    from ..core.convert import convert_to_tensor
    from ..core.dispatch import run

    return run(_normalize_impl, (convert_to_tensor(x),), "tf.keras.utils.normalize", axis=int(axis),
               order=order)


def _normalize_impl(x, axis, order):
    import jax.numpy as jnp

    if order == 2:  # Keras' tensor path: l2_normalize with epsilon 1e-12 on the squared norm
        sq = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
        return x * _rsqrt(jnp.maximum(sq, jnp.asarray(1e-12, x.dtype)))
    norm = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / jnp.where(norm == 0, jnp.ones_like(norm), norm)


def _rsqrt(x: Any) -> Any:
    import jax

    return jax.lax.rsqrt(x)


def get_file(fname: Any = None, origin: Any = None, untar: bool = False, md5_hash: Any = None, file_hash: Any = None,
             cache_subdir: str = "datasets", hash_algorithm: str = "auto", extract: bool = False,
             archive_format: str = "auto", cache_dir: Any = None, force_download: bool = False) -> str:
    """tf.keras.utils.get_file: download ``origin`` into ``cache_dir/cache_subdir`` (default
    ``~/.keras/datasets``) unless a file with a matching hash is cached there, and return its path; with
    ``extract=True`` (or ``untar``) the archive is unpacked and the extraction folder returned (Keras 3's naming:
    ``<name>_extracted`` for a file name with an extension, else ``<name>`` beside ``<name>_archive``).
    Differences: archives are unpacked with Python's ``tarfile`` ``data`` filter (no links out of the folder,
    no device files); offline, the error names the file to fetch and where to put it."""
    import os
    import urllib.parse

    from .datasets import get_file as _fetch
    from .datasets import keras_home

    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    datadir = os.path.join(os.path.expanduser(os.fspath(cache_dir)) if cache_dir is not None else keras_home(),
                           cache_subdir)
    provided = fname is not None and os.fspath(fname) != ""
    fname = os.fspath(fname) if provided else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'.Please specify the "
                         "`fname` argument.")
    if provided and os.sep in fname:
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the file's parent "
                         f"directory, use the `cache_dir` argument. Received: fname={fname}")
    extraction_dir = None
    if extract or untar:
        if provided and "." in fname:
            target = fname
            extraction_dir = os.path.join(datadir, f"{fname[: fname.find('.')]}_extracted")
        else:
            extraction_dir, target = os.path.join(datadir, fname), f"{fname}_archive"
    else:
        target = fname
    path = os.path.join(datadir, target)
    if force_download and os.path.exists(path):
        os.remove(path)
    if hash_algorithm == "md5" and file_hash is not None and len(file_hash) != 32:
        raise ValueError(f"tf.keras.utils.get_file: md5 hash expected (32 hex digits), received {file_hash!r}.")
    path = _fetch(target, origin, file_hash=file_hash, cache_subdir=cache_subdir,
                  cache_dir=os.path.dirname(datadir))
    if extraction_dir is None:
        return path
    _extract(path, extraction_dir, "tar" if untar else archive_format)
    return extraction_dir


def _extract(path: str, dest: str, archive_format: Any) -> bool:
    import tarfile
    import warnings
    import zipfile

    formats = ["tar", "zip"] if archive_format in ("auto", None) else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for fmt in formats:
        if fmt == "tar" and tarfile.is_tarfile(path):
            with tarfile.open(path) as t:
                t.extractall(dest, filter="data")
            return True
        if fmt == "zip" and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                z.extractall(dest)
            return True
    warnings.warn("Could not extract archive.", stacklevel=3)
    return False


def set_random_seed(seed: int) -> None:
    """tf.keras.utils.set_random_seed(seed): seeds Python, NumPy and tf.random."""
    if not isinstance(seed, int):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed} (of type {type(seed)})")
    from ..ops.random import set_seed

    random.seed(seed)
    np.random.seed(seed)
    set_seed(seed)


def get_source_inputs(tensor: Any) -> list:
    """tf.keras.utils.get_source_inputs: the Input tensors a KerasTensor depends on."""
    from .input import InputLayer

    out, seen, stack = [], set(), [tensor]
    while stack:
        kt = stack.pop()
        node = getattr(kt, "_node", None)
        if node is None or isinstance(node.layer, InputLayer):
            if id(kt) not in seen:
                seen.add(id(kt))
                out.append(kt)
            continue
        stack.extend(reversed(node.inputs))
    return out


from .progbar import Progbar  # noqa: E402

PUBLIC = {"to_categorical": to_categorical, "normalize": normalize, "Progbar": Progbar, "get_file": get_file,
          "set_random_seed": set_random_seed, "clear_session": clear_session,
          "get_source_inputs": get_source_inputs, "is_keras_tensor": is_keras_tensor}
