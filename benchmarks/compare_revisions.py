"""tfshim at two git revisions on the same workloads: is a change slower anywhere?

Usage (from the repository root)::

    python benchmarks/compare_revisions.py BASE [--rounds 5] [--instructions [--only NAME ...]]

``BASE`` is checked out into a temporary git worktree; the working tree is the other side. Each
round runs every workload once per side in a fresh subprocess, alternating which side goes first,
and the table shows per-workload medians over rounds and the ratio HEAD/BASE (below 1: faster now).
Only tfshim is timed here; ``run.py`` compares against TensorFlow and JAX.

Timings on a busy 2-core VM scatter by more than the few per cent such a comparison asks about, so
``--instructions`` counts instructions instead: each side runs once under valgrind's callgrind, every
workload's counters are zeroed after its warm-up and dumped after its calls (``callgrind_control``), at
two call counts, and the table shows instructions per call (the difference of the two dumps over the
difference of the counts, which cancels the fixed cost of the zero/dump round trip). Instruction counts
do not see cache misses or XLA's threads running in parallel, but they repeat to a fraction of a per cent
whatever else the machine is doing, which is what an A/B of the Python and dispatch paths needs.
"""

from __future__ import annotations

import argparse
import dataclasses
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


@dataclasses.dataclass
class Case:
    """One workload: ``fn`` is called ``calls`` times per round; one call is ``units`` of what the table reports."""

    fn: Callable[[], Any]
    block: Callable[[Any], Any]
    calls: int
    repeats: int = 7
    units: int = 1


def workloads(tf: Any) -> dict[str, Callable[[], float]]:
    """name -> a function returning µs per call; the same code runs on either revision."""
    return {name: (lambda c=c: _timeit(c.fn, c.block, c.calls, c.repeats) / c.units) for name, c in cases(tf).items()}


def cases(tf: Any) -> dict[str, Case]:
    """name -> the workload; the same code runs on either revision."""
    import numpy as np

    def block(x: Any) -> None:
        if isinstance(x, (list, tuple)):
            x = x[0]
        getattr(x, "numpy", lambda: None)()

    out: dict[str, Case] = {}
    a, b = tf.constant(1.5), tf.constant(2.5)
    out["tf.add, two scalars"] = Case(lambda: tf.add(a, b), block, 2000)
    v = tf.constant(np.ones((8, 8), np.float32))
    out["x * 2.0 (8x8)"] = Case(lambda: v * 2.0, block, 2000)
    m = tf.constant(np.linalg.qr(np.random.default_rng(0).standard_normal((50, 50)))[0].astype(np.float32))
    box = [tf.constant(np.ones((50, 50), np.float32))]

    def mm() -> Any:
        box[0] = tf.matmul(box[0], m)
        return box[0]

    out["tf.matmul chain 50x50"] = Case(mm, block, 1000)
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

    out["guide regression step, eager tape"] = Case(reg_step, block, 300)
    reg_fn = tf.function(reg_step)
    out["guide regression step, tf.function"] = Case(reg_fn, block, 1000)
    x0 = tf.constant(np.linspace(0.1, 1.0, 100).astype(np.float32))

    def chain() -> Any:
        with tf.GradientTape() as t:
            t.watch(x0)
            y = x0
            for _ in range(100):
                y = tf.sin(y) * 1.01
        return t.gradient(y, x0)

    out["200-op chain tape.gradient"] = Case(chain, block, 30)
    f1 = tf.function(lambda z: z + 1.0)
    out["tf.function call a + 1.0"] = Case(lambda: f1(a), block, 2000)
    acc = tf.Variable(0.0)
    out["Variable.assign_add"] = Case(lambda: acc.assign_add(1.0), lambda r: None, 2000)

    rng = np.random.default_rng(0)
    imgs = tf.constant(rng.random((32, 28, 28, 1), np.float32))
    labels = tf.constant(rng.integers(0, 10, 32).astype(np.int64))
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Conv2D(16, [3, 3], activation="relu", input_shape=(28, 28, 1)),
            tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
            tf.keras.layers.GlobalAveragePooling2D(),
            tf.keras.layers.Dense(10),
        ]
    )
    opt = tf.keras.optimizers.Adam()
    lossf = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as t:
            loss = lossf(y, model(x, training=True))
        g = t.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(g, model.trainable_variables))
        return loss

    out["MNIST CNN train_step in tf.function"] = Case(lambda: train_step(imgs, labels), block, 50)
    fm = tf.keras.Sequential(
        [tf.keras.layers.Dense(64, activation="relu", input_shape=(784,)), tf.keras.layers.Dense(10)]
    )
    fm.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    fx = rng.random((3200, 784), np.float32)
    fy = rng.integers(0, 10, 3200)

    def fit_epoch() -> Any:
        fm.fit(fx, fy, batch_size=32, epochs=1, verbose=0, shuffle=False)
        return None

    out["MLP model.fit, per batch of 32"] = Case(fit_epoch, lambda r: None, 1, repeats=5, units=100)
    return out


def _import_tfshim(path: str) -> Any:
    sys.path.insert(0, path)
    import tfshim as tf

    assert Path(tf.__file__).resolve().is_relative_to(Path(path).resolve()), tf.__file__
    return tf


def worker(path: str) -> None:
    tf = _import_tfshim(path)
    res = {name: fn() for name, fn in workloads(tf).items()}
    print(json.dumps(res))


def _callgrind(command: str, label: str = "") -> None:
    """Ask the callgrind instance running this process to zero (``-z``) or dump (``-d label``) its counters."""
    args = ["callgrind_control", command] + ([label] if label else []) + [str(os.getpid())]
    subprocess.run(args, check=True, capture_output=True)


def count_worker(path: str, only: list[str]) -> None:
    """Runs under callgrind: per workload, warm up, then for each of two call counts zero, call, dump."""
    tf = _import_tfshim(path)
    labels = {}
    for i, (name, c) in enumerate(cases(tf).items()):
        if only and not any(o in name for o in only):
            continue
        # Steady state: past the first 2,000 calls of each kernel, whose input signatures dispatch watches
        # for first sightings (the host twins of the cold-start path).
        for _ in range(2100 if c.calls >= 300 else 2 * c.calls + 3):
            r = c.fn()
        c.block(r)
        for n in _counts(c):
            _callgrind("-z")
            r = None
            for _ in range(n):
                r = c.fn()
            c.block(r)
            _callgrind("-d", f"w{i}n{n}")
            labels[f"w{i}n{n}"] = [name, n, c.units]
    print(json.dumps(labels))


def _counts(c: Case) -> tuple[int, int]:
    n = max(1, c.calls // 20)
    return n, 3 * n


def count_side(path: str, tmp: str, only: list[str]) -> dict[str, float]:
    """Instructions per reported unit of every workload, tfshim imported from ``path``."""
    import glob

    out_dir = tempfile.mkdtemp(dir=tmp)
    env = {**os.environ, "PYTHONPATH": "", "PYTHONHASHSEED": "0", "TFSHIM_CACHE_DIR": "off"}
    cmd = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out_dir}/cg.out",
        sys.executable,
        __file__,
        "--count-worker",
        path,
    ] + [x for o in only for x in ("--only", o)]
    proc = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=tmp, env=env)
    labels = json.loads(proc.stdout.strip().splitlines()[-1])
    got: dict[str, int] = {}
    for f in glob.glob(f"{out_dir}/cg.out.*"):
        text = Path(f).read_text(errors="replace")
        label = next(line.split()[-1] for line in text.splitlines() if line.startswith("desc: Trigger:"))
        got[label] = int(next(line.split()[1] for line in text.splitlines() if line.startswith("summary:")))
    runs: dict[str, list] = {}
    for label, (name, n, units) in labels.items():
        runs.setdefault(name, []).append((n, got[label], units))
    res = {}
    for name, ((n1, i1, units), (n2, i2, _)) in runs.items():
        res[name] = (i2 - i1) / (n2 - n1) / units
    return res


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("base", nargs="?", help="git revision to compare the working tree against")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--instructions", action="store_true", help="count instructions under callgrind instead of timing")
    p.add_argument("--only", action="append", default=[], help="with --instructions: workloads whose name has this")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--count-worker", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args.worker)
        return
    if args.count_worker:
        count_worker(args.count_worker, args.only)
        return
    with tempfile.TemporaryDirectory() as tmp:
        base_dir = os.path.join(tmp, "base")
        subprocess.run(
            ["git", "worktree", "add", "--detach", base_dir, args.base], cwd=ROOT, check=True, capture_output=True
        )
        sides = {"base": base_dir, "head": str(ROOT)}
        try:
            if args.instructions:
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(2) as pool:  # the two sides under valgrind at once: one core each
                    futs = {side: pool.submit(count_side, path, tmp, args.only) for side, path in sides.items()}
                    counts = {side: f.result() for side, f in futs.items()}
            else:
                got = _time_sides(sides, args.rounds, tmp)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", base_dir], cwd=ROOT, capture_output=True)
    if args.instructions:
        print(f"| workload | {args.base} instructions | working tree instructions | ratio |\n|---|---:|---:|---:|")
        for name, h in counts["head"].items():
            b = counts["base"][name]
            print(f"| {name} | {b:,.0f} | {h:,.0f} | {h / b:.3f} |")
        return
    print(f"| workload | {args.base} µs | working tree µs | ratio |\n|---|---:|---:|---:|")
    for name in got["head"][0]:
        b = statistics.median(x[name] for x in got["base"])
        h = statistics.median(x[name] for x in got["head"])
        print(f"| {name} | {b:,.1f} | {h:,.1f} | {h / b:.3f} |")


def _time_sides(sides: dict[str, str], rounds: int, tmp: str) -> dict[str, list]:
    """Every workload timed once per side per round, in fresh subprocesses, alternating which side goes first."""
    got: dict[str, list] = {"base": [], "head": []}
    for r in range(rounds):
        order = ["base", "head"] if r % 2 == 0 else ["head", "base"]
        for side in order:
            out = subprocess.run(
                [sys.executable, __file__, "--worker", sides[side]],
                capture_output=True,
                text=True,
                check=True,
                cwd=tmp,
                env={**os.environ, "PYTHONPATH": ""},
            )
            got[side].append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"round {r + 1}/{rounds} done", file=sys.stderr)
    return got


if __name__ == "__main__":
    main()
