"""tf.keras.losses: loss functions and Loss classes with Keras 3's reductions.

Each loss function is one dispatched op (a pure JAX function of ``y_true``/``y_pred``), so it is
fast eagerly, differentiable through GradientTape, and traceable inside a jitted training step.
The formulas follow Keras 3 with the TensorFlow backend (the one ``tf.keras`` uses), including
its epsilon clipping of probabilities (``1e-7``) and its label/prediction rank squeezing.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from ..core import checks, dispatch, errors
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor
from ..ops.math import cast
from .lookup import Lookup

EPSILON = 1e-7  # keras.backend.epsilon()
_REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


# -- helpers ------------------------------------------------------------------------------
def _tensor(x: Any, dtype: Any = None) -> Tensor:
    t = convert_to_tensor(x)
    if dtype is not None and t.dtype != dtype:
        t = cast(t, dtype)
    return t


def _float_pred(y_pred: Any) -> Tensor:
    t = convert_to_tensor(y_pred)
    if not (t.dtype.is_floating):
        t = cast(t, "float32")
    return t


def squeeze_or_expand_shapes(s1: tuple, s2: tuple, expand_rank_1: bool = True) -> tuple[tuple, tuple]:
    """Keras' squeeze_or_expand_to_same_rank on static shapes: the new shapes of x1 and x2."""
    r1, r2 = len(s1), len(s2)
    if r1 == r2:
        return s1, s2
    if r1 == r2 + 1 and s1[-1] == 1:
        if r2 == 1 and expand_rank_1:
            s2 = s2 + (1,)
        else:
            s1 = s1[:-1]
    if r2 == r1 + 1 and s2[-1] == 1:
        if r1 == 1 and expand_rank_1:
            s1 = s1 + (1,)
        else:
            s2 = s2[:-1]
    return s1, s2


def _same_rank(a: jax.Array, b: jax.Array) -> tuple[jax.Array, jax.Array]:
    sa, sb = squeeze_or_expand_shapes(tuple(a.shape), tuple(b.shape))
    return a.reshape(sa), b.reshape(sb)


def _run(name: str, impl: Callable, y_true: Tensor, y_pred: Tensor, **attrs: Any) -> Tensor:
    return dispatch.run(impl, (y_true, y_pred), f"tf.keras.losses.{name}", **attrs)


def _check_axis(name: str, axis: Any) -> int:
    if not isinstance(axis, int):
        raise ValueError(f"tf.keras.losses.{name}: axis must be an int, got {axis!r}.")
    return axis


# -- JAX implementations (pure functions of arrays) -------------------------------------------
def _mse(t, p):
    t, p = _same_rank(t.astype(p.dtype), p)
    return jnp.mean(jnp.square(t - p), axis=-1)


def _mae(t, p):
    t, p = _same_rank(t.astype(p.dtype), p)
    return jnp.mean(jnp.abs(t - p), axis=-1)


def _mape(t, p):
    t, p = _same_rank(t.astype(p.dtype), p)
    diff = jnp.abs((t - p) / jnp.maximum(jnp.abs(t), jnp.asarray(EPSILON, p.dtype)))
    return 100.0 * jnp.mean(diff, axis=-1)


def _msle(t, p):
    t, p = _same_rank(t.astype(p.dtype), p)
    eps = jnp.asarray(EPSILON, p.dtype)
    first = jnp.log(jnp.maximum(p, eps) + 1.0)
    second = jnp.log(jnp.maximum(t, eps) + 1.0)
    return jnp.mean(jnp.square(first - second), axis=-1)


def _huber(t, p, delta):
    t, p = _same_rank(t.astype(p.dtype), p)
    delta = jnp.asarray(delta, p.dtype)
    err = p - t
    abs_err = jnp.abs(err)
    half = jnp.asarray(0.5, p.dtype)
    return jnp.mean(jnp.where(abs_err <= delta, half * jnp.square(err), delta * abs_err - half * jnp.square(delta)),
                    axis=-1)


def _log_cosh(t, p):
    t, p = _same_rank(t.astype(p.dtype), p)
    x = p - t
    return jnp.mean(x + jax.nn.softplus(-2.0 * x) - jnp.log(jnp.asarray(2.0, p.dtype)), axis=-1)


def _hinge_labels(t):
    binary = jnp.all((t == 0) | (t == 1))
    return jnp.where(binary, 2.0 * t - 1.0, t)


def _hinge(t, p):
    t = _hinge_labels(t.astype(p.dtype))
    return jnp.mean(jnp.maximum(1.0 - t * p, 0.0), axis=-1)


def _squared_hinge(t, p):
    t = _hinge_labels(t.astype(p.dtype))
    return jnp.mean(jnp.square(jnp.maximum(1.0 - t * p, 0.0)), axis=-1)


def _categorical_hinge(t, p):
    t = t.astype(p.dtype)
    pos = jnp.sum(t * p, axis=-1)
    neg = jnp.max((1.0 - t) * p, axis=-1)
    return jnp.maximum(neg - pos + 1.0, 0.0)


def _kld(t, p):
    t, p = _same_rank(t.astype(p.dtype), p)
    t = jnp.clip(t, EPSILON, 1.0)
    p = jnp.clip(p, EPSILON, 1.0)
    return jnp.sum(t * jnp.log(t / p), axis=-1)


def _poisson(t, p):
    t, p = _same_rank(t.astype(p.dtype), p)
    return jnp.mean(p - t * jnp.log(p + EPSILON), axis=-1)


def _l2_normalize(x, axis):
    sq = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
    return x * jax.lax.rsqrt(jnp.maximum(sq, jnp.asarray(1e-12, x.dtype)))


def _cosine(t, p, axis):
    t, p = _same_rank(t.astype(p.dtype), p)
    return -jnp.sum(_l2_normalize(t, axis) * _l2_normalize(p, axis), axis=axis)


def _categorical_ce(t, p, from_logits, label_smoothing, axis):
    t, p = _same_rank(t.astype(p.dtype), p)
    if label_smoothing:
        n = jnp.asarray(p.shape[axis], p.dtype)
        t = t * (1.0 - label_smoothing) + label_smoothing / n
    if from_logits:
        return -jnp.sum(t * jax.nn.log_softmax(p, axis=axis), axis=axis)
    p = p / jnp.sum(p, axis=axis, keepdims=True)
    p = jnp.clip(p, EPSILON, 1.0 - EPSILON)
    return -jnp.sum(t * jnp.log(p), axis=axis)


def _sparse_ce(t, p, from_logits, ignore_class):
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t[..., 0]
    labels = t.astype(jnp.int32)
    if not from_logits:
        p = jnp.log(jnp.clip(p, EPSILON, 1.0 - EPSILON))
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = jnp.where(valid, labels, 0)
    logp = jax.nn.log_softmax(p, axis=-1)
    res = -jnp.take_along_axis(logp, labels[..., None], axis=-1)[..., 0]
    if valid is not None:
        res = jnp.where(valid, res, 0.0)
    return res


def _binary_elementwise(t, p, from_logits):
    if from_logits:
        # sigmoid_cross_entropy_with_logits, in TF's numerically stable form
        return jnp.maximum(p, 0.0) - p * t + jnp.log1p(jnp.exp(-jnp.abs(p)))
    p = jnp.clip(p, EPSILON, 1.0 - EPSILON)
    return -(t * jnp.log(p) + (1.0 - t) * jnp.log(1.0 - p))


def _binary_ce(t, p, from_logits, label_smoothing, axis):
    t, p = _same_rank(t.astype(p.dtype), p)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return jnp.mean(_binary_elementwise(t, p, from_logits), axis=axis)


def _binary_focal(t, p, apply_class_balancing, alpha, gamma, from_logits, label_smoothing, axis):
    t, p = _same_rank(t.astype(p.dtype), p)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    bce = _binary_elementwise(t, p, from_logits)
    prob = jax.nn.sigmoid(p) if from_logits else p
    p_t = t * prob + (1.0 - t) * (1.0 - prob)
    focal = jnp.power(1.0 - p_t, gamma)
    loss = focal * bce
    if apply_class_balancing:
        loss = (t * alpha + (1.0 - t) * (1.0 - alpha)) * loss
    return jnp.mean(loss, axis=axis)


# -- public loss functions -------------------------------------------------------------------
def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.losses.mean_squared_error: ``mean(square(y_true - y_pred), axis=-1)``."""
    p = _float_pred(y_pred)
    return _run("mean_squared_error", _mse, _tensor(y_true, p.dtype), p)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.losses.mean_absolute_error: ``mean(abs(y_true - y_pred), axis=-1)``."""
    p = _float_pred(y_pred)
    return _run("mean_absolute_error", _mae, _tensor(y_true, p.dtype), p)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.losses.mean_absolute_percentage_error."""
    p = _float_pred(y_pred)
    return _run("mean_absolute_percentage_error", _mape, _tensor(y_true, p.dtype), p)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.losses.mean_squared_logarithmic_error."""
    p = _float_pred(y_pred)
    return _run("mean_squared_logarithmic_error", _msle, _tensor(y_true, p.dtype), p)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """tf.keras.losses.huber: quadratic for ``|error| <= delta``, linear beyond; mean over the last axis."""
    p = _float_pred(y_pred)
    return _run("huber", _huber, _tensor(y_true, p.dtype), p, delta=float(delta))


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.losses.log_cosh."""
    p = _float_pred(y_pred)
    return _run("log_cosh", _log_cosh, _tensor(y_true, p.dtype), p)


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.losses.hinge (0/1 labels are converted to -1/1)."""
    p = _float_pred(y_pred)
    return _run("hinge", _hinge, _tensor(y_true, p.dtype), p)


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.losses.squared_hinge (0/1 labels are converted to -1/1)."""
    p = _float_pred(y_pred)
    return _run("squared_hinge", _squared_hinge, _tensor(y_true, p.dtype), p)


def categorical_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.losses.categorical_hinge."""
    p = _float_pred(y_pred)
    return _run("categorical_hinge", _categorical_hinge, _tensor(y_true, p.dtype), p)


def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.losses.kl_divergence: ``sum(y_true * log(y_true / y_pred), axis=-1)`` with clipping."""
    p = _float_pred(y_pred)
    return _run("kl_divergence", _kld, _tensor(y_true, p.dtype), p)


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """tf.keras.losses.poisson."""
    p = _float_pred(y_pred)
    return _run("poisson", _poisson, _tensor(y_true, p.dtype), p)


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """tf.keras.losses.cosine_similarity: the negated cosine similarity along ``axis``."""
    p = _float_pred(y_pred)
    return _run("cosine_similarity", _cosine, _tensor(y_true, p.dtype), p, axis=_check_axis("cosine_similarity", axis))


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                             axis: int = -1) -> Tensor:
    """tf.keras.losses.categorical_crossentropy for one-hot ``y_true``."""
    p = _float_pred(y_pred)
    t = _tensor(y_true, p.dtype)
    if t.shape.rank is not None and p.shape.rank is not None and len(t.shape) != len(p.shape):
        raise ValueError(
            "tf.keras.losses.categorical_crossentropy: arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={t.shape}, output.shape={p.shape}; use sparse_categorical_crossentropy for "
            "integer labels."
        )
    return _run("categorical_crossentropy", _categorical_ce, t, p, from_logits=bool(from_logits),
                label_smoothing=float(label_smoothing), axis=_check_axis("categorical_crossentropy", axis))


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, ignore_class: Any = None,
                                    axis: int = -1) -> Tensor:
    """tf.keras.losses.sparse_categorical_crossentropy for integer labels ``y_true``."""
    p = _float_pred(y_pred)
    t = convert_to_tensor(y_true)
    if axis != -1 and axis != len(p.shape) - 1:
        raise ValueError(
            f"tf.keras.losses.sparse_categorical_crossentropy: only axis=-1 is supported, got axis={axis}."
        )
    ts = tuple(t.shape)
    if len(ts) == len(p.shape) and ts and ts[-1] == 1:
        ts = ts[:-1]
    if ts != tuple(p.shape)[:-1]:
        raise ValueError(
            "tf.keras.losses.sparse_categorical_crossentropy: arguments `target` and `output` must have the same "
            f"shape up until the last dimension: target.shape={t.shape}, output.shape={p.shape}."
        )
    ignore = None if ignore_class is None else int(ignore_class)
    _check_labels(t, p.shape[-1], ignore, "tf.keras.losses.sparse_categorical_crossentropy")
    return _run("sparse_categorical_crossentropy", _sparse_ce, t, p, from_logits=bool(from_logits),
                ignore_class=ignore)


def _check_labels(t: Tensor, n: Any, ignore: Any, fn: str) -> None:
    """TF's SparseSoftmaxCrossEntropyWithLogits kernel: every label in [0, n) (InvalidArgumentError), also
    inside tf.function and fit's compiled step (a runtime check there); ``ignore_class`` labels are exempt."""
    if n is None:
        return
    n = int(n)
    a = t.array
    if not checks.active() and isinstance(a, jax.core.Tracer):
        return
    lab = a.astype(jnp.int64) if isinstance(a, jax.core.Tracer) else np.asarray(a).astype(np.int64)
    xp = jnp if isinstance(a, jax.core.Tracer) else np
    ok = (lab >= 0) & (lab < n)
    if ignore is not None:
        ok = ok | (lab == ignore)
    if xp is np:
        if not ok.all():
            bad = lab[~ok].reshape(-1)[0]
            raise errors.InvalidArgumentError(
                None, None, f"{fn}: Received a label value of {bad} which is outside the valid range of [0, {n}). "
                            f"Label values: {' '.join(str(v) for v in lab.reshape(-1)[:20])}")
        return
    _, bad = checks.first_bad(ok, lab)
    checks.require(ok, errors.InvalidArgumentError,
                   f"{fn}: Received a label value of {{bad}} which is outside the valid range of [0, {n}).", bad=bad)


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> Tensor:
    """tf.keras.losses.binary_crossentropy, averaged over ``axis``."""
    p = _float_pred(y_pred)
    return _run("binary_crossentropy", _binary_ce, _tensor(y_true, p.dtype), p, from_logits=bool(from_logits),
                label_smoothing=float(label_smoothing), axis=_check_axis("binary_crossentropy", axis))


def binary_focal_crossentropy(y_true: Any, y_pred: Any, apply_class_balancing: bool = False, alpha: float = 0.25,
                              gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
                              axis: int = -1) -> Tensor:
    """tf.keras.losses.binary_focal_crossentropy."""
    p = _float_pred(y_pred)
    return _run("binary_focal_crossentropy", _binary_focal, _tensor(y_true, p.dtype), p,
                apply_class_balancing=bool(apply_class_balancing), alpha=float(alpha), gamma=float(gamma),
                from_logits=bool(from_logits), label_smoothing=float(label_smoothing), axis=int(axis))


# Keras' short aliases
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


# -- reductions -----------------------------------------------------------------------------
def standardize_reduction(reduction: Any) -> Any:
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {set(_REDUCTIONS)}. "
            f"Received: reduction={reduction}"
        )
    return reduction


def _reduce_impl(*arrays, reduction, has_sw, has_mask):
    values = arrays[0]
    sw = arrays[1].astype(values.dtype) if has_sw else None
    if has_mask:
        mask = arrays[-1].astype(bool)
        fmask = mask.astype(values.dtype)
        if reduction in ("mean", "sum_over_batch_size"):
            # valid entries weigh total/valid, so the mean runs over valid entries only (Keras' apply_mask)
            total = jnp.asarray(mask.size, values.dtype)
            valid = jnp.sum(fmask)
            fmask = jnp.where(mask, jnp.where(valid == 0, 0.0, total / jnp.where(valid == 0, 1, valid)), 0.0)
            fmask = fmask.astype(values.dtype)
        if sw is not None:
            sm, ss = squeeze_or_expand_shapes(tuple(fmask.shape), tuple(sw.shape))
            sw = sw.reshape(ss) * fmask.reshape(sm)
        else:
            sw = fmask
    if sw is not None:
        sv, ss = squeeze_or_expand_shapes(tuple(values.shape), tuple(sw.shape))
        values, sw = values.reshape(sv), sw.reshape(ss)
        values = values * sw
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    loss = jnp.sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sw is not None:
        d = jnp.sum(sw).astype(loss.dtype)
    else:
        d = jnp.asarray(values.size, loss.dtype)
    return jnp.where(d == 0, jnp.zeros_like(loss), loss / jnp.where(d == 0, 1, d))


def reduce_weighted_values(values: Tensor, sample_weight: Any = None, reduction: Any = "sum_over_batch_size",
                           dtype: Any = None, mask: Any = None) -> Tensor:
    """Keras' reduce_weighted_values: merge the mask into the sample weights, weight the losses, reduce."""
    values = _tensor(values, dtype)
    inputs = [values]
    if sample_weight is not None:
        inputs.append(_tensor(sample_weight, values.dtype))
    if mask is not None:
        inputs.append(convert_to_tensor(mask))
    return dispatch.run(_reduce_impl, tuple(inputs), "tf.keras.losses.Loss", reduction=reduction,
                        has_sw=sample_weight is not None, has_mask=mask is not None)


# -- Loss classes ----------------------------------------------------------------------------
class Loss:
    """tf.keras.losses.Loss: subclass and implement ``call(y_true, y_pred)``; ``__call__`` applies sample
    weights and the reduction (Keras 3 semantics: default ``"sum_over_batch_size"``)."""

    def __init__(self, name: str | None = None, reduction: Any = "sum_over_batch_size", dtype: Any = None):
        self.name = name or _snake(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = dtype

    @property
    def dtype(self) -> str:
        from ..core import dtypes as _dt

        return _dt.as_dtype(self._dtype).name if self._dtype is not None else "float32"

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        dt = self.dtype
        y_pred = _tensor(y_pred, dt)
        y_true = _tensor(y_true, dt)
        losses = self.call(y_true, y_pred)
        return reduce_weighted_values(losses, sample_weight, self.reduction, dt, self._loss_mask(y_true, y_pred))

    def _loss_mask(self, y_true: Tensor, y_pred: Tensor) -> Any:
        return None

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        return cls(**config)


class LossFunctionWrapper(Loss):
    """tf.keras.losses.LossFunctionWrapper: a Loss from a function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn: Callable, reduction: Any = "sum_over_batch_size", name: str | None = None,
                 dtype: Any = None, **kwargs: Any):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update(self._fn_kwargs)
        return cfg

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"


def _wrapper(cls_name: str, fn: Callable, default_name: str, params: tuple = (), doc: str = "") -> type:
    names = [p[0] for p in params]
    defaults = dict(params)

    def __init__(self, *args: Any, reduction: Any = "sum_over_batch_size", name: str | None = default_name,
                 dtype: Any = None, **kwargs: Any):
        if len(args) > len(names):
            raise TypeError(f"{cls_name}() takes at most {len(names)} positional arguments")
        kw = dict(defaults)
        kw.update(zip(names, args))
        for k, v in kwargs.items():
            if k not in defaults:
                raise TypeError(f"{cls_name}() got an unexpected keyword argument '{k}'")
            kw[k] = v
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, dtype=dtype, **kw)

    def get_config(self) -> dict:
        cfg = {"name": self.name, "reduction": self.reduction}
        cfg.update(self._fn_kwargs)
        return cfg

    def __repr__(self) -> str:
        return f"<{cls_name} name={self.name} reduction={self.reduction}>"

    return type(cls_name, (LossFunctionWrapper,), {
        "__init__": __init__, "get_config": get_config, "__repr__": __repr__,
        "__doc__": f"tf.keras.losses.{cls_name}{doc}", "__module__": __name__,
    })


MeanSquaredError = _wrapper("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _wrapper("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error")
MeanAbsolutePercentageError = _wrapper("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                       "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _wrapper("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                       "mean_squared_logarithmic_error")
Huber = _wrapper("Huber", huber, "huber_loss", (("delta", 1.0),))
LogCosh = _wrapper("LogCosh", log_cosh, "log_cosh")
Hinge = _wrapper("Hinge", hinge, "hinge")
SquaredHinge = _wrapper("SquaredHinge", squared_hinge, "squared_hinge")
CategoricalHinge = _wrapper("CategoricalHinge", categorical_hinge, "categorical_hinge")
KLDivergence = _wrapper("KLDivergence", kl_divergence, "kl_divergence")
Poisson = _wrapper("Poisson", poisson, "poisson")
CosineSimilarity = _wrapper("CosineSimilarity", cosine_similarity, "cosine_similarity", (("axis", -1),))
BinaryCrossentropy = _wrapper("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
                              (("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)))
BinaryFocalCrossentropy = _wrapper(
    "BinaryFocalCrossentropy", binary_focal_crossentropy, "binary_focal_crossentropy",
    (("apply_class_balancing", False), ("alpha", 0.25), ("gamma", 2.0), ("from_logits", False),
     ("label_smoothing", 0.0), ("axis", -1)))
CategoricalCrossentropy = _wrapper("CategoricalCrossentropy", categorical_crossentropy, "categorical_crossentropy",
                                   (("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)))
_SparseCE = _wrapper(
    "SparseCategoricalCrossentropy", sparse_categorical_crossentropy, "sparse_categorical_crossentropy",
    (("from_logits", False), ("ignore_class", None)))


def _ignore_mask(t, p, ignore_class):
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t[..., 0]
    return t != ignore_class


class SparseCategoricalCrossentropy(_SparseCE):
    __doc__ = _SparseCE.__doc__ + " With ``ignore_class``, the mean runs over the other labels only."

    def _loss_mask(self, y_true: Tensor, y_pred: Tensor) -> Any:
        ic = self._fn_kwargs.get("ignore_class")
        if ic is None:
            return None
        return dispatch.run(_ignore_mask, (y_true, y_pred), "tf.keras.losses.SparseCategoricalCrossentropy",
                            ignore_class=float(ic))


def _snake(name: str) -> str:
    import re

    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


_BY_NAME = {
    name: obj for name, obj in globals().items()
    if callable(obj) and not name.startswith("_") and (
        getattr(obj, "__module__", None) == __name__)
}


_LOOKUP = Lookup("loss", "keras.losses", Loss, _BY_NAME)


def get(identifier: Any) -> Any:
    """tf.keras.losses.get: a loss function or Loss instance from a name, config dict or callable."""
    return _LOOKUP.get(identifier)


def serialize(loss: Any) -> Any:
    """tf.keras.losses.serialize: a config dict (classes) or the name (functions)."""
    return _LOOKUP.serialize(loss)


def deserialize(config: Any, custom_objects: Any = None) -> Any:
    """tf.keras.losses.deserialize."""
    return _LOOKUP.deserialize(config, custom_objects)


class Reduction:
    """tf.keras.losses.Reduction (legacy constants; Keras 3 losses take these strings)."""

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls) -> tuple:
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key: Any) -> None:
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"')
