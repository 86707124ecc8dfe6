"""The guide's Performance section: a chain of 1000x1000 ``tf.matmul`` in tfshim, real TF and plain JAX.

The guide times ``x = tf.matmul(x, x)`` 200 times on the CPU and then on the GPU. Here the chain is
``x = x @ m`` with ``m`` orthogonal so the values stay bounded; the time is compute-bound (2 GFLOP per
call), so it measures the matmul kernels (XLA's vs TF's) rather than dispatch overhead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    from benchmarks._harness import Result, import_libraries, time_interleaved
except ImportError:  # run as a script from benchmarks/
    from _harness import Result, import_libraries, time_interleaved


def _block(x: Any) -> None:
    if hasattr(x, "block_until_ready"):
        x.block_until_ready()
    else:
        x.numpy()


def bench_matmul_large(quick: bool, size: int = 1000) -> Result:
    tfs, tf_real = import_libraries()
    import jax
    import jax.numpy as jnp

    chain, repeats = (3, 2) if quick else (20, 7)
    rng = np.random.default_rng(0)
    m_np = np.linalg.qr(rng.standard_normal((size, size)))[0].astype(np.float32)
    x_np = rng.standard_normal((size, size)).astype(np.float32)

    def chained(matmul: Any, x0: Any, m: Any) -> Any:
        box = [x0]

        def step() -> Any:
            box[0] = matmul(box[0], m)
            return box[0]

        return step

    us = time_interleaved({
        "tfshim": (chained(tfs.matmul, tfs.constant(x_np), tfs.constant(m_np)), _block),
        "tensorflow": (chained(tf_real.matmul, tf_real.constant(x_np), tf_real.constant(m_np)), _block),
        "jax": (chained(jax.jit(jnp.matmul), jnp.asarray(x_np), jnp.asarray(m_np)), _block),
    }, chain, repeats)
    return Result(f"tf.matmul chain, {size}x{size} (guide's Performance)", "op", "informative (compute-bound)", us)


def run(quick: bool = False) -> list[Result]:
    """The large-matmul benchmark."""
    return [bench_matmul_large(quick)]


if __name__ == "__main__":
    from _harness import markdown_table

    print(markdown_table(run()))
