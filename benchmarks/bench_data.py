"""tf.data throughput: ``from_tensor_slices((60k x 28 x 28 float32, labels)).shuffle(1000)`` then
``.batch(32)`` (no map) and ``.map(scale).batch(32)`` (a per-element cast/scale), one full epoch,
tfshim vs real tf.data in one run. Plain JAX has no input pipeline; its column is a NumPy loop that
gathers shuffled batches by hand and ``device_put``s them (the floor for any pipeline here).

Target (issue 4): tfshim ≥ 70% of tf.data's throughput, i.e. time ratio tfshim/TF ≤ 1/0.7.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np

try:
    from benchmarks._harness import Result, import_libraries
except ImportError:  # run as a script from benchmarks/
    from _harness import Result, import_libraries


def _epoch_time(make: Any, repeats: int) -> float:
    """Median seconds of one full pass over a fresh pipeline (one warm-up pass first)."""
    ds = make()
    for _ in ds:  # warm-up pass (tracing, compilation)
        pass
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        last = None
        for batch in ds:
            last = batch
        np.asarray(last[0])  # wait for asynchronous work on the last batch
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def _data(n: int) -> tuple:
    rng = np.random.default_rng(0)
    return rng.random((n, 28, 28), dtype=np.float32), rng.integers(0, 10, n).astype(np.int64)


def _numpy_floor(x: np.ndarray, y: np.ndarray) -> Any:
    import jax

    class Loop:
        def __iter__(self):
            perm = np.random.permutation(len(x))
            for i in range(0, len(x), 32):
                idx = perm[i:i + 32]
                yield jax.device_put(x[idx] * np.float32(1 / 255)), jax.device_put(y[idx])

    return Loop()


def _guide_loop_step_time(tf: Any, with_data: bool, steps: int) -> float:
    """µs per step of the guide's eager MNIST loop, fed by a tf.data pipeline or one cached batch."""
    try:
        from benchmarks.bench_keras import _guide_model
    except ImportError:  # run as a script from benchmarks/
        from bench_keras import _guide_model
    x, y = _data(steps * 32 + 1000)
    x = x[..., None]
    model = _guide_model(tf)
    optimizer = tf.keras.optimizers.Adam()
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32, drop_remainder=True).prefetch(2)
    cached = next(iter(ds))

    def step(images: Any, labels: Any) -> Any:
        with tf.GradientTape() as tape:
            loss_value = loss_object(labels, model(images, training=True))
        grads = tape.gradient(loss_value, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss_value

    for _ in range(3):
        step(*cached)
    batches = iter(ds) if with_data else iter([cached] * steps)
    t0 = time.perf_counter()
    last = None
    for _, (images, labels) in zip(range(steps), batches):
        last = step(images, labels)
    last.numpy()
    return (time.perf_counter() - t0) / steps * 1e6


def bench_guide_loop_input(quick: bool) -> Result:
    """The guide's eager MNIST loop fed by tf.data, in tfshim and TF; the JAX column holds tfshim's
    same loop on one cached batch (no input pipeline at all), so tfshim/JAX shows what the pipeline
    costs the loop. Target (issue 4): the pipeline is never the bottleneck (tfshim/JAX ≤ 1.1)."""
    tfs, tf_real = import_libraries()
    steps = 5 if quick else 100
    us = {
        "tfshim": _guide_loop_step_time(tfs, True, steps),
        "tensorflow": _guide_loop_step_time(tf_real, True, steps),
        "jax": _guide_loop_step_time(tfs, False, steps),
    }
    return Result("guide MNIST eager loop fed by tf.data (JAX col: tfshim on one cached batch)", "step",
                  f"informative: data-fed/cached = {us['tfshim'] / us['jax']:.2f}", us)


def run(quick: bool = False) -> list[Result]:
    tfs, tf_real = import_libraries()
    n = 6000 if quick else 60000
    repeats = 1 if quick else 3
    x, y = _data(n)
    out = []
    for label, with_map in (("shuffle(1000).batch(32)", False), ("shuffle(1000).map(scale).batch(32)", True)):
        us = {}
        for lib_name, lib in (("tfshim", tfs), ("tensorflow", tf_real)):
            def make(lib: Any = lib, with_map: bool = with_map) -> Any:
                ds = lib.data.Dataset.from_tensor_slices((x, y)).shuffle(1000)
                if with_map:
                    ds = ds.map(lambda a, b: (lib.cast(a, lib.float32) / 255.0, b))
                return ds.batch(32)
            us[lib_name] = _epoch_time(make, repeats) * 1e6 / (n / 32)
        us["jax"] = _epoch_time(lambda: _numpy_floor(x, y), repeats) * 1e6 / (n / 32)
        out.append(Result(f"tf.data {label}, {n} x 28x28", "batch", "tfshim/TF ≤ 1.43 (≥70% throughput)", us,
                          target_ratio=1 / 0.7))
    out.append(bench_guide_loop_input(quick))
    return out


if __name__ == "__main__":
    from _harness import markdown_table

    res = run(quick="--quick" in sys.argv)
    print(markdown_table(res))
    for r in res:
        print(f"{r.name}: tfshim throughput = {1 / r.ratio('tensorflow'):.0%} of tf.data")
