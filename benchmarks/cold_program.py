"""A short guide-style TensorFlow program, timed as a whole process: what a user waits for.

It runs unchanged on tfshim (default) or real TensorFlow (``--tf``):

1. a 300-step ``tf.GradientTape`` linear regression with ``tf.Variable``s (the guide's first loop);
2. one epoch of the "Eager essentials" CNN (Conv2D, Conv2D, GlobalAveragePooling2D, Dense) on
   2,000 real MNIST digits, batch 32, a custom ``GradientTape`` + Adam loop (the last batch is short,
   so every op also meets a new shape);
3. ``tf.train.Checkpoint`` save and restore of the model and optimizer.

Prints one JSON line: seconds per phase (``import`` included) and the loss values, so paired runs
can check that both libraries computed the same thing. ``cold_start.py`` runs it in fresh processes.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile
import time

T0 = time.perf_counter()
if "--tf" in sys.argv:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
else:
    import tfshim as tf
import numpy as np  # noqa: E402 - after the library, so its import time is counted

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "mnist")


def digits(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n`` MNIST test digits (float32 in [0, 1], NHWC) and labels, read from the IDX files."""
    with gzip.open(os.path.join(DATA, "t10k-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28, 1)[:n]
    with gzip.open(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
    return (images / 255.0).astype(np.float32), labels.astype(np.int64)


def regression(steps: int = 300) -> float:
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((1000, 1)).astype(np.float32))
    y = x * 3.0 + 2.0 + tf.constant(rng.standard_normal((1000, 1)).astype(np.float32)) * 0.1
    w, b = tf.Variable(5.0), tf.Variable(0.0)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(y - (x * w + b)))
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(0.01 * dw)
        b.assign_sub(0.01 * db)
    return float(loss)


def cnn(n: int = 2000) -> tuple[object, object, float]:
    images, labels = digits(n)
    tf.random.set_seed(0)
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu", input_shape=(None, None, 1)),
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(10),
    ])
    optimizer = tf.keras.optimizers.Adam()
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(32)
    loss = None
    for batch_images, batch_labels in dataset:
        with tf.GradientTape() as tape:
            logits = model(batch_images, training=True)
            loss = loss_object(batch_labels, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return model, optimizer, float(loss)


def checkpoint(model: object, optimizer: object) -> float:
    with tempfile.TemporaryDirectory() as d:
        ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer)
        path = ckpt.save(os.path.join(d, "ckpt"))
        before = model.trainable_variables[0].numpy().copy()
        model.trainable_variables[0].assign(tf.zeros_like(model.trainable_variables[0]))
        ckpt.restore(path)
        return float(np.abs(model.trainable_variables[0].numpy() - before).max())


def main() -> None:
    times = {"import": time.perf_counter() - T0}
    t = time.perf_counter()
    reg_loss = regression()
    times["regression"] = time.perf_counter() - t
    t = time.perf_counter()
    model, optimizer, cnn_loss = cnn()
    times["cnn"] = time.perf_counter() - t
    t = time.perf_counter()
    err = checkpoint(model, optimizer)
    times["checkpoint"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - T0
    print(json.dumps({"times": times, "regression_loss": reg_loss, "cnn_loss": cnn_loss, "restore_err": err}))


if __name__ == "__main__":
    main()
