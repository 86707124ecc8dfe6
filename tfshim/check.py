"""``python -m tfshim.check path/to/script.py [more files or folders]``: the porting checker.

Lists every ``tf.`` name the TensorFlow programs use and whether tfshim implements it (looked up in
tfshim's own namespace), with a summary line. Exit status 0 when everything is covered, 1 otherwise.
"""

import sys

import tfshim
from tfshim._src.porting import check_main

if __name__ == "__main__":
    sys.exit(check_main(root=tfshim))
