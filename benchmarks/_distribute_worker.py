"""Subprocess half of ``bench_distribute.py``: times a MirroredStrategy MNIST step on simulated CPU devices.

Run by ``bench_distribute.run`` as ``python benchmarks/_distribute_worker.py CONFIG_JSON`` with
``XLA_FLAGS=--xla_force_host_platform_device_count=8`` (JAX must see 8 CPU devices before it starts,
which the parent process, JAX already running, cannot arrange). Real TensorFlow gets 8 logical CPU
devices in the same process, so the three libraries are timed interleaved, as in every other benchmark.

CONFIG_JSON: ``{"devices": [1, 2, ...], "calls": int, "repeats": int, "warmup": int}`` (optionally
``"libs": ["tfshim", ...]`` to time only some libraries, for debugging). Prints one
line ``RESULT {"<n>": {"tfshim": us, "tensorflow": us, "jax": us}, ...}`` on stdout.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._harness import time_interleaved  # noqa: E402

GLOBAL_BATCH = 64
N_BATCHES = 4  # distinct pre-distributed batches, cycled through
MAX_DEVICES = 8


def _data() -> tuple[np.ndarray, np.ndarray]:
    r = np.random.RandomState(0)
    n = GLOBAL_BATCH * N_BATCHES
    return r.rand(n, 28, 28, 1).astype("float32"), r.randint(0, 10, n).astype("int64")


def _model(tf: Any) -> Any:
    return tf.keras.Sequential([
        tf.keras.layers.Conv2D(8, 3, activation="relu"),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10),
    ])


def _tf_case(tf: Any, n: int, weights: list | None, real_tf: bool = False) -> tuple[Any, Any, list]:
    """The standard TF custom loop under MirroredStrategy over ``n`` devices (tfshim or real TF)."""
    if real_tf:
        # Real TF numbers every strategy's collective groups from 1, so a 4-device strategy created after a
        # 2-device one fails ("joining a group with size4, but that group has size 2"); TF's own tests give
        # each strategy a distinct key base the same way.
        tf.distribute.MirroredStrategy._collective_key_base = 1000 * n
    strategy = tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(n)])
    with strategy.scope():
        model = _model(tf)
        model.build((None, 28, 28, 1))
        if weights is not None:
            model.set_weights(weights)
        opt = tf.keras.optimizers.Adam(1e-3)
        # Keras 3 (real TF) cannot create the Adam slots inside tf.function under a multi-device
        # MirroredStrategy ("You must feed a value for placeholder tensor"): build them in the scope.
        opt.build(model.trainable_variables)
        loss_obj = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")

    def step(x: Any, y: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = tf.nn.compute_average_loss(loss_obj(y, model(x, training=True)), global_batch_size=GLOBAL_BATCH)
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    @tf.function
    def dstep(x: Any, y: Any) -> Any:
        return strategy.reduce("SUM", strategy.run(step, args=(x, y)), axis=None)

    X, Y = _data()
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(GLOBAL_BATCH)
    batches = itertools.cycle(list(strategy.experimental_distribute_dataset(ds)))

    def call() -> Any:
        return dstep(*next(batches))

    return call, (lambda out: out.numpy()), model.get_weights()


def _jax_case(n: int, weights: list) -> tuple[Any, Any]:
    """The same step hand-written in JAX: jit + optax Adam, batch split over a 1-axis mesh (GSPMD)."""
    import jax
    import jax.numpy as jnp
    import optax
    from jax.sharding import Mesh, NamedSharding
    from jax.sharding import PartitionSpec as P

    mesh = Mesh(np.array(jax.devices()[:n]), ("replica",))
    split, repl = NamedSharding(mesh, P("replica")), NamedSharding(mesh, P())
    params = jax.device_put(dict(zip(("k", "kb", "w", "b"), (jnp.asarray(w) for w in weights))), repl)
    tx = optax.adam(1e-3, eps=1e-7)
    opt_state = jax.device_put(tx.init(params), repl)
    dn = ("NHWC", "HWIO", "NHWC")

    def loss_fn(p: dict, x: Any, y: Any) -> Any:
        h = jax.nn.relu(jax.lax.conv_general_dilated(x, p["k"], (1, 1), "VALID", dimension_numbers=dn) + p["kb"])
        h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        logits = h.reshape(h.shape[0], -1) @ p["w"] + p["b"]
        return jnp.sum(optax.softmax_cross_entropy_with_integer_labels(logits, y)) / GLOBAL_BATCH

    @jax.jit
    def step(p: dict, s: Any, x: Any, y: Any) -> tuple:
        loss, g = jax.value_and_grad(loss_fn)(p, x, y)
        u, s = tx.update(g, s, p)
        return optax.apply_updates(p, u), s, loss

    X, Y = _data()
    batches = itertools.cycle([
        (jax.device_put(X[i:i + GLOBAL_BATCH], split), jax.device_put(Y[i:i + GLOBAL_BATCH].astype("int32"), split))
        for i in range(0, len(X), GLOBAL_BATCH)
    ])
    state = [params, opt_state]

    def call() -> Any:
        state[0], state[1], loss = step(state[0], state[1], *next(batches))
        return loss

    return call, jax.block_until_ready


def main(config: dict) -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import tfshim  # noqa: I001  (tfshim first: it configures JAX before TF loads)
    import jax
    import tensorflow as tf_real

    tf_real.config.set_visible_devices([], "GPU")
    tf_real.config.set_logical_device_configuration(
        tf_real.config.list_physical_devices("CPU")[0], [tf_real.config.LogicalDeviceConfiguration()] * MAX_DEVICES
    )
    if len(jax.devices()) < max(config["devices"]):
        raise RuntimeError(f"JAX sees {len(jax.devices())} devices; XLA_FLAGS={os.environ.get('XLA_FLAGS')!r}")
    out = {}
    for n in config["devices"]:
        tf_fn, tf_sync, weights = _tf_case(tf_real, n, None, real_tf=True)
        cases = {
            "tfshim": _tf_case(tfshim, n, weights)[:2],
            "tensorflow": (tf_fn, tf_sync),
            "jax": _jax_case(n, weights),
        }
        cases = {k: v for k, v in cases.items() if k in config.get("libs", cases)}
        out[str(n)] = time_interleaved(cases, config["calls"], config["repeats"], warmup=config["warmup"])
        print(f"{n} devices: {out[str(n)]}", file=sys.stderr, flush=True)
    return out


if __name__ == "__main__":
    print("RESULT " + json.dumps(main(json.loads(sys.argv[1]))), flush=True)
