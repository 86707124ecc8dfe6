"""tf.distribute.cluster_resolver: the TF_CONFIG cluster resolver."""

from ..._src.distribute.cluster import TFConfigClusterResolver

__all__ = ["TFConfigClusterResolver"]
