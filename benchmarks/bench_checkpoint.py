"""Checkpoint save and restore of a 10M-parameter model (a tf.Module with four 2.5M float32 Variables
and a few small ones): ``tf.train.Checkpoint.write(path)`` and ``.restore(path)``, tfshim (orbax
storage, object graph, CRC-32 of every value, atomic rename) vs real TF (tensor bundle) in one run.

The JAX column is the floor for orbax-based storage: ``orbax.checkpoint.PyTreeCheckpointHandler``
(uncompressed, as tfshim) saving / restoring the same arrays as a plain pytree (no object graph,
no checks, no assignment).
Each save writes a fresh path; rounds alternate between libraries so machine load falls evenly.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from typing import Any, Callable

import numpy as np

try:
    from benchmarks._harness import Result, import_libraries
except ImportError:  # run as a script from benchmarks/
    from _harness import Result, import_libraries


def _model(tf: Any, big: int) -> Any:
    rng = np.random.default_rng(0)
    m = tf.Module()
    m.layers = [tf.Variable(rng.standard_normal(big, dtype=np.float32)) for _ in range(4)]
    m.small = {f"b{i}": tf.Variable(rng.standard_normal(64, dtype=np.float32)) for i in range(8)}
    m.step = tf.Variable(np.int64(3))
    return m


def run(quick: bool = False) -> list[Result]:
    tfs, tf_real = import_libraries()
    import jax
    import orbax.checkpoint as ocp

    big = 250_000 if quick else 2_500_000  # 4 x 2.5M = 10M parameters
    repeats = 2 if quick else 7
    root = tempfile.mkdtemp(prefix="bench_ckpt_")
    try:
        shim_ck = tfs.train.Checkpoint(model=_model(tfs, big))
        tf_ck = tf_real.train.Checkpoint(model=_model(tf_real, big))
        jax_tree = {f"l{i}": jax.numpy.asarray(v.array) for i, v in enumerate(shim_ck.model.layers)}
        jax_tree.update({k: jax.numpy.asarray(v.array) for k, v in shim_ck.model.small.items()})
        jax_ckptr = ocp.Checkpointer(ocp.PyTreeCheckpointHandler(use_compression=False))
        counter = [0]

        def fresh(lib: str) -> str:
            counter[0] += 1
            return f"{root}/{lib}/ckpt-{counter[0]}"

        def jax_save(p: str) -> None:
            jax_ckptr.save(p, args=ocp.args.PyTreeSave(jax_tree))

        def jax_restore(p: str) -> None:
            out = jax_ckptr.restore(p, args=ocp.args.PyTreeRestore(
                jax_tree, restore_args=ocp.checkpoint_utils.construct_restore_args(jax_tree)))
            jax.block_until_ready(out)

        savers: dict[str, Callable[[str], Any]] = {
            "tfshim": shim_ck.write, "tensorflow": tf_ck.write, "jax": jax_save,
        }
        restorers: dict[str, Callable[[str], Any]] = {
            "tfshim": shim_ck.restore, "tensorflow": tf_ck.restore, "jax": jax_restore,
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
                    shutil.rmtree(last[lib], ignore_errors=True)
                    for ext in (".index", ".data-00000-of-00001"):
                        shutil.rmtree(last[lib] + ext, ignore_errors=True)
                last[lib] = p
        # the values really round-trip
        np.testing.assert_array_equal(np.asarray(shim_ck.model.layers[0].array), tf_ck.model.layers[0].numpy())
    finally:
        shutil.rmtree(root, ignore_errors=True)
    n = 4 * big + 8 * 64 + 1
    label = f"{n / 1e6:.1f}M params"
    return [
        Result(f"tf.train.Checkpoint.write, {label}", "save", "informative (JAX column = orbax floor)",
               {k: statistics.median(v) * 1e6 for k, v in save_t.items()}),
        Result(f"tf.train.Checkpoint.restore, {label}", "restore", "informative (JAX column = orbax floor)",
               {k: statistics.median(v) * 1e6 for k, v in restore_t.items()}),
    ]


if __name__ == "__main__":
    import sys

    for r in run(quick="--quick" in sys.argv):
        print(f"{r.name}: tfshim {r.us['tfshim'] / 1e3:.1f} ms, TF {r.us['tensorflow'] / 1e3:.1f} ms, "
              f"orbax-only {r.us['jax'] / 1e3:.1f} ms, tfshim/TF = {r.ratio('tensorflow'):.2f}")
