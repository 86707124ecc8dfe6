"""tf.data.experimental: re-exports of tfshim's implementation (see tfshim._src.data)."""

from typing import Any as _Any

from tfshim._src.api import populate as _populate
from tfshim._src.data.files import CsvDataset, make_csv_dataset
from tfshim._src.data.options import (
    AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, AutoShardPolicy, AutotuneOptions, DistributeOptions,
    ExternalStatePolicy, OptimizationOptions, ThreadingOptions,
)


def cardinality(dataset: _Any) -> _Any:
    """tf.data.experimental.cardinality(dataset): ``dataset.cardinality()``."""
    return dataset.cardinality()


__getattr__ = _populate(globals(), "data.experimental", {
    "AUTOTUNE": AUTOTUNE, "INFINITE_CARDINALITY": INFINITE_CARDINALITY, "UNKNOWN_CARDINALITY": UNKNOWN_CARDINALITY,
    "AutoShardPolicy": AutoShardPolicy, "AutotuneOptions": AutotuneOptions, "DistributeOptions": DistributeOptions,
    "ExternalStatePolicy": ExternalStatePolicy, "OptimizationOptions": OptimizationOptions,
    "ThreadingOptions": ThreadingOptions, "cardinality": cardinality,
    "CsvDataset": CsvDataset, "make_csv_dataset": make_csv_dataset,
})
