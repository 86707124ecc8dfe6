"""tf.keras.datasets.fashion_mnist."""

from tfshim._src.keras.datasets import fashion_mnist_load_data as load_data
