"""tfshim at two git revisions on the same workloads: is a change slower anywhere?

Usage (from the repository root)::

    python benchmarks/compare_revisions.py BASE [--rounds 5]

``BASE`` is checked out into a temporary git worktree; the working tree is the other side. Each
round runs every workload once per side in a fresh subprocess, alternating which side goes first,
and the table shows per-workload medians over rounds and the ratio HEAD/BASE (below 1: faster now).
Only tfshim is timed here; ``run.py`` compares against TensorFlow and JAX.
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
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent


def _timeit(fn: Callable[[], Any], block: Callable[[Any], Any], calls: int, repeats: int = 7) -> float:
    """Median µs per call of ``fn`` over ``repeats`` rounds of ``calls`` calls (after a warm-up)."""
    for _ in range(3):
        block(fn())
    per = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            r = fn()
        block(r)
        per.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(per)


def workloads(tf: Any) -> dict[str, Callable[[], float]]:
    """name -> a function returning µs per call; the same code runs on either revision."""
    import numpy as np

    def block(x: Any) -> None:
        if isinstance(x, (list, tuple)):
            x = x[0]
        getattr(x, "numpy", lambda: None)()

    out: dict[str, Callable[[], float]] = {}
    a, b = tf.constant(1.5), tf.constant(2.5)
    out["tf.add, two scalars"] = lambda: _timeit(lambda: tf.add(a, b), block, 2000)
    v = tf.constant(np.ones((8, 8), np.float32))
    out["x * 2.0 (8x8)"] = lambda: _timeit(lambda: v * 2.0, block, 2000)
    m = tf.constant(np.linalg.qr(np.random.default_rng(0).standard_normal((50, 50)))[0].astype(np.float32))
    box = [tf.constant(np.ones((50, 50), np.float32))]

    def mm() -> Any:
        box[0] = tf.matmul(box[0], m)
        return box[0]

    out["tf.matmul chain 50x50"] = lambda: _timeit(mm, block, 1000)
    w, bb = tf.Variable(5.0), tf.Variable(0.0)
    xs = tf.random.normal([2000])
    ys = xs * 3.0 + 2.0

    def reg_step() -> Any:
        with tf.GradientTape() as t:
            loss = tf.reduce_mean(tf.square(w * xs + bb - ys))
        dw, db = t.gradient(loss, [w, bb])
        w.assign_sub(0.01 * dw)
        bb.assign_sub(0.01 * db)
        return loss

    out["guide regression step, eager tape"] = lambda: _timeit(reg_step, block, 300)
    reg_fn = tf.function(reg_step)
    out["guide regression step, tf.function"] = lambda: _timeit(reg_fn, block, 1000)
    x0 = tf.constant(np.linspace(0.1, 1.0, 100).astype(np.float32))

    def chain() -> Any:
        with tf.GradientTape() as t:
            t.watch(x0)
            y = x0
            for _ in range(100):
                y = tf.sin(y) * 1.01
        return t.gradient(y, x0)

    out["200-op chain tape.gradient"] = lambda: _timeit(chain, block, 30)
    f1 = tf.function(lambda z: z + 1.0)
    out["tf.function call a + 1.0"] = lambda: _timeit(lambda: f1(a), block, 2000)
    acc = tf.Variable(0.0)
    out["Variable.assign_add"] = lambda: _timeit(lambda: acc.assign_add(1.0), lambda r: None, 2000)

    rng = np.random.default_rng(0)
    imgs = tf.constant(rng.random((32, 28, 28, 1), np.float32))
    labels = tf.constant(rng.integers(0, 10, 32).astype(np.int64))
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu", input_shape=(28, 28, 1)),
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(10),
    ])
    opt = tf.keras.optimizers.Adam()
    lossf = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as t:
            loss = lossf(y, model(x, training=True))
        g = t.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(g, model.trainable_variables))
        return loss

    out["MNIST CNN train_step in tf.function"] = lambda: _timeit(lambda: train_step(imgs, labels), block, 50)
    fm = tf.keras.Sequential([tf.keras.layers.Dense(64, activation="relu", input_shape=(784,)),
                              tf.keras.layers.Dense(10)])
    fm.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    fx = rng.random((3200, 784), np.float32)
    fy = rng.integers(0, 10, 3200)

    def fit_epoch() -> Any:
        fm.fit(fx, fy, batch_size=32, epochs=1, verbose=0, shuffle=False)
        return None

    out["MLP model.fit, per batch of 32"] = lambda: _timeit(fit_epoch, lambda r: None, 1, 5) / 100
    return out


def worker(path: str) -> None:
    sys.path.insert(0, path)
    import tfshim as tf

    assert Path(tf.__file__).resolve().is_relative_to(Path(path).resolve()), tf.__file__
    res = {name: fn() for name, fn in workloads(tf).items()}
    print(json.dumps(res))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("base", nargs="?", help="git revision to compare the working tree against")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args.worker)
        return
    with tempfile.TemporaryDirectory() as tmp:
        base_dir = os.path.join(tmp, "base")
        subprocess.run(["git", "worktree", "add", "--detach", base_dir, args.base], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            sides = {"base": base_dir, "head": str(ROOT)}
            got: dict[str, list] = {"base": [], "head": []}
            for r in range(args.rounds):
                order = ["base", "head"] if r % 2 == 0 else ["head", "base"]
                for side in order:
                    out = subprocess.run([sys.executable, __file__, "--worker", sides[side]], capture_output=True,
                                         text=True, check=True, cwd=tmp, env={**os.environ, "PYTHONPATH": ""})
                    got[side].append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", base_dir], cwd=ROOT, capture_output=True)
    print(f"| workload | {args.base} µs | working tree µs | ratio |\n|---|---:|---:|---:|")
    for name in got["head"][0]:
        b = statistics.median(x[name] for x in got["base"])
        h = statistics.median(x[name] for x in got["head"])
        print(f"| {name} | {b:,.1f} | {h:,.1f} | {h / b:.3f} |")


if __name__ == "__main__":
    main()
