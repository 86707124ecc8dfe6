"""TF's error classes for bad input, and TF's acceptance of valid input (issue 16 §1, §4).

Every case runs the same callable on real TensorFlow and on tfshim in this process. When TF raises,
tfshim must raise the same class (or a subclass of it: matched by name along the MRO, since
``tfshim.errors.X`` parallels ``tf.errors.X``), never a raw JAX exception; when TF returns, tfshim must
return the same values (or, for random initial weights, the same shape).
"""

from __future__ import annotations

import os

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


# -- sparse categorical cross-entropy: labels out of range (issue 16 §1) --------------------------------
def _scce_cases():
    p5 = lambda tf: tf.ones((2, 5)) / 5  # noqa: E731
    cases = []
    for lab in (5, -1, 4, 0, 7):
        y = [1, lab]
        cases += [
            (f"function y={lab}", lambda tf, y=y: tf.keras.losses.sparse_categorical_crossentropy(tf.constant(y), p5(tf))),
            (f"class y={lab}", lambda tf, y=y: tf.keras.losses.SparseCategoricalCrossentropy()(tf.constant(y), p5(tf))),
            (f"class logits y={lab}", lambda tf, y=y: tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
                tf.constant(y), tf.ones((2, 5)))),
            (f"float labels y={lab}", lambda tf, y=y: tf.keras.losses.sparse_categorical_crossentropy(
                tf.constant(y, tf.float32), p5(tf))),
            (f"labels (n,1) y={lab}", lambda tf, y=y: tf.keras.losses.sparse_categorical_crossentropy(
                tf.constant([[v] for v in y]), p5(tf))),
            (f"tf.function y={lab}", lambda tf, y=y: tf.function(
                lambda a, b: tf.keras.losses.sparse_categorical_crossentropy(a, b))(tf.constant(y), p5(tf))),
            (f"tf.nn sparse in tf.function y={lab}", lambda tf, y=y: tf.function(
                lambda a, b: tf.nn.sparse_softmax_cross_entropy_with_logits(a, b))(tf.constant(y), tf.ones((2, 5)))),
            (f"metric y={lab}", lambda tf, y=y: _scce_metric(tf, y)),
        ]
    return cases


def _scce_metric(tf, y):
    m = tf.keras.metrics.SparseCategoricalCrossentropy()
    m.update_state(tf.constant(y), tf.ones((2, 5)) / 5)
    return m.result()


_SCCE = _scce_cases()


@pytest.mark.parametrize("label,fn", _SCCE, ids=[c[0] for c in _SCCE])
def test_sparse_crossentropy_label_range(tf_ref, label, fn):
    compare(label, tf_ref, fn, rtol=1e-4)


@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "object_logits", "metric"])
@pytest.mark.parametrize("bad", [7, -1])
def test_fit_with_a_bad_label_raises_and_does_not_train(tf_ref, loss, bad):
    def fn(tf):
        tf.keras.utils.set_random_seed(0)
        m = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(5)])
        if loss == "object_logits":
            m.compile("sgd", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        elif loss == "metric":
            m.compile("sgd", "mse", metrics=[tf.keras.metrics.SparseCategoricalCrossentropy(from_logits=True)])
        else:
            m.compile("sgd", loss)
        y = np.array([0, 1, 2, bad]) if loss != "metric" else np.array([0, 1, 2, bad])
        if loss == "metric":
            y_fit = np.ones((4, 5), "float32")
            w0 = [w.copy() for w in m.get_weights()]
            try:
                m.fit(np.ones((4, 3), "float32"), y_fit, verbose=0, batch_size=4)
            finally:
                pass
            # the metric's labels are y_fit (one-hot-like floats 1.0): valid; bad labels via evaluate instead
            return m.evaluate(np.ones((4, 3), "float32"), y.astype("float32")[:, None] * 0 + bad, verbose=0)
        w0 = [w.copy() for w in m.get_weights()]
        try:
            m.fit(np.ones((4, 3), "float32"), y, verbose=0, batch_size=4, epochs=2)
        except Exception:
            for a, b in zip(w0, m.get_weights()):
                np.testing.assert_array_equal(a, b, err_msg="a failing step changed the weights")
            raise
        return np.zeros(0)
    ref, got = compare(f"fit {loss} label {bad}", tf_ref, fn, values=False)
    assert isinstance(ref, Exception)


def test_fit_good_labels_still_train_like_before(tf_ref):
    """The runtime check does not change a valid fit: same loss as TF's from the same weights."""
    x = np.random.RandomState(0).randn(16, 3).astype("float32")
    y = np.arange(16) % 5
    losses = []
    for lib in (tf_ref, tfshim):
        m = lib.keras.Sequential([lib.keras.Input((3,)), lib.keras.layers.Dense(5)])
        m.set_weights([np.full((3, 5), 0.1, "float32") * np.arange(5), np.zeros(5, "float32")])
        m.compile(lib.keras.optimizers.SGD(0.1), lib.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        losses.append(m.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False).history["loss"])
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-4)


# -- runtime checks in traced code (issue 16 §1: Dataset.map, tf.function) ------------------------------
def _ds(tf, body, batch=None, values=(0, 1, 2)):
    ds = tf.data.Dataset.from_tensor_slices(np.array(values, np.int32)).map(lambda x: body(tf, x))
    if batch:
        ds = ds.batch(batch)
    return list(ds.as_numpy_iterator())


def _fn(tf, body, arg):
    return tf.function(lambda x: body(tf, x))(tf.constant(arg))


_BODIES = {
    "gather": lambda tf, x: tf.gather(tf.constant([10, 20]), x),
    "gather axis1": lambda tf, x: tf.gather(tf.ones((2, 2)), x, axis=1),
    "gather_nd": lambda tf, x: tf.gather_nd(tf.constant([[1, 2]]), tf.stack([0, x])[None]),
    "floordiv": lambda tf, x: tf.constant(6) // (x - 1),
    "floormod": lambda tf, x: tf.math.floormod(tf.constant(6), x - 1),
    "assert_less": lambda tf, x: (tf.debugging.assert_less(x, 2), x)[1],
    "assert_equal": lambda tf, x: (tf.debugging.assert_equal(x, x * 0 + 1), x)[1],
    "assert_non_negative": lambda tf, x: (tf.debugging.assert_non_negative(x - 1), x)[1],
    "assert_positive": lambda tf, x: (tf.debugging.assert_positive(x - 1), x)[1],
    "Assert": lambda tf, x: (tf.debugging.Assert(x < 2, [x]), x)[1],
    "check_numerics": lambda tf, x: tf.debugging.check_numerics(tf.math.log(tf.cast(x - 1, tf.float32)), "bad"),
    "assert_near": lambda tf, x: (tf.debugging.assert_near(tf.cast(x, tf.float32), 1.0), x)[1],
    "sparse xent": lambda tf, x: tf.nn.sparse_softmax_cross_entropy_with_logits(x[None] + 1, tf.ones((1, 3))),
}


@pytest.mark.parametrize("name", sorted(_BODIES))
def test_dataset_map_runtime_checks(tf_ref, name):
    body = _BODIES[name]
    compare(f"map {name}", tf_ref, lambda tf: _ds(tf, body))
    compare(f"map {name} batched", tf_ref, lambda tf: _ds(tf, body, batch=3))
    compare(f"map {name} fine", tf_ref, lambda tf: _ds(tf, body, values=(1,)))


@pytest.mark.parametrize("name", sorted(_BODIES))
@pytest.mark.parametrize("arg", [0, 1, 2])
def test_function_runtime_checks(tf_ref, name, arg):
    compare(f"tf.function {name}({arg})", tf_ref, lambda tf: _fn(tf, _BODIES[name], arg))


def test_function_with_checks_assigns_nothing_when_a_check_fails(tf_ref):
    for lib in (tf_ref, tfshim):
        v = lib.Variable(0.0)

        @lib.function
        def f(i, v=v, lib=lib):
            v.assign_add(1.0)
            return lib.gather(lib.constant([1.0, 2.0]), i) + v

        assert float(f(lib.constant(1))) == 3.0
        with pytest.raises(lib.errors.InvalidArgumentError):
            f(lib.constant(9))
        assert float(f(lib.constant(0))) == 1.0 + float(v.numpy()) - 0.0
    # tfshim: the failing call left v as it was (TF's graph runs assign_add unordered: not compared)


def test_checks_inside_control_flow_in_function(tf_ref):
    def body(tf):
        @tf.function
        def f(idx):
            return tf.map_fn(lambda i: tf.gather(tf.constant([1, 2, 3]), i), idx)
        return f(tf.constant([0, 1, 5]))
    compare("map_fn gather in tf.function", tf_ref, body)

    def loop(tf):
        @tf.function
        def f(n):
            return tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + tf.constant(6) // (2 - i)), (0, 0))
        return f(tf.constant(4))
    compare("while_loop floordiv in tf.function", tf_ref, loop)


# -- static errors inside traced code: TF's graph builder classes ----------------------------------------
_TRACED_STATIC = [
    ("tf.function dtype mismatch", lambda tf: tf.function(lambda x: x + tf.constant(1.0))(tf.constant(1))),
    ("tf.function matmul shapes", lambda tf: tf.function(lambda x: tf.matmul(x, x))(tf.ones((2, 3)))),
    ("tf.function reshape size", lambda tf: tf.function(lambda x: tf.reshape(x, [5]))(tf.ones((2, 3)))),
    ("map dtype mismatch", lambda tf: list(tf.data.Dataset.range(3).map(lambda x: x + tf.constant(1.0)))),
    ("map reshape size", lambda tf: list(tf.data.Dataset.from_tensor_slices(np.ones((2, 3), "float32")).map(
        lambda x: tf.reshape(x, [5])))),
    ("filter dtype mismatch", lambda tf: list(tf.data.Dataset.range(3).filter(lambda x: x > tf.constant(1.0)))),
    ("reduce dtype mismatch", lambda tf: tf.data.Dataset.range(3).reduce(tf.constant(0, tf.int32),
                                                                         lambda s, x: s + x)),
    ("reduce int div by zero", lambda tf: tf.data.Dataset.range(3).reduce(
        tf.constant(0, tf.int64), lambda s, x: s + tf.constant(6, tf.int64) // x)),
    ("eager dtype mismatch", lambda tf: tf.constant(1) + tf.constant(1.0)),
    ("eager matmul shapes", lambda tf: tf.matmul(tf.ones((2, 3)), tf.ones((2, 3)))),
    ("eager reshape size", lambda tf: tf.reshape(tf.ones((2, 3)), [5])),
]


@pytest.mark.parametrize("label,fn", _TRACED_STATIC, ids=[c[0] for c in _TRACED_STATIC])
def test_static_errors_in_traced_code(tf_ref, label, fn):
    ref, _ = compare(label, tf_ref, fn)
    assert isinstance(ref, Exception)


# -- optimizer.apply_gradients (issue 16 §1) -----------------------------------------------------------
@pytest.mark.parametrize("opt", ["SGD", "Adam", "RMSprop", "Adagrad", "Adamax"])  # AdamW: docs/differences.md
def test_apply_gradients_same_variable_twice_applies_both(tf_ref, opt):
    def fn(tf):
        v, w = tf.Variable([1.0, 2.0]), tf.Variable([3.0])
        o = getattr(tf.keras.optimizers, opt)(0.1)
        for _ in range(2):
            o.apply_gradients([(tf.constant([1.0, 1.0]), v), (tf.constant([0.5]), w), (tf.constant([2.0, -1.0]), v)])
        return [v, w, o.iterations]
    compare(f"{opt} same variable twice", tf_ref, fn, rtol=1e-5)


def test_apply_gradients_twice_inside_function(tf_ref):
    def fn(tf):
        v = tf.Variable([1.0, 2.0])
        o = tf.keras.optimizers.SGD(1.0)

        @tf.function
        def step():
            o.apply_gradients([(tf.constant([1.0, 1.0]), v), (tf.constant([1.0, 1.0]), v)])

        step()
        step()
        return v
    compare("apply twice in tf.function", tf_ref, fn)


@pytest.mark.parametrize("target", ["tensor", "numpy", "float", "tensor after build"])
@pytest.mark.parametrize("opt", ["SGD", "Adam"])
def test_apply_gradients_to_a_non_variable_raises(tf_ref, target, opt):
    def fn(tf):
        o = getattr(tf.keras.optimizers, opt)(1.0)
        if target == "tensor after build":
            v = tf.Variable([1.0, 2.0])
            o.apply_gradients([(tf.constant([1.0, 1.0]), v)])
        x = {"tensor": tf.constant([1.0, 2.0]), "numpy": np.array([1.0, 2.0], "float32"), "float": 3.0,
             "tensor after build": tf.constant([1.0, 2.0])}[target]
        o.apply_gradients([(tf.constant([1.0, 1.0]) if target != "float" else tf.constant(1.0), x)])
        return x
    ref, got = compare(f"{opt} apply to {target}", tf_ref, fn)
    assert isinstance(ref, Exception)


# -- Keras input validation (issue 16 §4): ValueError as Keras, with Keras-like InputSpec -----------------
def _two(tf, layer, a, b):
    built = layer(tf)
    built(tf.ones(a))
    return built(tf.ones(b))


_KERAS = [
 ("Dense rank1", lambda tf: tf.keras.layers.Dense(3)(tf.ones((4,)))),
 ("Dense rank3 ok", lambda tf: tf.keras.layers.Dense(3, kernel_initializer="ones")(tf.ones((2,4,5)))),
 ("Dense size change", lambda tf: _two(tf, lambda tf: tf.keras.layers.Dense(3), (2,4), (2,5))),
 ("Dense scalar", lambda tf: tf.keras.layers.Dense(3)(tf.ones(()))),
 ("Conv1D rank2", lambda tf: tf.keras.layers.Conv1D(2,3)(tf.ones((4,4)))),
 ("Conv1D kernel>input", lambda tf: tf.keras.layers.Conv1D(2,5)(tf.ones((1,3,1)))),
 ("Conv1D kernel>input same ok", lambda tf: tf.keras.layers.Conv1D(2,5,padding="same",kernel_initializer="ones")(tf.ones((1,3,1)))),
 ("Conv1D kernel==input ok", lambda tf: tf.keras.layers.Conv1D(2,3,kernel_initializer="ones")(tf.ones((1,3,1)))),
 ("Conv2D rank3", lambda tf: tf.keras.layers.Conv2D(2,3)(tf.ones((4,4,1)))),
 ("Conv2D rank5", lambda tf: tf.keras.layers.Conv2D(2,3)(tf.ones((1,1,4,4,1)))),
 ("Conv2D kernel>input", lambda tf: tf.keras.layers.Conv2D(2,5)(tf.ones((1,3,3,1)))),
 ("Conv2D dilation>input", lambda tf: tf.keras.layers.Conv2D(2,3,dilation_rate=2)(tf.ones((1,4,4,1)))),
 ("Conv2D channels change", lambda tf: _two(tf, lambda tf: tf.keras.layers.Conv2D(2,3), (1,4,4,1), (1,4,4,2))),
 ("Conv3D rank4", lambda tf: tf.keras.layers.Conv3D(2,3)(tf.ones((4,4,4,1)))),
 ("Conv3D kernel>input", lambda tf: tf.keras.layers.Conv3D(2,3)(tf.ones((1,2,4,4,1)))),
 ("MaxPool1D rank2", lambda tf: tf.keras.layers.MaxPooling1D()(tf.ones((4,4)))),
 ("MaxPool2D rank3", lambda tf: tf.keras.layers.MaxPooling2D()(tf.ones((4,4,1)))),
 ("MaxPool2D rank5", lambda tf: tf.keras.layers.MaxPooling2D()(tf.ones((1,1,4,4,1)))),
 ("AvgPool2D rank3", lambda tf: tf.keras.layers.AveragePooling2D()(tf.ones((4,4,1)))),
 ("MaxPool3D rank4", lambda tf: tf.keras.layers.MaxPooling3D()(tf.ones((4,4,4,1)))),
 ("Reshape bad", lambda tf: tf.keras.layers.Reshape((5,))(tf.ones((2,4)))),
 ("Reshape -1 bad", lambda tf: tf.keras.layers.Reshape((-1,3))(tf.ones((2,4)))),
 ("Reshape two -1", lambda tf: tf.keras.layers.Reshape((-1,-1))(tf.ones((2,4)))),
 ("Reshape ok", lambda tf: tf.keras.layers.Reshape((2,-1))(tf.ones((2,4)))),
 ("Concatenate mismatch", lambda tf: tf.keras.layers.Concatenate()([tf.ones((2,3,4)), tf.ones((2,4,4))])),
 ("Concatenate rank", lambda tf: tf.keras.layers.Concatenate()([tf.ones((2,3)), tf.ones((2,3,4))])),
 ("Concatenate batch", lambda tf: tf.keras.layers.Concatenate()([tf.ones((2,3)), tf.ones((3,3))])),
 ("Concatenate axis1 ok", lambda tf: tf.keras.layers.Concatenate(axis=1)([tf.ones((2,3)), tf.ones((2,4))])),
 ("Concatenate single", lambda tf: tf.keras.layers.Concatenate()([tf.ones((2,3))])),
 ("Add mismatch", lambda tf: tf.keras.layers.Add()([tf.ones((2,3)), tf.ones((2,4))])),
 ("Add broadcast 1", lambda tf: tf.keras.layers.Add()([tf.ones((2,3)), tf.ones((2,1))])),
 ("Add single", lambda tf: tf.keras.layers.Add()([tf.ones((2,3))])),
 ("Multiply mismatch", lambda tf: tf.keras.layers.Multiply()([tf.ones((2,3)), tf.ones((2,4))])),
 ("Subtract three", lambda tf: tf.keras.layers.Subtract()([tf.ones((2,3))]*3)),
 ("Average mismatch", lambda tf: tf.keras.layers.Average()([tf.ones((2,3)), tf.ones((2,4))])),
 ("Maximum mismatch", lambda tf: tf.keras.layers.Maximum()([tf.ones((2,3)), tf.ones((2,4))])),
 ("Add not list", lambda tf: tf.keras.layers.Add()(tf.ones((2,3)))),
]
def _run_model(tf, m, shape, call):
    if call == "call":
        return m(tf.ones(shape))
    if call == "predict":
        return m.predict(np.ones(shape, "float32"), verbose=0)
    m.compile("sgd", "mse")
    x, y = np.ones(shape, "float32"), np.ones((shape[0], 2), "float32")
    if call == "fit":
        return m.fit(x, y, verbose=0).history["loss"]
    return m.evaluate(x, y, verbose=0)


def _seq(tf, shape, call="call"):
    return _run_model(tf, tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)]), shape, call)


def _func(tf, shape, call="call"):
    i = tf.keras.Input((3,))
    return _run_model(tf, tf.keras.Model(i, tf.keras.layers.Dense(2)(i)), shape, call)


for c in ["call", "predict", "fit", "evaluate"]:
    for shp in [(2,4), (2,2), (2,3,3)]:
        _KERAS.append((f"Sequential {c} {shp}", lambda tf, c=c, shp=shp: _seq(tf, shp, c)))
        _KERAS.append((f"functional {c} {shp}", lambda tf, c=c, shp=shp: _func(tf, shp, c)))


@pytest.mark.parametrize("label,fn", _KERAS, ids=[c[0] for c in _KERAS])
def test_keras_input_validation(tf_ref, label, fn):
    compare(label, tf_ref, fn, values=False)


def test_input_spec_is_public_and_checked(tf_ref):
    for lib in (tf_ref, tfshim):
        layer = lib.keras.layers.Dense(2)
        layer.build((None, 3))
        assert layer.input_spec.min_ndim == 2
        assert layer.input_spec.axes == {-1: 3}
        spec = lib.keras.layers.InputSpec(ndim=3)

        class Three(lib.keras.layers.Layer):
            def __init__(self, **kw):
                super().__init__(**kw)
                self.input_spec = spec

            def call(self, x):
                return x

        with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
            Three()(lib.ones((2, 2)))
        assert Three()(lib.ones((1, 2, 2))).shape == (1, 2, 2)


def test_model_input_rank_adjusted_as_keras(tf_ref):
    for shp, ref in [((2, 3, 1), (3,)), ((2, 3), (3, 1))]:
        outs = []
        for lib in (tf_ref, tfshim):
            i = lib.keras.Input(ref)
            m = lib.keras.Model(i, lib.keras.layers.Dense(2)(i))
            outs.append(tuple(m(lib.ones(shp)).shape))
        assert outs[0] == outs[1]


# -- filesystem errors: TF's classes (each library in its own directory) --------------------------------
def _fs_cases():
    def ck_write(tf, d):
        open(os.path.join(d, "file"), "w").close()
        return tf.train.Checkpoint(v=tf.Variable(1.0)).write(os.path.join(d, "file", "ck"))

    def ck_read(tf, d):
        return tf.train.Checkpoint(v=tf.Variable(1.0)).read(os.path.join(d, "missing", "ck")).assert_consumed()

    def ck_restore(tf, d):
        return tf.train.Checkpoint(v=tf.Variable(1.0)).restore(os.path.join(d, "missing", "ck"))

    def mgr(tf, d):
        open(os.path.join(d, "file"), "w").close()
        c = tf.train.Checkpoint(v=tf.Variable(1.0))
        return tf.train.CheckpointManager(c, os.path.join(d, "file", "m"), 2).save()

    def model(tf):
        return tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])

    def save_w(tf, d):
        open(os.path.join(d, "file"), "w").close()
        return model(tf).save_weights(os.path.join(d, "file", "w.weights.h5"))

    def load_w(tf, d):
        return model(tf).load_weights(os.path.join(d, "nope.weights.h5"))

    return [
        ("Checkpoint.write under a file", ck_write),
        ("Checkpoint.read missing", ck_read),
        ("Checkpoint.restore missing", ck_restore),
        ("CheckpointManager.save under a file", mgr),
        ("list_variables missing", lambda tf, d: tf.train.list_variables(os.path.join(d, "nope"))),
        ("load_checkpoint missing", lambda tf, d: tf.train.load_checkpoint(os.path.join(d, "nope"))),
        ("latest_checkpoint missing dir", lambda tf, d: tf.train.latest_checkpoint(os.path.join(d, "nodir"))),
        ("save_weights under a file", save_w),
        ("load_weights missing", load_w),
    ]


_FS = _fs_cases()


@pytest.mark.parametrize("label,fn", _FS, ids=[c[0] for c in _FS])
def test_filesystem_error_classes(tf_ref, tmp_path, label, fn):
    dirs = {}
    for name in ("tf", "shim"):
        dirs[name] = tmp_path / name
        dirs[name].mkdir()
    ref = _outcome(lambda: fn(tf_ref, str(dirs["tf"])))
    got = _outcome(lambda: fn(tfshim, str(dirs["shim"])))
    if isinstance(ref, Exception):
        _assert_error_like(label, got, ref)
    else:
        assert not isinstance(got, Exception), f"{label}: TF returned {ref!r}; tfshim raised {got!r}"
        assert (ref is None) == (got is None)


# -- Embedding with a bad index inside fit: checked in the compiled step, nothing trained ---------------
@pytest.mark.parametrize("bad", [5, 9, -6])
def test_fit_embedding_bad_index_raises_and_does_not_train(tf_ref, bad):
    def fn(tf):
        m = tf.keras.Sequential([tf.keras.Input((2,), dtype="int32"), tf.keras.layers.Embedding(5, 3),
                                 tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])
        m.compile("sgd", "mse")
        w0 = [w.copy() for w in m.get_weights()]
        x = np.array([[0, 1], [2, bad]], "int32")
        try:
            m.fit(x, np.ones((2, 1), "float32"), verbose=0, batch_size=2)
        except Exception:
            for a, b in zip(w0, m.get_weights()):
                np.testing.assert_array_equal(a, b)
            raise
        return np.zeros(0)
    ref, _ = compare(f"fit Embedding index {bad}", tf_ref, fn, values=False)
    assert isinstance(ref, Exception)


def test_predict_embedding_negative_index_in_range(tf_ref):
    outs = []
    for lib in (tf_ref, tfshim):
        m = lib.keras.Sequential([lib.keras.Input((2,), dtype="int32"), lib.keras.layers.Embedding(5, 3)])
        w = m.get_weights()[0]
        outs.append((m.predict(np.array([[-1, -5]], "int32"), verbose=0), w))
    for out, w in outs:
        np.testing.assert_allclose(out[0], w[[4, 0]], rtol=1e-6)


@pytest.mark.parametrize("outer", ["tf.function", "Dataset.map", "tape"])
@pytest.mark.parametrize("index", [1, 7])
def test_checked_function_inside_another_trace(tf_ref, outer, index):
    def fn(tf):
        inner = tf.function(lambda i: tf.gather(tf.constant([1.0, 2.0]), i))
        if outer == "tf.function":
            return tf.function(lambda i: inner(i) * 2)(tf.constant(index))
        if outer == "Dataset.map":
            return list(tf.data.Dataset.from_tensor_slices(tf.constant([0, index])).map(inner).as_numpy_iterator())
        x = tf.Variable([1.0, 2.0])
        with tf.GradientTape() as t:
            y = tf.function(lambda i: tf.gather(x, i) * 3.0)(tf.constant(index))
        return [y, tf.convert_to_tensor(t.gradient(y, x))]
    compare(f"{outer} with a checked inner function, index {index}", tf_ref, fn)


# -- miscellaneous bad input (same class as TF) ------------------------------------------------------
def _used_tape(tf):
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = x * x
    t.gradient(y, x)
    return t, x


_MISC = [
 ("reshape -2", lambda tf: tf.reshape(tf.ones(4), [-2, 2])),
 ("zeros negative", lambda tf: tf.zeros([-1, 2])),
 ("one_hot float idx", lambda tf: tf.one_hot(tf.constant([1.0]), 3)),
 ("gather float idx", lambda tf: tf.gather(tf.ones(3), tf.constant([1.0]))),
 ("concat mismatch", lambda tf: tf.concat([tf.ones((2,3)), tf.ones((3,2))], 0)),
 ("concat axis out", lambda tf: tf.concat([tf.ones((2,3)), tf.ones((2,3))], 5)),
 ("stack mismatch", lambda tf: tf.stack([tf.ones(2), tf.ones(3)])),
 ("split uneven", lambda tf: tf.split(tf.ones(5), 2)),
 ("tile bad len", lambda tf: tf.tile(tf.ones((2,2)), [2])),
 ("pad bad", lambda tf: tf.pad(tf.ones((2,2)), [[1,1]])),
 ("pad negative", lambda tf: tf.pad(tf.ones((2,2)), [[-1,1],[0,0]])),
 ("transpose bad perm", lambda tf: tf.transpose(tf.ones((2,3)), [0,0])),
 ("squeeze non1", lambda tf: tf.squeeze(tf.ones((2,3)), axis=0)),
 ("expand_dims axis out", lambda tf: tf.expand_dims(tf.ones((2,3)), 5)),
 ("reduce_sum axis out", lambda tf: tf.reduce_sum(tf.ones((2,3)), axis=2)),
 ("argmax axis out", lambda tf: tf.argmax(tf.ones((2,3)), axis=3)),
 ("clip min>max", lambda tf: tf.clip_by_value(tf.ones(3), 2.0, 1.0)),
 ("uniform int minval>maxval", lambda tf: tf.random.uniform([2], 5, 1, dtype=tf.int32)),
 ("uniform int no maxval", lambda tf: tf.random.uniform([2], dtype=tf.int32)),
 ("softmax int", lambda tf: tf.nn.softmax(tf.constant([1, 2]))),
 ("conv2d bad rank", lambda tf: tf.nn.conv2d(tf.ones((3,3,1)), tf.ones((2,2,1,1)), 1, "VALID")),
 ("conv2d channel mismatch", lambda tf: tf.nn.conv2d(tf.ones((1,3,3,2)), tf.ones((2,2,1,1)), 1, "VALID")),
 ("max_pool2d bad ksize", lambda tf: tf.nn.max_pool2d(tf.ones((1,3,3,1)), 0, 1, "VALID")),
 ("Dense(0)", lambda tf: tf.keras.layers.Dense(0)),
 ("Dropout(1.5)", lambda tf: tf.keras.layers.Dropout(1.5)),
 ("Dropout(-0.1)", lambda tf: tf.keras.layers.Dropout(-0.1)),
 ("LSTM rank2", lambda tf: tf.keras.layers.LSTM(2)(tf.ones((2,3)))),
 ("GRU rank2", lambda tf: tf.keras.layers.GRU(2)(tf.ones((2,3)))),
 ("SimpleRNN rank4", lambda tf: tf.keras.layers.SimpleRNN(2)(tf.ones((2,3,4,5)))),
 ("Flatten rank1", lambda tf: tf.keras.layers.Flatten()(tf.ones((3,)))),
 ("Embedding float input", lambda tf: tf.keras.layers.Embedding(5,2)(tf.constant([1.0, 2.0]))),
 ("fit without compile", lambda tf: tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)]).fit(np.ones((2,2)), np.ones((2,1)), verbose=0)),
 ("compile unknown opt", lambda tf: tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)]).compile("nope", "mse")),
 ("unknown activation", lambda tf: tf.keras.layers.Dense(1, activation="nope")),
 ("unknown initializer", lambda tf: tf.keras.layers.Dense(1, kernel_initializer="nope")),
 ("Variable assign shape", lambda tf: tf.Variable([1.0, 2.0]).assign([1.0, 2.0, 3.0])),
 ("Variable assign_add dtype", lambda tf: tf.Variable([1.0, 2.0]).assign_add(tf.constant([1, 2]))),
 ("Variable int assign float", lambda tf: tf.Variable([1, 2]).assign([1.5, 2.0])),
 ("matmul int float", lambda tf: tf.matmul(tf.ones((2,2)), tf.ones((2,2), tf.int32))),
 ("matmul rank1", lambda tf: tf.matmul(tf.ones(2), tf.ones(2))),
 ("cast string", lambda tf: tf.cast(tf.ones(2), "string")),
 ("range float delta 0", lambda tf: tf.range(0.0, 1.0, 0.0)),
 ("range int delta 0", lambda tf: tf.range(0, 5, 0)),
 ("linspace num 0", lambda tf: tf.linspace(0.0, 1.0, 0)),
 ("eye negative", lambda tf: tf.eye(-1)),
 ("fill negative", lambda tf: tf.fill([-1], 1.0)),
 ("boolean_mask shape", lambda tf: tf.boolean_mask(tf.ones(3), tf.constant([True, False]))),
 ("where shapes", lambda tf: tf.where(tf.constant([True, False]), tf.ones(3), tf.ones(3))),
 ("reduce_mean empty", lambda tf: tf.reduce_mean(tf.zeros((0,)))),
 ("reduce_max empty", lambda tf: tf.reduce_max(tf.zeros((0,)))),
 ("reduce_min empty int", lambda tf: tf.reduce_min(tf.zeros((0,), tf.int32))),
 ("argmax empty", lambda tf: tf.argmax(tf.zeros((0,)))),
 ("top_k k>n", lambda tf: tf.math.top_k(tf.ones(3), 5)),
 ("top_k k<0", lambda tf: tf.math.top_k(tf.ones(3), -1)),
 ("sort axis out", lambda tf: tf.sort(tf.ones(3), axis=2)),
 ("categorical bad logits rank", lambda tf: tf.random.categorical(tf.ones(3), 2)),
 ("one_hot depth negative", lambda tf: tf.one_hot([1], -1)),
 ("cumsum axis out", lambda tf: tf.cumsum(tf.ones(3), axis=1)),
 ("norm bad ord", lambda tf: tf.norm(tf.ones(3), ord=3.5)),
 ("linalg inv nonsquare", lambda tf: tf.linalg.inv(tf.ones((2,3)))),
 ("cholesky not pd", lambda tf: tf.linalg.cholesky(-tf.eye(2))),
 ("Checkpoint non-trackable", lambda tf: tf.train.Checkpoint(a=3)),
 ("Checkpoint positional", lambda tf: tf.train.Checkpoint(tf.Variable(1.0))),
 ("Dataset batch 0", lambda tf: tf.data.Dataset.range(3).batch(0)),
 ("Dataset batch -1", lambda tf: list(tf.data.Dataset.range(3).batch(-1))),
 ("Dataset shuffle 0", lambda tf: list(tf.data.Dataset.range(3).shuffle(0))),
 ("Dataset take float", lambda tf: tf.data.Dataset.range(3).take(1.5)),
 ("Dataset map returns None", lambda tf: list(tf.data.Dataset.range(3).map(lambda x: None))),
 ("Dataset filter non-bool", lambda tf: list(tf.data.Dataset.range(3).filter(lambda x: x))),
 ("Dataset zip lengths", lambda tf: list(tf.data.Dataset.zip((tf.data.Dataset.range(2), tf.data.Dataset.range(3))))),
 ("fts mismatched", lambda tf: tf.data.Dataset.from_tensor_slices(([1,2],[1,2,3]))),
 ("fts scalar", lambda tf: tf.data.Dataset.from_tensor_slices(1)),
 ("ragged constant", lambda tf: tf.constant([[1], [1, 2]])),
 ("convert list of tensors mixed", lambda tf: tf.convert_to_tensor([tf.constant(1), tf.constant(1.0)])),
 ("add int32 int64", lambda tf: tf.constant(1) + tf.constant(1, tf.int64)),
 ("tf.function bad input_signature", lambda tf: tf.function(lambda x: x, input_signature=[tf.TensorSpec([2], tf.float32)])(tf.ones(3))),
 ("tf.function sig dtype", lambda tf: tf.function(lambda x: x, input_signature=[tf.TensorSpec([2], tf.float32)])(tf.ones(2, tf.int32))),
 ("GradientTape gradient twice", lambda tf: (lambda t, x: (t.gradient(x*x, x), t.gradient(x*x, x)))(*_used_tape(tf))),
]


@pytest.mark.parametrize("label,fn", _MISC, ids=[c[0] for c in _MISC])
def test_misc_bad_input(tf_ref, label, fn):
    compare(label, tf_ref, fn, values=False)


_EAGER_CF = [
    ("scan gather", lambda tf, i: tf.scan(lambda a, x: a + tf.gather(tf.constant([1, 2]), x), tf.constant([0, 1, i]))),
    ("foldl floordiv", lambda tf, i: tf.foldl(lambda a, x: a + tf.constant(6) // (x - i), tf.constant([3, 4]),
                                              initializer=tf.constant(0))),
    ("map_fn gather", lambda tf, i: tf.map_fn(lambda x: tf.gather(tf.constant([1, 2]), x), tf.constant([0, i]))),
    ("while_loop assert", lambda tf, i: tf.while_loop(
        lambda k, s: k < 3, lambda k, s: (k + 1, s + (tf.debugging.assert_less(k, i), k)[1]), (0, 0))),
    ("cond check_numerics", lambda tf, i: tf.cond(tf.constant(True), lambda: tf.debugging.check_numerics(
        tf.math.log(tf.constant(float(i - 4))), "bad"), lambda: tf.constant(0.0))),
]


@pytest.mark.parametrize("label,fn", _EAGER_CF, ids=[c[0] for c in _EAGER_CF])
@pytest.mark.parametrize("i", [1, 9])
def test_checks_in_eager_control_flow(tf_ref, label, fn, i):
    compare(f"eager {label} ({i})", tf_ref, lambda tf: fn(tf, i))
