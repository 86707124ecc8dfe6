"""tf.data: re-exports of tfshim's implementation (see tfshim._src.data)."""

from tfshim._src.api import populate as _populate
from tfshim._src.data.dataset import Dataset, DatasetV2, NumpyIterator, OwnedIterator
from tfshim._src.data.files import TextLineDataset, TFRecordDataset
from tfshim._src.data.options import (
    AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Options, ThreadingOptions,
)
from tfshim._src.data.transforms import DatasetSpec

from tfshim.data import experimental  # noqa: E402

__getattr__ = _populate(globals(), "data", {
    "Dataset": Dataset, "DatasetSpec": DatasetSpec, "Iterator": OwnedIterator, "NumpyIterator": NumpyIterator,
    "AUTOTUNE": AUTOTUNE, "INFINITE_CARDINALITY": INFINITE_CARDINALITY, "UNKNOWN_CARDINALITY": UNKNOWN_CARDINALITY,
    "Options": Options, "ThreadingOptions": ThreadingOptions, "experimental": experimental,
    "TextLineDataset": TextLineDataset, "TFRecordDataset": TFRecordDataset,
})
del DatasetV2, OwnedIterator  # tf.data.Iterator is TF's name for it
