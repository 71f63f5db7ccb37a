"""The preview server (`make serve` runs `python -m scripts.serve`): it serves the site and rebuilds on save."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from scripts.serve import POLLING_INTERVAL, QuickLiveReloadServer
from tests.conftest import ROOT
from tests.test_build_cache import _site


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local server
        return response.read().decode()


def _wait_for(url: str, text: str, proc: subprocess.Popen, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if text in _get(url):
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def test_the_preview_server_polls_files_at_our_interval_not_mkdocs_half_second():
    server = QuickLiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(ROOT))
    assert server.observer.timeout == POLLING_INTERVAL < 0.5


def test_a_saved_page_is_served_rebuilt_and_the_unchanged_one_comes_from_memory(tmp_path: Path):
    """The cache folder cannot be created (its parent is a file), so nothing reaches the disk: the rebuild's
    cache hit proves the hooks keep their state in memory between the rebuilds of one server."""
    site = _site(tmp_path)
    port = _free_port()
    (tmp_path / "not-a-folder").write_text("")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(site), "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": str(ROOT), "C7_CACHE_DIR": str(tmp_path / "not-a-folder" / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "scripts.serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/fixture/guide/"
    try:
        assert _wait_for(url, "print", proc), "the first build was never served"
        guide = site / "docs" / "guide.md"
        guide.write_text(guide.read_text() + "\nA sentence added while serving.\n")
        assert _wait_for(url, "A sentence added while serving.", proc), "the edit was never served"
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=20)
    assert "page cache: 0 rendered from cache, 2 rendered" in stderr
    assert "page cache: 1 rendered from cache, 1 rendered" in stderr
    assert "not written" in stderr
