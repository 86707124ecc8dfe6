"""tf.keras.losses: loss functions and Loss classes (Keras 3 semantics, the names tf.keras exports)."""

from tfshim._src.keras.losses import (
    MAE, MAPE, MSE, MSLE, KLD, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalHinge,
    CosineSimilarity, Hinge, Huber, KLDivergence, LogCosh, Loss, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredError, MeanSquaredLogarithmicError, Poisson, Reduction, SparseCategoricalCrossentropy, SquaredHinge,
    binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy, categorical_hinge, cosine_similarity,
    deserialize, get, hinge, huber, kld, kullback_leibler_divergence, logcosh, mae, mape, mse, msle, poisson,
    serialize, sparse_categorical_crossentropy, squared_hinge,
)


def __getattr__(name: str):
    raise AttributeError(f"tfshim does not implement tf.keras.losses.{name} yet")
