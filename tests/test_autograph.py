"""AutoGraph: converted programs compared with real TensorFlow in the same process.

Each case builds its tf.function from the module it is given (``tf`` is real TF or tfshim), so the very same
source runs through TF's AutoGraph and tfshim's. Checked: values, dtypes, shapes (``assert_same``), how many
times the function traced, that the body ran staged (``tf.executing_eagerly()`` False inside), that no
eager-fallback warning was logged, and the error classes of TF's unconvertible patterns.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest

import tfshim
from tests.oracle import assert_same

CASES: dict = {}


def case(*args):
    def deco(build):
        CASES[build.__name__] = (build, args)
        return build

    return deco


@case(10)
def fibonacci(tf):
    @tf.function
    def f(n):
        a, b = tf.constant(0), tf.constant(1)
        i = tf.constant(0)
        while i < n:
            a, b = b, a + b
            i += 1
        return a

    return f


@case(20)
def break_continue_range(tf):
    @tf.function
    def f(n):
        s = tf.constant(0)
        for i in tf.range(n):
            if i % 2 == 0:
                continue
            if i > 11:
                break
            s += i
        return s

    return f


@case(-3.0)
def early_return(tf):
    @tf.function
    def f(x):
        if x > 0:
            return x * 2.0
        return -x

    return f


@case(3.0)
def early_return_positive(tf):
    return early_return(tf)


@case(5)
def nested_loops(tf):
    @tf.function
    def f(n):
        s = tf.constant(0)
        for i in tf.range(n):
            for j in tf.range(i):
                s += i * j
        return s

    return f


@case(7)
def python_counter_in_tensor_while(tf):
    @tf.function
    def f(n):
        i = 0
        total = 0.0
        while i < n:
            total += 1.5
            i += 1
        return i, total

    return f


@case(-1.0)
def if_elif_else(tf):
    @tf.function
    def f(x):
        if x > 1.0:
            y = x * 10.0
        elif x > -2.0:
            y = x + 100.0
        else:
            y = x
        return y

    return f


@case(2.0)
def boolean_operators(tf):
    @tf.function
    def f(x):
        a = x > 1.0 and x < 3.0
        b = not (x > 5.0) or x < 0.0
        c = x * 2.0 if x > 0.0 else -x
        return a, b, c

    return f


@case(np.arange(12, dtype=np.float32).reshape(4, 3))
def for_over_tensor(tf):
    @tf.function
    def f(x):
        s = tf.zeros([3])
        for row in x:
            if tf.reduce_sum(row) > 10.0:
                s += row
        return s, len(x)

    return f


@case(2.0)
def python_list_loop_unrolled(tf):
    @tf.function
    def f(x):
        y = x
        for k in [1.0, 2.0, 3.0]:
            if y < 5.0:
                y = y * k + 1.0
        return y

    return f


@case(3)
def variable_updates_in_loop_and_branch(tf):
    v = tf.Variable(1.0)

    @tf.function
    def f(n):
        for i in tf.range(n):
            v.assign_add(tf.cast(i, tf.float32))
            if v > 2.0:
                v.assign(v * 2.0)
        return v.read_value()

    return f


@case(4)
def loop_local_used_after(tf):
    @tf.function
    def f(n):
        for i in tf.range(n):
            z = i * 3
        return z

    return f


@case(100)
def while_break(tf):
    @tf.function
    def f(n):
        i = tf.constant(1)
        while i < n:
            if i * i > 50:
                break
            i += 1
        return i

    return f


@case(np.array([3.0, -1.0, 4.0, -5.0], np.float32))
def err_return_inside_loop(tf):
    @tf.function
    def f(x):
        for v in x:
            if v < 0.0:
                return v
        return tf.constant(0.0)

    return f


def _helper(tf, x):
    if x > 0.0:
        x = x - 1.0
    else:
        x = x + 1.0
    return x


@case(0.5)
def helper_function_converted(tf):
    @tf.function
    def f(x):
        return _helper(tf, x) * 3.0

    return f


@case(100)
def set_loop_options_maximum_iterations(tf):
    @tf.function
    def f(n):
        i = tf.constant(0)
        while i < n:
            tf.autograph.experimental.set_loop_options(maximum_iterations=7)
            i += 1
        return i

    return f


@case(3.0)
def tensor_if_python_values(tf):
    @tf.function
    def f(x):
        mode = "a"
        if x > 0.0:
            y = 1
        else:
            y = 2
        return y, mode == "a"

    return f


# -- TF's errors ------------------------------------------------------------------------------------
@case(1)
def err_defined_in_one_branch(tf):
    @tf.function
    def f(x):
        if x > 0:
            y = 1
        return y

    return f


@case(1)
def err_branch_dtypes_differ(tf):
    @tf.function
    def f(x):
        if x > 0:
            y = tf.constant(1)
        else:
            y = tf.constant(1.0)
        return y

    return f


@case(3)
def err_loop_dtype_changes(tf):
    @tf.function
    def f(x):
        i = tf.constant(0)
        while i < x:
            i = tf.cast(i, tf.float32)
        return i

    return f


@case(3)
def err_loop_shape_changes(tf):
    @tf.function
    def f(x):
        s = tf.zeros([1])
        for i in tf.range(x):
            s = tf.concat([s, [1.0]], 0)
        return s

    return f


@case(3)
def err_return_in_one_branch(tf):
    @tf.function
    def f(x):
        if x > 0:
            return 1

    return f


def _run(tf, name):
    build, args = CASES[name]
    f = build(tf)
    args = [tf.constant(a) for a in args]
    try:
        return f(*args), f
    except Exception as e:  # noqa: BLE001 - the error is the result compared
        return e, f


def _errors_match(ref, got):
    # TF reports the converted code's errors through its own classes; compare the class name or, for the
    # builtin ones, the class itself.
    assert isinstance(got, Exception), f"TF raised {type(ref).__name__}: {ref}; tfshim returned {got!r}"
    assert isinstance(got, type(ref)) or type(got).__name__ == type(ref).__name__, (
        f"TF raised {type(ref).__name__} ({ref}); tfshim {type(got).__name__} ({got})")


@pytest.mark.parametrize("name", sorted(CASES))
def test_converted_program_matches_tf(name, tf_ref, caplog):
    ref, ref_f = _run(tf_ref, name)
    with caplog.at_level(logging.WARNING, logger="tfshim"):
        got, got_f = _run(tfshim, name)
    assert "running it eagerly" not in caplog.text
    assert "could not transform" not in caplog.text
    if isinstance(ref, Exception):
        _errors_match(ref, got)
        return
    assert_same(ref, got, name)
    assert got_f.experimental_get_tracing_count() == ref_f.experimental_get_tracing_count()


def test_body_runs_staged_and_traces_once(tf_ref):
    for tf in (tf_ref, tfshim):
        seen = []

        @tf.function
        def f(n):
            seen.append(tf.executing_eagerly())
            s = tf.constant(0)
            for i in tf.range(n):
                s += i
            return s

        assert int(f(tf.constant(5))) == 10
        assert int(f(tf.constant(7))) == 21
        assert seen and not any(seen), tf.__name__
        assert f.experimental_get_tracing_count() == 1


def test_gradient_through_converted_loop(tf_ref):
    out = []
    for tf in (tf_ref, tfshim):
        w = tf.Variable(1.5)

        @tf.function
        def f(x):
            y = x
            for _ in tf.range(4):
                y = y * w + tf.sin(y)
            return y

        @tf.function
        def inner(x):
            with tf.GradientTape() as t:
                y = x
                for _ in tf.range(3):
                    y = y * w
                i = tf.constant(0)
                while i < 10:
                    # tfshim: a reverse-differentiated while needs a bound (lax.scan); TF does not
                    tf.autograph.experimental.set_loop_options(maximum_iterations=2)
                    y = y * w + 1.0
                    i += 1
            return t.gradient(y, w)

        x = tf.constant(0.7)
        with tf.GradientTape() as t:
            y = f(x)
        out.append((y, t.gradient(y, w), inner(x)))
    assert_same(out[0], out[1], "gradient", rtol=1e-5)


def test_dataset_map_with_tensor_if(tf_ref):
    out = []
    for tf in (tf_ref, tfshim):
        def fn(x):
            if x % 2 == 0:
                y = x * 10
            else:
                y = -x
            return y

        ds = tf.data.Dataset.range(6).map(fn)
        out.append([int(v) for v in ds])
    assert out[0] == out[1]


def test_autograph_false_leaves_python(tf_ref):
    @tfshim.function(autograph=False)
    def f(x):
        return x + 1

    assert int(f(tfshim.constant(1))) == 2
    assert f._traced_function() is f.python_function


def test_to_code_and_to_graph(tf_ref):
    def f(x):
        if x > 0:
            x = x * 2
        return x

    code = tfshim.autograph.to_code(f)
    assert "if_stmt" in code and "def f(x)" in code
    g = tfshim.autograph.to_graph(f)
    assert int(g(tfshim.constant(3))) == int(tf_ref.autograph.to_graph(f)(tf_ref.constant(3)))
    assert int(g(-3)) == -3


def test_do_not_convert(tf_ref):
    @tfshim.autograph.experimental.do_not_convert
    def helper(x):
        return x + 1

    @tfshim.function
    def f(x):
        return helper(x)

    assert int(f(tfshim.constant(1))) == 2
    from tfshim._src.autograph.conversion import convert

    assert convert(helper) is helper


def test_no_source_falls_back_with_warning(caplog):
    ns: dict = {}
    exec("import tfshim as tf\n@tf.function\ndef g(x):\n    return x * 2\n", ns)  # noqa: S102 - no source file
    with caplog.at_level(logging.WARNING, logger="tfshim"):
        assert int(ns["g"](tfshim.constant(2))) == 4
    assert "could not transform" in caplog.text


def test_error_line_points_at_user_code():
    @tfshim.function
    def f(x):
        if x > 0:
            y = x + "a"  # the failing line
        else:
            y = x
        return y

    import traceback

    with pytest.raises(Exception) as ei:
        f(tfshim.constant(1))
    frames = [fr for fr in traceback.extract_tb(ei.value.__traceback__) if fr.filename == __file__]
    assert any("the failing line" in (fr.line or "") for fr in frames), frames


def test_python_list_append_in_tensor_loop(tf_ref):
    @tfshim.function
    def f(n):
        out = []
        for i in tfshim.range(n):
            out.append(i)
        return out

    with pytest.raises(Exception) as ei:
        f(tfshim.constant(3))
    assert "TensorArray" in str(ei.value)


def _epoch_program(tf, X, Y):
    model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(2)])
    model.build((None, X.shape[1]))
    rng = np.random.default_rng(3)
    model.set_weights([rng.standard_normal(w.shape).astype(np.float32) * 0.1 for w in model.weights])
    opt = tf.keras.optimizers.SGD(0.1)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(32)  # 200 = 6 * 32 + 8: a smaller last batch
    seen = []

    @tf.function
    def epoch(ds):
        seen.append(tf.executing_eagerly())
        total = tf.constant(0.0)
        n = tf.constant(0)
        for x, y in ds:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables))
            total += loss
            n += 1
        return total / tf.cast(n, tf.float32), n

    losses = [epoch(ds) for _ in range(3)]
    return losses, [w.numpy() for w in model.weights], epoch.experimental_get_tracing_count(), seen


def test_training_epoch_as_one_dataset_loop(tf_ref, caplog):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 6)).astype(np.float32)
    Y = (X[:, :2].sum(1) > 0).astype(np.int64)
    ref = _epoch_program(tf_ref, X, Y)
    with caplog.at_level(logging.WARNING, logger="tfshim"):
        got = _epoch_program(tfshim, X, Y)
    assert "eagerly" not in caplog.text
    assert_same(ref[0], got[0], "epoch losses", rtol=1e-5, atol=1e-6)
    for a, b in zip(ref[1], got[1]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    assert got[2] == ref[2] == 1
    assert got[3] == [False]


def test_dataset_loop_break_and_reshuffle(tf_ref):
    out = []
    for tf in (tf_ref, tfshim):
        ds = tf.data.Dataset.range(10).map(lambda v: v * 2).batch(3)

        @tf.function
        def f(ds, limit):
            s = tf.constant(0, tf.int64)
            for b in ds:
                if tf.reduce_sum(b) > limit:
                    break
                s += tf.reduce_sum(b)
            return s

        out.append([f(ds, tf.constant(20, tf.int64)), f(ds, tf.constant(1000, tf.int64))])
    assert_same(out[0], out[1])


def _conv_epoch(tf, X, Y):
    model = tf.keras.Sequential([tf.keras.layers.Conv2D(4, 3, activation="relu"), tf.keras.layers.MaxPooling2D(),
                                 tf.keras.layers.Flatten(), tf.keras.layers.Dense(3)])
    model.build((None,) + X.shape[1:])
    rng = np.random.default_rng(5)
    model.set_weights([rng.standard_normal(w.shape).astype(np.float32) * 0.2 for w in model.weights])
    opt = tf.keras.optimizers.SGD(0.05)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(8)

    @tf.function
    def epoch(ds):
        total = tf.constant(0.0)
        for x, y in ds:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables))
            total += loss
        return total

    return [epoch(ds) for _ in range(2)], [w.numpy() for w in model.weights]


def test_conv_training_loop_matches_tf(tf_ref):
    # Inside staged loops convolutions use the patches-matmul kernel gradient (ops/nn.py loop_conv) and the
    # 2x2 max pool its reshape form: both must give TF's numbers.
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20, 9, 9, 2)).astype(np.float32)
    Y = rng.integers(0, 3, 20).astype(np.int64)
    ref, got = _conv_epoch(tf_ref, X, Y), _conv_epoch(tfshim, X, Y)
    assert_same(ref[0], got[0], "losses", rtol=1e-4, atol=1e-5)
    for a, b in zip(ref[1], got[1]):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)


def test_max_pool_gradient_matches_tf_with_ties(tf_ref):
    x = np.random.default_rng(2).standard_normal((2, 7, 9, 3)).astype(np.float32)
    x[0, :, :4] = 0.0  # tied windows: TF gives the whole gradient to the first maximum
    out = []
    for tf in (tf_ref, tfshim):
        xt = tf.constant(x)
        with tf.GradientTape() as t:
            t.watch(xt)
            y = tf.nn.max_pool2d(xt, 2, 2, "VALID")
            z = tf.keras.layers.MaxPooling2D(2)(xt)
            loss = tf.reduce_sum(y * y) + tf.reduce_sum(z)
        out.append((y, t.gradient(loss, xt)))
    assert_same(out[0], out[1], "max pool")


def test_strategy_run_converted_but_not_keras_steps(tf_ref):
    # TF 2.21 (Keras 3) converts strategy.run's function inside tf.function, but neither a layer's call nor a
    # custom train_step run by fit (library code calls them); tfshim does the same.
    x = np.array([[1.0, -2.0], [0.5, 0.25]], np.float32)
    out = []
    for tf in (tf_ref, tfshim):
        strategy = tf.distribute.get_strategy()

        def step(v):
            if tf.reduce_sum(v) > 0.0:
                v = v + 1.0
            return v

        @tf.function
        def run(v):
            return strategy.run(step, args=(v,))

        out.append((run(tf.constant(x)), run(tf.constant(-x))))
    assert_same(out[0], out[1], "strategy.run")
