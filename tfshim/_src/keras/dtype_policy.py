"""tf.keras.mixed_precision's dtype policies (Keras 3's ``DTypePolicy``): the dtype a layer computes in and the
dtype of its variables, and the process-wide default policy that new layers take.

``"mixed_float16"`` / ``"mixed_bfloat16"``: variables stay float32, inputs and variable reads inside the layer's
``call`` are cast to float16 / bfloat16, so the layer really computes in low precision (XLA runs half-precision
matmuls and convolutions). Any other name is a plain dtype used for both.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .backend import floatx, standardize_dtype

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_GLOBAL: list = [None]  # the global policy (None: floatx())


class DTypePolicy:
    """tf.keras.mixed_precision.Policy / DTypePolicy(name): ``compute_dtype`` and ``variable_dtype``."""

    def __init__(self, name: Any = None):
        if name is None:
            name = floatx()
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, such as 'mixed_float16'. Received: name={name} "
                            f"(of type {type(name)})")
        if name in _MIXED:
            compute, variable = _MIXED[name], "float32"
        else:
            try:
                compute = variable = standardize_dtype(name)
            except TypeError:
                compute = variable = None
            if compute is None or not (compute == "bfloat16" or np.dtype(compute).kind in "fiucb"):
                raise ValueError(f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies include "
                                 "'mixed_float16', 'mixed_bfloat16', and the name of any float dtype such as "
                                 "'float32'.")
        self._name, self._compute_dtype, self._variable_dtype = name, compute, variable

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        """The dtype of the layer's computations and outputs ('float16' for 'mixed_float16')."""
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype of the layer's weights ('float32' for the mixed policies)."""
        return self._variable_dtype

    @property
    def quantization_mode(self) -> Any:
        return None

    def convert_input(self, x: Any, autocast: bool, dtype: Any) -> Any:
        """Cast floating ``x`` to ``dtype`` when ``autocast`` (Keras' DTypePolicy.convert_input)."""
        from ..core.convert import convert_to_tensor
        from ..ops.math import cast

        t = convert_to_tensor(x)
        return cast(t, dtype) if autocast and t.dtype.is_floating and t.dtype.name != dtype else t

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict) -> DTypePolicy:
        return cls(**config)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DTypePolicy) and other._name == self._name

    def __hash__(self) -> int:
        return hash(self._name)


Policy = DTypePolicy


def get(identifier: Any) -> DTypePolicy:
    """A policy from None (the global one), a name, a serialized dict or a policy."""
    if identifier is None:
        return global_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return DTypePolicy(identifier.get("config", identifier).get("name"))
    if not isinstance(identifier, str):
        identifier = standardize_dtype(identifier)
    return DTypePolicy(identifier)


def set_global_policy(policy: Any) -> None:
    """tf.keras.mixed_precision.set_global_policy(policy): the policy of layers created from now on (a name such as
    ``"mixed_float16"`` or a Policy; None resets to floatx())."""
    if policy is None:
        _GLOBAL[0] = None
        return
    if isinstance(policy, str) or isinstance(policy, DTypePolicy):
        p = get(policy)
    else:
        raise ValueError(f"Invalid `policy` argument. Expected the string name of a policy (such as "
                         f"'mixed_float16') or a `DTypePolicy` instance. Received: policy={policy} "
                         f"(of type {type(policy)})")
    _GLOBAL[0] = p


def global_policy() -> DTypePolicy:
    """tf.keras.mixed_precision.global_policy() (also ``dtype_policy()``): the default policy of new layers."""
    return _GLOBAL[0] if _GLOBAL[0] is not None else DTypePolicy(floatx())


def serialize(policy: DTypePolicy) -> dict:
    return {"module": "keras", "class_name": "DTypePolicy", "config": policy.get_config(), "registered_name": None}
