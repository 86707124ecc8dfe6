"""The porting checker (``python -m tfshim.check``) and the coverage report (``python -m tfshim.coverage``).

``scan_source`` finds every ``tf.``-rooted attribute chain a Python file uses, for any alias of
``tensorflow`` (or ``tfshim``): ``import tensorflow as tf``, ``import tensorflow``,
``from tensorflow import keras``, ``from tensorflow.keras.layers import Dense``, ...
``resolve`` answers "does tfshim implement it" by attribute lookup on the ``tfshim`` package itself,
so the answer is exactly what a ported script will meet at run time. That package is handed in as
``root`` by the entry points (``tfshim/check.py``, ``tfshim/coverage.py``): nothing under
``tfshim._src`` imports the public namespace it is part of.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

_ROOTS = {"tensorflow": "tf", "tfshim": "tf"}


@dataclasses.dataclass(frozen=True)
class Use:
    """One use of a TF name: ``name`` is the dotted path from ``tf`` (``"tf.math.add"``)."""

    name: str
    path: str
    line: int


def _tf_path(module: str) -> str | None:
    """``"tensorflow.keras.layers"`` -> ``"tf.keras.layers"``; None for non-TF modules."""
    head, _, rest = module.partition(".")
    if head not in _ROOTS:
        return None
    return "tf" + ("." + rest if rest else "")


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local names bound by imports to TF modules or names: local name -> TF path."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                base = _tf_path(a.name)
                if base is None:
                    continue
                if a.asname:
                    out[a.asname] = base
                else:  # ``import tensorflow.keras`` binds ``tensorflow``
                    out[a.name.partition(".")[0]] = "tf"
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = _tf_path(node.module)
            if base is None:
                continue
            for a in node.names:
                if a.name != "*":
                    out[a.asname or a.name] = f"{base}.{a.name}"
    return out


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


def scan_source(source: str, path: str = "<string>") -> list[Use]:
    """Every TF name used in ``source`` (longest attribute chains, plus names imported from TF)."""
    tree = ast.parse(source, filename=path)
    aliases = _aliases(tree)
    uses: list[Use] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = _tf_path(node.module)
            if base is not None:
                uses.extend(Use(f"{base}.{a.name}", path, node.lineno) for a in node.names if a.name != "*")
                if base != "tf":
                    uses.append(Use(base, path, node.lineno))
        elif isinstance(node, ast.Import):
            for a in node.names:
                base = _tf_path(a.name)
                if base is not None and base != "tf":
                    uses.append(Use(base, path, node.lineno))
    inner: set[int] = set()  # Attribute nodes that are part of a longer chain
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            inner.add(id(node.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            parts = _chain(node)
            if parts and parts[0] in aliases:
                uses.append(Use(".".join([aliases[parts[0]], *parts[1:]]), path, node.lineno))
    return sorted(uses, key=lambda u: (u.path, u.line, u.name))


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
    """The ``.py`` files named or found (recursively) under the folders named."""
    for p in paths:
        if os.path.isdir(p):
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
                for f in sorted(filenames):
                    if f.endswith(".py"):
                        yield os.path.join(dirpath, f)
        else:
            yield p


def check_main(argv: list[str] | None = None, out: TextIO | None = None, *, root: Any) -> int:
    """``python -m tfshim.check FILES_OR_FOLDERS``: 0 when tfshim (``root``) implements every TF name used, 1 if
    not."""
    import argparse

    out = out or sys.stdout
    p = argparse.ArgumentParser(
        prog="python -m tfshim.check",
        description="List every tf.* name TensorFlow programs use and whether tfshim implements it.")
    p.add_argument("paths", nargs="+", help="Python files or folders (searched recursively for .py files)")
    p.add_argument("-q", "--quiet", action="store_true", help="list only the names tfshim lacks")
    args = p.parse_args(argv)

    uses: list[Use] = []
    nfiles = 0
    for path in python_files(args.paths):
        try:
            with open(path, encoding="utf-8") as f:
                src = f.read()
            uses.extend(scan_source(src, path))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError) as e:
            print(f"error: {path}: {e}", file=sys.stderr)
            return 2
        nfiles += 1

    by_name: dict[str, list[Use]] = {}
    for u in uses:
        by_name.setdefault(u.name, []).append(u)
    missing = 0
    width = max((len(n) for n in by_name), default=0)
    for name in sorted(by_name):
        ok, where = resolve(name, root)
        missing += not ok
        if ok and args.quiet:
            continue
        first = by_name[name][0]
        status = "ok" if ok else "MISSING"
        note = "" if ok or where == name else f"  ({where} not in tfshim)"
        n = len(by_name[name])
        print(f"{name:<{width}}  {status:<7}  {first.path}:{first.line}"
              f"{f' (+{n - 1} more)' if n > 1 else ''}{note}", file=out)
    total = len(by_name)
    pct = 100.0 * (total - missing) / total if total else 100.0
    print(f"Summary: {total} TensorFlow names used in {nfiles} file(s): {total - missing} implemented by tfshim, "
          f"{missing} missing ({pct:.0f}% covered).", file=out)
    return 0 if missing == 0 else 1


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
