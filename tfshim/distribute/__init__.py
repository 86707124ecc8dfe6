"""tf.distribute: strategies on jax.sharding (see tfshim/_src/distribute)."""

from .._src.distribute.cluster import (
    MultiWorkerMirroredStrategy,
    TFConfigClusterResolver,
)
from .._src.distribute.context import (
    ReplicaContext,
    get_replica_context,
    get_strategy,
    has_strategy,
    in_cross_replica_context,
)
from .._src.distribute.input import (
    DistributedDataset,
    DistributedIterator,
    InputContext,
    InputOptions,
    InputReplicationMode,
)
from .._src.distribute.strategy import (
    CrossDeviceOps,
    HierarchicalCopyAllReduce,
    MirroredStrategy,
    NcclAllReduce,
    OneDeviceStrategy,
    ReductionToOneDevice,
    RunOptions,
    Strategy,
    StrategyExtended,
    experimental_set_strategy,
)
from .._src.distribute.values import DistributedValues, ReduceOp
from tfshim._src.core.variable import VariableAggregation, VariableSynchronization
from . import cluster_resolver, experimental

__all__ = [
    "CrossDeviceOps", "HierarchicalCopyAllReduce", "NcclAllReduce", "ReductionToOneDevice", "RunOptions",
    "experimental_set_strategy", "DistributedDataset", "DistributedIterator", "DistributedValues", "InputContext",
    "InputOptions",
    "InputReplicationMode", "MirroredStrategy", "MultiWorkerMirroredStrategy", "OneDeviceStrategy", "ReduceOp",
    "ReplicaContext", "Strategy", "StrategyExtended", "TFConfigClusterResolver", "VariableAggregation",
    "VariableSynchronization", "cluster_resolver", "experimental", "get_replica_context", "get_strategy",
    "has_strategy", "in_cross_replica_context",
]
