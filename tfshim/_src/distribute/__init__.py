"""tf.distribute on jax.sharding (strategies, distributed values and datasets)."""
