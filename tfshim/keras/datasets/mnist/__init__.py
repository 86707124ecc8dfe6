"""tf.keras.datasets.mnist."""

from tfshim._src.keras.datasets import mnist_load_data as load_data
