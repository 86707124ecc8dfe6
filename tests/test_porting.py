"""``python -m tfshim.check`` (the porting checker) and ``python -m tfshim.coverage``."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import tfshim
from tfshim._src.porting import check_main, coverage, resolve, scan_source

ROOT = Path(__file__).resolve().parent.parent

SUPPORTED = textwrap.dedent("""
    import tensorflow as tf
    from tensorflow import keras
    from tensorflow.keras import layers

    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.reduce_sum(tf.nn.relu(x))
    print(tape.gradient(y, x).numpy())
    model = keras.Sequential([layers.Dense(3)])
    opt = tf.keras.optimizers.SGD(0.1)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(1)
""")

UNSUPPORTED = textwrap.dedent("""
    import tensorflow as T
    import numpy as np

    conv = T.lite.TFLiteConverter
    tpu = T.tpu.experimental.initialize_tpu_system
    ok = T.reduce_mean(np.ones(3))
    not_tf = np.linalg.norm(np.ones(3))
""")


def _names(uses):
    return {u.name for u in uses if u.kind == "name"}


def test_scan_finds_chains_and_aliases():
    names = _names(scan_source(SUPPORTED))
    assert {"tf.constant", "tf.GradientTape", "tf.math.reduce_sum", "tf.nn.relu", "tf.keras",
            "tf.keras.Sequential", "tf.keras.layers", "tf.keras.layers.Dense", "tf.keras.optimizers.SGD",
            "tf.data.Dataset.from_tensor_slices"} <= names
    # Attributes of results (tape.gradient(...).numpy, ....batch) are not TF names.
    assert not any(n.endswith((".numpy", ".batch", ".watch")) for n in names)
    # Prefixes of a longer chain are not listed separately.
    assert "tf.math" not in names and "tf.data.Dataset" not in names
    names = _names(scan_source(UNSUPPORTED))
    assert names == {"tf.lite.TFLiteConverter", "tf.tpu.experimental.initialize_tpu_system", "tf.reduce_mean"}


def test_scan_other_import_forms():
    src = "import tensorflow\nimport tfshim as tf2\nfrom tensorflow.keras.layers import Dense as D\n" \
          "a = tensorflow.zeros([2])\nb = tf2.ones([2])\nc = D(3)\n"
    uses = scan_source(src)
    assert _names(uses) == {"tf.zeros", "tf.ones", "tf.keras.layers", "tf.keras.layers.Dense"}
    assert [u.line for u in uses if u.name == "tf.zeros"] == [4]


def test_resolve_uses_tfshim_namespace():
    assert resolve("tf.math.reduce_sum", tfshim) == (True, "tf.math.reduce_sum")
    assert resolve("tf.lite.TFLiteConverter", tfshim) == (False, "tf.lite")
    assert resolve("tf.keras.layers.NoSuchLayer", tfshim) == (False, "tf.keras.layers.NoSuchLayer")
    assert resolve("tf.nn.relu", tfshim)[0] == hasattr(tfshim.nn, "relu")


def test_check_exit_status_and_report(tmp_path):
    good, bad = tmp_path / "good.py", tmp_path / "sub" / "bad.py"
    bad.parent.mkdir()
    good.write_text(SUPPORTED)
    bad.write_text(UNSUPPORTED)

    out = io.StringIO()
    assert check_main([str(good)], out, root=tfshim) == 0
    text = out.getvalue()
    assert "tf.nn.relu" in text and "MISSING" not in text
    assert text.splitlines()[-2].startswith("Summary: ") and "0 missing (100% covered)" in text
    assert text.splitlines()[-1] == "Files: 1 of 1 fully covered (100%)."

    out = io.StringIO()
    assert check_main([str(tmp_path)], out, root=tfshim) == 1  # a folder: both files
    lines = out.getvalue().splitlines()
    (row,) = [ln for ln in lines if ln.startswith("tf.lite.TFLiteConverter")]
    assert "MISSING" in row and "(tf.lite not in tfshim)" in row and "bad.py:5" in row
    (row,) = [ln for ln in lines if ln.startswith("tf.reduce_mean ")]
    assert " ok " in row
    assert "in 2 file(s)" in lines[-2] and "2 missing" in lines[-2]
    assert lines[-1] == "Files: 1 of 2 fully covered (50%)."

    out = io.StringIO()
    assert check_main(["-q", str(bad)], out, root=tfshim) == 1
    assert "tf.reduce_mean" not in out.getvalue() and "tf.tpu.experimental.initialize_tpu_system" in out.getvalue()


def test_check_command_line(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(UNSUPPORTED)
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    proc = subprocess.run([sys.executable, "-m", "tfshim.check", str(script)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "tf.tpu.experimental.initialize_tpu_system" in proc.stdout and "Summary:" in proc.stdout
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n")
    proc = subprocess.run([sys.executable, "-m", "tfshim.check", str(broken)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "broken.py" in proc.stderr  # nothing could be read
    proc = subprocess.run([sys.executable, "-m", "tfshim.check", "--no-tensorflow", str(tmp_path)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    # One broken file is reported and skipped; the other file is still checked.
    assert proc.returncode == 1 and "skipped: " in proc.stderr and "broken.py" in proc.stderr
    assert "tf.lite.TFLiteConverter" in proc.stdout and "Files: 0 of 1 fully covered (0%); 1 skipped" in proc.stdout


def test_examples_are_fully_covered():
    out = io.StringIO()
    assert check_main(["-q", str(ROOT / "examples")], out, root=tfshim) == 0, out.getvalue()


def test_coverage_against_tensorflow(tf_ref):
    rows = {m: (c, t) for m, c, t in coverage(tf_ref, tfshim, ("tf", "tf.math", "tf.lite", "tf.keras.layers"))}
    assert set(rows) == {"tf", "tf.math", "tf.lite", "tf.keras.layers"}
    for cov, tot in rows.values():
        assert 0 <= cov <= tot and tot > 0
    assert rows["tf.lite"][0] == 0  # not implemented
    assert rows["tf.math"][0] > 50 and rows["tf"][0] > 100
    from tfshim._src.porting import coverage_main

    out = io.StringIO()
    assert coverage_main(["tf.nn", "--missing"], out, root=tfshim) == 0
    text = out.getvalue()
    assert "tf.nn" in text and "missing: " in text and text.splitlines()[-1].startswith("total")


# -- the checker tells the truth (issue 17 §7) ------------------------------------------------------------------
def _notebook(cells):
    import json

    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": kind, "metadata": {}, "source": src.splitlines(keepends=True),
         **({"outputs": [], "execution_count": None} if kind == "code" else {})} for kind, src in cells]})


def test_notebook_code_cells_magics_and_bad_cell(tmp_path, tf_ref):
    from tfshim._src.porting import scan_file

    nb = _notebook([
        ("markdown", "import tensorflow as tf\ntf.summary.scalar('in markdown, not code', 1)"),
        ("code", "!pip install -q tensorflow\n%matplotlib inline\nimport tensorflow as tf\nimport numpy as np"),
        ("code", "if True:\n    !nvidia-smi \\\n      --query\n    x = tf.constant([1.0])\nfiles = !ls\ntf.reduce_sum?"),
        ("code", "%%bash\necho tf.lite.Interpreter"),
        ("code", "%%time\ny = tf.lite.Interpreter('m.tflite')"),
        ("code", "def broken(:\n    tf.image.resize(x, [2, 2])"),
        ("code", "   z = tf.nn.relu(x)  # indented cell"),
    ])
    uses, notes = scan_file("nb.ipynb", nb, root=tfshim, reference=tf_ref)
    assert _names(uses) == {"tf.constant", "tf.lite.Interpreter", "tf.nn.relu"}
    assert {(u.name, u.cell, u.line) for u in uses} >= {("tf.constant", 3, 4), ("tf.lite.Interpreter", 5, 2)}
    assert [u.where for u in uses if u.name == "tf.nn.relu"] == ["nb.ipynb:cell7:1"]
    assert len(notes) == 1 and "code cell 6 skipped" in notes[0]

    # In a folder, next to .py files; the summary counts files.
    (tmp_path / "a.ipynb").write_text(nb)
    (tmp_path / "b.py").write_text(SUPPORTED)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text(nb)
    out = io.StringIO()
    assert check_main([str(tmp_path)], out, root=tfshim, reference=tf_ref) == 1
    text = out.getvalue()
    assert "a.ipynb:cell5:2" in text and "in 2 file(s)" in text
    assert text.splitlines()[-1] == "Files: 1 of 2 fully covered (50%)."


def test_aliases_by_assignment_compat_v2_and_star_imports(tf_ref):
    src = textwrap.dedent("""
        import tensorflow.compat.v2 as tf
        from tensorflow.keras.layers import *
        from tensorflow.keras import *
        K = tf.keras.backend
        layers = tf.keras.layers
        L2 = layers
        y = K.epsilon()
        d = L2.Dense(3)
        c = Conv2D(4, 3)          # from the star import
        def Dropout(rate):        # defined here: not the star-imported name
            return rate
        Dropout(0.5)
        m = Sequential([d, c])    # tf.keras.Sequential by the second star import
        print(len([1]))           # a builtin, not TF
        z = tf.compat.v2.zeros([2])
    """)
    uses = scan_source(src, root=tfshim, reference=tf_ref)
    names = _names(uses)
    assert {"tf.keras.backend.epsilon", "tf.keras.layers.Dense", "tf.keras.layers.Conv2D", "tf.keras.Sequential",
            "tf.zeros"} <= names
    assert "tf.keras.layers.Dropout" not in names and "tf.keras.print" not in names
    assert not any(n.startswith("tf.compat") for n in names)
    # Star imports bind what real TF's module has: the checker reports them against tfshim.
    assert resolve("tf.keras.layers.Conv2D", tf_ref)[0]


def test_methods_of_known_objects(tf_ref):
    from tfshim._src.porting import Report, check

    src = textwrap.dedent("""
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.no_such_method_anywhere()     # not on TF's class either: cannot tell, not reported
        ds = tf.data.Dataset.range(8).map(lambda x: x).batch(2)
        ds.prefetch(1)
        class Net(tf.keras.Model):
            def __init__(self):
                super().__init__()
                self.dense = tf.keras.layers.Dense(1)
            def my_helper(self):
                return self.dense
            def call(self, x):
                return self.my_helper()(x)
        net = Net()
        net.my_helper()
        net.fit
        with tf.GradientTape() as tape:
            pass
        tape.gradient
    """)
    uses = scan_source(src, root=tfshim, reference=tf_ref)
    methods = {u.name for u in uses if u.kind == "method"}
    assert {"tf.keras.Sequential.compile", "tf.data.Dataset.prefetch", "tf.keras.Model.fit",
            "tf.GradientTape.gradient"} <= methods
    assert not any(m.endswith(("my_helper", ".dense")) for m in methods)  # the subclass's own names

    # A method TF's class has and tfshim's lacks is reported (a fake tfshim without Model.fit), a name that
    # neither has is not; a file using it is not fully covered.
    import types

    class FakeModel:
        def compile(self):
            pass

    fake_keras = types.SimpleNamespace(Model=FakeModel, Sequential=FakeModel, layers=tfshim.keras.layers)
    fake = types.SimpleNamespace(keras=fake_keras, data=tfshim.data, GradientTape=tfshim.GradientTape)
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.py")
        with open(path, "w") as f:
            f.write(src)
        rep: Report = check([path], root=fake, reference=tf_ref)
    assert rep.verdicts[("method", "tf.keras.Model.fit")] == "missing"
    assert rep.verdicts[("method", "tf.keras.Sequential.compile")] == "ok"
    assert rep.verdicts[("method", "tf.keras.Sequential.no_such_method_anywhere")] == "ok"
    assert rep.covered_files() == []


def test_companion_libraries_and_names_tf_lacks(tmp_path, tf_ref):
    src = textwrap.dedent("""
        import tensorflow as tf
        import tensorflow_datasets as tfds
        import tensorflow_hub as hub
        from keras import layers
        import keras.ops
        x = tf.constant(1.0)
        sess = tf.Session()
        tf.contrib.layers.flatten(x)
    """)
    path = tmp_path / "c.py"
    path.write_text(src)
    uses = scan_source(src, root=tfshim, reference=tf_ref)
    assert {u.name for u in uses if u.kind == "companion"} == {"tensorflow_datasets", "tensorflow_hub", "keras"}
    out = io.StringIO()
    assert check_main([str(path)], out, root=tfshim, reference=tf_ref) == 1
    text = out.getvalue()
    rows = {ln.split()[0]: ln for ln in text.splitlines() if ln and not ln.endswith(":")}
    assert "NOT-IN-TF" in rows["tf.Session"] and "NOT-IN-TF" in rows["tf.contrib.layers.flatten"]
    assert "COMPANION" in rows["tensorflow_hub"] and "COMPANION" in rows["keras"]
    assert " ok " in rows["tf.constant"]
    assert "2 not in TensorFlow" in text and "companion libraries: keras, tensorflow_datasets, tensorflow_hub" in text
    assert text.splitlines()[-1] == "Files: 0 of 1 fully covered (0%)."
    # Without the reference, names TF lacks are plain gaps (no TF to ask).
    out = io.StringIO()
    assert check_main(["--no-tensorflow", str(path)], out, root=tfshim) == 1
    assert "NOT-IN-TF" not in out.getvalue() and "MISSING" in out.getvalue()
