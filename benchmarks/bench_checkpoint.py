"""Checkpoint save and restore, tfshim vs real TF (tensor bundle) in one run.

Two sections:

* **fresh processes** (issue 15, cold start): for (a) one 10M-float32 Variable (``write``) and
  (b) the "Eager essentials" guide's model + optimizer (Conv2D(16,3,relu) → Conv2D(16,3,relu) →
  GlobalAveragePooling2D → Dense(10), trained one step with Adam so its slots exist; ``save``),
  each library runs in new Python processes (alternating which goes first): the *first* save of
  the process (after the model exists, so imports of the library itself are not counted; what the
  save imports or compiles is), then *steady-state* saves, each followed by a restore of what was
  just written. Every save writes a fresh path and the one before the last is deleted (as
  ``CheckpointManager(max_to_keep=1)``), for both libraries alike. Target: saves within 1.5x of TF.
* **in process**: a 10M-parameter tf.Module (four 2.5M float32 Variables and a few small ones),
  ``write`` and ``restore`` timed in rounds that alternate between the libraries.

The JAX column is the floor: the same NumPy arrays written back to back into one file with
``os.write`` (no object graph, no checksums, no rename) and read back with ``readinto``.
Usage: ``python benchmarks/bench_checkpoint.py [--quick]`` prints the rows and ratios.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

try:
    from benchmarks._harness import Result, bench_device, import_libraries
except ImportError:  # run as a script from benchmarks/
    from _harness import Result, bench_device, import_libraries

ROOT = Path(__file__).resolve().parent.parent
CASES = {"a": ("one 10M float32 Variable", "write"), "b": ("guide CNN + Adam (1 step)", "save")}


def _remove(path: str) -> None:
    """Delete a checkpoint of either library (a tfshim directory, TF's ``.index``/``.data-*`` files)."""
    shutil.rmtree(path, ignore_errors=True)
    for p in glob.glob(glob.escape(path) + ".*"):
        if os.path.isdir(p):
            shutil.rmtree(p, ignore_errors=True)
        else:
            os.remove(p)


# -- the workloads ---------------------------------------------------------------------------------------------
def _guide_checkpoint(tf: Any) -> tuple[Any, list]:
    """The guide's CNN and Adam after one training step, in a Checkpoint; and its variables."""
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(10),
    ])
    optimizer = tf.keras.optimizers.Adam()
    rng = np.random.default_rng(0)
    x = rng.random((8, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, 8)
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        loss = loss_object(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    ck = tf.train.Checkpoint(optimizer=optimizer, model=model)
    return ck, list(model.variables) + list(optimizer.variables)


def _big_checkpoint(tf: Any, n: int) -> tuple[Any, list]:
    v = tf.Variable(np.random.default_rng(0).standard_normal(n, dtype=np.float32))
    return tf.train.Checkpoint(v=v), [v]


def worker(lib: str, case: str, n_big: int, saves: int, directory: str) -> dict:
    """In this fresh process: seconds of the first save, then of ``saves`` more saves and restores."""
    if lib == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf

        if bench_device() != "gpu":
            tf.config.set_visible_devices([], "GPU")
    else:
        sys.path.insert(0, str(ROOT))
        import tfshim as tf
    ck, variables = _guide_checkpoint(tf) if case == "b" else _big_checkpoint(tf, n_big)
    for v in variables:  # the values exist (asynchronous creation finished) before the clock starts
        np.asarray(v.numpy())
    prefix = os.path.join(directory, "ckpt")
    counter = [0]

    def save() -> str:
        if case == "b":
            return ck.save(prefix)
        counter[0] += 1
        return ck.write(f"{prefix}-{counter[0]}")

    t0 = time.perf_counter()
    last = save()
    first = time.perf_counter() - t0
    steady, restore, before = [], [], None
    for _ in range(saves):
        t0 = time.perf_counter()
        p = save()
        t1 = time.perf_counter()
        ck.restore(p)
        for v in variables:
            np.asarray(v.numpy())
        t2 = time.perf_counter()
        steady.append(t1 - t0)
        restore.append(t2 - t1)
        if before is not None:
            _remove(before)
        before, last = last, p
    return {"first": first, "steady": steady, "restore": restore}


def _run_worker(lib: str, case: str, n_big: int, saves: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_ckpt_") as d:
        cmd = [sys.executable, __file__, "--worker", lib, case, str(n_big), str(saves), d]
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
        if out.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])


# -- the floor: raw bytes ------------------------------------------------------------------------------------
def _raw_write(path: str, arrays: list) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for a in arrays:
            mv = memoryview(np.ascontiguousarray(a).reshape(-1).view(np.uint8))
            pos = 0
            while pos < len(mv):
                pos += os.write(fd, mv[pos:])
    finally:
        os.close(fd)


def _raw_read(path: str, arrays: list) -> list:
    out = []
    with open(path, "rb", buffering=0) as f:
        for a in arrays:
            b = np.empty(a.shape, a.dtype)
            f.readinto(memoryview(b.reshape(-1).view(np.uint8)))
            out.append(b)
    return out


def _floor(arrays: list, saves: int) -> dict:
    """The raw-bytes floor of one workload: first write, steady writes and reads (as the workers)."""
    with tempfile.TemporaryDirectory(prefix="bench_ckpt_floor_") as d:
        t0 = time.perf_counter()
        _raw_write(f"{d}/f-0", arrays)
        first = time.perf_counter() - t0
        steady, restore = [], []
        for i in range(1, saves + 1):
            t0 = time.perf_counter()
            _raw_write(f"{d}/f-{i}", arrays)
            t1 = time.perf_counter()
            _raw_read(f"{d}/f-{i}", arrays)
            restore.append(time.perf_counter() - t1)
            steady.append(t1 - t0)
            if i >= 2:
                os.remove(f"{d}/f-{i - 2}")
    return {"first": first, "steady": steady, "restore": restore}


def fresh_process(quick: bool) -> list[Result]:
    """The fresh-process section: first and steady-state save, and restore, for cases (a) and (b)."""
    tfs, _ = import_libraries()
    n_big = 1_000_000 if quick else 10_000_000
    rounds, saves = (1, 2) if quick else (3, 7)
    rows: list[Result] = []
    for case in CASES:
        got: dict[str, list[dict]] = {"tfshim": [], "tensorflow": []}
        for r in range(rounds):
            for lib in (("tfshim", "tensorflow") if r % 2 == 0 else ("tensorflow", "tfshim")):
                got[lib].append(_run_worker(lib, case, n_big, saves))
        _, variables = _guide_checkpoint(tfs) if case == "b" else _big_checkpoint(tfs, n_big)
        arrays = [np.asarray(v.numpy()) for v in variables]
        floor = [_floor(arrays, saves) for _ in range(rounds)]
        desc, method = CASES[case]
        if quick:
            desc = desc.replace("10M", f"{n_big / 1e6:g}M")

        def med(runs: list[dict], what: str) -> float:
            xs = [r[what] for r in runs] if what == "first" else [t for r in runs for t in r[what]]
            return statistics.median(xs) * 1e6

        for what, title, target, ratio in (
            ("first", "first save in a fresh process", "tfshim/TF ≤ 1.5", 1.5),
            ("steady", "steady-state save", "tfshim/TF ≤ 1.5", 1.5),
            ("restore", "restore", "informative (not slower than before)", None),
        ):
            us = {"tfshim": med(got["tfshim"], what), "tensorflow": med(got["tensorflow"], what),
                  "jax": med(floor, what)}
            name = f"Checkpoint.{method}, {title}: {desc}" if what != "restore" else f"Checkpoint.restore: {desc}"
            rows.append(Result(name, "save" if what != "restore" else "restore",
                               target + " (JAX column = raw-bytes floor)", us, ratio))
    return rows


# -- in process: a 10M-parameter module -----------------------------------------------------------------------
def _model(tf: Any, big: int) -> Any:
    rng = np.random.default_rng(0)
    m = tf.Module()
    m.layers = [tf.Variable(rng.standard_normal(big, dtype=np.float32)) for _ in range(4)]
    m.small = {f"b{i}": tf.Variable(rng.standard_normal(64, dtype=np.float32)) for i in range(8)}
    m.step = tf.Variable(np.int64(3))
    return m


def in_process(quick: bool) -> list[Result]:
    """The in-process section: write and restore of a 10M-parameter module, rounds alternating between libraries."""
    tfs, tf_real = import_libraries()
    big = 250_000 if quick else 2_500_000  # 4 x 2.5M = 10M parameters
    repeats = 2 if quick else 7
    root = tempfile.mkdtemp(prefix="bench_ckpt_")
    try:
        shim_ck = tfs.train.Checkpoint(model=_model(tfs, big))
        tf_ck = tf_real.train.Checkpoint(model=_model(tf_real, big))
        host = [np.asarray(v.numpy()) for v in shim_ck.model.variables]
        counter = [0]

        def fresh(lib: str) -> str:
            counter[0] += 1
            return f"{root}/{lib}/ckpt-{counter[0]}"

        def raw_save(p: str) -> None:
            os.makedirs(os.path.dirname(p), exist_ok=True)
            _raw_write(p, host)

        savers: dict[str, Callable[[str], Any]] = {
            "tfshim": shim_ck.write, "tensorflow": tf_ck.write, "jax": raw_save,
        }
        restorers: dict[str, Callable[[str], Any]] = {
            "tfshim": shim_ck.restore, "tensorflow": tf_ck.restore, "jax": lambda p: _raw_read(p, host),
        }
        save_t: dict[str, list] = {k: [] for k in savers}
        restore_t: dict[str, list] = {k: [] for k in savers}
        last: dict[str, str] = {}
        for rep in range(repeats + 1):  # the first round warms up (imports, compilation)
            for lib in savers:
                p = fresh(lib)
                t0 = time.perf_counter()
                savers[lib](p)
                t1 = time.perf_counter()
                restorers[lib](p)
                if lib == "tfshim":
                    np.asarray(shim_ck.model.layers[-1].array)
                t2 = time.perf_counter()
                if rep:
                    save_t[lib].append(t1 - t0)
                    restore_t[lib].append(t2 - t1)
                if lib in last:
                    _remove(last[lib])
                last[lib] = p
        # the values really round-trip
        np.testing.assert_array_equal(np.asarray(shim_ck.model.layers[0].array), tf_ck.model.layers[0].numpy())
    finally:
        shutil.rmtree(root, ignore_errors=True)
    n = 4 * big + 8 * 64 + 1
    label = f"{n / 1e6:.1f}M params"
    return [
        Result(f"tf.train.Checkpoint.write, {label}", "save", "informative (JAX column = raw-bytes floor)",
               {k: statistics.median(v) * 1e6 for k, v in save_t.items()}),
        Result(f"tf.train.Checkpoint.restore, {label}", "restore", "informative (JAX column = raw-bytes floor)",
               {k: statistics.median(v) * 1e6 for k, v in restore_t.items()}),
    ]


def run(quick: bool = False) -> list[Result]:
    """Both sections (see the module docstring)."""
    return fresh_process(quick) + in_process(quick)


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])))
        sys.exit(0)
    for r in run(quick="--quick" in sys.argv):
        print(f"{r.name}: tfshim {r.us['tfshim'] / 1e3:.1f} ms, TF {r.us['tensorflow'] / 1e3:.1f} ms, "
              f"floor {r.us['jax'] / 1e3:.1f} ms, tfshim/TF = {r.ratio('tensorflow'):.2f}")
