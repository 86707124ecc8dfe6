"""tf.data on NumPy: datasets are Python iterators of NumPy leaves; elements leave as tfshim Tensors."""
