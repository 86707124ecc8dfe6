"""Run every benchmark (tfshim vs real TensorFlow vs plain JAX), print a Markdown table, save it.

Usage (from the repository root)::

    python benchmarks/run.py            # full run, writes benchmarks/results.md
    python benchmarks/run.py --quick    # smoke mode: few repeats, seconds not minutes
    python benchmarks/run.py --device gpu   # tfshim/JAX on the GPU (TF too, with a CUDA build of TF)

Writes ``results.md`` and a bar chart of the ratios, ``results.png``, next to it.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import inspect
import json
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so `python benchmarks/run.py` works without installing
    sys.path.insert(0, str(ROOT))

from benchmarks._harness import (  # noqa: E402
    LIBS,
    Result,
    bar_chart,
    import_libraries,
    machine_info,
    markdown_table,
    select_device,
)


def modules() -> list[str]:
    """The benchmark modules: every ``benchmarks/bench_*.py``; each defines ``run(quick) -> list[Result]``."""
    first = {"bench_dispatch": 0, "bench_matmul_large": 1, "bench_tape": 2}  # the core benchmarks lead
    return sorted((p.stem for p in (ROOT / "benchmarks").glob("bench_*.py")), key=lambda m: (first.get(m, 3), m))


def run_all(quick: bool, only: list[str] | None = None) -> list[Result]:
    """Every benchmark of every module (or of the modules in ``only``), in order."""
    results: list[Result] = []
    for name in modules():
        if only and name not in only and name.removeprefix("bench_") not in only:
            continue
        mod = importlib.import_module(f"benchmarks.{name}")
        run = getattr(mod, "run", None)
        # Standalone scripts (bench_autograph, bench_records: ``python benchmarks/bench_x.py``) have no
        # ``run(quick=...)`` of the harness and are not part of this table.
        if run is None or "quick" not in inspect.signature(run).parameters:
            continue
        results.extend(run(quick=quick))
    return results


def report(results: list[Result], info: dict[str, str], quick: bool, device_line: str = "",
           chart: str | None = None) -> str:
    """The Markdown document written to results.md."""
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    machine = ", ".join(f"{k} {v}" for k, v in info.items())
    mode = " (quick smoke mode: few repeats, numbers are rough)" if quick else ""
    return (
        f"# tfshim benchmarks\n\n{when}{mode}\n\nMachine: {machine}\n\n"
        + (f"{device_line[0].upper()}{device_line[1:]}\n\n" if device_line else "")
        + (f"![tfshim/TF and tfshim/JAX per benchmark]({chart})\n\n" if chart else "")
        + "Median time per call in µs (lower is better); ratios below 1 mean tfshim is faster.\n\n"
        + f"{markdown_table(results)}\n"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="few repeats (a smoke test, not a measurement)")
    p.add_argument("--out", default=None, help="Markdown output (default benchmarks/results.md; '-' for none)")
    p.add_argument("--json", default=None, help="also write the raw numbers as JSON to this path")
    p.add_argument("--only", nargs="+", default=None, metavar="MODULE",
                   help=f"run only these modules (of: {', '.join(m.removeprefix('bench_') for m in modules())})")
    p.add_argument("--device", choices=("cpu", "gpu"), default="cpu",
                   help="where tfshim and JAX run (gpu: JAX's CUDA backend; says so and uses the CPU without one)")
    args = p.parse_args(argv)

    device_line = select_device(args.device)
    print(device_line, flush=True)
    import_libraries()
    results = run_all(args.quick, args.only)
    info = machine_info()  # after the run, so the load average covers it
    out = args.out if args.out is not None else str(ROOT / "benchmarks" / "results.md")
    png = None
    if out != "-":
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        png = str(Path(out).with_suffix(".png"))
        where = os.environ.get("TFSHIM_BENCH_DEVICE", "cpu")
        if not bar_chart(results, png, f"tfshim vs TensorFlow vs JAX ({info.get('cpu', '')}, {where})"):
            png = None
    text = report(results, info, args.quick, device_line, Path(png).name if png else None)
    print(text)
    if out != "-":
        Path(out).write_text(text)
        if png:
            print(f"bar chart: {png}")
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
