"""The guide's MNIST model trained with Keras ``compile`` / ``fit`` / ``evaluate``, with ``import tfshim as tf``.

The same CNN as ``mnist_eager.py``; ``fit`` runs the whole training step as one compiled function.

    python examples/mnist_fit.py                         # MNIST from the Keras cache (downloads once)
    python examples/mnist_fit.py --data DIR --epochs 1   # a folder of MNIST IDX files
"""

from __future__ import annotations

import argparse
import os
import sys

import tfshim as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_eager import build_model, device_scope, load_mnist, save_loss_plot  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="The guide's MNIST model with compile/fit/evaluate, on tfshim.")
    p.add_argument("--data", default=None, metavar="DIR",
                   help="folder of MNIST IDX files (default: tf.keras.datasets.mnist.load_data(), Keras cache)")
    p.add_argument("--epochs", type=int, default=3, help="training epochs")
    p.add_argument("--train", type=int, default=None, help="use only the first N training images")
    p.add_argument("--batch", type=int, default=32, help="batch size")
    p.add_argument("--lr", type=float, default=0.001, help="Adam learning rate")
    p.add_argument("--out", default=".", help="folder for loss.png (loss per epoch)")
    p.add_argument("--device", choices=("cpu", "gpu"), default=None, help="device (default: the GPU if JAX sees one)")
    p.add_argument("--seed", type=int, default=0, help="tf.random.set_seed value")
    args = p.parse_args(argv)

    tf.random.set_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_mnist(args.data)
    if args.train:
        x_train, y_train = x_train[: args.train], y_train[: args.train]
    print(f"MNIST: {len(x_train)} training images, {len(x_test)} test images")
    x_train = (x_train[..., None] / 255).astype("float32")
    x_test = (x_test[..., None] / 255).astype("float32")

    with device_scope(args.device):
        model = build_model()
        model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=args.lr),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        history = model.fit(x_train, y_train, batch_size=args.batch, epochs=args.epochs, verbose=2)
        test_loss, test_acc = model.evaluate(x_test, y_test, batch_size=500, verbose=0)
    print(f"Test loss: {test_loss:.4f}")
    print(f"Test accuracy: {test_acc:.4f}")

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "loss.png")
    save_loss_plot(history.history["loss"], path, xlabel="Epoch")
    print(f"Loss plot saved to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
