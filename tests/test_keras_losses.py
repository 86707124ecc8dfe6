"""tf.keras.losses against real Keras (tf.keras in TF 2.21): functions, classes, reductions, sample weights."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
import tfshim.keras.losses  # noqa: F401  (tfshim.keras may not import it yet)

R = np.random.RandomState(0)


def _probs(shape):
    p = R.rand(*shape).astype("float32") + 0.05
    return p / p.sum(-1, keepdims=True)


def _onehot(n, c):
    return np.eye(c, dtype="float32")[R.randint(0, c, n)]


# (function name, class name, class kwargs, function kwargs, y_true, y_pred)
CASES = [
    ("mse", "MeanSquaredError", {}, {}, R.randn(4, 3).astype("f"), R.randn(4, 3).astype("f")),
    ("mse", "MeanSquaredError", {}, {}, R.randn(4, 1).astype("f"), R.randn(4).astype("f")),
    ("mae", "MeanAbsoluteError", {}, {}, R.randn(4, 3).astype("f"), R.randn(4, 3).astype("f")),
    ("mape", "MeanAbsolutePercentageError", {}, {}, R.randn(4, 3).astype("f"),
     R.randn(4, 3).astype("f")),
    ("msle", "MeanSquaredLogarithmicError", {}, {}, R.rand(4, 3).astype("f"),
     R.rand(4, 3).astype("f")),
    ("huber", "Huber", {}, {}, R.randn(5, 3).astype("f") * 2, R.randn(5, 3).astype("f")),
    ("huber", "Huber", {"delta": 0.5}, {"delta": 0.5}, R.randn(5, 3).astype("f") * 2, R.randn(5, 3).astype("f")),
    ("logcosh", "LogCosh", {}, {}, R.randn(4, 3).astype("f"), R.randn(4, 3).astype("f")),
    ("hinge", "Hinge", {}, {}, R.randint(0, 2, (4, 3)).astype("f"), R.randn(4, 3).astype("f")),
    ("squared_hinge", "SquaredHinge", {}, {}, np.sign(R.randn(4, 3)).astype("f"), R.randn(4, 3).astype("f")),
    ("categorical_hinge", "CategoricalHinge", {}, {}, _onehot(4, 3), R.randn(4, 3).astype("f")),
    ("kld", "KLDivergence", {}, {}, _probs((4, 3)), _probs((4, 3))),
    ("poisson", "Poisson", {}, {}, R.rand(4, 3).astype("f"), R.rand(4, 3).astype("f")),
    ("cosine_similarity", "CosineSimilarity", {}, {}, R.randn(4, 3).astype("f"), R.randn(4, 3).astype("f")),
    ("binary_crossentropy", "BinaryCrossentropy", {}, {}, R.randint(0, 2, (4, 3)).astype("f"),
     R.rand(4, 3).astype("f")),
    ("binary_crossentropy", "BinaryCrossentropy", {"from_logits": True}, {"from_logits": True},
     R.randint(0, 2, (4, 1)).astype("f"), R.randn(4, 1).astype("f") * 3),
    ("binary_crossentropy", "BinaryCrossentropy", {"label_smoothing": 0.1}, {"label_smoothing": 0.1},
     R.randint(0, 2, (4, 3)).astype("f"), R.rand(4, 3).astype("f")),
    ("binary_focal_crossentropy", "BinaryFocalCrossentropy", {"apply_class_balancing": True},
     {"apply_class_balancing": True}, R.randint(0, 2, (4, 3)).astype("f"), R.rand(4, 3).astype("f")),
    ("categorical_crossentropy", "CategoricalCrossentropy", {}, {}, _onehot(5, 4), _probs((5, 4))),
    ("categorical_crossentropy", "CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2},
     {"from_logits": True, "label_smoothing": 0.2}, _onehot(5, 4), R.randn(5, 4).astype("f")),
    ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", {}, {}, R.randint(0, 4, 5),
     _probs((5, 4))),
    ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", {"from_logits": True},
     {"from_logits": True}, R.randint(0, 4, (5, 1)).astype("int32"), R.randn(5, 4).astype("f") * 3),
    ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", {"from_logits": True},
     {"from_logits": True}, R.randint(0, 4, (2, 3)), R.randn(2, 3, 4).astype("f")),
    ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 0},
     {"from_logits": True, "ignore_class": 0}, R.randint(0, 4, 6), R.randn(6, 4).astype("f")),
]


def _ids():
    return [f"{c[1]}-{i}" for i, c in enumerate(CASES)]


def _close(ref, got, rtol=2e-5, atol=2e-6):
    ref_np, got_np = np.asarray(ref), np.asarray(got)
    assert got.dtype.name == ref.dtype.name
    assert got_np.shape == ref_np.shape
    np.testing.assert_allclose(got_np, ref_np, rtol=rtol, atol=atol)


@pytest.mark.parametrize("case", CASES, ids=_ids())
def test_function_form(case, tf_ref):
    fname, _, _, fkw, yt, yp = case
    ref = getattr(tf_ref.keras.losses, fname)(yt, yp, **fkw)
    got = getattr(tfshim.keras.losses, fname)(yt, yp, **fkw)
    _close(ref, got)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none", "mean_with_sample_weight"])
@pytest.mark.parametrize("case", CASES, ids=_ids())
def test_class_reductions_and_weights(case, reduction, tf_ref):
    _, cname, ckw, _, yt, yp = case
    ref_loss = getattr(tf_ref.keras.losses, cname)(reduction=reduction, **ckw)
    got_loss = getattr(tfshim.keras.losses, cname)(reduction=reduction, **ckw)
    _close(ref_loss(yt, yp), got_loss(yt, yp))
    sw = R.rand(*(yp.shape[:1] if yp.ndim <= 2 else yp.shape[:-1])).astype("f")
    _close(ref_loss(yt, yp, sample_weight=sw), got_loss(yt, yp, sample_weight=sw))
    if reduction == "sum":  # weights with a trailing unit dimension and per-element weights
        _close(ref_loss(yt, yp, sample_weight=sw[:, None]), got_loss(yt, yp, sample_weight=sw[:, None]))


def test_loss_gradients_match_tf(tf_ref):
    yt = R.randint(0, 4, 6)
    logits = R.randn(6, 4).astype("f")
    sw = R.rand(6).astype("f")
    out = []
    for lib in (tf_ref, tfshim):
        x = lib.Variable(logits)
        with lib.GradientTape() as tape:
            loss = lib.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(yt, x, sample_weight=sw)
        out.append(tape.gradient(loss, x))
    np.testing.assert_allclose(np.asarray(out[1]), np.asarray(out[0]), rtol=1e-5, atol=1e-7)
    out = []
    p, t = _probs((5, 3)), _onehot(5, 3)
    for lib in (tf_ref, tfshim):
        x = lib.Variable(p)
        with lib.GradientTape() as tape:
            loss = lib.keras.losses.categorical_crossentropy(t, x)
        out.append(tape.gradient(loss, x))
    np.testing.assert_allclose(np.asarray(out[1]), np.asarray(out[0]), rtol=1e-5, atol=1e-6)


def test_defaults_names_and_errors(tf_ref):
    for cname in ["SparseCategoricalCrossentropy", "MeanSquaredError", "Huber", "BinaryCrossentropy",
                  "CategoricalCrossentropy", "MeanAbsoluteError"]:
        ref = getattr(tf_ref.keras.losses, cname)()
        got = getattr(tfshim.keras.losses, cname)()
        assert got.name == ref.name
        assert got.reduction == ref.reduction
        rc, gc = ref.get_config(), got.get_config()
        for k in gc:
            if k in rc:
                assert gc[k] == rc[k], (cname, k)
    with pytest.raises(ValueError):
        tf_ref.keras.losses.MeanSquaredError(reduction="bogus")
    with pytest.raises(ValueError):
        tfshim.keras.losses.MeanSquaredError(reduction="bogus")
    assert tfshim.keras.losses.get("mse") is tfshim.keras.losses.mse
    assert isinstance(tfshim.keras.losses.get("MeanSquaredError"), tfshim.keras.losses.MeanSquaredError)


def test_custom_loss_subclass(tf_ref):
    yt, yp = R.randn(4, 2).astype("f"), R.randn(4, 2).astype("f")
    res = []
    for lib in (tf_ref, tfshim):
        class MyLoss(lib.keras.losses.Loss):
            def call(self, y_true, y_pred):
                return lib.reduce_mean(lib.abs(y_true - y_pred) ** 3, axis=-1)

        res.append(MyLoss()(yt, yp, sample_weight=np.array([1.0, 0.0, 2.0, 1.0], "f")))
    _close(res[0], res[1])
