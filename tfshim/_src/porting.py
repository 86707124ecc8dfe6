"""The porting checker (``python -m tfshim.check``) and the coverage report (``python -m tfshim.coverage``).

``scan_source`` finds every ``tf.``-rooted attribute chain a Python file (or a notebook's code cells) uses, for
any alias of ``tensorflow`` (or ``tfshim``): ``import tensorflow as tf``, ``import tensorflow.compat.v2 as tf``,
``from tensorflow import keras``, ``from tensorflow.keras.layers import Dense``, star imports, and names bound by
assignment (``K = tf.keras.backend``, ``layers = keras.layers``). It also sees the methods called on the usual
objects when it can tell their class (``model = tf.keras.Sequential(...)``; ``model.save(...)``; a subclass of
``tf.keras.Model``), and the companion libraries a program imports (``tensorflow_datasets``, ``tensorflow_hub``,
standalone ``keras``, ...), which tfshim cannot run.
``resolve`` answers "does tfshim implement it" by attribute lookup on the ``tfshim`` package itself,
so the answer is exactly what a ported script will meet at run time. That package is handed in as
``root`` by the entry points (``tfshim/check.py``, ``tfshim/coverage.py``): nothing under
``tfshim._src`` imports the public namespace it is part of. When real TensorFlow is importable it is the
``reference``: names TF 2.x itself lacks (``tf.Session``, ``tf.contrib``) are reported apart from tfshim's gaps,
star imports bind TF's public names, and a method is reported only when TF's class has it.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import inspect
import json
import os
import re
import sys
import textwrap
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

_ROOTS = {"tensorflow": "tf", "tfshim": "tf"}
# ``tensorflow.compat.v2`` is TF 2's own namespace under another name.
_SAME_AS_TF = ("tf.compat.v2",)

#: Top-level modules of libraries that build on TensorFlow (or are Keras without tf.): tfshim cannot run them.
COMPANIONS = {
    "keras": "standalone Keras (use tf.keras, i.e. `from tfshim import keras`)",
    "tf_keras": "Keras 2 (tf_keras)",
    "tensorflow_datasets": "TensorFlow Datasets",
    "tensorflow_hub": "TensorFlow Hub",
    "tensorflow_addons": "TensorFlow Addons",
    "tensorflow_probability": "TensorFlow Probability",
    "tensorflow_text": "TensorFlow Text",
    "tensorflow_io": "TensorFlow I/O",
    "tensorflow_model_optimization": "TF Model Optimization",
    "tensorflow_recommenders": "TensorFlow Recommenders",
    "tensorflow_decision_forests": "TF Decision Forests",
    "tensorflow_federated": "TensorFlow Federated",
    "tensorflow_transform": "TensorFlow Transform",
    "tensorflow_estimator": "TF Estimator",
    "tensorflow_docs": "tensorflow_docs (notebook helpers)",
    "tensorflow_privacy": "TensorFlow Privacy",
    "tensorflow_graphics": "TensorFlow Graphics",
    "tensorflow_similarity": "TensorFlow Similarity",
    "tensorflow_serving": "TensorFlow Serving",
    "tensorflow_lattice": "TensorFlow Lattice",
    "tensorflow_ranking": "TensorFlow Ranking",
    "tensorflowjs": "TensorFlow.js converter",
    "tflite_model_maker": "TFLite Model Maker",
    "tflite_support": "TFLite Support",
    "tflite_runtime": "TFLite runtime",
    "official": "TF Model Garden (tf-models-official)",
    "keras_cv": "KerasCV",
    "keras_nlp": "KerasNLP",
    "keras_hub": "KerasHub",
    "keras_tuner": "KerasTuner",
    "kerastuner": "KerasTuner",
    "tfx": "TFX",
}

#: Calls whose result's class the checker knows although the callee is not a class.
_RETURNS = {
    "tf.keras.models.load_model": "tf.keras.Model",
    "tf.keras.models.clone_model": "tf.keras.Model",
    "tf.keras.models.model_from_json": "tf.keras.Model",
    "tf.keras.saving.load_model": "tf.keras.Model",
}
_RETURNS_PREFIX = {"tf.keras.applications.": "tf.keras.Model", "tf.data.Dataset.": "tf.data.Dataset"}
#: Dataset methods that return a Dataset (so ``ds.map(f).batch(2)`` stays a Dataset).
_DATASET_CHAIN = frozenset(
    "apply batch bucket_by_sequence_length cache concatenate enumerate filter flat_map group_by_window ignore_errors "
    "interleave map padded_batch prefetch ragged_batch rebatch rejection_resample repeat sample_from_datasets scan "
    "shard shuffle skip snapshot sparse_batch take take_while unbatch unique window with_options".split())
_DATASET_CLASSES = ("tf.data.TFRecordDataset", "tf.data.TextLineDataset", "tf.data.FixedLengthRecordDataset",
                    "tf.data.Dataset")


@dataclasses.dataclass(frozen=True)
class Use:
    """One use of a TF name: ``name`` is the dotted path from ``tf`` (``"tf.math.add"``).

    ``kind`` is ``"name"`` (a module attribute), ``"method"`` (``"tf.keras.Model.save"``: an attribute of an
    object whose class the checker inferred) or ``"companion"`` (``name`` is the imported library's module).
    ``cell`` is the notebook code cell (1-based) for ``.ipynb`` files, else None.
    """

    name: str
    path: str
    line: int
    kind: str = "name"
    cell: int | None = None

    @property
    def where(self) -> str:
        """``path:line`` or ``path:cellN:line``."""
        return f"{self.path}:cell{self.cell}:{self.line}" if self.cell else f"{self.path}:{self.line}"


def _tf_path(module: str) -> str | None:
    """``"tensorflow.keras.layers"`` -> ``"tf.keras.layers"``; None for non-TF modules."""
    head, _, rest = module.partition(".")
    if head not in _ROOTS:
        return None
    return _normalize("tf" + ("." + rest if rest else ""))


def _normalize(name: str) -> str:
    for same in _SAME_AS_TF:
        if name == same or name.startswith(same + "."):
            return "tf" + name[len(same):]
    return name


def _chain(node: ast.AST) -> list[str] | None:
    """``a.b.c`` -> ``["a", "b", "c"]``; None when the chain does not start at a plain name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def _lookup(name: str, root: Any) -> Any:
    """The object at ``name`` (``"tf.keras.Model"``) under ``root``; raises AttributeError if absent."""
    obj = root
    for part in name.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


class _Scanner:
    """Collects the uses in one file, given its parsed pieces (one per notebook cell, or the whole file)."""

    def __init__(self, trees: list[tuple[ast.AST, int | None]], path: str, classes: Any):
        self.trees, self.path, self.classes = trees, path, classes
        self.aliases: dict[str, str] = {}  # local name -> TF path
        self.types: dict[str, tuple[str, frozenset[str]]] = {}  # local name -> (TF class, names it defines)
        self.user_classes: dict[str, tuple[str, frozenset[str]]] = {}
        self.uses: list[Use] = []

    # -- what a name or expression stands for ------------------------------------------------------------------
    def tf_name(self, node: ast.AST) -> str | None:
        parts = _chain(node)
        if parts and parts[0] in self.aliases:
            return _normalize(".".join([self.aliases[parts[0]], *parts[1:]]))
        return None

    def is_class(self, name: str) -> bool:
        """Whether ``name`` is a class in the reference (real TF when given, else tfshim)."""
        for root in self.classes:
            try:
                return isinstance(_lookup(name, root), type)
            except Exception:
                continue
        return False

    def type_of(self, node: ast.AST, self_type: tuple[str, frozenset[str]] | None = None
                ) -> tuple[str, frozenset[str]] | None:
        """The TF class (and the names a user subclass adds) of the value ``node`` evaluates to, when known."""
        if isinstance(node, ast.Name):
            if node.id == "self" and self_type:
                return self_type
            return self.types.get(node.id)
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        if isinstance(func, ast.Name) and func.id in self.user_classes:
            return self.user_classes[func.id]
        name = self.tf_name(func)
        if name is not None:
            if name in _RETURNS:
                return _RETURNS[name], frozenset()
            if name in _DATASET_CLASSES:
                return "tf.data.Dataset", frozenset()
            for prefix, cls in _RETURNS_PREFIX.items():
                if name.startswith(prefix) and not self.is_class(name):
                    return cls, frozenset()
            if self.is_class(name):
                return name, frozenset()
            return None
        if isinstance(func, ast.Attribute):
            inner = self.type_of(func.value, self_type)
            if inner and inner[0] == "tf.data.Dataset" and func.attr in _DATASET_CHAIN:
                return inner
        return None

    # -- passes ------------------------------------------------------------------------------------------------
    def bind(self, star_names: Any) -> None:
        """Aliases from imports, assignments and star imports; user subclasses of TF classes; typed variables.
        Repeated until nothing changes, so the order of the bindings in the file does not matter."""
        for _ in range(5):
            before = (dict(self.aliases), dict(self.types), dict(self.user_classes))
            for tree, _cell in self.trees:
                for node in ast.walk(tree):
                    self._bind_node(node, star_names)
            if before == (self.aliases, self.types, self.user_classes):
                break

    def _bind_node(self, node: ast.AST, star_names: Any) -> None:
        if isinstance(node, ast.Import):
            for a in node.names:
                base = _tf_path(a.name)
                if base is None:
                    continue
                if a.asname:
                    self.aliases[a.asname] = base
                else:  # ``import tensorflow.keras`` binds ``tensorflow``
                    self.aliases[a.name.partition(".")[0]] = "tf"
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = _tf_path(node.module)
            if base is None:
                return
            for a in node.names:
                if a.name == "*":
                    for n in star_names(base):
                        self.aliases.setdefault(n, f"{base}.{n}")
                else:
                    self.aliases[a.asname or a.name] = _normalize(f"{base}.{a.name}")
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            name = self.tf_name(node.value)
            if name is not None:
                self.aliases[target] = name
                return
            typ = self.type_of(node.value)
            if typ is not None:
                self.types[target] = typ
        elif isinstance(node, ast.With):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    typ = self.type_of(item.context_expr)
                    if typ is not None:
                        self.types[item.optional_vars.id] = typ
        elif isinstance(node, ast.ClassDef):
            for b in node.bases:
                base = self.tf_name(b)
                if base is None and isinstance(b, ast.Name) and b.id in self.user_classes:
                    base, inherited = self.user_classes[b.id]
                else:
                    inherited = frozenset()
                if base is not None and self.is_class(base):
                    own = set(inherited)
                    for sub in ast.walk(node):
                        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            own.add(sub.name)
                        elif isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store):
                            own.add(sub.attr)
                        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                            own.add(sub.id)
                    self.user_classes[node.name] = (base, frozenset(own))
                    break

    def scan(self) -> list[Use]:
        for tree, cell in self.trees:
            self._scan_tree(tree, cell)
        return self.uses

    def _add(self, name: str, node: ast.AST, cell: int | None, kind: str = "name") -> None:
        self.uses.append(Use(name, self.path, getattr(node, "lineno", 0), kind, cell))

    def _scan_tree(self, tree: ast.AST, cell: int | None) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                base = _tf_path(node.module)
                if base is not None:
                    for a in node.names:
                        if a.name != "*":
                            self._add(_normalize(f"{base}.{a.name}"), node, cell)
                    if base != "tf":
                        self._add(base, node, cell)
                self._companion(node.module, node, cell)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    base = _tf_path(a.name)
                    if base is not None and base != "tf":
                        self._add(base, node, cell)
                    self._companion(a.name, node, cell)
        inner: set[int] = set()  # Attribute nodes that are part of a longer chain
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
                inner.add(id(node.value))
        star_bound = {n for n, p in self.aliases.items() if p.endswith("." + n)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and id(node) not in inner:
                name = self.tf_name(node)
                if name is not None:
                    self._add(name, node, cell)
            elif (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in star_bound
                  and node.id in self._star_only):
                self._add(self.aliases[node.id], node, cell)
        self._scan_methods(tree, cell, None)

    def _scan_methods(self, tree: ast.AST, cell: int | None, self_type: tuple[str, frozenset[str]] | None) -> None:
        """``obj.method`` where the class of ``obj`` is known (and ``self.x`` inside subclasses of TF classes)."""
        for node in ast.iter_child_nodes(tree):
            if isinstance(node, ast.ClassDef) and node.name in self.user_classes:
                self._scan_methods(node, cell, self.user_classes[node.name])
                continue
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                typ = self.type_of(node.value, self_type)
                if typ is not None and node.attr not in typ[1] and not node.attr.startswith("__"):
                    self._add(f"{typ[0]}.{node.attr}", node, cell, "method")
            self._scan_methods(node, cell, self_type)

    def _companion(self, module: str, node: ast.AST, cell: int | None) -> None:
        head = module.partition(".")[0]
        if head in COMPANIONS:
            self._add(head, node, cell, "companion")

    _star_only: set[str] = set()


def _star_binder(reference: Any, root: Any) -> Any:
    """``star_names(tf_path)``: the public names ``from <module> import *`` binds, from real TF if given."""
    def star_names(base: str) -> list[str]:
        for r in (reference, root):
            if r is None:
                continue
            try:
                mod = _lookup(base, r)
            except Exception:
                continue
            return [n for n in dir(mod) if not n.startswith("_")]
        return []
    return star_names


def _notebook_cells(text: str) -> list[str]:
    """The Python code of a notebook's code cells; IPython's ``!shell`` and ``%magic`` lines become ``pass``,
    cells under a non-Python cell magic (``%%bash``, ``%%writefile``, ...) are left out."""
    nb = json.loads(text)
    cells = nb.get("cells")
    if cells is None:  # nbformat 3
        cells = [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
    out = []
    for c in cells:
        if c.get("cell_type") != "code":
            out.append("")
            continue
        src = c.get("source", c.get("input", ""))
        src = "".join(src) if isinstance(src, list) else str(src)
        first = src.lstrip().split("\n", 1)[0]
        if first.startswith("%%") and not re.match(r"%%(time|timeit|capture)\b", first):
            out.append("")
            continue
        lines = []
        shell = False  # inside a ``!command \`` continued on the next line
        for ln in src.split("\n"):
            s = ln.lstrip()
            ind = ln[: len(ln) - len(s)]
            if shell or s.startswith(("!", "%")) or re.match(r"[\w.]+\s*=\s*[!%]", s) or (
                    s.endswith("?") and "#" not in s):
                lines.append("" if shell else ind + "pass")
                shell = s.endswith("\\")
            else:
                lines.append(ln)
        out.append(textwrap.dedent("\n".join(lines)))
    return out


def scan_file(path: str, text: str, *, root: Any = None, reference: Any = None) -> tuple[list[Use], list[str]]:
    """Uses in one ``.py`` file or ``.ipynb`` notebook and notes on notebook cells that could not be parsed.

    Raises SyntaxError/ValueError when a Python file (or a notebook's JSON) cannot be parsed."""
    notes: list[str] = []
    if path.endswith(".ipynb"):
        trees: list[tuple[ast.AST, int | None]] = []
        for i, code in enumerate(_notebook_cells(text), start=1):
            if not code.strip():
                continue
            try:
                trees.append((ast.parse(code, filename=path), i))
            except SyntaxError as e:
                notes.append(f"{path}: code cell {i} skipped ({e.msg}, line {e.lineno})")
    else:
        trees = [(ast.parse(text, filename=path), None)]
    return _scan_trees(trees, path, root, reference), notes


def _scan_trees(trees: list[tuple[ast.AST, int | None]], path: str, root: Any, reference: Any) -> list[Use]:
    scanner = _Scanner(trees, path, [r for r in (reference, root) if r is not None])
    star_names = _star_binder(reference, root)
    # Names bound by a star import count only where the file does not bind them itself.
    bound_locally: set[str] = set()
    for tree, _ in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound_locally.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound_locally.add(node.name)
            elif isinstance(node, ast.arg):
                bound_locally.add(node.arg)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for a in node.names:
                    if a.name != "*":
                        bound_locally.add((a.asname or a.name).partition(".")[0])
    starred: set[str] = set()

    def star_tracking(base: str) -> list[str]:
        names = [n for n in star_names(base) if n not in bound_locally and not hasattr(builtins, n)]
        starred.update(names)
        return names

    scanner.bind(star_tracking)
    scanner._star_only = starred
    return sorted(scanner.scan(), key=lambda u: (u.path, u.cell or 0, u.line, u.kind, u.name))


def scan_source(source: str, path: str = "<string>", *, root: Any = None, reference: Any = None) -> list[Use]:
    """Every TF name used in Python ``source`` (longest attribute chains, plus names imported from TF), the
    methods of objects whose TF class is known (``kind="method"``) and companion-library imports
    (``kind="companion"``). ``root``/``reference`` (tfshim, real TF) answer which names are classes and what a
    star import binds; without them neither is known."""
    return _scan_trees([(ast.parse(source, filename=path), None)], path, root, reference)


def resolve(name: str, root: Any) -> tuple[bool, str]:
    """Whether ``root`` (the ``tfshim`` package, or real TF) has ``name`` (``"tf.math.add"``): ``(True, name)`` or
    ``(False, first missing prefix)``."""
    obj = root
    parts = name.split(".")
    for i, part in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, part)
        except Exception:  # AttributeError, or anything a lazy attribute raises
            return False, ".".join(parts[: i + 1])
    return True, name


def python_files(paths: Iterable[str]) -> Iterator[str]:
    """The ``.py`` files and ``.ipynb`` notebooks named or found (recursively) under the folders named."""
    for p in paths:
        if os.path.isdir(p):
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in (
                    "__pycache__", ".ipynb_checkpoints"))
                for f in sorted(filenames):
                    if f.endswith((".py", ".ipynb")):
                        yield os.path.join(dirpath, f)
        else:
            yield p


@dataclasses.dataclass
class Report:
    """What ``check`` found: the uses per file, files it skipped, and per-name verdicts."""

    files: dict[str, list[Use]]
    skipped: dict[str, str]
    notes: list[str]
    verdicts: dict[tuple[str, str], str]  # (kind, name) -> "ok" | "missing" | "not-in-tf" | "companion"

    def file_ok(self, path: str) -> bool:
        """A file is fully covered when every name, method and library it uses is one tfshim has."""
        return all(self.verdicts[(u.kind, u.name)] == "ok" for u in self.files[path])

    def covered_files(self) -> list[str]:
        return [p for p in self.files if self.file_ok(p)]


def check(paths: Iterable[str], *, root: Any, reference: Any = None) -> Report:
    """Scan the files and folders ``paths`` and judge every use against tfshim (``root``) and, when given, real
    TensorFlow (``reference``). Unreadable or unparsable files are recorded in ``skipped``, not raised."""
    files: dict[str, list[Use]] = {}
    skipped: dict[str, str] = {}
    notes: list[str] = []
    for path in python_files(paths):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            uses, more = scan_file(path, text, root=root, reference=reference)
        except SyntaxError as e:
            skipped[path] = f"cannot parse: {e.msg} (line {e.lineno})"
            continue
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as e:
            skipped[path] = f"cannot read: {e}"
            continue
        files[path] = uses
        notes.extend(more)
    verdicts: dict[tuple[str, str], str] = {}
    for uses in files.values():
        for u in uses:
            key = (u.kind, u.name)
            if key in verdicts:
                continue
            if u.kind == "companion":
                verdicts[key] = "companion"
            elif u.kind == "method":
                verdicts[key] = "missing" if _method_missing(u.name, root, reference) else "ok"
            elif resolve(u.name, root)[0]:
                verdicts[key] = "ok"
            elif reference is not None and not resolve(u.name, reference)[0]:
                verdicts[key] = "not-in-tf"
            else:
                verdicts[key] = "missing"
    return Report(files, skipped, notes, verdicts)


def _method_missing(name: str, root: Any, reference: Any) -> bool:
    """Whether tfshim's class lacks a method that TF's class has. Only methods (functions on the class) are
    judged: a property or a name absent from TF's class may be an attribute set on instances, and a class tfshim
    lacks altogether is reported as a name already."""
    if reference is None:
        return False
    cls_name, _, attr = name.rpartition(".")
    try:
        tf_attr = inspect.getattr_static(_lookup(cls_name, reference), attr)
        ours = _lookup(cls_name, root)
    except Exception:
        return False
    if isinstance(tf_attr, (staticmethod, classmethod)):
        tf_attr = tf_attr.__func__
    if not callable(tf_attr) or isinstance(tf_attr, type):
        return False
    return not hasattr(ours, attr)


def _import_reference() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import tensorflow as tf_real
    except Exception:  # ImportError, or a broken installation
        return None
    return tf_real


def check_main(argv: list[str] | None = None, out: TextIO | None = None, *, root: Any,
               reference: Any = "import") -> int:
    """``python -m tfshim.check FILES_OR_FOLDERS``: 0 when tfshim (``root``) implements every TF name used, 1 if
    not, 2 when no file could be read. ``reference`` is real TensorFlow (by default imported if installed)."""
    import argparse

    out = out or sys.stdout
    p = argparse.ArgumentParser(
        prog="python -m tfshim.check",
        description="List every tf.* name TensorFlow programs (.py files, .ipynb notebooks) use and whether "
                    "tfshim implements it.")
    p.add_argument("paths", nargs="+", help="Python files, notebooks or folders (searched recursively)")
    p.add_argument("-q", "--quiet", action="store_true", help="list only what tfshim lacks")
    p.add_argument("--no-tensorflow", action="store_true",
                   help="do not import real TensorFlow to tell its own gaps apart (faster; methods not checked)")
    p.add_argument("--files", action="store_true", help="also list every file with its verdict")
    args = p.parse_args(argv)
    if reference == "import":
        reference = None if args.no_tensorflow else _import_reference()

    rep = check(args.paths, root=root, reference=reference)
    for path, why in rep.skipped.items():
        print(f"skipped: {path}: {why}", file=sys.stderr)
    for note in rep.notes:
        print(f"note: {note}", file=sys.stderr)

    by_key: dict[tuple[str, str], list[Use]] = {}
    for uses in rep.files.values():
        for u in uses:
            by_key.setdefault((u.kind, u.name), []).append(u)
    width = max((len(n) for _, n in by_key), default=0)
    labels = {"ok": "ok", "missing": "MISSING", "not-in-tf": "NOT-IN-TF", "companion": "COMPANION"}

    def row(key: tuple[str, str]) -> str:
        kind, name = key
        verdict = rep.verdicts[key]
        us = by_key[key]
        nfiles = len({u.path for u in us})
        more = f" (+{len(us) - 1} more in {nfiles} file(s))" if len(us) > 1 else ""
        note = ""
        if verdict == "missing" and kind == "name":
            where = resolve(name, root)[1]
            note = f"  ({where} not in tfshim)" if where != name else ""
        elif verdict == "companion":
            note = f"  ({COMPANIONS.get(name, name)}: tfshim cannot run it)"
        elif verdict == "not-in-tf":
            note = "  (TensorFlow 2 itself lacks it: TF 1 code?)"
        return f"{name:<{width}}  {labels[verdict]:<9}  {us[0].where}{more}{note}"

    sections = (("name", "TensorFlow names"), ("method", "Methods of TF objects (where the class is known)"),
                ("companion", "Companion libraries"))
    for kind, title in sections:
        keys = sorted(k for k in by_key if k[0] == kind and not (args.quiet and rep.verdicts[k] == "ok"))
        if not keys:
            continue
        if kind != "name":
            print(f"\n{title}:", file=out)
        for k in keys:
            print(row(k), file=out)
    if args.files:
        print("\nFiles:", file=out)
        for path in rep.files:
            print(f"{'ok' if rep.file_ok(path) else 'NOT COVERED':<12} {path}", file=out)

    names = [k for k in by_key if k[0] == "name"]
    count = {v: sum(rep.verdicts[k] == v for k in names) for v in ("ok", "missing", "not-in-tf")}
    total = len(names)
    pct = 100.0 * count["ok"] / total if total else 100.0
    methods_missing = sum(rep.verdicts[k] == "missing" for k in by_key if k[0] == "method")
    companions = sorted(k[1] for k in by_key if k[0] == "companion")
    nfiles, ncov = len(rep.files), len(rep.covered_files())
    print(f"Summary: {total} TensorFlow names used in {nfiles} file(s): {count['ok']} implemented by tfshim, "
          f"{count['missing']} missing ({pct:.0f}% covered)"
          + (f", {count['not-in-tf']} not in TensorFlow {reference.__version__} either" if reference is not None
             else "")
          + f"; {methods_missing} method(s) missing; companion libraries: {', '.join(companions) or 'none'}.",
          file=out)
    fpct = 100.0 * ncov / nfiles if nfiles else 0.0
    print(f"Files: {ncov} of {nfiles} fully covered ({fpct:.0f}%)"
          + (f"; {len(rep.skipped)} skipped (could not be parsed)" if rep.skipped else "") + ".", file=out)
    if not rep.files:
        return 2
    return 0 if ncov == nfiles and not rep.skipped else 1


# -- coverage of real TensorFlow's public API ----------------------------------------------------
COVERAGE_MODULES = (
    "tf", "tf.math", "tf.nn", "tf.linalg", "tf.random", "tf.debugging", "tf.dtypes", "tf.errors", "tf.bitwise",
    "tf.autodiff", "tf.config", "tf.data", "tf.train", "tf.test", "tf.image", "tf.signal", "tf.strings", "tf.io",
    "tf.sparse", "tf.summary", "tf.distribute", "tf.saved_model", "tf.keras", "tf.keras.layers",
    "tf.keras.losses", "tf.keras.metrics", "tf.keras.optimizers", "tf.keras.activations",
    "tf.keras.initializers", "tf.keras.callbacks", "tf.keras.regularizers", "tf.keras.datasets",
)


def public_names(module: Any) -> list[str]:
    """Public, non-module attribute names of a module (what ``dir`` lists, without ``_`` names)."""
    import types

    names = []
    for n in dir(module):
        if n.startswith("_"):
            continue
        try:
            v = getattr(module, n)
        except Exception:
            continue
        if not isinstance(v, types.ModuleType):
            names.append(n)
    return sorted(names)


def coverage(tf_real: Any, root: Any, modules: Iterable[str] = COVERAGE_MODULES) -> list[tuple[str, int, int]]:
    """``(module, names tfshim (``root``) covers, TF public names)`` per module path."""
    rows = []
    for mod in modules:
        ok, _ = resolve(mod, tf_real)
        if not ok:
            continue
        real = tf_real
        for part in mod.split(".")[1:]:
            real = getattr(real, part)
        names = public_names(real)
        if not names:  # a namespace of sub-modules only (e.g. tf.keras.datasets)
            continue
        covered = sum(resolve(f"{mod}.{n}", root)[0] for n in names)
        rows.append((mod, covered, len(names)))
    return rows


def coverage_main(argv: list[str] | None = None, out: TextIO | None = None, *, root: Any) -> int:
    """``python -m tfshim.coverage``: the fraction of real TensorFlow's public names tfshim (``root``, imported
    before TensorFlow so that it configures JAX first) has, per module."""
    import argparse

    out = out or sys.stdout
    p = argparse.ArgumentParser(prog="python -m tfshim.coverage",
                                description="How much of real TensorFlow's public API tfshim implements.")
    p.add_argument("modules", nargs="*", help="module paths such as tf.math (default: the main ones)")
    p.add_argument("--missing", action="store_true", help="also list the names tfshim lacks")
    args = p.parse_args(argv)

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import tensorflow as tf_real
    except ImportError:
        print("TensorFlow is not installed: install it (pip install tensorflow-cpu) to compare.", file=out)
        return 2
    mods = tuple(args.modules) or COVERAGE_MODULES
    rows = coverage(tf_real, root, mods)
    print(f"{'module':<24} {'tfshim':>7} {'TF':>6} {'covered':>8}", file=out)
    for mod, cov, tot in rows:
        print(f"{mod:<24} {cov:>7} {tot:>6} {100.0 * cov / max(tot, 1):>7.1f}%", file=out)
        if args.missing:
            real = tf_real
            for part in mod.split(".")[1:]:
                real = getattr(real, part)
            lacking = [n for n in public_names(real) if not resolve(f"{mod}.{n}", root)[0]]
            if lacking:
                print("    missing: " + ", ".join(lacking), file=out)
    cov_all, tot_all = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"{'total':<24} {cov_all:>7} {tot_all:>6} {100.0 * cov_all / max(tot_all, 1):>7.1f}%  "
          f"(TensorFlow {tf_real.__version__}; public non-module names)", file=out)
    return 0
