"""How many real TF2 programs ``python -m tfshim.check`` finds fully covered, before and after a checker change.

Usage: ``python benchmarks/porting_corpus.py CORPUS_DIR [--old PATH/TO/old/porting.py]``.

The corpus is NOT part of the repository (licences, size); gather it outside, for example under
``/work/corpus``, from these public repositories (the files as they are, nothing edited):

- ``tensorflow/docs`` at the TF 2.21 docs commit: ``site/en/tutorials`` and ``site/en/guide`` (118 notebooks);
- ``tensorflow/examples`` (325 ``.py`` files, 57 notebooks);
- ``aymericdamien/TensorFlow-Examples``: ``tensorflow_v2`` (24 notebooks);
- ``keras-team/keras``: ``examples`` (9 ``.py`` files, standalone Keras 3).

"after" is this checkout's checker (notebooks, aliases by assignment, star imports, methods, companion libraries,
real TF as reference). "before" runs the old checker's ``scan_source``/``resolve`` (``--old``, e.g. main's
``tfshim/_src/porting.py`` from before the change) on the ``.py`` files it could read, and, for the same
denominator, on the notebooks' code cells as this checker extracts them. A file is fully covered when every
name it uses resolves in tfshim (after: also its methods, and no companion library).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import tfshim  # noqa: E402  (before TensorFlow: configures JAX)
from tfshim._src import porting  # noqa: E402


def _old_file_covered(old, path: str, text: str) -> bool | None:
    """Old semantics: None when the old checker cannot parse the file (it aborted the whole run)."""

    try:
        if path.endswith(".ipynb"):
            trees = [c for c in porting._notebook_cells(text) if c.strip()]
            uses = []
            for code in trees:
                try:
                    uses.extend(old.scan_source(code, path))
                except SyntaxError:
                    continue
        else:
            uses = old.scan_source(text, path)
    except (SyntaxError, ValueError, RecursionError):
        return None
    return all(old.resolve(u.name, tfshim)[0] for u in uses)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    p.add_argument("--old", help="path of the old porting.py to compare with")
    args = p.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf_real

    files = list(porting.python_files([args.corpus]))
    rep = porting.check([args.corpus], root=tfshim, reference=tf_real)
    groups = {}
    for f in files:
        top = os.path.relpath(f, args.corpus).split(os.sep)[0]
        kind = "ipynb" if f.endswith(".ipynb") else "py"
        groups.setdefault((top, kind), []).append(f)
    covered = set(rep.covered_files())
    print(f"{'source':<16} {'kind':<6} {'files':>6} {'after':>7}", end="")
    old = None
    if args.old:
        spec = importlib.util.spec_from_file_location("old_porting", args.old)
        old = importlib.util.module_from_spec(spec)
        sys.modules["old_porting"] = old
        spec.loader.exec_module(old)
        print(f" {'before':>7}", end="")
    print()
    tot_after = tot_before = 0
    for (top, kind), fs in sorted(groups.items()):
        after = sum(f in covered for f in fs)
        tot_after += after
        line = f"{top:<16} {kind:<6} {len(fs):>6} {after:>7}"
        if old is not None:
            before = 0
            for f in fs:
                with open(f, encoding="utf-8", errors="replace") as fh:
                    before += bool(_old_file_covered(old, f, fh.read()))
            tot_before += before
            line += f" {before:>7}"
        print(line)
    n = len(files)
    print(f"total: {n} files, {len(rep.skipped)} unparsable (skipped); fully covered after: {tot_after} "
          f"({100 * tot_after / n:.1f}%)" + (f", before: {tot_before} ({100 * tot_before / n:.1f}%)" if old else ""))


if __name__ == "__main__":
    main()
