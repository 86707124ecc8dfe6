"""The core floor: state, dtypes, shapes, errors, devices, Tensor, conversion, recording, dispatch,
the stateless scope and Variable. Nothing here imports a module above ``tfshim._src.core``."""
