"""tf.autograph.experimental: re-exports of tfshim's AutoGraph options (see tfshim._src.autograph)."""

from tfshim._src.autograph.conversion import do_not_convert, set_loop_options

__all__ = ["do_not_convert", "set_loop_options"]
