"""tf.keras: the guide's MNIST CNN trained with a custom GradientTape loop (eager) and with model.fit.

Workload: Conv2D(16,3,relu) → Conv2D(16,3,relu) → GlobalAveragePooling2D → Dense(10), Adam,
SparseCategoricalCrossentropy(from_logits=True), batches of 32 28x28x1 images.

* eager custom loop: one ``GradientTape`` step + ``optimizer.apply_gradients`` per call (the guide's loop,
  its ``tf.debugging.assert_equal(logits.shape, (32, 10))`` included). Target: tfshim ≥ 2x faster than TF.
* ``model.fit`` step: time per batch of ``fit`` over many batches (the warm-up round compiles).
  Target: tfshim within 1.3x of TF's fit.

The jax column is a hand-written ``jax.jit`` training step of the same model (lax convolutions + optax
Adam), the floor for both.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    from benchmarks._harness import Result, import_libraries, time_interleaved
except ImportError:  # run as a script from benchmarks/
    from _harness import Result, import_libraries, time_interleaved

BATCH = 32


def _data(n: int) -> tuple[np.ndarray, np.ndarray]:
    r = np.random.RandomState(0)
    return r.rand(n, 28, 28, 1).astype("float32"), r.randint(0, 10, n).astype("int64")


def _guide_model(tf: Any) -> Any:
    return tf.keras.Sequential([
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu", input_shape=(None, None, 1)),
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(10),
    ])


def _eager_step(tf: Any, weights: list | None = None) -> tuple[Any, Any]:
    model = _guide_model(tf)
    x, y = _data(BATCH)
    images, labels = tf.constant(x), tf.constant(y)
    model(images[:1])
    if weights is not None:
        model.set_weights(weights)
    optimizer = tf.keras.optimizers.Adam()
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def step() -> Any:
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            tf.debugging.assert_equal(logits.shape, (32, 10))
            loss_value = loss_object(labels, logits)
        grads = tape.gradient(loss_value, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss_value

    return step, (lambda out: out.numpy())


def _fit_step(tf: Any, steps: int) -> tuple[Any, Any]:
    model = _guide_model(tf)
    model.compile(optimizer=tf.keras.optimizers.Adam(),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    x, y = _data(BATCH * steps)

    def one_fit() -> Any:
        return model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)

    return one_fit, None


def _jax_step() -> tuple[Any, Any]:
    import jax
    import jax.numpy as jnp
    import optax

    r = np.random.RandomState(1)
    params = {
        "k1": jnp.asarray(r.randn(3, 3, 1, 16).astype("f") * 0.3), "b1": jnp.zeros(16, jnp.float32),
        "k2": jnp.asarray(r.randn(3, 3, 16, 16).astype("f") * 0.1), "b2": jnp.zeros(16, jnp.float32),
        "w": jnp.asarray(r.randn(16, 10).astype("f") * 0.3), "b": jnp.zeros(10, jnp.float32),
    }
    tx = optax.adam(1e-3, eps=1e-7)
    opt_state = tx.init(params)
    dn = ("NHWC", "HWIO", "NHWC")

    def loss_fn(p, x, y):
        h = jax.nn.relu(jax.lax.conv_general_dilated(x, p["k1"], (1, 1), "VALID", dimension_numbers=dn) + p["b1"])
        h = jax.nn.relu(jax.lax.conv_general_dilated(h, p["k2"], (1, 1), "VALID", dimension_numbers=dn) + p["b2"])
        logits = jnp.mean(h, axis=(1, 2)) @ p["w"] + p["b"]
        return jnp.mean(optax.softmax_cross_entropy_with_integer_labels(logits, y))

    @jax.jit
    def step(p, s, x, y):
        loss, g = jax.value_and_grad(loss_fn)(p, x, y)
        u, s = tx.update(g, s, p)
        return optax.apply_updates(p, u), s, loss

    x, y = _data(BATCH)
    x, y = jnp.asarray(x), jnp.asarray(y.astype("int32"))
    state = [params, opt_state]

    def run() -> Any:
        state[0], state[1], loss = step(state[0], state[1], x, y)
        return loss

    return run, jax.block_until_ready


_JAX: dict = {}


def _jax_cached() -> tuple[Any, Any]:
    if "step" not in _JAX:  # compiled once for both benchmarks
        _JAX["step"] = _jax_step()
    return _JAX["step"]


def bench_eager_loop(quick: bool) -> Result:
    tfs, tf_real = import_libraries()
    calls, repeats, warmup = (3, 1, 1) if quick else (50, 5, 2)
    us = time_interleaved({
        "tfshim": _eager_step(tfs),
        "tensorflow": _eager_step(tf_real),
        "jax": _jax_cached(),
    }, calls, repeats, warmup=warmup)
    return Result("guide MNIST CNN custom loop (eager, batch 32, Adam)", "step", "tfshim/TF ≤ 0.5", us,
                  target_ratio=0.5)


def bench_fit(quick: bool) -> Result:
    tfs, tf_real = import_libraries()
    steps, repeats = (4, 1) if quick else (100, 3)
    us = time_interleaved({
        "tfshim": _fit_step(tfs, steps),
        "tensorflow": _fit_step(tf_real, steps),
    }, 1, repeats, warmup=1)
    us = {k: v / steps for k, v in us.items()}
    jax_fn, jax_sync = _jax_cached()
    us["jax"] = time_interleaved({"jax": (jax_fn, jax_sync)}, steps, repeats, warmup=1)["jax"]
    return Result("guide MNIST CNN model.fit (per batch of 32)", "step", "tfshim/TF ≤ 1.3", us, target_ratio=1.3)


def run(quick: bool = False) -> list[Result]:
    """The Keras benchmarks."""
    return [bench_eager_loop(quick), bench_fit(quick)]


if __name__ == "__main__":
    for r in run():
        print(f"{r.name}: " + ", ".join(f"{k} {v:.0f} µs" for k, v in r.us.items())
              + f"  tfshim/TF = {r.ratio('tensorflow'):.2f}")
