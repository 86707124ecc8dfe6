"""tf.saved_model.save / load: a model that loads without its Python code.

A SavedModel here is a folder:

- ``saved_model.json``: the object tree (modules, lists, dicts, variables, functions, assets), each
  function's concrete functions (input and output structure, input specs with ``None`` dims, the variables
  it reads), the signatures, and a CRC-32C of every other file. Plain JSON: loading never unpickles or
  executes stored code.
- ``functions/*.jaxexport``: each concrete function serialised with ``jax.export`` (StableHLO with JAX's
  calling convention; ``None`` dims exported as symbolic dims), a pure function ``(variable values,
  arguments) -> (outputs, new variable values)``, with its VJP where JAX can export it, so loaded functions
  are differentiable (a GradientTape records them as one op).
- ``variables/variables``: the variables' values, written by tf.train.Checkpoint's code under TF's
  object-graph keys (``tf.train.load_checkpoint(<dir>/variables/variables)`` reads them).
- ``assets/``: copies of the files of ``tf.saved_model.Asset`` objects.

Differences from TF: the files are not TF's ``saved_model.pb`` protobuf (real TensorFlow cannot load them,
and tfshim cannot load TF's); a function is saved for every trace it has (its ``input_signature`` or the
calls made before saving), as TF does, but Python-value arguments are fixed per trace.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

import jax
import numpy as np

from ..core import dtypes as _dt
from ..core import errors, state
from ..core.convert import convert_to_tensor
from ..core.record import is_variable, record
from ..core.tensor import Tensor, wrap
from ..core.tensor_spec import TensorSpec
from ..core.variable import Variable
from ..module import Module
from ..staging.function import ConcreteFunction, Function, function
from ..summary import ops as summary_ops
from ..train import checkpoint, crc32c, trackable

FORMAT = "tfshim.saved_model/1"
_PLATFORMS = ("cpu", "cuda")
META = "saved_model.json"


class SaveOptions:
    """tf.saved_model.SaveOptions: accepted for compatibility (no option changes what tfshim writes)."""

    def __init__(self, namespace_whitelist: Any = None, save_debug_info: bool = False, function_aliases: Any = None,
                 experimental_io_device: Any = None, experimental_variable_policy: Any = None,
                 experimental_custom_gradients: bool = True, experimental_image_format: bool = False,
                 experimental_skip_saver: bool = False, experimental_sharding_callback: Any = None,
                 extra_tags: Any = None):
        self.function_aliases = function_aliases
        self.experimental_custom_gradients = experimental_custom_gradients


class LoadOptions:
    """tf.saved_model.LoadOptions: accepted for compatibility."""

    def __init__(self, allow_partial_checkpoint: bool = False, experimental_io_device: Any = None,
                 experimental_skip_checkpoint: bool = False, experimental_variable_policy: Any = None,
                 experimental_load_function_aliases: bool = False):
        self.experimental_skip_checkpoint = experimental_skip_checkpoint


class Asset:
    """tf.saved_model.Asset(path): a file saved with the model (copied into ``assets/``); after loading,
    ``asset_path`` names the copy."""

    def __init__(self, path: Any):
        self.asset_path = os.fspath(path.numpy() if isinstance(path, Tensor) else path)

    def _trackable_children(self) -> dict:
        return {}

    def __repr__(self) -> str:
        return f"<tf.saved_model.Asset {self.asset_path!r}>"


# --- structures as JSON ------------------------------------------------------------------------------------------
class _Leaf:
    def __init__(self, index: int):
        self.index = index


def _is_leaf(x: Any) -> bool:
    return isinstance(x, (Tensor, _Leaf)) or is_variable(x)


def _encode(x: Any, fn: str) -> Any:
    if isinstance(x, _Leaf):
        return {"t": x.index}
    if x is None or isinstance(x, (bool, int, float, str)):
        return {"c": x}
    if isinstance(x, np.generic):
        return {"c": x.item()}
    if isinstance(x, dict):
        return {"dict": [[str(k), _encode(v, fn)] for k, v in x.items()]}
    if isinstance(x, list):
        return {"list": [_encode(v, fn) for v in x]}
    if isinstance(x, tuple):
        return {"tuple": [_encode(v, fn) for v in x]}
    raise ValueError(
        f"{fn}: cannot save a function argument or result of type {type(x).__name__} ({x!r}); use tensors, "
        "Python numbers, strings, None, and lists/tuples/dicts of them."
    )


def _fill(struct: Any, f: Any) -> Any:
    """``struct`` with every _Leaf replaced by ``f(leaf)`` (constants kept)."""
    if isinstance(struct, _Leaf):
        return f(struct)
    if isinstance(struct, dict):
        return {k: _fill(v, f) for k, v in struct.items()}
    if isinstance(struct, list):
        return [_fill(v, f) for v in struct]
    if isinstance(struct, tuple):
        return tuple(_fill(v, f) for v in struct)
    return struct


def _decode(d: Any) -> Any:
    if "t" in d:
        return _Leaf(d["t"])
    if "c" in d:
        return d["c"]
    if "dict" in d:
        return {k: _decode(v) for k, v in d["dict"]}
    if "list" in d:
        return [_decode(v) for v in d["list"]]
    return tuple(_decode(v) for v in d["tuple"])


# --- saving --------------------------------------------------------------------------------------------------
def _functions_of(obj: Any) -> dict:
    """The tf.functions of an object: tf.function methods of its class (bound) and Function attributes."""
    out: dict = {}
    for klass in type(obj).__mro__:
        for name, val in vars(klass).items():
            if isinstance(val, Function) and name not in out:
                out[name] = getattr(obj, name)
    for name, val in list(getattr(obj, "__dict__", {}).items()):
        if isinstance(val, Function):
            out[name] = val
    return out


def _dtype_np(dt: Any) -> Any:
    return _dt.as_dtype(dt).as_numpy_dtype


class _Saver:
    def __init__(self, root: Any, export_dir: str, fn: str):
        self.root = root
        self.dir = export_dir
        self.fn = fn
        self.files: dict = {}
        self.concretes: list = []  # saved concrete functions (JSON entries)
        self.by_conc: dict = {}  # id(ConcreteFunction) -> index in self.concretes
        self.var_index: dict = {}  # id(variable) -> index in variables list
        self.variables: list = []

    def add_variable(self, v: Any) -> int:
        i = self.var_index.get(id(v))
        if i is None:
            i = self.var_index[id(v)] = len(self.variables)
            self.variables.append(v)
        return i

    def export(self, conc: ConcreteFunction, arg_specs: list | None, arg_names: list | None = None) -> int:
        if id(conc) in self.by_conc:
            return self.by_conc[id(conc)]
        args, kwargs = conc.structured_input_signature
        flat, tree = jax.tree_util.tree_flatten((args, kwargs), is_leaf=_is_leaf)
        tensors = [x for x in flat if isinstance(x, Tensor)]
        if arg_specs is None:
            asked = getattr(conc, "_input_specs", None)  # get_concrete_function(TensorSpec(...)) keeps its specs
            if asked is not None and len(asked) == len(tensors):
                arg_specs = [s if s is not None else TensorSpec(t.shape, t.dtype) for s, t in zip(asked, tensors)]
            else:
                arg_specs = [TensorSpec(t.shape, t.dtype) for t in tensors]
        leaves, k = [], 0
        for x in flat:
            if isinstance(x, Tensor):
                leaves.append(_Leaf(k))
                k += 1
            elif is_variable(x):
                raise ValueError(f"{self.fn}: a tf.function taking a tf.Variable argument cannot be saved; pass "
                                 "its value or make it an attribute.")
            else:
                leaves.append(x)
        in_struct = _encode(jax.tree_util.tree_unflatten(tree, leaves), self.fn)
        avals = _symbolic_avals(arg_specs)
        variables = list(conc._variables)
        var_avals = [jax.ShapeDtypeStruct(v.array.shape, v.array.dtype) for v in variables]
        try:
            # Summaries are host callbacks, which cannot be serialised: the saved function leaves them out.
            with summary_ops.suppressed():
                try:  # for the CPU and CUDA both: a model saved on one loads on the other
                    exported = jax.export.export(conc._jitted_keep, platforms=_PLATFORMS)(var_avals, avals)
                except Exception:  # noqa: BLE001 - an op without a lowering for one of them: this backend only
                    exported = jax.export.export(conc._jitted_keep)(var_avals, avals)
        except Exception as e:
            hint = ""
            if any(isinstance(d, str) or not isinstance(d, int) for a in avals for d in a.shape):
                hint = (" A None dimension is exported as a symbolic size: the function must not need its value "
                        "(e.g. tf.random.normal(tf.shape(x))) nor need it to equal another None dimension (a leading "
                        "None is one shared batch size); give such dimensions sizes in the input_signature.")
            raise ValueError(
                f"{self.fn}: could not export tf.function {conc._owner._name} for inputs {arg_specs}.{hint} "
                f"JAX said: {e}"
            ) from e
        try:
            blob = exported.serialize(vjp_order=1)
            differentiable = True
        except Exception:  # noqa: BLE001 - a function JAX cannot differentiate is saved without its VJP
            blob = exported.serialize()
            differentiable = False
        name = f"functions/f{len(self.concretes)}.jaxexport"
        self._write(name, bytes(blob))
        out = conc._out
        it = iter(range(10**9))
        out_leaves = [_Leaf(next(it)) if t else None for t in out["is_t"]]
        statics = iter(out["static"])
        out_leaves = [x if x is not None else next(statics) for x in out_leaves]
        out_struct = _encode(jax.tree_util.tree_unflatten(out["tree"], out_leaves), self.fn)
        entry = {
            "file": name,
            "inputs": in_struct,
            "specs": [[None if d is None else int(d) for d in s.shape.as_list()] if s.shape.rank is not None
                      else None for s in arg_specs],
            "dtypes": [_dt.as_dtype(s.dtype).name for s in arg_specs],
            "outputs": out_struct,
            "variables": [self.add_variable(v) for v in variables],
            "changed": list(out["changed"]),
            "differentiable": differentiable,
            "arg_names": arg_names,
        }
        self.concretes.append(entry)
        self.by_conc[id(conc)] = len(self.concretes) - 1
        return len(self.concretes) - 1

    def function(self, f: Function) -> list:
        """The saved concrete functions of tf.function ``f``: its input_signature's, or its traces so far."""
        names = _arg_names(f)
        if f.input_signature is not None:
            if names is not None:  # a TensorSpec's name names the signature's input, as in TF
                names = [getattr(sp, "name", None) or n for sp, n in zip(f.input_signature, names)] + names[
                    len(f.input_signature):]
            conc = f.get_concrete_function()
            return [self.export(conc, list(f.input_signature), names)]
        return [self.export(c, None, names) for c in list(f._cache.values())]

    def _write(self, rel: str, data: bytes) -> None:
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        self.files[rel] = crc32c.value(data)


def _arg_names(f: Function) -> list | None:
    import inspect

    try:
        params = list(inspect.signature(f.python_function).parameters.values())
    except (TypeError, ValueError):
        return None
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _symbolic_avals(specs: list) -> list:
    """ShapeDtypeStructs of the specs; ``None`` dims become symbolic (a leading None dim is one shared batch
    dim ``b`` across inputs, other None dims get their own symbols)."""
    names: list = []
    slots: list = []
    for i, s in enumerate(specs):
        dims = s.shape.as_list() if s.shape.rank is not None else None
        if dims is None:
            raise ValueError(f"tf.saved_model.save: input {i} has unknown rank ({s}); give it a rank.")
        row = []
        for j, d in enumerate(dims):
            if d is None:
                sym = "b" if j == 0 else f"d{i}_{j}"
                if sym not in names:
                    names.append(sym)
                row.append(sym)
            else:
                row.append(int(d))
        slots.append(row)
    syms = dict(zip(names, jax.export.symbolic_shape(",".join(names)))) if names else {}
    return [
        jax.ShapeDtypeStruct(tuple(syms[d] if isinstance(d, str) else d for d in row), _dtype_np(s.dtype))
        for row, s in zip(slots, specs)
    ]


class _Root:
    """The checkpoint root of a SavedModel: the object's children plus variables its functions capture
    from elsewhere (saved under ``_captured``)."""

    def __init__(self, root: Any, extra: list):
        self._root, self._extra = root, extra

    def _trackable_children(self) -> dict:
        out = dict(trackable.children(self._root))
        if self._extra:
            out["_captured"] = list(self._extra)
        return out


def _default_signature(obj: Any) -> Function | None:
    """A Keras model built on Inputs: its call as a tf.function over the inputs' specs (TF's default)."""
    inputs = getattr(obj, "inputs", None)
    if not inputs or not callable(getattr(obj, "call", None)):
        return None
    try:
        specs = [TensorSpec(tuple(t.shape), _dt.as_dtype(str(t.dtype))) for t in inputs]
    except Exception:  # noqa: BLE001 - an input we cannot describe: no default signature
        return None
    if len(specs) == 1:
        return function(lambda x: obj(x, training=False), input_signature=specs)
    return function(lambda *xs: obj(list(xs), training=False), input_signature=specs)


def save(obj: Any, export_dir: Any, signatures: Any = None, options: Any = None, format: str = "tfshim") -> None:
    """tf.saved_model.save(obj, export_dir, signatures=None, options=None): write ``obj`` (a tf.Module, a
    Keras model, any trackable) with its variables, tf.functions, nested modules and assets, loadable by
    ``tf.saved_model.load`` in a process that does not have the Python code.

    Beyond TF: ``format="tf"`` writes a real TensorFlow SavedModel instead (needs TensorFlow installed; the
    functions go through ``jax2tf``), which TF's ``tf.saved_model.load`` and TF Serving load."""
    fn = "tf.saved_model.save"
    if format == "tf":
        return _save_tf(obj, export_dir, signatures)
    if format != "tfshim":
        raise ValueError(f"{fn}: format must be 'tfshim' (default) or 'tf', received {format!r}.")
    if not (trackable.is_trackable(obj)):
        raise ValueError(f"{fn}: expected a trackable object (tf.Module, Keras model), received {obj!r}.")
    if state.tracing:
        raise RuntimeError(f"{fn}: cannot save inside tf.function; call it eagerly.")
    export_dir = os.fspath(export_dir)
    os.makedirs(export_dir, exist_ok=True)
    for sub in ("functions", "assets"):
        shutil.rmtree(os.path.join(export_dir, sub), ignore_errors=True)
    saver = _Saver(obj, export_dir, fn)

    # signatures
    sig_funcs: dict = {}
    if signatures is None:
        found = [f for f in _functions_of(obj).values() if f.input_signature is not None]
        if len(found) == 1:
            sig_funcs["serving_default"] = found[0]
        elif not found:
            d = _default_signature(obj)
            if d is not None:
                sig_funcs["serving_default"] = d
    elif isinstance(signatures, dict):
        sig_funcs = dict(signatures)
    else:
        sig_funcs["serving_default"] = signatures
    default_call = sig_funcs.get("serving_default") if signatures is None and _keras_like(obj) else None
    sigs: dict = {}
    for key, f in sig_funcs.items():
        if isinstance(f, Function):
            if f.input_signature is None:
                raise ValueError(f"{fn}: signature {key!r} is a tf.function without input_signature; pass "
                                 "f.get_concrete_function(tf.TensorSpec(...)) or give it an input_signature.")
            sigs[key] = saver.function(f)[0]
        elif isinstance(f, ConcreteFunction):
            sigs[key] = saver.export(f, None, _arg_names(f._owner))
        else:
            raise ValueError(f"{fn}: signature {key!r} must be a tf.function or a concrete function, received "
                             f"{f!r}.")

    # the object tree
    graph = trackable.Graph(obj)
    nodes: list = []
    assets_written: dict = {}
    for i, o in enumerate(graph.objects):
        node: dict = {"children": [[n, j] for n, j in graph.edges[i]]}
        if isinstance(o, Variable):
            node.update(kind="variable", index=saver.add_variable(o))
        elif isinstance(o, Asset):
            src = o.asset_path
            if not os.path.isfile(src):
                raise errors.NotFoundError(None, None, f"{fn}: asset file {src!r} does not exist.")
            rel = assets_written.get(src)
            if rel is None:
                base = os.path.basename(src)
                rel = os.path.join("assets", base if base not in {os.path.basename(r) for r in assets_written.values()}
                                   else f"{len(assets_written)}_{base}")
                with open(src, "rb") as fh:
                    saver._write(rel, fh.read())
                assets_written[src] = rel
            node.update(kind="asset", path=rel)
        elif isinstance(o, dict):
            node.update(kind="dict")
        elif isinstance(o, (list, tuple)):
            node.update(kind="list", length=len(o), tuple=isinstance(o, tuple))
        else:
            node.update(kind="object", cls=type(o).__name__)
            funcs = {}
            for name, f in _functions_of(o).items():
                ids = saver.function(f)
                if ids:
                    funcs[name] = ids
            if i == 0 and "__call__" not in funcs and default_call is not None:
                funcs["__call__"] = [sigs["serving_default"]]  # a Keras model stays callable after loading
            node["functions"] = funcs
        nodes.append(node)

    # variables: those of the tree and those the functions capture from elsewhere
    in_graph = {id(o) for o in graph.objects}
    extra = [v for v in saver.variables if id(v) not in in_graph]
    save_root = _Root(obj, extra)
    sgraph = trackable.Graph(save_root)
    keys = {id(o): trackable.value_key(p) for o, p in zip(sgraph.objects, sgraph.paths) if isinstance(o, Variable)}
    var_meta = []
    for v in saver.variables:
        a = v.array
        var_meta.append({
            "key": keys[id(v)], "name": v.name.split(":")[0], "trainable": bool(v.trainable),
            "dtype": v.dtype.name, "shape": list(a.shape),
        })
    vdir = os.path.join(export_dir, "variables")
    shutil.rmtree(vdir, ignore_errors=True)
    os.makedirs(vdir, exist_ok=True)
    checkpoint.write_object(save_root, os.path.join(vdir, "variables"), fn)

    meta = {
        "format": FORMAT, "nodes": nodes, "concrete_functions": saver.concretes, "signatures": sigs,
        "variables": var_meta, "files": saver.files,
    }
    body = json.dumps(meta, sort_keys=True).encode()
    with open(os.path.join(export_dir, META), "wb") as fh:
        fh.write(body + b"\n" + b"crc32c %d\n" % crc32c.value(body))


def _keras_like(o: Any) -> bool:
    return type(o).__module__.startswith("tfshim._src.keras") or callable(getattr(o, "call", None))


def contains_saved_model(export_dir: Any) -> bool:
    """tf.saved_model.contains_saved_model: whether ``export_dir`` holds a (tfshim) SavedModel."""
    return os.path.isfile(os.path.join(os.fspath(export_dir), META))


# --- loading -------------------------------------------------------------------------------------------------
class _Restored(Module):
    """An object restored by tf.saved_model.load (its class is not needed): attributes are the saved
    variables, sub-objects, functions and assets."""

    def __init__(self, cls_name: str):
        super().__init__(name="restored")
        object.__setattr__(self, "_saved_class", cls_name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        f = self.__dict__.get("__call__")
        if f is None:
            raise TypeError(f"The restored {self._saved_class} object was saved without a __call__ function; use "
                            "its tf.functions or .signatures.")
        return f(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<tfshim.saved_model restored {self._saved_class} object>"


class RestoredConcreteFunction:
    """One loaded concrete function: call it with arguments like the saved trace's."""

    def __init__(self, entry: dict, exported: Any, variables: list, name: str):
        self._entry = entry
        self._exported = exported
        self._variables = variables
        self._name = name
        self._in = _decode(entry["inputs"])
        self._out = _decode(entry["outputs"])
        self._specs = [TensorSpec(s, _dt.as_dtype(d)) for s, d in zip(entry["specs"], entry["dtypes"])]
        self._changed = entry["changed"]
        self._call = jax.jit(lambda v, a: exported.call(v, a))
        n = len(self._specs)

        def diff_fn(*vals: Any, _c: Any = self._call, _n: int = n) -> tuple:
            return tuple(_c(list(vals[_n:]), list(vals[:_n]))[0])

        self._diff_fn = diff_fn

    @property
    def structured_input_signature(self) -> Any:
        specs = self._specs
        return _fill(self._in, lambda x: specs[x.index])

    @property
    def structured_outputs(self) -> Any:
        return self._out

    @property
    def variables(self) -> tuple:
        return tuple(self._variables)

    @property
    def trainable_variables(self) -> tuple:
        return tuple(v for v in self._variables if v.trainable)

    def _match(self, args: tuple, kwargs: dict) -> list | None:
        """The argument tensors in saved order, or None when the call does not fit this trace."""
        saved_args, saved_kwargs = self._in
        names = self._entry.get("arg_names") or []
        if kwargs and not saved_kwargs and names:
            args = list(args)
            for nm in names[len(args):]:
                if nm in kwargs:
                    args.append(kwargs.pop(nm))
            args = tuple(args)
        try:
            pairs = _pairs((tuple(saved_args), saved_kwargs), (tuple(args), kwargs))
        except _Mismatch:
            return None
        out: list = [None] * len(self._specs)
        for saved, given in pairs:
            if isinstance(saved, _Leaf):
                spec = self._specs[saved.index]
                try:
                    t = given if isinstance(given, Tensor) else convert_to_tensor(
                        given.read_value() if is_variable(given) else given, dtype=spec.dtype)
                except Exception:  # noqa: BLE001 - not convertible: another trace may fit
                    return None
                if t.dtype != spec.dtype or not spec.shape.is_compatible_with(t.shape):
                    return None
                out[saved.index] = t
            elif saved != given:
                return None
        return out

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        tensors = self._match(args, dict(kwargs))
        if tensors is None:
            raise TypeError(
                f"{self._name}: the arguments {args!r} {kwargs!r} do not match the saved input signature "
                f"{self.structured_input_signature}; pass tensors of those shapes and dtypes."
            )
        return self._call_flat(tensors)

    def _call_flat(self, tensors: list) -> Any:
        variables = self._variables
        recording = state.recording_tapes or state.accumulators
        if recording:
            reads = [v._read() for v in variables]
            var_vals = [t.array for t in reads]
        else:
            var_vals = [v.array for v in variables]
        out_vals, new_vals = self._call(var_vals, [t.array for t in tensors])[:2]
        for j in self._changed:
            variables[j].write_array(new_vals[j])
        outs = [wrap(o) for o in out_vals]
        if recording and outs:
            if not self._entry["differentiable"]:
                raise errors.UnimplementedError(
                    None, None, f"{self._name}: this function was saved without its gradient (JAX could not export "
                    "its VJP); it cannot be differentiated after loading.")
            record(self._diff_fn, tuple(tensors) + tuple(reads), tuple(outs))
        return _fill(self._out, lambda x: outs[x.index])


class _Mismatch(Exception):
    pass


def _pairs(saved: Any, given: Any) -> list:
    """Leaf pairs of two structures with the same shape (tuples and lists interchangeable), else _Mismatch."""
    if isinstance(saved, _Leaf):
        return [(saved, given)]
    if isinstance(saved, dict):
        if not isinstance(given, dict) or set(map(str, given)) != set(saved):
            raise _Mismatch
        g = {str(k): v for k, v in given.items()}
        return [p for k in saved for p in _pairs(saved[k], g[k])]
    if isinstance(saved, (list, tuple)):
        if not isinstance(given, (list, tuple)) or len(given) != len(saved):
            raise _Mismatch
        return [p for s, g in zip(saved, given) for p in _pairs(s, g)]
    return [(saved, given)]


class RestoredFunction:
    """A loaded tf.function: calls the first saved concrete function that fits the arguments."""

    def __init__(self, name: str, concretes: list):
        self._name = name
        self.concrete_functions = list(concretes)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        for c in self.concrete_functions:
            tensors = c._match(args, dict(kwargs))
            if tensors is not None:
                return c._call_flat(tensors)
        sigs = [str(c.structured_input_signature) for c in self.concrete_functions]
        raise ValueError(
            f"Could not find matching concrete function to call loaded from the SavedModel: {self._name} got "
            f"{args!r} {kwargs!r}; saved signatures: {sigs}. Pass arguments matching one of them."
        )

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> RestoredConcreteFunction:
        if not args and not kwargs and len(self.concrete_functions) == 1:
            return self.concrete_functions[0]
        for c in self.concrete_functions:
            if c._match(args, dict(kwargs)) is not None:
                return c
        raise ValueError(f"{self._name}.get_concrete_function: no saved trace fits {args!r} {kwargs!r}.")

    def __repr__(self) -> str:
        return f"<tfshim.saved_model restored function {self._name}>"


class SignatureFunction:
    """A loaded signature (``loaded.signatures[key]``): keyword tensors in, a dict of named tensors out."""

    def __init__(self, conc: RestoredConcreteFunction):
        self._conc = conc
        names = conc._entry.get("arg_names") or [f"input_{i}" for i in range(len(conc._specs))]
        self._names = names[: len(conc._specs)]

    @property
    def structured_input_signature(self) -> tuple:
        return ((), {n: s for n, s in zip(self._names, self._conc._specs)})

    @property
    def structured_outputs(self) -> dict:
        return self._name_outputs(self._conc._out)

    @staticmethod
    def _name_outputs(out: Any) -> dict:
        if isinstance(out, dict):
            return dict(out)
        flat = jax.tree_util.tree_leaves(out, is_leaf=lambda x: isinstance(x, (_Leaf, Tensor)))
        return {f"output_{i}": v for i, v in enumerate(flat)} if isinstance(out, (list, tuple)) else {"output_0": out}

    def __call__(self, *args: Any, **kwargs: Any) -> dict:
        if args:
            kwargs.update(zip(self._names, args))
        missing = [n for n in self._names if n not in kwargs]
        if missing or len(kwargs) != len(self._names):
            raise TypeError(f"signature function: expected keyword arguments {self._names}, received "
                            f"{sorted(kwargs)}.")
        return self._name_outputs(self._conc(*[kwargs[n] for n in self._names]))

    @property
    def variables(self) -> tuple:
        return self._conc.variables


def _read_checked(export_dir: str, fn: str) -> dict:
    path = os.path.join(export_dir, META)
    if not os.path.isfile(path):
        raise OSError(f"SavedModel file does not exist at: {export_dir}{os.sep}{{saved_model.pbtxt|saved_model.pb}}")
    raw = open(path, "rb").read()
    body, sep, tail = raw.rpartition(b"\ncrc32c ")
    try:
        ok = bool(sep) and int(tail.strip()) == crc32c.value(body)
    except ValueError:
        ok = False
    if not ok:
        raise errors.DataLossError(None, None, f"{fn}: {path} is corrupted (checksum mismatch); save the model again.")
    meta = json.loads(body)
    if meta.get("format") != FORMAT:
        raise errors.DataLossError(None, None, f"{fn}: {path} has unknown format {meta.get('format')!r}.")
    return meta


def load(export_dir: Any, tags: Any = None, options: Any = None) -> Any:
    """tf.saved_model.load(export_dir): the saved object, rebuilt without its Python class: variables, nested
    objects, tf.functions (callable, differentiable), ``signatures`` and assets. A damaged file raises
    DataLossError."""
    fn = "tf.saved_model.load"
    export_dir = os.fspath(export_dir)
    meta = _read_checked(export_dir, fn)
    blobs = {}
    for rel, crc in meta["files"].items():
        p = os.path.join(export_dir, rel)
        if not os.path.isfile(p):
            raise errors.DataLossError(None, None, f"{fn}: {p} is missing from the SavedModel.")
        data = open(p, "rb").read()
        if crc32c.value(data) != crc:
            raise errors.DataLossError(None, None, f"{fn}: {p} is corrupted (checksum mismatch).")
        blobs[rel] = data

    _, values = checkpoint.read_checkpoint(os.path.join(export_dir, "variables", "variables"), fn)
    variables = []
    for vm in meta["variables"]:
        if vm["key"] not in values:
            raise errors.DataLossError(None, None, f"{fn}: variable {vm['key']} is missing from the checkpoint.")
        value = np.asarray(values[vm["key"]])
        if list(value.shape) != vm["shape"] or _dt.as_dtype(value.dtype).name != vm["dtype"]:
            raise errors.DataLossError(None, None, f"{fn}: variable {vm['key']} does not match its saved "
                                       f"shape/dtype.")
        variables.append(Variable(value, trainable=vm["trainable"], name=vm["name"], dtype=_dt.as_dtype(vm["dtype"])))

    concretes = []
    for i, e in enumerate(meta["concrete_functions"]):
        exported = jax.export.deserialize(bytearray(blobs[e["file"]]))
        concretes.append(RestoredConcreteFunction(e, exported, [variables[j] for j in e["variables"]], f"f{i}"))

    nodes = meta["nodes"]
    objs: list = []
    for n in nodes:
        kind = n["kind"]
        if kind == "variable":
            objs.append(variables[n["index"]])
        elif kind == "asset":
            a = Asset(os.path.join(export_dir, n["path"]))
            objs.append(a)
        elif kind == "dict":
            objs.append({})
        elif kind == "list":
            objs.append([])
        else:
            objs.append(_Restored(n.get("cls", "object")))
    for n, o in zip(nodes, objs):
        for name, j in n["children"]:
            child = objs[j]
            if isinstance(o, dict):
                o[name] = child
            elif isinstance(o, list):
                o.append(child)
            else:
                object.__setattr__(o, name, child)
        for name, ids in n.get("functions", {}).items():
            object.__setattr__(o, name, RestoredFunction(name, [concretes[i] for i in ids]))
    root = objs[0]
    sigs = {k: SignatureFunction(concretes[i]) for k, i in meta["signatures"].items()}
    if isinstance(root, _Restored):
        object.__setattr__(root, "signatures", sigs)
    return root


# --- Keras' model.export -------------------------------------------------------------------------------------
class _ExportArchive(Module):
    """What Keras 3's ``model.export(format="tf_saved_model")`` saves: the model's variables and a ``serve``
    endpoint (inference call, ``training=False``) that is also the ``serving_default`` signature."""

    def __init__(self, model: Any, specs: list):
        super().__init__(name="export_archive")
        self.variables_list = list(model.variables)
        if len(specs) == 1:
            self.serve = function(lambda x: model(x, training=False), input_signature=specs)
        else:
            self.serve = function(lambda *xs: model(list(xs), training=False), input_signature=specs)


def export_keras(model: Any, filepath: Any, format: str = "tf_saved_model", verbose: Any = None,
                 input_signature: Any = None, **kwargs: Any) -> None:
    """Model.export(filepath, format="tf_saved_model", input_signature=None): an inference-only SavedModel
    with a ``serve`` endpoint and the ``serving_default`` signature (Keras 3's layout)."""
    fn = "Model.export"
    if format != "tf_saved_model":
        raise ValueError(f"{fn}: format {format!r} is not supported by tfshim; use format='tf_saved_model'.")
    if input_signature is not None:
        specs = [s if isinstance(s, TensorSpec) else TensorSpec(tuple(s.shape), _dt.as_dtype(str(s.dtype)))
                 for s in (input_signature if isinstance(input_signature, (list, tuple)) else [input_signature])]
    else:
        inputs = getattr(model, "inputs", None)
        if not inputs:
            shape = getattr(model, "_input_shape_arg", None)
            if shape is None:
                raise ValueError(f"{fn}: the model's input shape is unknown (a subclassed model); pass "
                                 "input_signature=[tf.TensorSpec(shape, dtype)].")
            specs = [TensorSpec(tuple(shape), _dt.as_dtype(str(getattr(model, "_dtype", "float32"))))]
        else:
            specs = [TensorSpec(tuple(t.shape), _dt.as_dtype(str(t.dtype))) for t in inputs]
    archive = _ExportArchive(model, specs)
    save(archive, filepath, signatures={"serve": archive.serve, "serving_default": archive.serve})
    if verbose is None or verbose:
        print(f"Saved artifact at '{os.fspath(filepath)}'. The following endpoints are available:\n\n"
              f"* Endpoint 'serve'\n  args_0: {specs}")


# --- format="tf": a real TensorFlow SavedModel through jax2tf ---------------------------------------------------
def _save_tf(obj: Any, export_dir: Any, signatures: Any) -> None:
    """Save with tfshim's format to a temporary folder, load it back (restored functions hold their
    ``jax.export`` programs), and rebuild the tree with real TF variables and ``tf.function``s that call the
    programs through ``jax2tf``; then TF's own ``tf.saved_model.save`` writes it."""
    import tempfile

    fn = "tf.saved_model.save(format='tf')"
    try:
        import tensorflow as rtf
        from jax.experimental import jax2tf
    except ImportError as e:
        raise ImportError(f"{fn} needs TensorFlow installed (pip install tensorflow-cpu): {e}") from None
    with tempfile.TemporaryDirectory() as tmp:
        save(obj, tmp, signatures)
        loaded = load(tmp)
        tf_vars: dict = {}

        def tf_var(v: Variable) -> Any:
            if id(v) not in tf_vars:
                tf_vars[id(v)] = rtf.Variable(np.asarray(v.numpy()), trainable=v.trainable, name=v.name.split(":")[0])
            return tf_vars[id(v)]

        def tf_function(c: RestoredConcreteFunction) -> Any:
            e = c._entry
            specs = [rtf.TensorSpec(s, rtf.as_dtype(d)) for s, d in zip(e["specs"], e["dtypes"])]
            poly = []
            for i, shape in enumerate(e["specs"]):
                dims = ["b" if d is None and j == 0 else f"d{i}_{j}" if d is None else str(d)
                        for j, d in enumerate(shape)]
                poly.append("(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")")
            exported = c._exported
            conv = jax2tf.convert(lambda vs, xs: exported.call(vs, xs), polymorphic_shapes=(None, poly),
                                  with_gradient=bool(e["differentiable"]))
            variables = [tf_var(v) for v in c._variables]
            changed = list(e["changed"])
            out_struct = c._out

            def body(*xs: Any) -> Any:
                outs, new = conv([v.read_value() for v in variables], list(xs))[:2]
                for j in changed:
                    variables[j].assign(new[j])
                return _fill(out_struct, lambda leaf: outs[leaf.index])

            return rtf.function(body, input_signature=specs, autograph=False)

        def rebuild(o: Any) -> Any:
            if isinstance(o, Variable):
                return tf_var(o)
            if isinstance(o, Asset):
                return rtf.saved_model.Asset(o.asset_path)
            if isinstance(o, dict):
                return {k: rebuild(v) for k, v in o.items()}
            if isinstance(o, list):
                return [rebuild(v) for v in o]
            if isinstance(o, RestoredFunction):
                return tf_function(o.concrete_functions[0])
            if isinstance(o, _Restored):
                m = rtf.Module()
                for k, v in o.__dict__.items():
                    if k in ("signatures",) or (k.startswith("_") and k != "__call__"):
                        continue
                    if isinstance(v, (Variable, Asset, dict, list, RestoredFunction, _Restored)):
                        setattr(m, k, rebuild(v))
                return m
            return o

        root = rebuild(loaded)
        sigs = {}
        for key, sig in loaded.signatures.items():
            f = tf_function(sig._conc)
            names = sig._names

            named = _named_outputs(f)

            specs = [rtf.TensorSpec(s, rtf.as_dtype(d), name=n) for s, d, n in zip(
                sig._conc._entry["specs"], sig._conc._entry["dtypes"], names)]
            sigs[key] = rtf.function(named, input_signature=specs, autograph=False).get_concrete_function()
        rtf.saved_model.save(root, os.fspath(export_dir), signatures=sigs or None)


def _named_outputs(f: Any) -> Any:
    def named(*xs: Any) -> Any:
        out = f(*xs)
        if isinstance(out, dict):
            return out
        if isinstance(out, (list, tuple)):
            return {f"output_{i}": t for i, t in enumerate(out)}
        return {"output_0": out}

    return named
