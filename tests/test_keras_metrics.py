"""tf.keras.metrics against real Keras: streaming update_state/result/reset_state with sample weights."""

from __future__ import annotations

import re

import numpy as np
import pytest

import tfshim
import tfshim.keras.metrics  # noqa: F401  (tfshim.keras may not import it yet)

R = np.random.RandomState(1)


def _probs(n, c):
    p = R.rand(n, c).astype("f") + 0.05
    return p / p.sum(-1, keepdims=True)


def _batches(kind):
    """Two batches of (y_true, y_pred) per metric kind."""
    out = []
    for n in (6, 4):
        if kind == "sparse":
            out.append((R.randint(0, 4, n), _probs(n, 4)))
        elif kind == "sparse_col":
            out.append((R.randint(0, 4, (n, 1)).astype("f"), _probs(n, 4)))
        elif kind == "onehot":
            out.append((np.eye(4, dtype="f")[R.randint(0, 4, n)], _probs(n, 4)))
        elif kind == "binary":
            out.append((R.randint(0, 2, (n, 1)).astype("f"), R.rand(n, 1).astype("f")))
        elif kind == "equal":
            out.append((R.randint(0, 3, n).astype("f"), R.randint(0, 3, n).astype("f")))
        elif kind == "regression":
            out.append((R.rand(n, 3).astype("f"), R.rand(n, 3).astype("f")))
    return out


CASES = [
    ("Accuracy", {}, "equal"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.3}, "binary"),
    ("CategoricalAccuracy", {}, "onehot"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_col"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("RootMeanSquaredError", {}, "regression"),
    ("LogCoshError", {}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("BinaryCrossentropy", {}, "binary"),
    ("CategoricalCrossentropy", {}, "onehot"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("AUC", {}, "binary"),
    ("AUC", {"curve": "PR", "num_thresholds": 50}, "binary"),
    ("AUC", {"summation_method": "minoring"}, "binary"),
    ("Precision", {}, "binary"),
    ("Recall", {"thresholds": 0.3}, "binary"),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_streaming_metric_matches_keras(case, weighted, tf_ref):
    name, kw, kind = case
    batches = _batches(kind)
    ref = getattr(tf_ref.keras.metrics, name)(**kw)
    got = getattr(tfshim.keras.metrics, name)(**kw)
    assert re.sub(r"_\d+$", "", got.name) == re.sub(r"_\d+$", "", ref.name)
    for yt, yp in batches:
        sw = R.rand(len(yt)).astype("f") if weighted else None
        ref.update_state(yt, yp, sample_weight=sw)
        got.update_state(yt, yp, sample_weight=sw)
        r, g = ref.result(), got.result()
        assert g.dtype.name == r.dtype.name
        np.testing.assert_allclose(np.asarray(g), np.asarray(r), rtol=1e-5, atol=1e-6)
    assert len(got.variables) == len(ref.variables)
    for rv, gv in zip(ref.variables, got.variables):
        assert not gv.trainable
        np.testing.assert_allclose(np.asarray(gv), np.asarray(rv), rtol=1e-5, atol=1e-5)
    got.reset_state()
    ref.reset_state()
    np.testing.assert_allclose(np.asarray(got.result()), np.asarray(ref.result()))


@pytest.mark.parametrize("shape_w", [None, "col", "full"])
def test_mean_and_sum(shape_w, tf_ref):
    vals = [R.rand(5, 3).astype("f"), R.rand(2, 3).astype("f")]
    for cls in ("Mean", "Sum"):
        ref, got = getattr(tf_ref.keras.metrics, cls)(), getattr(tfshim.keras.metrics, cls)()
        for v in vals:
            sw = None if shape_w is None else (R.rand(len(v), 1) if shape_w == "col" else R.rand(*v.shape))
            ref.update_state(v, sample_weight=sw)
            got.update_state(v, sample_weight=sw)
        np.testing.assert_allclose(np.asarray(got.result()), np.asarray(ref.result()), rtol=1e-5)
    m = tfshim.keras.metrics.Mean()
    assert float(m(3.0)) == 3.0 and float(m([1.0, 2.0])) == 2.0
    assert [v.name for v in m.variables] == ["total:0", "count:0"]


def test_metric_functions(tf_ref):
    for fname, args in [
        ("sparse_categorical_accuracy", (R.randint(0, 4, 7), _probs(7, 4))),
        ("categorical_accuracy", (np.eye(4, dtype="f")[R.randint(0, 4, 7)], _probs(7, 4))),
        ("binary_accuracy", (R.randint(0, 2, (7, 2)).astype("f"), R.rand(7, 2).astype("f"))),
        ("top_k_categorical_accuracy", (np.eye(4, dtype="f")[R.randint(0, 4, 7)], _probs(7, 4))),
        ("sparse_top_k_categorical_accuracy", (R.randint(0, 4, 7), _probs(7, 4))),
    ]:
        r = getattr(tf_ref.keras.metrics, fname)(*args)
        g = getattr(tfshim.keras.metrics, fname)(*args)
        assert g.dtype.name == r.dtype.name and tuple(g.shape) == tuple(r.shape), fname
        np.testing.assert_allclose(np.asarray(g), np.asarray(r))


def test_custom_metric_subclass(tf_ref):
    res = []
    for lib in (tf_ref, tfshim):
        class Count(lib.keras.metrics.Metric):
            def __init__(self, name="count_pos", **kw):
                super().__init__(name=name, **kw)
                self.n = self.add_variable(shape=(), initializer="zeros", name="n")

            def update_state(self, y_true, y_pred, sample_weight=None):
                self.n.assign_add(lib.reduce_sum(lib.cast(y_pred > 0.5, "float32")))

            def result(self):
                return self.n

        m = Count()
        m.update_state(None, np.array([0.1, 0.7, 0.9], "f"))
        res.append(float(m.result()))
        m.reset_state()
        res.append(float(m.result()))
    assert res[:2] == res[2:]
