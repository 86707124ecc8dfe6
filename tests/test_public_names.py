"""Every public tfshim name is a TF name and is exercised by at least one test (issue 16 §5).

The public namespaces (``tf``, ``tf.math``, ``tf.keras.layers``, ...) are walked; a name counts as exercised
when a test file (other than this one) names it as a word, or when it is the implementation of an op-table
row with sample arguments (tests/test_op_table.py calls every such row against TF under its canonical name).
A new public name therefore needs a test that names it.
"""

from __future__ import annotations

import pathlib
import re
import types

import tfshim
from tfshim._src.ops.table import ROWS

TESTS = pathlib.Path(__file__).resolve().parent

# Public names that real TF does not have, each with its reason.
NOT_IN_TF = {
    "tf.config.experimental.get_compilation_cache_dir": "tfshim's persistent XLA compilation cache",
    "tf.config.experimental.set_compilation_cache_dir": "tfshim's persistent XLA compilation cache",
    "tf.keras.optimizers.OptaxOptimizer": "wraps an optax optimizer (JAX-specific)",
    "tf.distribute.TFConfigClusterResolver": "TF has it only as tf.distribute.cluster_resolver.TFConfigClusterResolver",
    "tf.distribute.VariableAggregation": "TF has it as tf.VariableAggregation only",
    "tf.distribute.VariableSynchronization": "TF has it as tf.VariableSynchronization only",
}


def _public() -> dict:
    """{"tf.path.name": object} for every public name of every public tfshim module."""
    out: dict = {}
    seen: set = set()

    def walk(mod: types.ModuleType, prefix: str) -> None:
        if id(mod) in seen:
            return
        seen.add(id(mod))
        for name in dir(mod):
            if name.startswith("_"):
                continue
            value = getattr(mod, name)
            if isinstance(value, types.ModuleType):
                if value.__name__.startswith("tfshim") and "._src" not in value.__name__:
                    walk(value, f"{prefix}.{name}")
                continue
            out.setdefault(f"{prefix}.{name}", value)

    walk(tfshim, "tf")
    return out


def test_the_walk_finds_the_namespaces():
    names = _public()
    assert len(names) > 500
    for must in ("tf.add", "tf.math.reduce_sum", "tf.keras.layers.Conv3D", "tf.keras.callbacks.TerminateOnNaN",
                 "tf.data.Dataset", "tf.errors.InvalidArgumentError", "tf.train.Checkpoint"):
        assert must in names, must


def test_every_public_name_is_exercised_by_a_test():
    text = "\n".join(p.read_text() for p in sorted(TESTS.rglob("*.py")) if p.name != pathlib.Path(__file__).name)
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    by_table = {id(r.fn) for r in ROWS if r.kind}
    unexercised = sorted(path for path, value in _public().items()
                         if path.rsplit(".", 1)[1] not in words and id(value) not in by_table)
    assert not unexercised, (f"{len(unexercised)} public names are named by no test (add a test against TF that "
                             f"uses each): {unexercised}")


def test_every_public_name_exists_in_tf(tf_ref):
    missing = []
    for path in _public():
        obj = tf_ref
        try:
            for part in path.split(".")[1:]:
                obj = getattr(obj, part)
        except AttributeError:
            if path not in NOT_IN_TF:
                missing.append(path)
    assert not missing, f"public tfshim names that real TF does not have: {missing}"
    stale = [p for p in NOT_IN_TF if p not in _public()]
    assert not stale, f"NOT_IN_TF lists names tfshim no longer has: {stale}"
