"""The page cache hook (scripts/hooks/page_cache.py): a rebuild from the cache is the same site, faster."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CONFIG = f"""\
site_name: Cache fixture
site_url: https://example.org/fixture/
theme:
  name: material
plugins:
  - search
markdown_extensions:
  - toc:
      permalink: {{permalink}}
  - pymdownx.superfences
validation:
  anchors: warn
hooks:
  - {ROOT / "scripts" / "hooks" / "page_cache.py"}
  - {ROOT / "scripts" / "hooks" / "llms_txt.py"}
nav:
  - Home: index.md
  - Guide: guide.md
"""
GUIDE = "# Guide\n\n## Run it\n\nSee [home](index.md#welcome).\n\n```python\nprint('hello')\n```\n"


def _site(tmp_path: Path, permalink: str = "true") -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text(CONFIG.replace("{permalink}", permalink))
    (tmp_path / "docs" / "index.md").write_text("# Home\n\n## Welcome\n\nRead the [guide](guide.md).\n")
    (tmp_path / "docs" / "guide.md").write_text(GUIDE)
    return tmp_path


def _build(site: Path, out: str) -> tuple[int, str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(site), "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", out],
                          cwd=site, capture_output=True, text=True, timeout=300, env=env)
    counts = re.findall(r"page cache: (\d+) rendered from cache, (\d+) rendered", proc.stderr + proc.stdout)
    return proc.returncode, "/".join(counts[-1]) if counts else "", proc.stderr


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rebuild_from_the_cache_writes_the_same_site(tmp_path):
    site = _site(tmp_path)
    assert _build(site, "one")[:2] == (0, "0/2")
    assert (site / ".cache" / "pages.pickle").is_file()
    assert _build(site, "two")[:2] == (0, "2/0")
    assert _tree(site / "one") == _tree(site / "two")


def test_only_the_edited_page_is_rendered_again(tmp_path):
    site = _site(tmp_path)
    _build(site, "one")
    (site / "docs" / "guide.md").write_text(GUIDE.replace("print('hello')", "print('edited')"))
    assert _build(site, "two")[:2] == (0, "1/1")
    assert "edited" in (site / "two" / "guide" / "index.html").read_text()
    assert "edited" in (site / "two" / "search" / "search_index.json").read_text()


def test_a_changed_extension_option_renders_every_page_again(tmp_path):
    site = _site(tmp_path)
    _build(site, "one")
    _site(tmp_path, permalink="false")
    assert _build(site, "two")[:2] == (0, "0/2")
    assert "headerlink" not in (site / "two" / "guide" / "index.html").read_text()


def test_a_cached_page_with_broken_links_still_fails_the_strict_build(tmp_path):
    """The anchor is checked after rendering (from the stored links), the missing page while rendering (the
    stored warning is logged again)."""
    site = _site(tmp_path)
    broken = GUIDE.replace("index.md#welcome", "index.md#no-such-heading") + "\nAnd [gone](missing.md).\n"
    (site / "docs" / "guide.md").write_text(broken)
    first = _build(site, "one")
    second = _build(site, "two")
    assert first[:2] == (1, "0/2")
    assert second[:2] == (1, "2/0")
    for message in ("contains a link 'index.md#no-such-heading', but the doc 'index.md' does not contain an anchor",
                    "contains a link 'missing.md', but the target is not found among documentation files"):
        assert message in first[2] and message in second[2]


def _load_hook():
    spec = importlib.util.spec_from_file_location("page_cache_under_test", ROOT / "scripts" / "hooks" / "page_cache.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sections(html: str) -> list[tuple[str, str | None, str, str]]:
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(repr(s.el), s.id, "".join(s.title), "".join(s.text)) for s in parser.data]


def test_the_search_parser_reads_the_same_sections_without_the_code_spans(built_site):
    """The hook hands Material's search parser each page without the Pygments spans inside <pre>."""
    _, out = built_site
    without_code_spans = _load_hook().without_code_spans
    pages = sorted(out.rglob("index.html"))
    assert len(pages) >= 32
    for page in pages:
        html = page.read_text()
        lighter = without_code_spans(html)
        assert lighter.count("<span") < html.count("<span") or "<pre" not in html, page
        assert _sections(lighter) == _sections(html), page


def test_a_cache_that_cannot_be_written_warns_and_the_strict_build_goes_on(tmp_path):
    site = _site(tmp_path)
    (tmp_path / "not-a-folder").write_text("")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(site), "NO_MKDOCS_2_WARNING": "1",
           "C7_CACHE_DIR": str(tmp_path / "not-a-folder" / "cache")}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", "out"],
                          cwd=site, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert f"warning: cache {tmp_path / 'not-a-folder' / 'cache' / 'pages.pickle'} not written" in proc.stderr
    assert (site / "out" / "guide" / "index.html").is_file()



def test_canary_a_title_taken_from_the_h1_survives_the_cache(tmp_path):
    """The page cache restores MkDocs' private ``Page._title_from_render`` (no public API sets a page's title
    from its render). If an upgrade of MkDocs renames it, the cached page falls back to its file name."""
    site = _site(tmp_path)
    config = (site / "mkdocs.yml").read_text().replace("  - Guide: guide.md", "  - guide.md")
    (site / "mkdocs.yml").write_text(config)
    (site / "docs" / "guide.md").write_text(GUIDE.replace("# Guide", "# Running the example"))
    assert _build(site, "one")[:2] == (0, "0/2")
    assert _build(site, "three")[:2] == (0, "2/0")
    for out in ("one", "three"):
        assert "<title>Running the example - Cache fixture</title>" in (site / out / "guide" / "index.html").read_text()
