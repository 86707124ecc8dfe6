"""tf.nn beyond the op table: dropout statistics, conv/pool variants, error classes, against real TF."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
from oracle import assert_same


def _both(tf_ref, fn):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(fn(lib))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append(e)
    return out


RNG = np.random.default_rng(9)
TOL = {"rtol": 1e-4, "atol": 1e-4}


# -- dropout: statistics, not values (the random generators differ) ---------------------------


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.9])
def test_dropout_statistics(rate):
    x = tfshim.ones([200, 500])
    y = tfshim.nn.dropout(x, rate).numpy()
    kept = y != 0
    assert y.dtype == np.float32 and y.shape == (200, 500)
    assert abs(kept.mean() - (1 - rate)) < 0.01
    np.testing.assert_allclose(y[kept], np.float32(1 / (1 - rate)), rtol=1e-6)
    assert np.all(y[~kept] == 0)


def test_dropout_gradient_is_mask_times_scale():
    x = tfshim.constant(RNG.uniform(1, 2, (50, 40)).astype(np.float32))
    with tfshim.GradientTape() as tape:
        tape.watch(x)
        y = tfshim.nn.dropout(x, 0.3)
    g = tape.gradient(y, x).numpy()
    expected = np.where(y.numpy() != 0, np.float32(1 / 0.7), 0)
    np.testing.assert_allclose(g, expected, rtol=1e-6)


def test_dropout_noise_shape_broadcasts():
    y = tfshim.nn.dropout(tfshim.ones([300, 4]), 0.5, noise_shape=[300, 1]).numpy()
    assert np.all((y == 0).all(axis=1) | (y != 0).all(axis=1))
    y = tfshim.nn.dropout(tfshim.ones([3, 400]), 0.5, noise_shape=[None, 1]).numpy()
    assert np.all((y == 0).all(axis=1) | (y != 0).all(axis=1))


def test_dropout_seeded_is_reproducible():
    tfshim.random.set_seed(42)
    a = tfshim.nn.dropout(tfshim.ones([100]), 0.5, seed=1).numpy()
    b = tfshim.nn.dropout(tfshim.ones([100]), 0.5, seed=1).numpy()
    tfshim.random.set_seed(42)
    c = tfshim.nn.dropout(tfshim.ones([100]), 0.5, seed=1).numpy()
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, b)  # the same op seed continues its stream, as TF


def test_dropout_errors(tf_ref):
    for rate in (1.0, -0.1, 1.5):
        ref, got = _both(tf_ref, lambda lib: lib.nn.dropout(lib.ones([3]), rate))
        assert type(ref) is ValueError and type(got) is ValueError
    ref, got = _both(tf_ref, lambda lib: lib.nn.dropout(lib.ones([3], lib.int32), 0.5))
    assert type(ref) is ValueError and type(got) is ValueError
    ref, got = _both(tf_ref, lambda lib: lib.nn.dropout(lib.ones([3, 4]), 0.5, noise_shape=[2, 1]))
    assert type(ref).__name__ == type(got).__name__ == "InvalidArgumentError"
    assert_same(*_both(tf_ref, lambda lib: lib.nn.dropout(lib.constant([1.0, 2.0]), 0.0)))


# -- convolution and pooling variants ---------------------------------------------------------


def test_conv2d_dilated_and_grouped_forward(tf_ref):
    x = RNG.uniform(-1, 1, (2, 7, 6, 4)).astype(np.float32)
    w = RNG.uniform(-1, 1, (3, 2, 2, 6)).astype(np.float32)
    for kw in ({"strides": 1, "padding": "SAME", "dilations": 2}, {"strides": 1, "padding": "VALID", "dilations": [2, 1]},
               {"strides": [1, 2, 1, 1], "padding": "SAME"}):
        assert_same(*_both(tf_ref, lambda lib: lib.nn.conv2d(lib.constant(x), lib.constant(w), **kw)), str(kw), **TOL)


def test_conv2d_nchw_matches_nhwc():
    x = RNG.uniform(-1, 1, (2, 6, 5, 3)).astype(np.float32)
    w = RNG.uniform(-1, 1, (3, 3, 3, 4)).astype(np.float32)
    nhwc = tfshim.nn.conv2d(x, w, 2, "SAME").numpy()
    nchw = tfshim.nn.conv2d(np.transpose(x, (0, 3, 1, 2)), w, 2, "SAME", data_format="NCHW").numpy()
    np.testing.assert_allclose(np.transpose(nchw, (0, 2, 3, 1)), nhwc, rtol=1e-5, atol=1e-5)
    mp = tfshim.nn.max_pool2d(x, 2, 2, "SAME").numpy()
    mp_cf = tfshim.nn.max_pool2d(np.transpose(x, (0, 3, 1, 2)), 2, 2, "SAME", data_format="NCHW").numpy()
    np.testing.assert_array_equal(np.transpose(mp_cf, (0, 2, 3, 1)), mp)


def test_conv_error_classes(tf_ref):
    x, w = np.ones((1, 5, 5, 2), np.float32), np.ones((3, 3, 2, 4), np.float32)
    cases = [
        lambda lib: lib.nn.conv2d(lib.constant(x), lib.constant(w), [2, 2, 2, 1], "VALID"),
        lambda lib: lib.nn.conv2d(lib.constant(x), lib.constant(w), [1, 2, 2], "VALID"),
        lambda lib: lib.nn.conv2d(lib.constant(x), lib.constant(w), 1, "FULL"),
        lambda lib: lib.nn.conv2d(lib.constant(x), lib.ones([3, 3, 3, 4]), 1, "SAME"),
        lambda lib: lib.nn.conv2d(lib.constant(x), lib.ones([7, 7, 2, 4]), 1, "VALID"),
        lambda lib: lib.nn.conv2d(lib.constant(x[0]), lib.constant(w), 1, "SAME"),
        lambda lib: lib.nn.conv2d(lib.constant(x), lib.constant(w), 1, [[1, 0], [1, 0], [0, 0], [0, 0]]),
        lambda lib: lib.nn.max_pool2d(lib.constant(x), [2, 2, 2, 1], 1, "VALID"),
        lambda lib: lib.nn.avg_pool2d(lib.constant(x), 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]),
        lambda lib: lib.nn.avg_pool2d(lib.ones([1, 4, 4, 1], lib.int32), 2, 2, "SAME"),
        lambda lib: lib.nn.max_pool(lib.ones([4, 2]), 2, 2, "SAME"),
    ]
    for i, fn in enumerate(cases):
        ref, got = _both(tf_ref, fn)
        assert isinstance(ref, Exception), i
        assert type(got).__name__ == type(ref).__name__, (i, ref, got)


def test_avg_pool_same_divides_by_valid_count(tf_ref):
    x = np.arange(25, dtype=np.float32).reshape(1, 5, 5, 1)
    assert_same(*_both(tf_ref, lambda lib: lib.nn.avg_pool2d(lib.constant(x), 2, 2, "SAME")))
    assert_same(*_both(tf_ref, lambda lib: lib.nn.avg_pool2d(lib.constant(x), 3, 1, "SAME")))


def test_conv_pool_training_step_gradients(tf_ref):
    x = RNG.uniform(-1, 1, (2, 6, 6, 3)).astype(np.float32)
    w = RNG.uniform(-1, 1, (3, 3, 3, 4)).astype(np.float32)
    b = RNG.uniform(-1, 1, (4,)).astype(np.float32)
    grads = []
    for lib in (tf_ref, tfshim):
        tw, tb = lib.Variable(w), lib.Variable(b)
        with lib.GradientTape() as tape:
            h = lib.nn.relu(lib.nn.bias_add(lib.nn.conv2d(lib.constant(x), tw, 1, "SAME"), tb))
            h = lib.nn.avg_pool2d(lib.nn.max_pool2d(h, 2, 1, "SAME"), 2, 2, "VALID")
            loss = lib.nn.l2_loss(h)
        grads.append(tape.gradient(loss, [tw, tb]))
    assert_same(*grads, **TOL)


# -- losses and activations -------------------------------------------------------------------


def test_sparse_softmax_ce_label_errors(tf_ref):
    logits = RNG.uniform(-1, 1, (2, 3)).astype(np.float32)
    for labels in ([3, 0], [-1, 1]):
        ref, got = _both(tf_ref, lambda lib: lib.nn.sparse_softmax_cross_entropy_with_logits(
            labels=lib.constant(labels), logits=lib.constant(logits)))
        assert isinstance(got, tfshim.errors.InvalidArgumentError) and type(got).__name__ == type(ref).__name__
    ref, got = _both(tf_ref, lambda lib: lib.nn.sparse_softmax_cross_entropy_with_logits(
        labels=lib.constant([[1, 0]]), logits=lib.constant(logits)))
    assert type(ref) is ValueError and type(got) is ValueError


def test_sparse_softmax_ce_gradient(tf_ref):
    logits = RNG.uniform(-2, 2, (4, 5)).astype(np.float64)
    labels = np.array([0, 4, 2, 2], np.int64)
    grads = []
    for lib in (tf_ref, tfshim):
        t = lib.constant(logits)
        with lib.GradientTape() as tape:
            tape.watch(t)
            y = lib.reduce_mean(lib.nn.sparse_softmax_cross_entropy_with_logits(lib.constant(labels), t))
        grads.append(tape.gradient(y, t))
    assert_same(*grads)


def test_softmax_errors(tf_ref):
    for fn in (lambda lib: lib.nn.softmax(lib.constant(1.0)),
               lambda lib: lib.nn.log_softmax(lib.constant([1.0, 2.0]), axis=1),
               lambda lib: lib.nn.softmax(lib.constant([1, 2]))):
        ref, got = _both(tf_ref, fn)
        assert type(got).__name__ == type(ref).__name__, (ref, got)


def test_moments_match(tf_ref):
    x = RNG.uniform(-2, 2, (4, 3, 2)).astype(np.float32)
    for kw in ({"axes": [0]}, {"axes": [0, 1, 2]}, {"axes": [0, 2], "keepdims": True}):
        assert_same(*_both(tf_ref, lambda lib: lib.nn.moments(lib.constant(x), **kw)), str(kw))


def test_activation_names(tf_ref):
    x = np.linspace(-4, 4, 9).astype(np.float32)
    for name in ("relu", "relu6", "elu", "selu", "gelu", "silu", "swish", "leaky_relu", "softmax", "log_softmax"):
        assert_same(*_both(tf_ref, lambda lib: getattr(lib.nn, name)(lib.constant(x))), name)
    ref, got = _both(tf_ref, lambda lib: lib.nn.gelu(lib.constant([1, 2])))
    assert type(ref) is ValueError and type(got) is ValueError
