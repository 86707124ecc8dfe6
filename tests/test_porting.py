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

    data = T.io.read_file("/tmp/logs")
    s = T.strings.join(["a", "b"])
    ok = T.reduce_mean(np.ones(3))
    not_tf = np.linalg.norm(np.ones(3))
""")


def test_scan_finds_chains_and_aliases():
    names = {u.name for u in scan_source(SUPPORTED)}
    assert {"tf.constant", "tf.GradientTape", "tf.math.reduce_sum", "tf.nn.relu", "tf.keras",
            "tf.keras.Sequential", "tf.keras.layers", "tf.keras.layers.Dense", "tf.keras.optimizers.SGD",
            "tf.data.Dataset.from_tensor_slices"} <= names
    # Attributes of results (tape.gradient(...).numpy, ....batch) are not TF names.
    assert not any(n.endswith((".numpy", ".batch", ".watch")) for n in names)
    # Prefixes of a longer chain are not listed separately.
    assert "tf.math" not in names and "tf.data.Dataset" not in names
    names = {u.name for u in scan_source(UNSUPPORTED)}
    assert names == {"tf.io.read_file", "tf.strings.join", "tf.reduce_mean"}


def test_scan_other_import_forms():
    src = "import tensorflow\nimport tfshim as tf2\nfrom tensorflow.keras.layers import Dense as D\n" \
          "a = tensorflow.zeros([2])\nb = tf2.ones([2])\nc = D(3)\n"
    uses = scan_source(src)
    assert {u.name for u in uses} == {"tf.zeros", "tf.ones", "tf.keras.layers", "tf.keras.layers.Dense"}
    assert [u.line for u in uses if u.name == "tf.zeros"] == [4]


def test_resolve_uses_tfshim_namespace():
    assert resolve("tf.math.reduce_sum", tfshim) == (True, "tf.math.reduce_sum")
    assert resolve("tf.io.read_file", tfshim) == (False, "tf.io")
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
    assert text.splitlines()[-1].startswith("Summary: ") and "0 missing (100% covered)" in text

    out = io.StringIO()
    assert check_main([str(tmp_path)], out, root=tfshim) == 1  # a folder: both files
    lines = out.getvalue().splitlines()
    (row,) = [ln for ln in lines if ln.startswith("tf.io.read_file")]
    assert "MISSING" in row and "(tf.io not in tfshim)" in row and "bad.py:5" in row
    (row,) = [ln for ln in lines if ln.startswith("tf.reduce_mean ")]
    assert " ok " in row
    assert "in 2 file(s)" in lines[-1] and "2 missing" in lines[-1]

    out = io.StringIO()
    assert check_main(["-q", str(bad)], out, root=tfshim) == 1
    assert "tf.reduce_mean" not in out.getvalue() and "tf.strings.join" in out.getvalue()


def test_check_command_line(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(UNSUPPORTED)
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    proc = subprocess.run([sys.executable, "-m", "tfshim.check", str(script)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "tf.strings.join" in proc.stdout and "Summary:" in proc.stdout
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n")
    proc = subprocess.run([sys.executable, "-m", "tfshim.check", str(broken)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "broken.py" in proc.stderr


def test_examples_are_fully_covered():
    out = io.StringIO()
    assert check_main(["-q", str(ROOT / "examples")], out, root=tfshim) == 0, out.getvalue()


def test_coverage_against_tensorflow(tf_ref):
    rows = {m: (c, t) for m, c, t in coverage(tf_ref, tfshim, ("tf", "tf.math", "tf.io", "tf.keras.layers"))}
    assert set(rows) == {"tf", "tf.math", "tf.io", "tf.keras.layers"}
    for cov, tot in rows.values():
        assert 0 <= cov <= tot and tot > 0
    assert rows["tf.io"][0] == 0  # not implemented
    assert rows["tf.math"][0] > 50 and rows["tf"][0] > 100
    from tfshim._src.porting import coverage_main

    out = io.StringIO()
    assert coverage_main(["tf.nn", "--missing"], out, root=tfshim) == 0
    text = out.getvalue()
    assert "tf.nn" in text and "missing: " in text and text.splitlines()[-1].startswith("total")
