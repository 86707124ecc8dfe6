"""tf.string tensors: conversion, repr, .numpy(), operators, array ops, errors, Variables, tf.data,
checkpoints and tf.function, each compared with real TensorFlow in the same process."""

from __future__ import annotations

import os

import numpy as np
import pytest

import tfshim as tf


def same(ref, got):
    """Same dtype name, shape and values (bytes compared exactly)."""
    assert got.dtype.name == ref.dtype.name, (got.dtype, ref.dtype)
    assert tuple(got.shape) == tuple(ref.shape)
    r, g = ref.numpy(), got.numpy()
    assert type(r) is type(g), (type(r), type(g))
    if isinstance(r, np.ndarray):
        assert r.dtype == g.dtype
        assert r.tolist() == g.tolist()
    else:
        assert r == g


VALUES = [
    "Gray wolf", b"bytes", "", "héllo wörld ✓", ["a", "bb", "ccc"], [b"x", "y"], [["a", "b"], ["c", "d"]],
    np.array(["u1", "u22"]), np.array([b"s1", b"s2\x00"], dtype="S"), np.array([b"o\x00", "p"], dtype=object),
    [[]], [], np.array([], dtype="U"), [b"\xff\xfe"],
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_constant_and_convert(tf_ref, value):
    for fn in ("constant", "convert_to_tensor"):
        try:
            ref = getattr(tf_ref, fn)(value)
        except Exception as e:  # noqa: BLE001
            same_error(e, lambda: getattr(tf, fn)(value))
            continue
        got = getattr(tf, fn)(value)
        same(ref, got)
        assert repr(got) == repr(ref)
        assert str(got) == str(ref)


@pytest.mark.parametrize("value,dtype", [("a", "float32"), (1.0, "string"), (["a", 1], None), ([1, "a"], None),
                                         (["a", ["b"]], None), (np.array([1.5]), "string")])
def test_conversion_errors(tf_ref, value, dtype):
    with pytest.raises(Exception) as ref_e:
        tf_ref.constant(value, dtype=dtype)
    with pytest.raises(type(ref_e.value)):
        tf.constant(value, dtype=dtype)


def test_scalar_protocols(tf_ref):
    for lib in (tf_ref, tf):
        t = lib.constant("abc")
        assert t.numpy() == b"abc" and isinstance(t.numpy(), bytes)
        assert t.shape == lib.TensorShape([]) and t.dtype == lib.string
        assert bool(t)
        assert "CPU:0" in t.device
    assert len(tf.constant(["a", "b"])) == len(tf_ref.constant(["a", "b"]))
    assert [x.numpy() for x in tf.constant(["a", "b"])] == [x.numpy() for x in tf_ref.constant(["a", "b"])]
    assert tf.string.as_numpy_dtype is tf_ref.string.as_numpy_dtype
    assert tf.as_dtype(np.object_) == tf.string and tf_ref.as_dtype(np.object_) == tf_ref.string
    assert tf.string.size == tf_ref.string.size


def same_error(ref_e, fn):
    """``fn()`` raises an error of the class (by TF's class name) of TF's error ``ref_e``."""
    with pytest.raises(Exception) as got:
        fn()
    names = {c.__name__ for c in type(got.value).__mro__}
    assert type(ref_e).__name__ in names, (type(ref_e), type(got.value), got.value)


def _both(tf_ref, expr):
    """Evaluate ``expr`` (a lambda of the library) in both; the same values, or the same error class."""
    try:
        ref = expr(tf_ref)
    except Exception as e:  # noqa: BLE001
        same_error(e, lambda: expr(tf))
        return None
    got = expr(tf)
    if isinstance(ref, (list, tuple)):
        assert len(ref) == len(got)
        for r, g in zip(ref, got):
            same(r, g)
    else:
        same(ref, got)
    return got


S = [["a", "b", "c"], ["d", "e", "f"]]
OPS = {
    "eq": lambda t: t.constant(S) == "b",
    "eq_scalar": lambda t: t.constant("a") == "a",
    "ne": lambda t: t.constant(S) != t.constant([["a", "x", "c"], ["d", "e", "y"]]),
    "equal_bcast": lambda t: t.math.equal(t.constant(["a"]), t.constant(["a", "b"])),
    "equal_bad_shape": lambda t: t.math.equal(t.constant(["a", "b", "c"]), t.constant(["a", "b"])),
    "add": lambda t: t.constant(["a", "b"]) + t.constant(["x", "y"]),
    "add_scalar": lambda t: t.constant(["a", "b"]) + "!",
    "radd": lambda t: "!" + t.constant(["a", "b"]),
    "math_add": lambda t: t.math.add(t.constant("a"), t.constant(["p", "q"])),
    "mul": lambda t: t.constant("a") * t.constant("b"),
    "sub": lambda t: t.constant("a") - t.constant("b"),
    "less": lambda t: t.constant("a") < t.constant("b"),
    "neg": lambda t: -t.constant(["a"]),
    "add_int": lambda t: t.constant(["a"]) + 1,
    "reduce_sum": lambda t: t.reduce_sum(t.constant(["a"])),
    "reduce_max": lambda t: t.reduce_max(t.constant(["a"])),
    "maximum": lambda t: t.math.maximum(t.constant(["b", "a"]), "c"),
    "cast_to_float": lambda t: t.cast(t.constant(["1"]), t.float32),
    "cast_to_string": lambda t: t.cast(t.constant([1.0]), t.string),
    "cast_same": lambda t: t.cast(t.constant(["1"]), t.string),
    "getitem": lambda t: t.constant(S)[1],
    "getitem2": lambda t: t.constant(S)[1, 2],
    "slice": lambda t: t.constant(S)[:, ::-2],
    "newaxis": lambda t: t.constant(S)[None, ..., 1],
    "bool_key": lambda t: t.constant(["a", "b", "c"])[t.constant([True, False, True])],
    "tensor_index": lambda t: t.constant(["a", "b", "c"])[t.constant(2)],
    "reshape": lambda t: t.reshape(t.constant(S), [3, 2]),
    "reshape_bad": lambda t: t.reshape(t.constant(S), [4]),
    "transpose": lambda t: t.transpose(t.constant(S)),
    "expand_dims": lambda t: t.expand_dims(t.constant(S), 1),
    "squeeze": lambda t: t.squeeze(t.constant([["a"], ["b"]])),
    "stack": lambda t: t.stack([t.constant(["a", "b"]), t.constant(["c", "d"])], axis=1),
    "stack_py": lambda t: t.stack(["a", "b"]),
    "unstack": lambda t: t.unstack(t.constant(S), axis=1),
    "concat": lambda t: t.concat([t.constant(S), t.constant([["x", "y", "z"]])], 0),
    "concat_mixed": lambda t: t.concat([t.constant(["a"]), t.constant([1])], 0),
    "split": lambda t: t.split(t.constant(["a", "b", "c", "d"]), [1, 3]),
    "tile": lambda t: t.tile(t.constant([["x", "y"]]), [2, 2]),
    "pad": lambda t: t.pad(t.constant([["x"]]), [[1, 0], [0, 1]]),
    "pad_value": lambda t: t.pad(t.constant([["x"]]), [[1, 0], [0, 1]], constant_values="p"),
    "reverse": lambda t: t.reverse(t.constant(S), [1]),
    "roll": lambda t: t.roll(t.constant(["a", "b", "c"]), 1, 0),
    "repeat": lambda t: t.repeat(t.constant(["a", "b"]), [2, 1], axis=0),
    "gather": lambda t: t.gather(t.constant(["a", "b", "c"]), [2, 0, 2]),
    "gather_axis": lambda t: t.gather(t.constant(S), [[1, 0]], axis=1),
    "gather_batch": lambda t: t.gather(t.constant(S), [[1], [2]], batch_dims=1),
    "gather_oob": lambda t: t.gather(t.constant(["a", "b"]), [3]),
    "gather_nd": lambda t: t.gather_nd(t.constant(S), [[1, 2], [0, 0]]),
    "where": lambda t: t.where(t.constant([True, False]), t.constant(["a", "b"]), t.constant(["x", "y"])),
    "where_bcast": lambda t: t.where(t.constant([[True], [False]]), t.constant(["a", "b"]), "z"),
    "boolean_mask": lambda t: t.boolean_mask(t.constant(S), t.constant([False, True])),
    "unique": lambda t: tuple(t.unique(t.constant(["b", "a", "b", "c", "a"]))),
    "unique_2d": lambda t: tuple(t.unique(t.constant(S))),
    "identity": lambda t: t.identity(t.constant("x")),
    "zeros": lambda t: t.zeros([2, 1], t.string),
    "ones": lambda t: t.ones([2], t.string),
    "zeros_like": lambda t: t.zeros_like(t.constant(S)),
    "ones_like": lambda t: t.ones_like(t.constant(S)),
    "fill": lambda t: t.fill([2, 2], "v"),
    "broadcast_to": lambda t: t.broadcast_to(t.constant(["a", "b"]), [2, 2]),
    "shape": lambda t: t.shape(t.constant(S)),
    "size": lambda t: t.size(t.constant(S)),
    "rank": lambda t: t.rank(t.constant(S)),
    "sort": lambda t: t.sort(t.constant(["b", "a"])),
    "identity_n": lambda t: t.identity_n([t.constant("a"), t.constant(1)]),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_ops_on_strings(tf_ref, name):
    _both(tf_ref, OPS[name])


def test_error_message_names_op():
    with pytest.raises(tf.errors.InvalidArgumentError, match="string"):
        tf.sort(tf.constant(["b", "a"]))
    with pytest.raises(tf.errors.UnimplementedError, match="to_number"):
        tf.cast(tf.constant(["1"]), tf.float32)


def test_tensors_are_immutable_copies():
    a = np.array([b"x", b"y"], dtype=object)
    t = tf.constant(a)
    a[0] = b"changed"
    assert t.numpy().tolist() == [b"x", b"y"]
    n = t.numpy()
    n[0] = b"z"
    assert t.numpy().tolist() == [b"x", b"y"]
    r = tf.reshape(t, [2, 1])
    assert tf.reshape(r, [2]).numpy().tolist() == [b"x", b"y"]


def test_variable_of_strings(tf_ref):
    for lib in (tf_ref, tf):
        v = lib.Variable(["abc", "d"])
        assert v.dtype == lib.string
        v.assign(["x", "y\x00"])
        assert v.numpy().tolist() == [b"x", b"y\x00"]
        assert v.read_value().numpy().tolist() == [b"x", b"y\x00"]
        assert (v == "x").numpy().tolist() == [True, False]
    assert repr(tf.Variable("abc")) == repr(tf_ref.Variable("abc"))


def test_checkpoint_round_trips_and_reads_tf(tf_ref, tmp_path):
    v = tf.Variable(["a", "b\x00c", ""])
    p = tf.train.Checkpoint(v=v).save(str(tmp_path / "shim"))
    v.assign(["x", "y", "z"])
    tf.train.Checkpoint(v=v).restore(p).assert_consumed()
    assert v.numpy().tolist() == [b"a", b"b\x00c", b""]
    rv = tf_ref.Variable([["q", "r\x00"], ["", "é"]])
    p2 = tf_ref.train.Checkpoint(v=rv).save(str(tmp_path / "tf"))
    w = tf.Variable([["", ""], ["", ""]])
    tf.train.Checkpoint(v=w).restore(p2).assert_consumed()
    assert w.numpy().tolist() == rv.numpy().tolist()
    assert tf.train.load_checkpoint(p2).get_tensor("v/.ATTRIBUTES/VARIABLE_VALUE").tolist() == rv.numpy().tolist()


def test_checkpoint_string_damage(tmp_path):
    v = tf.Variable(["hello", "world"])
    p = tf.train.Checkpoint(v=v).save(str(tmp_path / "c"))
    data = [os.path.join(r, f) for r, _, fs in os.walk(p) for f in fs if "data" in f or f.endswith(".bin")]
    assert data
    with open(data[0], "r+b") as f:
        raw = bytearray(f.read())
        i = raw.find(b"world")
        assert i >= 0
        raw[i] ^= 0x20
        f.seek(0)
        f.write(raw)
    with pytest.raises(tf.errors.DataLossError):
        tf.train.Checkpoint(v=v).restore(p)


def _ds_values(ds):
    return [tuple(x.numpy() for x in e) if isinstance(e, tuple) else e.numpy() for e in ds]


def test_dataset_of_strings(tf_ref):
    data = ["a", "bb", "ccc\x00", "é"]
    for build in (
        lambda t: t.data.Dataset.from_tensor_slices(data),
        lambda t: t.data.Dataset.from_tensor_slices(data).batch(3),
        lambda t: t.data.Dataset.from_tensor_slices(data).batch(3).unbatch(),
        lambda t: t.data.Dataset.from_tensor_slices(data).padded_batch(3),
        lambda t: t.data.Dataset.from_tensor_slices((data, [1, 2, 3, 4])).map(lambda s, i: (s + "x", i * 2)),
        lambda t: t.data.Dataset.from_tensor_slices(data).filter(lambda s: s != "bb"),
        lambda t: t.data.Dataset.from_tensor_slices(data).map(lambda s: t.size(t.reshape(s, [1]))),
        lambda t: t.data.Dataset.from_tensor_slices(data).cache().repeat(2),
        lambda t: t.data.Dataset.from_tensors(t.constant(["q", "r"])),
        lambda t: t.data.Dataset.from_tensor_slices({"k": data}).batch(2),
    ):
        ref, got = build(tf_ref), build(tf)
        assert repr(got.element_spec).replace("tfshim", "tf") == repr(ref.element_spec), (got.element_spec,
                                                                                            ref.element_spec)
        assert [repr(x) for x in got.as_numpy_iterator()] == [repr(x) for x in ref.as_numpy_iterator()]


def test_dataset_shuffle_strings_keeps_values():
    ds = tf.data.Dataset.from_tensor_slices([str(i) for i in range(20)]).shuffle(20, seed=3)
    out = list(ds.as_numpy_iterator())
    assert sorted(out) == sorted(str(i).encode() for i in range(20)) and all(type(x) is bytes for x in out)
    assert out != [str(i).encode() for i in range(20)]


def test_tf_function_with_strings(tf_ref):
    for lib in (tf_ref, tf):
        @lib.function
        def f(x):
            return x + lib.constant("!")

        @lib.function
        def g(x):
            return lib.size(lib.constant(["a", "b"])) + x

        @lib.function
        def h(x):
            return x * 2, lib.constant("s")

        assert f(lib.constant("a")).numpy() == b"a!"
        assert f(lib.constant(["b", "c"])).numpy().tolist() == [b"b!", b"c!"]
        assert int(g(lib.constant(1))) == 3
        a, b = h(lib.constant(1.0))
        assert float(a) == 2.0 and b.numpy() == b"s"
