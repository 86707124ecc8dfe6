"""tf.Module: a named container whose variables and submodules are found by attribute tracking."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from .core.variable import Variable, current_scope, name_scope

_VALID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/>]*$")


def _camel_to_snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


class Module:
    """tf.Module: ``variables``, ``trainable_variables``, ``submodules`` found through attributes
    (including lists, tuples, dicts and nested modules), and ``name_scope``."""

    _TF_MODULE_IGNORED_PROPERTIES: frozenset = frozenset()

    def __init__(self, name: str | None = None):
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not _VALID.match(name):
            raise ValueError(f"tf.Module: {name!r} is not a valid module name; use letters, digits and underscores.")
        object.__setattr__(self, "_name", name)
        scope = current_scope()
        object.__setattr__(self, "_scope_name", f"{scope}/{name}" if scope else name)

    @property
    def name(self) -> str:
        return self._name

    @property
    def name_scope(self) -> Any:
        return name_scope(self._scope_name)

    @property
    def variables(self) -> tuple:
        return tuple(self._flatten(predicate=_is_variable))

    @property
    def trainable_variables(self) -> tuple:
        return tuple(self._flatten(predicate=lambda v: _is_variable(v) and v.trainable))

    @property
    def non_trainable_variables(self) -> tuple:
        return tuple(self._flatten(predicate=lambda v: _is_variable(v) and not v.trainable))

    @property
    def submodules(self) -> tuple:
        return tuple(self._flatten(predicate=lambda m: isinstance(m, Module)))

    def _flatten(self, recursive: bool = True, predicate: Callable | None = None) -> Iterator:
        seen: set = set()
        yield from _walk(self, predicate or (lambda _: True), seen, recursive)

    @classmethod
    def with_name_scope(cls, method: Callable) -> Callable:
        def wrapped(self, *a, **k):
            with self.name_scope:
                return method(self, *a, **k)

        wrapped.__name__ = getattr(method, "__name__", "method")
        return wrapped

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} object at {hex(id(self))}>"


def _is_variable(v: Any) -> bool:
    return isinstance(v, Variable)


def _attrs(obj: Any) -> list:
    d = getattr(obj, "__dict__", {})
    ignored = getattr(obj, "_TF_MODULE_IGNORED_PROPERTIES", frozenset())
    return [d[k] for k in sorted(d) if k not in ignored]


def _children(value: Any) -> list:
    if isinstance(value, dict):
        return [value[k] for k in sorted(value, key=str)]
    if isinstance(value, (list, tuple)):
        return list(value)
    return []


def _leaves(value: Any, seen: set) -> Iterator:
    if isinstance(value, (Variable, Module)):
        yield value
        return
    for k in _children(value):
        yield from _leaves(k, seen)


def _walk(module: Any, predicate: Callable, seen: set, recursive: bool) -> Iterator:
    # As tf.Module: attributes in sorted order, each nest flattened; a level's own leaves first,
    # then the submodules found there, recursively.
    subs = []
    for attr in _attrs(module):
        for leaf in _leaves(attr, seen):
            if id(leaf) in seen:
                continue
            seen.add(id(leaf))
            if predicate(leaf):
                yield leaf
            if recursive and isinstance(leaf, Module):
                subs.append(leaf)
    for m in subs:
        yield from _walk(m, predicate, seen, recursive)
