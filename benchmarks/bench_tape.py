"""GradientTape training steps, in tfshim eager, real TF eager and hand-written ``jax.jit``.

(a) The "Eager essentials" guide's regression: 2000 points around ``3 * x + 2``, model
    ``inputs * W + B``, loss ``reduce_mean(square(model(inputs) - targets))``, SGD with learning
    rate 0.01 through ``tape.gradient`` + ``assign_sub``; time per training step.
    Target (issue): tfshim at least 5x faster than TF eager.
(b) A 200-op elementwise chain on a [100] vector, differentiated with ``tape.gradient``; time per
    gradient step (forward under the tape + gradient). Target: at least 2x faster than TF.

The JAX baseline is one ``jax.jit`` of ``value_and_grad`` (+ the update), the best case.
The data come from NumPy so the three libraries see identical inputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    from benchmarks._harness import Result, import_libraries, time_interleaved
except ImportError:  # run as a script from benchmarks/
    from _harness import Result, import_libraries, time_interleaved

NUM_EXAMPLES = 2000
LR = 0.01


def _regression_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal(NUM_EXAMPLES).astype(np.float32)
    noise = rng.standard_normal(NUM_EXAMPLES).astype(np.float32)
    return inputs, inputs * 3 + 2 + noise


def _tf_regression_step(tf: Any, inputs_np: np.ndarray, outputs_np: np.ndarray) -> tuple[Any, Any]:
    """(step, sync) for the guide's regression written against a TF-like module ``tf``."""
    training_inputs = tf.constant(inputs_np)
    training_outputs = tf.constant(outputs_np)
    W = tf.Variable(5.0, name="weight")
    B = tf.Variable(10.0, name="bias")

    def model(x: Any) -> Any:
        return x * W + B

    def loss(inputs: Any, targets: Any) -> Any:
        error = model(inputs) - targets
        return tf.reduce_mean(tf.square(error))

    def step() -> Any:
        with tf.GradientTape() as tape:
            loss_value = loss(training_inputs, training_outputs)
        dW, dB = tape.gradient(loss_value, [W, B])
        W.assign_sub(LR * dW)
        B.assign_sub(LR * dB)
        return W

    return step, lambda w: w.numpy()


def _jax_regression_step(inputs_np: np.ndarray, outputs_np: np.ndarray) -> tuple[Any, Any]:
    import jax
    import jax.numpy as jnp

    x, y = jnp.asarray(inputs_np), jnp.asarray(outputs_np)

    def loss(params: tuple, x: Any, y: Any) -> Any:
        w, b = params
        return jnp.mean(jnp.square(x * w + b - y))

    @jax.jit
    def update(params: tuple, x: Any, y: Any) -> tuple:
        _, grads = jax.value_and_grad(loss)(params, x, y)
        return tuple(p - LR * g for p, g in zip(params, grads))

    box = [(jnp.float32(5.0), jnp.float32(10.0))]

    def step() -> Any:
        box[0] = update(box[0], x, y)
        return box[0]

    return step, lambda p: jax.block_until_ready(p)


def bench_regression(quick: bool) -> Result:
    tfs, tf_real = import_libraries()
    steps, repeats = (30, 3) if quick else (300, 7)
    data = _regression_data()
    us = time_interleaved({
        "tfshim": _tf_regression_step(tfs, *data),
        "tensorflow": _tf_regression_step(tf_real, *data),
        "jax": _jax_regression_step(*data),
    }, steps, repeats)
    return Result("guide regression, SGD step (2000 pts)", "step", "tfshim/TF ≤ 0.2", us, target_ratio=0.2)


CHAIN_BLOCKS = 50  # 4 elementwise ops per block -> a 200-op chain


def _tf_chain_step(tf: Any, x_np: np.ndarray) -> tuple[Any, Any]:
    x0 = tf.constant(x_np)

    def step() -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x0)
            x = x0
            for _ in range(CHAIN_BLOCKS):
                x = tf.sin(x)
                x = x * 1.01
                x = x + 0.1
                x = tf.tanh(x)
        return tape.gradient(x, x0)

    return step, lambda g: g.numpy()


def _jax_chain_step(x_np: np.ndarray) -> tuple[Any, Any]:
    import jax
    import jax.numpy as jnp

    def f(x: Any) -> Any:
        for _ in range(CHAIN_BLOCKS):
            x = jnp.tanh(jnp.sin(x) * 1.01 + 0.1)
        return jnp.sum(x)

    grad = jax.jit(jax.grad(f))
    x0 = jnp.asarray(x_np)
    return (lambda: grad(x0)), jax.block_until_ready


def bench_chain(quick: bool) -> Result:
    tfs, tf_real = import_libraries()
    calls, repeats = (3, 3) if quick else (20, 9)
    x_np = np.linspace(-1, 1, 100, dtype=np.float32)
    us = time_interleaved({
        "tfshim": _tf_chain_step(tfs, x_np),
        "tensorflow": _tf_chain_step(tf_real, x_np),
        "jax": _jax_chain_step(x_np),
    }, calls, repeats, warmup=2)
    return Result("200-op elementwise chain, tape.gradient", "step", "tfshim/TF ≤ 0.5", us, target_ratio=0.5)


def run(quick: bool = False) -> list[Result]:
    """All tape benchmarks."""
    return [bench_regression(quick), bench_chain(quick)]


if __name__ == "__main__":
    from _harness import markdown_table

    print(markdown_table(run()))
