"""tf.keras.activations: each activation is one dispatched JAX function (so the tape sees it).

Every public function carries ``_jax`` (the pure JAX function with its keyword defaults) so that
fused layer kernels (Dense, Conv, RNN cells) can apply it inside one op.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from ..core.convert import convert_to_tensor
from ..core.dispatch import run
from ..core.tensor import Tensor

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return jax.nn.relu(x)
    pos = jnp.where(x > threshold, x, jnp.zeros_like(x)) if threshold != 0.0 else jax.nn.relu(x)
    if max_value is not None:
        pos = jnp.minimum(pos, jnp.asarray(max_value, x.dtype))
    if negative_slope != 0.0:
        pos = pos + jnp.where(x > threshold, jnp.zeros_like(x), negative_slope * (x - threshold))
    return pos


def _elu(x, alpha=1.0):
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.minimum(x, 0)))


def _celu(x, alpha=1.0):
    return jnp.maximum(x, 0) + jnp.minimum(0, alpha * jnp.expm1(jnp.minimum(x, 0) / alpha))


def _selu(x):
    return _SELU_SCALE * _elu(x, _SELU_ALPHA)


def _softmax(x, axis=-1):
    return jax.nn.softmax(x, axis=axis)


def _log_softmax(x, axis=-1):
    return jax.nn.log_softmax(x, axis=axis)


def _gelu(x, approximate=False):
    return jax.nn.gelu(x, approximate=approximate)


def _hard_sigmoid(x):
    return jax.nn.relu6(x + 3.0) / 6.0


def _hard_silu(x):
    return x * _hard_sigmoid(x)


def _hard_tanh(x):
    return jnp.clip(x, -1.0, 1.0)


def _leaky_relu(x, negative_slope=0.2):
    # TF's LeakyRelu kernel: gradient negative_slope at 0, the slope a float32 attribute for every dtype.
    return jnp.where(x > 0, x, x * jnp.asarray(np.float32(negative_slope), x.dtype))


def _linear(x):
    return x


def _mish(x):
    return x * jnp.tanh(jax.nn.softplus(x))


def _swish(x):
    return x * jax.nn.sigmoid(x)


def _softsign(x):
    return x / (1 + jnp.abs(x))


def _glu(x, axis=-1):
    a, b = jnp.split(x, 2, axis=axis)
    return a * jax.nn.sigmoid(b)


def _hard_shrink(x, threshold=0.5):
    return jnp.where(jnp.abs(x) > threshold, x, jnp.zeros_like(x))


def _soft_shrink(x, threshold=0.5):
    return jnp.where(x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, jnp.zeros_like(x)))


def _tanh_shrink(x):
    return x - jnp.tanh(x)


def _squareplus(x, b=4):
    return (x + jnp.sqrt(x * x + b)) / 2


def _threshold(x, threshold, default_value):
    return jnp.where(x > threshold, x, jnp.asarray(default_value, x.dtype))


def _sparse_plus(x):
    return jnp.where(x <= -1, jnp.zeros_like(x), jnp.where(x >= 1, x, (x + 1) ** 2 / 4))


_REGISTRY: dict = {}


def _make(name: str, impl: Callable) -> Callable:
    names = tuple(inspect.signature(impl).parameters)[1:]

    def activation(x: Any, *args: Any, **kwargs: Any) -> Tensor:
        t = convert_to_tensor(x)
        attrs = dict(zip(names, args))
        attrs.update(kwargs)
        attrs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in attrs.items()}
        return run(impl, (t,), f"tf.keras.activations.{name}", **attrs)

    activation.__name__ = activation.__qualname__ = name
    activation.__doc__ = f"tf.keras.activations.{name} (one fused JAX op)."
    activation._jax = impl
    _REGISTRY[name] = activation
    return activation


relu = _make("relu", _relu)
relu6 = _make("relu6", jax.nn.relu6)
elu = _make("elu", _elu)
celu = _make("celu", _celu)
selu = _make("selu", _selu)
gelu = _make("gelu", _gelu)
sigmoid = _make("sigmoid", jax.nn.sigmoid)
hard_sigmoid = _make("hard_sigmoid", _hard_sigmoid)
hard_silu = _make("hard_silu", _hard_silu)
hard_swish = hard_silu
hard_tanh = _make("hard_tanh", _hard_tanh)
tanh = _make("tanh", jnp.tanh)
softmax = _make("softmax", _softmax)
log_softmax = _make("log_softmax", _log_softmax)
softplus = _make("softplus", jax.nn.softplus)
softsign = _make("softsign", _softsign)
exponential = _make("exponential", jnp.exp)
leaky_relu = _make("leaky_relu", _leaky_relu)
linear = _make("linear", _linear)
mish = _make("mish", _mish)
silu = _make("silu", _swish)
swish = silu
_REGISTRY["swish"] = silu
_REGISTRY["hard_swish"] = hard_silu
log_sigmoid = _make("log_sigmoid", jax.nn.log_sigmoid)
glu = _make("glu", _glu)
hard_shrink = _make("hard_shrink", _hard_shrink)
soft_shrink = _make("soft_shrink", _soft_shrink)
tanh_shrink = _make("tanh_shrink", _tanh_shrink)
squareplus = _make("squareplus", _squareplus)
threshold = _make("threshold", _threshold)
sparse_plus = _make("sparse_plus", _sparse_plus)

PUBLIC = dict(_REGISTRY)


def get(identifier: Any) -> Callable:
    """tf.keras.activations.get: a name, a config dict, a callable or None (→ linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        fn = _REGISTRY.get(identifier)
        if fn is None:
            raise ValueError(f"Could not interpret activation function identifier: {identifier}")
        return fn
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")


def serialize(activation: Callable) -> Any:
    """tf.keras.activations.serialize: the activation's name (for built-in activations)."""
    name = getattr(activation, "__name__", None)
    if name in _REGISTRY and _REGISTRY[name] is activation:
        return name
    return name if name else activation


def deserialize(config: Any, custom_objects: Any = None) -> Callable:
    """tf.keras.activations.deserialize: a name (or {'class_name': name}) back to the function."""
    if isinstance(config, dict):
        config = config.get("config", config.get("class_name"))
    if custom_objects and config in custom_objects:
        return custom_objects[config]
    return get(config)


def jax_fn(activation: Callable) -> Callable | None:
    """The pure JAX function of a built-in activation (for fused kernels), or None for a custom one."""
    if activation is None:
        return None
    impl = getattr(activation, "_jax", None)
    if impl is _linear:
        return None
    return impl


def apply(activation: Callable, x: Tensor) -> Tensor:
    """Apply a (possibly custom) activation to a Tensor; linear is free."""
    if activation is None or activation is linear:
        return x
    return activation(x)
