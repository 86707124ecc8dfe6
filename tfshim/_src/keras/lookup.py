"""Keras' ``get`` / ``serialize`` / ``deserialize`` for a family of objects (losses, metrics)."""

from __future__ import annotations

from typing import Any


class Lookup:
    """Resolves identifiers of one family: names in ``by_name`` (classes are instantiated), config
    dicts, or callables passed through; ``kind`` words the error, ``module`` goes into configs."""

    def __init__(self, kind: str, module: str, base: type, by_name: dict):
        self.kind, self.module, self.base, self.by_name = kind, module, base, by_name

    def _error(self, identifier: Any) -> ValueError:
        return ValueError(f"Could not interpret {self.kind} identifier: {identifier}")

    def get(self, identifier: Any) -> Any:
        if identifier is None:
            return None
        if isinstance(identifier, dict):
            return self.deserialize(identifier)
        if isinstance(identifier, str):
            obj = self.by_name.get(identifier)
            if obj is None:
                raise self._error(identifier)
            return obj() if isinstance(obj, type) else obj
        if callable(identifier):
            return identifier
        raise self._error(identifier)

    def serialize(self, obj: Any) -> Any:
        if isinstance(obj, self.base):
            return {"module": self.module, "class_name": type(obj).__name__, "config": obj.get_config(),
                    "registered_name": None}
        return getattr(obj, "__name__", obj)

    def deserialize(self, config: Any, custom_objects: Any = None) -> Any:
        if isinstance(config, str):
            return self.get(config)
        cls = (custom_objects or {}).get(config["class_name"]) or self.by_name.get(config["class_name"])
        if cls is None:
            raise self._error(config)
        return cls.from_config(config["config"])
