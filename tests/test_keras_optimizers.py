"""tf.keras.optimizers against real Keras: 100 steps on identical gradients must give the same weights."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tfshim
import tfshim.keras.optimizers  # noqa: F401  (tfshim.keras may not import it yet)

STEPS = 100


def _grads(seed, shapes, steps=STEPS):
    r = np.random.RandomState(seed)
    return [[(r.randn(*s) * 0.5).astype("f") for s in shapes] for _ in range(steps)]


def _run(lib, make_opt, init, grads):
    vs = [lib.Variable(x) for x in init]
    opt = make_opt(lib)
    for gs in grads:
        opt.apply_gradients(zip([lib.constant(g) for g in gs], vs))
    return vs, opt


CONFIGS = {
    "sgd": lambda k: k.SGD(0.05),
    "sgd_momentum": lambda k: k.SGD(0.05, momentum=0.9),
    "sgd_nesterov": lambda k: k.SGD(0.05, momentum=0.8, nesterov=True),
    "adam": lambda k: k.Adam(0.01),
    "adam_amsgrad": lambda k: k.Adam(0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-3, amsgrad=True),
    "adamw": lambda k: k.AdamW(0.01, weight_decay=0.1),
    "rmsprop": lambda k: k.RMSprop(0.01),
    "rmsprop_centered_momentum": lambda k: k.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": lambda k: k.Adagrad(0.1),
    "adadelta": lambda k: k.Adadelta(1.0),
    "adamax": lambda k: k.Adamax(0.01),
    "nadam": lambda k: k.Nadam(0.01),
    "nadam_betas": lambda k: k.Nadam(0.02, beta_1=0.8, beta_2=0.99, epsilon=1e-4, weight_decay=0.01),
    "ftrl": lambda k: k.Ftrl(0.05),
    "ftrl_regularized": lambda k: k.Ftrl(0.05, learning_rate_power=-0.3, initial_accumulator_value=0.2,
                                         l1_regularization_strength=0.01, l2_regularization_strength=0.02,
                                         l2_shrinkage_regularization_strength=0.03, beta=0.1),
    "lion": lambda k: k.Lion(0.001),
    "lion_wd_clip": lambda k: k.Lion(0.003, beta_1=0.8, beta_2=0.95, weight_decay=0.05, clipnorm=0.5),
    "adafactor": lambda k: k.Adafactor(0.01),
    "adafactor_fixed_lr": lambda k: k.Adafactor(0.02, relative_step=False, clip_threshold=0.5, beta_2_decay=-0.5),
    "adam_clipnorm": lambda k: k.Adam(0.01, clipnorm=0.5),
    "sgd_clipvalue": lambda k: k.SGD(0.05, clipvalue=0.3),
    "sgd_global_clipnorm": lambda k: k.SGD(0.05, momentum=0.5, global_clipnorm=0.7),
    "sgd_weight_decay": lambda k: k.SGD(0.05, weight_decay=0.01),
    "adam_exp_decay": lambda k: k.Adam(k.schedules.ExponentialDecay(0.02, decay_steps=10, decay_rate=0.9)),
    "sgd_piecewise": lambda k: k.SGD(k.schedules.PiecewiseConstantDecay([20, 60], [0.1, 0.05, 0.01]), momentum=0.9),
    "rmsprop_cosine": lambda k: k.RMSprop(k.schedules.CosineDecay(0.01, decay_steps=80, alpha=0.1)),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_100_steps_match_keras(name, tf_ref):
    shapes = [(3, 4), (4,)]
    r = np.random.RandomState(7)
    init = [r.randn(*s).astype("f") for s in shapes]
    grads = _grads(11, shapes)
    ref_vars, ref_opt = _run(tf_ref, lambda lib: CONFIGS[name](lib.keras.optimizers), init, grads)
    got_vars, got_opt = _run(tfshim, lambda lib: CONFIGS[name](lib.keras.optimizers), init, grads)
    for rv, gv in zip(ref_vars, got_vars):
        np.testing.assert_allclose(gv.numpy(), rv.numpy(), rtol=2e-5, atol=2e-6, err_msg=name)
    assert int(got_opt.iterations.numpy()) == int(ref_opt.iterations.numpy()) == STEPS
    assert got_opt.iterations.dtype.name == "int64"
    # the same state variables, in Keras' order, with the same values
    ref_state = [np.asarray(v) for v in ref_opt.variables]
    got_state = [np.asarray(v) for v in got_opt.variables]
    assert len(got_state) == len(ref_state), [v.name for v in got_opt.variables]
    assert [v.name.split(":")[0] for v in got_opt.variables] == [v.name.split(":")[0] for v in ref_opt.variables]
    assert [np.dtype(v.dtype.name) for v in got_opt.variables] == [np.dtype(v.dtype) for v in ref_opt.variables]
    for rs, gs in zip(ref_state, got_state):
        np.testing.assert_allclose(gs, rs, rtol=2e-5, atol=2e-6, err_msg=name)


def test_schedules_match_keras(tf_ref):
    steps = np.array([0, 1, 5, 10, 33, 99, 150], "int64")
    ks, ts = tf_ref.keras.optimizers.schedules, tfshim.keras.optimizers.schedules
    for make in [
        lambda m: m.ExponentialDecay(0.1, 10, 0.5),
        lambda m: m.ExponentialDecay(0.1, 10, 0.5, staircase=True),
        lambda m: m.PiecewiseConstantDecay([10, 50], [1.0, 0.5, 0.1]),
        lambda m: m.CosineDecay(0.1, 100),
        lambda m: m.CosineDecay(0.0, 100, alpha=0.1, warmup_target=0.2, warmup_steps=10),
        lambda m: m.InverseTimeDecay(0.1, 10, 0.5),
        lambda m: m.PolynomialDecay(0.1, 100, end_learning_rate=0.01, power=2.0),
        lambda m: m.CosineDecayRestarts(0.1, 20),
    ]:
        rs, gs = make(ks), make(ts)
        for s in steps:
            r, g = rs(s), gs(s)
            assert g.dtype.name == r.dtype.name
            np.testing.assert_allclose(np.asarray(g), np.asarray(r), rtol=1e-5, atol=1e-7, err_msg=type(gs).__name__)
        assert gs.get_config() == rs.get_config()


def test_state_api_matches_keras(tf_ref):
    for lib in (tf_ref, tfshim):
        opt = lib.keras.optimizers.Adam(0.01)
        v = lib.Variable(np.ones((2, 3), "f"), name="w")
        assert hasattr(opt.learning_rate, "assign")
        opt.learning_rate = 0.5
        np.testing.assert_allclose(float(opt.learning_rate), 0.5)
        assert not opt.built
        opt.apply_gradients([(lib.ones((2, 3)), v)])
        assert opt.built
        assert [x.name.split(":")[0] for x in opt.variables] == ["iteration", "learning_rate", "w_0_momentum",
                                                                 "w_0_velocity"], [x.name for x in opt.variables]
        cfg = opt.get_config()
        assert cfg["learning_rate"] == 0.5 and cfg["beta_1"] == 0.9 and cfg["epsilon"] == 1e-7
    opt = tfshim.keras.optimizers.SGD(tfshim.keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError):
        opt.learning_rate = 0.1
    assert [type(v).__name__ for v in opt.variables] == ["Variable"]


def test_none_gradients_warn_and_unknown_variables_raise(tf_ref):
    for lib in (tf_ref, tfshim):
        opt = lib.keras.optimizers.SGD(0.1)
        a, b = lib.Variable(1.0), lib.Variable(2.0)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            opt.apply_gradients([(lib.constant(1.0), a), (None, b)])
        assert any("Gradients do not exist for variables" in str(x.message) for x in w)
        assert float(b.numpy()) == 2.0 and abs(float(a.numpy()) - 0.9) < 1e-7
        with pytest.raises(ValueError, match="No gradients provided"):
            opt.apply_gradients([(None, a)])
        with pytest.raises(ValueError, match="Unknown variable"):
            opt.apply_gradients([(lib.constant(1.0), lib.Variable(3.0))])
        with pytest.raises(ValueError):
            lib.keras.optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


def test_minimize_and_guide_loop():
    # Keras 2's minimize (kept as an extension) with a callable loss and the tape form
    w = tfshim.Variable(5.0)
    opt = tfshim.keras.optimizers.SGD(0.1)
    for _ in range(3):
        opt.minimize(lambda: (w - 2.0) ** 2, [w])
    np.testing.assert_allclose(w.numpy(), 2.0 + 3.0 * 0.8**3, rtol=1e-6)
    with tfshim.GradientTape() as tape:
        loss = (w - 2.0) ** 2
    opt.minimize(loss, [w], tape=tape)
    np.testing.assert_allclose(w.numpy(), 2.0 + 3.0 * 0.8**4, rtol=1e-6)


def test_update_is_one_compiled_call():
    # the whole apply_gradients is one jitted function, compiled once per set of shapes
    opt = tfshim.keras.optimizers.Adam(0.01)
    vs = [tfshim.Variable(np.zeros(s, "f")) for s in [(5, 5), (5,), (3,)]]
    for _ in range(5):
        opt.apply_gradients(zip([tfshim.ones(v.shape) for v in vs], vs))
    assert opt._jit_apply._cache_size() == 1


def test_optax_adapter():
    import optax

    w = tfshim.Variable(np.array([3.0, -2.0], "f"))
    opt = tfshim.keras.optimizers.OptaxOptimizer(optax.adam(0.1))
    for _ in range(200):
        with tfshim.GradientTape() as tape:
            loss = tfshim.reduce_sum(w * w)
        opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    assert np.abs(w.numpy()).max() < 0.05
    assert int(opt.iterations.numpy()) == 200 and len(opt.variables) > 2
