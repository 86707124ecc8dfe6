"""tf.keras.optimizers.schedules: learning-rate schedules."""

from tfshim._src.keras.schedules import (
    CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay, LearningRateSchedule,
    PiecewiseConstantDecay, PolynomialDecay, deserialize, serialize,
)


def __getattr__(name: str):
    raise AttributeError(f"tfshim does not implement tf.keras.optimizers.schedules.{name} yet")
