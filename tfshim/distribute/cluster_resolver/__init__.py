"""tf.distribute.cluster_resolver: the TF_CONFIG cluster resolver."""

from ..._src.distribute.cluster import ClusterResolver, SimpleClusterResolver, TFConfigClusterResolver

__all__ = ["ClusterResolver", "SimpleClusterResolver", "TFConfigClusterResolver"]
