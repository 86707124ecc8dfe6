"""tf.io: re-exports of tfshim's implementation (see tfshim._src.io)."""

from tfshim._src.api import populate as _populate
from tfshim._src.io.files import matching_files, read_file, write_file
from tfshim._src.io.parsing import (
    FixedLenFeature, FixedLenSequenceFeature, RaggedFeature, SparseFeature, VarLenFeature, parse_example,
    parse_sequence_example, parse_single_example, parse_single_sequence_example,
)
from tfshim._src.io.tensor_io import (
    decode_base64, decode_compressed, decode_csv, decode_raw, encode_base64, parse_tensor, serialize_tensor,
)
from tfshim._src.io.tfrecord import TFRecordOptions, TFRecordWriter

from tfshim.io import gfile  # noqa: E402

__getattr__ = _populate(globals(), "io", {
    "read_file": read_file, "write_file": write_file, "matching_files": matching_files, "gfile": gfile,
    "FixedLenFeature": FixedLenFeature, "FixedLenSequenceFeature": FixedLenSequenceFeature,
    "RaggedFeature": RaggedFeature, "SparseFeature": SparseFeature, "VarLenFeature": VarLenFeature,
    "parse_example": parse_example, "parse_single_example": parse_single_example,
    "parse_sequence_example": parse_sequence_example, "parse_single_sequence_example": parse_single_sequence_example,
    "decode_base64": decode_base64, "encode_base64": encode_base64, "decode_compressed": decode_compressed,
    "decode_csv": decode_csv, "decode_raw": decode_raw, "parse_tensor": parse_tensor,
    "serialize_tensor": serialize_tensor, "TFRecordOptions": TFRecordOptions, "TFRecordWriter": TFRecordWriter,
})
