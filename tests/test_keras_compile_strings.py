"""Metric strings in compile (Keras 3's names and abbreviations) and the logs dicts callbacks receive, vs real TF."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim

METRICS = ["mean_absolute_error", "mae", "MAE", "mse", "mean_squared_error", "mape", "msle",
           "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "root_mean_squared_error",
           "cosine_similarity", "log_cosh_error", "kl_divergence", "poisson", "hinge"]


def _data():
    r = np.random.RandomState(0)
    return r.rand(32, 3).astype("f"), r.rand(32, 2).astype("f") + 0.1


def _fit(lib, metrics, w, **kw):
    x, y = _data()
    m = lib.keras.Sequential([lib.keras.Input((3,)), lib.keras.layers.Dense(2, activation="softplus")])
    m.set_weights(w)
    m.compile(optimizer=lib.keras.optimizers.SGD(0.05), loss="mse", metrics=metrics)
    return m, m.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False, validation_data=(x, y), **kw)


def test_metric_strings_match_keras(tf_ref):
    w = [np.random.RandomState(1).randn(3, 2).astype("f") * 0.3, np.zeros(2, "f")]
    _, ref = _fit(tf_ref, METRICS, w)
    _, got = _fit(tfshim, METRICS, w)
    assert sorted(got.history) == sorted(ref.history)
    for k in ref.history:
        np.testing.assert_allclose(got.history[k], ref.history[k], rtol=1e-4, atol=1e-6, err_msg=k)


@pytest.mark.parametrize("name", ["mean_absolute_error", "MAE", "msle", "bce", "BinaryCrossentropy",
                                  "mean_squared_logarithmic_error", "poisson", "binary_crossentropy"])
def test_metrics_get_resolves_like_keras(tf_ref, name):
    got, ref = tfshim.keras.metrics.get(name), tf_ref.keras.metrics.get(name)
    assert type(got).__name__ == type(ref).__name__ and got.name == ref.name


def test_callback_hooks_receive_logs_dicts(tf_ref):
    seen = {}
    for lib in (tf_ref, tfshim):
        calls = []

        class Recorder(lib.keras.callbacks.Callback):
            pass

        for hook in ("on_train_begin", "on_epoch_begin", "on_train_batch_begin", "on_test_begin",
                     "on_test_batch_begin", "on_predict_begin", "on_predict_batch_begin", "on_predict_end",
                     "on_train_batch_end", "on_epoch_end", "on_test_end", "on_train_end"):
            def record(self, *args, _hook=hook, **kwargs):
                logs = kwargs.get("logs", args[-1] if args else None)
                calls.append((_hook, type(logs).__name__, sorted(logs) if isinstance(logs, dict) else None))
            setattr(Recorder, hook, record)
        w = [np.ones((3, 2), "f") * 0.1, np.zeros(2, "f")]
        model, _ = _fit(lib, ["mae"], w, callbacks=[Recorder()])
        model.predict(_data()[0], batch_size=16, verbose=0, callbacks=[Recorder()])
        seen[lib.__name__] = calls
    ref, got = seen["tensorflow"], seen["tfshim"]
    assert [c for c in got if c[1] != "dict"] == []  # never None
    assert [c[:2] for c in got] == [c[:2] for c in ref]
    begin = [c for c in got if "begin" in c[0]]
    assert begin and all(c[2] == [] for c in begin)
