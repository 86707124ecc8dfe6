"""tf.io: files, TFRecord, tf.train.Example protos and their parsing (host side)."""
