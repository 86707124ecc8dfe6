"""tf.keras.callbacks.TensorBoard: the same folders, tags, steps and values as real Keras 3 (TF backend) writes
for the same model, weights and data, read back with TensorBoard's EventAccumulator."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.util import tensor_util

import tfshim


def _read(logdir) -> dict:
    out = {}
    for sub in sorted(os.listdir(logdir)):
        ea = EventAccumulator(os.path.join(logdir, sub), size_guidance={"tensors": 0})
        ea.Reload()
        for tag in ea.Tags()["tensors"]:
            plugin = ea.SummaryMetadata(tag).plugin_data.plugin_name
            out[(sub, tag)] = [(e.step, tensor_util.make_ndarray(e.tensor_proto), plugin) for e in ea.Tensors(tag)]
    return out


def _fit(tf, logdir, weights, **tb):
    tf.keras.backend.clear_session()  # the tags name the model: its default name counts earlier models
    rng = np.random.RandomState(0)
    x = rng.rand(32, 4).astype("float32")
    y = rng.rand(32, 1).astype("float32")
    m = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3, name="d1"),
                             tf.keras.layers.Dense(1, name="d2")])
    if weights is not None:
        m.set_weights(weights)
    m.compile(tf.keras.optimizers.SGD(0.05), "mse", metrics=["mae"])
    m.fit(x, y, batch_size=8, epochs=3, validation_data=(x[:16], y[:16]), shuffle=False, verbose=0,
          callbacks=[tf.keras.callbacks.TensorBoard(logdir, **tb)])
    return m


@pytest.mark.parametrize("tb", [
    dict(histogram_freq=1, write_images=True, update_freq="batch"),
    dict(histogram_freq=2, update_freq="epoch"),
    dict(update_freq=3, write_graph=False),
])
def test_same_tags_steps_values_as_keras(tf_ref, tmp_path, tb):
    shapes = [(4, 3), (3,), (3, 1), (1,)]
    init = [np.random.RandomState(i).randn(*s).astype("float32") * 0.5 for i, s in enumerate(shapes)]
    _fit(tfshim, str(tmp_path / "shim2"), init, **tb)
    _fit(tf_ref, str(tmp_path / "tf"), init, **tb)
    got, want = _read(str(tmp_path / "shim2")), _read(str(tmp_path / "tf"))
    assert sorted(got) == sorted(want)
    assert sorted(os.listdir(tmp_path / "shim2")) == sorted(os.listdir(tmp_path / "tf"))
    for key in want:
        g, w = got[key], want[key]
        assert [e[0] for e in g] == [e[0] for e in w], key
        assert [e[2] for e in g] == [e[2] for e in w], key
        for (_, gv, plugin), (_, wv, _) in zip(g, w):
            if plugin == "graph_keras_model":
                assert json.loads(gv.item())["class_name"] == json.loads(wv.item())["class_name"] == "Sequential"
            elif plugin == "images":
                assert list(gv[:2]) == list(wv[:2])
            else:
                np.testing.assert_allclose(gv.astype(np.float64), wv.astype(np.float64), rtol=2e-4, atol=1e-5,
                                           err_msg=str(key))
    if tb.get("update_freq") == 3:
        assert [e[0] for e in got[("train", "batch_loss")]] == [3, 6, 9, 12]


def test_summaries_inside_the_model_during_fit(tmp_path):
    tf = tfshim

    class Probe(tf.keras.layers.Layer):
        def call(self, x):
            tf.summary.scalar("mean_activation", tf.reduce_mean(x))
            tf.summary.histogram("activations", x)
            return x

    rng = np.random.RandomState(0)
    x, y = rng.rand(32, 4).astype("float32"), rng.rand(32, 1).astype("float32")
    m = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3), Probe(), tf.keras.layers.Dense(1)])
    m.compile("sgd", "mse")
    m.fit(x, y, batch_size=8, epochs=2, validation_data=(x, y), verbose=0,
          callbacks=[tf.keras.callbacks.TensorBoard(str(tmp_path), update_freq=2)])
    got = _read(str(tmp_path))
    assert [e[0] for e in got[("train", "mean_activation")]] == [2, 4, 6, 8]
    assert [e[0] for e in got[("train", "activations")]] == [2, 4, 6, 8]
    assert [e[0] for e in got[("validation", "mean_activation")]] == [2, 4, 6, 8]
    assert len(os.listdir(tmp_path / "train")) == 1  # one writer per folder for the whole fit


def test_bad_arguments():
    with pytest.raises(ValueError, match="update_freq"):
        tfshim.keras.callbacks.TensorBoard(update_freq="sometimes")
    with pytest.raises(ValueError, match="profile_batch"):
        tfshim.keras.callbacks.TensorBoard(profile_batch=-1)
