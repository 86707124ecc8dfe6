"""A training epoch written as TF2 code: ``for x, y in dataset`` inside one ``@tf.function``.

Variants (each in its own process, same data and initial weights):

- ``tf``: real TensorFlow running the tf.function (AutoGraph turns the loop into a graph while loop).
- ``tfshim-loop``: tfshim, the same source; AutoGraph stages the loop (lax.scan over host-fed batches).
- ``tfshim-step``: tfshim, a Python loop over the dataset calling a compiled ``@tf.function`` step.
- ``tfshim-eager``: tfshim, the same epoch without tf.function (eager ops and tape).

Prints one line per variant: first-epoch seconds (trace + compile) and the median of later epochs, plus the
mean loss of the last epoch (the variants must agree). Usage: ``python benchmarks/bench_autograph.py
[--n 8192] [--epochs 4]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _program(variant: str, n: int, epochs: int) -> dict:
    if variant == "tf":
        import tensorflow as tf
    else:
        sys.path.insert(0, ROOT)
        import tfshim as tf
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 784)).astype(np.float32)
    Y = rng.integers(0, 10, n).astype(np.int64)
    model = tf.keras.Sequential([tf.keras.layers.Dense(128, activation="relu"), tf.keras.layers.Dense(10)])
    model.build((None, 784))
    model.set_weights([rng.standard_normal(w.shape).astype(np.float32) * 0.05 for w in model.weights])
    opt = tf.keras.optimizers.SGD(0.05)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(64)

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    def epoch(ds):
        total = tf.constant(0.0)
        k = tf.constant(0)
        for x, y in ds:
            total += step(x, y)
            k += 1
        return total / tf.cast(k, tf.float32)

    if variant in ("tf", "tfshim-loop"):
        run = tf.function(epoch)
    elif variant == "tfshim-step":
        compiled = tf.function(step)

        def run(ds):
            total, k = 0.0, 0
            for x, y in ds:
                total += float(compiled(x, y))
                k += 1
            return total / k
    else:
        run = epoch
    times = []
    loss = None
    for _ in range(epochs):
        t = time.perf_counter()
        loss = float(run(ds))
        times.append(time.perf_counter() - t)
    return {"variant": variant, "first_s": times[0], "epoch_s": statistics.median(times[1:]), "loss": loss}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=8192)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--variant")
    args = p.parse_args()
    if args.variant:
        print(json.dumps(_program(args.variant, args.n, args.epochs)))
        return
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS=os.environ.get("JAX_PLATFORMS", "cpu"))
    print(f"training epoch, {args.n} examples, batch 64, MLP 784-128-10, {args.epochs} epochs")
    for v in ("tf", "tfshim-loop", "tfshim-step", "tfshim-eager"):
        out = subprocess.run([sys.executable, __file__, "--variant", v, "--n", str(args.n), "--epochs",
                              str(args.epochs)], capture_output=True, text=True, env=env, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{v:14s} first epoch {r['first_s']:8.3f} s   later epochs {r['epoch_s'] * 1e3:9.1f} ms   "
              f"loss {r['loss']:.6f}")


if __name__ == "__main__":
    main()
