"""tf.keras.optimizers on JAX (and optax): Keras 3's update rules as pure jitted functions.

Each optimizer keeps Keras' state objects — ``iterations`` (int64 Variable), ``learning_rate`` (a
float32 Variable, or a schedule), and slot Variables (e.g. Adam's ``momentum``/``velocity``) created
on the first ``apply_gradients`` for the variables given then (``build``). ``apply_gradients`` runs
ONE jitted pure function ``(params, grads, slots, lr, iterations) -> (params, slots, iterations)``
for all variables (compiled once per set of shapes) and writes the results back into the Variables,
so it is fast eagerly and traces cleanly inside ``fit``'s jitted training step.

The update formulas are Keras 3's, not optax's, where they differ (Adam applies epsilon after the
bias correction of the step size, ``lr*sqrt(1-b2^t)/(1-b1^t) * m/(sqrt(v)+eps)``; Keras' SGD momentum
accumulates ``-lr*g``), so the numbers match tf.keras. ``OptaxOptimizer`` wraps any optax
``GradientTransformation`` with the same Variable-backed state (a tfshim extension).
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ..core import errors
from ..core import state as _state
from ..core.convert import convert_to_tensor
from ..core.dispatch import run
from ..core.tensor import Tensor, wrap
from ..core.variable import Variable
from .backend import unique_name
from .schedules import LearningRateSchedule


def _auto_name(base: str) -> str:
    """Keras' auto_name: ``base``, then ``base_1``, ``base_2``, ... (Keras' per-thread name counters)."""
    return unique_name(base)


def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def _var_path(v: Any) -> str:
    path = getattr(v, "path", None)
    if not isinstance(path, str):
        path = v.name
    return path.replace("/", "_").replace(":", "_")


def _raw_assign(var: Variable, value: jax.Array) -> None:
    """Write a computed jax array into a Variable (the fast path of ``assign``)."""
    var.write_array(value)


def _clip_by_norm(g: jax.Array, clip: float) -> jax.Array:
    # tf.clip_by_norm, as Keras' TF backend uses for clipnorm
    l2sum = jnp.sum(g * g)
    pred = l2sum > 0
    l2norm = jnp.where(pred, jnp.sqrt(jnp.where(pred, l2sum, 1.0)), l2sum)
    c = jnp.asarray(clip, g.dtype)
    return g * c / jnp.maximum(l2norm, c)


def _clip_by_global_norm(grads: list, clip: float) -> list:
    use_norm = jnp.sqrt(sum(jnp.sum(jnp.square(g)).astype(jnp.float32) for g in grads))
    scale = clip * jnp.minimum(1.0 / use_norm, 1.0 / clip)
    scale = scale + (use_norm - use_norm)  # NaN for a non-finite norm, as Keras
    return [g * scale.astype(g.dtype) for g in grads]


def _densify(g: Any) -> Tensor:
    vals = convert_to_tensor(g.values).array
    idx = convert_to_tensor(g.indices).array
    shape = tuple(int(x) for x in np.asarray(convert_to_tensor(g.dense_shape).array))
    return wrap(jnp.zeros(shape, vals.dtype).at[idx].add(vals))


class Optimizer:
    """tf.keras.optimizers.Optimizer: the base class (Keras 3 arguments).

    Subclasses define ``_slot_names`` (per-variable state), optionally ``_slot_init(name, value)``,
    and the pure per-variable rule ``_update(p, g, slots: dict, lr, step) -> (new_p, new_slots)``.
    Differences from Keras: ``use_ema``, ``loss_scale_factor`` and ``gradient_accumulation_steps`` are
    not supported; ``minimize`` (Keras 2 API) is provided as an extension.
    """

    _slot_names: tuple = ()
    #: Optimizer-wide state Variables (Nadam's ``u_product``), updated once per step by ``_step_globals``.
    _global_names: tuple = ()

    def __init__(self, learning_rate: Any, weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None,
                 global_clipnorm: Any = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: Any = None, loss_scale_factor: Any = None,
                 gradient_accumulation_steps: Any = None, name: str | None = None, **kwargs: Any):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.", stacklevel=2)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if use_ema or gradient_accumulation_steps or loss_scale_factor:
            raise NotImplementedError(
                f"tfshim: {type(self).__name__}(use_ema / gradient_accumulation_steps / loss_scale_factor) is not "
                "supported yet."
            )
        if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        self.name = name if name is not None else _auto_name(_snake(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._iterations = self._make_var(np.int64(0), "iteration")
        if isinstance(learning_rate, LearningRateSchedule) or (
                callable(learning_rate) and not isinstance(learning_rate, (Tensor, Variable))):
            self._learning_rate = learning_rate
        else:
            try:
                lr = float(np.asarray(learning_rate))
            except (TypeError, ValueError):
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, or a callable "
                    f"(that takes in the current iteration value and returns the corresponding learning rate "
                    f"value). Received instead: learning_rate={learning_rate}"
                ) from None
            self._learning_rate = self._make_var(np.float32(lr), "learning_rate")
        self._trainable_variables: list = []
        self._globals: list = []  # one Variable per _global_names, created by build
        self._slots: list = []  # per trainable variable: the list of its slot Variables (in _slot_names order)
        self._index: dict = {}
        self._exclude_ids: set = set()
        self._exclude_pattern: Any = None
        self._jit_apply = jax.jit(self._apply_pure, static_argnames=("wd_mask",))

    # -- state ------------------------------------------------------------------------------
    def _make_var(self, value: Any, name: str) -> Variable:
        """A non-trainable state Variable named as Keras names it (``name``; ``path`` = ``optimizer/name``)."""
        v = Variable(value, trainable=False)
        v._name = f"{name}:0"
        v.path = f"{self.name}/{name}"
        return v

    @property
    def iterations(self) -> Variable:
        """The step counter (an int64 Variable), incremented by every ``apply_gradients``."""
        return self._iterations

    @property
    def variables(self) -> list:
        """[iterations, learning_rate (if a Variable), then every slot variable]."""
        out = [self._iterations]
        if isinstance(self._learning_rate, Variable):
            out.append(self._learning_rate)
        # Keras' order: slot groups in turn; inside a group, per variable, the group's slots
        names = list(self._slot_names)
        for group in self._slot_groups():
            cols = [names.index(n) for n in group]
            for slots in self._slots:
                out.extend(slots[c] for c in cols)
        return out + list(self._globals)

    def _slot_groups(self) -> tuple:
        """How Keras creates the slots (which fixes the order of ``variables``): groups of slot names."""
        return (tuple(self._slot_names),)

    @property
    def learning_rate(self) -> Any:
        """The current learning rate: the Variable, or the schedule evaluated at ``iterations``."""
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            return lr(self._iterations)
        if isinstance(lr, Variable):
            return lr
        if callable(lr):
            return lr()
        return lr

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        if isinstance(value, LearningRateSchedule) or (callable(value) and not isinstance(value, (Tensor, Variable))):
            self._learning_rate = value
            return
        if not isinstance(self._learning_rate, Variable):
            if isinstance(self._learning_rate, LearningRateSchedule):
                raise TypeError(
                    "This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
                    "constructor argument, hence its learning rate is not settable. If you need the learning rate "
                    "to be settable, you should instantiate the optimizer with a float `learning_rate` argument."
                )
            self._learning_rate = self._make_var(np.float32(0.0), "learning_rate")
        self._learning_rate.assign(np.float32(np.asarray(value)) if not isinstance(value, (Tensor, Variable))
                                   else value)

    lr = learning_rate

    def _slot_init(self, slot: str, value: jax.Array) -> Any:
        return jnp.zeros_like(value)

    def build(self, var_list: list) -> None:
        """Create the slot variables for ``var_list`` (Keras: called by the first ``apply_gradients``)."""
        for v in var_list:
            key = id(v)
            if key in self._index:
                continue
            slots = []
            for s in self._slot_names:
                init = self._slot_init(s, v.array)
                slots.append(self._make_var(wrap(jnp.asarray(init)), self._slot_var_name(v, s)))
            # registered only once every slot exists (creation may be interrupted, e.g. inside tf.function)
            self._index[key] = len(self._trainable_variables)
            self._trainable_variables.append(v)
            self._slots.append(slots)
        if self._global_names and not self._globals and var_list:
            dtype = var_list[0].array.dtype
            self._globals = [self._make_var(wrap(jnp.asarray(self._global_init(n), dtype)), _auto_name("variable"))
                             for n in self._global_names]  # Keras names it as a plain backend.Variable
        self.built = True

    def _slot_var_name(self, v: Any, slot: str) -> str:
        """Keras' name for the slot variable: ``<variable path>_<slot>``."""
        return f"{_var_path(v)}_{slot}"

    def _global_init(self, name: str) -> Any:
        return 0.0

    def _step_globals(self, glob: dict, iterations: jax.Array) -> dict:
        """The optimizer-wide state after this step (read by every variable's ``_update`` in ``slots``)."""
        return glob

    def exclude_from_weight_decay(self, var_list: Any = None, var_names: Any = None) -> None:
        """Exclude variables (or names matching any of ``var_names``) from weight decay; call before building."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the optimizer is built.")
        self._exclude_ids = {id(v) for v in (var_list or [])}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, v: Any) -> bool:
        if id(v) in self._exclude_ids:
            return False
        return not (self._exclude_pattern is not None and self._exclude_pattern.search(v.name))

    # -- the pure update ----------------------------------------------------------------------
    def _update(self, p: jax.Array, g: jax.Array, slots: dict, lr: jax.Array, step: jax.Array) -> tuple:
        raise NotImplementedError

    def _lr_value(self, iterations: jax.Array, lr: Any) -> jax.Array:
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate._jax(iterations)
        return lr

    def _apply_pure(self, params: list, grads: list, slots: list, lr: Any, iterations: jax.Array,
                    glob: list, wd_mask: tuple) -> tuple:
        lr = self._lr_value(iterations, lr)
        new_glob = self._step_globals(dict(zip(self._global_names, glob)), iterations)
        grads = [g.astype(p.dtype) for g, p in zip(grads, params)]
        if self.clipnorm and self.clipnorm > 0:
            grads = [_clip_by_norm(g, self.clipnorm) for g in grads]
        elif self.global_clipnorm and self.global_clipnorm > 0:
            grads = _clip_by_global_norm(grads, self.global_clipnorm)
        elif self.clipvalue and self.clipvalue > 0:
            grads, _ = optax.clip(self.clipvalue).update(grads, optax.EmptyState())
        new_params, new_slots = [], []
        for p, g, s, wd in zip(params, grads, slots, wd_mask):
            lr_p = jnp.asarray(lr).astype(p.dtype)
            if wd:
                p = p - p * jnp.asarray(self.weight_decay, p.dtype) * lr_p
            step = (iterations + 1).astype(p.dtype)
            p2, s2 = self._update(p, g, {**new_glob, **dict(zip(self._slot_names, s))}, lr_p, step)
            new_params.append(p2.astype(p.dtype))
            new_slots.append([s2[n] for n in self._slot_names])
        return new_params, new_slots, iterations + 1, [new_glob[n] for n in self._global_names]

    # -- public API ----------------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Any) -> Variable:
        """Optimizer.apply_gradients(zip(grads, vars)): one update step; returns ``iterations``.

        ``None`` gradients are skipped with Keras' warning (all ``None`` raises ValueError)."""
        pairs = list(grads_and_vars)
        grads = [g for g, _ in pairs]
        tvars = [v for _, v in pairs]
        return self.apply(grads, tvars)

    def apply(self, grads: list, trainable_variables: Any = None) -> Variable:
        """Optimizer.apply(grads, trainable_variables): as ``apply_gradients`` with separate lists."""
        grads = list(grads)
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on a list of "
                    "variables. Call `optimizer.build(trainable_variables)` first. "
                )
            trainable_variables = self._trainable_variables
        tvars = list(trainable_variables)
        for v in tvars:
            if not getattr(v, "_tfshim_variable", False):
                # Keras 3 reads the variable's _unique_id first: AttributeError for a Tensor, array or number.
                raise AttributeError(
                    f"Optimizer.apply_gradients: '{type(v).__name__}' object is not a tf.Variable (no attribute "
                    f"'_unique_id'); an optimizer can only update Variables, got {v!r:.80}."
                )
        if not self.built:
            self.build(tvars)
        for v in tvars:
            if id(v) not in self._index:
                raise ValueError(
                    f"Unknown variable: {v}. This optimizer can only be called for the variables it was originally "
                    "built with. When working with a new set of variables, you should recreate a new optimizer "
                    "instance."
                )
        missing = [v for g, v in zip(grads, tvars) if g is None]
        kept = [(g, v) for g, v in zip(grads, tvars) if g is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {[v.name for v in missing]} when minimizing the loss. If "
                "using `model.compile()`, did you forget to provide a `loss` argument?", stacklevel=2
            )
        if _state.scopes:  # in a traced step: read all state first, so a variable not yet lifted is lifted
            for _, v in kept:  # (LiftVariable, then a retrace) before any variable is written
                for x in (v, *self._slots[self._index[id(v)]]):
                    x.array  # noqa: B018 - the read is the point
            for x in (self._iterations, self._learning_rate, *self._globals):
                if isinstance(x, Variable):
                    x.array  # noqa: B018
        params, gvals, slots, idx = [], [], [], []
        for g, v in kept:
            if hasattr(g, "values") and hasattr(g, "indices") and hasattr(g, "dense_shape"):
                g = _densify(g)  # IndexedSlices (e.g. from an embedding lookup)
            gt = g if isinstance(g, Tensor) else convert_to_tensor(g)
            if tuple(gt.shape) != tuple(v.shape):  # validate every pair before any variable changes
                raise errors.InvalidArgumentError(
                    None, None, f"Optimizer.apply_gradients: cannot update variable {v.name} with shape "
                    f"{list(v.shape)} using a gradient with shape {list(gt.shape)}, shapes must be equal.")
            i = self._index[id(v)]
            idx.append(i)
            params.append(v.array)
            gvals.append(gt.array)
            slots.append([s.array for s in self._slots[i]])
        if _state.replica:  # inside strategy.run: sum the replicas' gradients (Keras under tf.distribute)
            gvals = _state.replica[-1].aggregate_gradients(gvals)
        lr = self._learning_rate
        if isinstance(lr, Variable):
            lr_val = lr.array
        elif isinstance(lr, LearningRateSchedule):
            lr_val = None
        else:
            lr_val = jnp.asarray(np.float32(np.asarray(lr() if callable(lr) else lr)))
        # A variable listed twice gets both updates, one after the other (as Keras' per-pair update_step):
        # each round updates every variable at most once, from the previous round's values.
        rounds: list = []
        seen: dict = {}
        for j, i in enumerate(idx):
            r = seen.get(i, -1) + 1
            seen[i] = r
            if r == len(rounds):
                rounds.append([])
            rounds[r].append(j)
        new_it = None
        for members in rounds:
            sel = [kept[j] for j in members]
            if len(rounds) > 1:
                p_in = [sel_v.array for _, sel_v in sel]
                s_in = [[x.array for x in self._slots[idx[j]]] for j in members]
                g_in = [gvals[j] for j in members]
            else:
                p_in, s_in, g_in = params, slots, gvals
            wd_mask = tuple(bool(self.weight_decay) and self._use_weight_decay(v) for _, v in sel)
            new_p, new_s, new_it, new_g = self._jit_apply(p_in, g_in, s_in, lr_val, self._iterations.array,
                                                          [x.array for x in self._globals], wd_mask=wd_mask)
            for j, p, s in zip(members, new_p, new_s):
                v, i = kept[j][1], idx[j]
                _raw_assign(v, p)
                for sv, x in zip(self._slots[i], s):
                    _raw_assign(sv, x)
                if getattr(v, "constraint", None) is not None:
                    v.assign(v.constraint(v))
            for gv, x in zip(self._globals, new_g):
                _raw_assign(gv, x)
        _raw_assign(self._iterations, new_it)
        return self._iterations

    def scale_loss(self, loss: Any) -> Any:
        """Optimizer.scale_loss(loss): the loss to differentiate (unchanged here; LossScaleOptimizer multiplies it
        by its dynamic scale)."""
        return loss

    def minimize(self, loss: Any, var_list: Any, tape: Any = None) -> Variable:
        """Keras 2's Optimizer.minimize(loss, var_list, tape=None) (an extension: Keras 3 removed it).

        ``loss`` is a callable (or a Tensor computed under ``tape``); ``var_list`` a list or a callable."""
        from ..autodiff.tape import GradientTape

        if not callable(loss) and tape is None:
            raise ValueError("`tape` is required when a `Tensor` loss is passed. Received: loss={loss}, tape=None.")
        if callable(loss):
            tape = tape if tape is not None else GradientTape()
            with tape:
                if callable(var_list):
                    var_list = var_list()
                else:
                    tape.watch(var_list)
                loss = loss()
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    def get_config(self) -> dict:
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            from .schedules import serialize

            lr_cfg: Any = serialize(lr)
        elif isinstance(lr, Variable):
            lr_cfg = float(lr.numpy())
        else:
            lr_cfg = lr
        return {"name": self.name, "learning_rate": lr_cfg, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency, "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None) -> Optimizer:
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from .schedules import deserialize

            config["learning_rate"] = deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def get_weights(self) -> list:
        return [v.numpy() for v in self.variables]

    def set_weights(self, weights: list) -> None:
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet been built. Please "
                             "call `optimizer.build(trainable_variables)` to create the optimizer weights before "
                             "calling `set_weights()`.")
        for v, w in zip(self.variables, weights):
            v.assign(w)

    def __repr__(self) -> str:
        return f"<keras.src.optimizers.{_snake(type(self).__name__)}.{type(self).__name__} name={self.name}>"


# -- Keras 3 update rules --------------------------------------------------------------------------
class SGD(Optimizer):
    """tf.keras.optimizers.SGD: ``m = momentum*m - lr*g; p += m`` (Nesterov: ``p += momentum*m - lr*g``)."""

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None,
                 name: str | None = None, **kwargs: Any):
        if not isinstance(momentum, float) or momentum < 0 or momentum > 1:
            if not (isinstance(momentum, int) and 0 <= momentum <= 1):
                raise ValueError("`momentum` must be a float between [0, 1].")
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.momentum = momentum
        self.nesterov = nesterov
        self._slot_names = ("momentum",) if momentum != 0 else ()

    def _update(self, p, g, slots, lr, step):
        if not self._slot_names:
            return p - g * lr, {}
        mom = jnp.asarray(self.momentum, p.dtype)
        m = slots["momentum"] * mom - g * lr
        p = p + (m * mom - g * lr) if self.nesterov else p + m
        return p, {"momentum": m}

    def get_config(self) -> dict:
        c = super().get_config()
        c.update(momentum=self.momentum, nesterov=self.nesterov)
        return c


class Adam(Optimizer):
    """tf.keras.optimizers.Adam (Keras 3 formula: epsilon added to ``sqrt(v)`` after the step-size bias correction)."""

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None,
                 global_clipnorm: Any = None, name: str | None = None, **kwargs: Any):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad
        self._slot_names = ("momentum", "velocity", "velocity_hat") if amsgrad else ("momentum", "velocity")

    def _update(self, p, g, slots, lr, step):
        b1, b2 = jnp.asarray(self.beta_1, p.dtype), jnp.asarray(self.beta_2, p.dtype)
        alpha = lr * jnp.sqrt(1 - jnp.power(b2, step)) / (1 - jnp.power(b1, step))
        m = slots["momentum"] + (g - slots["momentum"]) * (1 - self.beta_1)
        v = slots["velocity"] + (jnp.square(g) - slots["velocity"]) * (1 - self.beta_2)
        out = {"momentum": m, "velocity": v}
        if self.amsgrad:
            v = jnp.maximum(slots["velocity_hat"], v)
            out["velocity_hat"] = v
        return p - (m * alpha) / (jnp.sqrt(v) + self.epsilon), out

    def _slot_groups(self) -> tuple:
        return (("momentum", "velocity"), ("velocity_hat",)) if self.amsgrad else (("momentum", "velocity"),)

    def get_config(self) -> dict:
        c = super().get_config()
        c.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon, amsgrad=self.amsgrad)
        return c


class AdamW(Adam):
    """tf.keras.optimizers.AdamW: Adam with decoupled weight decay (``p -= p*weight_decay*lr`` first)."""

    def __init__(self, learning_rate: Any = 0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False, clipnorm: Any = None,
                 clipvalue: Any = None, global_clipnorm: Any = None, name: str | None = None, **kwargs: Any):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
        Optimizer.__init__(self, learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                           global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad
        self._slot_names = ("momentum", "velocity", "velocity_hat") if amsgrad else ("momentum", "velocity")


class RMSprop(Optimizer):
    """tf.keras.optimizers.RMSprop: ``v = rho*v + (1-rho)*g^2; p -= lr*g/sqrt(v + eps)`` (+ momentum, centered)."""

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
                 centered: bool = False, weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None,
                 global_clipnorm: Any = None, name: str | None = None, **kwargs: Any):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered
        names = ["velocity"]
        if momentum > 0:
            names.append("momentum")
        if centered:
            names.append("average_gradient")
        self._slot_names = tuple(names)

    def _slot_groups(self) -> tuple:
        return tuple((n,) for n in self._slot_names)

    def _update(self, p, g, slots, lr, step):
        rho = self.rho
        v = rho * slots["velocity"] + (1 - rho) * jnp.square(g)
        out = {"velocity": v}
        if self.centered:
            a = rho * slots["average_gradient"] + (1 - rho) * g
            out["average_gradient"] = a
            denom = v - jnp.square(a) + self.epsilon
        else:
            denom = v + self.epsilon
        inc = (lr * g) / jnp.sqrt(denom)
        if self.momentum > 0:
            m = self.momentum * slots["momentum"] + inc
            out["momentum"] = m
            return p - m, out
        return p - inc, out

    def get_config(self) -> dict:
        c = super().get_config()
        c.update(rho=self.rho, momentum=self.momentum, epsilon=self.epsilon, centered=self.centered)
        return c


class Adagrad(Optimizer):
    """tf.keras.optimizers.Adagrad: ``acc += g^2; p -= lr*g/sqrt(acc + eps)``."""

    _slot_names = ("accumulator",)

    def __init__(self, learning_rate: Any = 0.001, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7,
                 weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _slot_init(self, slot, value):
        return jnp.full_like(value, self.initial_accumulator_value)

    def _update(self, p, g, slots, lr, step):
        acc = slots["accumulator"] + jnp.square(g)
        return p - (lr * g) / jnp.sqrt(acc + self.epsilon), {"accumulator": acc}

    def get_config(self) -> dict:
        c = super().get_config()
        c.update(initial_accumulator_value=self.initial_accumulator_value, epsilon=self.epsilon)
        return c


class Adadelta(Optimizer):
    """tf.keras.optimizers.Adadelta."""

    _slot_names = ("accumulated_grad", "accumulated_delta_var")

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.95, epsilon: float = 1e-7, weight_decay: Any = None,
                 clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None, name: str | None = None,
                 **kwargs: Any):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def _update(self, p, g, slots, lr, step):
        rho = self.rho

        def rms(x):
            return jnp.sqrt(x + self.epsilon)

        ag = rho * slots["accumulated_grad"] + (1 - rho) * jnp.square(g)
        delta = -(rms(slots["accumulated_delta_var"]) * g) / rms(ag)
        ad = rho * slots["accumulated_delta_var"] + (1 - rho) * jnp.square(delta)
        return p + lr * delta, {"accumulated_grad": ag, "accumulated_delta_var": ad}

    def get_config(self) -> dict:
        c = super().get_config()
        c.update(rho=self.rho, epsilon=self.epsilon)
        return c


class Adamax(Optimizer):
    """tf.keras.optimizers.Adamax."""

    _slot_names = ("momentum", "norm")

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def _update(self, p, g, slots, lr, step):
        b1p = jnp.power(jnp.asarray(self.beta_1, p.dtype), step)
        m = slots["momentum"] + (g - slots["momentum"]) * (1 - self.beta_1)
        u = jnp.maximum(self.beta_2 * slots["norm"], jnp.abs(g))
        return p - (lr * m) / ((1 - b1p) * (u + self.epsilon)), {"momentum": m, "norm": u}

    def get_config(self) -> dict:
        c = super().get_config()
        c.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return c


class Nadam(Optimizer):
    """tf.keras.optimizers.Nadam: Adam with Nesterov momentum and Keras' momentum schedule
    ``u_t = beta_1 * (1 - 0.5 * 0.96**t)`` (the running product ``u_product`` is an optimizer variable)."""

    _slot_names = ("momentum", "velocity")
    _global_names = ("u_product",)

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def _global_init(self, name):
        return 1.0

    def _step_globals(self, glob, iterations):
        u = glob["u_product"]
        t = (iterations + 1).astype(u.dtype)
        return {"u_product": u * self.beta_1 * (1.0 - 0.5 * jnp.power(jnp.asarray(0.96, u.dtype), t))}

    def _update(self, p, g, slots, lr, step):
        dt = p.dtype
        b1, b2, decay = (jnp.asarray(x, dt) for x in (self.beta_1, self.beta_2, 0.96))
        u_now = b1 * (1.0 - 0.5 * jnp.power(decay, step))
        u_next = b1 * (1.0 - 0.5 * jnp.power(decay, step + 1))
        prod = slots["u_product"].astype(dt)
        m = slots["momentum"] + (g - slots["momentum"]) * (1 - b1)
        v = slots["velocity"] + (jnp.square(g) - slots["velocity"]) * (1 - b2)
        m_hat = u_next * m / (1 - prod * u_next) + (1 - u_now) * g / (1 - prod)
        v_hat = v / (1 - jnp.power(b2, step))
        return p - m_hat * lr / (jnp.sqrt(v_hat) + self.epsilon), {"momentum": m, "velocity": v}

    def get_config(self) -> dict:
        c = super().get_config()
        c.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return c


class Ftrl(Optimizer):
    """tf.keras.optimizers.Ftrl: Follow The Regularized Leader (Keras 3's formulation, with L1, L2, L2-shrinkage
    and ``beta``)."""

    _slot_names = ("accumulator", "linear")

    def __init__(self, learning_rate: Any = 0.001, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, l2_shrinkage_regularization_strength: float = 0.0,
                 beta: float = 0.0, weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None,
                 global_clipnorm: Any = None, name: str | None = None, **kwargs: Any):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, name=name, **kwargs)
        for arg, val in (("initial_accumulator_value", initial_accumulator_value),
                         ("l1_regularization_strength", l1_regularization_strength),
                         ("l2_regularization_strength", l2_regularization_strength),
                         ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength)):
            if val < 0.0:
                raise ValueError(f"Ftrl: `{arg}` needs to be positive or zero. Received: {arg}={val}.")
        if learning_rate_power > 0.0:
            raise ValueError("Ftrl: `learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _slot_init(self, slot, value):
        if slot == "accumulator":
            return jnp.full_like(value, self.initial_accumulator_value)
        return jnp.zeros_like(value)

    def _update(self, p, g, slots, lr, step):
        power = self.learning_rate_power
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        acc = slots["accumulator"]
        new_acc = acc + jnp.square(g)
        g_shrunk = g + 2 * self.l2_shrinkage_regularization_strength * p
        linear = slots["linear"] + g_shrunk - (jnp.power(new_acc, -power) - jnp.power(acc, -power)) / lr * p
        quadratic = jnp.power(new_acc, -power) / lr + 2 * l2
        l1 = self.l1_regularization_strength
        new_p = (jnp.clip(linear, -l1, l1) - linear) / quadratic
        return new_p, {"accumulator": new_acc, "linear": linear}

    def get_config(self) -> dict:
        c = super().get_config()
        c.update(learning_rate_power=self.learning_rate_power,
                 initial_accumulator_value=self.initial_accumulator_value,
                 l1_regularization_strength=self.l1_regularization_strength,
                 l2_regularization_strength=self.l2_regularization_strength,
                 l2_shrinkage_regularization_strength=self.l2_shrinkage_regularization_strength, beta=self.beta)
        return c


class Lion(Optimizer):
    """tf.keras.optimizers.Lion: ``p -= lr * sign(beta_1*m + (1-beta_1)*g); m = beta_2*m + (1-beta_2)*g``."""

    _slot_names = ("momentum",)

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.99, weight_decay: Any = None,
                 clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None, name: str | None = None,
                 **kwargs: Any):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, name=name, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Lion: argument `beta_1` must be in the [0, 1] range (otherwise the optimizer "
                             f"degenerates to SignSGD). Received: beta_1={beta_1}.")
        self.beta_1, self.beta_2 = beta_1, beta_2

    def _update(self, p, g, slots, lr, step):
        b1, b2 = jnp.asarray(self.beta_1, p.dtype), jnp.asarray(self.beta_2, p.dtype)
        m = slots["momentum"]
        new_p = p - lr * jnp.sign(m * b1 + g * (1.0 - b1))
        return new_p, {"momentum": m * b2 + g * (1.0 - b2)}

    def get_config(self) -> dict:
        c = super().get_config()
        c.update(beta_1=self.beta_1, beta_2=self.beta_2)
        return c


class Adafactor(Optimizer):
    """tf.keras.optimizers.Adafactor: factored second moments (row ``r`` and column ``c`` statistics of the last
    two dimensions; variables of rank < 2 keep a full ``velocity`` and scalar placeholders for ``r``/``c``)."""

    _slot_names = ("r", "c", "velocity")

    def __init__(self, learning_rate: Any = 0.001, beta_2_decay: float = -0.8, epsilon_1: float = 1e-30,
                 epsilon_2: float = 1e-3, clip_threshold: float = 1.0, relative_step: bool = True,
                 weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_2_decay, self.epsilon_1, self.epsilon_2 = beta_2_decay, epsilon_1, epsilon_2
        self.clip_threshold, self.relative_step = clip_threshold, relative_step

    def _slot_init(self, slot, value):
        if slot == "velocity":
            return jnp.zeros_like(value)
        if value.ndim < 2:  # Keras keeps int32 scalar placeholders
            return jnp.zeros((), jnp.int32)
        shape = value.shape[:-1] if slot == "r" else value.shape[:-2] + value.shape[-1:]
        return jnp.zeros(shape, value.dtype)

    def _slot_var_name(self, v, slot):
        return _var_path(v) + "_velocity" if slot == "velocity" else v.name.split(":")[0]  # r, c: the variable's

    def _update(self, p, g, slots, lr, step):
        def rms(x):
            return jnp.sqrt(jnp.mean(jnp.square(x)))

        if self.relative_step and not callable(self._learning_rate):
            lr = jnp.minimum(lr, 1 / jnp.sqrt(step))
        rho = jnp.minimum(lr, 1 / jnp.sqrt(step))
        alpha = jnp.maximum(jnp.asarray(self.epsilon_2, p.dtype), rms(p)) * rho
        g2 = jnp.square(g) + self.epsilon_1
        b2 = 1 - jnp.power(step, self.beta_2_decay)
        r, c = slots["r"], slots["c"]
        if p.ndim >= 2:
            r = b2 * r + (1 - b2) * jnp.mean(g2, axis=-1)
            c = b2 * c + (1 - b2) * jnp.mean(g2, axis=-2)
            v = (r / jnp.mean(r, axis=-1, keepdims=True))[..., None] * c[..., None, :]
        else:
            v = b2 * slots["velocity"] + (1 - b2) * g2
        u = g / jnp.sqrt(v)
        u = u / jnp.maximum(1.0, rms(u) / self.clip_threshold)
        return p - alpha * u, {"r": r, "c": c, "velocity": v}

    def get_config(self) -> dict:
        c = super().get_config()
        c.update(beta_2_decay=self.beta_2_decay, epsilon_1=self.epsilon_1, epsilon_2=self.epsilon_2,
                 clip_threshold=self.clip_threshold, relative_step=self.relative_step)
        return c


def _scale_impl(loss, scale):
    return loss * scale.astype(loss.dtype)


def _all_finite_impl(*gs):
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(g)) for g in gs]))


class LossScaleOptimizer(Optimizer):
    """tf.keras.mixed_precision.LossScaleOptimizer(inner_optimizer, initial_scale=2**15, dynamic_growth_steps=2000):
    dynamic loss scaling for float16 training (Keras 3).

    ``scale_loss(loss)`` multiplies the loss by ``dynamic_scale``; ``apply_gradients`` divides the gradients by it,
    and applies them with the inner optimizer only when they are all finite: then ``step_counter`` counts up and the
    scale doubles every ``dynamic_growth_steps`` finite steps; otherwise the step is skipped and the scale halved.
    Inside a compiled step both outcomes are computed and selected (no Python branch on device values).
    """

    def __init__(self, inner_optimizer: Optimizer, initial_scale: float = 2.0 ** 15, dynamic_growth_steps: int = 2000,
                 name: str | None = None, **kwargs: Any):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                             "`loss_scale_factor` directly on the `inner_optimizer`.")
        for arg in ("weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "loss_scale_factor",
                    "gradient_accumulation_steps"):
            if kwargs.pop(arg, None) is not None:
                raise ValueError(f"LossScaleOptimizer does not support `{arg}`. Instead, set `{arg}` on the "
                                 "`inner_optimizer`.")
        if kwargs.pop("use_ema", False):
            raise ValueError("LossScaleOptimizer does not support `use_ema`. Instead, set `use_ema` on the "
                             "`inner_optimizer`.")
        kwargs.pop("ema_momentum", None)
        kwargs.pop("ema_overwrite_frequency", None)
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError("LossScaleOptimizer: `inner_optimizer` must be a tf.keras optimizer instance. Received: "
                            f"inner_optimizer={inner_optimizer!r}")
        Optimizer.__init__(self, 0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        self.step_counter: Variable | None = None
        self.dynamic_scale: Variable | None = None

    def build(self, var_list: list) -> None:
        """Create ``step_counter`` and ``dynamic_scale`` and build the inner optimizer."""
        if self.step_counter is None:
            self.step_counter = self._make_var(np.int64(0), "step_counter")
            self.dynamic_scale = self._make_var(np.float32(self.initial_scale), "dynamic_scale")
        self.inner_optimizer.build(var_list)
        self._trainable_variables = list(self.inner_optimizer._trainable_variables)
        self.built = True

    @property
    def variables(self) -> list:
        own = [self._iterations, self._learning_rate]
        if self.step_counter is not None:
            own += [self.step_counter, self.dynamic_scale]
        return own + list(self.inner_optimizer.variables)

    @property
    def iterations(self) -> Variable:
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self) -> Any:
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        self.inner_optimizer.learning_rate = value

    def scale_loss(self, loss: Any) -> Any:
        """LossScaleOptimizer.scale_loss(loss): ``loss * dynamic_scale`` (``initial_scale`` before the first step)."""
        scale = self.dynamic_scale.array if self.built else jnp.float32(self.initial_scale)
        return run(_scale_impl, (convert_to_tensor(loss), wrap(scale)), "LossScaleOptimizer.scale_loss")

    def check_finite(self, grads: list) -> Tensor:
        """Whether every (non-None) gradient is finite, as a bool Tensor."""
        gs = [convert_to_tensor(g) for g in grads if g is not None]
        return run(_all_finite_impl, tuple(gs), "LossScaleOptimizer.check_finite")

    def apply(self, grads: list, trainable_variables: Any = None) -> Variable:
        tvars = list(trainable_variables) if trainable_variables is not None else list(self._trainable_variables)
        if not self.built:
            self.build(tvars)
        grads = [None if g is None else convert_to_tensor(g) for g in grads]
        finite = self.check_finite(grads).array
        scale = self.dynamic_scale.array
        counter = self.step_counter.array
        unscaled = [None if g is None else wrap(g.array / scale.astype(g.array.dtype)) for g in grads]
        if not isinstance(finite, jax.core.Tracer):  # eager: Keras' branch, taken in Python
            if bool(finite):
                self.inner_optimizer.apply(unscaled, tvars)
                grow = int(counter) == self.dynamic_growth_steps - 1
                _raw_assign(self.step_counter, jnp.asarray(0 if grow else int(counter) + 1, counter.dtype))
                if grow:
                    _raw_assign(self.dynamic_scale, scale * 2.0)
            else:
                _raw_assign(self.step_counter, jnp.zeros((), counter.dtype))
                _raw_assign(self.dynamic_scale, scale * 0.5)
            return self.iterations
        # traced (tf.function, fit's compiled step): run the update, keep it only where the gradients are finite
        inner_vars = [v for g, v in zip(grads, tvars) if g is not None]
        if not self.inner_optimizer.built:
            self.inner_optimizer.build(tvars)
        watched = inner_vars + list(self.inner_optimizer.variables)
        before = [v.array for v in watched]
        self.inner_optimizer.apply(unscaled, tvars)
        for v, old in zip(watched, before):
            _raw_assign(v, jnp.where(finite, v.array, old))
        grow = counter == self.dynamic_growth_steps - 1
        _raw_assign(self.step_counter, jnp.where(finite & ~grow, counter + 1, jnp.zeros_like(counter)))
        _raw_assign(self.dynamic_scale, jnp.where(finite, jnp.where(grow, scale * 2.0, scale), scale * 0.5))
        return self.iterations

    def get_config(self) -> dict:
        return {"name": self.name, "inner_optimizer": serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None) -> LossScaleOptimizer:
        config = dict(config)
        config["inner_optimizer"] = deserialize(config["inner_optimizer"], custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<keras.src.optimizers.loss_scale_optimizer.LossScaleOptimizer name={self.name}>"


class OptaxOptimizer(Optimizer):
    """A Keras-style optimizer around any optax ``GradientTransformation`` (tfshim extension).

    The optax state's array leaves become non-trainable Variables (``self._optax_state``), created by
    ``build``; each ``apply_gradients`` runs ``tx.update`` + ``optax.apply_updates`` in one jitted call.
    Clipping arguments are not applied (compose optax's clipping transforms instead). The
    ``learning_rate`` argument is informational (for callbacks that read it) unless ``tx`` was built
    with ``optax.inject_hyperparams``, whose ``learning_rate`` hyperparameter is then kept in sync.
    """

    def __init__(self, tx: Any, learning_rate: Any = 0.0, name: str | None = None, **kwargs: Any):
        super().__init__(learning_rate, name=name, **kwargs)
        self.tx = tx
        self._optax_state: list = []
        self._treedef = None
        self._jit_optax = jax.jit(self._optax_pure)

    @property
    def variables(self) -> list:
        return [self._iterations] + (
            [self._learning_rate] if isinstance(self._learning_rate, Variable) else []) + list(self._optax_state)

    def build(self, var_list: list) -> None:
        if self.built:
            raise ValueError("tfshim OptaxOptimizer: already built; create a new optimizer for new variables.")
        for v in var_list:
            self._index[id(v)] = len(self._trainable_variables)
            self._trainable_variables.append(v)
        st = self.tx.init([v.array for v in var_list])
        leaves, self._treedef = jax.tree_util.tree_flatten(st)
        self._optax_state = [self._make_var(wrap(jnp.asarray(x)), f"optax_state_{i}") for i, x in enumerate(leaves)]
        self.built = True

    def _optax_pure(self, params, grads, state_leaves, lr):
        st = jax.tree_util.tree_unflatten(self._treedef, state_leaves)
        hp = getattr(st, "hyperparams", None)
        if lr is not None and isinstance(hp, dict) and "learning_rate" in hp:
            hp["learning_rate"] = jnp.asarray(lr, jnp.asarray(hp["learning_rate"]).dtype)
        grads = [g.astype(p.dtype) for g, p in zip(grads, params)]
        updates, st = self.tx.update(grads, st, params)
        return optax.apply_updates(params, updates), jax.tree_util.tree_leaves(st)

    def apply(self, grads: list, trainable_variables: Any = None) -> Variable:
        tvars = list(trainable_variables if trainable_variables is not None else self._trainable_variables)
        if not self.built:
            self.build(tvars)
        if [id(v) for v in tvars] != [id(v) for v in self._trainable_variables]:
            raise ValueError("tfshim OptaxOptimizer: apply_gradients must be given the variables it was built with, "
                             "in the same order.")
        grads = list(grads)
        if any(g is None for g in grads):
            raise ValueError("tfshim OptaxOptimizer: every variable needs a gradient (optax updates all leaves).")
        gv = [convert_to_tensor(g).array for g in grads]
        if _state.replica:
            gv = _state.replica[-1].aggregate_gradients(gv)
        lr = self._learning_rate.array if isinstance(self._learning_rate, Variable) else None
        new_p, new_s = self._jit_optax([v.array for v in tvars], gv, [s.array for s in self._optax_state], lr)
        for v, p in zip(tvars, new_p):
            _raw_assign(v, p)
        for sv, x in zip(self._optax_state, new_s):
            _raw_assign(sv, x)
        _raw_assign(self._iterations, self._iterations.array + 1)
        return self._iterations


_BY_NAME = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad, "adadelta": Adadelta,
            "adamax": Adamax, "nadam": Nadam, "ftrl": Ftrl, "lion": Lion, "adafactor": Adafactor}


def get(identifier: Any) -> Optimizer:
    """tf.keras.optimizers.get: an optimizer from a name (``"adam"``), config dict or instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


def serialize(optimizer: Optimizer) -> dict:
    """tf.keras.optimizers.serialize."""
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__, "config": optimizer.get_config(),
            "registered_name": None}


def deserialize(config: dict, custom_objects: Any = None) -> Optimizer:
    """tf.keras.optimizers.deserialize."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name.lower())
    if cls is None:
        raise ValueError(f"Could not interpret optimizer identifier: {config}")
    return cls.from_config(config["config"])


__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion",
           "LossScaleOptimizer",
           "Adafactor", "OptaxOptimizer", "get",
           "serialize", "deserialize"]
