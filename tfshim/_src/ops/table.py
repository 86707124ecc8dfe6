"""The op table: one row per public TF function.

A row names the function's TF paths (``"add"``, ``"math.add"``), the tfshim function that
implements it, the Tensor methods it provides, and how the conformance tests exercise it
(``kind``: which generator of sample arguments ``tests/op_cases.py`` uses, and whether the op
is differentiable). The public namespaces (``tf``, ``tf.math``, ``tf.nn``, ...) are built from
these rows, and the tests run every row against real TensorFlow.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable


@dataclasses.dataclass(frozen=True)
class Row:
    names: tuple  # TF paths relative to `tf`, first one canonical: ("add", "math.add")
    fn: Callable  # the tfshim implementation (accepts TF's signature including name=)
    kind: str = ""  # sample-argument generator used by the conformance tests ("" = none)
    methods: tuple = ()  # Tensor/Variable methods bound to fn (e.g. "__add__")
    rmethods: tuple = ()  # reflected methods: method(self, other) = fn(other, self)
    grad: bool = True  # differentiable (tests compare gradients with TF)
    dtypes: tuple = ()  # dtypes the tests try ("" = the kind's default)
    extra: dict = dataclasses.field(default_factory=dict)  # per-row test hints (tolerance, kwargs)


ROWS: list[Row] = []


def register(names: Any, fn: Callable, **kw: Any) -> Callable:
    """Add a row to the table; returns ``fn`` (so a family can bind the registered function to a name)."""
    if isinstance(names, str):
        names = (names,)
    ROWS.append(Row(tuple(names), fn, **kw))
    return fn


def namespace(prefix: str) -> dict:
    """{short name: fn} for every row name under ``prefix`` ("" = top level ``tf``)."""
    out = {}
    for row in ROWS:
        for n in row.names:
            head, _, tail = n.rpartition(".")
            if head == prefix:
                out[tail] = row.fn
    return out
