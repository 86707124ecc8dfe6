"""tf.keras.datasets: MNIST and Fashion-MNIST loaders (Keras' download/cache behaviour, local IDX folders)."""

from tfshim.keras.datasets import fashion_mnist, mnist


def __getattr__(name: str):
    raise AttributeError(f"tfshim does not implement tf.keras.datasets.{name} yet")
