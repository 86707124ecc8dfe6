"""tf.saved_model on jax.export and tfshim's checkpoints (see save_load.py)."""
