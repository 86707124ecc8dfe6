"""Imports only go down (docs/architecture.md): an AST check over every ``.py`` file of ``tfshim/``.

Every ``import``/``from ... import`` counts wherever it is written (module level, inside a function or a
class, under ``if``/``try``), relative or absolute, and so do ``importlib.import_module("...")`` /
``__import__("...")`` calls with a literal name. (Names built at run time are not seen; the only such
import is ``ops/__init__.py`` loading its own family files.)

- Each module belongs to a floor (``FLOORS``, bottom-up; the public modules ``tfshim/*`` are the top floor)
  and imports only modules of its own floor or lower ones.
- Inside ``core/`` each module imports only modules listed before it in ``CORE_ORDER``.
- The import graph of ``tfshim/_src`` has no circle of more than ``MAX_CYCLE`` modules, and every circle
  stays inside one package (today: ``data/``'s dataset/sources/mapping/transforms, and three in ``keras/``).
- No module under ``tfshim/_src`` imports the top-level ``tfshim`` package (the public namespace is built
  from ``_src``, never the other way round).
"""

from __future__ import annotations

import ast
import dataclasses
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SRC = "tfshim._src"

# Floors of tfshim/_src, bottom-up: (name, top-level names under tfshim/_src). A module may import its
# own floor and the floors below. Above the last one come the public modules (tfshim/*, outside _src).
FLOORS: tuple = (
    ("core", ("core",)),  # state, dtypes, shapes, errors, devices, Tensor, recorder, dispatch, scope, Variable
    ("autodiff", ("autodiff",)),  # GradientTape, ForwardAccumulator, custom_gradient
    ("ops", ("ops",)),  # the op table
    ("config", ("config",)),  # tf.config (tf.function reads its run_functions_eagerly flag)
    ("staging", ("staging",)),  # tf.function, control flow
    ("autograph", ("autograph",)),  # AutoGraph's converter and operators (registers with tf.function)
    ("module", ("module",)),  # tf.Module
    ("io", ("io",)),  # tf.io: files, TFRecord, tf.train.Example protos and parsing
    ("data, train", ("data", "train", "summary")),  # tf.data, tf.train (checkpoints of Modules), tf.summary
    ("distribute", ("distribute",)),  # strategies (strategy.run stages through tf.function)
    ("saved_model", ("saved_model",)),  # tf.saved_model (jax.export of tf.functions + checkpoints)
    ("keras", ("keras",)),  # uses all of the above
    ("api", ("api", "porting", "test_util")),  # builds the public namespaces; tools; tf.test helpers
)
PUBLIC = "public tfshim/*"

# core/ bottom-up: each module imports only the ones before it.
CORE_ORDER: tuple = (
    "crc32c",
    "state",
    "dtypes",
    "tensor_shape",
    "errors",
    "checks",
    "casting",
    "device",
    "tensor",
    "record",
    "stateless",
    "host_jaxpr",
    "dispatch",
    "convert",
    "variable",
    "tensor_spec",
)

MAX_CYCLE = 4


@dataclasses.dataclass(frozen=True)
class Import:
    line: int
    text: str  # the statement as written (normalised by ast.unparse)
    target: str  # the tfshim module it loads
    in_function: bool


@dataclasses.dataclass
class Module:
    name: str  # dotted: tfshim._src.core.tensor
    path: str  # relative to the repository root, for messages
    is_package: bool
    source: str
    imports: list = dataclasses.field(default_factory=list)


# -- building the graph ------------------------------------------------------------------------------
def discover(root: pathlib.Path = ROOT) -> dict:
    """Every module of tfshim/ by dotted name (sources read, imports not parsed yet)."""
    mods = {}
    for p in sorted((root / "tfshim").rglob("*.py")):
        parts = list(p.relative_to(root).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        name = ".".join(parts)
        mods[name] = Module(name, str(p.relative_to(root)), is_pkg, p.read_text(encoding="utf-8"))
    return mods


def _known(name: str, known: set) -> str:
    """``name`` or its nearest enclosing module that exists (``tfshim.x.y`` → ``tfshim.x``)."""
    while name not in known and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def imports_of(mod: Module, known: set) -> list:
    """Every import of a tfshim module written anywhere in ``mod``'s source."""
    tree = ast.parse(mod.source, filename=mod.path)
    in_fn: set = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            in_fn.update(id(n) for n in ast.walk(fn) if n is not fn)
    package = mod.name.split(".") if mod.is_package else mod.name.split(".")[:-1]
    out = []
    for node in ast.walk(tree):
        targets: list = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package[: len(package) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # ``from pkg import name``: the submodule pkg.name if there is one, else pkg itself.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__"))
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and not node.args[0].value.startswith(".")
        ):
            targets = [node.args[0].value]
        for t in dict.fromkeys(targets):
            if t == "tfshim" or t.startswith("tfshim."):
                t = _known(t, known)
                if t != mod.name:
                    out.append(Import(node.lineno, ast.unparse(node), t, id(node) in in_fn))
    return out


def build(mods: dict) -> dict:
    known = set(mods)
    for m in mods.values():
        m.imports = imports_of(m, known)
    return mods


# -- the rules ---------------------------------------------------------------------------------------
def floor_of(name: str) -> tuple[int, str]:
    """(rank, floor name) of a module; raises KeyError for a top-level name of _src no floor lists."""
    if name == SRC:
        return 0, FLOORS[0][0]  # tfshim/_src/__init__.py: a docstring, below everything
    if not name.startswith(SRC + "."):
        return len(FLOORS), PUBLIC
    head = name[len(SRC) + 1 :].split(".")[0]
    for rank, (floor, heads) in enumerate(FLOORS):
        if head in heads:
            return rank, floor
    raise KeyError(head)


def _where(m: Module, imp: Import) -> str:
    return f"{m.path}:{imp.line}: `{imp.text}`{' (inside a function)' if imp.in_function else ''}"


def layer_violations(mods: dict) -> list:
    out = []
    for m in mods.values():
        rank, floor = floor_of(m.name)
        for imp in m.imports:
            trank, tfloor = floor_of(imp.target)
            if trank > rank:
                out.append(
                    f"{_where(m, imp)} imports {imp.target} (floor '{tfloor}') from floor '{floor}': imports only "
                    "go down. Let the higher layer hand the lower one an object instead (a tape, scope or context "
                    "on a core/state.py stack, a hook), or move the code."
                )
    return out


def core_order_violations(mods: dict) -> list:
    core = f"{SRC}.core"
    pos = {f"{core}.{n}": i for i, n in enumerate(CORE_ORDER)}
    pos[core] = -1  # core/__init__.py: a docstring; it must import nothing of core
    out = []
    for m in mods.values():
        if m.name not in pos:
            continue
        for imp in m.imports:
            if imp.target in pos and pos[imp.target] >= pos[m.name]:
                out.append(
                    f"{_where(m, imp)} imports {imp.target}, which comes at or after {m.name} in CORE_ORDER "
                    f"{CORE_ORDER}: inside core each module imports only those before it."
                )
    return out


def root_import_violations(mods: dict) -> list:
    return [
        f"{_where(m, imp)} imports the top-level tfshim package from inside tfshim/_src; import the _src module "
        "that defines the name (or have the public caller pass the namespace in)."
        for m in mods.values()
        if m.name.startswith(SRC)
        for imp in m.imports
        if imp.target == "tfshim"
    ]


def strongly_connected_components(graph: dict) -> list:
    """Tarjan's algorithm (iterative): the strongly connected components of {node: set of successors}."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    comps: list = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, succ = work[-1]
            for w in succ:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    comps.append(sorted(comp))
    return comps


def src_graph(mods: dict) -> dict:
    return {
        m.name: {i.target for i in m.imports if i.target.startswith(SRC + ".")}
        for m in mods.values()
        if m.name.startswith(SRC + ".")
    }


def cycle_violations(mods: dict, max_size: int = MAX_CYCLE) -> list:
    out = []
    for comp in strongly_connected_components(src_graph(mods)):
        if len(comp) < 2:
            continue
        edges = [f"{mods[a].path}:{i.line} `{i.text}`" for a in comp for i in mods[a].imports if i.target in comp]
        packages = {c.rsplit(".", 1)[0] for c in comp}
        if len(comp) > max_size:
            out.append(f"an import circle of {len(comp)} modules (at most {max_size}): {comp}; its edges: {edges}")
        elif len(packages) > 1:
            out.append(f"an import circle across packages {sorted(packages)}: {comp}; its edges: {edges}")
    return out


# -- the tests ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def modules() -> dict:
    return build(discover())


def test_every_module_has_a_floor(modules):
    heads = {n[len(SRC) + 1 :].split(".")[0] for n in modules if n.startswith(SRC + ".")}
    listed = {h for _, hs in FLOORS for h in hs}
    assert heads <= listed, f"tfshim/_src/{sorted(heads - listed)}: add it to a floor in FLOORS (and to docs)"
    core = {n.rsplit(".", 1)[1] for n in modules if n.startswith(f"{SRC}.core.")}
    assert core == set(CORE_ORDER), f"core modules {sorted(core ^ set(CORE_ORDER))}: place them in CORE_ORDER"


def test_imports_only_go_down(modules):
    bad = layer_violations(modules)
    assert not bad, "\n".join(bad)


def test_core_modules_import_in_order(modules):
    bad = core_order_violations(modules)
    assert not bad, "\n".join(bad)


def test_no_large_or_cross_package_import_circles(modules):
    bad = cycle_violations(modules)
    assert not bad, "\n".join(bad)


def test_src_never_imports_the_public_package(modules):
    bad = root_import_violations(modules)
    assert not bad, "\n".join(bad)


# -- the checker itself fails where it should -----------------------------------------------------------
def _with(modules: dict, name: str, source: str) -> dict:
    """A copy of the real module map with ``name``'s source replaced."""
    mods = {n: dataclasses.replace(m) for n, m in modules.items()}
    mods[name] = dataclasses.replace(mods[name], source=source)
    return build(mods)


def test_checker_sees_upward_imports_anywhere(modules):
    src = (
        "import jax\n"
        "def f():\n"
        "    from ..staging import function\n"
        "    return function\n"
        "class C:\n"
        "    def g(self):\n"
        "        import tfshim._src.keras.layer as layer\n"
        "if True:\n"
        "    from tfshim._src.autodiff.tape import GradientTape\n"
        "importlib.import_module('tfshim._src.ops.math')\n"
    )
    bad = layer_violations(_with(modules, f"{SRC}.core.tensor", src))
    assert len(bad) == 4, bad
    assert bad[0].startswith("tfshim/_src/core/tensor.py:3: `from ..staging import function` (inside a function)")
    assert "tfshim._src.staging.function (floor 'staging') from floor 'core'" in bad[0]
    assert any("core/tensor.py:7: `import tfshim._src.keras.layer as layer` (inside a function)" in b for b in bad)
    assert any("core/tensor.py:9: `from tfshim._src.autodiff.tape import GradientTape` imports" in b for b in bad)
    assert any("core/tensor.py:10:" in b and "tfshim._src.ops.math" in b for b in bad)
    # The same import one floor up is fine.
    assert not layer_violations(_with(modules, f"{SRC}.staging.control_flow", "from ..ops import math\n"))


def test_checker_sees_public_and_root_imports(modules):
    mods = _with(modules, f"{SRC}.ops.math", "def f():\n    import tfshim as tf\n    from tfshim import nn\n")
    bad = root_import_violations(mods)
    assert len(bad) == 1 and bad[0].startswith("tfshim/_src/ops/math.py:2: `import tfshim as tf` (inside a function)")
    layered = layer_violations(mods)
    assert len(layered) == 2 and all(PUBLIC in b for b in layered)
    assert any("tfshim/_src/ops/math.py:3: `from tfshim import nn`" in b and "imports tfshim.nn" in b for b in layered)


def test_checker_sees_core_order(modules):
    mods = _with(modules, f"{SRC}.core.dtypes", "def f():\n    from .tensor import Tensor\n")
    (bad,) = core_order_violations(mods)
    assert bad.startswith(
        "tfshim/_src/core/dtypes.py:2: `from .tensor import Tensor` (inside a function) imports tfshim._src.core.tensor"
    )
    assert not layer_violations(mods)  # same floor: only the order catches it


def test_checker_finds_circles(modules):
    assert sorted(
        map(sorted, strongly_connected_components({"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}))
    ) == [["a", "b", "c"], ["d"]]
    # keras.losses -> keras.lookup already; lookup -> metrics -> losses closes a circle of 3 (allowed at 4) ...
    mods = _with(modules, f"{SRC}.keras.lookup", "from . import metrics\n")
    assert not cycle_violations(mods)
    assert any(
        b.startswith("an import circle of 3 modules (at most 2)") and "keras.lookup" in b
        for b in cycle_violations(mods, max_size=2)
    )
    # ... and a circle through two packages is refused at any size.
    mods = _with(modules, f"{SRC}.train.storage", "from ..keras import saving\n")
    assert any("across packages" in b or "import circle of" in b for b in cycle_violations(mods))
