"""Smoke test of the benchmark harness: ``benchmarks/run.py --quick`` runs end to end and gives
finite, positive timings for tfshim, real TensorFlow and plain JAX. It never asserts speed."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmarks_quick_run(tf_ref, tmp_path):
    out_md, out_json = tmp_path / "results.md", tmp_path / "results.json"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS=os.environ.get("JAX_PLATFORMS", "cpu"))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out", str(out_md), "--json", str(out_json)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(out_json.read_text())
    names = [r["name"] for r in data["results"]]
    assert any("tf.add" in n for n in names)
    assert any("regression" in n for n in names)
    assert any("chain, tape.gradient" in n for n in names)
    for r in data["results"]:
        assert set(r["us"]) == {"tfshim", "tensorflow", "jax"}, r
        for lib, us in r["us"].items():
            assert math.isfinite(us) and us > 0, (r["name"], lib, us)
    table = out_md.read_text()
    assert "| benchmark |" in table and "tfshim/TF" in table
    assert data["machine"]["tensorflow"] == tf_ref.__version__
