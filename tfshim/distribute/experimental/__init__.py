"""tf.distribute.experimental: MultiWorkerMirroredStrategy and its communication options."""

from ..._src.distribute.cluster import (
    CollectiveCommunication,
    CommunicationImplementation,
    CommunicationOptions,
    MultiWorkerMirroredStrategy,
)
from ..._src.distribute.input import ValueContext

__all__ = ["CollectiveCommunication", "CommunicationImplementation", "CommunicationOptions",
           "MultiWorkerMirroredStrategy", "ValueContext"]
