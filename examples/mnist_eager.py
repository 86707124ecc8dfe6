"""The Eager-essentials guide's custom training loop on real MNIST digits, with ``import tfshim as tf``.

A small CNN (Conv2D, Conv2D, GlobalAveragePooling2D, Dense) trained with ``tf.GradientTape`` and
Adam, batch by batch from a ``tf.data`` pipeline; prints the test accuracy and saves the loss curve.

    python examples/mnist_eager.py                       # MNIST from the Keras cache (downloads once)
    python examples/mnist_eager.py --data DIR            # a folder of MNIST IDX files (.gz or not)
    python examples/mnist_eager.py --epochs 1 --train 2000 --out /tmp    # a quick run

A folder holding only the 10k test split (``t10k-*``) is split: the first 80% train, the rest test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import warnings
from typing import Any

import numpy as np

import tfshim as tf


def load_mnist(data: str | None) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``tf.keras.datasets.mnist.load_data()`` (or from the IDX folder ``data``); one split only -> 80/20."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data(
            **({"path": os.path.abspath(data)} if data else {}))
    if any("only the" in str(w.message) for w in caught):  # the same split twice: hold 20% out
        n = len(x_train) * 4 // 5
        (x_train, y_train), (x_test, y_test) = (x_train[:n], y_train[:n]), (x_train[n:], y_train[n:])
    return (x_train, y_train), (x_test, y_test)


def device_scope(name: str | None) -> Any:
    """``tf.device`` for ``--device``; ``gpu`` without a GPU says so and runs on the CPU."""
    if name == "gpu" and not tf.config.list_physical_devices("GPU"):
        print("--device gpu: no GPU visible to JAX (install tfshim[cuda]); running on the CPU")
        name = "cpu"
    return tf.device(f"/{name}:0") if name else contextlib.nullcontext()


def build_model() -> Any:
    """The guide's MNIST model."""
    return tf.keras.Sequential([
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu", input_shape=(None, None, 1)),
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(10),
    ])


def save_loss_plot(loss_history: list[float], path: str, xlabel: str = "Batch #") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.figure()
    plt.plot(loss_history)
    plt.xlabel(xlabel)
    plt.ylabel("Loss [entropy]")
    plt.savefig(path)
    plt.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="The Eager-essentials custom training loop on MNIST, on tfshim.")
    p.add_argument("--data", default=None, metavar="DIR",
                   help="folder of MNIST IDX files (default: tf.keras.datasets.mnist.load_data(), Keras cache)")
    p.add_argument("--epochs", type=int, default=3, help="training epochs (guide: 3)")
    p.add_argument("--train", type=int, default=None, help="use only the first N training images")
    p.add_argument("--batch", type=int, default=32, help="batch size (guide: 32)")
    p.add_argument("--lr", type=float, default=0.001, help="Adam learning rate (guide: Keras' default 0.001)")
    p.add_argument("--out", default=".", help="folder for loss.png")
    p.add_argument("--device", choices=("cpu", "gpu"), default=None, help="device (default: the GPU if JAX sees one)")
    p.add_argument("--seed", type=int, default=0, help="tf.random.set_seed value")
    args = p.parse_args(argv)

    tf.random.set_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_mnist(args.data)
    if args.train:
        x_train, y_train = x_train[: args.train], y_train[: args.train]
    print(f"MNIST: {len(x_train)} training images, {len(x_test)} test images")

    with device_scope(args.device):
        dataset = tf.data.Dataset.from_tensor_slices(
            (tf.cast(x_train[..., tf.newaxis] / 255, tf.float32), tf.cast(y_train, tf.int64)))
        dataset = dataset.shuffle(1000, seed=args.seed).batch(args.batch)

        model = build_model()
        optimizer = tf.keras.optimizers.Adam(learning_rate=args.lr)
        loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        loss_history: list[float] = []

        def train_step(images: Any, labels: Any) -> None:
            with tf.GradientTape() as tape:
                logits = model(images, training=True)
                tf.debugging.assert_equal(tf.shape(logits)[1], 10)
                loss_value = loss_object(labels, logits)
            loss_history.append(float(loss_value.numpy().mean()))
            grads = tape.gradient(loss_value, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))

        for epoch in range(args.epochs):
            t0 = time.perf_counter()
            for images, labels in dataset:
                train_step(images, labels)
            print(f"Epoch {epoch} finished: loss {loss_history[-1]:.3f} ({time.perf_counter() - t0:.1f} s)")

        accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
        test = tf.data.Dataset.from_tensor_slices((tf.cast(x_test[..., tf.newaxis] / 255, tf.float32), y_test))
        for images, labels in test.batch(500):
            accuracy.update_state(labels, model(images, training=False))
        print(f"Test accuracy: {accuracy.result().numpy():.4f}")

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "loss.png")
    save_loss_plot(loss_history, path)
    print(f"Loss plot saved to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
