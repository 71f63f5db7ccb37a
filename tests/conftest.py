"""Shared test helpers: the project root, and running a script's CLI as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def run_cli():
    """Run ``python -m MODULE ARGS`` in a folder; return (exit code, stdout, stderr)."""

    def _run(module: str, *args: str, cwd: Path = ROOT, timeout: float = 300) -> tuple[int, str, str]:
        env = dict(os.environ, PYTHONPATH=str(ROOT), NO_MKDOCS_2_WARNING="1")
        proc = subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=timeout)
        return proc.returncode, proc.stdout, proc.stderr

    return _run


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real docs built once per test session with ``mkdocs build --strict``: (process, site folder)."""
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(out)},
    )
    return proc, out
