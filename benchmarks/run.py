"""Run every benchmark (tfshim vs real TensorFlow vs plain JAX), print a Markdown table, save it.

Usage (from the repository root)::

    python benchmarks/run.py            # full run, writes benchmarks/results.md
    python benchmarks/run.py --quick    # smoke mode: few repeats, seconds not minutes
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so `python benchmarks/run.py` works without installing
    sys.path.insert(0, str(ROOT))

from benchmarks._harness import LIBS, Result, import_libraries, machine_info, markdown_table  # noqa: E402


def modules() -> list[str]:
    """The benchmark modules: every ``benchmarks/bench_*.py``; each defines ``run(quick) -> list[Result]``."""
    first = {"bench_dispatch": 0, "bench_tape": 1}  # the core benchmarks lead the table
    return sorted((p.stem for p in (ROOT / "benchmarks").glob("bench_*.py")), key=lambda m: (first.get(m, 2), m))


def run_all(quick: bool, only: list[str] | None = None) -> list[Result]:
    """Every benchmark of every module (or of the modules in ``only``), in order."""
    results: list[Result] = []
    for name in modules():
        if only and name not in only and name.removeprefix("bench_") not in only:
            continue
        mod = importlib.import_module(f"benchmarks.{name}")
        results.extend(mod.run(quick=quick))
    return results


def report(results: list[Result], info: dict[str, str], quick: bool) -> str:
    """The Markdown document written to results.md."""
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    machine = ", ".join(f"{k} {v}" for k, v in info.items())
    mode = " (quick smoke mode: few repeats, numbers are rough)" if quick else ""
    return (
        f"# tfshim benchmarks\n\n{when}{mode}\n\nMachine: {machine}\n\n"
        "Median time per call in µs (lower is better); ratios below 1 mean tfshim is faster.\n\n"
        f"{markdown_table(results)}\n"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="few repeats (a smoke test, not a measurement)")
    p.add_argument("--out", default=None, help="Markdown output (default benchmarks/results.md; '-' for none)")
    p.add_argument("--json", default=None, help="also write the raw numbers as JSON to this path")
    p.add_argument("--only", nargs="+", default=None, metavar="MODULE",
                   help=f"run only these modules (of: {', '.join(m.removeprefix('bench_') for m in modules())})")
    args = p.parse_args(argv)

    import_libraries()
    results = run_all(args.quick, args.only)
    info = machine_info()  # after the run, so the load average covers it
    text = report(results, info, args.quick)
    print(text)

    out = args.out if args.out is not None else str(ROOT / "benchmarks" / "results.md")
    if out != "-":
        Path(out).write_text(text)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "machine": info,
            "quick": args.quick,
            "results": [{"name": r.name, "unit": r.unit, "target": r.target, "us": r.us,
                         "meets_target": r.meets_target} for r in results],
        }, indent=2))
    bad = [r.name for r in results if not all(math.isfinite(r.us.get(lib, math.nan)) for lib in LIBS)]
    if bad:
        print(f"non-finite timings in: {bad}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
