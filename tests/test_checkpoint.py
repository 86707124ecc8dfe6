"""tf.train.Checkpoint / CheckpointManager / latest_checkpoint / load_checkpoint against real TensorFlow."""

from __future__ import annotations

import os

import numpy as np
import pytest

import tfshim


def _run_both(tf_ref, tmp_path, fn):
    """Run ``fn(lib, directory)`` with TF and with tfshim in separate directories; return both results."""
    a, b = tmp_path / "tf", tmp_path / "shim"
    a.mkdir()
    b.mkdir()
    return fn(tf_ref, str(a)), fn(tfshim, str(b))


def _rel(result, directory):
    """Replace the run's directory in path strings so TF's and tfshim's results compare."""
    if isinstance(result, str):
        return result.replace(directory, "<dir>")
    if isinstance(result, (list, tuple)):
        return type(result)(_rel(r, directory) for r in result)
    return result


def _state_text(path):
    """The text of a ``checkpoint`` state file without tfshim's checksum line (a comment TF's parser skips)."""
    with open(path) as f:
        return "".join(line for line in f if not line.startswith("# tfshim-crc32c: "))


# -- the guide's examples, unchanged -------------------------------------------------------------------
def test_guide_variable_example(tf_ref, tmp_path, monkeypatch):
    def guide(tf):
        x = tf.Variable(10.)
        checkpoint = tf.train.Checkpoint(x=x)
        x.assign(2.)  # Assign a new value to the variables and save.
        checkpoint_path = './ckpt/'
        saved = checkpoint.save(checkpoint_path)
        x.assign(11.)  # Change the variable after saving.
        # Restore values from the checkpoint
        checkpoint.restore(tf.train.latest_checkpoint(checkpoint_path))
        with open("./ckpt/checkpoint") as f:
            state = f.read()
        state = _state_text("./ckpt/checkpoint")
        return saved, float(x.numpy()), tf.train.latest_checkpoint(checkpoint_path), state

    for lib, sub in ((tf_ref, "tf"), (tfshim, "shim")):
        (tmp_path / sub).mkdir()
    monkeypatch.chdir(tmp_path / "tf")
    want = guide(tf_ref)
    monkeypatch.chdir(tmp_path / "shim")
    got = guide(tfshim)
    assert got == want == ("./ckpt/-1", 2.0, "./ckpt/-1", 'model_checkpoint_path: "-1"\nall_model_checkpoint_paths: "-1"\n')


def test_guide_model_optimizer_example(tf_ref, tmp_path, monkeypatch):
    def guide(tf):
        model = tf.keras.Sequential([
            tf.keras.layers.Conv2D(16, [3, 3], activation='relu'),
            tf.keras.layers.GlobalAveragePooling2D(),
            tf.keras.layers.Dense(10),
        ])
        model(np.ones((1, 8, 8, 1), np.float32))
        optimizer = tf.keras.optimizers.Adam(learning_rate=0.001)
        checkpoint_dir = 'path/to/model_dir'
        if not os.path.exists(checkpoint_dir):
            os.makedirs(checkpoint_dir)
        checkpoint_prefix = os.path.join(checkpoint_dir, "ckpt")
        root = tf.train.Checkpoint(optimizer=optimizer, model=model)
        saved = root.save(checkpoint_prefix)
        before = [v.numpy() for v in model.trainable_variables]
        for v in model.trainable_variables:
            v.assign(v * 0)
        status = root.restore(tf.train.latest_checkpoint(checkpoint_dir))
        status.assert_existing_objects_matched()
        same = all(np.array_equal(a, v.numpy()) for a, v in zip(before, model.trainable_variables))
        return saved, tf.train.latest_checkpoint(checkpoint_dir), same

    for sub in ("tf", "shim"):
        (tmp_path / sub).mkdir()
    monkeypatch.chdir(tmp_path / "tf")
    want = guide(tf_ref)
    monkeypatch.chdir(tmp_path / "shim")
    got = guide(tfshim)
    assert got == want == ("path/to/model_dir/ckpt-1", "path/to/model_dir/ckpt-1", True)


# -- keys: the object graph's paths --------------------------------------------------------------------
def _module_tree(tf):
    class M(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(1.0)
            self._priv = tf.Variable(2.0)
            self.lst = [tf.Variable(3.0), {"a": tf.Variable(4.0), "b": [tf.Variable(5.0)]}]
            self.d = {"z": tf.Variable(6.0)}
            self.sub = tf.Module()
            self.sub.v = tf.Variable([1, 2])
            self.t = (tf.Variable(np.zeros((2, 3), np.float64)),)
            self.alias = self.w
            self.not_tracked = 3

    return M()


def test_keys_module_tree_match_tf(tf_ref, tmp_path):
    def fn(tf, d):
        ck = tf.train.Checkpoint(m=_module_tree(tf), x=tf.Variable(3.), l=[tf.Variable(1.)],
                                 inner=tf.train.Checkpoint(a=tf.Variable(7)))
        p = ck.save(os.path.join(d, "ck"))
        r = tf.train.load_checkpoint(p)
        dtypes = {k: v.name for k, v in r.get_variable_to_dtype_map().items()}
        return _rel(p, d), tf.train.list_variables(p), tf.train.list_variables(d), dtypes

    want, got = _run_both(tf_ref, tmp_path, fn)
    assert got == want


def test_keys_sequential_adam_match_tf(tf_ref, tmp_path):
    pytest.importorskip("tfshim._src.keras.optimizers")

    def fn(tf, d):
        model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu"), tf.keras.layers.Dense(2)])
        model.build((None, 3))
        opt = tf.keras.optimizers.Adam(0.1)
        x = np.ones((2, 3), np.float32)
        with tf.GradientTape() as t:
            loss = tf.reduce_sum(model(x))
        grads = t.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        p = tf.train.Checkpoint(model=model, optimizer=opt).save(os.path.join(d, "ckpt"))
        return tf.train.list_variables(p)

    want, got = _run_both(tf_ref, tmp_path, fn)
    assert got == want


def test_reader_matches_tf(tf_ref, tmp_path):
    def fn(tf, d):
        ck = tf.train.Checkpoint(v=tf.Variable([[1.5, 2.0]]), i=tf.Variable(np.int64(7)))
        p = ck.write(os.path.join(d, "w"))
        r = tf.train.load_checkpoint(p)
        v = r.get_tensor("v/.ATTRIBUTES/VARIABLE_VALUE")
        i = r.get_tensor("i/.ATTRIBUTES/VARIABLE_VALUE")
        try:
            r.get_tensor("nope")
            err = None
        except Exception as e:  # noqa: BLE001
            err = type(e).__name__
        return (_rel(p, d), v.tolist(), v.dtype, type(i), i, r.has_tensor("v/.ATTRIBUTES/VARIABLE_VALUE"),
                r.has_tensor("nope"), err, sorted(r.get_variable_to_shape_map().items()))

    want, got = _run_both(tf_ref, tmp_path, fn)
    assert got == want


# -- counters, write/save/read, the state file -----------------------------------------------------------
def test_save_write_counters_and_state_file(tf_ref, tmp_path):
    def fn(tf, d):
        v = tf.Variable(1.)
        ck = tf.train.Checkpoint(v=v)
        out = [ck.save(os.path.join(d, "a", "ckpt")), ck.save(os.path.join(d, "a", "ckpt"))]
        out.append(ck.write(os.path.join(d, "a", "written")))
        out.append(int(ck.save_counter.numpy()))
        out.append(ck.save(os.path.join(d, "b", "other")))
        out.append(_state_text(os.path.join(d, "a", "checkpoint")))
        out.append(tf.train.latest_checkpoint(os.path.join(d, "a")))
        out.append(tf.train.latest_checkpoint(os.path.join(d, "b")))
        out.append(tf.train.latest_checkpoint(os.path.join(d, "missing")))
        st = tf.train.get_checkpoint_state(os.path.join(d, "a"))
        out.append((st.model_checkpoint_path, list(st.all_model_checkpoint_paths)))
        v.assign(5.)
        ck.read(os.path.join(d, "a", "written")).assert_consumed()
        out.append(float(v.numpy()))
        ck2 = tf.train.Checkpoint(v=tf.Variable(0.))
        ck2.restore(os.path.join(d, "a", "ckpt-2")).assert_consumed()
        out.append(int(ck2.save_counter.numpy()))
        out.append(ck2.save(os.path.join(d, "c", "x")))
        return _rel(out, d)

    want, got = _run_both(tf_ref, tmp_path, fn)
    assert got == want


def test_manager_rotation_matches_tf(tf_ref, tmp_path):
    def listing(d):
        names = set()
        for n in os.listdir(d):
            if n == "checkpoint" or ".orbax" in n or ".tmp" in n:
                continue
            names.add(n.split(".index")[0].split(".data-")[0])
        return sorted(names)

    def fn(tf, d):
        v = tf.Variable(1.)
        ck = tf.train.Checkpoint(v=v)
        mgr = tf.train.CheckpointManager(ck, d, max_to_keep=2)
        out = [mgr.latest_checkpoint, mgr.checkpoints, mgr.restore_or_initialize()]
        for i in range(3):
            v.assign(float(i))
            out.append(mgr.save())
        out.append(mgr.save(checkpoint_number=10))
        out += [mgr.latest_checkpoint, mgr.checkpoints, listing(d), int(ck.save_counter.numpy())]
        out.append([line for line in _state_text(os.path.join(d, "checkpoint")).splitlines() if "timestamp" not in line])
        # a new manager on the same directory picks the state up
        mgr2 = tf.train.CheckpointManager(ck, d, max_to_keep=2)
        out += [mgr2.latest_checkpoint, mgr2.checkpoints]
        ck3 = tf.train.Checkpoint(v=tf.Variable(0.))
        mgr3 = tf.train.CheckpointManager(ck3, d, max_to_keep=3)
        out += [mgr3.restore_or_initialize(), float(ck3.v.numpy()), int(ck3.save_counter.numpy()), mgr3.save()]
        out.append(mgr3.checkpoints)
        calls = []
        mgr4 = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(0.)), os.path.join(d, "new"), 1,
                                          init_fn=lambda: calls.append(1))
        out += [mgr4.restore_or_initialize(), calls]
        return _rel(out, d)

    want, got = _run_both(tf_ref, tmp_path, fn)
    assert got == want


def test_manager_keep_every_n_hours(tmp_path, monkeypatch):
    from tfshim._src.train import manager as mgr_mod

    clock = [1000.0]
    monkeypatch.setattr(mgr_mod.time, "time", lambda: clock[0])
    ck = tfshim.train.Checkpoint(v=tfshim.Variable(1.))
    mgr = tfshim.train.CheckpointManager(ck, str(tmp_path), max_to_keep=1, keep_checkpoint_every_n_hours=1)
    for _ in range(6):
        clock[0] += 1800.0  # half an hour per save
        mgr.save()
    kept = sorted(n for n in os.listdir(tmp_path) if n.startswith("ckpt-"))
    # ckpt-2 and ckpt-4 are an hour apart from the previous preserved one; ckpt-6 is the newest
    assert kept == ["ckpt-2", "ckpt-4", "ckpt-6"]
    assert mgr.checkpoints == [os.path.join(str(tmp_path), "ckpt-6")]


# -- status assertions ------------------------------------------------------------------------------------------
def _status_outcomes(status):
    out = []
    for name in ("assert_consumed", "assert_existing_objects_matched", "assert_nontrivial_match"):
        try:
            getattr(status, name)()
            out.append("ok")
        except Exception as e:  # noqa: BLE001
            out.append(type(e).__name__)
    return out


@pytest.mark.parametrize("case", ["same", "extra_object", "extra_value", "nothing", "none_path", "written"])
def test_status_assertions_match_tf(tf_ref, tmp_path, case):
    def fn(tf, d):
        saver = tf.train.Checkpoint(v=tf.Variable(1.), w=tf.Variable(2.))
        p = saver.write(os.path.join(d, "w")) if case == "written" else saver.save(os.path.join(d, "s"))
        if case in ("same", "written"):
            ck = tf.train.Checkpoint(v=tf.Variable(0.), w=tf.Variable(0.))
        elif case == "extra_object":
            ck = tf.train.Checkpoint(v=tf.Variable(0.), w=tf.Variable(0.), z=tf.Variable(0.))
        elif case == "extra_value":
            ck = tf.train.Checkpoint(v=tf.Variable(0.))
        else:
            ck = tf.train.Checkpoint(other=tf.Variable(0.))
        status = ck.restore(None if case == "none_path" else p)
        outcomes = _status_outcomes(status)
        assert status.expect_partial() is not None
        return outcomes, float(ck.v.numpy()) if hasattr(ck, "v") and case != "nothing" else None

    want, got = _run_both(tf_ref, tmp_path, fn)
    assert got == want


# -- restore-on-create -------------------------------------------------------------------------------------------
def test_deferred_restore_module_matches_tf(tf_ref, tmp_path):
    def fn(tf, d):
        class M(tf.Module):
            pass

        m = M()
        m.x = tf.Variable(5.)
        m.y = [tf.Variable(6.)]
        p = tf.train.Checkpoint(m=m).save(os.path.join(d, "b"))
        m2 = M()
        status = tf.train.Checkpoint(m=m2).restore(p)
        out = [_status_outcomes(status)]
        m2.x = tf.Variable(0.)
        out.append(float(m2.x.numpy()))
        out.append(_status_outcomes(status))
        m2.y = [tf.Variable(0.)]
        out.append(float(m2.y[0].numpy()))
        out.append(_status_outcomes(status))
        m2.x = tf.Variable(0.)  # a value is restored once
        out.append(float(m2.x.numpy()))
        return out

    want, got = _run_both(tf_ref, tmp_path, fn)
    assert got == want


class _LazyOptimizer:
    """An optimizer-like object whose slot variables are created on the first apply (as Keras' are)."""

    def __init__(self, tf, lr=0.1):
        self.tf = tf
        self.iterations = tf.Variable(np.int64(0))
        self.lr = lr
        self.slots = {}

    def _trackable_children(self):
        return {"iterations": self.iterations, "slots": self.slots}

    def apply(self, grads, variables):
        for g, v in zip(grads, variables):
            key = v.name
            if key not in self.slots:
                self.slots[key] = self.tf.Variable(self.tf.zeros_like(v))
            m = self.slots[key]
            m.assign(0.9 * m + g)
            v.assign_sub(self.lr * m)
        self.iterations.assign_add(1)


def test_restore_on_create_module_and_lazy_slots(tmp_path):
    tf = tfshim

    class Net(tf.Module):
        def __init__(self):
            super().__init__()
            self.layers = []

        def __call__(self, x):
            if not self.layers:  # built lazily on the first call
                self.layers.append(tf.Variable(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4), name="w"))
                self.layers.append(tf.Variable(np.zeros(4, np.float32), name="b"))
            return tf.tanh(tf.matmul(x, self.layers[0]) + self.layers[1])

    x = np.random.RandomState(0).randn(5, 3).astype(np.float32)

    def step(net, opt):
        with tf.GradientTape() as t:
            out = net(x)
            loss = tf.reduce_sum(out * out)
        vs = list(net.trainable_variables)
        opt.apply(t.gradient(loss, vs), vs)
        return loss.numpy()

    net, opt = Net(), _LazyOptimizer(tf)
    for _ in range(3):
        step(net, opt)
    path = tf.train.Checkpoint(net=net, opt=opt).save(str(tmp_path / "ckpt"))
    want_loss = step(net, opt)
    want = [v.numpy() for v in net.variables] + [s.numpy() for s in opt.slots.values()]

    net2, opt2 = Net(), _LazyOptimizer(tf)
    status = tf.train.Checkpoint(net=net2, opt=opt2).restore(path)
    status.assert_existing_objects_matched()
    with pytest.raises(AssertionError, match="Unresolved object in checkpoint"):
        status.assert_consumed()
    assert int(opt2.iterations.numpy()) == 3
    got_loss = step(net2, opt2)
    got = [v.numpy() for v in net2.variables] + [s.numpy() for s in opt2.slots.values()]
    assert got_loss == want_loss
    assert all(np.array_equal(a, b) for a, b in zip(want, got)) and len(want) == len(got)
    status.assert_consumed()
    assert int(opt2.iterations.numpy()) == 4


def test_deferred_restore_outlives_temporary_checkpoint(tmp_path):
    tf = tfshim
    m = tf.Module()
    m.v = tf.Variable([1., 2.])
    p = tf.train.Checkpoint(m=m).write(str(tmp_path / "w"))
    m2 = tf.Module()
    tf.train.Checkpoint(m=m2).read(p)  # the Checkpoint object is dropped at once
    import gc

    gc.collect()
    m2.v = tf.Variable([0., 0.])
    assert m2.v.numpy().tolist() == [1., 2.]


# -- errors: mismatches, missing and corrupt files --------------------------------------------------------------
def test_shape_and_dtype_mismatch_errors_match_tf(tf_ref, tmp_path):
    def fn(tf, d):
        p = tf.train.Checkpoint(a=tf.Variable(1.), v=tf.Variable(3.)).write(os.path.join(d, "w"))
        out = []
        for bad in (tf.Variable([1., 2.]), tf.Variable(1, dtype=tf.int32)):
            a = tf.Variable(9.)
            try:
                tf.train.Checkpoint(a=a, v=bad).read(p)
                out.append(None)
            except Exception as e:  # noqa: BLE001
                out.append((type(e).__name__, "v/.ATTRIBUTES/VARIABLE_VALUE" in str(e) or "Variable" in str(e)))
        try:
            tf.train.Checkpoint(v=tf.Variable(0.)).restore(os.path.join(d, "nothere"))
        except Exception as e:  # noqa: BLE001
            out.append(type(e).__name__)
        return out

    want, got = _run_both(tf_ref, tmp_path, fn)
    assert got == want


def test_mismatch_restores_nothing_and_names_the_path(tmp_path):
    tf = tfshim
    p = tf.train.Checkpoint(a=tf.Variable(1.), z=tf.Variable(3.)).write(str(tmp_path / "w"))
    a, z = tf.Variable(9.), tf.Variable([0., 0.])
    with pytest.raises(ValueError, match="z/.ATTRIBUTES/VARIABLE_VALUE"):
        tf.train.Checkpoint(a=a, z=z).read(p)
    assert float(a.numpy()) == 9.0  # validated everything before assigning anything
    with pytest.raises(tf.errors.InvalidArgumentError, match="z/.ATTRIBUTES/VARIABLE_VALUE"):
        tf.train.Checkpoint(a=a, z=tf.Variable(np.int32(1))).read(p)
    assert float(a.numpy()) == 9.0


def _data_files(path):
    """The files holding the values of checkpoint ``path`` (``data``; in the orbax-based format, ``state/**/d/*``)."""
    out = [os.path.join(path, "data")] if os.path.isfile(os.path.join(path, "data")) else []
    for root, _, files in os.walk(os.path.join(path, "state")):
        out += [os.path.join(root, f) for f in files if os.path.basename(root) == "d"]
    return out


@pytest.mark.parametrize("damage", ["truncate", "flip", "graph", "delete_data"])
def test_corrupt_checkpoint_is_a_clear_error(tmp_path, damage):
    tf = tfshim
    vals = np.arange(20000, dtype=np.float32)
    p = tf.train.Checkpoint(a=tf.Variable(1.), big=tf.Variable(vals)).save(str(tmp_path / "ck"))
    if damage == "graph":
        with open(os.path.join(p, "graph", "metadata"), "w") as f:
            f.write('{"format": "tfshim-checkpoint-1", "nodes": [')
    elif damage == "delete_data":
        os.remove(os.path.join(p, "data"))
    else:
        files = sorted(_data_files(p), key=os.path.getsize)
        assert files
        target = files[-1]
        data = bytearray(open(target, "rb").read())
        if damage == "truncate":
            data = data[: len(data) // 2]
        else:
            for i in range(len(data) // 3, len(data) // 3 + 64):
                data[i] ^= 0xFF
        with open(target, "wb") as f:
            f.write(bytes(data))
    a, big = tf.Variable(5.), tf.Variable(np.zeros(20000, np.float32))
    with pytest.raises(tf.errors.DataLossError, match=str(p)):
        tf.train.Checkpoint(a=a, big=big).restore(p)
    assert float(a.numpy()) == 5.0 and not big.numpy().any()  # nothing half-restored


def test_checkpoint_rejects_untrackable_like_tf(tf_ref):
    for lib in (tf_ref, tfshim):
        with pytest.raises(ValueError, match="trackable"):
            lib.train.Checkpoint(x=1)


def test_directory_instead_of_checkpoint(tf_ref, tmp_path):
    def fn(tf, d):
        tf.train.Checkpoint(v=tf.Variable(1.)).save(os.path.join(d, "ckpt"))
        try:
            tf.train.Checkpoint(v=tf.Variable(1.)).restore(d)
        except Exception as e:  # noqa: BLE001
            return type(e).__name__

    want, got = _run_both(tf_ref, tmp_path, fn)
    assert got == want


# -- Keras ---------------------------------------------------------------------------------------------------------
def _keras_available():
    try:
        return hasattr(tfshim.keras.optimizers, "Adam") and hasattr(tfshim.keras, "Sequential")
    except AttributeError:
        return False


@pytest.mark.skipif(not _keras_available(), reason="tfshim.keras not available yet")
def test_restore_on_create_keras_model_and_adam_bit_identical(tmp_path):
    tf = tfshim
    rs = np.random.RandomState(0)
    x = rs.randn(16, 5).astype(np.float32)
    y = rs.randn(16, 3).astype(np.float32)

    def make():
        model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu"), tf.keras.layers.Dense(3)])
        return model, tf.keras.optimizers.Adam(0.01)

    def step(model, opt):
        with tf.GradientTape() as t:
            loss = tf.reduce_mean((model(x) - y) ** 2)
        g = t.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(g, model.trainable_variables))
        return loss.numpy()

    model, opt = make()
    for _ in range(4):
        step(model, opt)
    root = tf.train.Checkpoint(optimizer=opt, model=model)
    root.save(str(tmp_path / "ckpt"))
    want = [step(model, opt) for _ in range(2)]
    want_w = [v.numpy() for v in model.trainable_variables] + [v.numpy() for v in opt.variables]

    model2, opt2 = make()  # not built, no slots yet
    status = tf.train.Checkpoint(optimizer=opt2, model=model2).restore(tf.train.latest_checkpoint(str(tmp_path)))
    status.assert_existing_objects_matched()
    got = [step(model2, opt2) for _ in range(2)]
    got_w = [v.numpy() for v in model2.trainable_variables] + [v.numpy() for v in opt2.variables]
    status.assert_consumed()
    assert got == want
    assert len(got_w) == len(want_w) and all(np.array_equal(a, b) for a, b in zip(want_w, got_w))


@pytest.mark.skipif(not _keras_available(), reason="tfshim.keras not available yet")
def test_keras_save_load_weights_functions(tmp_path):
    from tfshim._src.train.keras_io import load_weights, save_weights

    tf = tfshim
    x = np.ones((2, 3), np.float32)
    model = tf.keras.Sequential([tf.keras.layers.Dense(4), tf.keras.layers.Dense(2)])
    want = model(x).numpy()
    path = save_weights(model, str(tmp_path / "weights" / "w"))
    assert tf.train.latest_checkpoint(str(tmp_path / "weights")) == path
    keys = [k for k, _ in tf.train.list_variables(path)]
    assert any(k.endswith("kernel/.ATTRIBUTES/VARIABLE_VALUE") for k in keys)
    model2 = tf.keras.Sequential([tf.keras.layers.Dense(4), tf.keras.layers.Dense(2)])
    status = load_weights(model2, path)  # restored when the weights are built
    np.testing.assert_array_equal(model2(x).numpy(), want)
    status.assert_consumed()


# -- checkpoints written by real TensorFlow ------------------------------------------------------------------
def test_restore_checkpoint_written_by_tf(tf_ref, tmp_path):
    tf_m = _module_tree(tf_ref)
    tf_m.w.assign(41.5)
    tf_m.sub.v.assign([7, 9])
    tf_m.t[0].assign(np.arange(6.).reshape(2, 3))
    tf_ck = tf_ref.train.Checkpoint(m=tf_m, x=tf_ref.Variable(np.float16(2.5)))
    tf_ck.save(str(tmp_path / "ckpt"))
    latest = tfshim.train.latest_checkpoint(str(tmp_path))
    assert latest == tf_ref.train.latest_checkpoint(str(tmp_path))
    assert tfshim.train.list_variables(latest)[1:] == tf_ref.train.list_variables(latest)[1:]

    m = _module_tree(tfshim)
    ck = tfshim.train.Checkpoint(m=m, x=tfshim.Variable(np.float16(0)))
    ck.restore(latest).assert_consumed()
    want = [v.numpy() for v in tf_m.variables] + [tf_ck.x.numpy(), tf_ck.save_counter.numpy()]
    got = [v.numpy() for v in m.variables] + [ck.x.numpy(), ck.save_counter.numpy()]
    for a, b in zip(want, got):
        np.testing.assert_array_equal(a, b)
        assert np.asarray(a).dtype == np.asarray(b).dtype
    r = tfshim.train.load_checkpoint(latest)
    np.testing.assert_array_equal(r.get_tensor("m/sub/v/.ATTRIBUTES/VARIABLE_VALUE"), [7, 9])

    m2 = tfshim.Module()  # deferred restoration from a TF checkpoint too
    tfshim.train.Checkpoint(m=m2).restore(latest).expect_partial()
    m2.w = tfshim.Variable(0.)
    assert float(m2.w.numpy()) == 41.5

    data = latest + ".data-00000-of-00001"
    with open(data, "r+b") as f:
        f.truncate(os.path.getsize(data) // 2)
    with pytest.raises(tfshim.errors.DataLossError, match="data-00000-of-00001"):
        tfshim.train.Checkpoint(m=_module_tree(tfshim)).restore(latest)
