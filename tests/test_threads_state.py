"""Per-thread state, as TF: each test runs one threaded program on real TF and on tfshim and compares.

Name scopes, Keras layer scopes and automatic names, the Keras call context (``training``), the random
key stream and tf.function tracing are per thread; ``assign_add`` is atomic; a tf.data iterator shared
by two threads hands each element to exactly one of them; a dropped prefetch iterator stops its thread.
"""

from __future__ import annotations

import gc
import threading
import time
from typing import Any, Callable

import numpy as np
import pytest

import tfshim

_WAIT = 30  # seconds any thread waits for another before the test fails (never reached when it passes)


def _run_threads(targets: list[Callable[[], Any]], timeout: float = 120) -> list:
    """Run the callables in threads at once; their results in order; the first exception re-raised."""
    results: list = [None] * len(targets)
    errors: list = []

    def wrap(i: int, fn: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            try:
                results[i] = fn()
            except BaseException as e:  # noqa: BLE001 - re-raised in the main thread
                errors.append(e)

        return run

    threads = [threading.Thread(target=wrap(i, fn)) for i, fn in enumerate(targets)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results


def _both(tf_ref: Any, program: Callable[[Any], Any]) -> Any:
    """``program`` run on real TF and on tfshim: the same result; that result."""
    ref, got = program(tf_ref), program(tfshim)
    assert got == ref, f"TF: {ref}\ntfshim: {got}"
    return got


# -- 1. tf.name_scope, Keras layer scopes and automatic names are per thread ---------------------------------
def _name_scope_program(tf: Any) -> dict:
    inside, made = threading.Event(), threading.Event()
    out: dict = {}

    def holder() -> None:
        with tf.name_scope("outer"):
            out["holder"] = tf.Variable(1.0).name
            inside.set()
            assert made.wait(_WAIT)  # the scope stays open while the other thread creates its variables
            out["holder_after"] = tf.Variable(1.0).name

    def other() -> None:
        assert inside.wait(_WAIT)
        out["other"] = tf.Variable(2.0).name
        with tf.name_scope("inner"):
            out["other_inner"] = tf.Variable(3.0).name
        made.set()

    _run_threads([holder, other])
    return out


def test_name_scope_does_not_rename_other_threads_variables(tf_ref):
    out = _both(tf_ref, _name_scope_program)
    assert out == {"holder": "outer/Variable:0", "holder_after": "outer/Variable:0", "other": "Variable:0",
                   "other_inner": "inner/Variable:0"}


def _layer_scope_program(tf: Any) -> dict:
    building, made = threading.Event(), threading.Event()
    out: dict = {}

    class Outer(tf.keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(1,), name="w")
            building.set()
            assert made.wait(_WAIT)  # Outer's scope is open in this thread while the other builds a Dense

        def call(self, x):
            return x * self.w

    def holder() -> None:
        layer = Outer(name="outer")
        layer(np.ones((2, 1), np.float32))
        out["holder"] = [w.path for w in layer.weights]

    def other() -> None:
        assert building.wait(_WAIT)
        dense = tf.keras.layers.Dense(2, name="dense_b")
        dense.build((None, 3))
        out["other"] = [w.path for w in dense.weights]
        made.set()

    _run_threads([holder, other])
    return out


def test_keras_layer_scope_is_per_thread(tf_ref):
    out = _both(tf_ref, _layer_scope_program)
    assert out == {"holder": ["outer/w"], "other": ["dense_b/kernel", "dense_b/bias"]}


def _auto_names_program(tf: Any) -> dict:
    out = {"main_first": tf.keras.backend.get_uid("threads_state_probe")}

    def other() -> list:
        return [tf.keras.backend.get_uid("threads_state_probe"), tf.keras.layers.Dense(1).name,
                tf.keras.layers.Dense(1).name, tf.keras.optimizers.Adam().name]

    out["thread"] = _run_threads([other])[0]
    out["main_next"] = tf.keras.backend.get_uid("threads_state_probe")
    return out


def test_keras_automatic_names_are_per_thread(tf_ref):
    # Keras 3 keeps its name counters in thread-local state: a fresh thread starts at ``dense`` again.
    out = _both(tf_ref, _auto_names_program)
    assert out == {"main_first": 1, "thread": [1, "dense", "dense_1", "adam"], "main_next": 2}


# -- 2. the Keras call context (training flag) is per thread -----------------------------------------------
def _training_program(tf: Any) -> dict:
    entered, done = threading.Event(), threading.Event()
    layers = tf.keras.layers

    class Waiter(layers.Layer):
        def call(self, x, training=None):
            if training:  # not while Sequential builds symbolically
                entered.set()
                assert done.wait(_WAIT)  # this thread's call context (training=True) stays open meanwhile
            return x

    rng = np.random.default_rng(0)
    x = (rng.normal(size=(16, 64)) + 3.0).astype(np.float32)
    holder_model = tf.keras.Sequential([tf.keras.Input((64,)), Waiter(), layers.Dropout(0.5)])
    dropout = tf.keras.Sequential([tf.keras.Input((64,)), layers.Dropout(0.5)])
    bn_layer = layers.BatchNormalization()
    bn = tf.keras.Sequential([tf.keras.Input((64,)), bn_layer])

    def holder() -> dict:
        y = np.asarray(holder_model(x, training=True))
        return {"holder_dropped_some": bool((y == 0).mean() > 0.2)}

    def other() -> dict:
        assert entered.wait(_WAIT)
        try:
            d = np.asarray(dropout(x))  # no training argument: inference, whatever another thread does
            b = np.asarray(bn(x))
            return {"dropout_is_identity": bool(np.array_equal(d, x)),
                    "bn_uses_moving_stats": bool(np.allclose(b, x / np.sqrt(1.0 + 1e-3), rtol=1e-5)),
                    "bn_stats_unchanged": bool(np.all(np.asarray(bn_layer.moving_mean) == 0))}
        finally:
            done.set()

    a, b = _run_threads([holder, other])
    return {**a, **b}


def test_training_flag_does_not_leak_to_other_threads(tf_ref):
    out = _both(tf_ref, _training_program)
    assert all(out.values()), out


# -- 3. random ops while another thread traces its first fit step -------------------------------------------
def _random_during_fit_program(tf: Any) -> dict:
    tf.keras.utils.set_random_seed(3)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    y = (x.sum(axis=1, keepdims=True) * 0.5).astype(np.float32)
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(16, activation="relu"),
                                 tf.keras.layers.Dropout(0.3), tf.keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    drawing, fitted = threading.Event(), threading.Event()

    def fitter() -> dict:
        assert drawing.wait(_WAIT)
        try:
            hist = model.fit(x, y, epochs=3, batch_size=16, verbose=0).history["loss"]
        finally:
            fitted.set()
        return {"epochs": len(hist), "loss_finite": bool(np.all(np.isfinite(hist)))}

    def drawer() -> dict:
        values, eager = [], True
        while not fitted.is_set() or len(values) < 20:  # draws during the whole fit, its first trace included
            t = tf.random.normal([3])
            eager = eager and tf.executing_eagerly()
            values.append(t.numpy())  # a tracer (or a value leaked from the step) has no concrete numpy()
            drawing.set()
        ok = all(isinstance(v, np.ndarray) and v.shape == (3,) and v.dtype == np.float32 and np.isfinite(v).all()
                 for v in values)
        distinct = len({v.tobytes() for v in values}) == len(values)
        return {"eager": eager, "values_concrete": ok, "draws_distinct": distinct}

    a, b = _run_threads([fitter, drawer])
    return {**a, **b}


def test_random_ops_while_another_thread_traces_fit(tf_ref):
    out = _both(tf_ref, _random_during_fit_program)
    assert out == {"epochs": 3, "loss_finite": True, "eager": True, "values_concrete": True, "draws_distinct": True}


def _random_from_threads_program(tf: Any, n: int = 4, k: int = 150) -> dict:
    tf.random.set_seed(11)
    barrier = threading.Barrier(n)

    def worker() -> list:
        barrier.wait(_WAIT)
        return [tuple(tf.random.uniform([4]).numpy().tolist()) for _ in range(k)]  # 4 floats: no chance collisions

    draws = [v for vs in _run_threads([worker] * n) for v in vs]
    return {"draws": len(draws), "distinct": len(set(draws))}


def test_random_ops_from_threads_never_repeat_a_draw(tf_ref):
    # Each draw advances the stream atomically: no two threads get the same key (TF locks its generator).
    out = _both(tf_ref, _random_from_threads_program)
    assert out == {"draws": 600, "distinct": 600}


# -- 4. several threads make the first call of one tf.function; several threads fit ------------------------
def _first_call_program(tf: Any, n: int) -> dict:
    c = tf.constant(2.0)  # a captured tensor (concurrent calls reading a Variable: the test below)
    barrier = threading.Barrier(n)

    @tf.function
    def f(x):
        time.sleep(0.05)  # runs only while tracing: the other threads arrive during the trace
        return x * c + 1.0

    def worker(i: int) -> Callable[[], float]:
        def run() -> float:
            barrier.wait(_WAIT)
            return float(f(tf.constant(float(i))))

        return run

    results = _run_threads([worker(i) for i in range(n)])
    return {"results": results, "tracing_count": f.experimental_get_tracing_count()}


@pytest.mark.parametrize("n", [4, 8])
def test_concurrent_first_calls_trace_once(tf_ref, n):
    out = _both(tf_ref, lambda tf: _first_call_program(tf, n))
    assert out == {"results": [2.0 * i + 1.0 for i in range(n)], "tracing_count": 1}


def _concurrent_calls_program(tf: Any, n: int = 6, k: int = 100) -> dict:
    v = tf.Variable(2.0)

    @tf.function
    def f(x):
        return x * v + 1.0

    f(tf.constant(0.0))
    barrier = threading.Barrier(n)

    def worker(i: int) -> Callable[[], bool]:
        def run() -> bool:
            barrier.wait(_WAIT)
            return all(float(f(tf.constant(float(i)))) == 2.0 * i + 1.0 for _ in range(k))

        return run

    return {"all_correct": all(_run_threads([worker(i) for i in range(n)])), "value": float(v.numpy()),
            "tracing_count": f.experimental_get_tracing_count()}


def test_concurrent_calls_of_one_function_reading_a_variable(tf_ref):
    out = _both(tf_ref, _concurrent_calls_program)
    assert out == {"all_correct": True, "value": 2.0, "tracing_count": 1}


def _fit_in_threads_program(tf: Any, n: int = 3) -> list:
    barrier = threading.Barrier(n)

    def job(i: int) -> Callable[[], dict]:
        def run() -> dict:
            rng = np.random.default_rng(10 + i)
            x = rng.normal(size=(64, 3)).astype(np.float32)
            y = (x @ rng.normal(size=(3, 1)) + 1.0).astype(np.float32)
            model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
            model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
            before = [np.array(w) for w in model.get_weights()]
            barrier.wait(_WAIT)  # every thread traces its first train step at the same time
            hist = model.fit(x, y, epochs=4, batch_size=16, verbose=0).history["loss"]
            changed = all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
            return {"epochs": len(hist), "loss_decreased": bool(hist[-1] < hist[0]), "weights_changed": changed}

        return run

    return _run_threads([job(i) for i in range(n)])


def test_fit_in_several_threads_on_separate_models(tf_ref):
    out = _both(tf_ref, _fit_in_threads_program)
    assert out == [{"epochs": 4, "loss_decreased": True, "weights_changed": True}] * 3


# -- 5. assign_add / assign_sub from many threads lose no update -----------------------------------------------
def _assign_program(tf: Any, n: int = 8, k: int = 200) -> dict:
    up, down = tf.Variable(0.0), tf.Variable(0.0)
    barrier = threading.Barrier(n)

    def worker() -> None:
        barrier.wait(_WAIT)
        for _ in range(k):
            up.assign_add(1.0)
            down.assign_sub(1.0)

    _run_threads([worker] * n)
    return {"assign_add": float(up.numpy()), "assign_sub": float(down.numpy())}


def test_assign_add_from_threads_loses_no_update(tf_ref):
    out = _both(tf_ref, _assign_program)
    assert out == {"assign_add": 1600.0, "assign_sub": -1600.0}


# -- 6. an iterator shared by two threads hands each element to exactly one -----------------------------------
def _slow_generator() -> Any:
    for i in range(60):
        time.sleep(0.001)  # both threads are inside the pipeline at once
        yield i


_PIPELINES = {
    "range": lambda tf: tf.data.Dataset.range(1000),
    "map_batch_shuffle": lambda tf: tf.data.Dataset.range(300).shuffle(64, seed=5).map(lambda x: x * 2).batch(7),
    "generator": lambda tf: tf.data.Dataset.from_generator(
        _slow_generator, output_signature=tf.TensorSpec((), tf.int64)),
    "generator_prefetch": lambda tf: tf.data.Dataset.from_generator(
        _slow_generator, output_signature=tf.TensorSpec((), tf.int64)).map(lambda x: x + 1).prefetch(3),
}


def _shared_iterator_program(tf: Any, make: Callable[[Any], Any]) -> dict:
    it = iter(make(tf))
    barrier = threading.Barrier(2)

    def consumer() -> list:
        got = []
        barrier.wait(_WAIT)
        while True:
            try:
                got.append(np.asarray(next(it)))
            except StopIteration:
                return got

    a, b = _run_threads([consumer, consumer])
    elements = a + b
    return {"elements": len(elements), "values": sorted(np.concatenate([e.reshape(-1) for e in elements]).tolist()),
            "sizes": sorted(e.size for e in elements)}


@pytest.mark.parametrize("name", sorted(_PIPELINES))
def test_iterator_shared_by_two_threads(tf_ref, name):
    make = _PIPELINES[name]
    out = _both(tf_ref, lambda tf: _shared_iterator_program(tf, make))
    whole = [np.asarray(e) for e in make(tfshim)]  # one thread's pass: what the two threads must share
    assert out["elements"] == len(whole)
    assert out["values"] == sorted(np.concatenate([e.reshape(-1) for e in whole]).tolist())


# -- 7. a prefetch iterator dropped before its end stops its thread ----------------------------------------------
def _dropped_prefetch_program(tf: Any) -> dict:
    def settle(expected: int, limit: float = 5.0) -> int:
        deadline = time.monotonic() + limit
        while threading.active_count() > expected and time.monotonic() < deadline:
            gc.collect()
            time.sleep(0.02)
        return threading.active_count()

    list(tf.data.Dataset.range(4).prefetch(2))  # warm-up: whatever one-off threads the library starts
    baseline = settle(threading.active_count(), 0.5)
    pipelines = [
        lambda: tf.data.Dataset.range(10**9).prefetch(2),  # never exhausted
        lambda: tf.data.Dataset.range(1000).repeat().batch(4).prefetch(1),
        lambda: tf.data.Dataset.range(10**6).prefetch(2).map(lambda x: x + 1).prefetch(2),  # nested prefetch
        lambda: tf.data.Dataset.range(10**6).map(lambda x: x * 3, num_parallel_calls=2).prefetch(2),
    ]
    for i in range(20):
        it = iter(pipelines[i % len(pipelines)]())
        for _ in range(i % 3):  # unstarted, started and advanced iterators
            next(it)
        del it
    gc.collect()
    after = settle(baseline)
    return {"threads_back_to_baseline": after <= baseline}


def test_dropped_prefetch_iterators_stop_their_threads(tf_ref):
    out = _both(tf_ref, _dropped_prefetch_program)
    names = sorted(t.name for t in threading.enumerate() if t.name.startswith("tfshim-data"))
    assert out == {"threads_back_to_baseline": True}, f"prefetch threads still alive: {names}"
