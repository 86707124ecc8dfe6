"""Keras training API (compile / fit / evaluate / predict / *_on_batch), mixed into Model.

The training step — forward pass, loss, gradients (GradientTape), optimizer update and metric
updates — is ONE jitted pure function, in the way Keras 3's JAX trainer uses ``stateless_call``:
every Variable the step touches (model weights, optimizer slots and counters, metric state) is
lifted in as an argument, the step's Python code (``train_step``, overridable) runs on tracers, and
the new values come out and are written back. A Variable the step reads that was not lifted (e.g.
a raw ``tf.Variable`` attribute) aborts the trace and is added (tfshim's tf.function protocol).
Random ops inside the step draw from a key passed in per step, so Dropout masks differ per step.
Compiled once per input signature (the last, smaller batch compiles once more).
"""

from __future__ import annotations

import math
import threading
import warnings
from typing import Any, Iterator

import jax
import jax.numpy as jnp
import numpy as np

from ..core import checks, state
from ..core.stateless import LiftVariable, StatelessScope
from ..core.tensor import Tensor, wrap
from ..core.variable import land, lend_for_donation
from ..ops import random as random_ops
from . import callbacks as callbacks_module
from . import losses as losses_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module

# -- data handling ---------------------------------------------------------------------------


def _is_array(x: Any) -> bool:
    return isinstance(x, (np.ndarray, Tensor, list, tuple, dict)) or getattr(x, "_tfshim_variable", False) or (
        hasattr(x, "__array__") and hasattr(x, "shape"))


def _to_numpy(x: Any) -> Any:
    """Host arrays for a structure of arrays (float64 becomes float32, as Keras' data adapters do)."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: _to_numpy(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (int, float, bool, np.number)):
        return type(x)(_to_numpy(v) for v in x)
    a = np.asarray(x)
    if a.dtype == np.float64:
        a = a.astype(np.float32)
    return a


def _leading(x: Any) -> int:
    return int(jax.tree_util.tree_leaves(x)[0].shape[0])


def _check_cardinality(x: Any, y: Any, sw: Any) -> None:
    """Keras' data adapter: every array of x, y and sample_weight has the same number of samples."""
    sizes = {}
    for name, part in (("x", x), ("y", y), ("sample_weight", sw)):
        if part is not None:
            sizes[name] = [int(a.shape[0]) for a in jax.tree_util.tree_leaves(part) if getattr(a, "ndim", 0)]
    if len({n for v in sizes.values() for n in v}) > 1:
        lines = "\n".join(f"'{k}' sizes: {', '.join(map(str, v))}" for k, v in sizes.items())
        raise ValueError("Data cardinality is ambiguous. Make sure all arrays contain the same number of samples "
                         f"(Model.fit / evaluate / predict).\n{lines}")


def _slice(x: Any, idx: Any) -> Any:
    return None if x is None else jax.tree_util.tree_map(lambda a: a[idx], x)


def _unpack(data: Any) -> tuple:
    """Keras' unpack_x_y_sample_weight."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(f"Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
                     f"found: {data}")


def _device_leaf(a: Any) -> Any:
    if a is None:
        return None
    if isinstance(a, Tensor):
        return a.array
    if getattr(a, "_tfshim_variable", False):
        return a.array
    a = np.asarray(a)
    return a.astype(np.float32) if a.dtype == np.float64 else a


def _device(data: Any) -> Any:
    return jax.tree_util.tree_map(_device_leaf, data, is_leaf=lambda v: isinstance(v, Tensor) or v is None)


def _class_weights(y: Any, class_weight: dict) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        y = np.argmax(y, axis=-1)
    elif y.ndim > 1:
        y = y[..., 0]
    lookup = np.zeros(max(int(max(class_weight)) + 1, int(y.max()) + 1), np.float32) + 1.0
    for k, v in class_weight.items():
        lookup[int(k)] = v
    return lookup[y.astype(np.int64)]


class _ArrayData:
    """Batches of in-memory arrays (Keras' ArrayDataAdapter): reshuffled per epoch."""

    def __init__(self, x: Any, y: Any, sw: Any, batch_size: int, shuffle: Any, steps: Any = None):
        self.x, self.y, self.sw = x, y, sw
        self.n = _leading(x)
        _check_cardinality(x, y, sw)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.steps = steps if steps is not None else math.ceil(self.n / batch_size)

    def epoch(self) -> Iterator:
        if self.shuffle == "batch":
            nb = math.ceil(self.n / self.batch_size)
            order = np.random.permutation(nb)
            idx = np.concatenate([np.arange(b * self.batch_size, min((b + 1) * self.batch_size, self.n))
                                  for b in order])
        elif self.shuffle:
            idx = np.random.permutation(self.n)
        else:
            idx = None
        for step in range(self.steps):
            lo = (step * self.batch_size) % max(self.n, 1)
            sl = slice(lo, min(lo + self.batch_size, self.n))
            sel = idx[sl] if idx is not None else sl
            yield (_slice(self.x, sel), _slice(self.y, sel), _slice(self.sw, sel))


class _IterData:
    """Batches from a tf.data.Dataset or any iterable of ``x`` / ``(x, y)`` / ``(x, y, sample_weight)``."""

    def __init__(self, data: Any, steps: Any):
        self.data = data
        self.steps = steps
        self._it = None
        if steps is None:
            try:
                n = len(data)
                self.steps = n if n >= 0 else None
            except (TypeError, ValueError):
                self.steps = None

    def epoch(self) -> Iterator:
        if self.steps is not None and self._it is not None and getattr(self, "_persist", False):
            it = self._it
        else:
            it = iter(self.data)
            self._it = it
            self._persist = self.steps is not None and not hasattr(self.data, "__len__")
        count = 0
        while self.steps is None or count < self.steps:
            try:
                batch = next(it)
            except StopIteration:
                if self.steps is not None and count < self.steps and count == 0:
                    warnings.warn("Your input ran out of data; interrupting training. Make sure that your dataset "
                                  "can generate at least `steps_per_epoch * epochs` batches.", stacklevel=3)
                self._it = None
                return
            count += 1
            yield _unpack(batch)


def _make_data(x: Any, y: Any, sw: Any, batch_size: Any, shuffle: Any, steps: Any, class_weight: Any = None) -> Any:
    if x is not None and not _is_array(x) and hasattr(x, "__iter__"):
        if y is not None:
            raise ValueError("`y` argument is not supported when using a dataset or generator as input; the dataset "
                             "should yield (x, y) batches.")
        return _IterData(x, steps)
    x, y, sw = _to_numpy(x), _to_numpy(y), _to_numpy(sw)
    if class_weight is not None and y is not None:
        if sw is not None:
            raise ValueError("`class_weight` and `sample_weight` cannot be given together; fold the class weights "
                             "into `sample_weight`.")
        sw = _class_weights(y, class_weight)
    return _ArrayData(x, y, sw, batch_size or 32, shuffle, steps)


# -- the jitted step --------------------------------------------------------------------------
class _KeyStream:
    """Replaces tfshim's random key source inside a traced step: keys derive from a traced per-step key."""

    def __init__(self, key: Any):
        self.key = key
        self.n = 0

    def __call__(self, op_seed: Any = None) -> Any:
        self.n += 1
        return jax.random.key_data(jax.random.fold_in(jax.random.wrap_key_data(self.key), self.n))


class _JitStep:
    """A step method (train/test/predict) as one jitted pure function of the lifted variables.

    The step runs in a StatelessScope and returns every variable's new value, so the compiled step
    donates the variables' buffers: XLA updates weights and optimizer slots in place (a buffer that
    something else still holds is copied first, and other threads wait for the new values instead of
    reading consumed buffers: see ``lend_for_donation``).
    """

    donate = True  # benchmarks/donation.py turns it off to measure what donation saves

    def __init__(self, model: Any, method: Any, variables: list):
        self.model = model
        self.method = method
        self.variables = list(variables)
        self._lock = threading.Lock()
        self._build()

    def _build(self) -> None:
        variables = self.variables
        method = self.method

        def pure(var_vals: list, data: Any, key: Any) -> tuple:
            state.tracing.append(True)
            state.key_streams.append(_KeyStream(key))
            try:
                with StatelessScope(variables, var_vals) as scope:
                    data_t = jax.tree_util.tree_map(wrap, data)
                    logs = method(data_t)
                    out = jax.tree_util.tree_map(lambda t: t.array if isinstance(t, Tensor) else jnp.asarray(t),
                                                 logs, is_leaf=lambda t: isinstance(t, Tensor))
                return out, scope.values()
            finally:
                state.key_streams.pop()
                state.tracing.pop()

        self._pure = pure
        counted, self._check_scope = checks.counting(pure)
        self._jitted = jax.jit(counted, donate_argnums=(0,) if self.donate else ())
        self._compiled = False
        self._checked: bool | None = None  # whether the step makes runtime checks (None: not traced yet)

    def _find_checks(self, data: Any, key: Any) -> None:
        """Trace the step (the jit keeps this trace for the call that follows); if it makes runtime checks (a
        sparse label out of range, a failed assert), compile it with them instead: that program returns its
        error first and donates nothing, and a failing step changes no variable."""
        self._jitted.trace([v.array for v in self.variables], data, key)
        self._checked = bool(self._check_scope.count)
        if self._checked:
            self._jitted = jax.jit(checks.checkified(self._pure))

    def __call__(self, data: Any) -> Any:
        key = random_ops.next_key()
        strategy = _model_strategy(self.model)
        if strategy is not None:  # data parallel: split the global batch over the strategy's devices
            data = jax.tree_util.tree_map(strategy._shard_batch, data)
        while True:
            variables, jitted = self.variables, self._jitted
            try:
                if self._checked is None and strategy is None:
                    self._find_checks(data, key)
                    jitted = self._jitted
                if self._checked:
                    err, (out, new) = jitted([v.array for v in variables], data, key)
                    checks.throw(err, "the compiled Keras step")
                    for v, x in zip(variables, new):
                        v.write_array(x)
                    return out
                if not self.donate or state.scopes:
                    out, new = jitted([v.array for v in variables], data, key)
                    for v, x in zip(variables, new):
                        v.write_array(x)
                    return out
                if not self._compiled:  # the first call traces the step: donate copies (no Python runs later)
                    out, new = jitted([jnp.array(v.array, copy=True) for v in variables], data, key)
                    self._compiled = True
                    for v, x in zip(variables, new):
                        v.write_array(x)
                    return out
                new = None
                try:
                    out, new = jitted(lend_for_donation(variables), data, key)
                finally:
                    land(variables, new)
                return out
            except LiftVariable as e:  # a variable the step uses but the model does not list: lift it too
                with self._lock:
                    if any(v is e.var for v in self.variables):
                        if variables is self.variables:
                            raise
                        continue  # another thread lifted it already
                    self.variables = self.variables + [e.var]
                    self._build()


def _model_strategy(model: Any) -> Any:
    """The tf.distribute strategy a model was created under (None for the default one)."""
    s = model.__dict__.get("_distribute_strategy")
    return s if s is not None and getattr(s, "_devices", None) else None


def _in_strategy_scope(method: Any) -> Any:
    """Run a Model method inside the scope of the strategy the model was created under (as Keras does)."""
    import functools

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        s = _model_strategy(self)
        if s is None or (state.strategy_stack and state.strategy_stack[-1] is s):
            return method(self, *args, **kwargs)
        with s.scope():
            return method(self, *args, **kwargs)

    return wrapper


def _dedupe(vs: list) -> list:
    seen, out = set(), []
    for v in vs:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def _metric_obj(m: Any, y_true: Any, y_pred: Any, loss: Any) -> Any:
    if isinstance(m, metrics_module.Metric):
        return m
    if isinstance(m, str):
        if m in ("accuracy", "acc"):
            name = m
            is_binary = y_pred is not None and y_pred.shape[-1] == 1
            is_sparse = y_true is not None and y_pred is not None and (
                len(y_true.shape) < len(y_pred.shape) or y_true.shape[-1] == 1)
            lname = getattr(loss, "__name__", None) or getattr(loss, "name", "") or ""
            if "binary" in str(lname) or is_binary:
                return metrics_module.BinaryAccuracy(name=name)
            if "sparse" in str(lname) or is_sparse:
                return metrics_module.SparseCategoricalAccuracy(name=name)
            return metrics_module.CategoricalAccuracy(name=name)
        obj = metrics_module.get(m)
        if isinstance(obj, metrics_module.Metric):
            obj.name = m
            return obj
        return metrics_module.MeanMetricWrapper(obj, name=m)
    if callable(m):
        return metrics_module.MeanMetricWrapper(m, name=getattr(m, "__name__", "metric"))
    raise ValueError(f"Could not interpret metric identifier: {m}")


class Trainer:
    """Mixin holding Model.compile / fit / evaluate / predict / train_on_batch (Keras 3 semantics)."""

    # -- compile ------------------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None, metrics: Any = None,
                weighted_metrics: Any = None, run_eagerly: bool = False, steps_per_execution: int = 1,
                jit_compile: Any = "auto", auto_scale_loss: bool = True) -> None:
        """Model.compile: set the optimizer (name or instance), loss (name, function or Loss) and metrics.

        ``run_eagerly=True`` runs the step op by op (for debugging); otherwise it is one jitted function.
        ``jit_compile=False`` also runs the step op by op (Keras 3's JAX backend then does not jit it);
        ``"auto"``/True compile it. ``steps_per_execution`` is kept on the model (unvalidated, as Keras), but
        each batch is still one compiled call (same numbers; batch callbacks run every batch).
        ``auto_scale_loss`` (default True): under the ``"mixed_float16"`` policy the optimizer is wrapped in a
        ``LossScaleOptimizer``, as Keras does."""
        if jit_compile not in (True, False, "auto", None):
            raise ValueError(f"Model.compile: jit_compile must be True, False or 'auto', got {jit_compile!r}.")

        self.optimizer = optimizers_module.get(optimizer)
        if (auto_scale_loss and self.dtype_policy.name == "mixed_float16" and self.optimizer is not None
                and not isinstance(self.optimizer, optimizers_module.LossScaleOptimizer)):
            self.optimizer = optimizers_module.LossScaleOptimizer(self.optimizer, name="loss_scale_optimizer")
        self.loss = loss
        self._loss_fn = losses_module.get(loss) if loss is not None else None
        if isinstance(self._loss_fn, type):
            self._loss_fn = self._loss_fn()
        self._loss_weights = loss_weights
        self._metric_specs = list(metrics or [])
        self._weighted_metric_specs = list(weighted_metrics or [])
        self._compiled_metrics: list | None = None
        self._weighted_metrics: list = []
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.run_eagerly = bool(run_eagerly)
        # True when the step is compiled (tfshim's "auto"); real Keras on TF's CPU backend resolves "auto" to False.
        self.jit_compile = jit_compile is not False and not self.run_eagerly
        self.steps_per_execution = steps_per_execution
        self.auto_scale_loss = bool(auto_scale_loss)
        self.compiled = True
        self.stop_training = False
        self._train_fn = self._test_fn = self._predict_fn = None

    @property
    def distribute_strategy(self) -> Any:
        """Model.distribute_strategy: the tf.distribute strategy the model was created under."""
        from ..distribute.context import _default

        s = self.__dict__.get("_distribute_strategy")
        return s if s is not None else _default()

    def _assert_compiled(self, method: str) -> None:
        if not getattr(self, "compiled", False):
            raise ValueError(f"You must call `compile()` before calling `{method}()`.")

    @property
    def metrics(self) -> list:
        """Model.metrics: the loss tracker then the compiled metrics (once built by a first step)."""
        out = []
        if getattr(self, "_loss_tracker", None) is not None:
            out.append(self._loss_tracker)
        out.extend(getattr(self, "_compiled_metrics", None) or [])
        out.extend(getattr(self, "_weighted_metrics", None) or [])
        return out

    @property
    def metrics_names(self) -> list:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        """Model.reset_metrics: reset every metric's state."""
        for m in self.metrics:
            m.reset_state()

    def _build_metrics(self, y: Any, y_pred: Any) -> None:
        if self._compiled_metrics is not None:
            return
        yt = y if y is None or hasattr(y, "shape") else np.asarray(y)
        yp = y_pred if hasattr(y_pred, "shape") else None
        self._compiled_metrics = [_metric_obj(m, yt, yp, self._loss_fn) for m in self._metric_specs]
        self._weighted_metrics = [_metric_obj(m, yt, yp, self._loss_fn) for m in self._weighted_metric_specs]
        for m in self._weighted_metrics:
            if any(m.name == c.name for c in self._compiled_metrics):
                m.name = "weighted_" + m.name

    # -- the steps (override these as in Keras) --------------------------------------------------
    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None,
                     training: bool = True) -> Tensor:
        """Model.compute_loss: the compiled loss plus the model's regularisation losses (``self.losses``)."""
        from ..ops.math import add

        total = None
        if self._loss_fn is not None and y is not None:
            fn = self._loss_fn
            if isinstance(fn, losses_module.Loss):
                total = fn(y, y_pred, sample_weight=sample_weight)
            else:
                total = losses_module.reduce_weighted_values(fn(y, y_pred), sample_weight)
            if self._loss_weights is not None and not isinstance(self._loss_weights, (list, dict)):
                total = total * float(self._loss_weights)
        extra = list(getattr(self, "losses", []) or [])
        for loss in extra:
            total = loss if total is None else add(total, loss)
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict:
        """Model.compute_metrics: update the compiled metrics; returns ``get_metrics_result()``."""
        self._build_metrics(y, y_pred)
        if y is not None:
            for m in self._compiled_metrics:
                m.update_state(y, y_pred)
            for m in self._weighted_metrics:
                m.update_state(y, y_pred, sample_weight=sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        """Model.get_metrics_result: {name: result} for every metric."""
        out = {}
        for m in self.metrics:
            r = m.result()
            if isinstance(r, dict):
                out.update(r)
            else:
                out[m.name] = r
        return out

    def train_step(self, data: Any) -> dict:
        """Model.train_step(data): one optimisation step (forward, loss, gradients, update, metrics)."""
        from ..autodiff.tape import GradientTape

        x, y, sw = _unpack(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sw, training=True)
            scaled = self.optimizer.scale_loss(loss)  # LossScaleOptimizer: loss * dynamic scale
        self._loss_tracker.update_state(loss, sample_weight=_leading(x))
        tvars = self.trainable_variables
        if tvars:
            grads = tape.gradient(scaled, tvars)
            self.optimizer.apply_gradients(zip(grads, tvars))
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return self.compute_metrics(x, y, y_pred, sample_weight=sw)

    def test_step(self, data: Any) -> dict:
        """Model.test_step(data): loss and metrics on one batch (``training=False``)."""
        x, y, sw = _unpack(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sw, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_leading(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sw)

    def predict_step(self, data: Any) -> Any:
        """Model.predict_step(data): the model's outputs for one batch."""
        x, _, _ = _unpack(data)
        return self(x, training=False)

    # -- building the step functions -------------------------------------------------------------
    def _state_variables(self, train: bool) -> list:
        vs = list(self.trainable_variables) + list(self.non_trainable_variables)
        if train and getattr(self, "optimizer", None) is not None:
            vs += list(self.optimizer.variables)
        for m in self.metrics:
            vs += list(m.variables)
        return _dedupe(vs)

    def _prepare(self, batch: Any, train: bool) -> None:
        """Build model weights, metrics and optimizer slots eagerly (no Variable may be created in a trace)."""
        x, y, _ = _unpack(batch)
        xt = jax.tree_util.tree_map(lambda a: wrap(jnp.asarray(a)), _device(x))
        if not getattr(self, "compiled", False):  # predict on an uncompiled model: only build the weights
            if not self.built:
                self(xt, training=False)
            return
        if not self.built or (self._compiled_metrics is None and self._metric_specs):
            y_pred = self(xt, training=False) if not self.built or self._compiled_metrics is None else None
            if self._compiled_metrics is None:
                yp = jax.tree_util.tree_leaves(y_pred, is_leaf=lambda t: isinstance(t, Tensor))
                self._build_metrics(None if y is None else np.asarray(y) if not isinstance(y, dict) else None,
                                    yp[0] if yp else None)
        if self._compiled_metrics is None:
            self._build_metrics(None, None)
        if train and getattr(self, "optimizer", None) is not None and not self.optimizer.built:
            self.optimizer.build(self.trainable_variables)

    def make_train_function(self, force: bool = False) -> Any:
        """Model.make_train_function: the (jitted) function running ``train_step`` on one batch."""
        if self._train_fn is None or force:
            self._train_fn = self._make_fn(self.train_step, True)
        return self._train_fn

    def make_test_function(self, force: bool = False) -> Any:
        if self._test_fn is None or force:
            self._test_fn = self._make_fn(self.test_step, False)
        return self._test_fn

    def make_predict_function(self, force: bool = False) -> Any:
        if getattr(self, "_predict_fn", None) is None or force:
            self._predict_fn = self._make_fn(self.predict_step, False)
        return self._predict_fn

    def _make_fn(self, method: Any, train: bool) -> Any:
        if getattr(self, "run_eagerly", False) or getattr(self, "jit_compile", True) is False:
            def eager(data: Any) -> Any:
                return method(jax.tree_util.tree_map(lambda a: wrap(jnp.asarray(a)), data))

            return eager
        holder: dict = {}

        def call(data: Any) -> Any:
            fn = holder.get("fn")
            if fn is None:
                fn = holder["fn"] = _JitStep(self, method, self._state_variables(train))
            return fn(data)

        return call

    # -- fit ---------------------------------------------------------------------------------
    @_in_strategy_scope
    def fit(self, x: Any = None, y: Any = None, batch_size: Any = None, epochs: int = 1, verbose: Any = "auto",
            callbacks: Any = None, validation_split: float = 0.0, validation_data: Any = None, shuffle: Any = True,
            class_weight: Any = None, sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: Any = None,
            validation_steps: Any = None, validation_batch_size: Any = None, validation_freq: int = 1) -> Any:
        """Model.fit: train for ``epochs`` over arrays or a dataset, with a progress bar; returns a History."""
        self._assert_compiled("fit")
        if validation_split and validation_data is None:
            if not _is_array(x) or x is None:
                raise ValueError("`validation_split` is only supported for Tensors or NumPy arrays, found a "
                                 f"dataset: {type(x).__name__}.")
            x, y, sample_weight = _to_numpy(x), _to_numpy(y), _to_numpy(sample_weight)
            n = _leading(x)
            split = int(n * (1.0 - validation_split))
            validation_data = (_slice(x, slice(split, None)), _slice(y, slice(split, None)),
                               _slice(sample_weight, slice(split, None)))
            x, y, sample_weight = _slice(x, slice(0, split)), _slice(y, slice(0, split)), _slice(
                sample_weight, slice(0, split))
        data = _make_data(x, y, sample_weight, batch_size, shuffle, steps_per_epoch, class_weight)
        val = None
        if validation_data is not None:
            if isinstance(validation_data, (tuple, list)) and _is_array(validation_data[0]):
                vx, vy, vsw = _unpack(tuple(validation_data))
                val = _make_data(vx, vy, vsw, validation_batch_size or batch_size, False, validation_steps)
            else:
                val = _make_data(validation_data, None, None, None, False, validation_steps)
        verbose = 1 if verbose == "auto" else verbose
        cbs = callbacks_module.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                            verbose=verbose, epochs=epochs, steps=data.steps)
        history = next(c for c in cbs.callbacks if isinstance(c, callbacks_module.History))
        train_fn = None
        self.stop_training = False
        cbs.on_train_begin()
        epoch_logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            logs: Any = None
            step = -1
            for step, batch in enumerate(data.epoch()):
                cbs.on_train_batch_begin(step)
                if train_fn is None:
                    self._prepare(batch, True)
                    train_fn = self.make_train_function()
                logs = train_fn(_device(batch))
                cbs.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if step < 0:
                if epoch == initial_epoch:
                    raise ValueError("Unexpected result of `train_function` (Empty logs). This could be due to "
                                     "issues in input pipeline that resulted in an empty dataset.")
                break
            if data.steps is None:
                data.steps = step + 1
            epoch_logs = {k: float(np.asarray(v)) for k, v in _flat_logs(logs).items()}
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_data(val, callbacks_module.CallbackList(
                    [c for c in cbs.callbacks if not isinstance(c, callbacks_module.ProgbarLogger)], model=self))
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        cbs.on_train_end(epoch_logs)
        self.history = history
        return history

    # -- evaluate / predict ---------------------------------------------------------------------
    def _evaluate_data(self, data: Any, cbs: Any) -> dict:
        self.reset_metrics()
        cbs.on_test_begin()
        test_fn = None
        logs: Any = None
        for step, batch in enumerate(data.epoch()):
            cbs.on_test_batch_begin(step)
            if test_fn is None:
                self._prepare(batch, False)
                test_fn = self.make_test_function()
            logs = test_fn(_device(batch))
            cbs.on_test_batch_end(step, logs)
        if logs is None:
            raise ValueError("Expected at least one batch of data to evaluate on; the input is empty.")
        out = {k: float(np.asarray(v)) for k, v in _flat_logs(logs).items()}
        cbs.on_test_end(out)
        return out

    @_in_strategy_scope
    def evaluate(self, x: Any = None, y: Any = None, batch_size: Any = None, verbose: Any = "auto",
                 sample_weight: Any = None, steps: Any = None, callbacks: Any = None, return_dict: bool = False,
                 **kwargs: Any) -> Any:
        """Model.evaluate: the loss (and metrics) over the data: a scalar, a list ``[loss, *metrics]`` or a dict."""
        self._assert_compiled("evaluate")
        data = _make_data(x, y, sample_weight, batch_size, False, steps)
        verbose = 1 if verbose == "auto" else verbose
        cbs = callbacks_module.CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                            epochs=1, steps=data.steps)
        logs = self._evaluate_data(data, cbs)
        if return_dict:
            return logs
        return self._flatten_in_order(logs)

    def _flatten_in_order(self, logs: dict) -> Any:
        names = [m.name for m in self.metrics]
        vals = [logs[n] for n in names if n in logs] + [v for k, v in logs.items() if k not in names]
        return vals[0] if len(vals) == 1 else vals

    @_in_strategy_scope
    def predict(self, x: Any, batch_size: Any = None, verbose: Any = "auto", steps: Any = None,
                callbacks: Any = None) -> Any:
        """Model.predict: the outputs for all inputs, batched, as NumPy arrays."""
        data = _make_data(x, None, None, batch_size, False, steps)
        verbose = 1 if verbose == "auto" else verbose
        cbs = callbacks_module.CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                            epochs=1, steps=data.steps)
        cbs.on_predict_begin()
        fn = None
        outs: list = []
        for step, batch in enumerate(data.epoch()):
            cbs.on_predict_batch_begin(step)
            if fn is None:
                if not self.built:
                    self._prepare(batch, False)
                fn = self._predict_callable()
            out = fn(_device(batch))
            outs.append(out)
            cbs.on_predict_batch_end(step, {"outputs": out})
        cbs.on_predict_end()
        if not outs:
            raise ValueError("Unexpected result of `predict_function` (Empty batch_outputs). Please use "
                             "`Model.compile(..., run_eagerly=True)`, or `tf.config.run_functions_eagerly(True)` "
                             "for more information of where went wrong, or file a issue/bug to `tf.keras`.")
        return jax.tree_util.tree_map(lambda *a: np.concatenate([np.asarray(v) for v in a], axis=0), *outs)

    def _predict_callable(self) -> Any:
        if getattr(self, "_predict_fn", None) is None:
            self._predict_fn = self._make_fn(self.predict_step, False)
        return self._predict_fn

    # -- single batches -------------------------------------------------------------------------
    @_in_strategy_scope
    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: Any = None,
                       return_dict: bool = False) -> Any:
        """Model.train_on_batch: one training step on one batch (metrics are reset first, as Keras 3)."""
        self._assert_compiled("train_on_batch")
        x, y, sample_weight = _to_numpy(x), _to_numpy(y), _to_numpy(sample_weight)
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError("Arguments `sample_weight` and `class_weight` cannot be specified at the same time. "
                                 f"Received: sample_weight={sample_weight}, class_weight={class_weight}")
            sample_weight = _class_weights(y, class_weight)
        batch = (x, y, sample_weight)
        self._prepare(batch, True)
        self.reset_metrics()
        logs = self.make_train_function()(_device(batch))
        logs = {k: float(np.asarray(v)) for k, v in _flat_logs(logs).items()}
        return logs if return_dict else self._flatten_in_order(logs)

    @_in_strategy_scope
    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        """Model.test_on_batch: loss and metrics on one batch."""
        self._assert_compiled("test_on_batch")
        batch = (_to_numpy(x), _to_numpy(y), _to_numpy(sample_weight))
        self._prepare(batch, False)
        self.reset_metrics()
        logs = self.make_test_function()(_device(batch))
        logs = {k: float(np.asarray(v)) for k, v in _flat_logs(logs).items()}
        return logs if return_dict else self._flatten_in_order(logs)

    @_in_strategy_scope
    def predict_on_batch(self, x: Any) -> Any:
        """Model.predict_on_batch: the outputs for one batch as NumPy arrays."""
        batch = (_to_numpy(x), None, None)
        if not self.built:
            self._prepare(batch, False)
        out = self._predict_callable()(_device(batch))
        return jax.tree_util.tree_map(np.asarray, out)


def _flat_logs(logs: Any) -> dict:
    if logs is None:
        return {}
    if isinstance(logs, dict):
        return logs
    return {"output": logs}
