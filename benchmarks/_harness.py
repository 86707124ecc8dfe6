"""Timing helpers shared by the benchmarks: median-of-repeats timing, a Markdown table, machine info.

Every benchmark runs the same workload in tfshim, real TensorFlow and hand-written JAX in one
process, so the ratios compare like with like on the same machine at the same moment.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

LIBS = ("tfshim", "tensorflow", "jax")


def time_per_call(
    fn: Callable[[], Any],
    calls: int,
    repeats: int,
    warmup: int = 1,
    sync: Callable[[Any], Any] | None = None,
) -> float:
    """Median over ``repeats`` of the time of ``calls`` back-to-back calls of ``fn``, in µs per call.

    ``warmup`` extra rounds of ``calls`` calls run first (compilation, caches). ``sync`` is applied
    to the last result of every round (e.g. ``.numpy()``) so asynchronous work is included.
    """
    def one_round() -> float:
        out = None
        t0 = time.perf_counter()
        for _ in range(calls):
            out = fn()
        if sync is not None:
            sync(out)
        return time.perf_counter() - t0

    for _ in range(warmup):
        one_round()
    times = [one_round() for _ in range(repeats)]
    return statistics.median(times) / calls * 1e6


def time_interleaved(
    cases: dict[str, tuple[Callable[[], Any], Callable[[Any], Any] | None]],
    calls: int,
    repeats: int,
    warmup: int = 1,
) -> dict[str, float]:
    """Like ``time_per_call`` for several libraries at once: ``cases`` maps a library to ``(fn, sync)``.

    The rounds alternate between libraries (round 1 of each, then round 2 of each, ...), so load
    from other processes on the machine falls evenly on all of them and the ratios stay fair.
    Returns µs per call (median over ``repeats``) per library.
    """
    def one_round(fn: Callable[[], Any], sync: Callable[[Any], Any] | None) -> float:
        out = None
        t0 = time.perf_counter()
        for _ in range(calls):
            out = fn()
        if sync is not None:
            sync(out)
        return time.perf_counter() - t0

    for fn, sync in cases.values():
        for _ in range(warmup):
            one_round(fn, sync)
    times: dict[str, list[float]] = {lib: [] for lib in cases}
    for _ in range(repeats):
        for lib, (fn, sync) in cases.items():
            times[lib].append(one_round(fn, sync))
    return {lib: statistics.median(ts) / calls * 1e6 for lib, ts in times.items()}


@dataclasses.dataclass
class Result:
    """One benchmark row: per-call (or per-step) medians in µs for each library."""

    name: str
    unit: str  # what one "call" is, e.g. "op" or "step"
    target: str  # the goal, e.g. "tfshim/TF ≤ 0.5"
    us: dict[str, float]  # library -> µs per call
    target_ratio: float | None = None  # tfshim/TF must be ≤ this to meet the target

    def ratio(self, lib: str) -> float:
        return self.us["tfshim"] / self.us[lib]

    @property
    def meets_target(self) -> bool | None:
        if self.target_ratio is None:
            return None
        return self.ratio("tensorflow") <= self.target_ratio


def _fmt_us(v: float) -> str:
    return f"{v:,.1f}" if v < 1000 else f"{v:,.0f}"


def markdown_table(results: list[Result]) -> str:
    """The results as a Markdown table: medians per library and the ratios tfshim/TF and tfshim/JAX."""
    lines = [
        "| benchmark | unit | tfshim µs | TF µs | JAX µs | tfshim/TF | tfshim/JAX | target | met |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        met = {None: "", True: "yes", False: "**no**"}[r.meets_target]
        lines.append(
            f"| {r.name} | {r.unit} | {_fmt_us(r.us['tfshim'])} | {_fmt_us(r.us['tensorflow'])} | "
            f"{_fmt_us(r.us['jax'])} | {r.ratio('tensorflow'):.2f} | {r.ratio('jax'):.2f} | {r.target} | {met} |"
        )
    return "\n".join(lines)


def machine_info() -> dict[str, str]:
    """CPU model, cores, Python and library versions, and the accelerator JAX sees (if any)."""
    info: dict[str, str] = {}
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info["cpu"] = cpu
    try:
        info["cores"] = str(len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        info["cores"] = str(os.cpu_count())
    try:  # other processes skew timings; record how busy the machine was
        info["load avg (1 min)"] = f"{os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover
        pass
    info["python"] = platform.python_version()
    import jax
    import numpy as np

    info["jax"] = jax.__version__
    info["numpy"] = np.__version__
    try:
        import tensorflow as tf

        info["tensorflow"] = tf.__version__
    except ImportError:  # pragma: no cover
        info["tensorflow"] = "not installed"
    import tfshim

    info["tfshim"] = tfshim.__tfshim_version__
    devs = jax.devices()
    info["jax_backend"] = jax.default_backend()
    if devs and devs[0].platform != "cpu":
        info["accelerator"] = f"{len(devs)} x {getattr(devs[0], 'device_kind', devs[0].platform)}"
    else:
        info["accelerator"] = "none (CPU only)"
    return info


def import_libraries() -> tuple[Any, Any]:
    """Import tfshim (configures JAX first) and real TensorFlow with its GPU hidden and logs quiet."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import tfshim  # noqa: I001  (tfshim first: it configures JAX before TF loads, as tests/conftest.py does)
    import tensorflow as tf_real

    if bench_device() != "gpu":  # --device gpu lets TF use its GPU too (a CUDA build of TF has one)
        try:
            tf_real.config.set_visible_devices([], "GPU")
        except (RuntimeError, ValueError):  # already initialised
            pass
    return tfshim, tf_real


def bench_device() -> str:
    """``cpu`` or ``gpu``: what ``benchmarks/run.py --device`` asked for (env ``TFSHIM_BENCH_DEVICE``)."""
    return os.environ.get("TFSHIM_BENCH_DEVICE", "cpu")


def select_device(device: str) -> str:
    """Set up JAX (and TF) for ``device`` before they are imported; returns a line saying what runs where.

    ``cpu`` sets ``JAX_PLATFORMS=cpu``. ``gpu`` leaves JAX free to pick its CUDA backend, which then
    holds every tfshim tensor; without a GPU it says so and the run goes on on the CPU.
    """
    os.environ["TFSHIM_BENCH_DEVICE"] = device
    if device == "cpu":
        os.environ["JAX_PLATFORMS"] = "cpu"
        return "device: CPU"
    if os.environ.get("JAX_PLATFORMS", "") == "cpu":
        os.environ.pop("JAX_PLATFORMS")
    import jax

    gpus = [d for d in jax.devices() if d.platform == "gpu"]
    if not gpus:
        os.environ["TFSHIM_BENCH_DEVICE"] = "cpu"
        return "device: --device gpu asked, but JAX sees no GPU (install tfshim[cuda]); running on the CPU"
    return f"device: GPU ({len(gpus)} x {gpus[0].device_kind}); tfshim and JAX tensors live on {gpus[0]}"


def bar_chart(results: list[Result], path: str, title: str = "") -> bool:
    """A horizontal bar chart of tfshim/TF and tfshim/JAX per benchmark (log scale), saved as a PNG.

    Returns False (and writes nothing) when matplotlib is not installed.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    names = [r.name if len(r.name) <= 60 else r.name[:57] + "..." for r in results]
    y = list(range(len(results)))
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(results) + 1.5))
    h = 0.4
    ax.barh([v - h / 2 for v in y], [r.ratio("tensorflow") for r in results], height=h, label="tfshim / TensorFlow")
    ax.barh([v + h / 2 for v in y], [r.ratio("jax") for r in results], height=h, label="tfshim / plain JAX")
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("time ratio (below 1: tfshim is faster)")
    ax.set_title(title or "tfshim benchmarks", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
