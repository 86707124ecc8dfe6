"""tf.train: re-exports of tfshim's implementation (see tfshim._src.train)."""

from tfshim._src.api import populate as _populate
from tfshim._src.io.example_pb import (
    BytesList, Example, Feature, FeatureList, FeatureLists, Features, FloatList, Int64List, SequenceExample,
)
from tfshim._src.train.checkpoint import Checkpoint, CheckpointOptions
from tfshim._src.train.checkpoint_state import CheckpointState, get_checkpoint_state, latest_checkpoint
from tfshim._src.train.manager import CheckpointManager
from tfshim._src.train.reader import CheckpointReader, list_variables, load_checkpoint

__getattr__ = _populate(globals(), "train", {
    "Checkpoint": Checkpoint, "CheckpointOptions": CheckpointOptions, "CheckpointManager": CheckpointManager,
    "latest_checkpoint": latest_checkpoint, "get_checkpoint_state": get_checkpoint_state,
    "load_checkpoint": load_checkpoint, "list_variables": list_variables,
    "BytesList": BytesList, "Example": Example, "Feature": Feature, "FeatureList": FeatureList,
    "FeatureLists": FeatureLists, "Features": Features, "FloatList": FloatList, "Int64List": Int64List,
    "SequenceExample": SequenceExample,
})
del CheckpointReader, CheckpointState
