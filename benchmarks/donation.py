"""What donating variable buffers to compiled steps saves: step time and peak memory, on and off.

Usage (from the repository root)::

    python benchmarks/donation.py [--steps 30]

Workloads: the guide's MNIST CNN train step and a 10M-parameter MLP (Adam), as a ``tf.function``
step and through ``model.train_on_batch``, with donation on (tfshim's default) and off. Step times
come from one process that alternates the two variants (so machine noise hits both alike); each
variant's memory from a fresh process of its own: its maximum resident set size after five steps
(compilation included, which is the same for both).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_step(workload: str, donate: bool) -> tuple:
    """(a function running one training step, the parameter count) with donation on or off."""
    sys.path.insert(0, str(ROOT))
    import numpy as np

    import tfshim as tf
    from tfshim._src.keras import trainer

    trainer._JitStep.donate = donate
    rng = np.random.default_rng(0)
    if workload.startswith("mnist"):
        x = rng.random((32, 28, 28, 1), np.float32)
        y = rng.integers(0, 10, 32)
        model = tf.keras.Sequential([
            tf.keras.layers.Conv2D(16, [3, 3], activation="relu", input_shape=(28, 28, 1)),
            tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
            tf.keras.layers.GlobalAveragePooling2D(),
            tf.keras.layers.Dense(10),
        ])
    else:
        x = rng.random((64, 784), np.float32)
        y = rng.integers(0, 10, 64)
        model = tf.keras.Sequential([
            tf.keras.layers.Dense(3000, activation="relu", input_shape=(784,)),
            tf.keras.layers.Dense(3000, activation="relu"),
            tf.keras.layers.Dense(10),
        ])
    params = sum(int(np.prod(w.shape)) for w in model.weights)
    lossf = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    if workload.endswith("fit"):
        model.compile(tf.keras.optimizers.Adam(), lossf)
        model.fit(x, y, batch_size=len(x), epochs=1, verbose=0)  # compile + build the optimizer

        def step() -> None:
            model.train_on_batch(x, y)
    else:
        opt = tf.keras.optimizers.Adam()
        xt, yt = tf.constant(x), tf.constant(y)

        def body(a, b):
            with tf.GradientTape() as t:
                loss = lossf(b, model(a, training=True))
            g = t.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(g, model.trainable_variables))
            return loss

        fn = tf.function(body)
        fn._donate = donate
        fn(xt, yt).numpy()

        def step() -> None:
            fn(xt, yt).numpy()
    step()
    return step, params


def worker(workload: str, mode: str, steps: int) -> dict:
    """mode "time": both variants in this process, timed in alternation (the ratio is what counts);
    mode "mem1"/"mem0": one variant alone, then the process's peak resident memory."""
    if mode == "time":
        steps_by = {d: make_step(workload, d)[0] for d in (True, False)}
        times: dict = {True: [], False: []}
        for _ in range(steps):
            for d, step in steps_by.items():
                t0 = time.perf_counter()
                step()
                times[d].append(time.perf_counter() - t0)
        return {"on_ms": statistics.median(times[True]) * 1e3, "off_ms": statistics.median(times[False]) * 1e3}
    step, params = make_step(workload, mode == "mem1")
    for _ in range(5):
        step()
    return {"total_mb": _maxrss_mb(), "params": params}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], args.steps)))
        return
    names = {"mnist": "guide MNIST CNN step, tf.function", "mnist_fit": "guide MNIST CNN, model.train_on_batch",
             "mlp10m": "10M-param MLP step, tf.function", "mlp10m_fit": "10M-param MLP, model.train_on_batch"}
    print("| workload | params | step ms, donated | step ms, not donated | process peak MB, donated | "
          "process peak MB, not donated |\n|---|---:|---:|---:|---:|---:|")
    for w, title in names.items():
        res = {}
        for mode in ("time", "mem1", "mem0"):
            out = subprocess.run([sys.executable, __file__, "--worker", w, mode, "--steps", str(args.steps)],
                                 capture_output=True, text=True, check=True)
            res[mode] = json.loads(out.stdout.strip().splitlines()[-1])
        t, on, off = res["time"], res["mem1"], res["mem0"]
        print(f"| {title} | {on['params']:,} | {t['on_ms']:.2f} | {t['off_ms']:.2f} | {on['total_mb']:.0f} | "
              f"{off['total_mb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
