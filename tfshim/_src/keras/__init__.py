"""Private implementation of tf.keras (see tfshim/keras for the public namespace)."""
