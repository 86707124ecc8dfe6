"""tf.GradientTape on JAX: record ops as nodes, differentiate a jitted replay with ``jax.vjp``.

Recording: the core's recorder (``core/record.py``) calls ``_record`` on every recording tape for
every op dispatch runs; an op is kept when one of its inputs is tracked by the tape (watched, a
read of a watched variable, or the output of a kept op), and only its floating/complex outputs
become tracked (integers carry no gradient, as in TF).

Differentiation: ``gradient`` cuts the subgraph between sources and targets, builds a pure
function ``g(*leaves, *consts, *cotangents) -> grads`` that replays it under ``jax.vjp``, and
caches ``g`` by the graph's structure (node functions, wiring, shapes and dtypes). A structure
seen once runs un-jitted (no compile); from its second sighting ``g`` runs as one jitted XLA
call. Constants of the graph are arguments of ``g``, never baked into the compiled code.
``g`` itself is recorded as a node on the recording tapes, so gradients are differentiable.
"""

from __future__ import annotations

import collections
import contextlib
import enum
import functools
import logging
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax._src.array import ArrayImpl

from ..core import state
from ..core.convert import convert_to_tensor
from ..core.dispatch import NoTwin, host_vjp, inline, run, strip_jax_notes
from ..core.record import Node, is_variable, record, trackable
from ..core.stateless import array_of
from ..core.tensor import Tensor, wrap

_log = logging.getLogger("tfshim")


class UnconnectedGradients(enum.Enum):
    """tf.UnconnectedGradients: what ``gradient`` returns for a source the target does not use."""

    NONE = "none"
    ZERO = "zero"


class _Stats:
    """Counters that tests use to prove the compile cache works."""

    traces = 0  # how many times a gradient replay was traced for jit (≈ compilations)
    eager_replays = 0  # first sightings run without jit
    host_vjps = 0  # node VJPs answered by a NumPy twin (graphs seen once)


stats = _Stats()
_CACHE_SIZE = 256
_cache: collections.OrderedDict = collections.OrderedDict()


def _is_leaf(x: Any) -> bool:
    return isinstance(x, Tensor) or is_variable(x)


_LIST_OF = {}


def _flatten(structure: Any) -> tuple[list, Any]:
    # Fast paths for the common shapes of gradient() arguments: one tensor, or a flat list of them.
    if _is_leaf(structure):
        return [structure], None
    if type(structure) is list and all(map(_is_leaf, structure)):
        n = len(structure)
        tree = _LIST_OF.get(n)
        if tree is None:
            tree = _LIST_OF[n] = jax.tree_util.tree_structure([0] * n)
        return list(structure), tree
    return jax.tree_util.tree_flatten(structure, is_leaf=_is_leaf)


def _has_none(structure: Any) -> bool:
    return any(x is None for x in jax.tree_util.tree_leaves(structure, is_leaf=lambda x: x is None))


def _unflatten(tree: Any, leaves: list) -> Any:
    return leaves[0] if tree is None else jax.tree_util.tree_unflatten(tree, leaves)


class GradientTape:
    """tf.GradientTape: records operations for automatic differentiation.

    Differences from TF: ``jacobian``/``batch_jacobian`` use ``jax.vmap`` over the pullback and
    therefore work on a non-persistent tape after ``gradient`` too only if it is persistent (as TF).
    """

    _captures_all = False  # control-flow capture tapes watch non-trainable variables too

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._recording = False
        self._used = False
        self._reset_state()

    def _reset_state(self) -> None:
        self._tracked: dict = {}
        self._producer: dict = {}
        self._watched_vars: dict = {}
        self._var_reads: collections.defaultdict = collections.defaultdict(list)

    # -- what the core's recorder calls ------------------------------------------------
    def _record(self, fn: Callable, inputs: tuple, outs: tuple, node: Node | None) -> Node | None:
        tracked = self._tracked
        for t in inputs:
            if id(t) in tracked:
                break
        else:
            return node
        if node is None:
            node = Node(fn, tuple(inputs), outs)
        producer = self._producer
        for i, o in enumerate(outs):
            if trackable(o):
                tracked[id(o)] = o
                producer[id(o)] = (node, i)
        return node

    def _on_variable_read(self, var: Any, t: Tensor) -> None:
        vid = id(var)
        if vid in self._watched_vars or (self._watch_accessed and (var.trainable or self._captures_all)):
            self._watch_variable(var)
            self._tracked[id(t)] = t
            self._var_reads[vid].append(t)

    # -- context --------------------------------------------------------------
    def __enter__(self) -> GradientTape:
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to re-enter an already-active tape.")
        self._push()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._recording:
            self._pop()

    def _push(self) -> None:
        state.recording_tapes.append(self)
        self._recording = True

    def _pop(self) -> None:
        try:
            state.recording_tapes.remove(self)
        except ValueError:
            pass
        self._recording = False

    def stop_recording(self) -> Any:
        """tape.stop_recording(): a context in which ops are not recorded on this tape."""
        @contextlib.contextmanager
        def ctx():
            if not self._recording:
                raise ValueError("Tape.stop_recording() can only be called when the tape is recording.")
            self._pop()
            try:
                yield
            finally:
                self._push()

        return ctx()

    def reset(self) -> None:
        """tape.reset(): forget everything recorded so far (the tape keeps recording if active)."""
        self._reset_state()
        self._used = False

    # -- watching -------------------------------------------------------------
    def watch(self, tensor: Any) -> None:
        """tape.watch(x): track a tensor, variable, or nested structure of them."""
        flat, _ = _flatten(tensor)
        for t in flat:
            if is_variable(t):
                self._watch_variable(t)
                continue
            if not isinstance(t, Tensor):
                raise ValueError(f"GradientTape.watch: passed in {t!r} that is not a tf.Tensor or tf.Variable.")
            if not trackable(t):
                _log.warning("The dtype of the watched tensor must be floating (e.g. tf.float32), got %r", t.dtype)
            self._tracked[id(t)] = t

    def _watch_variable(self, var: Any) -> None:
        self._watched_vars.setdefault(id(var), var)

    def watched_variables(self) -> tuple:
        """tape.watched_variables(): the variables watched so far, in the order first watched."""
        return tuple(self._watched_vars.values())

    # -- differentiation --------------------------------------------------------
    def _check_usable(self, what: str) -> None:
        if self._used and not self._persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)"
            )
        if self._recording and not self._persistent:
            # As TF: a non-persistent tape stops recording when differentiated inside its context.
            self._pop()
        elif self._recording:
            _log.warning(
                "Calling GradientTape.%s on a persistent tape inside its context is significantly less efficient "
                "than calling it outside the context (it causes the gradient ops to be recorded on the tape, "
                "leading to increased CPU and memory usage). Only call GradientTape.%s inside the context if you "
                "actually want to trace the gradient in order to compute higher order derivatives.",
                what,
                what,
            )

    def _finish(self) -> None:
        if not self._persistent:
            self._used = True
            if not self._recording:
                self._reset_state()

    def gradient(
        self,
        target: Any,
        sources: Any,
        output_gradients: Any = None,
        unconnected_gradients: Any = UnconnectedGradients.NONE,
    ) -> Any:
        """tape.gradient: d(sum of targets)/d(sources), returned in the structure of ``sources``."""
        self._check_usable("gradient")
        unconnected = _unconnected(unconnected_gradients)
        if target is None:
            raise TypeError(
                "GradientTape.gradient: Argument `target` should be a list or nested structure of Tensors, Variables "
                "or CompositeTensors to be differentiated, but received None."
            )
        targets = self._targets(target)
        src_flat, src_tree = _flatten(sources)
        if sources is None or (src_tree is not None and type(sources) is not list and _has_none(sources)) or (
                type(sources) is list and None in sources):
            raise TypeError(
                "GradientTape.gradient: a source is None; `sources` must be Tensors or Variables (as TF: Cannot "
                "convert the argument `type_value`: None to a TensorFlow DType)."
            )
        cts = _output_gradients(output_gradients, targets)
        grads = self._grad_flat(targets, src_flat, cts, unconnected)
        self._finish()
        return _unflatten(src_tree, grads)

    def _targets(self, target: Any) -> list:
        flat, _ = _flatten(target)
        out = []
        for t in flat:
            if is_variable(t):
                # A variable as target stands for its current value: a leaf for that variable.
                v, t = t, wrap(t.array)
                if v.trainable or id(v) in self._watched_vars:
                    self._tracked[id(t)] = t
                    self._var_reads[id(v)].append(t)
            elif not isinstance(t, Tensor):
                if isinstance(t, (int, float, complex, bool)):
                    # TF reads target.dtype first: AttributeError for a Python number.
                    raise AttributeError(
                        f"GradientTape.gradient: the target {t!r} is a Python {type(t).__name__}, which has no "
                        "attribute 'dtype'; differentiate a Tensor computed under the tape."
                    )
                t = convert_to_tensor(t)
            out.append(t)
        return out

    def _leaves_of(self, src_flat: list) -> list:
        """For each source, the tracked tensors that stand for it (a variable's reads)."""
        out = []
        for s in src_flat:
            if is_variable(s):
                if not (s.dtype.is_floating or s.dtype.is_complex):
                    _warn_int(s)
                    out.append([])
                else:
                    out.append(list(self._var_reads.get(id(s), ())))
            elif isinstance(s, Tensor):
                if not trackable(s):
                    _warn_int(s)
                    out.append([])
                else:
                    out.append([s] if id(s) in self._tracked else [])
            else:
                raise TypeError(
                    f"GradientTape.gradient: sources must be tf.Tensor or tf.Variable (or nests of them), got {s!r}."
                )
        return out

    def _grad_flat(self, targets: list, src_flat: list, cts: list, unconnected: str) -> list:
        uniq, where = _unique(src_flat)
        plan = _Plan(self, targets, self._leaves_of(uniq), cts)
        per_unique = plan.run()
        grads = [per_unique[i] for i in where]
        result = []
        for s, g in zip(src_flat, grads):
            if g is None and unconnected == "zero":
                g = wrap(jnp.zeros(s.shape.as_list(), s.array.dtype if isinstance(s, Tensor) else s._np_dtype))
            result.append(g)
        return result

    def jacobian(
        self,
        target: Any,
        sources: Any,
        unconnected_gradients: Any = UnconnectedGradients.NONE,
        parallel_iterations: Any = None,
        experimental_use_pfor: bool = True,
    ) -> Any:
        """tape.jacobian: full Jacobian of ``target`` w.r.t. each source, shape target.shape + source.shape."""
        self._check_usable("jacobian")
        unconnected = _unconnected(unconnected_gradients)
        t = self._targets(target)
        if len(t) != 1:
            raise ValueError("GradientTape.jacobian: target must be a single tensor.")
        t = t[0]
        src_flat, src_tree = _flatten(sources)
        uniq, where = _unique(src_flat)
        plan = _Plan(self, [t], self._leaves_of(uniq), None)
        jacs = plan.run_jacobian()
        jacs = [jacs[i] for i in where]
        out = []
        for s, j in zip(src_flat, jacs):
            if j is None and unconnected == "zero":
                j = wrap(jnp.zeros(tuple(t.shape.as_list()) + tuple(s.shape.as_list()), s.dtype._np))
            out.append(j)
        self._finish()
        return _unflatten(src_tree, out)

    def batch_jacobian(
        self,
        target: Any,
        source: Any,
        unconnected_gradients: Any = UnconnectedGradients.NONE,
        parallel_iterations: Any = None,
        experimental_use_pfor: bool = True,
    ) -> Any:
        """tape.batch_jacobian: per-example Jacobians, shape [batch] + target.shape[1:] + source.shape[1:]."""
        if target.shape.rank is None or target.shape.rank < 1 or source.shape.rank < 1:
            raise ValueError("GradientTape.batch_jacobian: target and source must have a batch dimension (rank >= 1).")
        if target.shape[0] != source.shape[0]:
            raise ValueError(
                f"GradientTape.batch_jacobian: Need first dimension of target shape ({target.shape}) and source "
                f"shape ({source.shape}) to match."
            )
        full = self.jacobian(target, source, unconnected_gradients=unconnected_gradients)
        if full is None:
            return None
        return run(_batch_diag, (full,), "tf.GradientTape.batch_jacobian", rank_t=target.shape.rank)


def _batch_diag(j: Any, rank_t: int) -> Any:
    # j: [B, T..., B, S...] -> [B, T..., S...] taking the b == b' diagonal.
    j = jnp.moveaxis(j, rank_t, 1)  # [B, B, T..., S...]
    return jnp.diagonal(j, axis1=0, axis2=1).transpose((j.ndim - 2,) + tuple(range(j.ndim - 2)))


def _unique(items: list) -> tuple[list, list]:
    """Distinct objects (by identity) and, per item, its index among them."""
    pos: dict = {}
    uniq: list = []
    where = []
    for x in items:
        i = pos.get(id(x))
        if i is None:
            i = pos[id(x)] = len(uniq)
            uniq.append(x)
        where.append(i)
    return uniq, where


def _warn_int(s: Any) -> None:
    _log.warning(
        "The dtype of the source tensor must be floating (e.g. tf.float32) when calling GradientTape.gradient, got %r",
        s.dtype,
    )


def _unconnected(u: Any) -> str:
    if isinstance(u, UnconnectedGradients):
        return u.value
    if u in ("none", "zero"):
        return u
    raise ValueError(f"Unknown value for unconnected_gradients: {u!r}; use tf.UnconnectedGradients.NONE or .ZERO.")


def _output_gradients(output_gradients: Any, targets: list) -> list:
    if output_gradients is None:
        return [None] * len(targets)
    flat, _ = _flatten(output_gradients)
    if len(flat) != len(targets):
        raise ValueError(
            f"GradientTape.gradient: got {len(flat)} output_gradients for {len(targets)} targets; pass one per target."
        )
    return [None if g is None else convert_to_tensor(g) for g in flat]


class _Plan:
    """The cut subgraph between sources and targets, as a replayable pure function."""

    def __init__(self, tape: GradientTape, targets: list, leaves_per_source: list, cts: list | None):
        self.tape = tape
        leaf_pos: dict = {}
        leaves: list = []
        owner: list = []  # leaf index -> source index
        for si, ls in enumerate(leaves_per_source):
            for t in ls:
                if id(t) not in leaf_pos:
                    leaf_pos[id(t)] = len(leaves)
                    leaves.append(t)
                    owner.append(si)
        self.n_sources = len(leaves_per_source)
        producer = tape._producer
        order = _topo_nodes(targets, leaf_pos, producer)
        const_pos: dict = {}
        consts: list = []
        node_pos: dict = {}  # id(node) -> position among kept nodes, or -1 if all its inputs are constant
        nodes: list = []
        wiring: list = []
        reached: set = set()

        def ref(t: Tensor) -> tuple:
            i = leaf_pos.get(id(t))
            if i is not None:
                reached.add(i)
                return (0, i)
            p = producer.get(id(t))
            if p is not None:
                j = node_pos.get(id(p[0]), -1)
                if j >= 0:
                    return (2, j, p[1])
            j = const_pos.get(id(t))
            if j is None:
                j = const_pos[id(t)] = len(consts)
                consts.append(t)
            return (1, j)

        for node in order:
            refs = tuple(ref(t) for t in node.inputs)
            if all(r[0] == 1 for r in refs):
                node_pos[id(node)] = -1
                continue
            node_pos[id(node)] = len(nodes)
            nodes.append(node)
            wiring.append(refs)

        tgt_refs = []
        kept_targets = []
        kept_cts = []
        for i, t in enumerate(targets):
            r = ref(t)
            if r[0] != 1:
                tgt_refs.append(r)
                kept_targets.append(t)
                kept_cts.append(None if cts is None else cts[i])
        # Constants only referenced by the unkept part are dropped from the argument list.
        self.leaves, self.owner, self.consts, self.nodes = leaves, owner, consts, nodes
        self.wiring, self.tgt_refs, self.targets, self.cts = tuple(wiring), tuple(tgt_refs), kept_targets, kept_cts
        self.reached = reached

    def _key(self, kind: str) -> tuple:
        avals = tuple((t.array.shape, t.array.dtype) for t in self.leaves) + tuple(
            (t.array.shape, t.array.dtype) for t in self.consts
        )
        ct_key = tuple(c is None for c in self.cts) if self.cts else ()
        return (
            kind,
            tuple(n.fn for n in self.nodes),
            self.wiring,
            self.tgt_refs,
            tuple(self.owner),
            self.n_sources,
            avals,
            ct_key,
            state.replica[-1]._axis if state.replica else None,
        )

    def _replay_fn(self) -> Callable:
        fns = tuple(inline(n.fn) for n in self.nodes)
        wiring, tgt_refs = self.wiring, self.tgt_refs

        def forward(leaf_vals: tuple, const_vals: tuple) -> tuple:
            env: list = []
            for fn, refs in zip(fns, wiring):
                args = [
                    leaf_vals[r[1]] if r[0] == 0 else const_vals[r[1]] if r[0] == 1 else _out(env[r[1]], r[2])
                    for r in refs
                ]
                env.append(fn(*args))
            return tuple(leaf_vals[r[1]] if r[0] == 0 else _out(env[r[1]], r[2]) for r in tgt_refs)

        return forward

    def run(self) -> list:
        """Gradients per source (a Tensor or None), recorded as one node on recording tapes."""
        if not self.targets or not self.reached:
            return [None] * self.n_sources
        nl, nc = len(self.leaves), len(self.consts)
        reached_sources = sorted({self.owner[i] for i in self.reached})
        ct_none = tuple(c is None for c in self.cts)

        def build() -> Callable:
            forward, owner = self._replay_fn(), self.owner
            per_replica = _per_replica_leaves()

            def g(*args: Any) -> tuple:
                leaf_vals, const_vals, ct_vals = args[:nl], args[nl : nl + nc], args[nl + nc :]
                leaf_vals = per_replica(leaf_vals)
                outs, pull = jax.vjp(lambda *lv: forward(lv, const_vals), *leaf_vals)
                cts = tuple(jnp.ones_like(o) if none else c for o, c, none in zip(outs, ct_vals, ct_none))
                return _per_source(pull(cts), owner, reached_sources)

            g.__name__ = "gradient"
            return g

        # A None cotangent is passed as the target itself (static shape); g replaces it by ones_like.
        ct_tensors = tuple(t if c is None else c for t, c in zip(self.targets, self.cts))
        inputs = tuple(self.leaves) + tuple(self.consts) + ct_tensors
        per_node = _per_node_ok(inputs)
        fn = _cached_replay(self._key("grad"), build, per_node, len(self.nodes))
        if fn is None:
            return self._run_per_node(reached_sources)
        return self._run_node(fn, inputs, reached_sources)

    def _run_per_node(self, reached_sources: list) -> list:
        """The gradient of a graph seen once, eagerly node by node, as TF's tape does: each node's VJP is
        a small kernel cached by the node's function and signature (a long chain of few distinct ops
        compiles a few kernels, not one program as long as the chain)."""
        ct: dict = {}  # value ref -> cotangent array
        for r, t, c in zip(self.tgt_refs, self.targets, self.cts):
            v = t.array if c is None else c.array
            _accumulate(ct, r, _ones_like(v) if c is None else v)
        for j in range(len(self.nodes) - 1, -1, -1):
            node, refs = self.nodes[j], self.wiring[j]
            outs = node.outputs
            given = tuple(ct.pop((2, j, k), None) for k in range(len(outs)))
            if all(g is None for g in given):
                continue
            ins = [t.array for t in node.inputs]
            diff = tuple(i for i, r in enumerate(refs) if r[0] != 1 and _inexact(ins[i]))
            if not diff:
                continue
            grads = None
            twin = host_vjp(node.fn) if len(outs) == 1 else None
            if twin is not None:  # a signature's first VJP runs on the host (NumPy); its kernel compiles at the 2nd
                sig = (node.fn, diff, *[(a.shape, a.dtype) for a in ins])
                if sig in _vjp_seen:
                    twin = None
                else:
                    if len(_vjp_seen) > 8192:
                        _vjp_seen.clear()
                    _vjp_seen[sig] = True
            if twin is not None:
                try:
                    with np.errstate(all="ignore"):
                        every = twin([np.asarray(a) for a in ins], np.asarray(outs[0].array), np.asarray(given[0]))
                    grads = [every[i] for i in diff]
                    stats.host_vjps += 1
                except NoTwin:
                    grads = None
            if grads is None:
                kernel = _vjp_kernel(node.fn, len(ins), diff, tuple(g is not None for g in given), len(outs))
                grads = kernel(*ins, *(g for g in given if g is not None))
            for i, g in zip(diff, grads):
                _accumulate(ct, refs[i], g)
        per_leaf = [ct.get((0, i)) for i in range(len(self.leaves))]
        per_leaf = [_zeros_like(t.array) if g is None else g for t, g in zip(self.leaves, per_leaf)]
        per_source = _per_source(per_leaf, self.owner, reached_sources)
        result: list = [None] * self.n_sources
        for s, o in zip(reached_sources, per_source):
            result[s] = wrap(jax.device_put(o) if isinstance(o, np.ndarray) else o)
        return result

    def run_jacobian(self) -> list:
        if not self.targets or not self.reached:
            return [None] * self.n_sources
        nl = len(self.leaves)
        reached_sources = sorted({self.owner[i] for i in self.reached})

        def build() -> Callable:
            forward, owner = self._replay_fn(), self.owner
            per_replica = _per_replica_leaves()

            def jac(*args: Any) -> tuple:
                leaf_vals, const_vals = args[:nl], args[nl:]
                leaf_vals = per_replica(leaf_vals)
                out, pull = jax.vjp(lambda *lv: forward(lv, const_vals)[0], *leaf_vals)
                n = out.size
                basis = jnp.eye(n, dtype=out.dtype).reshape((n,) + out.shape)
                leaf_jacs = jax.vmap(lambda c: pull(c))(basis)
                shaped = [lj.reshape(out.shape + leaf_vals[i].shape) for i, lj in enumerate(leaf_jacs)]
                return _per_source(shaped, owner, reached_sources)

            return jac

        fn = _cached_replay(self._key("jac"), build)
        return self._run_node(fn, tuple(self.leaves) + tuple(self.consts), reached_sources)

    def _run_node(self, fn: Callable, inputs: tuple, reached_sources: list) -> list:
        """Run a replay ``fn`` on ``inputs``, record it as a node, and place its outputs per source."""
        outs = _call_replay(fn, inputs)
        if state.recording_tapes or state.accumulators:
            record(fn, inputs, outs)
        result: list = [None] * self.n_sources
        for s, o in zip(reached_sources, outs):
            result[s] = o
        return result


def _per_replica_leaves() -> Callable:
    """Inside a multi-replica strategy.run, sources become replica-varying before differentiation, so
    each replica gets its own (local) gradient as in TF, not JAX's implicit sum over replicas (the
    replica context on ``state.replica`` knows how)."""
    if not state.replica or state.replica[-1]._axis is None:
        return lambda vals: vals
    ctx = state.replica[-1]
    return lambda vals: tuple(ctx.make_varying(v) for v in vals)


def _per_source(leaf_values: Any, owner: list, reached_sources: list) -> tuple:
    """Sum the per-leaf results of each source (a variable read several times has several leaves)."""
    per_source: dict = {}
    for i, v in enumerate(leaf_values):
        s = owner[i]
        per_source[s] = v if s not in per_source else per_source[s] + v
    return tuple(per_source[s] for s in reached_sources)


def _cached_replay(key: tuple, build: Callable, per_node: bool = False, n_nodes: int = 0) -> Callable | None:
    """The replay function for a graph structure (LRU-bounded cache). A structure seen for the first time
    runs un-jitted, or node by node when ``per_node`` (returns None then); it is jitted from its second
    sighting, or later for a long graph (whose one-program compile costs more than a few node-by-node
    runs: a 3,000-node graph compiles from its 17th sighting)."""
    entry = _cache.get(key)
    if entry is None:
        entry = _cache[key] = [build(), None, 0]
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    entry[2] += 1
    if entry[2] < 2 or (per_node and entry[2] < 2 + n_nodes // 200):
        stats.eager_replays += 1
        return None if per_node else entry[0]
    if entry[1] is None:
        entry[1] = _jit_counted(entry[0])
    return entry[1]


_vjp_seen: dict = {}  # node VJP signatures already answered on the host (the next ones use the kernel)


def _per_node_ok(inputs: tuple) -> bool:
    """Whether a gradient may run node by node: eager values only, nothing recording it (a recording
    tape needs the gradient as one differentiable node), outside a multi-replica step."""
    if state.recording_tapes or state.accumulators or (state.replica and state.replica[-1]._axis is not None):
        return False
    return all(type(array_of(t)) is ArrayImpl for t in inputs)


def _inexact(a: Any) -> bool:
    k = a.dtype.kind
    return k == "f" or k == "c" or a.dtype.name == "bfloat16"


@functools.lru_cache(maxsize=4096)
def _vjp_kernel(fn: Callable, n_in: int, diff: tuple, given: tuple, n_out: int) -> Callable:
    """A jitted ``(*inputs, *given output cotangents) -> cotangents of inputs[diff]`` for node ``fn``."""

    def kernel(*args: Any) -> tuple:
        ins, cts = list(args[:n_in]), iter(args[n_in:])

        def f(*d: Any) -> Any:
            full = list(ins)
            for i, v in zip(diff, d):
                full[i] = v
            return fn(*full)

        out, pull = jax.vjp(f, *[ins[i] for i in diff])
        outs = out if type(out) in (tuple, list) else (out,)
        full_cts = tuple(next(cts) if g else _zero_ct(o) for o, g in zip(outs, given))
        return pull(type(out)(full_cts) if type(out) in (tuple, list) else full_cts[0])

    kernel.__name__ = f"vjp_{getattr(fn, '__name__', 'op')}"
    return jax.jit(kernel)


def _zero_ct(o: Any) -> Any:
    if _inexact(o):
        return jnp.zeros_like(o)
    return np.zeros(o.shape, jax.dtypes.float0)


_ADD = jax.jit(jnp.add)
_ONES = jax.jit(jnp.ones_like)
_ZEROS = jax.jit(jnp.zeros_like)


def _ones_like(a: Any) -> Any:
    return _ONES(a)


def _zeros_like(a: Any) -> Any:
    return _ZEROS(a)


def _accumulate(ct: dict, ref: tuple, g: Any) -> None:
    if ref[0] == 1 or g is None or getattr(g, "dtype", None) == jax.dtypes.float0:
        return
    key = ref if ref[0] == 2 else (0, ref[1])
    old = ct.get(key)
    if old is None:
        ct[key] = g
    elif isinstance(old, np.ndarray) and isinstance(g, np.ndarray):
        ct[key] = old + g
    else:
        ct[key] = _ADD(old, g)


def _call_replay(fn: Callable, inputs: tuple) -> tuple:
    """Run a gradient replay with recording off; user errors surface without JAX's internal chain."""
    state.replaying.append(True)
    try:
        outs = fn(*[array_of(t) for t in inputs])  # a tf.function's captured tensors: its parameters
    except Exception as e:  # noqa: BLE001 - re-raised unchanged, minus JAX's transformation context
        raise strip_jax_notes(e).with_traceback(e.__traceback__) from None
    finally:
        state.replaying.pop()
    return tuple(map(wrap, outs))


def _out(v: Any, k: int) -> Any:
    return v[k] if type(v) in (tuple, list) else v


def _topo_nodes(targets: list, leaf_pos: dict, producer: dict) -> list:
    """Nodes that produce the targets, stopping at leaves, in topological (post-)order."""
    order: list = []
    seen: set = set()
    for t in targets:
        if id(t) in leaf_pos:
            continue
        p = producer.get(id(t))
        if p is None or id(p[0]) in seen:
            continue
        stack = [(p[0], False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for inp in node.inputs:
                if id(inp) in leaf_pos:
                    continue
                q = producer.get(id(inp))
                if q is not None and id(q[0]) not in seen:
                    stack.append((q[0], False))
    return order


def _jit_counted(g: Callable) -> Callable:
    def traced(*args: Any) -> tuple:
        stats.traces += 1
        return g(*args)

    traced.__name__ = g.__name__
    return jax.jit(traced)


__all__ = ["GradientTape", "UnconnectedGradients", "stats"]
