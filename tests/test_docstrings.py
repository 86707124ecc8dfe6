"""Every public callable of tfshim's namespaces has a docstring (naming the TF API it implements)."""

from __future__ import annotations

import inspect
import types

import tfshim

MODULES = ["", "math", "nn", "linalg", "random", "debugging", "bitwise", "dtypes", "config", "test", "autodiff",
           "data", "keras", "train", "keras.layers", "keras.losses", "keras.metrics", "keras.optimizers",
           "keras.callbacks", "keras.activations", "keras.initializers"]


def _public_callables():
    for path in MODULES:
        mod = tfshim
        for part in filter(None, path.split(".")):
            mod = getattr(mod, part)
        for name in getattr(mod, "__all__", dir(mod)):
            if name.startswith("_"):
                continue
            obj = getattr(mod, name, None)
            if callable(obj) and not isinstance(obj, types.ModuleType):
                yield f"tf.{path + '.' if path else ''}{name}", obj


def test_every_public_callable_has_a_docstring():
    found = list(_public_callables())
    assert len(found) > 400
    missing = [n for n, o in found if not (inspect.getdoc(o) or "").strip()]
    assert not missing, f"public callables without a docstring: {missing}"
