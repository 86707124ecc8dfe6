"""tf.keras.utils.Progbar: Keras 3's progress bar (``12/50 ━━━━━━━━━━━━━━━━━━━━ 1s 5ms/step - loss: 0.3``).

Values are converted to Python floats only when a line is printed (at most every ``interval``
seconds and at the end), so the training loop does not wait for the device on every step.
ANSI colours are used when stdout is a terminal, plain text otherwise.
"""

from __future__ import annotations

import math
import sys
import time
from typing import Any


def _fmt_value(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{f:.4f}" if abs(f) > 1e-3 or f == 0 else f"{f:.4e}"


def _fmt_time(seconds: float) -> str:
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def _fmt_per_unit(sec: float, unit: str) -> str:
    if sec >= 1 or sec == 0:
        return f"{sec:.0f}s/{unit}"
    if sec >= 1e-3:
        return f"{sec * 1e3:.0f}ms/{unit}"
    return f"{sec * 1e6:.0f}us/{unit}"


class Progbar:
    """tf.keras.utils.Progbar(target, width=20, verbose=1, interval=0.05, stateful_metrics=None, unit_name="step").

    ``update(current, values)`` shows ``values`` (a list of (name, value)); stateful metrics (all of them
    when used by ``fit``) are shown as given, others are averaged over the steps seen, as in Keras."""

    def __init__(self, target: Any, width: int = 20, verbose: int = 1, interval: float = 0.05,
                 stateful_metrics: Any = None, unit_name: str = "step", stream: Any = None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if isinstance(stateful_metrics, (list, tuple, set, frozenset)) or stateful_metrics is None:
            stateful_metrics = set(stateful_metrics or ())
        self.stateful_metrics = stateful_metrics  # any container (fit passes one that holds every name)
        self._stream = stream
        self._values: dict = {}
        self._order: list = []
        self._seen = 0
        self._start = time.time()
        self._last_update = 0.0
        self._prev_width = 0
        self._time_at_first = None

    @property
    def stream(self) -> Any:
        return self._stream or sys.stdout

    def _colour(self) -> bool:
        s = self.stream
        return bool(getattr(s, "isatty", lambda: False)())

    def update(self, current: int, values: Any = None, finalize: Any = None) -> None:
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for k, v in values or []:
            if k not in self._order:
                self._order.append(k)
            if k in self.stateful_metrics:
                self._values[k] = [v, 1]
            else:
                n = max(current - self._seen, 1)
                old = self._values.get(k, [0.0, 0])
                self._values[k] = [old[0] + float(v) * n, old[1] + n]
        self._seen = current
        now = time.time()
        if self._time_at_first is None and current >= 1:
            self._time_at_first = now
        if self.verbose == 1:
            if not finalize and now - self._last_update < self.interval:
                return
            self._write(self._line(current, now, finalize), finalize)
        elif self.verbose == 2 and finalize:
            parts = [f"{current}/{self.target if self.target is not None else 'Unknown'}",
                     _fmt_time(now - self._start)]
            if current:
                parts.append(_fmt_per_unit((now - self._start) / current, self.unit_name))
            parts.extend(self._metric_strs())
            self.stream.write(" - ".join(parts) + "\n")
            self.stream.flush()
        self._last_update = now

    def add(self, n: int, values: Any = None) -> None:
        self.update(self._seen + n, values)

    def _metric_strs(self) -> list:
        out = []
        for k in self._order:
            v, n = self._values[k]
            out.append(f"{k}: {_fmt_value(v if k in self.stateful_metrics else v / max(n, 1))}")
        return out

    def _line(self, current: int, now: float, finalize: bool) -> str:
        colour = self._colour()
        bold = (lambda s: f"\x1b[1m{s}\x1b[0m") if colour else (lambda s: s)
        elapsed = now - self._start
        if self.target is not None:
            digits = int(math.log10(self.target)) + 1 if self.target > 0 else 1
            count = bold(f"{current:{digits}d}/{self.target}")
            frac = min(current / self.target, 1.0) if self.target else 1.0
            done = int(self.width * frac)
            if colour:
                bar = f"\x1b[32m{'━' * done}\x1b[0m\x1b[37m{'━' * (self.width - done)}\x1b[0m"
            else:
                bar = "━" * done + "─" * (self.width - done)
            line = f"{count} {bar}"
        else:
            line = bold(f"{current}/Unknown")
        per_unit = elapsed / current if current else 0.0
        if finalize or self.target is None:
            t = elapsed
        else:
            t = per_unit * (self.target - current)  # ETA
        line += f" {bold(_fmt_time(t))} {_fmt_per_unit(per_unit, self.unit_name)}"
        metrics = self._metric_strs()
        if metrics:
            line += " - " + " - ".join(metrics)
        return line

    def _write(self, line: str, finalize: bool) -> None:
        pad = max(self._prev_width - len(line), 0)
        self.stream.write("\r" + line + " " * pad + ("\n" if finalize else ""))
        self.stream.flush()
        self._prev_width = len(line)
