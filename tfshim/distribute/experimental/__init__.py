"""tf.distribute.experimental: MultiWorkerMirroredStrategy and its communication options."""

from ..._src.distribute.cluster import (
    CollectiveCommunication,
    CommunicationImplementation,
    CommunicationOptions,
    MultiWorkerMirroredStrategy,
)

__all__ = ["CollectiveCommunication", "CommunicationImplementation", "CommunicationOptions",
           "MultiWorkerMirroredStrategy"]
