"""The Eager-essentials guide's linear regression (``Linear(tf.keras.Model)`` + SGD), with ``import tfshim as tf``.

Fits ``y = W * x + B`` to 2000 noisy points around ``3 * x + 2``; prints ``W`` and ``B`` (near 3 and 2)
and saves the loss curve.

    python examples/regression.py                     # the guide's 300 steps
    python examples/regression.py --steps 100 --out /tmp --compile   # train step in tf.function
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Any

import tfshim as tf


class Linear(tf.keras.Model):
    """The guide's model: ``inputs * W + B``."""

    def __init__(self) -> None:
        super().__init__()
        self.W = tf.Variable(5.0, name="weight")
        self.B = tf.Variable(10.0, name="bias")

    def call(self, inputs: Any) -> Any:
        return inputs * self.W + self.B


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="The guide's linear regression on tfshim.")
    p.add_argument("--steps", type=int, default=300, help="SGD steps (guide: 300)")
    p.add_argument("--lr", type=float, default=0.01, help="learning rate (guide: 0.01)")
    p.add_argument("--examples", type=int, default=2000, help="number of points (guide: 2000)")
    p.add_argument("--compile", action="store_true", help="run the training step in tf.function")
    p.add_argument("--out", default=".", help="folder for regression_loss.png")
    p.add_argument("--device", choices=("cpu", "gpu"), default=None, help="device (default: the GPU if JAX sees one)")
    p.add_argument("--seed", type=int, default=0, help="tf.random.set_seed value")
    args = p.parse_args(argv)

    device = args.device
    if device == "gpu" and not tf.config.list_physical_devices("GPU"):
        print("--device gpu: no GPU visible to JAX (install tfshim[cuda]); running on the CPU")
        device = "cpu"
    tf.random.set_seed(args.seed)
    with tf.device(f"/{device}:0") if device else contextlib.nullcontext():
        training_inputs = tf.random.normal([args.examples])
        noise = tf.random.normal([args.examples])
        training_outputs = training_inputs * 3 + 2 + noise

        def loss(model: Linear, inputs: Any, targets: Any) -> Any:
            error = model(inputs) - targets
            return tf.reduce_mean(tf.square(error))

        model = Linear()
        optimizer = tf.keras.optimizers.SGD(learning_rate=args.lr)

        def train_step(inputs: Any, targets: Any) -> Any:
            with tf.GradientTape() as tape:
                loss_value = loss(model, inputs, targets)
            grads = tape.gradient(loss_value, [model.W, model.B])
            optimizer.apply_gradients(zip(grads, [model.W, model.B]))
            return loss_value

        step = tf.function(train_step) if args.compile else train_step
        print(f"Initial loss: {loss(model, training_inputs, training_outputs):.3f}")
        history = []
        for i in range(args.steps):
            history.append(float(step(training_inputs, training_outputs)))
            if i % 20 == 0:
                print(f"Loss at step {i:03d}: {history[-1]:.3f}")
        print(f"Final loss: {loss(model, training_inputs, training_outputs):.3f}")
        print(f"W = {model.W.numpy()}, B = {model.B.numpy()}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "regression_loss.png")
    plt.figure()
    plt.plot(history)
    plt.xlabel("Step")
    plt.ylabel("Mean squared error")
    plt.savefig(path)
    plt.close()
    print(f"Loss curve saved to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
