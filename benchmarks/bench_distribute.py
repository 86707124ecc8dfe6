"""tf.distribute: a MirroredStrategy MNIST training step on 1, 2, 4 and 8 devices (a scaling table).

Workload: Conv2D(8,3,relu) → MaxPooling2D → Flatten → Dense(10), Adam(1e-3),
SparseCategoricalCrossentropy(from_logits=True, reduction="none") averaged with
``tf.nn.compute_average_loss(..., global_batch_size=64)``; global batches of 64 28x28x1 images from
``strategy.experimental_distribute_dataset``, distributed before timing. One call is the standard
custom-loop step, ``@tf.function dstep(x, y) = strategy.reduce("SUM", strategy.run(step, ...), axis=None)``,
finished with ``.numpy()``. tfshim and real TF run the same code (the model starts from the same
weights); the jax column is a hand-written ``jax.jit`` step of the same model (lax conv/max-pool, optax
Adam) with the batch split over ``Mesh(devices[:n], ("replica",))`` and the parameters replicated (GSPMD
data parallelism), the floor for tfshim's SPMD ``strategy.run``.

The devices are simulated CPU devices (``XLA_FLAGS=--xla_force_host_platform_device_count=8`` for JAX,
8 logical CPU devices for TF) that share the machine's cores: up to the core count the replicas can run in
parallel, past it more devices only add splitting and all-reduce work on the same cores. The table
measures the overhead of each library's distribution, not the speed-up real devices would give; the
target column gives each library's time relative to its own 1-device step. Always on the CPU, whatever
``--device`` says. JAX must see 8 devices before it starts, so the timing runs in a subprocess,
``benchmarks/_distribute_worker.py`` (all three libraries in it, timed interleaved as in every other
module), which prints its numbers back as JSON.

The optimizer's slots are built in the strategy's scope (``opt.build(model.trainable_variables)``):
real TF's Keras 3 Adam cannot create them inside the tf.function under a multi-device MirroredStrategy.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

try:
    from benchmarks._harness import Result
except ImportError:  # run as a script from benchmarks/
    from _harness import Result

WORKER = Path(__file__).resolve().parent / "_distribute_worker.py"
MAX_DEVICES = 8


def _worker_env() -> dict[str, str]:
    env = dict(os.environ, JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")
    env.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    flags = re.sub(r"--xla_force_host_platform_device_count=\S+", "", env.get("XLA_FLAGS", "")).strip()
    env["XLA_FLAGS"] = f"{flags} --xla_force_host_platform_device_count={MAX_DEVICES}".strip()
    return env


def measure(devices: list[int], calls: int, repeats: int, warmup: int, timeout: float) -> dict[int, dict[str, float]]:
    """µs per step for each library and device count, measured in a fresh subprocess with 8 CPU devices."""
    config = {"devices": devices, "calls": calls, "repeats": repeats, "warmup": warmup}
    proc = subprocess.run([sys.executable, str(WORKER), json.dumps(config)], env=_worker_env(),
                          capture_output=True, text=True, timeout=timeout, cwd=str(WORKER.parent.parent))
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"benchmarks/_distribute_worker.py failed (exit {proc.returncode}):\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return {int(n): us for n, us in json.loads(lines[-1].removeprefix("RESULT ")).items()}


def run(quick: bool = False) -> list[Result]:
    """One row per device count: the MirroredStrategy MNIST step in tfshim, TF and JAX."""
    if quick:
        devices, calls, repeats, warmup, timeout = [1, 2], 3, 1, 1, 300
    else:
        devices, calls, repeats, warmup, timeout = [1, 2, 4, 8], 20, 7, 2, 1800
    timings = measure(devices, calls, repeats, warmup, timeout)
    base = timings.get(1)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        cores = os.cpu_count() or 1
    shared = f"simulated CPUs share {cores} core{'s' if cores > 1 else ''}: overhead, not real scaling"
    out = []
    for n in devices:
        us = timings[n]
        target = f"informative ({shared})"
        if base is not None and n != 1:
            target = (f"informative: vs 1 device tfshim {us['tfshim'] / base['tfshim']:.2f}x, "
                      f"TF {us['tensorflow'] / base['tensorflow']:.2f}x ({shared})")
        name = f"distribute MNIST step, {n} device{'s' if n > 1 else ''} (simulated CPUs, MirroredStrategy)"
        out.append(Result(name, "step", target, us))
    return out


if __name__ == "__main__":
    for r in run():
        print(f"{r.name}: " + ", ".join(f"{k} {v:.0f} µs" for k, v in r.us.items())
              + f"  tfshim/TF = {r.ratio('tensorflow'):.2f}  tfshim/JAX = {r.ratio('jax'):.2f}")
