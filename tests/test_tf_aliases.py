"""TF2's small namespaces and aliases (issue 17 §1): tf.__version__/tf.version, tf.optimizers & co.,
TF's own initializers, tf.get_logger, tf.timestamp, tf.nest, tf.types.experimental — against real TF."""

from __future__ import annotations

import collections
import logging
import time

import numpy as np
import pytest

import tfshim
from oracle import assert_same


def test_version_checks_programs_make(tf_ref):
    assert tfshim.__version__ == tf_ref.__version__ == tfshim.version.VERSION
    assert tfshim.__version__.startswith("2.")
    assert tuple(int(p) for p in tfshim.__version__.split(".")[:2]) >= (2, 8)
    assert tfshim.__tfshim_version__ != tfshim.__version__
    for name in dir(tf_ref.version):
        if not name.startswith("_"):
            assert type(getattr(tfshim.version, name)) is type(getattr(tf_ref.version, name)), name
    assert tfshim.version.GRAPH_DEF_VERSION == tf_ref.version.GRAPH_DEF_VERSION
    assert "tfshim" in tfshim.version.GIT_VERSION


def test_keras_version_major_matches(tf_ref):
    assert tfshim.keras.__version__.split(".")[0] == tf_ref.keras.__version__.split(".")[0]


@pytest.mark.parametrize("alias", ["optimizers", "initializers", "losses", "metrics"])
def test_keras_namespace_aliases(alias, tf_ref):
    assert getattr(tfshim, alias) is getattr(tfshim.keras, alias)
    assert getattr(tf_ref, alias).__name__.endswith(alias)


def test_alias_members_work(tf_ref):
    opt = tfshim.optimizers.Adam(0.1)
    v = tfshim.Variable([1.0, 2.0])
    opt.apply_gradients([(tfshim.constant([1.0, 1.0]), v)])
    ref_opt, rv = tf_ref.optimizers.Adam(0.1), tf_ref.Variable([1.0, 2.0])
    ref_opt.apply_gradients([(tf_ref.constant([1.0, 1.0]), rv)])
    np.testing.assert_allclose(v.numpy(), rv.numpy(), rtol=1e-6)
    y, p = np.array([1.0, 0.0]), np.array([0.5, 0.5])
    np.testing.assert_allclose(tfshim.losses.MeanSquaredError()(y, p).numpy(),
                               tf_ref.losses.MeanSquaredError()(y, p).numpy(), rtol=1e-6)
    assert not hasattr(tf_ref, "activations")  # TF 2.21 has no tf.activations; neither does tfshim
    with pytest.raises(AttributeError, match="tf.activations"):
        tfshim.activations  # noqa: B018


# -- TF's own initializers --------------------------------------------------------------------
INIT_CASES = {
    "zeros": lambda t: t.zeros_initializer()((2, 3)),
    "zeros float64": lambda t: t.zeros_initializer()((2,), "float64"),
    "zeros bool": lambda t: t.zeros_initializer()((2,), t.bool),
    "zeros complex": lambda t: t.zeros_initializer()((2,), t.complex64),
    "zeros TensorShape": lambda t: t.zeros_initializer()(t.TensorShape([2])),
    "ones int64": lambda t: t.ones_initializer()((2, 2), t.int64),
    "constant list reshaped": lambda t: t.constant_initializer([1, 2, 3, 4])((2, 2)),
    "constant scalar broadcast": lambda t: t.constant_initializer(2.5)((3,)),
    "constant wrong size": lambda t: t.constant_initializer([1, 2, 3])((2, 2)),
    "constant float to int": lambda t: t.constant_initializer(2.5)((2,), t.int32),
    "constant tensor refused": lambda t: t.constant_initializer(t.constant([1.0])),
    "normal int refused": lambda t: t.random_normal_initializer()((2,), t.int32),
    "normal complex refused": lambda t: t.random_normal_initializer()((2,), t.complex64),
    "uniform bool refused": lambda t: t.random_uniform_initializer()((2,), t.bool),
    "normal stddev 0": lambda t: t.random_normal_initializer(1.5, 0.0, seed=3)((2, 2)),
    "normal from_config": lambda t: t.random_normal_initializer.from_config({"mean": 1.0, "stddev": 0.0,
                                                                              "seed": 3})((2,)),
    "unknown kwarg": lambda t: t.zeros_initializer()((2,), t.float32, foo=1),
}


@pytest.mark.parametrize("name", sorted(INIT_CASES))
def test_initializers_as_tf(name, tf_ref):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(INIT_CASES[name](lib))
        except Exception as e:  # noqa: BLE001
            out.append(e)
    if not isinstance(out[0], Exception) and not hasattr(out[0], "dtype"):
        assert not isinstance(out[1], Exception), out[1]
        return
    assert_same(*out, what=name)


@pytest.mark.parametrize("cls", ["random_normal_initializer", "random_uniform_initializer"])
def test_random_initializers(cls, tf_ref):
    mine, ref = getattr(tfshim, cls), getattr(tf_ref, cls)
    assert mine().get_config() == ref().get_config()
    assert mine(seed=5).get_config() == ref(seed=5).get_config()
    seeded = mine(seed=5)
    a, b = seeded((4, 4)), seeded((4, 4))
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # seeded: same values every call, as TF
    u = mine()
    assert not np.array_equal(u((4, 4)).numpy(), u((4, 4)).numpy())
    big = mine(seed=1)((20000,), tfshim.float64).numpy()
    r = ref(seed=1)((20000,), tf_ref.float64).numpy()
    assert big.dtype == r.dtype
    np.testing.assert_allclose([big.mean(), big.std(), big.min() < 0], [r.mean(), r.std(), r.min() < 0], atol=3e-3)
    if cls == "random_uniform_initializer":
        got, want = mine(0, 5, seed=2)((1000,), tfshim.int32).numpy(), ref(0, 5, seed=2)((1000,), tf_ref.int32)
        assert got.dtype == want.numpy().dtype and set(np.unique(got)) == set(np.unique(want.numpy()))


def test_initializer_in_keras_layer(tf_ref):
    layer = tfshim.keras.layers.Dense(3, kernel_initializer=tfshim.constant_initializer(0.5),
                                      bias_initializer=tfshim.ones_initializer())
    out = layer(tfshim.ones((1, 2)))
    ref = tf_ref.keras.layers.Dense(3, kernel_initializer=tf_ref.constant_initializer(0.5),
                                    bias_initializer=tf_ref.ones_initializer())(tf_ref.ones((1, 2)))
    assert_same(ref, out)
    v = tfshim.Variable(tfshim.random_normal_initializer(seed=1)(shape=[2, 2]))
    assert v.shape == (2, 2)


# -- logger, timestamp --------------------------------------------------------------------------
def test_get_logger(tf_ref):
    lg = tfshim.get_logger()
    assert isinstance(lg, logging.Logger) and lg.name == tf_ref.get_logger().name == "tensorflow"
    assert lg is tfshim.get_logger()
    lg.setLevel("ERROR")
    assert tf_ref.get_logger().level == logging.ERROR  # one logger, as TF's
    lg.setLevel(logging.WARNING)


def test_timestamp(tf_ref):
    before = time.time()
    t = tfshim.timestamp()
    ref = tf_ref.timestamp()
    assert t.dtype.name == ref.dtype.name and t.shape == ref.shape
    assert before <= float(t) <= time.time()

    @tfshim.function
    def f():
        return tfshim.timestamp()

    a = float(f())
    time.sleep(0.01)
    b = float(f())
    assert b > a  # evaluated at every call, not frozen at trace time


# -- tf.nest ------------------------------------------------------------------------------------
Pair = collections.namedtuple("Pair", "b a")
STRUCTS = [
    None, 1, "abc", [None, 1], {"b": 1, "a": 2}, collections.OrderedDict([("z", 1), ("a", 2)]), Pair(1, (2, 3)),
    (1, [2, {"x": 3, "y": [4, 5]}]), [], (), {}, {1, 2}, np.array([1, 2]),
]


@pytest.mark.parametrize("i", range(len(STRUCTS)))
def test_nest_flatten_pack_is_nested(i, tf_ref):
    s = STRUCTS[i]
    ref, got = tf_ref.nest.flatten(s), tfshim.nest.flatten(s)
    assert len(ref) == len(got) and all(r is g for r, g in zip(ref, got))
    assert tfshim.nest.is_nested(s) == tf_ref.nest.is_nested(s)
    flat = list(range(len(ref)))
    r, g = tf_ref.nest.pack_sequence_as(s, flat), tfshim.nest.pack_sequence_as(s, flat)
    assert type(r) is type(g) and repr(r) == repr(g)


def test_nest_tensors_are_leaves():
    x, v = tfshim.constant([1, 2]), tfshim.Variable(1.0)
    assert tfshim.nest.flatten([x, {"v": v}]) == [x, v] or tfshim.nest.flatten([x, {"v": v}])[1] is v


def test_nest_map_structure(tf_ref):
    for lib in (tf_ref, tfshim):
        out = lib.nest.map_structure(lambda a, b: a + b, {"b": 1, "a": [2, 3]}, {"a": [10, 20], "b": 30})
        assert out == {"b": 31, "a": [12, 23]} and list(out) == ["b", "a"]
        assert lib.nest.map_structure(lambda x: x, [1, None]) == [1, None]
    got = tfshim.nest.map_structure(lambda t: t * 2, {"w": tfshim.constant([1.0, 2.0])})
    np.testing.assert_array_equal(got["w"].numpy(), [2.0, 4.0])


NEST_ERRORS = {
    "list vs tuple": lambda n: n.assert_same_structure([1, 2], (1, 2)),
    "list vs tuple unchecked": lambda n: n.assert_same_structure([1, 2], (1, 2), check_types=False),
    "dict vs OrderedDict": lambda n: n.assert_same_structure({"a": 1}, collections.OrderedDict(a=2)),
    "nesting": lambda n: n.assert_same_structure([1, 2], [1, [2]]),
    "length": lambda n: n.assert_same_structure([1, 2], [1, 2, 3]),
    "keys": lambda n: n.assert_same_structure({"a": 1}, {"b": 1}),
    "map lengths": lambda n: n.map_structure(lambda x, y: x, [1, 2], [1]),
    "map no structure": lambda n: n.map_structure(lambda x: x),
    "map bad kwarg": lambda n: n.map_structure(lambda x: x, [1], foo=1),
    "map check_types": lambda n: n.map_structure(lambda x, y: x, [1], (1,)),
    "map check_types off": lambda n: n.map_structure(lambda x, y: x, [1], (1,), check_types=False),
    "pack count": lambda n: n.pack_sequence_as([1, 2], [1]),
    "pack non-sequence": lambda n: n.pack_sequence_as([1, 2], 5),
    "pack leaf": lambda n: n.pack_sequence_as(1, [5]),
    "pack leaf two": lambda n: n.pack_sequence_as(1, [5, 6]),
    "unsortable keys": lambda n: n.flatten({1: "a", "b": 2}),
}


@pytest.mark.parametrize("name", sorted(NEST_ERRORS))
def test_nest_errors_as_tf(name, tf_ref):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(NEST_ERRORS[name](lib.nest))
        except Exception as e:  # noqa: BLE001
            out.append(e)
    ref, got = out
    if isinstance(ref, Exception):
        assert isinstance(got, Exception) and type(got).__name__ == type(ref).__name__, (ref, got)
    else:
        assert not isinstance(got, Exception) and got == ref, (ref, got)


def test_types_experimental(tf_ref):
    import typing

    args = typing.get_args(tfshim.types.experimental.TensorLike)
    ref_args = typing.get_args(tf_ref.types.experimental.TensorLike)
    assert len(args) == len(ref_args) and {int, float, list, np.ndarray} <= set(args)
    assert isinstance(tfshim.constant(1.0), tfshim.types.experimental.TensorLike)
    assert isinstance(tfshim.function(lambda: 1), tfshim.types.experimental.GenericFunction)
