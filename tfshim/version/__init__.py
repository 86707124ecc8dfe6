"""tf.version: the TensorFlow API version tfshim implements (tfshim's own version is
``tfshim.__tfshim_version__``). ``GIT_VERSION`` and ``COMPILER_VERSION`` name tfshim and JAX instead
of a TensorFlow build."""

import jax as _jax

VERSION = "2.21.0"
_TFSHIM_VERSION = "0.1.0"  # private: TF has no such name; public as tfshim.__tfshim_version__
GIT_VERSION = f"v{VERSION}-tfshim-{_TFSHIM_VERSION}"
COMPILER_VERSION = f"tfshim {_TFSHIM_VERSION} on JAX {_jax.__version__}"
GRAPH_DEF_VERSION = 2474  # TF 2.21's values (tfshim writes no GraphDefs)
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0

__all__ = ["COMPILER_VERSION", "GIT_VERSION", "GRAPH_DEF_VERSION", "GRAPH_DEF_VERSION_MIN_CONSUMER",
           "GRAPH_DEF_VERSION_MIN_PRODUCER", "VERSION"]
