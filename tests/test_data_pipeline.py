"""tf.data: the same pipelines in tfshim and real tf.data give the same elements (values, dtypes,
shapes), element_spec, cardinality and repr."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import tfshim

X = np.arange(24, dtype=np.float32).reshape(12, 2)
Y = np.arange(12, dtype=np.int64)
PT = collections.namedtuple("PT", ["a", "b"])


def _elements(ds) -> list:
    return list(ds)


def _cmp_value(r, g, what):
    if isinstance(r, dict):
        assert isinstance(g, dict) and list(r) == list(g), what
        for k in r:
            _cmp_value(r[k], g[k], f"{what}[{k}]")
        return
    if isinstance(r, tuple):
        assert type(g) is type(r) or (isinstance(g, tuple) and not hasattr(r, "_fields")), (what, r, g)
        assert len(r) == len(g), what
        for i, (a, b) in enumerate(zip(r, g)):
            _cmp_value(a, b, f"{what}[{i}]")
        return
    assert r.dtype.name == g.dtype.name, f"{what}: dtype {r.dtype.name} vs {g.dtype.name}"
    assert tuple(r.shape.as_list()) == tuple(g.shape.as_list()), f"{what}: shape {r.shape} vs {g.shape}"
    np.testing.assert_array_equal(g.numpy(), r.numpy(), err_msg=what)


def check(tf_ref, build, repr_too: bool = True, card: bool = True) -> list:
    """Run ``build(lib)`` in both libraries; compare elements, element_spec, cardinality and repr."""
    ref_ds, got_ds = build(tf_ref), build(tfshim)
    assert repr(got_ds.element_spec) == repr(ref_ds.element_spec)
    if repr_too:
        assert repr(got_ds) == repr(ref_ds)
    if card:
        assert int(got_ds.cardinality()) == int(ref_ds.cardinality())
        assert got_ds.cardinality().dtype.name == "int64"
    ref, got = _elements(ref_ds), _elements(got_ds)
    assert len(ref) == len(got), f"TF gave {len(ref)} elements, tfshim {len(got)}"
    for i, (r, g) in enumerate(zip(ref, got)):
        _cmp_value(r, g, f"element {i}")
    return got


PIPELINES = {
    "slices_array": lambda tf: tf.data.Dataset.from_tensor_slices(X),
    "slices_tuple": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)),
    "slices_dict": lambda tf: tf.data.Dataset.from_tensor_slices({"y": Y, "x": X}),
    "slices_nested": lambda tf: tf.data.Dataset.from_tensor_slices(((X, Y), {"k": Y})),
    "slices_list": lambda tf: tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4], [5, 6]]),
    "slices_pylist_f": lambda tf: tf.data.Dataset.from_tensor_slices([1.5, 2.5]),
    "slices_tensor": lambda tf: tf.data.Dataset.from_tensor_slices(tf.constant(X)),
    "slices_namedtuple": lambda tf: tf.data.Dataset.from_tensor_slices(PT(X, Y)),
    "from_tensors": lambda tf: tf.data.Dataset.from_tensors((X, 3)),
    "range1": lambda tf: tf.data.Dataset.range(5),
    "range3": lambda tf: tf.data.Dataset.range(2, 11, 3, output_type=tf.int32),
    "range_neg": lambda tf: tf.data.Dataset.range(5, 0, -2),
    "zip": lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(4), tf.data.Dataset.from_tensor_slices(X))),
    "zip_dict": lambda tf: tf.data.Dataset.zip({"a": tf.data.Dataset.range(3), "b": tf.data.Dataset.range(5)}),
    "batch": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(5),
    "batch_drop": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(5, drop_remainder=True),
    "batch_range": lambda tf: tf.data.Dataset.range(7).batch(3),
    "batch_batch": lambda tf: tf.data.Dataset.range(10).batch(2).batch(2),
    "padded_batch": lambda tf: tf.data.Dataset.range(1, 6).map(lambda n: tf.fill([n], n)).padded_batch(2),
    "padded_batch_shape": lambda tf: tf.data.Dataset.range(1, 5).map(lambda n: tf.range(n)).padded_batch(
        3, padded_shapes=[5], padding_values=tf.constant(-1, tf.int64)),
    "unbatch": lambda tf: tf.data.Dataset.from_tensor_slices(X.reshape(3, 4, 2)).unbatch(),
    "batch_unbatch": lambda tf: tf.data.Dataset.range(7).batch(3).unbatch(),
    "map": lambda tf: tf.data.Dataset.from_tensor_slices(X).map(lambda x: x * 2.0 + 1.0),
    "map_tuple": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).map(lambda x, y: (tf.reduce_sum(x), y + 1)),
    "map_dict": lambda tf: tf.data.Dataset.from_tensor_slices({"x": X, "y": Y}).map(lambda d: {"s": d["x"] * 3.0}),
    "map_list_out": lambda tf: tf.data.Dataset.range(4).map(lambda x: [x, x * 2]),
    "map_const": lambda tf: tf.data.Dataset.range(4).map(lambda x: (x, 1.5)),
    "map_parallel": lambda tf: tf.data.Dataset.range(40).map(lambda x: x * x, num_parallel_calls=tf.data.AUTOTUNE),
    "map_parallel4": lambda tf: tf.data.Dataset.range(40).map(lambda x: x - 3, num_parallel_calls=4),
    "map_batch": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).map(
        lambda x, y: (tf.cast(x, tf.float64) * 0.25 - 1.0, tf.cast(y, tf.int32))).batch(5),
    "map_batch_drop": lambda tf: tf.data.Dataset.range(11).map(lambda x: x * 2).batch(4, drop_remainder=True),
    "filter": lambda tf: tf.data.Dataset.range(20).filter(lambda x: x % 3 == 0),
    "filter_tuple": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).filter(lambda x, y: y > 6),
    "take": lambda tf: tf.data.Dataset.range(10).take(3),
    "take_all": lambda tf: tf.data.Dataset.range(10).take(-1),
    "take_more": lambda tf: tf.data.Dataset.range(4).take(10),
    "skip": lambda tf: tf.data.Dataset.range(10).skip(7),
    "skip_all": lambda tf: tf.data.Dataset.range(10).skip(-1),
    "repeat": lambda tf: tf.data.Dataset.range(3).repeat(3),
    "repeat_take": lambda tf: tf.data.Dataset.range(3).repeat().take(7),
    "repeat_skip_take": lambda tf: tf.data.Dataset.range(3).repeat().skip(2).take(5),
    "repeat_batch_take": lambda tf: tf.data.Dataset.range(5).repeat().batch(3).take(4),
    "filter_repeat_take": lambda tf: tf.data.Dataset.range(6).filter(lambda x: x > 2).repeat().take(5),
    "empty_repeat": lambda tf: tf.data.Dataset.range(0).repeat(),
    "take0_repeat": lambda tf: tf.data.Dataset.range(3).take(0).repeat(),
    "cache": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).cache().repeat(2),
    "prefetch": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).prefetch(2),
    "prefetch_auto": lambda tf: tf.data.Dataset.range(9).batch(2).prefetch(tf.data.AUTOTUNE),
    "enumerate": lambda tf: tf.data.Dataset.from_tensor_slices(X).enumerate(start=5),
    "concatenate": lambda tf: tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(10, 12)),
    "concatenate_shapes": lambda tf: tf.data.Dataset.from_tensor_slices(np.zeros((2, 3), np.int32)).concatenate(
        tf.data.Dataset.from_tensor_slices(np.ones((1, 4), np.int32))),
    "flat_map": lambda tf: tf.data.Dataset.from_tensor_slices(X.reshape(3, 4, 2)).flat_map(
        lambda x: tf.data.Dataset.from_tensor_slices(x)),
    "interleave": lambda tf: tf.data.Dataset.range(1, 6).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(x), cycle_length=2, block_length=2),
    "interleave_c3": lambda tf: tf.data.Dataset.range(1, 5).interleave(
        lambda x: tf.data.Dataset.range(x * 10, x * 10 + x), cycle_length=3),
    "shard": lambda tf: tf.data.Dataset.range(10).shard(3, 1),
    "shuffle_buf1": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(1),
    "apply": lambda tf: tf.data.Dataset.range(10).apply(lambda d: d.skip(2).take(3)),
    "options": lambda tf: tf.data.Dataset.range(4).with_options(tf.data.Options()),
    "generator": lambda tf: tf.data.Dataset.from_generator(
        lambda: iter([(1, [1.0, 2.0]), (2, [3.0, 4.0])]),
        output_signature=(tf.TensorSpec((), tf.int32), tf.TensorSpec((2,), tf.float32))),
    "generator_none_dim": lambda tf: tf.data.Dataset.from_generator(
        lambda: (list(range(n)) for n in (1, 3, 2)), output_signature=tf.TensorSpec([None], tf.int64)),
    "generator_types": lambda tf: tf.data.Dataset.from_generator(
        lambda: iter(range(3)), output_types=tf.float32, output_shapes=()),
    "guide": lambda tf: tf.data.Dataset.from_tensor_slices((X.reshape(12, 1, 2), Y)).shuffle(1).batch(4).take(1),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_matches_tf(tf_ref, name):
    check(tf_ref, PIPELINES[name])


def test_iterate_twice_and_next(tf_ref):
    ds = tfshim.data.Dataset.range(5).map(lambda x: x + 1)
    assert [int(v) for v in ds] == [1, 2, 3, 4, 5]
    assert [int(v) for v in ds] == [1, 2, 3, 4, 5]
    it = iter(ds)
    assert int(next(it)) == 1 and int(next(it)) == 2
    it2 = iter(ds)
    assert int(next(it2)) == 1
    for _ in range(3):
        next(it)
    with pytest.raises(StopIteration):
        next(it)
    ref_it = iter(tf_ref.data.Dataset.range(0))
    got_it = iter(tfshim.data.Dataset.range(0))
    with pytest.raises(tf_ref.errors.OutOfRangeError):
        ref_it.get_next()
    with pytest.raises(tfshim.errors.OutOfRangeError):
        got_it.get_next()


def test_guide_loop(tf_ref):
    for tf in (tf_ref, tfshim):
        ds = tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(1000).batch(5)
        seen = []
        for step, (xb, yb) in enumerate(ds):
            assert xb.dtype == tf.float32 and yb.dtype == tf.int64
            seen.extend(yb.numpy().tolist())
        assert step == 2 and sorted(seen) == list(range(12))
        for xb, yb in ds.take(1):
            assert xb.shape == (5, 2)


def test_as_numpy_iterator(tf_ref):
    ref = list(tf_ref.data.Dataset.from_tensor_slices({"a": Y, "b": X}).as_numpy_iterator())
    got = list(tfshim.data.Dataset.from_tensor_slices({"a": Y, "b": X}).as_numpy_iterator())
    for r, g in zip(ref, got):
        assert type(g["a"]) is type(r["a"]) and g["a"] == r["a"]
        assert isinstance(g["b"], np.ndarray) and np.array_equal(g["b"], r["b"])


def test_len_and_cardinality_constants(tf_ref):
    for tf in (tf_ref, tfshim):
        assert tf.data.INFINITE_CARDINALITY == -1 and tf.data.UNKNOWN_CARDINALITY == -2
        assert tf.data.AUTOTUNE == -1 and tf.data.experimental.AUTOTUNE == -1
        assert len(tf.data.Dataset.range(7).batch(2)) == 4
        with pytest.raises(TypeError, match="infinite"):
            len(tf.data.Dataset.range(3).repeat())
        with pytest.raises(TypeError, match="unknown"):
            len(tf.data.Dataset.range(3).filter(lambda x: x > 0))
        assert int(tf.data.experimental.cardinality(tf.data.Dataset.range(3).repeat())) == -1


def test_reduce(tf_ref):
    for tf in (tf_ref, tfshim):
        ds = tf.data.Dataset.range(5)
        r = ds.reduce(np.int64(0), lambda s, x: s + x)
        assert int(r) == 10 and r.dtype == tf.int64
        r2 = tf.data.Dataset.from_tensor_slices((X, Y)).reduce((0.0, np.int64(0)), lambda s, x: (s[0] + x[0][0], s[1] + 1))
        assert float(r2[0]) == float(X[:, 0].sum()) and int(r2[1]) == 12


def test_window(tf_ref):
    for kw in ({"size": 3}, {"size": 3, "shift": 2, "drop_remainder": True}, {"size": 2, "shift": 1, "stride": 2}):
        ref = [list(w.as_numpy_iterator()) for w in tf_ref.data.Dataset.range(7).window(**kw)]
        got = [list(w.as_numpy_iterator()) for w in tfshim.data.Dataset.range(7).window(**kw)]
        assert ref == got, kw
        assert int(tfshim.data.Dataset.range(7).window(**kw).cardinality()) == len(ref)


def test_cache_file(tf_ref, tmp_path):
    calls = []

    def gen():
        calls.append(1)
        yield from range(4)

    ds = tfshim.data.Dataset.from_generator(gen, output_signature=tfshim.TensorSpec((), tfshim.int64))
    cached = ds.cache(str(tmp_path / "c"))
    assert [int(v) for v in cached] == [0, 1, 2, 3]
    assert [int(v) for v in cached] == [0, 1, 2, 3]
    assert len(calls) == 1
    again = ds.cache(str(tmp_path / "c"))  # a new pipeline reads the file
    assert [int(v) for v in again] == [0, 1, 2, 3] and len(calls) == 1
    mem = ds.cache()
    list(mem), list(mem)
    assert len(calls) == 2


def test_options(tf_ref):
    for tf in (tf_ref, tfshim):
        o = tf.data.Options()
        o.deterministic = False
        o.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
        o.threading.private_threadpool_size = 2
        ds = tf.data.Dataset.range(3).with_options(o)
        assert ds.options().deterministic is False
        assert ds.options().threading.private_threadpool_size == 2
        assert [int(v) for v in ds] == [0, 1, 2]
        with pytest.raises(AttributeError):
            o.not_an_option = 1
