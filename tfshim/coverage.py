"""``python -m tfshim.coverage [tf.math ...] [--missing]``: how much of real TensorFlow's public API tfshim has.

Needs TensorFlow installed; prints, per module (tf, tf.math, tf.nn, tf.keras.layers, ...), how many of
TF's public names tfshim implements.
"""

import sys

import tfshim
from tfshim._src.porting import coverage_main

if __name__ == "__main__":
    sys.exit(coverage_main(root=tfshim))
