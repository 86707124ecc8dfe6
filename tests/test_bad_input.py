"""Bad input gives a clear error (TF's error class where TF has one) and loses nothing.

Covers wrong types to public constructors, wrong-shape/dtype assignments, optimizer updates with
mismatched gradients, failing ops under a tape, a failing step inside ``fit`` and restoring a bad
checkpoint: in every case the state (variables, tape, model weights) is what it was before the
failing call. Errors are never raw JAX exceptions. Strings: string tensors exist (host bytes); ops that
take numbers only raise TF's error class for a string argument.
"""

from __future__ import annotations

import numpy as np
import pytest

import tfshim

_JAX_MODULES = ("jax", "jaxlib")


def _outcome(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - compared by the caller
        return e


def _check_error(e: BaseException, name: str | None = None) -> None:
    assert isinstance(e, Exception), f"expected an exception, got {e!r}"
    mod = type(e).__module__.split(".")[0]
    assert mod not in _JAX_MODULES, f"raw JAX exception leaked: {type(e).__module__}.{type(e).__name__}: {e}"
    if name is not None:
        assert name in str(e), f"message does not name {name!r}: {e}"


# (label, callable on a library, name the tfshim message must contain or None)
_CONSTRUCTORS = [
    ("constant(object())", lambda tf: tf.constant(object()), "tf.constant"),
    ("constant(ragged)", lambda tf: tf.constant([[1, 2], [3]]), "tf.constant"),
    ("constant(deep ragged)", lambda tf: tf.constant([[[1.0]], [[1.0, 2.0]]]), "tf.constant"),
    ("constant(float->int32)", lambda tf: tf.constant([1.0, 2.5], dtype=tf.int32), None),
    ("constant(3.5, int32)", lambda tf: tf.constant(3.5, dtype=tf.int32), None),
    ("convert_to_tensor(object())", lambda tf: tf.convert_to_tensor(object()), "convert_to_tensor"),
    ("Variable(object())", lambda tf: tf.Variable(object()), "Variable"),
    ("Variable(ragged)", lambda tf: tf.Variable([[1], [2, 3]]), "Variable"),
    ("Variable(bad dtype)", lambda tf: tf.Variable(1.0, dtype="notadtype"), None),
    ("ones([2,-1])", lambda tf: tf.ones([2, -1]), None),
    ("reshape size", lambda tf: tf.reshape([1, 2, 3], [2]), None),
    ("add(float, int tensors)", lambda tf: tf.add(tf.constant(1.0), tf.constant(1)), None),
    ("matmul(bad shapes)", lambda tf: tf.matmul(tf.ones((2, 3)), tf.ones((2, 3))), None),
    ("Dense('a')", lambda tf: tf.keras.layers.Dense("a"), None),
    ("Dense(-1)", lambda tf: tf.keras.layers.Dense(-1), None),
]


@pytest.mark.parametrize("label,fn,name", _CONSTRUCTORS, ids=[c[0] for c in _CONSTRUCTORS])
def test_constructor_errors_match_tf(tf_ref, label, fn, name):
    ref, got = _outcome(lambda: fn(tf_ref)), _outcome(lambda: fn(tfshim))
    assert isinstance(ref, Exception), f"{label}: TF accepted it: {ref!r}"
    _check_error(got, name)
    assert type(got).__name__ == type(ref).__name__, f"{label}: TF {type(ref).__name__}: {ref} / tfshim {got!r}"


@pytest.mark.parametrize("fn", [
    lambda tf: tf.constant("a") + 1,
    lambda tf: tf.math.sqrt("x"),
    lambda tf: tf.convert_to_tensor([1, "a"]),
    lambda tf: tf.range("a"),
], ids=["constant-str-add", "sqrt-str", "mixed-list", "range-str"])
def test_strings_give_a_clear_error(fn):
    e = _outcome(lambda: fn(tfshim))
    _check_error(e)
    assert isinstance(e, (tfshim.errors.InvalidArgumentError, ValueError, TypeError)), repr(e)
    assert "tf." in str(e), f"message should name the tf function: {e}"


@pytest.mark.parametrize("how", ["assign-shape", "assign-dtype", "assign-str", "assign_add-shape",
                                 "assign_sub-dtype", "assign-nan-int"])
def test_variable_keeps_value_on_bad_assign(tf_ref, how):
    calls = {
        "assign-shape": lambda tf, v: v.assign([1.0, 2.0]),
        "assign-dtype": lambda tf, v: v.assign(tf.constant([1, 2, 3])),
        "assign-str": lambda tf, v: v.assign("abc"),
        "assign_add-shape": lambda tf, v: v.assign_add([1.0, 2.0]),
        "assign_sub-dtype": lambda tf, v: v.assign_sub(tf.constant([1.0, 2.0, 3.0], tf.float64)),
        "assign-nan-int": lambda tf, v: v.assign(tf.constant([[1.0, 2.0, 3.0]])),
    }
    results = []
    for lib in (tf_ref, tfshim):
        v = lib.Variable([1.0, 2.0, 3.0])
        e = _outcome(lambda: calls[how](lib, v))
        assert isinstance(e, Exception), f"{lib.__name__} accepted {how}"
        np.testing.assert_array_equal(v.numpy(), [1.0, 2.0, 3.0])
        assert v.shape == (3,) and v.dtype == lib.float32
        results.append(e)
    ref, got = results
    _check_error(got)
    assert type(got).__name__ == type(ref).__name__, f"TF {type(ref).__name__}: {ref} / tfshim {got!r}"


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_apply_gradients_mismatched_shapes_changes_nothing(opt_name):
    tf = tfshim
    v = tf.Variable([1.0, 2.0, 3.0])
    w = tf.Variable(np.ones((2, 3), np.float32))
    opt = getattr(tf.keras.optimizers, opt_name)(0.1)
    opt.apply_gradients([(tf.ones(3), v), (tf.ones((2, 3)), w)])  # builds the slots
    # (3,) must not broadcast to (2, 3). TF raises InvalidArgumentError too, but only after having updated `v`:
    # tfshim validates every pair first.
    v0, w0, it0 = v.numpy().copy(), w.numpy().copy(), int(opt.iterations.numpy())
    raise_ = _outcome(lambda: opt.apply_gradients([(tf.ones(3), v), (tf.ones(3), w)]))
    assert isinstance(raise_, tf.errors.InvalidArgumentError), repr(raise_)
    _check_error(raise_, "apply_gradients")
    np.testing.assert_array_equal(v.numpy(), v0)
    np.testing.assert_array_equal(w.numpy(), w0)
    assert int(opt.iterations.numpy()) == it0


def test_apply_gradients_first_call_mismatch_changes_nothing():
    tf = tfshim
    v = tf.Variable([1.0, 2.0, 3.0])
    w = tf.Variable(np.ones((2, 3), np.float32))
    opt = tf.keras.optimizers.SGD(0.1)
    e = _outcome(lambda: opt.apply_gradients([(tf.ones(3), v), (tf.ones((3, 2)), w)]))
    assert isinstance(e, tf.errors.InvalidArgumentError), repr(e)
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(w.numpy(), np.ones((2, 3)))
    opt.apply_gradients([(tf.ones(3), v), (tf.ones((2, 3)), w)])  # still usable
    np.testing.assert_allclose(v.numpy(), [0.9, 1.9, 2.9], rtol=1e-6)


def test_failing_op_inside_tape_keeps_tape_usable(tf_ref):
    outs = []
    for lib in (tf_ref, tfshim):
        x = lib.Variable([1.0, 2.0, 3.0])
        with lib.GradientTape(persistent=True) as tape:
            y = x * x
            e = _outcome(lambda: lib.matmul(lib.ones((2, 3)), lib.ones((2, 3))))
            assert isinstance(e, lib.errors.InvalidArgumentError), repr(e)
            e2 = _outcome(lambda: lib.reshape(y, [7]))
            assert isinstance(e2, lib.errors.InvalidArgumentError), repr(e2)
            z = lib.reduce_sum(y * 2.0)
        outs.append((tape.gradient(z, x).numpy(), tape.gradient(y, x).numpy()))
        del tape
    for r, g in zip(*outs):
        np.testing.assert_allclose(g, r)


def _small_model(tf):
    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3, activation="relu"),
                                 tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.05), loss="mse")
    return model


def _weights(model):
    return [np.array(w.numpy()) for w in model.weights]


def test_fit_callback_raising_mid_epoch_keeps_last_completed_step():
    tf = tfshim
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 4)).astype(np.float32), rng.normal(size=(40, 1)).astype(np.float32)
    model = _small_model(tf)
    seen = []

    class Boom(tf.keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(_weights(self.model))
            if batch == 2:
                raise RuntimeError("boom in callback")

    with pytest.raises(RuntimeError, match="boom"):
        model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[Boom()])
    assert len(seen) == 3
    for a, b in zip(_weights(model), seen[-1]):
        np.testing.assert_array_equal(a, b)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)  # the model still trains afterwards


def test_fit_bad_batch_mid_epoch_keeps_last_completed_step():
    tf = tfshim
    rng = np.random.default_rng(1)
    good = [(rng.normal(size=(8, 4)).astype(np.float32), rng.normal(size=(8, 1)).astype(np.float32))
            for _ in range(3)]
    bad = (rng.normal(size=(8, 5)).astype(np.float32), rng.normal(size=(8, 1)).astype(np.float32))

    def gen():
        yield from good
        yield bad

    model = _small_model(tf)
    model.fit(*good[0], batch_size=8, epochs=1, verbose=0)  # build + compile the step
    seen = []

    class Keep(tf.keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(_weights(self.model))

    e = _outcome(lambda: model.fit(gen(), epochs=1, verbose=0, callbacks=[Keep()]))
    assert isinstance(e, Exception), "a batch with 5 features must fail on a model built for 4"
    _check_error(e)
    assert len(seen) == 3
    for a, b in zip(_weights(model), seen[-1]):
        np.testing.assert_array_equal(a, b)


def test_restore_bad_checkpoint_changes_nothing(tmp_path):
    tf = tfshim
    a, b = tf.Variable([1.0, 2.0, 3.0]), tf.Variable(np.ones((2, 2), np.float32))
    path = tf.train.Checkpoint(a=a, b=b).save(str(tmp_path / "ck"))
    # Same names, `b` has another shape now: the restore must fail and leave `a2` untouched too.
    a2, b2 = tf.Variable([7.0, 8.0, 9.0]), tf.Variable(np.zeros((3, 3), np.float32))
    e = _outcome(lambda: tf.train.Checkpoint(a=a2, b=b2).restore(path))
    assert isinstance(e, Exception), "restoring a (2, 2) value into a (3, 3) variable must fail"
    _check_error(e)
    np.testing.assert_array_equal(a2.numpy(), [7.0, 8.0, 9.0])
    np.testing.assert_array_equal(b2.numpy(), np.zeros((3, 3)))


@pytest.mark.parametrize("damage", ["truncate", "garbage", "missing"])
def test_restore_corrupt_checkpoint_changes_nothing(tmp_path, damage):
    import os

    tf = tfshim
    a = tf.Variable([1.0, 2.0, 3.0])
    path = tf.train.Checkpoint(a=a).save(str(tmp_path / "ck"))
    files = [os.path.join(dp, f) for dp, _, fs in os.walk(tmp_path) for f in fs if f != "checkpoint"]
    for f in files:
        if damage == "missing":
            os.remove(f)
        elif damage == "truncate":
            with open(f, "r+b") as fh:
                fh.truncate(max(0, os.path.getsize(f) // 2))
        else:
            with open(f, "wb") as fh:
                fh.write(b"\x00not a checkpoint\xff" * 7)
    a2 = tf.Variable([7.0, 8.0, 9.0])
    e = _outcome(lambda: tf.train.Checkpoint(a=a2).restore(path))
    assert isinstance(e, Exception), f"restoring a {damage} checkpoint must fail"
    _check_error(e)
    np.testing.assert_array_equal(a2.numpy(), [7.0, 8.0, 9.0])
