"""tf.keras.mixed_precision (policies, autocast, LossScaleOptimizer) and tf.keras.constraints against real Keras."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim


@pytest.fixture(autouse=True)
def _reset_policy(tf_ref):
    yield
    # clear_session unsets the global policy (set_global_policy("float32") would pin it against set_floatx)
    tfshim.keras.backend.clear_session()
    tf_ref.keras.backend.clear_session()


def test_policy_objects_and_errors(tf_ref):
    for name in ("mixed_float16", "mixed_bfloat16", "float32", "float16", "float64"):
        got, ref = tfshim.keras.mixed_precision.Policy(name), tf_ref.keras.mixed_precision.Policy(name)
        assert (got.name, got.compute_dtype, got.variable_dtype) == (ref.name, ref.compute_dtype, ref.variable_dtype)
        assert repr(got) == repr(ref) and got.get_config() == ref.get_config()
    for bad, err in (("mixed_int8", ValueError), ("bogus", ValueError), (3, TypeError)):
        with pytest.raises(err):
            tf_ref.keras.mixed_precision.Policy(bad)
        with pytest.raises(err):
            tfshim.keras.mixed_precision.Policy(bad)
    with pytest.raises(ValueError):
        tfshim.keras.mixed_precision.set_global_policy("bogus")
    assert repr(tfshim.keras.mixed_precision.global_policy()) == '<DTypePolicy "float32">'
    tfshim.keras.mixed_precision.set_global_policy(tfshim.keras.mixed_precision.Policy("mixed_float16"))
    assert tfshim.keras.mixed_precision.dtype_policy().name == "mixed_float16"


def _guide_model(lib, policy):
    """The TF mixed-precision guide's model: Dense layers under the global policy, a float32 softmax."""
    lib.keras.mixed_precision.set_global_policy(policy)
    inputs = lib.keras.Input(shape=(6,))
    d1 = lib.keras.layers.Dense(8, activation="relu", name="dense_1")
    x = d1(inputs)
    x = lib.keras.layers.Dense(3, name="dense_logits")(x)
    outputs = lib.keras.layers.Activation("softmax", dtype="float32", name="predictions")(x)
    return lib.keras.Model(inputs, outputs), d1, x, outputs


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_layers_compute_in_low_precision_with_float32_variables(tf_ref, policy):
    ref_model, ref_d1, ref_x, ref_out = _guide_model(tf_ref, policy)
    got_model, got_d1, got_x, got_out = _guide_model(tfshim, policy)
    low = policy.replace("mixed_", "")
    assert got_d1.dtype_policy.name == ref_d1.dtype_policy.name == policy
    assert got_d1.compute_dtype == ref_d1.compute_dtype == low
    assert got_d1.dtype == ref_d1.dtype == "float32"
    assert got_d1.kernel.dtype.name == "float32"
    assert got_x.dtype == ref_x.dtype == low  # symbolic outputs of the Dense layers
    assert got_out.dtype == ref_out.dtype == "float32"
    assert got_d1.get_config()["dtype"] == ref_d1.get_config()["dtype"]
    got_model.set_weights(ref_model.get_weights())
    xs = np.random.RandomState(0).randn(5, 6).astype("f")
    ref_h, got_h = ref_d1(xs), got_d1(xs)
    assert got_h.dtype.name == ref_h.dtype.name == low
    # Really computed in low precision: the same rounding as TF's half-precision kernel, not float32's.
    tol = 1e-2 if low == "float16" else 5e-2
    np.testing.assert_allclose(np.asarray(got_h, "f"), np.asarray(ref_h, "f"), rtol=tol, atol=tol)
    f32 = np.maximum(xs @ ref_model.get_weights()[0] + ref_model.get_weights()[1], 0)
    assert not np.array_equal(np.asarray(got_h, "f"), f32.astype("f"))
    got_y, ref_y = got_model(xs), ref_model(xs)
    assert got_y.dtype.name == "float32"
    np.testing.assert_allclose(got_y.numpy(), ref_y.numpy(), atol=tol)


def test_fit_mixed_float16_wraps_loss_scale_optimizer(tf_ref):
    ref_model, *_ = _guide_model(tf_ref, "mixed_float16")
    got_model, *_ = _guide_model(tfshim, "mixed_float16")
    got_model.set_weights(ref_model.get_weights())
    r = np.random.RandomState(1)
    x, y = r.randn(64, 6).astype("f"), r.randint(0, 3, 64)
    hist = {}
    for lib, m in (("ref", ref_model), ("got", got_model)):
        mod = tf_ref if lib == "ref" else tfshim
        m.compile(loss="sparse_categorical_crossentropy", optimizer=mod.keras.optimizers.SGD(0.1),
                  metrics=["accuracy"])
        assert type(m.optimizer).__name__ == "LossScaleOptimizer" and m.optimizer.name == "loss_scale_optimizer"
        hist[lib] = m.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False).history
    np.testing.assert_allclose(hist["got"]["loss"], hist["ref"]["loss"], rtol=2e-2)
    for rw, gw in zip(ref_model.get_weights(), got_model.get_weights()):
        assert gw.dtype == np.float32
        np.testing.assert_allclose(gw, rw, atol=2e-2)
    ref_state = {v.path.split("/")[-1]: np.asarray(v) for v in ref_model.optimizer.variables}
    got_state = {v.path.split("/")[-1]: np.asarray(v) for v in got_model.optimizer.variables}
    for k in ("step_counter", "dynamic_scale", "iteration"):
        assert got_state[k] == ref_state[k], k
    assert len(got_model.optimizer.variables) == len(ref_model.optimizer.variables)
    # mixed_bfloat16 does not scale the loss; auto_scale_loss=False does not either.
    for lib in (tf_ref, tfshim):
        m, *_ = _guide_model(lib, "mixed_bfloat16")
        m.compile(loss="mse", optimizer="sgd")
        assert type(m.optimizer).__name__ == "SGD"
        m, *_ = _guide_model(lib, "mixed_float16")
        m.compile(loss="mse", optimizer="sgd", auto_scale_loss=False)
        assert type(m.optimizer).__name__ == "SGD"


def _lso_run(lib, grads_seq, compiled):
    v = lib.Variable([1.0, -2.0])
    opt = lib.keras.mixed_precision.LossScaleOptimizer(lib.keras.optimizers.SGD(0.5, momentum=0.5),
                                                       initial_scale=8.0, dynamic_growth_steps=2)

    def step(g):
        opt.apply_gradients([(g, v)])

    if compiled:
        step = lib.function(step)
    out = []
    for g in grads_seq:
        step(lib.constant(g))
        out.append((v.numpy().copy(), float(opt.dynamic_scale.numpy()), int(opt.step_counter.numpy()),
                    int(opt.iterations.numpy())))
    return out, opt


@pytest.mark.parametrize("compiled", [False, True])
def test_loss_scale_optimizer_skips_and_rescales_as_keras(tf_ref, compiled):
    inf, nan = float("inf"), float("nan")
    seq = [[8.0, 16.0], [inf, 1.0], [4.0, 4.0], [8.0, 8.0], [8.0, nan], [2.0, 2.0], [2.0, 2.0], [1.0, 1.0]]
    ref, ref_opt = _lso_run(tf_ref, seq, compiled)
    got, got_opt = _lso_run(tfshim, seq, compiled)
    for (rv, rs, rc, ri), (gv, gs, gc, gi) in zip(ref, got):
        np.testing.assert_allclose(gv, rv, rtol=1e-6)
        assert (gs, gc, gi) == (rs, rc, ri)
    assert float(tfshim.convert_to_tensor(got_opt.scale_loss(2.0))) == float(ref_opt.scale_loss(2.0))
    assert float(got_opt.learning_rate) == float(ref_opt.learning_rate) == 0.5
    assert [v.path.split("/")[-1] for v in got_opt.variables] == [v.path.split("/")[-1] for v in ref_opt.variables]
    cfg = got_opt.get_config()
    assert cfg["initial_scale"] == 8.0 and cfg["dynamic_growth_steps"] == 2
    with pytest.raises(ValueError):
        tfshim.keras.mixed_precision.LossScaleOptimizer(tfshim.keras.optimizers.SGD(), dynamic=False)
    with pytest.raises(ValueError):
        tfshim.keras.mixed_precision.LossScaleOptimizer(tfshim.keras.optimizers.SGD(), clipnorm=1.0)


def test_custom_loop_with_scale_loss(tf_ref):
    """The guide's custom training step (Keras 3 form: scale_loss, then apply_gradients unscales)."""
    results = {}
    for lib in (tf_ref, tfshim):
        model, *_ = _guide_model(lib, "mixed_float16")
        if lib is tfshim:
            model.set_weights(results["w0"])
        else:
            results["w0"] = model.get_weights()
        opt = lib.keras.mixed_precision.LossScaleOptimizer(lib.keras.optimizers.SGD(0.1))
        loss_obj = lib.keras.losses.SparseCategoricalCrossentropy()
        r = np.random.RandomState(3)
        x, y = r.randn(16, 6).astype("f"), r.randint(0, 3, 16)

        @lib.function
        def train_step(x, y):
            with lib.GradientTape() as tape:
                loss = loss_obj(y, model(x))
                scaled = opt.scale_loss(loss)
            grads = tape.gradient(scaled, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables))
            return loss

        losses = [float(train_step(x, y)) for _ in range(3)]
        results[lib.__name__] = (losses, model.get_weights())
    (rl, rw), (gl, gw) = results["tensorflow"], results["tfshim"]
    np.testing.assert_allclose(gl, rl, rtol=2e-2)
    for a, b in zip(gw, rw):
        np.testing.assert_allclose(a, b, atol=2e-2)


# -- constraints ------------------------------------------------------------------------------------------------
CONSTRAINTS = {
    "max_norm": lambda c: c.MaxNorm(1.5),
    "max_norm_axis1": lambda c: c.MaxNorm(max_value=0.7, axis=1),
    "non_neg": lambda c: c.NonNeg(),
    "unit_norm": lambda c: c.UnitNorm(),
    "unit_norm_axes": lambda c: c.UnitNorm(axis=[0, 1]),
    "min_max_norm": lambda c: c.MinMaxNorm(0.5, 1.0, rate=0.7, axis=0),
    "alias_max_norm": lambda c: c.get("max_norm"),
    "alias_class_name": lambda c: c.get("UnitNorm"),
}


@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
def test_constraints_match_keras(tf_ref, name):
    w = np.random.RandomState(4).randn(4, 3).astype("f") * 2
    ref = CONSTRAINTS[name](tf_ref.keras.constraints)
    got = CONSTRAINTS[name](tfshim.keras.constraints)
    assert type(got).__name__ == type(ref).__name__
    np.testing.assert_allclose(np.asarray(got(tfshim.constant(w))), np.asarray(ref(tf_ref.constant(w))),
                               rtol=1e-6, atol=1e-7)
    assert got.get_config() == ref.get_config()


def test_constraint_applied_after_each_optimizer_step(tf_ref):
    w0 = np.random.RandomState(5).randn(3, 2).astype("f")
    x = np.random.RandomState(6).randn(8, 3).astype("f")
    y = np.random.RandomState(7).randn(8, 2).astype("f")
    out = []
    for lib in (tf_ref, tfshim):
        layer = lib.keras.layers.Dense(2, kernel_constraint="max_norm", bias_constraint=lib.keras.constraints.NonNeg())
        model = lib.keras.Sequential([lib.keras.Input((3,)), layer])
        model.set_weights([w0 * 3, np.array([-0.5, 0.5], "f")])
        model.compile(optimizer=lib.keras.optimizers.SGD(0.1), loss="mse")
        model.fit(x, y, epochs=2, batch_size=4, verbose=0, shuffle=False)
        out.append(model.get_weights())
    for a, b in zip(out[1], out[0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert (out[1][1] >= 0).all() and (np.linalg.norm(out[1][0], axis=0) <= 2 + 1e-5).all()
    with pytest.raises(ValueError):
        tfshim.keras.constraints.get("no_such_constraint")


def test_cast_to_bfloat16_matches_tf(tf_ref):
    """tf.cast to bfloat16 (it failed before: the kernel was keyed by the dtype's ``.str``, '|V2' for bfloat16)."""
    x = np.array([1.0, 1.00390625, -3.14159, 65504.0, 1e-8], "f")
    got, ref = tfshim.cast(tfshim.constant(x), tfshim.bfloat16), tf_ref.cast(tf_ref.constant(x), tf_ref.bfloat16)
    assert got.dtype.name == ref.dtype.name == "bfloat16"
    np.testing.assert_array_equal(np.asarray(got, "f"), np.asarray(ref, "f"))
    back = tfshim.cast(got, "float32")
    np.testing.assert_array_equal(back.numpy(), tf_ref.cast(ref, "float32").numpy())


def test_checkpoint_keys_of_new_optimizers_match_tf(tf_ref, tmp_path):
    """Nadam's u_product and LossScaleOptimizer's counters and inner optimizer are saved under TF's keys, and a
    tfshim checkpoint restores them."""
    for make in (lambda k: k.optimizers.Nadam(0.01),
                 lambda k: k.mixed_precision.LossScaleOptimizer(k.optimizers.Adam(0.01), initial_scale=4.0)):
        keys = {}
        for lib in (tf_ref, tfshim):
            v = lib.Variable([1.0, 2.0])
            opt = make(lib.keras)
            opt.apply_gradients([(lib.constant([1.0, 1.0]), v)])
            path = lib.train.Checkpoint(opt=opt, v=v).write(str(tmp_path / f"{lib.__name__}_{type(opt).__name__}"))
            keys[lib.__name__] = sorted(n for n, _ in lib.train.list_variables(path) if n != "_CHECKPOINTABLE_OBJECT_GRAPH")
            if lib is tfshim:
                saved = [np.asarray(x).copy() for x in opt.variables]
                v2 = tfshim.Variable([0.0, 0.0])
                opt2 = make(tfshim.keras)
                opt2.build([v2])
                tfshim.train.Checkpoint(opt=opt2, v=v2).read(path)
                for a, b in zip(opt2.variables, saved):
                    np.testing.assert_array_equal(np.asarray(a), b)
        assert keys["tfshim"] == keys["tensorflow"]
