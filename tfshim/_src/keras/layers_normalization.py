"""BatchNormalization and LayerNormalization (Keras 3 defaults: momentum 0.99, epsilon 1e-3)."""

from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from . import initializers as _init
from . import layers_kernels as K
from . import regularizers as _reg
from .layer import Layer
from .layers_core import ser_init, ser_reg


def _axes(axis: Any, ndim: int) -> tuple:
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = sorted(a + ndim if a < 0 else a for a in axes)
    for a in out:
        if not 0 <= a < ndim:
            raise ValueError(f"Invalid axis: {axis} for input with rank {ndim}.")
    return tuple(out)


def _upcast(x: Any) -> Any:
    """Half-precision inputs are normalised in float32 (Keras: mixed-precision normalisation overflows otherwise)."""
    from ..ops.math import cast

    return cast(x, "float32") if x.dtype.name in ("float16", "bfloat16") else x


def _downcast(y: Any, dtype: str) -> Any:
    from ..ops.math import cast

    return cast(y, dtype) if y.dtype.name != dtype else y


class BatchNormalization(Layer):
    """tf.keras.layers.BatchNormalization(axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True).

    Training (``training=True`` and the layer trainable) normalises with the batch statistics and
    moves ``moving_mean``/``moving_variance`` (non-trainable weights); otherwise it uses them.
    """

    def __init__(self, axis: Any = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, synchronized: bool = False, **kwargs: Any):
        kwargs.pop("renorm", None)
        kwargs.pop("renorm_clipping", None)
        kwargs.pop("renorm_momentum", None)
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer = _init.get(beta_initializer)
        self.gamma_initializer = _init.get(gamma_initializer)
        self.moving_mean_initializer = _init.get(moving_mean_initializer)
        self.moving_variance_initializer = _init.get(moving_variance_initializer)
        self.beta_regularizer = _reg.get(beta_regularizer)
        self.gamma_regularizer = _reg.get(gamma_regularizer)
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.synchronized = synchronized

    def build(self, input_shape: Any) -> None:
        ndim = len(input_shape)
        self._red_axes_param = _axes(self.axis, ndim)
        shape = tuple(input_shape[a] for a in self._red_axes_param)
        if any(d is None for d in shape):
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined dimension but the layer "
                             f"received an input with shape {input_shape}.")
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         autocast=False)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        autocast=False)
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape,
                                               initializer=self.moving_variance_initializer, trainable=False,
                                               autocast=False)

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Tensor:
        ndim = inputs.ndim
        axes = _axes(self.axis, ndim)
        param_shape = tuple(int(inputs.shape[a]) if a in axes else 1 for a in range(ndim))
        red = tuple(a for a in range(ndim) if a not in axes)
        inputs = _upcast(inputs)
        if training and self.trainable:
            y, mm, mv = K.batch_norm(inputs, self.gamma, self.beta, self.moving_mean, self.moving_variance,
                                     axes=red, param_shape=param_shape, eps=self.epsilon, momentum=self.momentum,
                                     training=True)
            self.moving_mean.assign(mm)
            self.moving_variance.assign(mv)
            return _downcast(y, self.compute_dtype)
        return _downcast(K.batch_norm(inputs, self.gamma, self.beta, self.moving_mean, self.moving_variance, axes=red,
                                      param_shape=param_shape, eps=self.epsilon, momentum=self.momentum,
                                      training=False), self.compute_dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "beta_initializer": ser_init(self.beta_initializer),
                "gamma_initializer": ser_init(self.gamma_initializer),
                "moving_mean_initializer": ser_init(self.moving_mean_initializer),
                "moving_variance_initializer": ser_init(self.moving_variance_initializer),
                "beta_regularizer": ser_reg(self.beta_regularizer),
                "gamma_regularizer": ser_reg(self.gamma_regularizer), "beta_constraint": None,
                "gamma_constraint": None, "synchronized": self.synchronized, "renorm": False,
                "renorm_clipping": None, "renorm_momentum": 0.99}


class LayerNormalization(Layer):
    """tf.keras.layers.LayerNormalization(axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False)."""

    def __init__(self, axis: Any = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 rms_scaling: bool = False, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.epsilon = float(epsilon)
        self.center, self.scale, self.rms_scaling = center, scale, rms_scaling
        self.beta_initializer = _init.get(beta_initializer)
        self.gamma_initializer = _init.get(gamma_initializer)
        self.beta_regularizer = _reg.get(beta_regularizer)
        self.gamma_regularizer = _reg.get(gamma_regularizer)
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.autocast = False  # Keras: normalised in float32 whatever the policy, output in the compute dtype

    def build(self, input_shape: Any) -> None:
        axes = _axes(self.axis, len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        self.gamma = self.beta = None
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         autocast=False)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        autocast=False)

    def call(self, inputs: Any) -> Tensor:
        ndim = inputs.ndim
        axes = _axes(self.axis, ndim)
        param_shape = tuple(int(inputs.shape[a]) if a in axes else 1 for a in range(ndim))
        y = K.layer_norm(_upcast(inputs), self.gamma, self.beta, axes=axes, param_shape=param_shape,
                         eps=self.epsilon, rms=self.rms_scaling)
        return _downcast(y, self.compute_dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "rms_scaling": self.rms_scaling,
                "beta_initializer": ser_init(self.beta_initializer),
                "gamma_initializer": ser_init(self.gamma_initializer),
                "beta_regularizer": ser_reg(self.beta_regularizer),
                "gamma_regularizer": ser_reg(self.gamma_regularizer), "beta_constraint": None,
                "gamma_constraint": None}
