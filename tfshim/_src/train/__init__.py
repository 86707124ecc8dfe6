"""tf.train on tfshim: object-based checkpoints (Checkpoint, CheckpointManager) in tfshim's own files (storage.py)."""
