"""The code style the project keeps: `ruff check .` with the rules in pyproject.toml finds nothing
(fix a finding with `ruff check --fix`, or wrap a long line by hand)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
