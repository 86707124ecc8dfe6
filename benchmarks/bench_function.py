"""tf.function: the guide's regression step compiled, in tfshim, real TF and hand-written jax.jit.

Target (issue 7): tfshim's compiled step at least 3x faster than TF's tf.function; tfshim's own
overhead per call of a compiled function (a trivial function) under 30 µs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    from benchmarks._harness import Result, import_libraries, time_interleaved
    from benchmarks.bench_tape import LR, _jax_regression_step, _regression_data
except ImportError:  # run as a script from benchmarks/
    from _harness import Result, import_libraries, time_interleaved
    from bench_tape import LR, _jax_regression_step, _regression_data


def _compiled_regression_step(tf: Any, inputs_np: np.ndarray, outputs_np: np.ndarray) -> tuple[Any, Any]:
    x = tf.constant(inputs_np)
    y = tf.constant(outputs_np)
    W = tf.Variable(5.0, name="weight")
    B = tf.Variable(10.0, name="bias")

    @tf.function
    def step(inputs: Any, targets: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(inputs * W + B - targets))
        dW, dB = tape.gradient(loss, [W, B])
        W.assign_sub(LR * dW)
        B.assign_sub(LR * dB)
        return loss

    return (lambda: step(x, y)), (lambda out: out.numpy())


def _trivial(tf: Any) -> tuple[Any, Any]:
    x = tf.constant(1.0)
    f = tf.function(lambda a: a + 1.0)
    return (lambda: f(x)), (lambda out: out.numpy())


def _jax_trivial() -> tuple[Any, Any]:
    import jax
    import jax.numpy as jnp

    f = jax.jit(lambda a: a + 1.0)
    x = jnp.float32(1.0)
    return (lambda: f(x)), jax.block_until_ready


def bench_compiled_regression(quick: bool) -> Result:
    tfs, tf_real = import_libraries()
    steps, repeats = (30, 3) if quick else (300, 7)
    data = _regression_data()
    us = time_interleaved({
        "tfshim": _compiled_regression_step(tfs, *data),
        "tensorflow": _compiled_regression_step(tf_real, *data),
        "jax": _jax_regression_step(*data),
    }, steps, repeats, warmup=2)
    return Result("guide regression step in tf.function", "step", "tfshim/TF ≤ 0.33", us, target_ratio=1 / 3)


def bench_call_overhead(quick: bool) -> Result:
    tfs, tf_real = import_libraries()
    calls, repeats = (100, 3) if quick else (2000, 7)
    us = time_interleaved({
        "tfshim": _trivial(tfs),
        "tensorflow": _trivial(tf_real),
        "jax": _jax_trivial(),
    }, calls, repeats, warmup=2)
    return Result("tf.function call of `a + 1.0`", "call", "tfshim overhead < 30 µs", us)


def _compiled_mnist_step(tf: Any, closure: bool = False) -> tuple[Any, Any]:
    """The guide's MNIST train_step (batch 32, Adam) decorated with tf.function; with ``closure`` the step
    takes no arguments and closes over the batch (captured tensors: implicit inputs in TF)."""
    try:
        from benchmarks.bench_keras import BATCH, _data, _guide_model
    except ImportError:  # run as a script from benchmarks/
        from bench_keras import BATCH, _data, _guide_model
    model = _guide_model(tf)
    x, y = _data(BATCH)
    images, labels = tf.constant(x), tf.constant(y)
    optimizer = tf.keras.optimizers.Adam()
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(images: Any, labels: Any) -> Any:
        with tf.GradientTape() as tape:
            loss_value = loss_object(labels, model(images, training=True))
        grads = tape.gradient(loss_value, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss_value

    if closure:
        step = tf.function(lambda: train_step.python_function(images, labels))
        return step, (lambda out: out.numpy())
    return (lambda: train_step(images, labels)), (lambda out: out.numpy())


def bench_compiled_mnist(quick: bool, closure: bool = False) -> Result:
    """The guide's MNIST step in tf.function; ``closure``: the same step closing over its batch (issue 24: it
    must run as fast as the argument form)."""
    try:
        from benchmarks.bench_keras import _jax_cached
    except ImportError:  # run as a script from benchmarks/
        from bench_keras import _jax_cached
    tfs, tf_real = import_libraries()
    calls, repeats = (3, 1) if quick else (50, 5)
    us = time_interleaved({
        "tfshim": _compiled_mnist_step(tfs, closure),
        "tensorflow": _compiled_mnist_step(tf_real, closure),
        "jax": _jax_cached(),
    }, calls, repeats, warmup=2)
    if closure:
        return Result("same step closing over its batch (captured tensors)", "step",
                      "as the argument form (row above)", us)
    return Result("guide MNIST train_step in tf.function (batch 32, Adam)", "step",
                  "tfshim/TF ≤ 1.3, tfshim/JAX ≤ 1.1", us, target_ratio=1.3)


def run(quick: bool = False) -> list[Result]:
    """All tf.function benchmarks."""
    _ = LR
    return [bench_compiled_regression(quick), bench_call_overhead(quick), bench_compiled_mnist(quick),
            bench_compiled_mnist(quick, closure=True)]


if __name__ == "__main__":
    from _harness import markdown_table

    print(markdown_table(run()))
