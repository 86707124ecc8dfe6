"""tf.autograph: re-exports of tfshim's AutoGraph (see tfshim._src.autograph)."""

from tfshim._src.autograph.conversion import set_verbosity, to_code, to_graph, trace

from tfshim.autograph import experimental

__all__ = ["experimental", "set_verbosity", "to_code", "to_graph", "trace"]
