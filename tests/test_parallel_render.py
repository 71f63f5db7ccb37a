"""The build helper hook (scripts/hooks/parallel_render.py): the helper renders the last pages of a build in
parallel, and the site, the caches and the warnings are the same as when the build renders every page itself."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.test_build_cache import _tree

PAGES = 10
HOOKS = ("highlight_cache", "page_cache", "parallel_render", "llms_txt")
CONFIG = "\n".join([
    "site_name: Helper fixture",
    "site_url: https://example.org/helper/",
    "theme:",
    "  name: material",
    "plugins:",
    "  - search",
    "markdown_extensions:",
    "  - toc:",
    "      permalink: true",
    "  - pymdownx.highlight",
    "  - pymdownx.superfences",
    "hooks:",
    *[f"  - {ROOT / 'scripts' / 'hooks' / f'{name}.py'}" for name in HOOKS],
    "nav:",
    *[f"  - Page {n}: page{n}.md" for n in range(PAGES)],
    "",
])


def _page(n: int) -> str:
    following = (n + 1) % PAGES
    return (f"# Page {n}\n\n## Section {n}\n\nNext: [page {following}](page{following}.md#section-{following}).\n\n"
            f"```python\ndef page_{n}():\n    return {n}\n```\n\n```sql\nSELECT {n} AS page\n```\n")


def _site(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text(CONFIG)
    for n in range(PAGES):
        (tmp_path / "docs" / f"page{n}.md").write_text(_page(n))
    return tmp_path


def _build(site: Path, out: str, helper: bool) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(site), "NO_MKDOCS_2_WARNING": "1",
           "C7_BUILD_HELPER": "1" if helper else "0"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", out],
                          cwd=site, capture_output=True, text=True, timeout=300, env=env)


def _in_helper(proc: subprocess.CompletedProcess[str]) -> int:
    found = re.findall(r"page cache: 0 rendered from cache, \d+ rendered \((\d+) in a helper process\)", proc.stderr)
    return int(found[-1]) if found else 0


def test_a_clean_build_with_the_helper_writes_the_same_site_and_caches(tmp_path):
    helped = _site(tmp_path / "helped")
    alone = _site(tmp_path / "alone")
    with_helper = _build(helped, "site", helper=True)
    without = _build(alone, "site", helper=False)
    assert with_helper.returncode == 0 and without.returncode == 0, with_helper.stderr + without.stderr
    assert 0 < _in_helper(with_helper) < PAGES
    assert _in_helper(without) == 0
    assert _tree(helped / "site") == _tree(alone / "site")
    assert "build helper: " in with_helper.stderr and "build helper: " not in without.stderr
    # The helper's renders and highlights went into the caches: the next build renders nothing, and with the
    # cache warm it starts no helper.
    rebuild = _build(helped, "again", helper=True)
    assert f"page cache: {PAGES} rendered from cache, 0 rendered" in rebuild.stderr
    assert "build helper: " not in rebuild.stderr
    assert _tree(helped / "again") == _tree(helped / "site")


def test_a_broken_link_on_a_page_the_helper_rendered_fails_the_build_once(tmp_path):
    site = _site(tmp_path)
    last = site / "docs" / f"page{PAGES - 1}.md"
    last.write_text(last.read_text() + "\nSee [gone](missing.md).\n")
    proc = _build(site, "site", helper=True)
    assert _in_helper(proc) > 0
    assert proc.returncode == 1
    message = "contains a link 'missing.md', but the target is not found among documentation files"
    assert proc.stderr.count(message) == 1, proc.stderr


def _hook_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("parallel_render_under_test",
                                                  ROOT / "scripts" / "hooks" / "parallel_render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_helper_that_sends_garbage_leaves_the_pages_to_the_build():
    hook = _hook_module()
    merged: list[object] = []

    class CacheHook:
        helper_delta = staticmethod(lambda: {})
        helper_merge = staticmethod(merged.append)

    for payload in (b"", b"not a pickle", b"\x80\x05K"):
        read_fd, write_fd = os.pipe()
        os.write(write_fd, payload)
        os.close(write_fd)
        hook._job.update(pid=-1, fd=read_fd, pages={"page.md"}, merged=False)
        hook._merge({"hooks": {"cache": CacheHook}})
        assert hook._job["merged"] is True
        hook._job.clear()
    assert merged == []
