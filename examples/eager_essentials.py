"""TensorFlow's "Eager essentials" guide, run on tfshim (``import tfshim as tf``).

The sections follow the guide in order and print what the guide prints. A section that needs a
part of TensorFlow tfshim does not implement yet prints one line saying so and the script carries
on. The summaries section writes TensorBoard event files and prints the ``tensorboard --logdir`` command.
The GPU parts run when ``tf.config.list_physical_devices('GPU')`` finds one.

    python examples/eager_essentials.py                 # the whole guide
    python examples/eager_essentials.py --device cpu    # pin everything to the CPU
    python examples/eager_essentials.py --reference-tf  # the same script on real TensorFlow
    python examples/eager_essentials.py --data keras --images 60000 --plot loss.png   # as the guide
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import tfshim as tf


def section(title: str) -> None:
    print(f"\n== {title} ==")


def not_yet(name: str, feature: str) -> None:
    print(f"[{name}] needs {feature} — not implemented in tfshim yet")


def has(path: str) -> bool:
    """Whether ``tf.<path>`` exists (tfshim raises AttributeError for what it lacks)."""
    obj: Any = tf
    for part in path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            return False
    return True


def needs(name: str, *paths: str) -> bool:
    """True when every ``tf.<path>`` exists; otherwise print the section's "not implemented" line."""
    missing = [f"tf.{p}" for p in paths if not has(p)]
    if missing:
        not_yet(name, " and ".join(missing))
    return not missing


# --- Setup and basic usage -------------------------------------------------------------------
def basic_usage() -> None:
    section("Setup and basic usage")
    print(tf.executing_eagerly())

    x = [[2.0]]
    if hasattr(tf, "matmul"):
        m = tf.matmul(x, x)
        print(f"hello, {m}")
    else:
        not_yet("matmul", "tf.matmul")

    a = tf.constant([[1, 2], [3, 4]])
    print(a)

    # Broadcasting support
    b = tf.add(a, 1)
    print(b)

    # Operator overloading is supported
    print(a * b)

    # Use NumPy values
    c = np.multiply(a, b)
    print(c)

    # Obtain numpy value from a tensor:
    print(a.numpy())


# --- Dynamic control flow --------------------------------------------------------------------
def fizzbuzz(max_num: int) -> None:
    counter = tf.constant(0)
    max_num = tf.convert_to_tensor(max_num)
    for num in range(1, max_num.numpy() + 1):
        num = tf.constant(num)
        if int(num % 3) == 0 and int(num % 5) == 0:
            print("FizzBuzz")
        elif int(num % 3) == 0:
            print("Fizz")
        elif int(num % 5) == 0:
            print("Buzz")
        else:
            print(num.numpy())
        counter += 1


def control_flow() -> None:
    section("Dynamic control flow")
    fizzbuzz(15)


# --- Eager training: computing gradients -------------------------------------------------------
def computing_gradients() -> None:
    section("Computing gradients")
    w = tf.Variable([[1.0]])
    with tf.GradientTape() as tape:
        loss = w * w

    grad = tape.gradient(loss, w)
    print(grad)  # => tf.Tensor([[ 2.]], shape=(1, 1), dtype=float32)


SHARED_MNIST = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "mnist"


def synthetic_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """MNIST-shaped images (uint8, 28x28) of 10 learnable classes: stripes at class-specific angles (18
    degrees apart) with random phase, width and noise. Used when no real MNIST files are available."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=(n,))
    angle = labels * (np.pi / 10) + rng.normal(0.0, 0.05, n)
    period = rng.uniform(5.0, 7.0, n)
    phase = rng.uniform(0.0, 2 * np.pi, n)
    yy, xx = np.mgrid[0:28, 0:28].astype(np.float64)
    proj = np.cos(angle)[:, None, None] * xx + np.sin(angle)[:, None, None] * yy
    images = 0.5 + 0.5 * np.sin(2 * np.pi * proj / period[:, None, None] + phase[:, None, None])
    images = np.clip(images + rng.normal(0.0, 0.2, images.shape), 0.0, 1.0)
    return (images * 255).astype(np.uint8), labels.astype(np.uint8)


def _read_idx(path: Path) -> np.ndarray:
    """One IDX file (optionally gzipped): big-endian dims after a 4-byte magic whose last byte is the rank."""
    import gzip

    raw = (gzip.open if path.suffix == ".gz" else open)(path, "rb").read()
    rank = raw[3]
    dims = np.frombuffer(raw, ">u4", count=rank, offset=4).astype(int)
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * rank).reshape(dims)


def read_idx_folder(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST's train and test splits from a folder of IDX files; a split that is missing is returned empty
    (the shared folder holds only the 10,000 test digits)."""

    def split(prefix: str) -> tuple[np.ndarray, np.ndarray]:
        for suffix in (".gz", ""):
            images = folder / f"{prefix}-images-idx3-ubyte{suffix}"
            if images.exists():
                return _read_idx(images), _read_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}")
        return np.zeros((0, 28, 28), np.uint8), np.zeros((0,), np.uint8)

    (train_x, train_y), (test_x, test_y) = split("train"), split("t10k")
    if len(train_x) == 0 and len(test_x) == 0:
        raise FileNotFoundError(f"--data {folder}: no MNIST IDX files (train-/t10k-images-idx3-ubyte[.gz]) there")
    if len(train_x) == 0:
        train_x, train_y = test_x, test_y
    return train_x, train_y, test_x, test_y


def load_digits(data: str | None, num_images: int, num_test: int) -> tuple[Any, Any, Any, Any, str]:
    """(train images, train labels, test images, test labels, description) for 'Train a model'."""
    if data == "auto":
        data = str(SHARED_MNIST) if (SHARED_MNIST / "t10k-images-idx3-ubyte.gz").exists() else None
    elif data == "synthetic":
        data = None
    if data == "keras":  # the guide: (mnist_images, mnist_labels), _ = tf.keras.datasets.mnist.load_data()
        (images, labels), (test_images, test_labels) = tf.keras.datasets.mnist.load_data()
    elif data:  # a folder of MNIST's IDX files (read here, so that --reference-tf reads the same files)
        images, labels, test_images, test_labels = read_idx_folder(Path(data))
    if data:
        if len(test_images) == 0 or test_images is images or len(images) == len(test_images):
            # One split only (the shared folder holds the 10,000 test digits): hold out its last images.
            num_images = min(num_images, len(images) - num_test)
            test_images, test_labels = images[-num_test:], labels[-num_test:]
        where = "tf.keras.datasets.mnist" if data == "keras" else data
        return (images[:num_images], labels[:num_images], test_images[:num_test], test_labels[:num_test],
                f"real MNIST digits from {where}")
    images, labels = synthetic_digits(num_images + num_test)
    return (images[:num_images], labels[:num_images], images[num_images:], labels[num_images:],
            "SYNTHETIC images: 10 classes of stripes at different angles (no MNIST files found; pass --data DIR "
            "or --data keras for real digits)")


def train_a_model(num_images: int, epochs: int, data: str | None, plot: str | None, num_test: int = 1000) -> None:
    section("Train a model")
    mnist_images, mnist_labels, test_images, test_labels, what = load_digits(data, num_images, num_test)
    print(f"Data: {len(mnist_images)} training and {len(test_images)} test images, {what}")

    dataset = tf.data.Dataset.from_tensor_slices(
        (tf.cast(mnist_images[..., tf.newaxis] / 255, tf.float32), tf.cast(mnist_labels, tf.int64))
    )
    dataset = dataset.shuffle(1000).batch(32, drop_remainder=True)

    mnist_model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu", input_shape=(None, None, 1)),
        tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(10),
    ])

    for images, _labels in dataset.take(1):
        print("Logits: ", mnist_model(images[0:1]).numpy())

    optimizer = tf.keras.optimizers.Adam()
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    loss_history = []

    def train_step(images: Any, labels: Any) -> None:
        with tf.GradientTape() as tape:
            logits = mnist_model(images, training=True)
            # Add asserts to check the shape of the output.
            tf.debugging.assert_equal(logits.shape, (32, 10))
            loss_value = loss_object(labels, logits)
        loss_history.append(loss_value.numpy().mean())
        grads = tape.gradient(loss_value, mnist_model.trainable_variables)
        optimizer.apply_gradients(zip(grads, mnist_model.trainable_variables))

    for epoch in range(epochs):
        for images, labels in dataset:
            train_step(images, labels)
        print(f"Epoch {epoch} finished")
    k = min(10, len(loss_history))
    first, last = float(np.mean(loss_history[:k])), float(np.mean(loss_history[-k:]))
    print(f"Loss: first batch {loss_history[0]:.3f}, last batch {loss_history[-1]:.3f}; "
          f"mean of the first {k} batches {first:.3f}, of the last {k} {last:.3f}")
    logits = mnist_model(tf.cast(test_images[..., tf.newaxis] / 255, tf.float32))
    accuracy = float(np.mean(np.argmax(np.asarray(logits), axis=-1) == np.asarray(test_labels)))
    print(f"Test accuracy: {accuracy:.3f} on {len(test_images)} held-out images (chance: 0.1)")
    if plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        plt.figure()
        plt.plot(loss_history)
        plt.xlabel("Batch #")
        plt.ylabel("Loss [entropy]")
        plt.savefig(plot)
        plt.close()
        print(f"Loss plot saved to {plot}")


# --- Variables and optimizers ----------------------------------------------------------------
def variables_and_optimizers(steps: int) -> tuple[Any, Any]:
    section("Variables and optimizers")

    # The guide's model (defined here rather than at module level so that ``--reference-tf`` can
    # swap ``tf`` for real TensorFlow before the class is created).
    class Linear(tf.keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.W = tf.Variable(5.0, name="weight")
            self.B = tf.Variable(10.0, name="bias")

        def call(self, inputs: Any) -> Any:
            return inputs * self.W + self.B

    # A toy dataset of points around 3 * x + 2
    NUM_EXAMPLES = 2000
    training_inputs = tf.random.normal([NUM_EXAMPLES])
    noise = tf.random.normal([NUM_EXAMPLES])
    training_outputs = training_inputs * 3 + 2 + noise

    # The loss function to be optimized
    def loss(model: Any, inputs: Any, targets: Any) -> Any:
        error = model(inputs) - targets
        return tf.reduce_mean(tf.square(error))

    def grad(model: Any, inputs: Any, targets: Any) -> Any:
        with tf.GradientTape() as tape:
            loss_value = loss(model, inputs, targets)
        return tape.gradient(loss_value, [model.W, model.B])

    model = Linear()
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)

    print(f"Initial loss: {loss(model, training_inputs, training_outputs):.3f}")

    for i in range(steps):
        grads = grad(model, training_inputs, training_outputs)
        optimizer.apply_gradients(zip(grads, [model.W, model.B]))
        if i % 20 == 0:
            print(f"Loss at step {i:03d}: {loss(model, training_inputs, training_outputs):.3f}")

    print(f"Final loss: {loss(model, training_inputs, training_outputs):.3f}")
    print(f"W = {model.W.numpy()}, B = {model.B.numpy()}")
    return model, optimizer


def variables_as_objects() -> None:
    section("Variables are objects")
    if tf.config.list_physical_devices("GPU"):
        with tf.device("gpu:0"):
            v = tf.Variable(tf.random.normal([1000, 1000]))
            print(f"Variable placed on {v.device}")
            v = None  # v no longer takes up GPU memory
    else:
        print("No GPU: the guide's GPU variable is skipped")


def object_based_saving(model: Any, optimizer: Any) -> None:
    section("Object-based saving")

    with tempfile.TemporaryDirectory() as tmp:
        x = tf.Variable(10.0)
        checkpoint = tf.train.Checkpoint(x=x)
        x.assign(2.0)  # Assign a new value to the variables and save.
        checkpoint_path = os.path.join(tmp, "ckpt") + os.sep
        checkpoint.save(checkpoint_path)
        x.assign(11.0)  # Change the variable after saving.
        # Restore values from the checkpoint
        checkpoint.restore(tf.train.latest_checkpoint(checkpoint_path))
        print(x)  # => 2.0

        # To save and load models, tf.train.Checkpoint stores the internal state of objects.
        checkpoint_dir = os.path.join(tmp, "model")
        checkpoint_prefix = os.path.join(checkpoint_dir, "ckpt")
        root = tf.train.Checkpoint(optimizer=optimizer, model=model)
        root.save(checkpoint_prefix)
        saved_w = model.W.numpy()
        model.W.assign(0.0)
        root.restore(tf.train.latest_checkpoint(checkpoint_dir))
        print(f"Restored W equals saved W: {bool(model.W.numpy() == saved_w)}")
    section("Object-oriented metrics")
    m = tf.keras.metrics.Mean("loss")
    m(0)
    m(5)
    print(m.result().numpy())  # => 2.5
    m([8, 9])
    print(m.result().numpy())  # => 5.5


def summaries(logdir: str, model: Any, optimizer: Any) -> None:
    section("Summaries and TensorBoard")
    if not needs("Summaries and TensorBoard", "summary"):
        return
    # The guide's loop: a scalar every 100 steps.
    writer = tf.summary.create_file_writer(os.path.join(logdir, "guide"))
    steps = 1000
    with writer.as_default():  # or call writer.set_as_default() before the loop.
        for i in range(steps):
            step = i + 1
            # Calculate loss with your real train function.
            loss = 1 - 0.001 * step
            if step % 100 == 0:
                tf.summary.scalar("loss", loss, step=step)
    writer.close()
    # The guide's linear model, trained on in a tf.function that writes its loss and weights each step.
    x = tf.random.normal([1000])
    y = x * 3 + 2 + tf.random.normal([1000])
    writer = tf.summary.create_file_writer(os.path.join(logdir, "linear"))

    @tf.function
    def train_step() -> Any:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, [model.W, model.B])
        optimizer.apply_gradients(zip(grads, [model.W, model.B]))
        tf.summary.scalar("loss", loss, step=optimizer.iterations)
        tf.summary.histogram("residuals", model(x) - y, step=optimizer.iterations)
        return loss

    with writer.as_default():
        for _ in range(20):
            loss = train_step()
    writer.close()
    runs = sorted(d for d in os.listdir(logdir) if os.path.isdir(os.path.join(logdir, d)))
    files = sum(len([f for f in os.listdir(os.path.join(logdir, r)) if f.startswith("events.out.tfevents.")])
                for r in runs)
    print(f"Runs {runs}: {files} event files, last loss {float(loss):.3f}")
    print(f"View them with: tensorboard --logdir {logdir}")


# --- Advanced automatic differentiation topics ---------------------------------------------------
def line_search_step(fn: Any, init_x: Any, rate: float = 1.0) -> tuple:
    with tf.GradientTape() as tape:
        # Variables are automatically tracked.
        # But to calculate a gradient from a tensor, you must `watch` it.
        tape.watch(init_x)
        value = fn(init_x)
    grad = tape.gradient(value, init_x)
    grad_norm = tf.reduce_sum(grad * grad)
    init_value = value
    while value > init_value - rate * grad_norm:
        x = init_x - rate * grad
        value = fn(x)
        rate /= 2.0
    return x, value


def dynamic_models() -> None:
    section("Dynamic models")
    x, value = line_search_step(lambda x: tf.reduce_sum(tf.square(x - 1.0)), tf.constant([3.0, -1.0]))
    print(x)
    print(value)


def custom_gradients() -> None:
    section("Custom gradients")
    if not hasattr(tf, "custom_gradient"):
        not_yet("Custom gradients", "tf.custom_gradient")
        return

    @tf.custom_gradient
    def clip_gradient_by_norm(x: Any, norm: Any) -> tuple:
        y = tf.identity(x)

        def grad_fn(dresult: Any) -> list:
            return [tf.clip_by_norm(dresult, norm), None]

        return y, grad_fn

    if all(hasattr(tf, n) for n in ("identity", "clip_by_norm")):
        x = tf.constant([3.0, 4.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = clip_gradient_by_norm(x * 10.0, 1.0)
        print(tape.gradient(y, x))
    else:
        not_yet("clip_gradient_by_norm", "tf.clip_by_norm")

    def log1pexp(x: Any) -> Any:
        return tf.math.log(1 + tf.exp(x))

    def grad_log1pexp(x: Any) -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = log1pexp(x)
        return tape.gradient(value, x)

    # The gradient computation works fine at x = 0.
    print(grad_log1pexp(tf.constant(0.0)).numpy())
    # However, x = 100 fails because of numerical instability.
    print(grad_log1pexp(tf.constant(100.0)).numpy())

    @tf.custom_gradient
    def log1pexp(x: Any) -> tuple:  # noqa: F811  (the guide redefines it with a stable gradient)
        e = tf.exp(x)

        def grad(dy: Any) -> Any:
            return dy * (1 - 1 / (1 + e))

        return tf.math.log(1 + e), grad

    # As before, the gradient computation works fine at x = 0.
    print(grad_log1pexp(tf.constant(0.0)).numpy())
    # And the gradient computation also works at x = 100.
    print(grad_log1pexp(tf.constant(100.0)).numpy())


# --- Performance ------------------------------------------------------------------------------
def measure(x: Any, steps: int) -> float:
    # The first call pays for initialisation/compilation; exclude it from the timing.
    tf.matmul(x, x)
    start = time.time()
    for _ in range(steps):
        x = tf.matmul(x, x)
    # tf.matmul can return before the multiplication has finished; .numpy() waits for it.
    _ = x.numpy()
    end = time.time()
    return end - start


def performance(size: int, steps: int, device: str | None) -> None:
    section("Performance")
    if not (hasattr(tf, "matmul") and hasattr(tf.random, "normal")):
        not_yet("Performance", "tf.matmul and tf.random.normal")
        return
    shape = (size, size)
    print(f"Time to multiply a {shape} matrix by itself {steps} times:")

    # Run on CPU:
    if device != "gpu":
        with tf.device("/cpu:0"):
            print(f"CPU: {measure(tf.random.normal(shape), steps)} secs")

    # Run on GPU, if available:
    if device == "cpu":
        print("GPU: skipped (--device cpu)")
    elif tf.config.list_physical_devices("GPU"):
        with tf.device("/gpu:0"):
            print(f"GPU: {measure(tf.random.normal(shape), steps)} secs")
    else:
        print("GPU: not found")

    # Tensors can be copied between devices with .gpu() and .cpu() (TF raises RuntimeError on .gpu()
    # without a GPU, and so does tfshim), so the guide guards them.
    if tf.config.list_physical_devices("GPU"):
        x = tf.random.normal([10, 10])
        x_gpu0 = x.gpu()
        x_cpu = x.cpu()
        _ = tf.matmul(x_cpu, x_cpu)  # Runs on CPU
        _ = tf.matmul(x_gpu0, x_gpu0)  # Runs on GPU:0
        print(f"x.gpu() on {x_gpu0.device.split('/')[-1]}, x.cpu() on {x_cpu.device.split('/')[-1]}")
    else:
        print("x.gpu()/x.cpu(): no GPU, copies skipped")


def work_with_functions() -> None:
    section("Work with functions")
    if not needs("Work with functions", "function"):
        return

    # The guide points to tf.function for graph-level speed; the same Python code, compiled.
    def squared_error(x: Any, y: Any) -> Any:
        return tf.reduce_sum(tf.square(x - y))

    fast = tf.function(squared_error)
    x, y = tf.constant([1.0, 2.0, 3.0]), tf.constant([1.5, 2.0, 2.0])
    print(squared_error(x, y))
    print(fast(x, y))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="TensorFlow's Eager essentials guide, run on tfshim.")
    p.add_argument("--device", choices=("gpu", "cpu"), default=None,
                   help="run everything on this device (default: TF's default placement)")
    p.add_argument("--images", type=int, default=4096,
                   help="training images for 'Train a model' (guide: 60000); 1000 more are held out for the "
                        "test accuracy")
    p.add_argument("--data", default="auto", metavar="DIR",
                   help="MNIST for 'Train a model': a folder of IDX files, 'keras' for "
                        "tf.keras.datasets.mnist.load_data(), 'synthetic', or 'auto' (default: "
                        "../shared/data/mnist when present, else clearly labelled synthetic digits, offline)")
    p.add_argument("--plot", default=None, metavar="PNG", help="save the guide's loss plot here (matplotlib)")
    p.add_argument("--epochs", type=int, default=3, help="epochs of 'Train a model' (guide: 3)")
    p.add_argument("--steps", type=int, default=300, help="training steps of the regression (guide: 300)")
    p.add_argument("--perf-size", type=int, default=1000, help="matrix size of the performance section (guide: 1000)")
    p.add_argument("--perf-steps", type=int, default=200, help="matmuls in the performance section (guide: 200)")
    p.add_argument("--logdir", default=None, help="TensorBoard log folder of the summaries section (default: a new "
                   "temporary folder)")
    p.add_argument("--reference-tf", action="store_true",
                   help="run the same script on real TensorFlow instead of tfshim (for comparison)")
    args = p.parse_args(argv)

    if args.reference_tf:
        global tf
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
        import tensorflow

        tf = tensorflow

    ctx = tf.device(f"/{args.device}:0") if args.device else contextlib.nullcontext()
    with ctx:
        basic_usage()
        control_flow()
        computing_gradients()
        train_a_model(args.images, args.epochs, args.data, args.plot)
        model, optimizer = variables_and_optimizers(args.steps)
        variables_as_objects()
        object_based_saving(model, optimizer)
        summaries(args.logdir or tempfile.mkdtemp(prefix="eager_essentials_tb_"), model, optimizer)
        dynamic_models()
        custom_gradients()
        performance(args.perf_size, args.perf_steps, args.device)
        work_with_functions()
    return 0


if __name__ == "__main__":
    sys.exit(main())
