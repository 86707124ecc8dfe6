"""tf.keras.metrics: stateful metrics (``update_state`` / ``result`` / ``reset_state``).

State lives in non-trainable tfshim Variables (found by attribute tracking, so checkpoints and the
jitted training step see them). Each update is one dispatched JAX computation that returns the new
state, which is assigned back; inside ``fit`` the whole update is traced into the training step.
Semantics follow Keras 3 (``reduce_to_samplewise_values`` for sample weights).
"""

from __future__ import annotations

import re
from typing import Any, Callable

import jax.numpy as jnp
import numpy as np

from ..core import dispatch
from ..core import dtypes as _dt
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor
from ..core.variable import Variable
from ..ops.math import cast
from . import losses as _losses
from .backend import to_snake_case as _to_snake
from .backend import unique_name
from .lookup import Lookup


def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


class Metric:
    """tf.keras.metrics.Metric: subclass, create state with ``add_variable`` in ``__init__``, implement
    ``update_state`` and ``result``. Differences from Keras: state variables are tfshim Variables."""

    def __init__(self, dtype: Any = None, name: str | None = None):
        self.name = name or _snake(type(self).__name__)
        self._dtype = _dt.as_dtype(dtype) if dtype is not None else _dt.float32
        self._variables: list = []

    @property
    def dtype(self) -> str:
        return self._dtype.name

    @property
    def variables(self) -> list:
        out = list(self._variables)
        for v in self.__dict__.values():
            if isinstance(v, Metric):
                out.extend(v.variables)
        return out

    def add_variable(self, shape: Any = (), initializer: Any = "zeros", dtype: Any = None, aggregation: str = "sum",
                     name: str | None = None) -> Variable:
        """Metric.add_variable: a non-trainable state variable, reset to ``initializer`` by ``reset_state``."""
        dt = _dt.as_dtype(dtype) if dtype is not None else self._dtype
        shape = tuple(int(s) for s in (shape if isinstance(shape, (tuple, list)) else (shape,)))
        init = _initial(initializer, shape, dt)
        v = Variable(init, trainable=False, name=name or "variable", dtype=dt, aggregation=_aggregation(aggregation))
        v._metric_initializer = (initializer, shape, dt)
        self._variables.append(v)
        return v

    def add_weight(self, name: str | None = None, shape: Any = (), aggregation: str = "sum",
                   synchronization: Any = None, initializer: Any = "zeros", dtype: Any = None) -> Variable:
        """Metric.add_weight: the legacy spelling of ``add_variable``."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, aggregation=aggregation, name=name)

    def reset_state(self) -> None:
        """Metric.reset_state: every state variable back to its initial value."""
        for v in self.variables:
            init, shape, dt = getattr(v, "_metric_initializer", ("zeros", tuple(v.shape), v.dtype))
            v.assign(_initial(init, shape, dt))

    reset_states = reset_state

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def _initial(initializer: Any, shape: tuple, dt: _dt.DType) -> Any:
    if callable(initializer):
        return initializer(shape, dtype=dt)
    if initializer in ("zeros", "Zeros", None):
        return np.zeros(shape, dt._np)
    if initializer in ("ones", "Ones"):
        return np.ones(shape, dt._np)
    raise ValueError(f"tf.keras.metrics.Metric.add_variable: unsupported initializer {initializer!r}.")


# -- Mean / Sum -------------------------------------------------------------------------------
def _samplewise(values, sw, reduce_fn=jnp.mean):
    """Keras' reduce_to_samplewise_values: (per-sample values, per-sample weights)."""
    if sw is not None:
        sv, ss = _losses.squeeze_or_expand_shapes(tuple(values.shape), tuple(sw.shape))
        values, sw = values.reshape(sv), sw.reshape(ss)
        wn, vn = sw.ndim, values.ndim
        if vn > wn:
            values = reduce_fn(values, axis=tuple(range(wn, vn)))
        sw = jnp.broadcast_to(sw, values.shape)
        values = values * sw
        if wn > 1:
            sw = reduce_fn(sw, axis=tuple(range(1, wn)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sw


def _mean_update(*arrays, has_sw, dtype):
    values = arrays[0].astype(dtype)
    sw = arrays[1].astype(dtype) if has_sw else None
    total, count = arrays[-2], arrays[-1]
    values, sw = _samplewise(values, sw)
    if sw is not None:
        n = jnp.sum(sw)
    elif values.ndim >= 1:
        n = values.shape[0]
    else:
        n = 1
    return total + jnp.sum(values).astype(total.dtype), count + jnp.asarray(n, count.dtype)


def _sum_update(*arrays, has_sw, dtype):
    values = arrays[0].astype(dtype)
    sw = arrays[1].astype(dtype) if has_sw else None
    values, _ = _samplewise(values, sw, jnp.sum)
    return arrays[-1] + jnp.sum(values).astype(arrays[-1].dtype)


def _div_no_nan(a, b):
    return jnp.where(b == 0, jnp.zeros_like(a), a / jnp.where(b == 0, 1, b))


class Mean(Metric):
    """tf.keras.metrics.Mean: the (weighted) mean of the values seen so far."""

    def __init__(self, name: str = "mean", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        inputs = [convert_to_tensor(values)]
        if sample_weight is not None:
            inputs.append(convert_to_tensor(sample_weight))
        t, c = dispatch.run(_mean_update, (*inputs, self.total._read(), self.count._read()),
                            f"tf.keras.metrics.{type(self).__name__}.update_state",
                            has_sw=sample_weight is not None, dtype=self._dtype._np)
        self.total.assign(t)
        self.count.assign(c)

    def result(self) -> Tensor:
        return dispatch.run(_div_no_nan, (self.total._read(), self.count._read()), "tf.keras.metrics.Mean.result")


class Sum(Metric):
    """tf.keras.metrics.Sum: the (weighted) sum of the values seen so far."""

    def __init__(self, name: str = "sum", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        inputs = [convert_to_tensor(values)]
        if sample_weight is not None:
            inputs.append(convert_to_tensor(sample_weight))
        t = dispatch.run(_sum_update, (*inputs, self.total._read()), "tf.keras.metrics.Sum.update_state",
                         has_sw=sample_weight is not None, dtype=self._dtype._np)
        self.total.assign(t)

    def result(self) -> Tensor:
        return self.total.read_value()


class MeanMetricWrapper(Mean):
    """tf.keras.metrics.MeanMetricWrapper: the mean of ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        cfg = {"name": self.name, "dtype": self.dtype}
        cfg.update(self._fn_kwargs)
        return cfg


# -- accuracy functions ---------------------------------------------------------------------
def _accuracy(t, p):
    t = t.astype(p.dtype)
    t, p = _losses._same_rank(t, p)
    return (t == p).astype(jnp.float32)


def _binary_accuracy(t, p, threshold):
    t = t.astype(p.dtype)
    t, p = _losses._same_rank(t, p)
    p = (p > threshold).astype(t.dtype)
    return (t == p).astype(jnp.float32)


def _categorical_accuracy(t, p):
    t = t.astype(p.dtype)
    reshape = False
    org = t.shape
    if t.ndim == p.ndim and t.shape[-1] == 1:  # (n, 1) labels as in Keras: squeeze, reshape back
        t = t[..., 0]
        reshape = True
    tl = jnp.argmax(t, axis=-1) if not reshape else t
    pl = jnp.argmax(p, axis=-1)
    m = (tl.astype(pl.dtype) == pl).astype(jnp.float32)
    return m.reshape(org) if reshape else m


def _sparse_categorical_accuracy(t, p):
    t = t.astype(p.dtype)
    org = t.shape
    reshape = False
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t[..., 0]
        reshape = True
    pl = jnp.argmax(p, axis=-1).astype(t.dtype)
    m = (t == pl).astype(jnp.float32)
    if reshape:
        m = m.reshape(org)
    if m.ndim > 1 and m.shape[-1] == 1:
        m = m[..., 0]
    return m


def _in_top_k(p, labels, k):
    # TF's in_top_k: the target's score is among the k largest (ties count as in)
    target = jnp.take_along_axis(p, labels[..., None].astype(jnp.int32), axis=-1)
    return (jnp.sum(p > target, axis=-1) < k).astype(jnp.float32)


def _sparse_top_k(t, p, k):
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t[..., 0]
    return _in_top_k(p, t, k)


def _top_k(t, p, k):
    return _in_top_k(p, jnp.argmax(t, axis=-1), k)


def _pred_true(y_true: Any, y_pred: Any) -> tuple[Tensor, Tensor]:
    p = convert_to_tensor(y_pred)
    t = convert_to_tensor(y_true)
    return t, p


def accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """Keras' accuracy: elementwise ``y_true == y_pred`` as float32."""
    t, p = _pred_true(y_true, y_pred)
    return dispatch.run(_accuracy, (t, p), "tf.keras.metrics.Accuracy")


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Tensor:
    """tf.keras.metrics.binary_accuracy: elementwise ``y_true == (y_pred > threshold)`` as float32."""
    t, p = _pred_true(y_true, y_pred)
    return dispatch.run(_binary_accuracy, (t, p), "tf.keras.metrics.binary_accuracy", threshold=float(threshold))


def categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.metrics.categorical_accuracy: ``argmax(y_true) == argmax(y_pred)``."""
    t, p = _pred_true(y_true, y_pred)
    return dispatch.run(_categorical_accuracy, (t, p), "tf.keras.metrics.categorical_accuracy")


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.metrics.sparse_categorical_accuracy: ``y_true == argmax(y_pred)``."""
    t, p = _pred_true(y_true, y_pred)
    return dispatch.run(_sparse_categorical_accuracy, (t, p), "tf.keras.metrics.sparse_categorical_accuracy")


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Tensor:
    """tf.keras.metrics.top_k_categorical_accuracy."""
    t, p = _pred_true(y_true, y_pred)
    return dispatch.run(_top_k, (t, p), "tf.keras.metrics.top_k_categorical_accuracy", k=int(k))


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False) -> Tensor:
    """tf.keras.metrics.sparse_top_k_categorical_accuracy."""
    t, p = _pred_true(y_true, y_pred)
    if from_sorted_ids:
        raise NotImplementedError("tfshim: sparse_top_k_categorical_accuracy(from_sorted_ids=True) is not supported.")
    return dispatch.run(_sparse_top_k, (t, p), "tf.keras.metrics.sparse_top_k_categorical_accuracy", k=int(k))


def _wrapper_metric(cls_name: str, fn: Callable, default_name: str, params: tuple = ()) -> type:
    names = [p[0] for p in params]
    defaults = dict(params)

    def __init__(self, *args: Any, name: str = default_name, dtype: Any = None, **kwargs: Any):
        kw = dict(defaults)
        kw.update(zip(names, args))
        for k, v in kwargs.items():
            if k not in defaults:
                raise TypeError(f"{cls_name}() got an unexpected keyword argument '{k}'")
            kw[k] = v
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **kw)

    return type(cls_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": f"tf.keras.metrics.{cls_name}.",
                                                  "__module__": __name__})


Accuracy = _wrapper_metric("Accuracy", accuracy, "accuracy")
BinaryAccuracy = _wrapper_metric("BinaryAccuracy", binary_accuracy, "binary_accuracy", (("threshold", 0.5),))
CategoricalAccuracy = _wrapper_metric("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy")
SparseCategoricalAccuracy = _wrapper_metric("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                            "sparse_categorical_accuracy")
TopKCategoricalAccuracy = _wrapper_metric("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                          "top_k_categorical_accuracy", (("k", 5),))
SparseTopKCategoricalAccuracy = _wrapper_metric("SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy,
                                                "sparse_top_k_categorical_accuracy", (("k", 5),))
MeanSquaredError = _wrapper_metric("MeanSquaredError", _losses.mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _wrapper_metric("MeanAbsoluteError", _losses.mean_absolute_error, "mean_absolute_error")
MeanAbsolutePercentageError = _wrapper_metric("MeanAbsolutePercentageError", _losses.mean_absolute_percentage_error,
                                              "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _wrapper_metric("MeanSquaredLogarithmicError", _losses.mean_squared_logarithmic_error,
                                              "mean_squared_logarithmic_error")
LogCoshError = _wrapper_metric("LogCoshError", _losses.log_cosh, "logcosh")
KLDivergence = _wrapper_metric("KLDivergence", _losses.kl_divergence, "kl_divergence")
Poisson = _wrapper_metric("Poisson", _losses.poisson, "poisson")
Hinge = _wrapper_metric("Hinge", _losses.hinge, "hinge")
SquaredHinge = _wrapper_metric("SquaredHinge", _losses.squared_hinge, "squared_hinge")
CategoricalHinge = _wrapper_metric("CategoricalHinge", _losses.categorical_hinge, "categorical_hinge")
BinaryCrossentropy = _wrapper_metric("BinaryCrossentropy", _losses.binary_crossentropy, "binary_crossentropy",
                                     (("from_logits", False), ("label_smoothing", 0.0)))
CategoricalCrossentropy = _wrapper_metric("CategoricalCrossentropy", _losses.categorical_crossentropy,
                                          "categorical_crossentropy",
                                          (("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)))
SparseCategoricalCrossentropy = _wrapper_metric("SparseCategoricalCrossentropy",
                                                _losses.sparse_categorical_crossentropy,
                                                "sparse_categorical_crossentropy",
                                                (("from_logits", False), ("axis", -1)))


def _cosine_sim(t, p, axis):
    return -_losses._cosine(t, p, axis)


def _cosine_metric_fn(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    t, p = _pred_true(y_true, y_pred)
    p = p if p.dtype.is_floating else cast(p, "float32")
    return dispatch.run(_cosine_sim, (cast(t, p.dtype), p), "tf.keras.metrics.CosineSimilarity", axis=int(axis))


CosineSimilarity = _wrapper_metric("CosineSimilarity", _cosine_metric_fn, "cosine_similarity", (("axis", -1),))


class RootMeanSquaredError(Mean):
    """tf.keras.metrics.RootMeanSquaredError: ``sqrt`` of the (weighted) mean squared error."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        t, p = _pred_true(y_true, y_pred)
        p = p if p.dtype.is_floating else cast(p, self.dtype)
        t = cast(t, p.dtype)
        err = dispatch.run(lambda a, b: jnp.square(jnp.subtract(*_losses._same_rank(a, b))), (t, p),
                           "tf.keras.metrics.RootMeanSquaredError")
        super().update_state(err, sample_weight=sample_weight)

    def result(self) -> Tensor:
        return dispatch.run(lambda a, b: jnp.sqrt(_div_no_nan(a, b)), (self.total._read(), self.count._read()),
                            "tf.keras.metrics.RootMeanSquaredError.result")


# -- confusion-matrix metrics (thresholds) ------------------------------------------------------
def _confusion_update(*arrays, thresholds, has_sw, multi_label):
    t, p = arrays[0], arrays[1]
    sw = arrays[2] if has_sw else None
    tp, fp, tn, fn = arrays[-4:]
    p = p.astype(jnp.float32)
    t = (t != 0).astype(jnp.float32)
    t, p = _losses._same_rank(t, p)
    thr = jnp.asarray(thresholds, jnp.float32)
    pred_pos = p.reshape(-1)[None, :] > thr[:, None]  # (T, N)
    label = t.reshape(-1)[None, :]
    w = jnp.ones_like(p).reshape(-1) if sw is None else jnp.broadcast_to(
        sw.astype(jnp.float32).reshape(_losses.squeeze_or_expand_shapes(tuple(p.shape), tuple(sw.shape))[1]),
        p.shape).reshape(-1)
    w = w[None, :]
    pos = label * w
    neg = (1.0 - label) * w
    tp = tp + jnp.sum(jnp.where(pred_pos, pos, 0.0), axis=1)
    fn = fn + jnp.sum(jnp.where(pred_pos, 0.0, pos), axis=1)
    fp = fp + jnp.sum(jnp.where(pred_pos, neg, 0.0), axis=1)
    tn = tn + jnp.sum(jnp.where(pred_pos, 0.0, neg), axis=1)
    return tp, fp, tn, fn


def _auto_name(base: str) -> str:
    """Keras' auto_name: ``base``, then ``base_1``, ``base_2``, ... (Keras' per-thread name counters)."""
    return unique_name(base)


class _Confusion(Metric):
    _KEEP = ("true_positives", "false_positives", "true_negatives", "false_negatives")

    def __init__(self, thresholds: Any, name: str | None, dtype: Any):
        super().__init__(name=name or _auto_name(_snake(type(self).__name__)), dtype=dtype)
        self.thresholds = tuple(float(x) for x in thresholds)
        n = len(self.thresholds)
        # every count is computed; only the ones Keras keeps are state variables
        for k in self._KEEP:
            setattr(self, k, self.add_variable(shape=(n,), name=k))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        inputs = [convert_to_tensor(y_true), convert_to_tensor(y_pred)]
        if sample_weight is not None:
            inputs.append(convert_to_tensor(sample_weight))
        n = len(self.thresholds)
        names = ("true_positives", "false_positives", "true_negatives", "false_negatives")
        cur = [getattr(self, k)._read() if k in self._KEEP else convert_to_tensor(np.zeros(n, "float32"))
               for k in names]
        new = dispatch.run(_confusion_update, (*inputs, *cur),
                           f"tf.keras.metrics.{type(self).__name__}.update_state", thresholds=self.thresholds,
                           has_sw=sample_weight is not None, multi_label=False)
        for k, x in zip(names, new):
            if k in self._KEEP:
                getattr(self, k).assign(x)


class Precision(_Confusion):
    """tf.keras.metrics.Precision (thresholds, default 0.5; no top_k/class_id)."""

    _KEEP = ("true_positives", "false_positives")

    def __init__(self, thresholds: Any = None, top_k: Any = None, class_id: Any = None, name: str | None = None,
                 dtype: Any = None):
        if top_k is not None or class_id is not None:
            raise NotImplementedError("tfshim: Precision(top_k=..., class_id=...) is not supported yet.")
        self._single = thresholds is None or np.ndim(thresholds) == 0
        super().__init__([0.5] if thresholds is None else np.atleast_1d(thresholds), name, dtype)

    def result(self) -> Tensor:
        r = dispatch.run(_div_no_nan, (self.true_positives._read(),
                                       self.true_positives._read() + self.false_positives._read()),
                         "tf.keras.metrics.Precision.result")
        return r[0] if self._single else r


class Recall(_Confusion):
    """tf.keras.metrics.Recall (thresholds, default 0.5; no top_k/class_id)."""

    _KEEP = ("true_positives", "false_negatives")

    def __init__(self, thresholds: Any = None, top_k: Any = None, class_id: Any = None, name: str | None = None,
                 dtype: Any = None):
        if top_k is not None or class_id is not None:
            raise NotImplementedError("tfshim: Recall(top_k=..., class_id=...) is not supported yet.")
        self._single = thresholds is None or np.ndim(thresholds) == 0
        super().__init__([0.5] if thresholds is None else np.atleast_1d(thresholds), name, dtype)

    def result(self) -> Tensor:
        r = dispatch.run(_div_no_nan, (self.true_positives._read(),
                                       self.true_positives._read() + self.false_negatives._read()),
                         "tf.keras.metrics.Recall.result")
        return r[0] if self._single else r


def _auc_result(tp, fp, tn, fn, curve, summation):
    if curve == "ROC":
        x = _div_no_nan(fp, fp + tn)
        y = _div_no_nan(tp, tp + fn)
    else:  # PR: precision vs recall
        x = _div_no_nan(tp, tp + fn)
        y = _div_no_nan(tp, tp + fp)
    if summation == "interpolation":
        heights = (y[:-1] + y[1:]) / 2.0
    elif summation == "minoring":
        heights = jnp.minimum(y[:-1], y[1:])
    else:
        heights = jnp.maximum(y[:-1], y[1:])
    return jnp.sum((x[:-1] - x[1:]) * heights)


def _auc_pr_interpolation(tp, fp, tn, fn):
    # Davis & Goadrich interpolation, as Keras' interpolate_pr_auc
    dtp = tp[:-1] - tp[1:]
    p = tp + fp
    dp = p[:-1] - p[1:]
    prec_slope = _div_no_nan(dtp, jnp.maximum(dp, 0.0))
    intercept = tp[1:] - prec_slope * p[1:]
    safe_p_ratio = jnp.where((p[:-1] > 0) & (p[1:] > 0), _div_no_nan(p[:-1], jnp.maximum(p[1:], 0.0)),
                             jnp.ones_like(p[1:]))
    pr_auc_increment = _div_no_nan(prec_slope * (dtp + intercept * jnp.log(safe_p_ratio)),
                                   jnp.maximum(tp[1:] + fn[1:], 0.0))
    return jnp.sum(pr_auc_increment)


class AUC(_Confusion):
    """tf.keras.metrics.AUC: area under the ROC or PR curve from ``num_thresholds`` confusion counts
    (single-label, no ``label_weights``)."""

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype: Any = None, thresholds: Any = None, multi_label: bool = False,
                 num_labels: Any = None, label_weights: Any = None, from_logits: bool = False):
        if multi_label or label_weights is not None:
            raise NotImplementedError("tfshim: AUC(multi_label=True / label_weights) is not supported yet.")
        curve = curve.upper()
        if curve not in ("ROC", "PR"):
            raise ValueError(f'Invalid curve: "{curve}". Valid options are: "ROC", "PR"')
        if thresholds is not None:
            thr = [0.0 - 1e-7] + sorted(float(x) for x in thresholds) + [1.0 + 1e-7]
            num_thresholds = len(thr)
        else:
            if num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. Received: {num_thresholds}")
            eps = 1e-7
            thr = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            thr = [0.0 - eps] + thr + [1.0 + eps]
        self.num_thresholds = num_thresholds
        self.curve = curve
        self.summation_method = summation_method
        self._from_logits = from_logits
        super().__init__(thr, name, dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if self._from_logits:
            from ..ops.math import sigmoid

            y_pred = sigmoid(convert_to_tensor(y_pred))
        super().update_state(y_true, y_pred, sample_weight)

    def result(self) -> Tensor:
        state = tuple(v._read() for v in (self.true_positives, self.false_positives, self.true_negatives,
                                          self.false_negatives))
        if self.curve == "PR" and self.summation_method == "interpolation":
            return dispatch.run(_auc_pr_interpolation, state, "tf.keras.metrics.AUC.result")
        return dispatch.run(_auc_result, state, "tf.keras.metrics.AUC.result", curve=self.curve,
                            summation=self.summation_method)


# Function forms that tf.keras.metrics re-exports from losses
from .losses import (  # noqa: E402,F401,I001
    binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy, categorical_hinge, hinge, huber, kld,
    kullback_leibler_divergence, logcosh, mae, mape, mse, msle, poisson, sparse_categorical_crossentropy,
    squared_hinge,
)

_BY_NAME = {
    n: o for n, o in globals().items() if not n.startswith("_") and callable(o) and (
        isinstance(o, type) and issubclass(o, Metric) or getattr(o, "__module__", "").startswith("tfshim"))
}
# Keras 3 resolves a string to a Metric class by its name or snake_case name ("mean_absolute_error"; the class wins
# over a function of the same name), plus a few abbreviations.
_BY_NAME.update({_to_snake(n): o for n, o in list(_BY_NAME.items())
                 if isinstance(o, type) and issubclass(o, Metric) and n[:1].isupper()})
_BY_NAME.update({"acc": Accuracy, "accuracy": Accuracy, "mse": MeanSquaredError, "mae": MeanAbsoluteError,
                 "MSE": MeanSquaredError, "MAE": MeanAbsoluteError})
for _short, _long in (("mape", "MeanAbsolutePercentageError"), ("msle", "MeanSquaredLogarithmicError"),
                      ("bce", "BinaryCrossentropy")):
    if _long in _BY_NAME:
        _BY_NAME[_short] = _BY_NAME[_short.upper()] = _BY_NAME[_long]


_LOOKUP = Lookup("metric", "keras.metrics", Metric, _BY_NAME)


def get(identifier: Any) -> Any:
    """tf.keras.metrics.get: a metric function or Metric from a name, config or callable."""
    return _LOOKUP.get(identifier)


def serialize(metric: Any) -> Any:
    """tf.keras.metrics.serialize."""
    return _LOOKUP.serialize(metric)


def deserialize(config: Any, custom_objects: Any = None) -> Any:
    """tf.keras.metrics.deserialize."""
    return _LOOKUP.deserialize(config, custom_objects)


def _aggregation(name: Any) -> Any:
    """tf.VariableAggregation for Keras' aggregation names (how tf.distribute combines replica updates)."""
    from ..core.variable import VariableAggregation

    if not isinstance(name, str):
        return name
    return {"sum": VariableAggregation.SUM, "mean": VariableAggregation.MEAN,
            "only_first_replica": VariableAggregation.ONLY_FIRST_REPLICA}.get(name.lower(), VariableAggregation.NONE)
