"""Builds the public namespaces (tf, tf.math, tf.nn, ...) from the op table plus explicit extras."""

from __future__ import annotations

from typing import Any, Callable

from .ops.table import namespace


def populate(globals_: dict, prefix: str, extras: dict | None = None) -> Callable:
    """Fill a public module's globals with the op rows under ``prefix`` and ``extras``.

    Returns the module ``__getattr__`` that reports names tfshim does not implement yet.
    """
    names = dict(namespace(prefix))
    names.update(extras or {})
    globals_.update(names)
    globals_["__all__"] = sorted(set(globals_.get("__all__", ())) | set(names))
    path = f"tf.{prefix}." if prefix else "tf."

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"tfshim does not implement {path}{name} yet")

    return __getattr__
