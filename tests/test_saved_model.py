"""tf.saved_model.save / load: saved in one process, loaded in a fresh one that never imports the defining
module; equal outputs and gradients, None dims, fine-tuning with a tape, signatures named as TF names them,
Keras models and model.export(), assets, and damaged files -> DataLossError without unpickling anything."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tfshim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DEFINING_MODULE = '''
import numpy as np
import tfshim as tf


class Dense(tf.Module):
    def __init__(self, i, o, seed, name=None):
        super().__init__(name=name)
        rng = np.random.RandomState(seed)
        self.w = tf.Variable(rng.randn(i, o).astype("float32") * 0.5, name="w")
        self.b = tf.Variable(rng.randn(o).astype("float32") * 0.1, name="b")

    def __call__(self, x):
        return tf.tanh(x @ self.w + self.b)


class Net(tf.Module):
    def __init__(self):
        super().__init__()
        self.l1 = Dense(3, 4, 1)
        self.blocks = [Dense(4, 2, 2), {"head": Dense(2, 1, 3)}]
        self.calls = tf.Variable(0, dtype=tf.int64, trainable=False)

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def __call__(self, x):
        self.calls.assign_add(1)
        return self.blocks[1]["head"](self.blocks[0](self.l1(x)))

    @tf.function
    def features(self, x, scale=2.0):
        h = self.l1(x)
        return {"h": h * scale, "total": tf.reduce_sum(h)}


def paths(net):
    return [net.l1.w, net.l1.b, net.blocks[0].w, net.blocks[0].b, net.blocks[1]["head"].w, net.blocks[1]["head"].b]
'''

COMMON = '''
import sys, numpy as np
import tfshim as tf

def run(net, paths, out):
    rng = np.random.RandomState(0)
    x5, x2 = rng.rand(5, 3).astype("float32"), rng.rand(2, 3).astype("float32")
    res = {"y5": net(x5).numpy(), "y2": net(tf.constant(x2)).numpy()}
    f = net.features(tf.constant(x5))
    res["h"], res["total"] = f["h"].numpy(), f["total"].numpy()
    res["h3"] = net.features(tf.constant(x5), 3.0)["h"].numpy()
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(net(x5) ** 2)
    for i, g in enumerate(tape.gradient(loss, paths)):
        res[f"g{i}"] = g.numpy()
    x = tf.constant(rng.rand(4, 3).astype("float32"))  # the input's gradient too
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(net(x))
    res["gx"] = tape.gradient(y, x).numpy()
    opt = tf.keras.optimizers.SGD(0.1)
    losses = []
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((net(x5) - 1.0) ** 2)
        opt.apply_gradients(zip(tape.gradient(loss, paths), paths))
        losses.append(float(loss))
    res["losses"] = np.array(losses)
    res["tuned"] = net(x5).numpy()
    res["calls"] = net.calls.numpy()
    np.savez(out, **res)
'''


def _python(code: str, cwd: str) -> str:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS="cpu", PYTHONPATH=ROOT)
    p = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-5000:]
    return p.stdout


@pytest.mark.slow
def test_fresh_process_without_the_class(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "defining_module.py").write_text(DEFINING_MODULE)
    saved = str(tmp_path / "saved")
    work = tmp_path / "work"
    work.mkdir()
    save_code = COMMON + textwrap.dedent(f"""
        sys.path.insert(0, {str(src)!r})
        import defining_module as dm
        net = dm.Net()
        net.features(tf.constant(np.zeros((5, 3), np.float32)))   # traces kept by save: (5, 3) with scale 2.0
        net.features(tf.constant(np.zeros((5, 3), np.float32)), 3.0)
        net.calls.assign(0)
        tf.saved_model.save(net, {saved!r})
        run(net, dm.paths(net), {str(tmp_path / "original.npz")!r})
    """)
    _python(save_code, str(src))
    load_code = COMMON + textwrap.dedent(f"""
        net = tf.saved_model.load({saved!r})
        assert "defining_module" not in sys.modules and not any("src" in p for p in sys.path[1:])
        run(net, [net.l1.w, net.l1.b, net.blocks[0].w, net.blocks[0].b, net.blocks[1]["head"].w,
                  net.blocks[1]["head"].b], {str(tmp_path / "loaded.npz")!r})
        print(sorted(k for k in sys.modules if k.startswith("defining")))
    """)
    out = _python(load_code, str(work))
    assert out.strip() == "[]"
    a, b = np.load(tmp_path / "original.npz"), np.load(tmp_path / "loaded.npz")
    assert sorted(a.files) == sorted(b.files)
    for k in a.files:
        np.testing.assert_allclose(b[k], a[k], rtol=1e-5, atol=1e-6, err_msg=k)
    assert a["y2"].shape == (2, 1) and a["losses"][-1] < a["losses"][0]
    assert int(b["calls"]) == int(a["calls"]) > 0  # the stateful assign_add ran in the loaded function


def _module_with_outputs(tf, kind):
    class M(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = tf.Variable([1.0, 2.0, 3.0])

        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="features"),
                                      tf.TensorSpec([], tf.float32)])
        def f(self, x, k):
            y = x * self.v * k
            if kind == "tensor":
                return y
            if kind == "dict":
                return {"scaled": y, "sum": tf.reduce_sum(y)}
            return y, tf.reduce_sum(y, axis=1)

    return M()


@pytest.mark.parametrize("kind", ["tensor", "dict", "tuple"])
def test_signatures_like_tf(tf_ref, tmp_path, kind):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    got = {}
    for tf in (tfshim, tf_ref):
        m = _module_with_outputs(tf, kind)
        path = str(tmp_path / tf.__name__)
        tf.saved_model.save(m, path)
        loaded = tf.saved_model.load(path)
        sig = loaded.signatures["serving_default"]
        out = sig(features=tf.constant(x), k=tf.constant(2.0))
        got[tf.__name__] = (
            sorted(out), {k: np.asarray(v) for k, v in out.items()},
            sorted(sig.structured_input_signature[1]),
            np.asarray(loaded.f(tf.constant(x), tf.constant(2.0))[0 if kind == "tuple" else slice(None)]
                       if kind != "dict" else loaded.f(tf.constant(x), tf.constant(2.0))["scaled"]),
        )
    mine, ref = got["tfshim"], got["tensorflow"]
    assert mine[0] == ref[0] and mine[2] == ref[2]
    for k in ref[1]:
        np.testing.assert_allclose(mine[1][k], ref[1][k])
    np.testing.assert_allclose(mine[3], ref[3])


def test_signatures_argument_and_concrete_functions(tf_ref, tmp_path):
    for tf in (tfshim, tf_ref):
        class M(tf.Module):
            def __init__(self):
                super().__init__()
                self.w = tf.Variable(3.0)

            @tf.function
            def double(self, x):
                return x * self.w * 2.0

            @tf.function
            def triple(self, x):
                return {"t": x * self.w * 3.0}

        m = M()
        conc = m.double.get_concrete_function(tf.TensorSpec([None], tf.float32))
        path = str(tmp_path / tf.__name__)
        tf.saved_model.save(m, path, signatures={"a": conc, "b": m.triple.get_concrete_function(
            tf.TensorSpec([2], tf.float32))})
        loaded = tf.saved_model.load(path)
        assert sorted(loaded.signatures) == ["a", "b"]
        assert sorted(loaded.signatures["a"](x=tf.constant([1.0, 2.0, 4.0]))) == ["output_0"]
        np.testing.assert_allclose(loaded.signatures["b"](x=tf.constant([1.0, 2.0]))["t"], [9.0, 18.0])


def test_signature_needs_input_signature(tmp_path):
    tf = tfshim

    class M(tf.Module):
        @tf.function
        def f(self, x):
            return x

    with pytest.raises(ValueError, match="input_signature"):
        tf.saved_model.save(M(), str(tmp_path), signatures=M().f)


def test_keras_model_save_and_export(tf_ref, tmp_path):
    tf = tfshim
    m = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3, activation="relu"),
                             tf.keras.layers.Dense(2)])
    x = np.random.RandomState(0).rand(6, 4).astype("float32")
    want = m(x).numpy()
    tf.saved_model.save(m, str(tmp_path / "sm"))
    loaded = tf.saved_model.load(str(tmp_path / "sm"))
    np.testing.assert_allclose(loaded(x).numpy(), want, rtol=1e-6)
    np.testing.assert_allclose(loaded.signatures["serving_default"](tf.constant(x[:1]))["output_0"].numpy(),
                               want[:1], rtol=1e-6)
    m.export(str(tmp_path / "export"), verbose=False)
    e = tf.saved_model.load(str(tmp_path / "export"))
    np.testing.assert_allclose(e.serve(x).numpy(), want, rtol=1e-6)
    # Real Keras 3 exports the same endpoint and signature names for the same model.
    km = tf_ref.keras.Sequential([tf_ref.keras.Input((4,)), tf_ref.keras.layers.Dense(3, activation="relu"),
                                  tf_ref.keras.layers.Dense(2)])
    km.set_weights(m.get_weights())
    km.export(str(tmp_path / "keras_export"), verbose=False)
    r = tf_ref.saved_model.load(str(tmp_path / "keras_export"))
    np.testing.assert_allclose(r.serve(x).numpy(), want, rtol=1e-5)
    assert sorted(r.signatures) == sorted(e.signatures) == ["serve", "serving_default"]
    ref_out = r.signatures["serving_default"](tf_ref.constant(x))
    mine_out = e.signatures["serving_default"](tf.constant(x))
    assert sorted(ref_out) == sorted(mine_out)
    assert len(e.variables) == len(r.variables) == 4


def test_assets(tmp_path):
    tf = tfshim
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a\nb\nc\n")

    class M(tf.Module):
        def __init__(self):
            super().__init__()
            self.vocab = tf.saved_model.Asset(str(vocab))
            self.v = tf.Variable(1.0)

    tf.saved_model.save(M(), str(tmp_path / "sm"))
    vocab.unlink()
    loaded = tf.saved_model.load(str(tmp_path / "sm"))
    assert open(loaded.vocab.asset_path).read() == "a\nb\nc\n"
    assert loaded.vocab.asset_path.startswith(str(tmp_path / "sm"))


def _saved(tmp_path):
    tf = tfshim

    class M(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = tf.Variable(np.arange(100, dtype=np.float32))

        @tf.function(input_signature=[tf.TensorSpec([100], tf.float32)])
        def f(self, x):
            return x * self.v

    path = str(tmp_path / "sm")
    tf.saved_model.save(M(), path)
    return path


@pytest.mark.parametrize("target", ["saved_model.json", "functions/f0.jaxexport", "variables"])
def test_corruption_is_data_loss(tmp_path, target):
    path = _saved(tmp_path)
    if target == "variables":
        files = [os.path.join(r, f) for r, _, fs in os.walk(os.path.join(path, "variables")) for f in fs]
        fname = max(files, key=os.path.getsize)  # the values
    else:
        fname = os.path.join(path, target)
    data = bytearray(open(fname, "rb").read())
    data[len(data) // 2] ^= 0x10
    open(fname, "wb").write(bytes(data))
    with pytest.raises(tfshim.errors.DataLossError):
        tfshim.saved_model.load(path)


def test_truncated_and_missing_files(tmp_path):
    path = _saved(tmp_path)
    fname = os.path.join(path, "functions", "f0.jaxexport")
    data = open(fname, "rb").read()
    open(fname, "wb").write(data[: len(data) // 3])
    with pytest.raises(tfshim.errors.DataLossError):
        tfshim.saved_model.load(path)
    os.remove(fname)
    with pytest.raises(tfshim.errors.DataLossError):
        tfshim.saved_model.load(path)
    with pytest.raises(OSError, match="SavedModel file does not exist"):
        tfshim.saved_model.load(str(tmp_path / "nothing"))


def test_loading_never_unpickles(tmp_path, monkeypatch):
    path = _saved(tmp_path)

    def refuse(*a, **k):
        raise AssertionError("tf.saved_model.load unpickled something")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    monkeypatch.setattr(np, "load", refuse)
    loaded = tfshim.saved_model.load(path)
    np.testing.assert_allclose(loaded.f(np.ones(100, np.float32)).numpy(), np.arange(100, dtype=np.float32))
    assert tfshim.saved_model.contains_saved_model(path)


def test_wrong_arguments_to_loaded_function(tmp_path):
    loaded = tfshim.saved_model.load(_saved(tmp_path))
    with pytest.raises(ValueError, match="Could not find matching concrete function"):
        loaded.f(np.ones(3, np.float32))


def test_loaded_function_inside_tf_function_fine_tunes(tmp_path):
    tf = tfshim
    path = _saved(tmp_path)
    loaded = tf.saved_model.load(path)
    opt = tf.keras.optimizers.SGD(0.01)
    x = tf.constant(np.ones(100, np.float32))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((loaded.f(x) - 1.0) ** 2)
        grads = tape.gradient(loss, [loaded.v])
        opt.apply_gradients(zip(grads, [loaded.v]))
        return loss

    losses = [float(step()) for _ in range(5)]
    assert losses == sorted(losses, reverse=True) and losses[-1] < losses[0]


def test_format_tf_loads_in_real_tensorflow(tf_ref, tmp_path):
    """Beyond TF: format="tf" writes a real TF SavedModel (through jax2tf) that TF loads, with equal outputs and
    gradients, None dims, nested modules and the serving_default signature."""
    tf = tfshim

    class M(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(np.random.RandomState(0).randn(3, 2).astype("float32"))
            self.sub = tf.Module()
            self.sub.b = tf.Variable([0.5, -0.5])

        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
        def __call__(self, x):
            return tf.tanh(x @ self.w + self.sub.b)

    m = M()
    x = np.random.RandomState(1).rand(4, 3).astype("float32")
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(m(x) ** 2)
    want_y, want_g = m(x).numpy(), [g.numpy() for g in tape.gradient(y, [m.w, m.sub.b])]
    tf.saved_model.save(m, str(tmp_path / "tf"), format="tf")
    assert os.path.isfile(tmp_path / "tf" / "saved_model.pb")
    r = tf_ref.saved_model.load(str(tmp_path / "tf"))
    np.testing.assert_allclose(r(x).numpy(), want_y, rtol=1e-6)
    np.testing.assert_allclose(r(x[:1]).numpy(), want_y[:1], rtol=1e-6)
    np.testing.assert_allclose(r.signatures["serving_default"](x=tf_ref.constant(x))["output_0"].numpy(), want_y,
                               rtol=1e-6)
    with tf_ref.GradientTape() as tape:
        y = tf_ref.reduce_sum(r(x) ** 2)
    for g, w in zip(tape.gradient(y, [r.w, r.sub.b]), want_g):
        np.testing.assert_allclose(g.numpy(), w, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="format"):
        tf.saved_model.save(m, str(tmp_path / "x"), format="onnx")


def test_subclassed_keras_model_with_tf_function(tmp_path):
    tf = tfshim

    class Classifier(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = tf.keras.layers.Dense(8, activation="relu")
            self.out = tf.keras.layers.Dense(3)

        def call(self, x, training=False):
            return self.out(self.hidden(x))

        @tf.function(input_signature=[tf.TensorSpec([None, 5], tf.float32)])
        def predict_classes(self, x):
            return tf.argmax(self(x), axis=-1)

    m = Classifier()
    x = np.random.RandomState(0).rand(7, 5).astype("float32")
    m(x)
    want = m.predict_classes(x).numpy()
    tf.saved_model.save(m, str(tmp_path / "sm"))
    loaded = tf.saved_model.load(str(tmp_path / "sm"))
    np.testing.assert_array_equal(loaded.predict_classes(x).numpy(), want)
    np.testing.assert_array_equal(loaded.signatures["serving_default"](x=tf.constant(x))["output_0"].numpy(), want)
    assert len(loaded.trainable_variables) == 4


def test_none_dim_whose_value_is_needed_is_a_clear_error(tmp_path):
    tf = tfshim

    class M(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def noisy(self, x):
            return x + tf.random.normal(tf.shape(x))

    with pytest.raises(ValueError, match="tf.saved_model.save.*noisy.*None dimension"):
        tf.saved_model.save(M(), str(tmp_path))
