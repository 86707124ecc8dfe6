"""tf.saved_model: save / load models without their Python code (re-exports of tfshim._src.saved_model)."""

from tfshim._src.api import populate as _populate
from tfshim._src.saved_model.save_load import Asset, LoadOptions, SaveOptions, contains_saved_model, load, save

__getattr__ = _populate(globals(), "saved_model", {
    "Asset": Asset, "LoadOptions": LoadOptions, "SaveOptions": SaveOptions,
    "contains_saved_model": contains_saved_model, "load": load, "save": save,
})
