"""Recurrent layers: SimpleRNN, LSTM, GRU (and their cells). Each layer runs the whole sequence as ONE
dispatched op (``jax.lax.scan``), so the tape differentiates it in one step.

Keras layouts: LSTM gates (i, f, c, o), GRU gates (z, r, h) with ``reset_after=True`` (bias shape
(2, 3 * units)). Differences from Keras: no masking, no ``stateful``, and ``dropout`` /
``recurrent_dropout`` are not implemented in training (NotImplementedError).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import dtypes as _dt
from ..core.convert import constant
from ..core.tensor import Tensor
from ..ops.array import expand_dims
from . import activations as _act
from . import initializers as _init
from . import layers_kernels as K
from . import regularizers as _reg
from .layer import Layer
from .layers_core import ser_act, ser_init, ser_reg


class _UnitForgetBias(_init.Initializer):
    """LSTM's bias initializer with ``unit_forget_bias``: ones for the forget gate."""

    def __init__(self, base: Any, units: int):
        self.base, self.units = base, units

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        u = self.units
        b = np.asarray(self.base((u,), dtype=dtype))
        rest = np.asarray(self.base((2 * u,), dtype=dtype))
        return constant(np.concatenate([b, np.ones(u, b.dtype), rest]))


class _Cell(Layer):
    kind = "simple_rnn"
    gates = 1

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: Any = None,
                 unit_forget_bias: bool = True, reset_after: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        if units <= 0:
            raise ValueError(f"Received an invalid value for argument `units`, expected a positive integer, got "
                             f"{units}.")
        self.units = int(units)
        self.activation = _act.get(activation)
        self.recurrent_activation = _act.get(recurrent_activation) if self.kind != "simple_rnn" else None
        self.use_bias = use_bias
        self.kernel_initializer = _init.get(kernel_initializer)
        self.recurrent_initializer = _init.get(recurrent_initializer)
        self.bias_initializer = _init.get(bias_initializer)
        self.kernel_regularizer = _reg.get(kernel_regularizer)
        self.recurrent_regularizer = _reg.get(recurrent_regularizer)
        self.bias_regularizer = _reg.get(bias_regularizer)
        self.kernel_constraint, self.recurrent_constraint = kernel_constraint, recurrent_constraint
        self.bias_constraint = bias_constraint
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.unit_forget_bias = unit_forget_bias
        self.reset_after = reset_after

    @property
    def state_size(self) -> Any:
        return [self.units, self.units] if self.kind == "lstm" else self.units

    def build(self, input_shape: Any) -> None:
        n = self.gates * self.units
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], n), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, n),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            init = self.bias_initializer
            shape: tuple = (n,)
            if self.kind == "lstm" and self.unit_forget_bias:
                init = _UnitForgetBias(self.bias_initializer, self.units)
            if self.kind == "gru" and self.reset_after:
                shape = (2, n)
            self.bias = self.add_weight(name="bias", shape=shape, initializer=init,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def _run(self, x: Tensor, init: tuple, return_sequences: bool, go_backwards: bool, training: Any) -> tuple:
        if training and (self.dropout > 0 or self.recurrent_dropout > 0):
            raise NotImplementedError(
                f"{type(self).__name__}: dropout / recurrent_dropout in training is not implemented in tfshim yet; "
                "use a Dropout layer before the recurrent layer."
            )
        return K.rnn(x, self.kernel, self.recurrent_kernel, self.bias, init, cell=self.kind,
                     activation=self.activation, recurrent_activation=self.recurrent_activation,
                     return_sequences=return_sequences, go_backwards=go_backwards, reset_after=self.reset_after)

    def call(self, inputs: Any, states: Any, training: Any = False) -> tuple:
        """One time step: returns (output, new_states) as Keras' cells do."""
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        out = self._run(expand_dims(inputs, 1), tuple(states), False, False, training)
        return out[0], list(out[1:])

    def get_config(self) -> dict:
        cfg = {**super().get_config(), "units": self.units, "activation": ser_act(self.activation)}
        if self.recurrent_activation is not None:
            cfg["recurrent_activation"] = ser_act(self.recurrent_activation)
        cfg.update({"use_bias": self.use_bias, "kernel_initializer": ser_init(self.kernel_initializer),
                    "recurrent_initializer": ser_init(self.recurrent_initializer),
                    "bias_initializer": ser_init(self.bias_initializer),
                    "kernel_regularizer": ser_reg(self.kernel_regularizer),
                    "recurrent_regularizer": ser_reg(self.recurrent_regularizer),
                    "bias_regularizer": ser_reg(self.bias_regularizer), "kernel_constraint": None,
                    "recurrent_constraint": None, "bias_constraint": None, "dropout": self.dropout,
                    "recurrent_dropout": self.recurrent_dropout, "seed": self.seed})
        if self.kind == "lstm":
            cfg["unit_forget_bias"] = self.unit_forget_bias
        if self.kind == "gru":
            cfg["reset_after"] = self.reset_after
        return cfg


class SimpleRNNCell(_Cell):
    """tf.keras.layers.SimpleRNNCell(units, activation='tanh', ...): h = act(x W + h U + b)."""

    kind, gates = "simple_rnn", 1


class LSTMCell(_Cell):
    """tf.keras.layers.LSTMCell(units, ...): Keras' gate order (i, f, c, o)."""

    kind, gates = "lstm", 4


class GRUCell(_Cell):
    """tf.keras.layers.GRUCell(units, reset_after=True, ...): Keras' gate order (z, r, h)."""

    kind, gates = "gru", 3


_LAYER_KWARGS = ("name", "trainable", "dtype", "input_shape", "input_dim", "batch_size", "batch_input_shape",
                 "activity_regularizer", "autocast")


class _RNNLayer(Layer):
    cell_class: type = SimpleRNNCell
    cell_name = "simple_rnn_cell"

    def __init__(self, units: int, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, **kwargs: Any):
        layer_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in _LAYER_KWARGS}
        kwargs.pop("use_cudnn", None)
        kwargs.pop("zero_output_for_mask", None)
        kwargs.pop("time_major", None)
        super().__init__(**layer_kwargs)
        if stateful:
            raise NotImplementedError(f"{type(self).__name__}(stateful=True) is not implemented in tfshim yet.")
        self.cell = self.cell_class(units, name=self.cell_name, **kwargs)
        self.units = int(units)
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful, self.unroll = go_backwards, stateful, unroll

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        if len(sequences_shape) != 3:
            raise ValueError(f"Input {sequences_shape} of {type(self).__name__} must have rank 3 "
                             f"(batch, timesteps, features).")
        self.cell.build((sequences_shape[0], sequences_shape[2]))

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = False) -> Any:
        n_states = 2 if self.cell.kind == "lstm" else 1
        if initial_state is None:
            z = constant(np.zeros((int(sequences.shape[0]), self.units), _dt.as_dtype(sequences.dtype)._np))
            init = (z,) * n_states
        else:
            init = tuple(initial_state) if isinstance(initial_state, (list, tuple)) else (initial_state,)
            if len(init) != n_states:
                raise ValueError(f"{type(self).__name__} expects {n_states} initial state tensor(s), got {len(init)}.")
        out = self.cell._run(sequences, init, self.return_sequences, self.go_backwards, training)
        if self.return_state:
            return tuple(out)
        return out[0]

    def __getattr__(self, name: str) -> Any:
        # cell attributes (units, activation, ...) are readable on the layer, as in Keras
        cell = self.__dict__.get("cell")
        if cell is not None and not name.startswith("_") and name in cell.__dict__:
            return cell.__dict__[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def get_config(self) -> dict:
        cell_cfg = self.cell.get_config()
        for k in ("name", "trainable", "dtype"):
            cell_cfg.pop(k, None)
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards, "stateful": self.stateful,
                "unroll": self.unroll, "zero_output_for_mask": False, **cell_cfg}


class SimpleRNN(_RNNLayer):
    """tf.keras.layers.SimpleRNN(units, activation='tanh', return_sequences=False, return_state=False, ...)."""

    cell_class, cell_name = SimpleRNNCell, "simple_rnn_cell"


class LSTM(_RNNLayer):
    """tf.keras.layers.LSTM(units, activation='tanh', recurrent_activation='sigmoid', unit_forget_bias=True, ...)."""

    cell_class, cell_name = LSTMCell, "lstm_cell"


class GRU(_RNNLayer):
    """tf.keras.layers.GRU(units, ..., reset_after=True)."""

    cell_class, cell_name = GRUCell, "gru_cell"
