"""tf.nest: flatten, map and rebuild nested structures as TensorFlow does.

Structures are lists, tuples, namedtuples, dicts and other ``collections.abc.Mapping`` types
(flattened in sorted-key order; rebuilt in the structure's own key order), and ``attrs`` classes.
Everything else is a leaf: Tensors, Variables, NumPy arrays, strings, sets and ``None``.
Difference from TF: ``expand_composites=True`` has nothing to expand (tfshim has no
SparseTensor/RaggedTensor yet), so it behaves as ``False``.
"""

from __future__ import annotations

import collections.abc
from typing import Any, Callable


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _is_attrs(x: Any) -> bool:
    return hasattr(type(x), "__attrs_attrs__")


def is_nested(seq: Any) -> bool:
    """tf.nest.is_nested: True for lists, tuples, namedtuples, mappings and attrs objects."""
    return isinstance(seq, (list, tuple, collections.abc.Mapping)) or _is_attrs(seq)


def _sorted_keys(m: Any) -> list:
    try:
        return sorted(m)
    except TypeError as e:
        raise TypeError(f"tf.nest only supports dicts with sortable keys; {e}") from None


def _children(x: Any) -> list:
    if isinstance(x, collections.abc.Mapping):
        return [x[k] for k in _sorted_keys(x)]
    if _is_attrs(x):
        return [getattr(x, a.name) for a in type(x).__attrs_attrs__]
    return list(x)


def _rebuild(x: Any, values: list) -> Any:
    """An object of ``x``'s type holding ``values`` (given in flattening order)."""
    if isinstance(x, collections.abc.Mapping):
        by_key = dict(zip(_sorted_keys(x), values))
        if isinstance(x, collections.defaultdict):
            out = collections.defaultdict(x.default_factory)
            for k in x:
                out[k] = by_key[k]
            return out
        return type(x)((k, by_key[k]) for k in x)
    if _is_namedtuple(x):
        return type(x)(*values)
    if _is_attrs(x):
        return type(x)(*values)
    if isinstance(x, tuple):
        return tuple(values)
    if isinstance(x, list):
        return list(values)
    return type(x)(values)


def flatten(structure: Any, expand_composites: bool = False) -> list:
    """tf.nest.flatten: the leaves of ``structure`` in order (dict values in sorted-key order)."""
    out: list = []

    def walk(x: Any) -> None:
        if is_nested(x):
            for c in _children(x):
                walk(c)
        else:
            out.append(x)

    walk(structure)
    return out


def _describe(x: Any) -> str:
    return f"type={type(x).__name__} str={x}"


def _mismatch(a: Any, b: Any, why: str, err: type = ValueError) -> Exception:
    return err(f"The two structures don't have the same nested structure.\n\nFirst structure: {_describe(a)}\n\n"
               f"Second structure: {_describe(b)}\n\nMore specifically: {why}")


def _same_type(a: Any, b: Any) -> bool:
    if isinstance(a, collections.abc.Mapping) and isinstance(b, collections.abc.Mapping):
        return True  # TF treats every mapping type alike here
    return type(a) is type(b)


def _assert_same(a: Any, b: Any, check_types: bool, top: tuple) -> None:
    na, nb = is_nested(a), is_nested(b)
    if na != nb:
        seq, other = (a, b) if na else (b, a)
        raise _mismatch(top[0], top[1], f'Substructure "{_describe(seq)}" is a sequence, while substructure '
                                        f'"{_describe(other)}" is not')
    if not na:
        return
    if check_types and not _same_type(a, b):
        raise _mismatch(top[0], top[1], f"The two namedtuples don't have the same sequence type. First structure "
                                        f"{_describe(a)} has type {type(a)}, while second structure "
                                        f"{_describe(b)} has type {type(b)}", TypeError)
    if isinstance(a, collections.abc.Mapping) and isinstance(b, collections.abc.Mapping):
        if set(a) != set(b):
            raise _mismatch(top[0], top[1], f"The two dictionaries don't have the same set of keys. First structure "
                                            f"has keys {list(a)}, while second structure has keys {list(b)}.")
    ca, cb = _children(a), _children(b)
    if len(ca) != len(cb):
        raise _mismatch(top[0], top[1], f"The two structures don't have the same number of elements. First "
                                        f"structure: {_describe(a)}, second structure: {_describe(b)}.")
    for x, y in zip(ca, cb):
        _assert_same(x, y, check_types, top)


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True, expand_composites: bool = False) -> None:
    """tf.nest.assert_same_structure: ValueError if the nesting differs, TypeError if the sequence types
    differ (with ``check_types``; all mapping types count as one)."""
    _assert_same(nest1, nest2, check_types, (nest1, nest2))


def pack_sequence_as(structure: Any, flat_sequence: Any, expand_composites: bool = False) -> Any:
    """tf.nest.pack_sequence_as: ``flat_sequence``'s items in ``structure``'s nesting."""
    if not is_nested(flat_sequence):
        raise TypeError(f"Attempted to pack value:\n  {flat_sequence}\ninto a structure, but found incompatible type "
                        f"`{type(flat_sequence)}` instead.")
    flat_seq = list(flat_sequence)
    if not is_nested(structure):
        if len(flat_seq) != 1:
            raise ValueError(f"The target structure is of type `{type(structure)}`\n  {structure}\nHowever the input "
                             f"is a sequence ({type(flat_sequence)}) of length {len(flat_seq)}.\n  {flat_sequence}\n"
                             "nest cannot guarantee that it is safe to map one to the other.")
        return flat_seq[0]
    n = len(flatten(structure))
    if n != len(flat_seq):
        raise ValueError(f"Could not pack sequence. Structure had {n} atoms, but flat_sequence had {len(flat_seq)} "
                         f"items.  Structure: {structure}, flat_sequence: {flat_seq}.")
    it = iter(flat_seq)

    def build(x: Any) -> Any:
        if is_nested(x):
            return _rebuild(x, [build(c) for c in _children(x)])
        return next(it)

    return build(structure)


def map_structure(func: Callable, *structure: Any, **kwargs: Any) -> Any:
    """tf.nest.map_structure: ``func`` applied to the leaves of the structures (which must match), rebuilt
    in the first structure's nesting. Keyword arguments: ``check_types=True``, ``expand_composites``."""
    if not callable(func):
        raise TypeError(f"func must be callable, got: {func}")
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError(f"Only valid keyword arguments are `check_types` and `expand_composites`, not: "
                         f"`{', '.join(kwargs)}`")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flats = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*xs) for xs in zip(*flats)])
