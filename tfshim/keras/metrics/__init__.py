"""tf.keras.metrics: stateful metrics and metric functions (Keras 3 semantics)."""

from tfshim._src.keras.metrics import (
    AUC, Accuracy, BinaryAccuracy, BinaryCrossentropy, CategoricalAccuracy, CategoricalCrossentropy, CategoricalHinge,
    CosineSimilarity, Hinge, KLDivergence, LogCoshError, Mean, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanMetricWrapper, MeanSquaredError, MeanSquaredLogarithmicError, Metric, Poisson, Precision, Recall,
    RootMeanSquaredError, SparseCategoricalAccuracy, SparseCategoricalCrossentropy, SparseTopKCategoricalAccuracy,
    SquaredHinge, Sum, TopKCategoricalAccuracy, binary_accuracy, binary_crossentropy, binary_focal_crossentropy,
    categorical_accuracy, categorical_crossentropy, categorical_hinge, deserialize, get, hinge, huber, kld,
    kullback_leibler_divergence, logcosh, mae, mape, mse, msle, poisson, serialize, sparse_categorical_accuracy,
    sparse_categorical_crossentropy, sparse_top_k_categorical_accuracy, squared_hinge, top_k_categorical_accuracy,
)

KLD = kld
MAE = mae
MAPE = mape
MSE = mse
MSLE = msle


def __getattr__(name: str):
    raise AttributeError(f"tfshim does not implement tf.keras.metrics.{name} yet")
