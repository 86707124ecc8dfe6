"""tf.keras.backend's legacy functions, tf.keras.utils.Progbar / normalize / to_categorical against real TF."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

import tfshim

R = np.random.RandomState(0)
A = R.randn(3, 4).astype("f")
B = R.randn(4, 5).astype("f")
C = R.randn(2, 3, 4).astype("f")
D = R.randn(2, 4, 5).astype("f")
POS = np.abs(A) + 0.1
PROB = np.exp(A) / np.exp(A).sum(-1, keepdims=True)
ONEHOT = np.eye(4, dtype="f")[[0, 3, 1]]
LABELS = np.array([0, 3, 1])
BOOL = A > 0

# name -> function of the backend module K returning a value (or a list of values)
CASES = {
    "abs": lambda K, t: K.abs(t.A),
    "all_any": lambda K, t: [K.all(t.BOOL, axis=1), K.any(t.A, axis=0, keepdims=True)],
    "argmax_argmin": lambda K, t: [K.argmax(t.A), K.argmin(t.A, axis=0)],
    "arange": lambda K, t: [K.arange(5), K.arange(1, 7, 2, dtype="float32"), K.arange(-3)],
    "cast": lambda K, t: K.cast(t.A, "int32"),
    "cast_to_floatx": lambda K, t: K.cast_to_floatx(np.arange(3)),
    "clip": lambda K, t: [K.clip(t.A, -0.5, 0.5), K.clip(t.A, 0.5, -0.5), K.clip(t.A, None, 0.1)],
    "concatenate": lambda K, t: K.concatenate([t.A, t.A], axis=-1),
    "constant": lambda K, t: K.constant([1, 2, 3]),
    "count_params": lambda K, t: K.count_params(K.variable(t.C)),
    "cumsum_cumprod": lambda K, t: [K.cumsum(t.A, axis=1), K.cumprod(t.POS)],
    "dot_2d": lambda K, t: K.dot(t.A, t.B),
    "dot_nd": lambda K, t: K.dot(t.C, t.D),
    "batch_dot": lambda K, t: [K.batch_dot(t.C, t.D), K.batch_dot(t.A, t.A, axes=1), K.batch_dot(t.C, t.C, axes=(2, 2))],
    "dtype": lambda K, t: K.dtype(K.constant(t.A)),
    "elu": lambda K, t: [K.elu(t.A), K.elu(t.A, alpha=0.5)],
    "comparisons": lambda K, t: [K.equal(t.A, t.A), K.not_equal(t.A, 0.0), K.greater(t.A, 0.1), K.greater_equal(t.A, 0.1),
                              K.less(t.A, 0.1), K.less_equal(t.A, 0.1)],
    "maximum_minimum": lambda K, t: [K.maximum(t.A, 0.0), K.minimum(t.A, t.B[:3, :4])],
    "unary": lambda K, t: [K.exp(t.A), K.log(t.POS), K.cos(t.A), K.sin(t.A), K.tanh(t.A), K.sigmoid(t.A), K.sign(t.A),
                        K.round(t.A * 3), K.sqrt(t.A), K.square(t.A), K.softplus(t.A), K.softsign(t.A), K.hard_sigmoid(t.A * 4)],
    "pow": lambda K, t: K.pow(t.POS, 1.5),
    "softmax": lambda K, t: [K.softmax(t.A), K.softmax(t.C, axis=1)],
    "relu": lambda K, t: [K.relu(t.A), K.relu(t.A, alpha=0.1), K.relu(t.A, max_value=0.5), K.relu(t.A, max_value=6),
                       K.relu(t.A, threshold=0.2), K.relu(t.A, alpha=0.2, max_value=1.0, threshold=0.1)],
    "reductions": lambda K, t: [K.sum(t.A), K.sum(t.A, axis=1, keepdims=True), K.prod(t.A, axis=0), K.max(t.A, 1), K.min(t.A),
                             K.mean(t.A, axis=0), K.mean(t.BOOL), K.std(t.A, axis=1), K.var(t.A), K.var(t.BOOL, axis=0)],
    "l2_normalize": lambda K, t: K.l2_normalize(t.A, axis=1),
    "bias_add": lambda K, t: [K.bias_add(t.A, np.arange(4, dtype="f")), K.bias_add(t.C, np.ones((3, 4), "f"))],
    "batch_normalization": lambda K, t: K.batch_normalization(t.A, K.mean(t.A, 0), K.var(t.A, 0), np.ones(4, "f") * 0.1,
                                                           np.ones(4, "f") * 2.0, epsilon=1e-3),
    "shapes": lambda K, t: [K.int_shape(K.constant(t.C)), K.ndim(K.constant(t.C)), K.shape(t.C)],
    "reshape_flatten": lambda K, t: [K.reshape(t.C, (4, 6)), K.flatten(t.C), K.batch_flatten(t.C)],
    "dims": lambda K, t: [K.expand_dims(t.A), K.expand_dims(t.A, 0), K.squeeze(t.A[None], 0), K.stack([t.A, t.A], axis=1),
                       K.permute_dimensions(t.C, (2, 0, 1)), K.transpose(t.A)],
    "tile_repeat": lambda K, t: [K.tile(t.A, (2, 1)), K.tile(t.A[0], 2), K.repeat(t.A, 3), K.repeat_elements(t.C, 2, axis=1)],
    "reverse_gather_onehot": lambda K, t: [K.reverse(t.A, 1), K.reverse(t.C, (0, 2)), K.gather(t.A, [2, 0]),
                                        K.one_hot(t.LABELS, 5)],
    "padding": lambda K, t: [K.temporal_padding(t.C, (1, 2)), K.spatial_2d_padding(t.C[..., None], ((1, 0), (0, 2)))],
    "switch": lambda K, t: [K.switch(t.A > 0, t.A, -t.A), K.switch(K.constant(True, "bool"), lambda: t.A, lambda: -t.A),
                         K.switch(t.C[:, :, 0] > 0, t.C, t.C * 0)],
    "stop_gradient": lambda K, t: K.stop_gradient(t.A),
    "zeros_ones_eye": lambda K, t: [K.zeros((2, 3)), K.ones((2,), dtype="int32"), K.eye(3), K.zeros_like(t.A),
                                 K.ones_like(t.A, dtype="int32")],
    "losses": lambda K, t: [K.binary_crossentropy(K.cast(t.PROB > 0.3, "float32"), t.PROB),
                         K.binary_crossentropy(K.cast(t.A > 0, "float32"), t.A, from_logits=True),
                         K.categorical_crossentropy(t.ONEHOT, t.PROB), K.categorical_crossentropy(t.ONEHOT, t.A, True),
                         K.sparse_categorical_crossentropy(t.LABELS, t.PROB),
                         K.sparse_categorical_crossentropy(t.LABELS, t.A, from_logits=True)],
    "config": lambda K, t: [K.floatx(), K.epsilon(), K.image_data_format(), K.backend(), K.is_float_dtype("float16"),
                         K.is_int_dtype("int8"), K.is_sparse(t.A)],
}


def _np(v):
    if hasattr(v, "numpy"):
        return np.asarray(v.numpy())
    return v


class _Inputs:
    """The test arrays as tensors of one library (Keras' legacy backend functions take tensors)."""

    def __init__(self, lib):
        for k in ("A", "B", "C", "D", "POS", "PROB", "ONEHOT", "LABELS", "BOOL"):
            setattr(self, k, lib.constant(globals()[k]))


@pytest.mark.parametrize("name", sorted(CASES))
def test_backend_function_matches_tf(tf_ref, name):
    ref = CASES[name](tf_ref.keras.backend, _Inputs(tf_ref))
    got = CASES[name](tfshim.keras.backend, _Inputs(tfshim))
    refs, gots = (ref, got) if isinstance(ref, list) else ([ref], [got])
    assert len(refs) == len(gots)
    for r, g in zip(refs, gots):
        rv, gv = _np(r), _np(g)
        if isinstance(rv, np.ndarray):
            assert gv.shape == rv.shape, name
            assert gv.dtype == rv.dtype, name
            np.testing.assert_allclose(gv, rv, rtol=2e-5, atol=2e-6, err_msg=name)
        else:
            assert gv == rv or (isinstance(rv, tuple) and tuple(gv) == rv), (name, gv, rv)


def test_backend_variables_and_updates(tf_ref):
    for lib in (tf_ref, tfshim):
        K = lib.keras.backend
        v = K.variable(A)
        a = lib.constant(A)
        assert isinstance(v, lib.Variable) and v.dtype == lib.float32
        K.set_value(v, np.zeros((3, 4)))
        np.testing.assert_array_equal(K.get_value(v), np.zeros((3, 4), "f"))
        K.batch_set_value([(v, np.ones((3, 4)))])
        assert K.batch_get_value([v])[0].sum() == 12 and K.eval(v).sum() == 12
        K.update_add(v, np.ones((3, 4), "f"))
        K.update_sub(v, 0.5 * np.ones((3, 4), "f"))
        K.update(v, K.get_value(v) * 2)
        del a
        np.testing.assert_allclose(K.get_value(v), np.full((3, 4), 3.0, "f"))
        K.moving_average_update(v, np.zeros((3, 4), "f"), 0.9)
        np.testing.assert_allclose(K.get_value(v), np.full((3, 4), 2.7, "f"), rtol=1e-6)
        assert isinstance(K.zeros((2, 2)), lib.Variable) and isinstance(K.eye(2), lib.Variable)
    with pytest.raises(ValueError):
        tfshim.keras.backend.softmax(tfshim.ones(3))
    with pytest.raises(ValueError):
        tf_ref.keras.backend.softmax(tf_ref.ones(3))
    with pytest.raises(ValueError):
        tfshim.keras.backend.repeat(tfshim.constant(C), 2)
    with pytest.raises(ValueError):
        tf_ref.keras.backend.repeat(tf_ref.constant(C), 2)


def test_backend_random_functions(tf_ref):
    K = tfshim.keras.backend
    for fn, mean, std in ((lambda s: K.random_normal((4000,), 1.0, 2.0, seed=s), 1.0, 2.0),
                          (lambda s: K.random_uniform((4000,), -1.0, 3.0, seed=s), 1.0, 4 / np.sqrt(12)),
                          (lambda s: K.truncated_normal((4000,), seed=s), 0.0, 0.88),
                          (lambda s: K.random_bernoulli((4000,), p=0.3, seed=s), 0.3, np.sqrt(0.21))):
        x = fn(7)
        ref_dtype = tf_ref.keras.backend.random_normal((2,)).dtype.name
        assert x.dtype.name == ref_dtype == "float32" and tuple(x.shape) == (4000,)
        assert abs(float(np.mean(x)) - mean) < 0.15 and abs(float(np.std(x)) - std) < 0.15
    np.random.seed(1)
    a = K.random_normal((5,))
    b = K.random_normal((5,))
    assert not np.array_equal(np.asarray(a), np.asarray(b))  # no seed: a fresh one each call
    assert K.random_normal((2, 3), dtype="float64").dtype.name == "float64"
    v = K.random_uniform_variable((2, 2), 0.0, 1.0, seed=3)
    assert isinstance(v, tfshim.Variable) and float(np.max(v.numpy())) <= 1.0
    assert isinstance(K.random_normal_variable((2, 2), 0.0, 1.0), tfshim.Variable)


def test_backend_functions_in_tf_function_and_tape():
    K = tfshim.keras.backend
    x = tfshim.Variable(A)

    @tfshim.function
    def f():
        with tfshim.GradientTape() as tape:
            y = K.sum(K.square(K.dot(x, B)))
        return tape.gradient(y, x)

    np.testing.assert_allclose(f().numpy(), 2 * (A @ B) @ B.T, rtol=1e-5)


def _mask_times(text):
    return re.sub(r"\d+(ms|us|s)(/step)?", "T", text.replace("\r", "\n"))


def test_progbar_matches_keras(tf_ref, capsys):
    outputs = []
    for lib in (tf_ref, tfshim):
        bar = lib.keras.utils.Progbar(4, verbose=2, stateful_metrics=["acc"])
        bar.update(1, [("loss", 1.0), ("acc", 0.5)])
        bar.add(1, [("loss", 3.0), ("acc", 0.6)])
        bar.update(4, [("loss", 2.0), ("acc", 0.7)])
        outputs.append(_mask_times(capsys.readouterr().out))
    assert outputs[1] == outputs[0]
    buf = io.StringIO()
    bar = tfshim.keras.utils.Progbar(None, verbose=1, stream=buf)
    bar.update(3, [("loss", 0.25)], finalize=True)
    assert "3/Unknown" in buf.getvalue() and "loss: 0.2500" in buf.getvalue()


def test_utils_normalize_and_to_categorical(tf_ref):
    x = R.randn(3, 4).astype("f")
    x[1] = 0
    for args in ({}, {"axis": 0}, {"order": 1}):
        if "axis" not in args:  # Keras' NumPy path turns axis=0 into -1 (and fails): tfshim does the same
            np.testing.assert_allclose(tfshim.keras.utils.normalize(x, **args),
                                       tf_ref.keras.utils.normalize(x, **args))
        got = tfshim.keras.utils.normalize(tfshim.constant(x), **args)
        ref = tf_ref.keras.utils.normalize(tf_ref.constant(x), **args)
        assert isinstance(got, tfshim.Tensor)
        np.testing.assert_allclose(np.asarray(got), np.asarray(ref), rtol=1e-6, atol=1e-7)
    labels = np.array([[1], [0], [2]])
    np.testing.assert_array_equal(tfshim.keras.utils.to_categorical(labels, 4),
                                  tf_ref.keras.utils.to_categorical(labels, 4))


def test_get_file_caches_hashes_and_extracts_as_keras(tf_ref, tmp_path):
    import hashlib
    import os
    import tarfile
    import zipfile

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("hello")
    with tarfile.open(src / "data.tar.gz", "w:gz") as t:
        t.add(src / "a.txt", arcname="folder/a.txt")
    with zipfile.ZipFile(src / "data.zip", "w") as z:
        z.write(src / "a.txt", arcname="z/a.txt")
    url = (src / "a.txt").as_uri()
    (tmp_path / "shim").mkdir()
    (tmp_path / "tf").mkdir()  # Keras falls back to /tmp/.keras when cache_dir does not exist yet
    sha = hashlib.sha256(b"hello").hexdigest()
    md5 = hashlib.md5(b"hello").hexdigest()  # noqa: S324
    cases = [
        dict(origin=url),
        dict(fname="renamed.txt", origin=url, file_hash=sha),
        dict(fname="m.txt", origin=url, md5_hash=md5, cache_subdir="sub"),
        dict(fname="data.tar.gz", origin=(src / "data.tar.gz").as_uri(), extract=True),
        dict(origin=(src / "data.tar.gz").as_uri(), extract=True, cache_subdir="other"),
        dict(fname="plain", origin=(src / "data.tar.gz").as_uri(), untar=True),
        dict(fname="d.zip", origin=(src / "data.zip").as_uri(), extract=True, archive_format="zip"),
    ]
    for i, kw in enumerate(cases):
        got = tfshim.keras.utils.get_file(cache_dir=str(tmp_path / "shim"), **kw)
        ref = tf_ref.keras.utils.get_file(cache_dir=str(tmp_path / "tf"), **kw)
        assert os.path.relpath(got, tmp_path / "shim") == os.path.relpath(ref, tmp_path / "tf"), kw
        if os.path.isdir(ref):
            listing = sorted(os.path.relpath(os.path.join(d, f), ref) for d, _, fs in os.walk(ref) for f in fs)
            assert sorted(os.path.relpath(os.path.join(d, f), got) for d, _, fs in os.walk(got) for f in fs) == listing
        else:
            assert open(got).read() == open(ref).read() == "hello"
    # cached: a second call does not need the origin to exist
    os.remove(src / "a.txt")
    assert tfshim.keras.utils.get_file(origin=url, cache_dir=str(tmp_path / "shim")).endswith("a.txt")
    for bad in (dict(fname="x/y.txt", origin=url), dict(origin=None)):
        with pytest.raises(ValueError):
            tf_ref.keras.utils.get_file(cache_dir=str(tmp_path / "tf"), **bad)
        with pytest.raises(ValueError):
            tfshim.keras.utils.get_file(cache_dir=str(tmp_path / "shim"), **bad)
    (src / "a.txt").write_text("hello")
    with pytest.raises(ValueError, match="hash"):
        tfshim.keras.utils.get_file("wrong.txt", url, file_hash="0" * 64, cache_dir=str(tmp_path / "shim"))
