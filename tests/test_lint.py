"""The code base is ruff-clean (the project's style gate runs as part of the test suite)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_ruff_check_passes():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "tfshim", "tests", "benchmarks", "examples"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_is_the_pinned_version():
    """The test extra pins ruff exactly (a newer ruff can add or change rules and turn the style gate red
    without a code change); the ruff that runs must be that version."""
    import re
    import tomllib

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    pins = [d for d in extra if re.match(r"ruff\s*==", d)]
    assert len(pins) == 1, f"the test extra must pin ruff with ==, found {extra}"
    want = pins[0].split("==")[1].strip()
    out = subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True, check=True).stdout
    assert out.split()[1] == want, f"ruff {out.strip()} runs, the test extra pins {want}: pip install -e '.[test]'"
