"""tf.data.Options and tf.data constants (AUTOTUNE, cardinalities, AutoShardPolicy).

tfshim's pipeline is a plain Python/NumPy iterator: options that only tune performance are
accepted, stored and returned by ``Dataset.options()``, and otherwise ignored.
"""

from __future__ import annotations

import enum
from typing import Any

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class AutoShardPolicy(enum.IntEnum):
    """tf.data.experimental.AutoShardPolicy (accepted; tfshim does not auto-shard)."""

    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class ExternalStatePolicy(enum.IntEnum):
    """tf.data.experimental.ExternalStatePolicy."""

    WARN = 0
    IGNORE = 1
    FAIL = 2


class _OptionsGroup:
    """A group of options with a fixed set of attribute names (unknown names are AttributeErrors, as TF)."""

    _fields: dict = {}

    def __init__(self) -> None:
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name: str) -> Any:
        fields = type(self)._fields
        if name in fields:
            v = self._values.get(name)
            if v is None and isinstance(fields[name], type):
                v = fields[name]()
                self._values[name] = v
            return v
        raise AttributeError(f"{type(self).__name__} has no option {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in type(self)._fields:
            raise AttributeError(f"Cannot set the property {name} on {type(self).__name__}.")
        self._values[name] = value

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values == other._values

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._values})"

    def merge(self, other: _OptionsGroup) -> _OptionsGroup:
        out = type(self)()
        for k in set(self._values) | set(other._values):
            a, b = self._values.get(k), other._values.get(k)
            if isinstance(a, _OptionsGroup) and isinstance(b, _OptionsGroup):
                out._values[k] = a.merge(b)
            else:
                out._values[k] = b if b is not None else a
        return out


class AutotuneOptions(_OptionsGroup):
    """tf.data.experimental.AutotuneOptions."""

    _fields = dict.fromkeys(("enabled", "cpu_budget", "ram_budget", "autotune_algorithm", "initial_parallelism"))


class DistributeOptions(_OptionsGroup):
    """tf.data.experimental.DistributeOptions."""

    _fields = dict.fromkeys(("auto_shard_policy", "num_devices"))


class OptimizationOptions(_OptionsGroup):
    """tf.data.experimental.OptimizationOptions."""

    _fields = dict.fromkeys((
        "apply_default_optimizations", "filter_fusion", "filter_parallelization", "inject_prefetch",
        "map_and_batch_fusion", "map_and_filter_fusion", "map_fusion", "map_parallelization", "noop_elimination",
        "parallel_batch", "seq_interleave_prefetch", "shuffle_and_repeat_fusion", "warm_start",
    ))


class ThreadingOptions(_OptionsGroup):
    """tf.data.ThreadingOptions."""

    _fields = dict.fromkeys(("max_intra_op_parallelism", "private_threadpool_size"))


class Options(_OptionsGroup):
    """tf.data.Options: accepted and merged as TF; performance options are ignored by tfshim."""

    _fields = {
        **dict.fromkeys(("deterministic", "experimental_deterministic", "experimental_external_state_policy",
                         "experimental_slack", "experimental_symbolic_checkpoint", "experimental_warm_start",
                         "dataset_name", "framework_type")),
        "autotune": AutotuneOptions,
        "experimental_distribute": DistributeOptions,
        "experimental_optimization": OptimizationOptions,
        "threading": ThreadingOptions,
        "experimental_threading": ThreadingOptions,
    }
