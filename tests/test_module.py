"""tf.Module against real TensorFlow: variables / trainable_variables / submodules (contents and order)
for nested modules, lists, tuples and dicts; names and name scopes."""

from __future__ import annotations

import pytest


def _build(tf):
    class Dense(tf.Module):
        def __init__(self, n_in, n_out, name=None):
            super().__init__(name=name)
            self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
            self.b = tf.Variable(tf.zeros([n_out]), name="b")
            self.frozen = tf.Variable(1.0, trainable=False, name="frozen")

        def __call__(self, x):
            return tf.matmul(x, self.w) + self.b

    class Block(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.layers = [Dense(2, 3, name="first"), Dense(3, 2, name="second")]
            self.by_key = {"zeta": tf.Variable(2.0, name="z"), "alpha": Dense(2, 2, name="alpha_dense")}
            self.pair = (tf.Variable(3.0, name="p0"), tf.Variable(4.0, name="p1", trainable=False))
            self.scale = tf.Variable(0.5, name="scale")
            self.not_tracked = 3

    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.block = Block(name="blk")
            self.head = Dense(2, 1)
            self.extra = [[tf.Variable(7.0, name="nested")]]

    return Model()


def _summary(tf, m):
    return {
        "name": m.name,
        "vars": [(v.name, tuple(v.shape.as_list())) for v in m.variables],
        "trainable": [v.name for v in m.trainable_variables],
        "non_trainable": [v.name for v in m.non_trainable_variables],
        "submodules": [type(s).__name__ + ":" + s.name for s in m.submodules],
        "block_vars": [v.name for v in m.block.variables],
        "head_vars": [v.name for v in m.head.trainable_variables],
    }


def test_collections_match_tf(tf_ref):
    import tfshim

    r, g = _summary(tf_ref, _build(tf_ref)), _summary(tfshim, _build(tfshim))
    for key in ("name", "vars", "trainable", "non_trainable", "submodules", "block_vars", "head_vars"):
        assert g[key] == r[key], key


def test_module_names_and_scopes(tf_ref):
    import tfshim

    out = []
    for lib in (tf_ref, tfshim):
        class MyDenseLayer(lib.Module):
            pass

        a, b = MyDenseLayer(), lib.Module(name="custom")
        with b.name_scope:
            v = lib.Variable(1.0, name="v")
        with lib.name_scope("outer"):
            c = lib.Module(name="inner")
        out.append((a.name, b.name, v.name, c.name, getattr(c, "name_scope").name if hasattr(c.name_scope, "name")
                    else None))
    assert out[1][:4] == out[0][:4]


@pytest.mark.parametrize("bad", ["has space", "1starts_with_digit", ""])
def test_invalid_names_raise_like_tf(bad, tf_ref):
    import tfshim

    errs = []
    for lib in (tf_ref, tfshim):
        try:
            lib.Module(name=bad)
            errs.append(None)
        except Exception as e:  # noqa: BLE001 - compared
            errs.append(type(e).__name__)
    assert errs[1] == errs[0]


def test_call_and_gradient_through_module(tf_ref):
    import numpy as np

    import tfshim

    grads = []
    for lib in (tf_ref, tfshim):
        m = _build(lib)
        x = lib.constant([[1.0, 2.0]])
        with lib.GradientTape() as tape:
            y = lib.reduce_sum(m.head(x))
        g = tape.gradient(y, m.head.trainable_variables)
        grads.append([t.numpy() for t in g])
    for a, b in zip(*grads):
        np.testing.assert_allclose(b, a)
