"""tf.io.gfile: re-exports of tfshim's implementation (see tfshim._src.io.files)."""

from tfshim._src.api import populate as _populate
from tfshim._src.io.files import (
    GFile, copy, exists, get_registered_schemes, glob, isdir, join, listdir, makedirs, mkdir, remove, rename,
    rmtree, stat, walk,
)

__getattr__ = _populate(globals(), "io.gfile", {
    "GFile": GFile, "copy": copy, "exists": exists, "get_registered_schemes": get_registered_schemes, "glob": glob,
    "isdir": isdir, "join": join, "listdir": listdir, "makedirs": makedirs, "mkdir": mkdir, "remove": remove,
    "rename": rename, "rmtree": rmtree, "stat": stat, "walk": walk,
})
