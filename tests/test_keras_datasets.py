"""tf.keras.datasets.mnist / fashion_mnist: download (faked with file:// URLs), hash check, cache, IDX folders."""

from __future__ import annotations

import gzip
import hashlib
import os
import warnings

import numpy as np
import pytest

import tfshim.keras.datasets  # noqa: F401
from tfshim._src.keras import datasets as ds


def _write_idx(path, arr):
    arr = np.asarray(arr, np.uint8)
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + arr.tobytes())


def _fake_split(n, seed):
    r = np.random.RandomState(seed)
    return r.randint(0, 256, (n, 28, 28)).astype(np.uint8), r.randint(0, 10, n).astype(np.uint8)


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "kh"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


def test_mnist_download_hash_and_cache(tmp_path, keras_home, monkeypatch):
    (xtr, ytr), (xte, yte) = _fake_split(12, 0), _fake_split(5, 1)
    src = tmp_path / "bucket"
    src.mkdir()
    np.savez(src / "mnist.npz", x_train=xtr, y_train=ytr, x_test=xte, y_test=yte)
    digest = hashlib.sha256((src / "mnist.npz").read_bytes()).hexdigest()
    monkeypatch.setattr(ds, "ORIGIN", src.as_uri() + "/")
    monkeypatch.setattr(ds, "MNIST_SHA256", digest)
    (a, b), (c, d) = tfshim.keras.datasets.mnist.load_data()
    assert a.dtype == b.dtype == np.uint8 and a.shape == (12, 28, 28) and b.shape == (12,)
    np.testing.assert_array_equal(a, xtr)
    np.testing.assert_array_equal(d, yte)
    cached = keras_home / "datasets" / "mnist.npz"
    assert cached.exists()  # downloaded into $KERAS_HOME/datasets
    os.remove(src / "mnist.npz")  # the cache is reused: no download needed any more
    (a2, _), _ = tfshim.keras.datasets.mnist.load_data()
    np.testing.assert_array_equal(a2, xtr)
    # a corrupted cache is re-downloaded (with Keras' warning) — here the source is gone, so it fails loudly
    cached.write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="hash does not match"), pytest.raises(ds.DatasetDownloadError) as e:
        tfshim.keras.datasets.mnist.load_data()
    assert str(cached) in str(e.value) and "mnist.npz" in str(e.value)


def test_mnist_bad_download_hash_raises(tmp_path, keras_home, monkeypatch):
    src = tmp_path / "bucket"
    src.mkdir()
    np.savez(src / "mnist.npz", x_train=np.zeros((1, 28, 28), np.uint8))
    monkeypatch.setattr(ds, "ORIGIN", src.as_uri() + "/")
    with pytest.raises(ValueError, match="Incomplete or corrupted file"):
        tfshim.keras.datasets.mnist.load_data()
    assert not (keras_home / "datasets" / "mnist.npz").exists()


def test_offline_error_says_which_file_goes_where(tmp_path, keras_home, monkeypatch):
    monkeypatch.setattr(ds, "ORIGIN", (tmp_path / "nowhere").as_uri() + "/")
    with pytest.raises(Exception) as e:  # Keras raises a plain Exception here
        tfshim.keras.datasets.mnist.load_data(path="my_mnist.npz")
    msg = str(e.value)
    assert "mnist.npz" in msg and str(keras_home / "datasets" / "my_mnist.npz") in msg and ds.MNIST_SHA256 in msg


def test_idx_directory_both_splits_and_one_split(tmp_path):
    (xtr, ytr), (xte, yte) = _fake_split(7, 2), _fake_split(3, 3)
    d = tmp_path / "idx"
    d.mkdir()
    _write_idx(d / "train-images-idx3-ubyte.gz", xtr)
    _write_idx(d / "train-labels-idx1-ubyte.gz", ytr)
    _write_idx(d / "t10k-images-idx3-ubyte", xte)  # uncompressed works too
    _write_idx(d / "t10k-labels-idx1-ubyte", yte)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (a, b), (c, e) = tfshim.keras.datasets.mnist.load_data(path=str(d))
    np.testing.assert_array_equal(a, xtr)
    np.testing.assert_array_equal(e, yte)
    only = tmp_path / "only_test"
    only.mkdir()
    _write_idx(only / "t10k-images-idx3-ubyte.gz", xte)
    _write_idx(only / "t10k-labels-idx1-ubyte.gz", yte)
    with pytest.warns(UserWarning, match="both the train and the test split"):
        (a, b), (c, e) = tfshim.keras.datasets.fashion_mnist.load_data(path=str(only))
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b, yte)
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte.gz"):
        tfshim.keras.datasets.mnist.load_data(path=str(tmp_path))


def test_fashion_mnist_download_and_system_package(tmp_path, keras_home, monkeypatch):
    src = tmp_path / "bucket"
    src.mkdir()
    (xtr, ytr), (xte, yte) = _fake_split(6, 4), _fake_split(4, 5)
    for stem, arr in zip(ds._IDX.values(), (xtr, ytr, xte, yte)):
        _write_idx(src / (stem + ".gz"), arr)
    monkeypatch.setattr(ds, "ORIGIN", src.as_uri() + "/")
    monkeypatch.setattr(ds, "SYSTEM_FASHION_DIRS", [])
    (a, b), (c, d) = tfshim.keras.datasets.fashion_mnist.load_data()
    np.testing.assert_array_equal(a, xtr)
    np.testing.assert_array_equal(d, yte)
    assert (keras_home / "datasets" / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").exists()
    # a system package folder is used when nothing is cached
    sysdir = tmp_path / "usr_share"
    sysdir.mkdir()
    for stem, arr in zip(ds._IDX.values(), (xte, yte, xtr, ytr)):
        _write_idx(sysdir / (stem + ".gz"), arr)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty_home"))
    monkeypatch.setattr(ds, "SYSTEM_FASHION_DIRS", [str(sysdir)])
    (a, _), _ = tfshim.keras.datasets.fashion_mnist.load_data()
    np.testing.assert_array_equal(a, xte)


def test_shared_real_mnist_test_split(shared_mnist):
    with pytest.warns(UserWarning):
        (x, y), (xt, yt) = tfshim.keras.datasets.mnist.load_data(path=str(shared_mnist))
    assert x.shape == (10000, 28, 28) and x.dtype == np.uint8 and y.dtype == np.uint8
    assert np.bincount(y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert x.max() == 255 and x.min() == 0


def test_missing_shared_data_fails_loudly(tmp_path, monkeypatch):
    """A test that needs ../shared/data fails when it is missing (naming the files); only
    TFSHIM_ALLOW_NO_SHARED_DATA=1 turns that into a skip with the reason."""
    from conftest import require_shared_data

    monkeypatch.delenv("TFSHIM_ALLOW_NO_SHARED_DATA", raising=False)
    with pytest.raises(pytest.fail.Exception, match="t10k-images-idx3-ubyte.gz"):
        require_shared_data(tmp_path, ("t10k-images-idx3-ubyte.gz",))
    monkeypatch.setenv("TFSHIM_ALLOW_NO_SHARED_DATA", "1")
    with pytest.raises(pytest.skip.Exception, match="TFSHIM_ALLOW_NO_SHARED_DATA=1"):
        require_shared_data(tmp_path, ("t10k-images-idx3-ubyte.gz",))
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(b"x")
    assert require_shared_data(tmp_path, ("t10k-images-idx3-ubyte.gz",)) == tmp_path
