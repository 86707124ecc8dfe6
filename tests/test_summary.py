"""tf.summary: event files written by tfshim, read back by TensorBoard's own reader, compared with the event
files real TensorFlow writes for the same calls."""

from __future__ import annotations

import glob
import io
import os
import subprocess
import sys

import numpy as np
import pytest
from tensorboard.backend.event_processing import event_file_loader
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.util import tensor_util

import tfshim


def _read(logdir) -> dict:
    """{tag: [(step, value ndarray, plugin name, plugin content)]} as TensorBoard's EventAccumulator sees them."""
    ea = EventAccumulator(str(logdir), size_guidance={"tensors": 0})
    ea.Reload()
    out = {}
    for tag in ea.Tags()["tensors"]:
        try:
            meta = ea.SummaryMetadata(tag)
            plugin = (meta.plugin_data.plugin_name, meta.plugin_data.content)
        except KeyError:  # tf.summary.write without metadata
            plugin = ("", b"")
        out[tag] = [
            (e.step, tensor_util.make_ndarray(e.tensor_proto), *plugin)
            for e in ea.Tensors(tag)
        ]
    return out


def _both(tf_ref, tmp_path, body):
    """Run ``body(tf, logdir)`` with tfshim and with real TF; returns (tfshim's events, TF's events)."""
    a, b = tmp_path / "shim", tmp_path / "tf"
    body(tfshim, str(a))
    body(tf_ref, str(b))
    return _read(a), _read(b)


def _same_events(got: dict, want: dict, exact: bool = True):
    assert sorted(got) == sorted(want)
    for tag in want:
        g, w = got[tag], want[tag]
        assert [e[0] for e in g] == [e[0] for e in w], tag
        assert [e[2:] for e in g] == [e[2:] for e in w], tag
        for (_, gv, *_), (_, wv, *_) in zip(g, w):
            assert gv.shape == wv.shape and gv.dtype == wv.dtype, (tag, gv.dtype, wv.dtype)
            if gv.dtype == object:
                assert gv.tolist() == wv.tolist(), tag
            elif exact:
                np.testing.assert_array_equal(gv, wv)
            else:
                np.testing.assert_allclose(gv, wv, rtol=1e-12)


def test_scalar_text_write_match_tf(tf_ref, tmp_path):
    def body(tf, d):
        w = tf.summary.create_file_writer(d)
        with w.as_default(step=3):
            tf.summary.scalar("loss", 0.5)
            tf.summary.scalar("int_data", 7, step=4, description="an int")
            tf.summary.write("lazy", lambda: tf.constant(2.5), step=5)
            tf.summary.text("note", "hello *markdown*")
            tf.summary.text("notes", np.array([["a", "b"], ["c", "d"]]), step=1)
            tf.summary.write("raw", tf.constant([1, 2, 3]), step=9)
            with tf.name_scope("train"):
                tf.summary.scalar("acc", tf.constant(0.25), step=2)
        for i in range(3):
            with w.as_default():
                tf.summary.scalar("series", float(i) / 3, step=i)
        w.close()

    got, want = _both(tf_ref, tmp_path, body)
    _same_events(got, want)
    assert got["train/acc"][0][0] == 2


@pytest.mark.parametrize("data", [
    np.arange(10.0), np.zeros([0]), np.ones(4), np.random.RandomState(0).randn(1000),
    np.array([[1, 5], [2, 9]], np.int32), np.float32([1e-3, 2e-3, 5.0]),
])
def test_histogram_buckets_match_tf(tf_ref, tmp_path, data):
    def body(tf, d):
        w = tf.summary.create_file_writer(d)
        with w.as_default(step=1):
            tf.summary.histogram("h", data)
            tf.summary.histogram("h7", data, buckets=7)
            tf.summary.histogram("h1", data, buckets=1)
        w.close()

    got, want = _both(tf_ref, tmp_path, body)
    _same_events(got, want, exact=False)
    assert got["h"][0][1].shape == (30, 3)


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)))


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_image_png_matches_tf(tf_ref, tmp_path, channels):
    rng = np.random.RandomState(1)
    floats = rng.rand(4, 5, 6, channels).astype(np.float32) * 1.2 - 0.1  # out of [0, 1] too: saturates
    ints = rng.randint(0, 256, (2, 3, 2, channels)).astype(np.uint8)

    def body(tf, d):
        w = tf.summary.create_file_writer(d)
        with w.as_default(step=0):
            tf.summary.image("f", floats)  # max_outputs=3 of 4
            tf.summary.image("u", ints, max_outputs=5)
        w.close()

    got, want = _both(tf_ref, tmp_path, body)
    for tag in ("f", "u"):
        (_, g, gp, _), (_, w, wp, _) = got[tag][0], want[tag][0]
        assert gp == wp == "images"
        assert g.shape == w.shape and list(g[:2]) == list(w[:2])  # width, height, then one PNG per image
        for gi, wi in zip(g[2:], w[2:]):
            assert gi[:8] == b"\x89PNG\r\n\x1a\n"
            np.testing.assert_array_equal(_pixels(gi), _pixels(wi))


def test_audio_wav_matches_tf(tf_ref, tmp_path):
    t = np.linspace(0, 1, 400, dtype=np.float32)
    clips = np.stack([np.stack([np.sin(2 * np.pi * f * t), 1.5 * np.cos(f * t)], -1) for f in (3, 5, 7, 9)])

    def body(tf, d):
        w = tf.summary.create_file_writer(d)
        with w.as_default(step=2):
            tf.summary.audio("a", clips.astype(np.float32), 8000)
            tf.summary.audio("a1", clips[:, :, :1].astype(np.float32), 16000, max_outputs=1)
        w.close()

    got, want = _both(tf_ref, tmp_path, body)
    _same_events(got, want)
    assert got["a"][0][1][0, 0][:4] == b"RIFF"


def test_inside_tf_function_matches_tf(tf_ref, tmp_path):
    def body(tf, d):
        w = tf.summary.create_file_writer(d)
        step = tf.Variable(0, dtype=tf.int64)

        @tf.function
        def f(x):
            tf.summary.scalar("x2", x * 2.0, step=step)
            tf.summary.histogram("hx", x * tf.ones([5]), step=step)
            with tf.summary.record_if(tf.equal(step % 2, 0)):
                tf.summary.scalar("even", x, step=step)
            step.assign_add(1)
            return x + 1.0

        with w.as_default():
            for i in range(5):
                f(tf.constant(float(i)))
        w.close()
        return f

    got, want = _both(tf_ref, tmp_path, body)
    _same_events(got, want, exact=False)
    assert [e[0] for e in got["even"]] == [0, 2, 4]
    assert [float(e[1]) for e in got["x2"]] == [0.0, 2.0, 4.0, 6.0, 8.0]


def _in_thread(fn):
    """Run ``fn`` in a new thread (the default writer and step are per thread, in TF too: set_as_default has no
    undo, so a test that uses it must not leave it on the main thread)."""
    import threading

    err = []

    def run():
        try:
            fn()
        except BaseException as e:  # noqa: BLE001
            err.append(e)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if err:
        raise err[0]


def test_default_step_and_set_step(tf_ref, tmp_path):
    def body(tf, d):
        _in_thread(lambda: body_thread(tf, d))
        assert tf.summary.experimental.get_step() is None and not bool(tf.summary.should_record_summaries())

    def body_thread(tf, d):
        w = tf.summary.create_file_writer(d)
        w.set_as_default()
        tf.summary.experimental.set_step(11)
        assert tf.summary.experimental.get_step() == 11
        tf.summary.scalar("a", 1.0)
        step = tf.Variable(20, dtype=tf.int64)
        tf.summary.experimental.set_step(step)

        @tf.function
        def g():
            tf.summary.scalar("b", 2.0)
            step.assign_add(1)

        g()
        g()
        tf.summary.experimental.set_step(None)
        tf.summary.flush()
        w.close()

    got, want = _both(tf_ref, tmp_path, body)
    _same_events(got, want)
    assert [e[0] for e in got["b"]] == [20, 21]


def test_no_step_is_value_error(tf_ref, tmp_path):
    for tf in (tfshim, tf_ref):
        w = tf.summary.create_file_writer(str(tmp_path / tf.__name__))
        with w.as_default(), pytest.raises(ValueError, match="No step set"):
            tf.summary.scalar("x", 1.0)
        assert bool(tf.summary.scalar("x", 1.0)) is False  # no default writer: nothing, no error


def test_should_record_and_noop_writer(tf_ref, tmp_path):
    for tf in (tfshim, tf_ref):
        got = [bool(tf.summary.should_record_summaries())]
        w = tf.summary.create_file_writer(str(tmp_path / tf.__name__))
        with w.as_default(step=0):
            got.append(bool(tf.summary.should_record_summaries()))
            with tf.summary.record_if(False):
                got.append(bool(tf.summary.should_record_summaries()))
                got.append(bool(tf.summary.scalar("no", 1.0)))
            with tf.summary.record_if(lambda: tf.constant(True)):
                got.append(bool(tf.summary.scalar("yes", 1.0)))
            with tf.summary.create_noop_writer().as_default(step=0):  # inert: w stays the default
                got.append(bool(tf.summary.scalar("noop", 1.0)))
        with tf.summary.create_noop_writer().as_default(step=0):
            got.append(bool(tf.summary.should_record_summaries()))
            got.append(bool(tf.summary.scalar("noop", 1.0)))
        if tf is tfshim:
            shim = got
        else:
            assert shim == got == [False, True, False, False, True, True, False, False]


def test_tape_replay_does_not_write_twice(tmp_path):
    tf = tfshim
    w = tf.summary.create_file_writer(str(tmp_path))
    v = tf.Variable(2.0)

    @tf.function
    def loss_fn(x):
        y = x * v
        tf.summary.scalar("y", y, step=0)
        return y * y

    with w.as_default():
        for _ in range(4):  # later calls take the cached, jitted replay
            with tf.GradientTape() as tape:
                out = loss_fn(tf.constant(3.0))
            g = tape.gradient(out, v)
            assert float(g) == 2 * 3.0 * 3.0 * 2.0
        with tf.GradientTape() as outer:  # nested tapes, a gradient recorded by an outer tape
            with tf.GradientTape() as inner:
                out = loss_fn(tf.constant(1.0))
            g = inner.gradient(out, v)
        outer.gradient(g, v)
    w.close()
    assert len(_read(tmp_path)["y"]) == 5


def test_custom_gradient_backward_does_not_rewrite(tmp_path):
    tf = tfshim
    w = tf.summary.create_file_writer(str(tmp_path))

    @tf.custom_gradient
    def f(x):
        tf.summary.scalar("fx", x, step=1)

        def grad(dy):
            return dy * 3.0

        return x * 3.0, grad

    x = tf.constant(2.0)
    with w.as_default():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        assert float(tape.gradient(y, x)) == 3.0
    w.close()
    assert len(_read(tmp_path)["fx"]) == 1


def test_max_queue_flush_and_suffix(tmp_path):
    tf = tfshim
    w = tf.summary.create_file_writer(str(tmp_path), max_queue=5, flush_millis=10**7, filename_suffix=".mine")
    (path,) = glob.glob(str(tmp_path / "events.out.tfevents.*"))
    assert path.endswith(".mine")

    def n_events():
        return sum(1 for _ in event_file_loader.RawEventFileLoader(path).Load())

    assert n_events() == 1  # the file_version event is written at once
    with w.as_default(step=0):
        for i in range(5):
            tf.summary.scalar("s", float(i), step=i)
        assert n_events() == 1  # queued: not more than max_queue yet
        tf.summary.scalar("s", 5.0, step=5)
        assert n_events() == 7  # more than max_queue: written
        tf.summary.scalar("s", 6.0, step=6)
    assert n_events() == 8  # leaving as_default flushes
    w.close()
    w2 = tf.summary.create_file_writer(str(tmp_path / "fast"), max_queue=100, flush_millis=0)
    with w2.as_default(step=0):
        tf.summary.scalar("s", 1.0)
        (p2,) = glob.glob(str(tmp_path / "fast" / "events.*"))
        assert sum(1 for _ in event_file_loader.RawEventFileLoader(p2).Load()) == 2  # flush_millis elapsed
    w2.close()
    with w.as_default(step=0):
        tf.summary.scalar("after_close", 1.0)  # dropped silently, as TF
    assert "after_close" not in _read(tmp_path)


def test_truncated_last_record_is_ignored(tmp_path):
    tf = tfshim
    w = tf.summary.create_file_writer(str(tmp_path))
    with w.as_default():
        for i in range(10):
            tf.summary.scalar("s", float(i), step=i)
    w.close()
    (path,) = glob.glob(str(tmp_path / "events.*"))
    data = open(path, "rb").read()
    open(path, "wb").write(data[:-7])  # cut inside the last record
    steps = [e[0] for e in _read(tmp_path)["s"]]
    assert steps == list(range(9))


def test_bad_input(tmp_path):
    tf = tfshim
    w = tf.summary.create_file_writer(str(tmp_path))
    with w.as_default(step=0):
        with pytest.raises(ValueError, match="tf.summary.scalar.*scalar"):
            tf.summary.scalar("s", np.ones(3))
        with pytest.raises(ValueError, match="tf.summary.image.*rank 4"):
            tf.summary.image("i", np.ones((3, 3, 3)))
        with pytest.raises(TypeError, match="tf.summary.write.*metadata"):
            tf.summary.write("w", 1.0, metadata=42)
    with pytest.raises(ValueError, match="create_file_writer.*logdir"):
        tf.summary.create_file_writer(None)
    w.close()


def test_trace_export_writes_the_functions(tmp_path):
    tf = tfshim
    w = tf.summary.create_file_writer(str(tmp_path))

    @tf.function
    def f(x):
        return tf.sin(x) * 2.0

    tf.summary.trace_on(graph=True)
    f(tf.constant(1.0))
    with w.as_default():
        tf.summary.trace_export("trace", step=0)
    w.close()
    ((step, value, plugin, _),) = _read(tmp_path)["trace"]
    assert step == 0 and plugin == "text" and b"sin" in value.item()


def test_summary_does_not_import_tensorflow(tmp_path):
    code = (
        "import sys, numpy as np, tfshim as tf\n"
        f"w = tf.summary.create_file_writer({str(tmp_path)!r})\n"
        "with w.as_default(step=1):\n"
        "    tf.summary.scalar('s', 1.0); tf.summary.histogram('h', np.ones(3)); tf.summary.text('t', 'x')\n"
        "    tf.summary.image('i', np.ones((1, 2, 2, 3))); tf.summary.audio('a', np.zeros((1, 5, 1)), 100)\n"
        "w.close()\n"
        "print('tensorflow' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=os.path.dirname(os.path.dirname(__file__)))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_inside_cond_and_while_loop_match_tf(tf_ref, tmp_path):
    def body(tf, d):
        w = tf.summary.create_file_writer(d)
        step = tf.Variable(0, dtype=tf.int64)

        @tf.function
        def f(x):
            def pos():
                tf.summary.scalar("positive", tf.reduce_sum(x), step=step)
                return x * 2.0

            y = tf.cond(tf.reduce_sum(x) > 0, pos, lambda: x * 0.0)

            def loop_body(i):
                tf.summary.scalar("loop", tf.cast(i, tf.float32), step=step * 10 + tf.cast(i, tf.int64))
                return (i + 1,)

            tf.while_loop(lambda i: i < 3, loop_body, (tf.constant(0),))
            step.assign_add(1)
            return y

        with w.as_default():
            for v in (1.0, -1.0, 2.0):
                f(tf.constant([v, v]))
        w.close()

    got, want = _both(tf_ref, tmp_path, body)
    # TF's graph puts control-flow bodies in the op's name scope (cond/, while/); tfshim does not (documented).
    assert sorted(want) == ["cond/positive", "while/loop"]
    want = {t.split("/", 1)[1]: v for t, v in want.items()}
    _same_events(got, want)
    assert [e[0] for e in got["positive"]] == [0, 2]
    assert [e[0] for e in got["loop"]] == [0, 1, 2, 10, 11, 12, 20, 21, 22]
