"""tf.keras.optimizers: Keras 3 optimizers on JAX (Keras' update formulas; optax adapter as an extension)."""

from tfshim._src.keras.optimizers import (
    SGD, Adadelta, Adafactor, Adagrad, Adam, Adamax, AdamW, Ftrl, Lion, Nadam, OptaxOptimizer, Optimizer, RMSprop,
    deserialize, get, serialize,
)
from tfshim.keras.optimizers import schedules


def __getattr__(name: str):
    raise AttributeError(f"tfshim does not implement tf.keras.optimizers.{name} yet")
