"""tf.random: seeded random ops on ``jax.random`` with TensorFlow's seed semantics.

TF combines a global seed (``tf.random.set_seed``) and an op seed:

* global seed set, op seed None → the op seed is drawn from a generator seeded by the global seed,
  so the sequence of random ops after ``set_seed(s)`` is reproducible;
* op seed given, global seed None → the global seed is a fixed default;
* neither → nondeterministic;
* the same (global, op) seed pair used again in one program continues a stream (TF caches a kernel
  per seed pair), so two calls with ``seed=5`` differ; ``set_seed`` resets every stream.

All of this state lives in the one ``RANDOM`` object (so ``tf.function`` can lift it), and
``next_key`` is the single source of JAX keys for every random op in tfshim.
Difference from TF: the numbers differ (another generator); distributions, dtypes, shapes,
reproducibility and errors follow TF.
"""

from __future__ import annotations

import os
import random as _pyrandom
import threading
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core import dtypes as _dt
from ..core import errors, state
from ..core.convert import convert_to_tensor
from ..core.device import put
from ..core.dispatch import primitive, run
from ..core.stateless import outside_scopes
from ..core.tensor import Tensor, wrap
from ..core.variable import Variable
from .array import check_size
from .table import register

_MAXINT32 = 2**31 - 1
_DEFAULT_GRAPH_SEED = 87654321  # TF's global seed when only an op seed is given


class RandomState:
    """Every bit of tfshim's global random state: the global seed, the op-seed generator, stream counters."""

    __slots__ = ("global_seed", "op_rng", "counts", "entropy", "unseeded")

    def __init__(self) -> None:
        self.global_seed: int | None = None
        self.op_rng: _pyrandom.Random | None = None
        self.counts: dict = {}
        self.entropy = int.from_bytes(os.urandom(8), "little")
        self.unseeded = 0

    def set_seed(self, seed: int | None) -> None:
        self.global_seed = None if seed is None else int(seed)
        self.op_rng = None if seed is None else _pyrandom.Random(int(seed))
        draws = self.counts.get("draws", 0)
        self.counts.clear()
        self.counts["draws"] = draws

    def seeds(self, op_seed: Any = None) -> tuple | None:
        """TF's ``get_seed``: the (global, op) seed pair, or None for a nondeterministic op."""
        g = self.global_seed
        if g is not None:
            o = int(op_seed) if op_seed is not None else self.op_rng.randint(0, _MAXINT32)
            return (0, _MAXINT32) if (g, o) == (0, 0) else (g, o)
        if op_seed is not None:
            return (_DEFAULT_GRAPH_SEED, int(op_seed))
        return None

    def key_data(self, op_seed: Any = None) -> np.ndarray:
        """The next raw key (uint32[2]) for an op with ``op_seed``, advancing that seed pair's stream."""
        pair = self.seeds(op_seed)
        if pair is None:
            self.unseeded += 1
            words = (self.entropy, self.unseeded, 1)
        else:
            n = self.counts.get(pair, 0)
            self.counts[pair] = n + 1
            words = (pair[0] % 2**64, pair[1] % 2**64, n, 0)
        return np.random.SeedSequence(words).generate_state(2, np.uint32)

    def snapshot(self) -> tuple:
        """The state as a plain value (for tf.function / checkpoints); ``restore`` puts it back."""
        streams = {k: int(np.asarray(v.array)) for k, v in _VARS.items()}
        return (self.global_seed, self.op_rng.getstate() if self.op_rng else None, dict(self.counts), self.unseeded,
                streams)

    def restore(self, snap: tuple) -> None:
        self.global_seed, rng_state, counts, self.unseeded, streams = snap
        for k, value in streams.items():
            _variable(k).write_array(put(np.asarray(value, np.int64)))
        self.op_rng = None
        if rng_state is not None:
            self.op_rng = _pyrandom.Random()
            self.op_rng.setstate(rng_state)
        self.counts = dict(counts)


RANDOM = RandomState()


def next_key(op_seed: Any = None) -> jax.Array:
    """The next JAX PRNG key (a raw ``uint32[2]`` key) for a random op with TF op seed ``op_seed``.

    The key is a pure function of (global seed, op seed, stream position), with the global seed and
    the stream counters held in internal Variables: eagerly they advance op by op; inside
    tf.function they are lifted like any other state, so every call draws new numbers and a seeded
    program gives the same numbers compiled as eagerly.
    """
    if state.key_streams:  # inside a compiled Keras step: keys derive from the step's own traced key
        return state.key_streams[-1](op_seed)
    RANDOM.counts["draws"] = RANDOM.counts.get("draws", 0) + 1  # lets tf.data spot random map functions
    g = RANDOM.global_seed
    if op_seed is not None:
        op = int(op_seed)
        counter = _variable(("op", g is None, op))
        seed = _variable("global") if g is not None else _constant_seed(_DEFAULT_GRAPH_SEED)
        tag = 1
    elif g is not None:
        op, counter, seed, tag = 0, _variable("auto"), _variable("global"), 0
    else:
        op, counter, seed, tag = 0, _variable("unseeded"), _constant_seed(RANDOM.entropy % 2**62), 2
    if state.tracing:  # inside tf.function: the counters and seed are lifted Variables
        n = counter.read_value()
        counter.assign_add(np.int64(1))
        s = seed.read_value() if hasattr(seed, "read_value") else seed
        return run(_key_impl, (s, n), "tf.random", tag=tag, op=op % 2**32).array
    # Eagerly (or under a plain JAX transformation such as tf.data's traced map), the state advances on
    # the host and stays concrete. Reading and advancing the counter is atomic across threads (as TF's
    # random kernels lock their generator): two threads never draw the same key.
    with _ADVANCE, jax.ensure_compile_time_eval():
        n = counter.array
        counter.write_array(put(np.asarray(np.asarray(n) + 1, np.int64)))
    with jax.ensure_compile_time_eval():
        s = seed.array
        return primitive(_key_impl, tag=tag, op=op % 2**32)(s, n)


def _key_impl(seed, n, tag, op):
    k = jax.random.PRNGKey(seed)
    k = jax.random.fold_in(jax.random.fold_in(k, tag), op)
    return jax.random.fold_in(k, n.astype(jnp.uint32))


_VARS: dict = {}
_ADVANCE = threading.Lock()  # held while an eager draw reads and advances a stream counter
_CREATE = threading.Lock()  # held while a stream's Variable is created (once, whichever thread asks first)


def _variable(name: Any) -> Any:
    """An internal int64 Variable of the random state (created outside any tf.function trace)."""
    v = _VARS.get(name)
    if v is not None:
        return v
    with _CREATE:
        v = _VARS.get(name)
        if v is None:
            with outside_scopes(), jax.ensure_compile_time_eval():
                init = RANDOM.global_seed or 0 if name == "global" else 0
                v = _VARS[name] = Variable(np.int64(init), trainable=False, name="random_state")
    return v


def _constant_seed(value: int) -> Tensor:
    return wrap(put(np.asarray(value, np.int64)))


def _key_tensor(seed: Any) -> Tensor:
    return wrap(next_key(seed))


def set_seed(seed: Any) -> None:
    """tf.random.set_seed(seed): set the global seed and restart every random stream, as TF."""
    if seed is not None:
        seed = int(np.asarray(seed))
    RANDOM.set_seed(seed)
    # Restart every stream (the unseeded one excepted) and record the seed where compiled code reads it.
    for name, v in _VARS.items():
        if name == "global":
            v.assign(np.int64(seed or 0))
        elif name != "unseeded":
            v.assign(np.int64(0))


# -- argument helpers -------------------------------------------------------------
_UNIFORM_DTYPES = ("float16", "bfloat16", "float32", "float64", "int32", "int64")
_FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")


def _shape(shape: Any, fn: str, tf_op: str) -> tuple:
    """A static shape tuple from a list/tuple/TensorShape/1-D int tensor, validated as TF's kernels do."""
    if hasattr(shape, "as_list") and not isinstance(shape, Tensor):
        shape = shape.as_list()
    arr = np.asarray(shape._numpy() if isinstance(shape, Tensor) else shape)
    if arr.dtype.kind not in "iu" and arr.size:
        raise errors.InvalidArgumentError(
            None, None,
            f"{fn}: Value for attr 'T' of {arr.dtype} is not in the list of allowed values: int32, int64; "
            f"shape must be integers, got {shape!r}. [Op:{tf_op}]",
        )
    if arr.ndim > 1:
        raise errors.InvalidArgumentError(None, None, f"{fn}: shape must be a vector, got {shape!r}. [Op:{tf_op}]")
    dims = tuple(int(d) for d in arr.reshape(-1))
    for d in dims:
        if d < 0:
            raise errors.InvalidArgumentError(None, None, f"{fn}: Dimension {d} must be >= 0 [Op:{tf_op}]")
    check_size(dims, tf_op, 4)
    return dims


def _dtype(dtype: Any, allowed: tuple, fn: str) -> _dt.DType:
    dt = _dt.as_dtype(dtype)
    if dt.name not in allowed:
        raise ValueError(
            f"{fn}: Argument `dtype` got invalid value {dt}. Accepted dtypes are "
            f"({', '.join('tf.' + a for a in allowed)})."
        )
    return dt


# -- implementations (pure JAX) ----------------------------------------------------------
def _normal_impl(key, mean, stddev, shape, dtype):
    z = jax.random.normal(key, shape, _gen_dtype(dtype)).astype(dtype)
    return z * stddev + mean


def _truncated_impl(key, mean, stddev, shape, dtype):
    z = jax.random.truncated_normal(key, -2.0, 2.0, shape, _gen_dtype(dtype)).astype(dtype)
    return z * stddev + mean


def _uniform_impl(key, minval, maxval, shape, dtype):
    u = jax.random.uniform(key, shape, _gen_dtype(dtype)).astype(dtype)
    return u * (maxval - minval) + minval


def _uniform_int_impl(key, minval, maxval, shape, dtype):
    return jax.random.randint(key, shape, minval, maxval, dtype)


def _uniform_full_int_impl(key, shape, dtype):
    bits = jax.random.bits(key, shape, jnp.dtype(f"uint{np.dtype(dtype).itemsize * 8}"))
    return jax.lax.bitcast_convert_type(bits, dtype)


def _gen_dtype(dtype):
    # generate half precision in float32 (better-distributed low bits), then round
    return jnp.float32 if np.dtype(dtype).itemsize < 4 else dtype


def _categorical_impl(key, logits, num_samples, dtype):
    s = jax.random.categorical(key, logits.astype(jnp.promote_types(logits.dtype, jnp.float32)), axis=-1,
                               shape=(num_samples, logits.shape[0]))
    return s.T.astype(dtype)


def _shuffle_impl(key, x):
    return jax.random.permutation(key, x, axis=0, independent=False)


def _stateless_key(seed):
    s = seed.astype(jnp.int64)
    return jax.random.fold_in(jax.random.PRNGKey(s[0]), (s[1] & 0xFFFFFFFF).astype(jnp.uint32))


def _stateless(impl):
    def f(seed, *args, **kw):
        return impl(_stateless_key(seed), *args, **kw)

    f.__name__ = "stateless_" + impl.__name__.strip("_")
    return f


_stateless_normal_impl = _stateless(_normal_impl)
_stateless_truncated_impl = _stateless(_truncated_impl)
_stateless_uniform_impl = _stateless(_uniform_impl)
_stateless_uniform_int_impl = _stateless(_uniform_int_impl)
_stateless_uniform_full_int_impl = _stateless(_uniform_full_int_impl)


# -- public ops ------------------------------------------------------------------------
def _affine_args(a: Any, b: Any, dt: _dt.DType, names: tuple) -> tuple:
    out = []
    for v, n in zip((a, b), names):
        try:
            out.append(convert_to_tensor(v, dtype=dt))
        except ValueError as e:
            raise ValueError(f"{n}: {e}") from None
    return tuple(out)


def normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = _dt.float32, seed: Any = None,
           name: Any = None) -> Tensor:
    """tf.random.normal: samples of N(mean, stddev**2); ``mean``/``stddev`` broadcast and are differentiable."""
    dt = _dt.as_dtype(dtype)
    m, s = _affine_args(mean, stddev, dt, ("mean", "stddev"))
    _dtype(dt, _FLOAT_DTYPES, "tf.random.normal")
    shp = _shape(shape, "tf.random.normal", "RandomStandardNormal")
    return run(_normal_impl, (_key_tensor(seed), m, s), "tf.random.normal", shape=shp, dtype=dt._np.name)


def truncated_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = _dt.float32, seed: Any = None,
                     name: Any = None) -> Tensor:
    """tf.random.truncated_normal: normal samples, redrawn when more than 2 standard deviations from the mean."""
    dt = _dt.as_dtype(dtype)
    m, s = _affine_args(mean, stddev, dt, ("mean", "stddev"))
    _dtype(dt, _FLOAT_DTYPES, "tf.random.truncated_normal")
    shp = _shape(shape, "tf.random.truncated_normal", "TruncatedNormal")
    return run(_truncated_impl, (_key_tensor(seed), m, s), "tf.random.truncated_normal", shape=shp,
               dtype=dt._np.name)


def _check_int_range(lo: Tensor, hi: Tensor, fn: str, tf_op: str) -> None:
    for t, n in ((lo, "minval"), (hi, "maxval")):
        if t.shape.rank != 0:
            raise errors.InvalidArgumentError(None, None, f"{fn}: {n} must be 0-D, got shape {t.shape} [Op:{tf_op}]")
    if not isinstance(lo.array, jax.core.Tracer) and not isinstance(hi.array, jax.core.Tracer):
        a, b = int(lo._numpy()), int(hi._numpy())
        if a >= b:
            raise errors.InvalidArgumentError(None, None, f"{fn}: Need minval < maxval, got {a} >= {b} [Op:{tf_op}]")


def uniform(shape: Any, minval: Any = 0, maxval: Any = None, dtype: Any = _dt.float32, seed: Any = None,
            name: Any = None) -> Tensor:
    """tf.random.uniform: samples in [minval, maxval); integer dtypes need ``maxval`` (ValueError, as TF)."""
    dt = _dtype(dtype, _UNIFORM_DTYPES, "tf.random.uniform")
    if dt.is_integer and maxval is None:
        raise ValueError(f"tf.random.uniform: Must specify maxval for integer dtype {dt!r}.")
    if maxval is None:
        maxval = 1
    lo, hi = _affine_args(minval, maxval, dt, ("min", "max"))
    shp = _shape(shape, "tf.random.uniform", "RandomUniform")
    key = _key_tensor(seed)
    if dt.is_integer:
        _check_int_range(lo, hi, "tf.random.uniform", "RandomUniformInt")
        return run(_uniform_int_impl, (key, lo, hi), "tf.random.uniform", shape=shp, dtype=dt._np.name)
    return run(_uniform_impl, (key, lo, hi), "tf.random.uniform", shape=shp, dtype=dt._np.name)


def categorical(logits: Any, num_samples: Any, dtype: Any = None, seed: Any = None, name: Any = None) -> Tensor:
    """tf.random.categorical: ``num_samples`` class indices per row of ``logits`` [batch, classes] (int64)."""
    dt = _dtype(_dt.int64 if dtype is None else dtype, ("int32", "int64"), "tf.random.categorical")
    x = convert_to_tensor(logits)
    if x.shape.rank != 2:
        raise errors.InvalidArgumentError(
            None, None, f"tf.random.categorical: logits should be a matrix, got shape {x.shape.as_list()} "
            "[Op:Multinomial]",
        )
    if not (x.dtype.is_floating or x.dtype.is_integer):
        raise errors.InvalidArgumentError(None, None, f"tf.random.categorical: logits must be real, got {x.dtype.name}")
    n = int(np.asarray(num_samples._numpy() if isinstance(num_samples, Tensor) else num_samples))
    if n < 0:
        raise errors.InvalidArgumentError(None, None, f"tf.random.categorical: num_samples should be nonnegative, "
                                          f"got {n} [Op:Multinomial]")
    if x.shape[1] == 0 and x.shape[0] and n:
        raise errors.InvalidArgumentError(None, None, "tf.random.categorical: num_classes should be positive, got 0 "
                                          "[Op:Multinomial]")
    return run(_categorical_impl, (_key_tensor(seed), x), "tf.random.categorical", num_samples=n, dtype=dt._np.name)


def shuffle(value: Any, seed: Any = None, name: Any = None) -> Tensor:
    """tf.random.shuffle: ``value`` with its first dimension randomly permuted (a scalar is returned as is)."""
    x = convert_to_tensor(value)
    key = _key_tensor(seed)
    if x.shape.rank == 0:
        return x
    return run(_shuffle_impl, (key, x), "tf.random.shuffle")


def _seed_tensor(seed: Any, fn: str) -> Tensor:
    s = convert_to_tensor(seed)
    if not s.dtype.is_integer:
        raise errors.InvalidArgumentError(None, None, f"{fn}: seed must be int32 or int64, got {s.dtype.name}")
    if s.shape.as_list() != [2]:
        raise errors.InvalidArgumentError(
            None, None, f"{fn}: seed must have shape [2], not {s.shape.as_list()} [Op:StatelessRandomGetKeyCounter]"
        )
    return s


def stateless_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = _dt.float32,
                     name: Any = None, alg: Any = "auto_select") -> Tensor:
    """tf.random.stateless_normal: deterministic normal samples for a ``seed`` of shape [2] (``alg`` ignored)."""
    dt = _dt.as_dtype(dtype)
    m, s = _affine_args(mean, stddev, dt, ("mean", "stddev"))
    _dtype(dt, _FLOAT_DTYPES, "tf.random.stateless_normal")
    shp = _shape(shape, "tf.random.stateless_normal", "StatelessRandomNormalV2")
    sd = _seed_tensor(seed, "tf.random.stateless_normal")
    return run(_stateless_normal_impl, (sd, m, s), "tf.random.stateless_normal", shape=shp, dtype=dt._np.name)


def stateless_truncated_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = _dt.float32,
                               name: Any = None, alg: Any = "auto_select") -> Tensor:
    """tf.random.stateless_truncated_normal: deterministic truncated normal samples for ``seed`` (shape [2])."""
    dt = _dt.as_dtype(dtype)
    m, s = _affine_args(mean, stddev, dt, ("mean", "stddev"))
    _dtype(dt, _FLOAT_DTYPES, "tf.random.stateless_truncated_normal")
    shp = _shape(shape, "tf.random.stateless_truncated_normal", "StatelessTruncatedNormalV2")
    sd = _seed_tensor(seed, "tf.random.stateless_truncated_normal")
    return run(_stateless_truncated_impl, (sd, m, s), "tf.random.stateless_truncated_normal", shape=shp,
               dtype=dt._np.name)


def stateless_uniform(shape: Any, seed: Any, minval: Any = 0, maxval: Any = None, dtype: Any = _dt.float32,
                      name: Any = None, alg: Any = "auto_select") -> Tensor:
    """tf.random.stateless_uniform: deterministic uniform samples for ``seed`` (shape [2]).

    Integer dtypes need both ``minval`` and ``maxval``, or both None for the full range (as TF).
    """
    fn = "tf.random.stateless_uniform"
    dt = _dtype(dtype, _UNIFORM_DTYPES + ("uint32", "uint64"), fn)
    shp = _shape(shape, fn, "StatelessRandomUniformV2")
    if dt.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError(
                f"{fn}: For integer `dtype` argument {dt}, argument `minval` and `maxval` must be both None or not "
                f"None. Got `minval`={minval} and `maxval`={maxval}."
            )
        sd = _seed_tensor(seed, fn)
        if minval is None:
            return run(_stateless_uniform_full_int_impl, (sd,), fn, shape=shp, dtype=dt._np.name)
        lo, hi = _affine_args(minval, maxval, dt, ("min", "max"))
        _check_int_range(lo, hi, fn, "StatelessRandomUniformIntV2")
        return run(_stateless_uniform_int_impl, (sd, lo, hi), fn, shape=shp, dtype=dt._np.name)
    if dt.is_unsigned:
        raise ValueError(f"{fn}: unsigned dtypes need integer sampling.")
    lo, hi = _affine_args(0 if minval is None else minval, 1 if maxval is None else maxval, dt, ("min", "max"))
    sd = _seed_tensor(seed, fn)
    return run(_stateless_uniform_impl, (sd, lo, hi), fn, shape=shp, dtype=dt._np.name)


# Random values cannot be compared with TF's generator, so the rows carry no table kind (kind="");
# tests/test_random.py checks statistics, dtypes, shapes, reproducibility and errors instead.
register(("random.set_seed",), set_seed)
register(("random.normal",), normal)
register(("random.truncated_normal",), truncated_normal)
register(("random.uniform",), uniform)
register(("random.categorical",), categorical)
register(("random.shuffle",), shuffle)
register(("random.stateless_normal",), stateless_normal)
register(("random.stateless_truncated_normal",), stateless_truncated_normal)
register(("random.stateless_uniform",), stateless_uniform)
