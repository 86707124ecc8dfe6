"""The masked CRC-32C helpers now live in ``core/crc32c.py`` (shared with TFRecord files); re-exported here."""

from ..core.crc32c import _py_extend, extend, mask, unmask, value  # noqa: F401
