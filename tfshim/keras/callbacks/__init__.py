"""tf.keras.callbacks: hooks for fit / evaluate / predict."""

from tfshim._src.keras.callbacks import (
    Callback, CallbackList, CSVLogger, EarlyStopping, History, LambdaCallback, LearningRateScheduler,
    ModelCheckpoint, ProgbarLogger, ReduceLROnPlateau, TerminateOnNaN,
)
from tfshim._src.keras.tensorboard import TensorBoard


def __getattr__(name: str):
    raise AttributeError(f"tfshim does not implement tf.keras.callbacks.{name} yet")
