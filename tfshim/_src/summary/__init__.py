"""tf.summary on TensorBoard's event files (see ops.py and event_file.py)."""
