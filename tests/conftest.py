"""Shared test helpers: the project root, and running a script's CLI as a user would."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from benchmarks.common import SITE_PREFIX, SiteHandler  # the same server the page-weight benchmark uses

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def tests_cache(tmp_path_factory) -> Path:
    """The cache folder of the scripts the tests run, apart from the project's own."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def run_cli(tests_cache):
    """Run ``python -m MODULE ARGS`` in a folder; return (exit code, stdout, stderr). The caches go to the tests'
    own folder unless ``cache_dir`` names one (the project's ``.cache`` for runs over the docs themselves)."""

    def _run(module: str, *args: str, cwd: Path = ROOT, timeout: float = 300,
             cache_dir: Path | None = None) -> tuple[int, str, str]:
        env = dict(os.environ, PYTHONPATH=str(ROOT), NO_MKDOCS_2_WARNING="1",
                   C7_CACHE_DIR=str(cache_dir or tests_cache))
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


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served on 127.0.0.1 for the browser tests."""
    proc, out = built_site
    assert proc.returncode == 0, proc.stderr
    handler = functools.partial(SiteHandler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SITE_PREFIX}/"
    server.shutdown()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own browser download is never used)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install it with `apt-get install chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
