"""TF's error classes for bad input, and TF's acceptance of valid input (issue 16 §1, §4).

Every case runs the same callable on real TensorFlow and on tfshim in this process. When TF raises,
tfshim must raise the same class (or a subclass of it: matched by name along the MRO, since
``tfshim.errors.X`` parallels ``tf.errors.X``), never a raw JAX exception; when TF returns, tfshim must
return the same values (or, for random initial weights, the same shape).
"""

from __future__ import annotations

import numpy as np
import pytest

import tfshim


def _outcome(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - compared by the caller
        return e


def _same_class(got: BaseException, ref: BaseException) -> bool:
    return type(ref).__name__ in {c.__name__ for c in type(got).__mro__}


def _assert_error_like(label: str, got, ref) -> None:
    assert isinstance(got, Exception), f"{label}: TF raised {type(ref).__name__}: {ref}; tfshim returned {got!r}"
    assert type(got).__module__.split(".")[0] not in ("jax", "jaxlib"), f"{label}: raw JAX error {got!r}"
    assert _same_class(got, ref), (
        f"{label}: TF raised {type(ref).__name__} ({str(ref)[:200]}); tfshim raised {type(got).__name__}: {got}"
    )


def _np(x):
    if isinstance(x, (list, tuple)):
        return [_np(v) for v in x]
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return np.asarray(x) if x is not None else None


def compare(label: str, tf_ref, fn, *, values: bool = True, rtol: float = 1e-5):
    """Run ``fn`` on both libraries: same error class, or same results (values or shapes)."""
    ref = _outcome(lambda: fn(tf_ref))
    got = _outcome(lambda: fn(tfshim))
    if isinstance(ref, Exception):
        _assert_error_like(label, got, ref)
        return ref, got
    assert not isinstance(got, Exception), f"{label}: TF returned {ref!r}; tfshim raised {type(got).__name__}: {got}"
    r, g = _np(ref), _np(got)
    if isinstance(r, list):
        assert len(r) == len(g), f"{label}: {r} vs {g}"
        pairs = list(zip(r, g))
    else:
        pairs = [(r, g)]
    for a, b in pairs:
        if a is None or b is None:
            assert a is None and b is None, f"{label}: {a!r} vs {b!r}"
            continue
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, f"{label}: shape {a.shape} (TF) vs {b.shape}"
        if values and a.dtype != object:
            np.testing.assert_allclose(b, a, rtol=rtol, atol=1e-6, err_msg=label)
    return ref, got


# -- valid TF input accepted, invalid input rejected (same class) ----------------------------------------
def _grad(kind):
    def fn(tf):
        x = tf.Variable(1.0)
        with tf.GradientTape() as t:
            y = x * 2.0
        if kind == "source None":
            return t.gradient(y, None)
        if kind == "source [x, None]":
            return t.gradient(y, [x, None])
        if kind == "source {'a': None}":
            return t.gradient(y, {"a": x, "b": None})
        if kind == "target None":
            return t.gradient(None, x)
        if kind == "target float":
            return t.gradient(3.0, x)
        return t.gradient(y, [x])
    return fn


_CASES = [
    ("convert_to_tensor(float64 array, float32)", lambda tf: tf.convert_to_tensor(np.ones(3), dtype=tf.float32)),
    ("convert_to_tensor(int64 array, int32)", lambda tf: tf.convert_to_tensor(np.arange(3), dtype=tf.int32)),
    ("convert_to_tensor(float32 array, float64)",
     lambda tf: tf.convert_to_tensor(np.ones(3, np.float32) / 3, dtype=tf.float64)),
    ("convert_to_tensor(float array, int32)",
     lambda tf: tf.convert_to_tensor(np.array([1.5, -2.5]), dtype=tf.int32)),
    ("convert_to_tensor(bool array, float32)",
     lambda tf: tf.convert_to_tensor(np.array([True, False]), dtype=tf.float32)),
    ("convert_to_tensor(np.float64 scalar, float32)",
     lambda tf: tf.convert_to_tensor(np.float64(2.5), dtype=tf.float32)),
    ("constant(object array of floats)", lambda tf: tf.constant(np.array([1.0, 2.0], dtype=object))),
    ("constant(object array of ints)", lambda tf: tf.constant(np.array([1, 2], dtype=object))),
    ("convert_to_tensor(object array of floats)",
     lambda tf: tf.convert_to_tensor(np.array([1.0, 2.0], dtype=object))),
    ("constant(object array, dtype=float32)",
     lambda tf: tf.constant(np.array([1.0, 2.0], dtype=object), dtype=tf.float32)),
    ("reduce_logsumexp(empty)", lambda tf: tf.reduce_logsumexp(tf.zeros((0,)))),
    ("reduce_logsumexp(empty axis)", lambda tf: tf.reduce_logsumexp(tf.zeros((2, 0)), axis=1)),
    ("reduce_logsumexp(empty keepdims)", lambda tf: tf.reduce_logsumexp(tf.zeros((0, 3)), axis=0, keepdims=True)),
    ("reduce_logsumexp(-inf)", lambda tf: tf.reduce_logsumexp(tf.constant([-np.inf, -np.inf]))),
    ("Dataset.range(0.5, 3.0)", lambda tf: list(tf.data.Dataset.range(0.5, 3.0).as_numpy_iterator())),
    ("Dataset.range(3.0)", lambda tf: list(tf.data.Dataset.range(3.0).as_numpy_iterator())),
    ("Dataset.range(np.float32)", lambda tf: list(tf.data.Dataset.range(np.float32(3)).as_numpy_iterator())),
    ("Dataset.range(2, 7.5)", lambda tf: list(tf.data.Dataset.range(2, 7.5).as_numpy_iterator())),
    ("Dataset.batch(2.0)", lambda tf: list(tf.data.Dataset.range(4).batch(2.0).as_numpy_iterator())),
    ("Dataset.range(1, 5, 2)", lambda tf: list(tf.data.Dataset.range(1, 5, 2).as_numpy_iterator())),
    ("gradient(source None)", _grad("source None")),
    ("gradient(source [x, None])", _grad("source [x, None]")),
    ("gradient(source dict with None)", _grad("source {'a': None}")),
    ("gradient(target None)", _grad("target None")),
    ("gradient(target Python float)", _grad("target float")),
    ("gradient(ok)", _grad("ok")),
]


@pytest.mark.parametrize("label,fn", _CASES, ids=[c[0] for c in _CASES])
def test_input_conversions_match_tf(tf_ref, label, fn):
    compare(label, tf_ref, fn)


def test_embedding_negative_indices_count_from_the_end(tf_ref):
    # Keras 3 takes a negative index once from the end; below -input_dim it raises as TF's gather.
    for lib in (tf_ref, tfshim):
        layer = lib.keras.layers.Embedding(5, 2)
        out = layer(lib.constant([-1, -5, 2])).numpy()
        w = layer.embeddings.numpy()
        np.testing.assert_array_equal(out, w[[4, 0, 2]])
    compare("Embedding(-6)", tf_ref, lambda tf: tf.keras.layers.Embedding(5, 2)(tf.constant([-6])))
    compare("Embedding(5)", tf_ref, lambda tf: tf.keras.layers.Embedding(5, 2)(tf.constant([5])))


def _fit_lengths(nx, ny, nsw=None):
    def fn(tf):
        m = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])
        m.compile("sgd", "mse")
        sw = None if nsw is None else np.ones(nsw, "float32")
        m.fit(np.ones((nx, 3), "float32"), np.ones((ny, 2), "float32"), sample_weight=sw, verbose=0)
        return np.zeros(0)
    return fn


@pytest.mark.parametrize("nx,ny,nsw", [(4, 5, None), (5, 4, None), (4, 4, 3), (4, 4, 4)])
def test_fit_cardinality(tf_ref, nx, ny, nsw):
    compare(f"fit x={nx} y={ny} sw={nsw}", tf_ref, _fit_lengths(nx, ny, nsw))


# -- tf.function ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("returns", ["None", "nothing", "int", "tensor"])
def test_function_first_call_runs_once(tf_ref, returns):
    """A tf.function returning None ran its first call twice (the host evaluation's 'could not' was None)."""
    def fn(tf):
        v = tf.Variable(0.0)

        @tf.function
        def f(x):
            v.assign_add(x)
            if returns == "None":
                return None
            if returns == "int":
                return 1
            if returns == "tensor":
                return tf.constant(1)

        f(tf.constant(1.0))
        first = v.numpy()
        f(tf.constant(1.0))
        return np.array([first, v.numpy()])
    compare(f"tf.function returning {returns}", tf_ref, fn)
