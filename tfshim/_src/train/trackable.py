"""The object graph that tf.train.Checkpoint saves: trackable objects and their named children.

As in TF, a checkpoint is a graph: every trackable object is a node, every attribute (or list
index, or dict key) holding another trackable object is a named edge, and each Variable's value is
stored under the key of its shortest path from the root (breadth first, children in attribute
order), e.g. ``model/layer/kernel/.ATTRIBUTES/VARIABLE_VALUE``. Restoring matches the program's
graph against the saved one edge by edge, so any path reaching a variable finds its value.

Trackable objects: Variables, tf.Modules (Keras layers and models included), tf.train.Checkpoint,
tfshim's Keras optimizers, lists/tuples/dicts holding any of these, and any object whose class
defines ``_trackable_children()`` returning ``{name: child}`` (the protocol to override the
default walk). The default walk of an object is its ``__dict__`` in assignment order, private
(``_``-prefixed) attributes included as TF does, skipping ``_TF_MODULE_IGNORED_PROPERTIES``.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Iterable

from ..core.variable import Variable
from ..module import Module

VALUE_SUFFIX = ".ATTRIBUTES/VARIABLE_VALUE"

# type -> function(obj) -> list of (name, child): adapters for classes that cannot define the protocol
_REGISTRY: dict = {}


def register_trackable(cls: type, children: Callable[[Any], Iterable]) -> None:
    """Make instances of ``cls`` trackable, with ``children(obj)`` giving their ``(name, child)`` pairs."""
    _REGISTRY[cls] = children


def _optimizer_children(opt: Any) -> list:
    # Keras 3 optimizer's names in TF: _iterations, _learning_rate, _trainable_variables, and
    # _variables = [iterations, learning_rate, then each variable's slots in order].
    d = opt.__dict__
    if not all(k in d for k in ("_iterations", "_learning_rate", "_trainable_variables", "_slots")):
        return _dict_children(opt)
    out = [("_iterations", d["_iterations"])]
    lr = d["_learning_rate"]
    if isinstance(lr, Variable):
        out.append(("_learning_rate", lr))
    out.append(("_trainable_variables", d["_trainable_variables"]))
    variables = [d["_iterations"]] + ([lr] if isinstance(lr, Variable) else [])
    for slots in d["_slots"]:
        variables.extend(slots)
    # Optimizer-wide state (Nadam's u_product: Keras' attribute ``_u_product``).
    for name, g in zip(getattr(opt, "_global_names", ()), d.get("_globals", ())):
        out.append((f"_{name}", g))
        variables.append(g)
    # LossScaleOptimizer: its own counters, then the wrapped optimizer as the child ``inner_optimizer``.
    if d.get("inner_optimizer") is not None:
        for name in ("dynamic_scale", "step_counter"):
            if d.get(name) is not None:
                out.append((name, d[name]))
                variables.append(d[name])
        out.append(("inner_optimizer", d["inner_optimizer"]))
    out.append(("_variables", variables))
    return [(k, v) for k, v in out if is_node(v)]


def _adapter(obj: Any) -> Callable | None:
    for c in type(obj).__mro__:
        fn = _REGISTRY.get(c)
        if fn is not None:
            return fn
    opt_mod = sys.modules.get("tfshim._src.keras.optimizers")
    if opt_mod is not None and isinstance(obj, getattr(opt_mod, "Optimizer", ())):
        return _optimizer_children
    return None


def is_trackable(obj: Any) -> bool:
    """True for objects that are nodes of a checkpoint's graph by themselves (not containers)."""
    if isinstance(obj, (Variable, Module)):
        return True
    if callable(getattr(type(obj), "_trackable_children", None)):
        return True
    return _adapter(obj) is not None


def is_node(value: Any, _depth: int = 0) -> bool:
    """A trackable object, or a list/tuple/dict holding one at any depth."""
    if is_trackable(value):
        return True
    if _depth > 50:
        return False
    if isinstance(value, dict):
        return any(is_node(v, _depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_node(v, _depth + 1) for v in value)
    return False


def _dict_children(obj: Any) -> list:
    d = getattr(obj, "__dict__", None) or {}
    ignored = getattr(obj, "_TF_MODULE_IGNORED_PROPERTIES", frozenset()) | getattr(obj, "_NOT_TRACKED", frozenset())
    return [(k, v) for k, v in list(d.items()) if k not in ignored and is_node(v)]


def children(obj: Any) -> list:
    """The named children ``[(name, child), ...]`` of a node, in order."""
    if isinstance(obj, Variable):
        return []
    fn = getattr(type(obj), "_trackable_children", None)
    if callable(fn):
        return [(str(k), v) for k, v in obj._trackable_children().items() if is_node(v)]
    adapter = _adapter(obj)
    if adapter is not None:
        return list(adapter(obj))
    if isinstance(obj, dict):
        return [(str(k), v) for k, v in list(obj.items()) if is_node(v)]
    if isinstance(obj, (list, tuple)):
        return [(str(i), v) for i, v in enumerate(obj) if is_node(v)]
    return _dict_children(obj)


def escape(name: str) -> str:
    """A child name as it appears in a TF checkpoint key ('.' -> '..', '/' -> '.S')."""
    return name.replace(".", "..").replace("/", ".S")


def value_key(path: tuple) -> str:
    return "/".join(escape(p) for p in path) + "/" + VALUE_SUFFIX


class Graph:
    """The object graph of ``root`` as it is now: nodes in breadth-first order (node 0 is the root)."""

    def __init__(self, root: Any, extra: Iterable = ()):
        self.objects: list = [root]
        self.paths: list = [()]
        self.edges: list = [[]]
        index = {id(root): 0}
        i = 0
        while i < len(self.objects):
            obj = self.objects[i]
            kids = children(obj) if i else list(children(obj)) + list(extra)
            for name, child in kids:
                j = index.get(id(child))
                if j is None:
                    j = index[id(child)] = len(self.objects)
                    self.objects.append(child)
                    self.paths.append(self.paths[i] + (name,))
                    self.edges.append([])
                self.edges[i].append((name, j))
            i += 1

    def variables(self) -> list:
        """[(node id, variable, key)] for every Variable node."""
        return [(i, o, value_key(self.paths[i])) for i, o in enumerate(self.objects) if isinstance(o, Variable)]


def match(anchors: list, saved_nodes: list, unmatched: list | None = None) -> dict:
    """Pair the program's objects with saved nodes, edge by edge from the roots.

    ``anchors`` is ``[(object, saved node id)]`` to start from; ``saved_nodes[i]["children"]`` is the
    list of ``[name, node id]`` edges of saved node i. Returns ``{id(obj): (obj, node id)}``. With
    ``unmatched`` (a list), the whole program graph is walked and its objects that match no saved
    node are appended to it.
    """
    matched: dict = {}
    seen: dict = {}
    queue = []
    for obj, nid in anchors:
        if id(obj) not in matched:
            matched[id(obj)] = (obj, nid)
            seen[id(obj)] = obj
            queue.append((obj, nid))
    i = 0
    while i < len(queue):
        obj, nid = queue[i]
        i += 1
        saved_children = saved_nodes[nid]["children"] if nid is not None else ()
        if not saved_children and unmatched is None:
            continue
        by_name = {name: cid for name, cid in saved_children}
        for name, child in children(obj):
            if id(child) in matched:
                continue
            cid = by_name.get(name)
            if cid is not None:
                matched[id(child)] = (child, cid)
                seen[id(child)] = child
                queue.append((child, cid))
            elif unmatched is not None and id(child) not in seen:
                seen[id(child)] = child
                queue.append((child, None))
    if unmatched is not None:
        unmatched.extend(o for o in seen.values() if id(o) not in matched)
    return matched


def all_objects(roots: list) -> list:
    """Every node reachable from ``roots`` (each once), breadth first."""
    seen: dict = {}
    queue = list(roots)
    for r in roots:
        seen[id(r)] = r
    i = 0
    while i < len(queue):
        obj = queue[i]
        i += 1
        for _, child in children(obj):
            if id(child) not in seen:
                seen[id(child)] = child
                queue.append(child)
    return queue
