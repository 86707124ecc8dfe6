"""Cold start: what a user waits for before the steady state (tfshim vs real TensorFlow).

Usage (from the repository root)::

    python benchmarks/cold_start.py              # every workload, 3 paired rounds
    python benchmarks/cold_start.py --rounds 5 --only eager function

Every measurement runs in a fresh Python process, alternating tfshim and TF within each round, and
the table shows medians over rounds:

- ``program``: ``benchmarks/cold_program.py`` (tape regression, one epoch of the guide's CNN on 2,000
  digits, checkpoint save/restore) as a whole process; tfshim's first run gets an empty compilation
  cache, its second run the cache the first one left;
- ``eager``: 5 eager ops (add, multiply, exp, reduce_sum, matmul), each already run once, on 12 shapes
  never seen before, per op;
- ``function``: a small ``tf.function`` called on 12 new input shapes (plain, and with
  ``reduce_retracing=True``), per call;
- ``tape N``: the first ``tape.gradient`` through an N-op chain (sin, multiply) seen once.

Checkpoint save timings are in ``bench_checkpoint.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = ("program", "eager", "function", "function_relaxed", "tape1000", "tape3000", "tape20000")


def _import(lib: str):  # noqa: ANN202 - the TF module or tfshim
    if lib == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf
    else:
        sys.path.insert(0, str(ROOT))
        import tfshim as tf
    return tf


def worker(lib: str, workload: str) -> float:
    """Seconds (per op / per call / per gradient) of one workload, in this fresh process."""
    import numpy as np

    tf = _import(lib)
    rng = np.random.default_rng(0)
    warm = tf.constant(np.ones((2, 3), np.float32))
    float(tf.reduce_sum(warm * 2.0))  # start the runtime; not counted
    if workload == "eager":
        w = tf.constant(rng.standard_normal((7, 5)).astype(np.float32))
        xs = [tf.constant(rng.standard_normal((10 + i, 7)).astype(np.float32)) for i in range(12)]
        x0 = tf.constant(np.ones((2, 7), np.float32))  # each op once on another shape: not counted
        _ = tf.matmul(tf.exp(tf.multiply(tf.add(x0, x0), x0)), w).numpy(), tf.reduce_sum(x0, axis=1).numpy()
        t0 = time.perf_counter()
        for x in xs:
            y = tf.add(x, x)
            y = tf.multiply(y, x)
            y = tf.exp(y)
            s = tf.reduce_sum(y, axis=1)
            m = tf.matmul(y, w)
        _ = s.numpy(), m.numpy()
        return (time.perf_counter() - t0) / (len(xs) * 5)
    if workload.startswith("function"):
        relaxed = workload.endswith("relaxed")

        @tf.function(reduce_retracing=relaxed)
        def f(x):
            return tf.reduce_sum(tf.tanh(x) * 2.0 + 1.0, axis=0)

        f(tf.constant(np.ones((3, 4), np.float32))).numpy()  # first trace; not counted
        xs = [tf.constant(rng.standard_normal((5 + i, 4)).astype(np.float32)) for i in range(12)]
        t0 = time.perf_counter()
        for x in xs:
            r = f(x)
        r.numpy()
        return (time.perf_counter() - t0) / len(xs)
    if workload.startswith("tape"):
        n = int(workload[4:])
        x = tf.Variable(np.full((16,), 0.5, np.float32))
        with tf.GradientTape() as tape:
            y = x * 1.0
            for _ in range(n // 2):
                y = tf.sin(y)
                y = y * 1.0001
        t0 = time.perf_counter()
        g = tape.gradient(y, x)
        g.numpy()
        return time.perf_counter() - t0
    raise SystemExit(f"unknown workload {workload}")


def _run(cmd: list[str], env: dict | None = None) -> str:
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    if out.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    return out.stdout.strip().splitlines()[-1]


def _program(lib: str, cache_dir: str | None) -> float:
    env = dict(os.environ)
    if cache_dir is not None:
        env["TFSHIM_CACHE_DIR"] = cache_dir
    t0 = time.perf_counter()
    _run([sys.executable, str(ROOT / "benchmarks" / "cold_program.py")] + (["--tf"] if lib == "tensorflow" else []),
         env)
    return time.perf_counter() - t0


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3])))
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--only", nargs="*", default=None, help=f"a subset of {WORKLOADS}")
    args = p.parse_args()
    chosen = [w for w in WORKLOADS if not args.only or w in args.only]
    rows: dict[str, dict[str, list[float]]] = {}
    for r in range(args.rounds):
        for w in chosen:
            libs = ("tfshim", "tensorflow") if r % 2 == 0 else ("tensorflow", "tfshim")
            if w == "program":
                row = rows.setdefault(w, {"tfshim": [], "tfshim (2nd run)": [], "tensorflow": []})
                for lib in libs:
                    if lib == "tensorflow":
                        row["tensorflow"].append(_program(lib, None))
                    else:
                        with tempfile.TemporaryDirectory() as cache:
                            row["tfshim"].append(_program(lib, cache))
                            row["tfshim (2nd run)"].append(_program(lib, cache))
                continue
            row = rows.setdefault(w, {"tfshim": [], "tensorflow": []})
            for lib in libs:
                row[lib].append(json.loads(_run([sys.executable, __file__, "--worker", lib, w])))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
    units = {"program": "s per process", "eager": "µs per op", "function": "ms per call",
             "function_relaxed": "ms per call"}
    scale = {"program": 1.0, "eager": 1e6, "function": 1e3, "function_relaxed": 1e3}
    print("| workload | unit | TF 2.21 | tfshim | tfshim/TF |")
    print("|---|---|---:|---:|---:|")
    for w, row in rows.items():
        unit, k = units.get(w, "s per gradient"), scale.get(w, 1.0)
        tf_med = statistics.median(row["tensorflow"])
        for name, vals in row.items():
            if name == "tensorflow":
                continue
            med = statistics.median(vals)
            print(f"| {w}{'' if name == 'tfshim' else ' ' + name[7:]} | {unit} | {tf_med * k:,.3g} | {med * k:,.3g} | "
                  f"{med / tf_med:.2f} |")


if __name__ == "__main__":
    main()
