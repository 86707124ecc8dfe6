"""tf.types: re-exports of tfshim's type aliases (see tfshim.types.experimental)."""

from tfshim.types import experimental

__all__ = ["experimental"]


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"tfshim does not implement tf.types.{name} yet")
