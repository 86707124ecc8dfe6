"""Control flow: tf.cond, tf.while_loop, tf.case, tf.switch_case, tf.map_fn, tf.vectorized_map,
tf.scan, tf.foldl.

Eagerly (concrete predicates) they run as Python control flow, op by op, exactly like TF eager.
On tracers (inside tf.function) or for vectorized_map they run as one JAX control-flow primitive
(lax.cond / lax.while_loop / lax.scan / jax.vmap) recorded as ONE node on the recording tapes.
The tensors and variables the branch/body functions capture from outside are found by running
them once under a capturing tape; the node takes them as explicit inputs, and a stateless scope
gives them the node's input values while it runs (the tape's replay passes tracers), so
gradients flow to captured tensors and weights too.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp

from ..autodiff.tape import GradientTape
from ..core import checks, errors, state
from ..core.convert import convert_to_tensor
from ..core.record import is_variable as _is_var
from ..core.record import record
from ..core.stateless import StatelessScope, array_of
from ..core.tensor import Tensor, wrap
from ..ops.array import concat, stack


def _flat(x: Any) -> tuple[list, Any]:
    return jax.tree_util.tree_flatten(x, is_leaf=lambda v: isinstance(v, Tensor) or _is_var(v))


def _to_tensors(x: Any) -> Any:
    flat, tree = _flat(x)
    return jax.tree_util.tree_unflatten(tree, [v if isinstance(v, Tensor) else convert_to_tensor(v) for v in flat])


def _is_traced(*xs: Any) -> bool:
    return bool(state.tracing) or any(isinstance(t.array, jax.core.Tracer) for t in xs if isinstance(t, Tensor))


class _CaptureTape(GradientTape):
    """Records which outside tensors/variables a function uses (every variable counts as watched)."""

    _captures_all = True

    def __init__(self, inputs: list):
        super().__init__(persistent=True, watch_accessed_variables=True)
        self.produced: set = {id(t) for t in inputs}
        self.captured: dict = {}

    def _record(self, fn: Callable, inputs: tuple, outs: tuple, node: Any) -> Any:
        for t in inputs:
            if id(t) not in self.produced and id(t) not in self.captured:
                self.captured[id(t)] = t
        for o in outs:
            self.produced.add(id(o))
        return node


def captures_of(fn: Callable, example_inputs: list) -> tuple[list, list]:
    """(captured tensors, captured variables) used by ``fn(*example_inputs)`` from outside."""
    cap = _CaptureTape(example_inputs)
    saved = list(state.recording_tapes)
    state.recording_tapes[:] = [cap]
    cap._recording = True
    try:
        fn(*example_inputs)
    finally:
        state.recording_tapes[:] = saved
        cap._recording = False
    variables = list(cap._watched_vars.values())
    reads = {id(t) for rs in cap._var_reads.values() for t in rs}
    tensors = [t for i, t in cap.captured.items() if i not in reads]
    return tensors, variables


def functional_op(name: str, explicit: list, body: Callable, probe: Callable) -> list:
    """Run ``body(*explicit_values) -> list of jax values`` as one recorded node.

    ``probe()`` runs the user functions once on Tensors so their captures can be found.
    """
    cap_tensors, cap_vars = captures_of(lambda *a: probe(), [])
    n, nt = len(explicit), len(cap_tensors)

    def node_fn(*vals: Any) -> tuple:
        subs = {id(t): v for t, v in zip(cap_tensors, vals[n : n + nt])}
        with StatelessScope(cap_vars, vals[n + nt :], lift=False, tensors=subs):
            saved = list(state.recording_tapes)
            state.recording_tapes[:] = []
            try:
                return tuple(body(*vals[:n]))
            finally:
                state.recording_tapes[:] = saved

    node_fn.__name__ = name
    reads = [v._read() for v in cap_vars]
    inputs = tuple(explicit) + tuple(cap_tensors) + tuple(reads)
    arrays = [array_of(t) for t in inputs]
    if not state.check_scopes and not any(isinstance(a, jax.core.Tracer) for a in arrays):
        # Eager: the body is traced by lax.scan/while/cond, so TF's value checks (gather ranges, asserts, integer
        # division by zero) inside it are not made there; when the body makes any, run it again with them
        # compiled in and raise here (core/checks.py). The body is pure (stateless scope): running it twice
        # changes nothing.
        counted, scope = checks.counting(node_fn)
        outs = counted(*arrays)
        if scope.count:
            err, outs = checks.checkified(node_fn)(*arrays)
            checks.throw(err, f"tf.{name}")
    else:
        outs = node_fn(*arrays)
    res = tuple(wrap(o) for o in outs)
    if state.recording_tapes or state.accumulators:
        record(node_fn, inputs, res)
    return list(res)


# ------------------------------------------------------------------------------------------- cond
def cond(pred: Any, true_fn: Callable | None = None, false_fn: Callable | None = None, name: Any = None) -> Any:
    """tf.cond: ``true_fn()`` if ``pred`` else ``false_fn()``; one lax.cond inside tf.function."""
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("tf.cond: true_fn and false_fn must be callable (functions of no arguments).")
    p = convert_to_tensor(pred)
    if p.shape.rank != 0:
        raise ValueError(f"tf.cond: pred must be a scalar boolean, got shape {p.shape}.")
    if not _is_traced(p):
        return true_fn() if bool(p) else false_fn()
    trees: dict = {}

    def probe() -> None:
        true_fn()
        false_fn()

    def branch(fn: Callable, key: str) -> Callable:
        def b() -> list:
            flat, tree = _flat(_to_tensors(fn()))
            trees[key] = tree
            return [array_of(t) for t in flat]

        return b

    def body(pv: Any) -> list:
        return jax.lax.cond(pv.astype(bool), branch(true_fn, "t"), branch(false_fn, "f"))

    outs = functional_op("cond", [p], body, probe)
    if trees.get("t") != trees.get("f"):
        raise ValueError("tf.cond: true_fn and false_fn must return the same structure of tensors.")
    return jax.tree_util.tree_unflatten(trees["t"], outs)


def case(
    pred_fn_pairs: Any, default: Callable | None = None, exclusive: bool = False, strict: bool = False, name: Any = None
) -> Any:
    """tf.case: the function of the first true predicate (else ``default``)."""
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    if not pairs:
        if default is None:
            raise ValueError("tf.case: pred_fn_pairs is empty and no default is given.")
        return default()
    fallback = default if default is not None else pairs[-1][1]
    result = fallback
    for p, f in reversed(pairs if default is not None else pairs[:-1]):
        result = _link(p, f, result)
    if exclusive and not _is_traced(*[convert_to_tensor(p) for p, _ in pairs]):
        n = sum(bool(convert_to_tensor(p)) for p, _ in pairs)
        if n > 1:
            raise errors.InvalidArgumentError(
                None, None, "tf.case: more than one condition evaluated as True with exclusive=True."
            )
    return result()


def _link(p: Any, f: Callable, rest: Callable) -> Callable:
    def chained() -> Any:
        return cond(p, f, rest)

    return chained


def switch_case(branch_index: Any, branch_fns: Any, default: Callable | None = None, name: Any = None) -> Any:
    """tf.switch_case: ``branch_fns[branch_index]()`` (out-of-range index → ``default`` or the last branch)."""
    fns = [f for _, f in sorted(branch_fns.items())] if isinstance(branch_fns, dict) else list(branch_fns)
    if isinstance(branch_fns, dict):
        keys = sorted(branch_fns)
        if keys != list(range(len(keys))):
            raise ValueError("tf.switch_case: dict keys of branch_fns must be 0..n-1.")
    if not fns:
        raise ValueError("tf.switch_case: branch_fns must not be empty.")
    idx = convert_to_tensor(branch_index)
    fns = fns + [default if default is not None else fns[-1]]
    if not _is_traced(idx):
        i = int(idx)
        return fns[i] if 0 <= i < len(fns) - 1 else fns[-1]()
    trees: dict = {}

    def probe() -> None:
        for f in fns:
            f()

    def body(iv: Any) -> list:
        safe = jnp.where((iv >= 0) & (iv < len(fns) - 1), iv, len(fns) - 1)

        def mk(f: Callable) -> Callable:
            def b() -> list:
                flat, tree = _flat(_to_tensors(f()))
                trees["t"] = tree
                return [array_of(t) for t in flat]

            return b

        return jax.lax.switch(safe, [mk(f) for f in fns])

    outs = functional_op("switch_case", [idx], body, probe)
    return jax.tree_util.tree_unflatten(trees["t"], outs)


# ------------------------------------------------------------------------------------------ loops
def while_loop(
    cond: Callable,
    body: Callable,
    loop_vars: Any,
    shape_invariants: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    maximum_iterations: Any = None,
    name: Any = None,
) -> Any:
    """tf.while_loop: repeat ``body`` while ``cond``. Inside tf.function it is one lax loop, reverse-
    differentiable when ``maximum_iterations`` is given (lax.scan with a done flag)."""
    single = not isinstance(loop_vars, (list, tuple))
    lv = [loop_vars] if single else loop_vars
    lv = _to_tensors(list(lv))
    flat, tree = _flat(lv)
    if not _is_traced(*flat):
        i = 0
        limit = None if maximum_iterations is None else int(convert_to_tensor(maximum_iterations))
        while (limit is None or i < limit) and bool(cond(*lv)):
            out = body(*lv)
            lv = _to_tensors(list(out) if isinstance(out, (list, tuple)) else [out])
            i += 1
        return lv[0] if single else (type(loop_vars)(lv) if isinstance(loop_vars, tuple) else lv)

    def probe() -> None:
        cond(*lv)
        body(*lv)

    def run(*vals: Any) -> list:
        vals = list(vals)

        def cond_v(vals: list) -> Any:
            return array_of(convert_to_tensor(cond(*jax.tree_util.tree_unflatten(tree, [wrap(v) for v in vals]))))

        def body_v(vals: list) -> list:
            out = body(*jax.tree_util.tree_unflatten(tree, [wrap(v) for v in vals]))
            out = list(out) if isinstance(out, (list, tuple)) else [out]
            of, _ = _flat(_to_tensors(out))
            arrays = [array_of(o) for o in of]
            return [jnp.asarray(o).astype(v.dtype).reshape(v.shape) if o.shape == v.shape else o
                    for o, v in zip(arrays, vals)]

        if maximum_iterations is None:
            return jax.lax.while_loop(lambda v: cond_v(v).astype(bool).reshape(()), body_v, vals)
        mi = convert_to_tensor(maximum_iterations)
        if isinstance(mi.array, jax.core.Tracer):
            raise ValueError("tf.while_loop: maximum_iterations must be a Python int or a concrete tensor.")
        n = int(mi)

        def step(carry: tuple, _: Any) -> tuple:
            done, v = carry
            go = jnp.logical_and(jnp.logical_not(done), cond_v(v).astype(bool).reshape(()))
            nv = body_v(v)
            v = [jnp.where(go, a, b) for a, b in zip(nv, v)]
            return (jnp.logical_not(go), v), None

        (_, out), _ = jax.lax.scan(step, (jnp.asarray(False), vals), None, length=n)
        return out

    outs = functional_op("while_loop", flat, run, probe)
    res = jax.tree_util.tree_unflatten(tree, outs)
    return res[0] if single else (tuple(res) if isinstance(loop_vars, tuple) else res)


def _leading(elems_flat: list) -> int:
    n = {t.shape[0] for t in elems_flat}
    if len(n) != 1:
        raise ValueError(f"tf.map_fn / tf.scan: all elems must have the same first dimension, got {sorted(n)}.")
    return n.pop()


def map_fn(
    fn: Callable,
    elems: Any,
    dtype: Any = None,
    parallel_iterations: Any = None,
    back_prop: bool = True,
    swap_memory: bool = False,
    infer_shape: bool = True,
    name: Any = None,
    fn_output_signature: Any = None,
) -> Any:
    """tf.map_fn: apply ``fn`` to each slice of ``elems`` along axis 0 and stack the results."""
    elems = _to_tensors(elems)
    flat, tree = _flat(elems)
    n = _leading(flat)
    if not _is_traced(*flat):
        results = []
        for i in range(n):
            x = jax.tree_util.tree_unflatten(tree, [t[i] for t in flat])
            results.append(_to_tensors(fn(x)))
        if not results:
            raise ValueError("tf.map_fn: elems has zero length; tfshim cannot infer the output shape.")
        rflat = [_flat(r)[0] for r in results]
        otree = _flat(results[0])[1]
        return jax.tree_util.tree_unflatten(otree, [stack([r[j] for r in rflat]) for j in range(len(rflat[0]))])
    return vectorized_map(fn, elems)


def vectorized_map(fn: Callable, elems: Any, fallback_to_while_loop: bool = True, warn: bool = True) -> Any:
    """tf.vectorized_map: ``fn`` mapped over axis 0 of ``elems`` with jax.vmap (one node)."""
    elems = _to_tensors(elems)
    flat, tree = _flat(elems)
    _leading(flat)
    trees: dict = {}

    def one(*vals: Any) -> list:
        out, otree = _apply(fn, tree, vals)
        trees["o"] = otree
        return out

    def body(*vals: Any) -> list:
        return jax.vmap(lambda *v: one(*v))(*vals)

    def probe() -> None:
        fn(jax.tree_util.tree_unflatten(tree, [t[0] for t in flat]))

    outs = functional_op("vectorized_map", flat, body, probe)
    return jax.tree_util.tree_unflatten(trees["o"], outs)


def _apply(fn: Callable, tree: Any, vals: Any) -> tuple:
    x = jax.tree_util.tree_unflatten(tree, [wrap(v) for v in vals])
    out = _to_tensors(fn(x))
    of, otree = _flat(out)
    return [array_of(t) for t in of], otree


def scan(
    fn: Callable,
    elems: Any,
    initializer: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    infer_shape: bool = True,
    reverse: bool = False,
    name: Any = None,
) -> Any:
    """tf.scan: cumulative ``acc = fn(acc, x)`` over axis 0 of ``elems``; returns the stacked accumulators."""
    elems = _to_tensors(elems)
    eflat, etree = _flat(elems)
    n = _leading(eflat)
    if initializer is None:
        if n == 0:  # TF reads element 0 of an empty TensorArray (in a graph: a strided slice out of bounds)
            cls = errors.InvalidArgumentError if state.tracing else errors.OutOfRangeError
            raise cls(None, None, "tf.scan/foldl/foldr: Tried to read from index 0 but array size is: 0 (empty "
                                  "`elems` need an `initializer`)")
        init = jax.tree_util.tree_unflatten(etree, [t[-1 if reverse else 0] for t in eflat])
        sl = slice(None, n - 1) if reverse else slice(1, None)
        eflat = [t[sl] for t in eflat]
        elems = jax.tree_util.tree_unflatten(etree, eflat)
    else:
        init = _to_tensors(initializer)
    iflat, itree = _flat(init)
    ni = len(iflat)

    def body(*vals: Any) -> list:
        # A fresh step function per call: JAX caches traced bodies by function identity, and the
        # body reads captured values that change between the first run and a tape's replay.
        def step(carry: list, xs: list) -> tuple:
            acc = jax.tree_util.tree_unflatten(itree, [wrap(c) for c in carry])
            x = jax.tree_util.tree_unflatten(etree, [wrap(v) for v in xs])
            out = _to_tensors(fn(acc, x))
            of, _ = _flat(out)
            new = [array_of(o).astype(c.dtype) for o, c in zip(of, carry)]
            return new, new

        _, ys = jax.lax.scan(step, list(vals[:ni]), list(vals[ni:]), reverse=reverse)
        return ys

    def probe() -> None:
        # one element (zeros when none is left: a single element without initializer, or empty elems)
        first = [t[0] if t.shape[0] else wrap(jnp.zeros(tuple(t.shape[1:]), array_of(t).dtype)) for t in eflat]
        fn(init, jax.tree_util.tree_unflatten(etree, first))

    outs = functional_op("scan", iflat + eflat, body, probe)
    res = jax.tree_util.tree_unflatten(itree, outs)
    if initializer is None:
        rf, rt = _flat(res)
        first = [t[None] for t in iflat]
        rf = [concat([r, f], 0) if reverse else concat([f, r], 0) for r, f in zip(rf, first)]
        res = jax.tree_util.tree_unflatten(rt, rf)
    return res


def _empty_without_initializer(fn_name: str) -> None:
    # TF: eager reads index 0 of an empty TensorArray (OutOfRangeError); a tf.function reads element 0 of an
    # empty TensorList (InvalidArgumentError).
    cls = errors.InvalidArgumentError if state.tracing else errors.OutOfRangeError
    raise cls(
        None, None,
        f"{fn_name}: elems is empty (first dimension 0) and no initializer was given, so there is no first "
        "element to start from (TF: 'Tried to read from index 0 but array size is: 0'); pass initializer=.")


def _fold_empty(fn_name: str, elems: Any, initializer: Any) -> Any:
    """None when ``elems`` has elements; else TF's result for an empty fold (the initializer) or its error."""
    eflat, _ = _flat(_to_tensors(elems))
    if _leading(eflat) != 0:
        return None
    if initializer is None:
        _empty_without_initializer(fn_name)
    return _to_tensors(initializer)


def foldl(
    fn: Callable,
    elems: Any,
    initializer: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    name: Any = None,
) -> Any:
    """tf.foldl: the final accumulator of ``fn`` over axis 0 of ``elems``."""
    empty = _fold_empty("tf.foldl", elems, initializer)
    if empty is not None:
        return empty
    res = scan(fn, elems, initializer=initializer)
    rf, rt = _flat(res)
    if rf and rf[0].shape[0] == 0:  # no element: the initializer itself
        return _to_tensors(initializer)
    return jax.tree_util.tree_unflatten(rt, [r[-1] for r in rf])


def foldr(
    fn: Callable,
    elems: Any,
    initializer: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    name: Any = None,
) -> Any:
    """tf.foldr: like foldl, from the last element to the first."""
    empty = _fold_empty("tf.foldr", elems, initializer)
    if empty is not None:
        return empty
    res = scan(fn, elems, initializer=initializer, reverse=True)
    rf, rt = _flat(res)
    if rf and rf[0].shape[0] == 0:
        return _to_tensors(initializer)
    return jax.tree_util.tree_unflatten(rt, [r[0] for r in rf])

