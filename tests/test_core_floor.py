"""The core floor's contracts (issue 14): the stateless scope, immutable tensors, donated buffers,
the bounded dispatch cache and Keras' compile arguments, compared with real TF where TF has the
behaviour."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
from tfshim._src.core import dispatch, state
from tfshim._src.core.stateless import LiftVariable, StatelessScope, outside_scopes
from tfshim._src.keras import trainer as trainer_module
from tfshim._src.staging import function as function_module


def test_scope_reads_and_writes_never_touch_the_variable():
    v = tfshim.Variable([1.0, 2.0])
    before = v.array
    with StatelessScope([v], [np.array([5.0, 6.0], np.float32)]) as scope:
        np.testing.assert_array_equal(v.numpy(), [5.0, 6.0])
        v.assign_add([1.0, 1.0])
        np.testing.assert_array_equal(v.read_value().numpy(), [6.0, 7.0])
    assert v.array is before
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(scope.values()[0]), [6.0, 7.0])
    assert scope.changed() == [0]
    assert not state.scopes


def test_lifting_scope_raises_for_unmapped_variables_and_plain_scope_falls_through():
    v, w = tfshim.Variable(1.0), tfshim.Variable(2.0)
    with StatelessScope([v]):
        with pytest.raises(LiftVariable) as e:
            w.read_value()
        assert e.value.var is w
        with pytest.raises(LiftVariable):
            w.assign(3.0)
    with StatelessScope([v], [np.float32(10.0)]):
        with StatelessScope([w], [np.float32(20.0)], lift=False):
            assert float(v + w) == 30.0  # v from the enclosing scope, w from the inner one
    with StatelessScope([], lift=False):
        w.assign(4.0)  # unmapped and no enclosing scope: the variable itself
    assert float(w) == 4.0


def test_scopes_are_per_thread():
    import threading

    v = tfshim.Variable(1.0)
    seen = []
    inside, done = threading.Event(), threading.Event()

    def other() -> None:
        inside.wait(5)
        seen.append(float(v))
        done.set()

    t = threading.Thread(target=other)
    t.start()
    with StatelessScope([v], [np.float32(99.0)]):
        inside.set()
        done.wait(5)
        assert float(v) == 99.0
    t.join()
    assert seen == [1.0]


def test_outside_scopes_hides_tracing_state():
    with StatelessScope([]):
        state.tracing.append(True)
        try:
            with outside_scopes():
                assert not state.scopes and not state.tracing
                tfshim.Variable(1.0)  # creation is allowed here
            assert state.scopes and state.tracing
        finally:
            state.tracing.pop()


def test_tensors_are_immutable():
    t = tfshim.constant([1.0])
    with pytest.raises(AttributeError, match="immutable"):
        t.array = np.zeros(1)
    with pytest.raises(AttributeError):
        t.some_attribute = 1
    np.testing.assert_array_equal(t.numpy(), [1.0])


def _count_copies(monkeypatch: pytest.MonkeyPatch) -> list:
    real = function_module.lend_for_donation
    copies = [0]

    def counting(variables: list) -> list:
        out = real(variables)
        copies[0] += sum(o is not v._value.original for o, v in zip(out, variables))
        return out

    monkeypatch.setattr(function_module, "lend_for_donation", counting)
    monkeypatch.setattr(trainer_module, "lend_for_donation", counting)
    return copies


def test_tf_function_donates_variable_buffers_and_keeps_held_reads(tf_ref, monkeypatch):
    copies = _count_copies(monkeypatch)

    def program(lib):
        w = lib.Variable(lib.ones([4, 4]))

        @lib.function
        def step(x):
            w.assign_add(x)
            return lib.reduce_sum(w)

        outs = [step(lib.ones([4, 4])) for _ in range(3)]
        held = w.read_value()  # a read held across the next step must keep its value
        outs.append(step(lib.ones([4, 4])))
        return [o.numpy() for o in outs] + [held.numpy(), w.numpy()]

    ours, theirs = program(tfshim), program(tf_ref)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    assert copies[0] == 1  # only the buffer the held read shares was copied; every other call donated


def test_fit_donates_and_matches_the_undonated_numbers(monkeypatch):
    copies = _count_copies(monkeypatch)
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 5), np.float32), rng.random((64, 3), np.float32)

    def train(jit: bool) -> list:
        tfshim.keras.utils.set_random_seed(1)
        m = tfshim.keras.Sequential([tfshim.keras.layers.Dense(3, input_shape=(5,))])
        m.compile("adam", "mse", jit_compile=jit)
        h = m.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
        return h.history["loss"] + [w.numpy() for w in m.weights]

    compiled, eager = train(True), train(False)
    assert copies[0] == 0
    for a, b in zip(compiled, eager):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_compile_arguments_are_kept(tf_ref):
    for lib in (tfshim, tf_ref):
        m = lib.keras.Sequential([lib.keras.Input((2,)), lib.keras.layers.Dense(1)])
        m.compile("sgd", "mse", jit_compile=False, steps_per_execution=4, auto_scale_loss=False)
        assert m.jit_compile is False and m.steps_per_execution == 4
        m.compile("sgd", "mse", run_eagerly=True)
        assert m.jit_compile is False and m.run_eagerly is True


def test_dispatch_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(dispatch, "CACHE_SIZE", 64)
    monkeypatch.setattr(dispatch, "_cache", {})

    def scale(x, k):
        return x * k

    for k in range(200):
        dispatch.primitive(scale, k=float(k))
    assert len(dispatch._cache) <= 64
    f = dispatch.primitive(scale, k=3.0)  # evicted entries come back on demand
    assert float(f(np.float32(2.0))) == 6.0
