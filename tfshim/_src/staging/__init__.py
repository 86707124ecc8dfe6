"""Staging: tf.function and the functional control-flow ops (above autodiff and ops)."""
