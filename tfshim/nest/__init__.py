"""tf.nest: re-exports of tfshim's implementation (see tfshim._src.ops.nest)."""

from tfshim._src.ops.nest import assert_same_structure, flatten, is_nested, map_structure, pack_sequence_as

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"tfshim does not implement tf.nest.{name} yet")
