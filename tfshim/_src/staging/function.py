"""tf.function on jax.jit: trace the Python function once per input signature, with every
Variable it reads or assigns lifted into explicit inputs/outputs of a pure function.

Tracing runs the Python function on Tensors holding JAX tracers. Variables are found by walking
the arguments, the bound instance, closures and referenced globals (tf.Module / Keras objects,
lists, dicts); a variable read during the trace that was not lifted aborts the trace, is added to
the lifted set, and the trace restarts (Python side effects before that read then run again).
A variable created during a trace makes that call run eagerly once (TF allows creation only on
the first call); a later trace that creates one raises TF's ValueError.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import types
import weakref
from typing import Any, Callable

import jax
import numpy as np
from jax._src.array import ArrayImpl

from .. import config as _config
from ..core import checks, errors, host_jaxpr, state
from ..core.convert import constant, convert_to_tensor
from ..core.dispatch import HostValueInTrace, host_call, host_kernels_on, strip_jax_notes
from ..core.record import is_variable, record
from ..core.stateless import CreatedVariable, LiftVariable, StatelessScope
from ..core.tensor import Tensor, wrap
from ..core.variable import land, lend_for_donation
from ..ops.interop import JAX_RUNTIME_ERROR, host_callback_error

_log = logging.getLogger("tfshim")


_is_var = is_variable

_PY_SCALARS = (bool, int, float, complex, np.ndarray, np.generic)

# AutoGraph's converter (set by tfshim._src.autograph, a higher floor): function -> converted function.
AUTOGRAPH: list = [None]


_NOT_ON_HOST = object()  # _run_on_host's "could not" (None is a valid result)

# Callables told of every ConcreteFunction call (tf.summary.trace_on registers one); empty: no cost.
call_observers: list = []


def _flatten(x: Any) -> tuple[list, Any]:
    return jax.tree_util.tree_flatten(x, is_leaf=lambda v: isinstance(v, Tensor) or _is_var(v))


def _collect_variables(objs: list, out: dict, depth: int = 0, seen: set | None = None) -> None:
    """Variables reachable from ``objs`` through Modules, containers and object attributes."""
    seen = set() if seen is None else seen
    for o in objs:
        if o is None or isinstance(o, (Tensor, str, bytes, int, float, bool, type)) or id(o) in seen:
            continue
        seen.add(id(o))
        if _is_var(o):
            out.setdefault(id(o), o)
        elif isinstance(o, dict):
            _collect_variables(list(o.values()), out, depth, seen)
        elif isinstance(o, (list, tuple, set)):
            _collect_variables(list(o), out, depth, seen)
        elif (depth < 6 and hasattr(o, "__dict__") and not inspect.ismodule(o)
              and not (inspect.isroutine(o) or inspect.isclass(o) or isinstance(o, Function))):
            # (callable objects count: a tf.Module subclass with ``__call__`` holds variables too)
            _collect_variables(list(vars(o).values()), out, depth + 1, seen)
        elif (
            depth < 6 and hasattr(o, "__dict__") and type(o).__module__.startswith("tfshim") and not inspect.ismodule(o)
        ):
            _collect_variables(list(vars(o).values()), out, depth + 1, seen)


def _candidates(fn: Callable, instance: Any, args: tuple, kwargs: dict) -> dict:
    roots: list = [instance, args, kwargs]
    code = getattr(fn, "__code__", None)
    if code is not None:
        closure = getattr(fn, "__closure__", None) or ()
        for cell in closure:
            try:
                roots.append(cell.cell_contents)
            except ValueError:
                pass
        g = getattr(fn, "__globals__", {})
        roots.extend(g[n] for n in code.co_names if n in g and not inspect.ismodule(g[n]))
    out: dict = {}
    _collect_variables(roots, out)
    return out


def _captured_tensors(fn: Callable, instance: Any) -> list:
    """Tensors the function can reach without arguments: its closure cells, the globals it names, the
    bound instance's attributes, containers of those, and the same of the user functions it references
    (TF's captures). Library code (tfshim's own functions) is not walked."""
    found: dict = {}
    seen: set = set()

    def visit(o: Any, depth: int) -> None:
        if id(o) in seen or depth > 3:
            return
        seen.add(id(o))
        if isinstance(o, Tensor):
            if type(o.array) is ArrayImpl:
                found.setdefault(id(o), o)
        elif isinstance(o, dict):
            for v in list(o.values()):
                visit(v, depth + 1)
        elif isinstance(o, (list, tuple)):
            for v in o:
                visit(v, depth + 1)
        elif isinstance(o, Function):
            visit_function(o._python_function, depth + 1)
        elif isinstance(o, types.FunctionType):
            if not (o.__module__ or "").startswith("tfshim"):
                visit_function(o, depth + 1)

    def visit_function(f: Any, depth: int) -> None:
        if isinstance(f, functools.partial):
            for a in (*f.args, *f.keywords.values()):
                visit(a, depth)
            f = f.func
        code = getattr(f, "__code__", None)
        if code is None:
            return
        for cell in getattr(f, "__closure__", None) or ():
            try:
                visit(cell.cell_contents, depth)
            except ValueError:  # an empty cell
                pass
        g = getattr(f, "__globals__", {})
        for n in code.co_names:
            if n in g and not inspect.ismodule(g[n]):
                visit(g[n], depth)

    visit_function(fn, 0)
    if instance is not None and hasattr(instance, "__dict__"):
        for v in list(vars(instance).values()):
            visit(v, 1)
    return list(found.values())


def _used_inputs(closed: Any, first: int, count: int) -> list[int]:
    """Which of the program's inputs ``first .. first+count-1`` its computation uses."""
    jaxpr = closed.jaxpr
    used: set = set()
    for eqn in jaxpr.eqns:
        used.update(id(v) for v in eqn.invars)
    used.update(id(v) for v in jaxpr.outvars)
    return [j for j in range(count) if id(jaxpr.invars[first + j]) in used]


def _bind_captures(jitted: Callable, caps: list) -> Callable:
    def call(var_vals: list, arg_vals: list) -> tuple:
        return jitted(var_vals, arg_vals, caps)

    return call


_HOST_EAGER = object()  # cache entry of a signature that runs eagerly because strings meet traced values


def _leaf_key(x: Any) -> Any:
    if isinstance(x, Tensor):
        v = x.array
        return ("T", v.shape, v.dtype)
    if _is_var(x):
        return ("V", id(x))
    try:
        hash(x)
        return ("P", type(x), x)
    except TypeError:
        return ("O", id(x))


class ConcreteFunction:
    """One trace of a tf.function: a jitted pure function of (variable values, tensor arguments)."""

    def __init__(self, owner: Function, args: tuple, kwargs: dict):
        self._owner = owner
        self.structured_input_signature = (args, kwargs)
        self._trace(args, kwargs)

    def _trace(self, args: tuple, kwargs: dict) -> None:
        owner = self._owner
        flat, tree = _flatten((args, kwargs))
        tensor_pos = [i for i, x in enumerate(flat) if isinstance(x, Tensor)]
        lifted = owner._lifted  # id -> variable, shared by the function's traces
        for x in flat:
            if _is_var(x):
                lifted.setdefault(id(x), x)
        fn = owner._traced_function()
        out_info: dict = {}
        # Captured tensors are implicit inputs, as in TF: substituted by the program's parameters while
        # tracing (not baked into it as constants), and recorded as inputs of the call by a tape.
        captures = _captured_tensors(fn, getattr(owner, "_bound_instance", None))
        cap_ids = [id(t) for t in captures]

        while True:
            variables = list(lifted.values())

            def pure(var_vals: list, arg_vals: list, cap_vals: list = (), variables: list = variables) -> tuple:
                state.tracing.append(True)
                host: list = []  # tf.summary writes: their values are outputs, written after the call
                try:
                    subs = dict(zip(cap_ids, cap_vals)) if cap_vals else None
                    with StatelessScope(variables, var_vals, tensors=subs) as scope:
                        state.host_outputs.append((scope, host))
                        try:
                            leaves = list(flat)
                            for i, x in zip(tensor_pos, arg_vals):
                                leaves[i] = wrap(x)
                            a, k = jax.tree_util.tree_unflatten(tree, leaves)
                            result = fn(*a, **k)
                            out_flat, out_tree = _flatten(result)
                            # TF returns Python numbers, bools and NumPy values of a tf.function as tensors.
                            out_flat = [constant(o) if isinstance(o, _PY_SCALARS) else o for o in out_flat]
                            is_t = [isinstance(o, Tensor) or _is_var(o) for o in out_flat]
                            out_vals = [o.array for o, t in zip(out_flat, is_t) if t]
                            if any(type(o) is np.ndarray for o in out_vals):
                                raise HostValueInTrace("a tf.string result")
                        finally:
                            state.host_outputs.pop()
                    out_info.update(
                        tree=out_tree, is_t=is_t, static=[o for o, t in zip(out_flat, is_t) if not t],
                        changed=scope.changed(), host=[h[0] for h in host], n_host=sum(len(h[1]) for h in host),
                        host_counts=[len(h[1]) for h in host],
                    )
                    return out_vals, scope.values(), [h[1] for h in host]
                finally:
                    state.tracing.pop()

            # Donating: the step returns every variable's new value, so XLA may update them in place.
            # Checks are emitted in this one trace (the Python function runs once, as in TF); a program that
            # made some is functionalised from the trace below.
            counted, check_scope = checks.emitting(pure)
            jitted = jax.jit(counted, donate_argnums=(0,) if variables and owner._donate else ())
            arg_vals = [flat[i].array for i in tensor_pos]
            var_vals = [v.array for v in variables]
            cap_vals = [t.array for t in captures]
            try:
                lowered = jitted.trace(var_vals, arg_vals, cap_vals) if captures else jitted.trace(var_vals, arg_vals)
            except LiftVariable as e:
                if id(e.var) in lifted:  # pragma: no cover - defensive
                    raise
                lifted[id(e.var)] = e.var
                continue
            break
        # Runtime checks (an index out of range, a failed assert): compiled in from the trace; such a program
        # returns its error first, donates nothing and assigns nothing when a check fails.
        self._checked = bool(check_scope.count)
        if self._checked:
            jitted = jax.jit(checks.checked_program(lowered))
            lowered = jitted.trace(var_vals, arg_vals, cap_vals) if captures else jitted.trace(var_vals, arg_vals)
        self._variables = variables
        self._ran = False
        self._host_tried = False
        # Under a recording tape the variables' reads are recorded Tensors holding the buffers, which must
        # survive: such calls (and the tape's replay) use the same program without donation.
        keep = jax.jit(pure) if variables and owner._donate and not self._checked else jitted
        n_args, n_vars = len(tensor_pos), len(variables)
        used = _used_inputs(lowered.jaxpr, n_vars + n_args, len(captures)) if captures else []
        self._captures = [captures[j] for j in used]  # the captured tensors the program reads
        self._cap_vals = cap_vals if captures else []
        if captures:
            self._jitted = _bind_captures(jitted, cap_vals)
            self._jitted_keep = _bind_captures(keep, cap_vals) if keep is not jitted else self._jitted
        else:
            self._jitted, self._jitted_keep = jitted, keep
        self._lowered = lowered
        self._tensor_pos = tensor_pos
        self._out = dict(out_info)

        self._host_counts = self._out["host_counts"]
        checked = self._checked  # a checked program returns (error, result)
        replay = keep
        if lowered.jaxpr.effects and not checked:
            # Host effects (tf.summary's callbacks): a tape's replay of this call must not run them again, so it
            # uses its own program, traced with ``state.replaying`` set (summary ops then emit nothing).
            def quiet(var_vals: list, arg_vals: list, cap_vals: list = (), _pure: Callable = pure) -> tuple:
                state.replaying.append(True)
                try:
                    return _pure(var_vals, arg_vals, cap_vals)
                finally:
                    state.replaying.pop()

            replay = jax.jit(quiet)

        if captures:
            def diff_fn(*vals: Any, _j: Callable = replay, _c: list = cap_vals, _u: list = used) -> tuple:
                caps = list(_c)
                for j, v in zip(_u, vals[n_args + n_vars:]):
                    caps[j] = v
                out = _j(list(vals[n_args:n_args + n_vars]), list(vals[:n_args]), caps)
                return tuple(out[1][0] if checked else out[0])
        else:
            def diff_fn(*vals: Any, _j: Callable = replay, _n: int = n_args) -> tuple:
                out = _j(list(vals[_n:]), list(vals[:_n]))
                return tuple(out[1][0] if checked else out[0])

        self._diff_fn = diff_fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call_flat(*_flatten((args, kwargs)))

    def _call_flat(self, flat: list, tree: Any = None) -> Any:
        try:
            return self._call_flat_inner(flat, tree)
        except JAX_RUNTIME_ERROR:
            pending = host_callback_error()  # a tf.py_function/numpy_function raised: TF's error, not XLA's
            if pending is not None:
                raise pending from None
            raise

    def _call_flat_inner(self, flat: list, tree: Any = None) -> Any:
        if call_observers:
            for obs in call_observers:
                obs(self)
        if not self._ran:  # the first execution compiles: one thread at a time (JAX's compile is not shared)
            if not self._host_tried:
                out = self._run_on_host(flat)
                if out is not _NOT_ON_HOST:  # a function may return None: never run its first call twice
                    return out
            with self._owner._lock:
                out = self._run(flat)
                self._ran = True
                return out
        return self._run(flat)

    def _run_on_host(self, flat: list) -> Any:
        """The first call of a new trace on the CPU, evaluated with NumPy instead of compiled (a signature
        called once never compiles; the next call compiles). _NOT_ON_HOST when that cannot be done exactly."""
        self._host_tried = True
        if self._checked or state.recording_tapes or state.accumulators or state.scopes or not host_kernels_on():
            return _NOT_ON_HOST
        closed = self._lowered.jaxpr
        variables = self._variables
        arrays = [v.array for v in variables] + [flat[i].array for i in self._tensor_pos] + list(self._cap_vals)
        if len(closed.jaxpr.invars) != len(arrays) or any(type(a) is not ArrayImpl for a in arrays):
            return _NOT_ON_HOST
        if not host_jaxpr.supported(closed):
            return _NOT_ON_HOST
        try:
            outs = host_jaxpr.evaluate(closed, *arrays)
        except host_jaxpr.Unsupported:
            return _NOT_ON_HOST
        n_host = self._out["n_host"]
        n_out = len(outs) - len(variables) - n_host
        for j in self._out["changed"]:
            variables[j].write_array(jax.device_put(outs[n_out + j]))
        if n_host:
            flat_host = iter(outs[len(outs) - n_host:])
            self._host_work([[next(flat_host) for _ in range(n)] for n in self._host_counts])
        it_t, it_s = iter([wrap(jax.device_put(o)) for o in outs[:n_out]]), iter(self._out["static"])
        leaves = [next(it_t) if t else next(it_s) for t in self._out["is_t"]]
        return jax.tree_util.tree_unflatten(self._out["tree"], leaves)

    def _host_work(self, host_vals: list) -> None:
        """Run the trace's host work (tf.summary writes) on the values the call returned for it (forwarded to an
        enclosing trace when this call is itself traced)."""
        for f, vals in zip(self._out["host"], host_vals):
            host_call(f, list(vals))

    def _run(self, flat: list) -> Any:
        arg_tensors = [flat[i] for i in self._tensor_pos]
        variables = self._variables
        recording = state.recording_tapes or state.accumulators
        arg_vals = [t.array for t in arg_tensors]
        if recording or state.scopes or self._jitted_keep is self._jitted:
            # Keep the buffers: recorded reads, values of an enclosing trace, or nothing to donate.
            if recording:
                reads = [v._read() for v in variables]
                var_vals = [t.array for t in reads]
            else:
                var_vals = [v.array for v in variables]
            res = self._jitted_keep(var_vals, arg_vals)
            if self._checked:
                err, res = res
                checks.throw(err, f"tf.function {self._owner._name}")
            out_vals, new_vals, host_vals = res
            for j in self._out["changed"]:
                variables[j].write_array(new_vals[j])
        else:
            new_vals = None
            try:
                out_vals, new_vals, host_vals = self._jitted(lend_for_donation(variables), arg_vals)
            finally:
                land(variables, new_vals)
        if host_vals:
            self._host_work(host_vals)
        outs = [wrap(x) for x in out_vals]
        if recording and outs:
            record(self._diff_fn, tuple(arg_tensors) + tuple(reads) + tuple(self._captures), tuple(outs))
        it_t, it_s = iter(outs), iter(self._out["static"])
        leaves = [next(it_t) if t else next(it_s) for t in self._out["is_t"]]
        return jax.tree_util.tree_unflatten(self._out["tree"], leaves)

    def pretty_printed_signature(self, verbose: bool = True) -> str:
        """ConcreteFunction.pretty_printed_signature: input parameters, output type and captured variables, in
        TF's layout. Difference: output dimensions are those of the trace (TF shows None where an
        ``input_signature`` leaves a dimension unknown)."""
        owner = self._owner
        args, kwargs = self.structured_input_signature
        lines = ["Input Parameters:"]
        sig = owner.function_spec
        specs = list(owner._input_signature or [])
        try:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            items = [(n, v, sig.parameters[n].kind.name) for n, v in bound.arguments.items()]
        except TypeError:
            items = [(f"arg_{i}", v, "POSITIONAL_ONLY") for i, v in enumerate(args)]
            items += [(k, v, "KEYWORD_ONLY") for k, v in kwargs.items()]
        for i, (name, value, kind) in enumerate(items):
            shown = specs[i] if i < len(specs) else value
            lines.append(f"  {name} ({kind}): {_type_str(shown)}")
        lines.append("Output Type:")
        shapes = iter(self._lowered.out_info[0])
        static = iter(self._out["static"])
        leaves = [_TypeLeaf(next(shapes)) if t else next(static) for t in self._out["is_t"]]
        lines.append("  " + _type_str(jax.tree_util.tree_unflatten(self._out["tree"], leaves)))
        lines.append("Captures:")
        flat_ids = {id(x) for x in _flatten((args, kwargs))[0]}
        caps = [v for v in self._variables if id(v) not in flat_ids]
        if not caps:
            lines.append("  None")
        for v in caps:
            lines.append(f"  {id(v)}: TensorSpec(shape=(), dtype=tf.resource, name=None)")
        return "\n".join(lines)

    @property
    def variables(self) -> tuple:
        return tuple(self._variables)

    @property
    def captured_inputs(self) -> list:
        """ConcreteFunction.captured_inputs: the captured tensors the program reads, then its variables
        (TF lists the variables' resource handles; tfshim the Variables themselves)."""
        return list(self._captures) + list(self._variables)

    @property
    def trainable_variables(self) -> tuple:
        return tuple(v for v in self._variables if v.trainable)

    @property
    def graph(self) -> Any:
        """The traced program (a ``jax.stages.Traced``); ``.jaxpr`` shows it."""
        return self._lowered


class _TypeLeaf:
    """An output tensor's shape and dtype, for ``pretty_printed_signature``."""

    def __init__(self, struct: Any):
        self.struct = struct


def _type_str(x: Any) -> str:
    """TF's rendering of a value's type in a signature: TensorSpec(...), Literal[3], Dict[...], List[...]."""
    from ..core import dtypes as _dt

    if isinstance(x, _TypeLeaf):
        shape = tuple(int(d) for d in x.struct.shape)
        return f"TensorSpec(shape={shape}, dtype=tf.{_dt._BY_NP[x.struct.dtype].name}, name=None)"
    if isinstance(x, Tensor) or _is_var(x):
        shape = tuple(int(d) for d in x.shape)
        return f"TensorSpec(shape={shape}, dtype=tf.{x.dtype.name}, name=None)"
    if type(x).__name__ == "TensorSpec":
        dims = x.shape.as_list() if x.shape.rank is not None else None
        shape = None if dims is None else tuple(dims)
        return f"TensorSpec(shape={shape}, dtype=tf.{x.dtype.name}, name={x.name!r})"
    if isinstance(x, dict):
        return "Dict[" + ", ".join(f"[{k!r}, {_type_str(v)}]" for k, v in x.items()) + "]"
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return f"{type(x).__name__}[" + ", ".join(f"[{f!r}, {_type_str(getattr(x, f))}]" for f in x._fields) + "]"
    if isinstance(x, (list, tuple)):
        kind = "List" if isinstance(x, list) else "Tuple"
        return f"{kind}[" + ", ".join(_type_str(v) for v in x) + "]"
    return f"Literal[{x!r}]"


class Function:
    """tf.function: a Python function compiled with jax.jit per input signature (TF's retracing rules)."""

    def __init__(
        self,
        python_function: Callable,
        input_signature: Any = None,
        jit_compile: Any = None,
        reduce_retracing: bool = False,
        name: str | None = None,
        autograph: bool = True,
        experimental_follow_type_hints: Any = None,
        **unused: Any,
    ):
        self._python_function = python_function
        self._autograph = autograph
        self._converted: Callable | None = None
        self._input_signature = None if input_signature is None else list(input_signature)
        self._jit_compile = jit_compile
        self._reduce_retracing = reduce_retracing
        self._name = name or getattr(python_function, "__name__", "function")
        self._cache: dict = {}
        self._lifted: dict = {}
        self._tracing_count = 0
        self._created_on_first_call = False
        self._called = False
        self._eager_reason: str | None = None
        self._instances: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        # Tracing is serialised per function: threads making the first call at once trace it once.
        self._lock = threading.RLock()
        # Compiled calls donate the variables' buffers when nothing else holds them (see donatable).
        self._donate = True
        functools.update_wrapper(self, python_function)

    def _traced_function(self) -> Callable:
        """The function tracing runs: AutoGraph's conversion of the Python function (autograph=True)."""
        if not self._autograph or AUTOGRAPH[0] is None:
            return self._python_function
        if self._converted is None:
            self._converted = AUTOGRAPH[0](self._python_function)
        return self._converted

    @property
    def python_function(self) -> Callable:
        return self._python_function

    @property
    def input_signature(self) -> Any:
        return self._input_signature

    @property
    def function_spec(self) -> Any:
        """The Python function's signature (TF returns a FunctionSpec object; tfshim an ``inspect.Signature``)."""
        return inspect.signature(self._python_function)

    def pretty_printed_concrete_signatures(self, verbose: bool = True) -> str:
        """tf.function.pretty_printed_concrete_signatures: every trace's signature, in trace order."""
        return "\n\n".join(c.pretty_printed_signature(verbose) for c in self._cache.values())

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        try:
            bound = self._instances.get(instance)
        except TypeError:
            bound = None
        if bound is None:
            bound = Function(
                functools.partial(self._python_function, instance),
                self._input_signature,
                self._jit_compile,
                self._reduce_retracing,
                self._name,
                autograph=self._autograph,
            )
            bound._bound_instance = instance
            try:
                self._instances[instance] = bound
            except TypeError:
                pass
        return bound

    def experimental_get_tracing_count(self) -> int:
        return self._tracing_count

    def _signature_args(self, args: tuple, kwargs: dict) -> tuple:
        if self._input_signature is None:
            return args, kwargs
        if kwargs:
            names = list(inspect.signature(self._python_function).parameters)
            args = tuple(args) + tuple(kwargs.pop(n) for n in names[len(args) :] if n in kwargs)
        if len(args) != len(self._input_signature):
            raise TypeError(
                f"tf.function {self._name}: called with {len(args)} arguments but its input_signature has "
                f"{len(self._input_signature)}; pass exactly the arguments the signature describes."
            )
        out = []
        for a, spec in zip(args, self._input_signature):
            t = convert_to_tensor(a, dtype=getattr(spec, "dtype", None)) if not isinstance(a, Tensor) else a
            shape = getattr(spec, "shape", None)
            if shape is not None and not shape.is_compatible_with(t.shape):
                raise TypeError(
                    f"tf.function {self._name}: argument of shape {t.shape} does not match the input_signature "
                    f"{spec}; pass a tensor of a compatible shape."
                )
            if getattr(spec, "dtype", None) is not None and t.dtype != spec.dtype:
                raise TypeError(
                    f"tf.function {self._name}: argument of dtype {t.dtype.name} does not match the input_signature "
                    f"{spec}."
                )
            out.append(t)
        return tuple(out), {}

    def _key(self, flat: list, tree: Any) -> tuple:
        if self._input_signature is not None:
            # One trace per signature, as TF; JAX compiles once per concrete shape underneath.
            return (tree, "input_signature")
        return (tree, tuple(_leaf_key(x) for x in flat))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _config.FLAGS.run_eagerly or self._eager_reason is not None:
            return self._python_function(*args, **kwargs)
        args, kwargs = self._signature_args(args, kwargs)
        flat, tree = _flatten((args, kwargs))
        key = self._key(flat, tree)
        conc = self._cache.get(key)
        if conc is None:
            with self._lock:
                conc = self._cache.get(key)
                if conc is None:
                    conc = self._new_trace(key, args, kwargs)
                    if conc is None:  # ran eagerly (variables created, or Python control flow on tensors)
                        return self._eager_result
        if conc is _HOST_EAGER:
            return self._python_function(*args, **kwargs)
        self._called = True
        return conc._call_flat(flat, tree)

    def _new_trace(self, key: tuple, args: tuple, kwargs: dict) -> ConcreteFunction | None:
        if not self._lifted:
            inst = getattr(self, "_bound_instance", None)
            self._lifted.update(_candidates(self._python_function, inst, args, kwargs))
            if isinstance(self._python_function, functools.partial):
                self._lifted.update(_candidates(self._python_function.func, inst, args, kwargs))
        try:
            try:
                if any(isinstance(x, Tensor) and type(x.array) is np.ndarray for x in _flatten((args, kwargs))[0]):
                    raise HostValueInTrace("a tf.string argument")
                conc = ConcreteFunction(self, args, kwargs)
            except Exception as e:
                strip_jax_notes(e)
                graph_e = errors.in_graph(e)  # static shape/dtype errors: TF's graph builder's ValueError/TypeError
                if graph_e is not e:  # keep the frames down to the user's failing line
                    raise graph_e.with_traceback(e.__traceback__) from None
                raise
        except HostValueInTrace:
            # Strings live on the host: this signature runs as Python, eagerly (string ops on constants made
            # while tracing other signatures run at trace time). See docs/differences.md, "String tensors".
            self._tracing_count += 1
            self._cache[key] = _HOST_EAGER
            self._eager_result = self._python_function(*args, **kwargs)
            return None
        except CreatedVariable:
            if self._called or self._created_on_first_call:
                raise ValueError(_SINGLETON_MSG) from None
            # First call creates variables: run it eagerly (as TF's first trace initialises them), then trace it
            # again at once as TF does: a function that creates variables on that second trace too (a
            # ``tf.Variable`` made on every call) is TF's ValueError.
            self._created_on_first_call = True
            self._called = True
            self._tracing_count += 1
            self._eager_result = self._python_function(*args, **kwargs)
            try:
                conc = ConcreteFunction(self, args, kwargs)
            except CreatedVariable:
                raise ValueError(_SINGLETON_MSG) from None
            except Exception:  # anything else: the eager result stands; a later call traces again
                return None
            self._tracing_count += 1
            self._cache[key] = conc
            return None
        except (
            jax.errors.ConcretizationTypeError,
            jax.errors.TracerBoolConversionError,
            jax.errors.TracerIntegerConversionError,
            jax.errors.TracerArrayConversionError,
        ) as e:
            self._eager_reason = type(e).__name__
            _log.warning(
                "tf.function %s uses Python control flow or conversions on tensor values (%s), which tfshim "
                "cannot compile; running it eagerly instead. Use tf.cond / tf.while_loop to compile it.",
                self._name,
                type(e).__name__,
            )
            self._eager_result = self._python_function(*args, **kwargs)
            return None
        self._tracing_count += 1
        self._cache[key] = conc
        if self._tracing_count == 6:
            _log.warning(
                "5 out of the last 5 calls to %s triggered tf.function retracing. Tracing is expensive; pass "
                "tensors rather than Python values, or use input_signature / reduce_retracing=True.",
                self._name,
            )
        return conc

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        """tf.function.get_concrete_function: the trace for these arguments (TensorSpecs allowed)."""
        def spec_to_tensor(x: Any) -> Any:
            if type(x).__name__ == "TensorSpec":
                shape = [1 if d is None else d for d in x.shape.as_list()]
                import numpy as np

                return constant(np.zeros(shape, x.dtype._np))
            return x

        if not args and not kwargs and self._input_signature is not None:
            args = tuple(self._input_signature)
        is_spec = lambda v: type(v).__name__ == "TensorSpec"  # noqa: E731
        given = [x for x in jax.tree_util.tree_leaves((args, kwargs), is_leaf=lambda v: is_spec(v) or _is_var(v)
                                                      or isinstance(v, Tensor)) if is_spec(x) or isinstance(x, Tensor)]
        args = jax.tree_util.tree_map(spec_to_tensor, args, is_leaf=lambda v: type(v).__name__ == "TensorSpec")
        kwargs = jax.tree_util.tree_map(spec_to_tensor, kwargs, is_leaf=lambda v: type(v).__name__ == "TensorSpec")
        args, kwargs = self._signature_args(args, kwargs)
        flat, tree = _flatten((args, kwargs))
        key = self._key(flat, tree)
        conc = self._cache.get(key)
        if conc is None:
            conc = self._new_trace(key, args, kwargs)
            if conc is None:
                conc = self._new_trace(key, args, kwargs)
        if any(is_spec(x) for x in given):
            # The specs asked for (None dims included): tf.saved_model exports the trace for these shapes.
            conc._input_specs = [x if is_spec(x) else None for x in given]
        return conc

    def __repr__(self) -> str:
        return f"<tfshim.function {self._name}>"


_SINGLETON_MSG = (
    "tf.function only supports singleton tf.Variables created on the first call. Make sure the tf.Variable is "
    "only created once or created outside tf.function. See https://www.tensorflow.org/guide/function"
    "#creating_tfvariables for more information.")


def function(
    func: Callable | None = None,
    input_signature: Any = None,
    autograph: bool = True,
    jit_compile: Any = None,
    reduce_retracing: bool = False,
    experimental_implements: Any = None,
    experimental_autograph_options: Any = None,
    experimental_attributes: Any = None,
    experimental_relax_shapes: Any = None,
    experimental_compile: Any = None,
    experimental_follow_type_hints: Any = None,
) -> Any:
    """tf.function: compile ``func`` with jax.jit per input signature, lifting variables it uses.

    With ``autograph=True`` (the default) the function's Python control flow on tensors is converted by
    AutoGraph (tfshim._src.autograph) into lax.cond / lax.while_loop / lax.scan. Code AutoGraph cannot
    convert that still branches on a tensor value runs eagerly with a warning. ``input_signature`` with
    None dims compiles once per concrete shape (tracing count stays one, as in TF).
    """

    def deco(f: Callable) -> Function:
        return Function(
            f,
            input_signature=input_signature,
            jit_compile=jit_compile,
            reduce_retracing=reduce_retracing or bool(experimental_relax_shapes),
            autograph=autograph,
        )

    return deco if func is None else deco(func)
