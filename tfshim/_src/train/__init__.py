"""tf.train on tfshim: object-based checkpoints (Checkpoint, CheckpointManager) stored with orbax."""
