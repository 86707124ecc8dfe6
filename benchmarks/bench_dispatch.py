"""Eager dispatch overhead: one tiny op at a time, in tfshim, real TF and plain (jitted) JAX.

* ``tf.add`` of two scalar float32 tensors, 1000 calls per round: pure per-op overhead.
* A chain of 50x50 ``tf.matmul`` (x = x @ m, m orthogonal so values stay bounded): overhead
  plus a little compute.

Plain JAX is ``jax.jit(jnp.add)`` / ``jax.jit(jnp.matmul)`` called eagerly: the fastest a
JAX-based eager op can be. Target (issue): tfshim's per-op overhead at most half of TF's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    from benchmarks._harness import Result, import_libraries, time_interleaved
except ImportError:  # run as a script from benchmarks/
    from _harness import Result, import_libraries, time_interleaved


def _block(x: Any) -> None:
    """Wait for a result of any of the three libraries."""
    if hasattr(x, "block_until_ready"):
        x.block_until_ready()
    else:
        x.numpy()


def bench_add(quick: bool) -> Result:
    tfs, tf_real = import_libraries()
    import jax
    import jax.numpy as jnp

    calls, repeats = (200, 3) if quick else (1000, 15)
    a_np, b_np = np.float32(1.5), np.float32(2.5)

    a, b = tfs.constant(a_np), tfs.constant(b_np)
    ta, tb = tf_real.constant(a_np), tf_real.constant(b_np)
    add = jax.jit(jnp.add)
    ja, jb = jnp.asarray(a_np), jnp.asarray(b_np)
    us = time_interleaved({
        "tfshim": (lambda: tfs.add(a, b), _block),
        "tensorflow": (lambda: tf_real.add(ta, tb), _block),
        "jax": (lambda: add(ja, jb), _block),
    }, calls, repeats)

    return Result("tf.add, two scalars", "op", "tfshim/TF ≤ 0.5", us, target_ratio=0.5)


def _matmul(tfs: Any) -> Any:
    """tf.matmul if tfshim has it, else the ``@`` operator (the issue allows either)."""
    if hasattr(tfs, "matmul"):
        return tfs.matmul
    return lambda x, y: x @ y


def bench_matmul_chain(quick: bool) -> Result:
    tfs, tf_real = import_libraries()
    import jax
    import jax.numpy as jnp

    chain, repeats = (20, 3) if quick else (200, 15)
    rng = np.random.default_rng(0)
    m_np = np.linalg.qr(rng.standard_normal((50, 50)))[0].astype(np.float32)
    x_np = rng.standard_normal((50, 50)).astype(np.float32)

    def chained(matmul: Any, x0: Any, m: Any) -> Any:
        box = [x0]

        def step() -> Any:
            box[0] = matmul(box[0], m)
            return box[0]

        return step

    us = time_interleaved({
        "tfshim": (chained(_matmul(tfs), tfs.constant(x_np), tfs.constant(m_np)), _block),
        "tensorflow": (chained(tf_real.matmul, tf_real.constant(x_np), tf_real.constant(m_np)), _block),
        "jax": (chained(jax.jit(jnp.matmul), jnp.asarray(x_np), jnp.asarray(m_np)), _block),
    }, chain, repeats)
    name = "tf.matmul chain, 50x50" if hasattr(tfs, "matmul") else "`@` chain, 50x50"
    return Result(name, "op", "tfshim/TF ≤ 0.5", us, target_ratio=0.5)


def run(quick: bool = False) -> list[Result]:
    """All dispatch benchmarks."""
    out = [bench_add(quick)]
    tfs, _ = import_libraries()
    if hasattr(tfs, "matmul") or hasattr(tfs.Tensor, "__matmul__"):
        out.append(bench_matmul_chain(quick))
    return out


if __name__ == "__main__":
    from _harness import markdown_table

    print(markdown_table(run()))
