"""What AI readers get: llms.txt, llms-full.txt, one llms-<section>.txt per nav section and a Markdown copy of
every page, each with its provenance, and examples that stand alone as snippets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from scripts.docmodel import load_docs
from scripts.llms import section_slug
from scripts.siteconfig import load_config, nav_pages, verified_against, written_for
from scripts.snippets import snippet_findings
from tests.conftest import FIXTURES, ROOT

CONFIG = load_config(ROOT / "mkdocs.yml")
SITE_URL = CONFIG["site_url"]
POINTER = f"> Index of these docs for AI readers: {SITE_URL}llms.txt\n"


def _url_path(rel: str) -> str:
    """Where a source page is served, relative to the site root ("api/jobs.md" -> "api/jobs/")."""
    path = rel.removesuffix(".md").removesuffix("index")
    return path if not path or path.endswith("/") else f"{path}/"


def _nav_sections() -> dict[str, list[str]]:
    """Each top-level nav section's title and its pages, in nav order."""
    return {title: nav_pages({"nav": children}) for item in CONFIG["nav"] if isinstance(item, dict)
            for title, children in item.items() if isinstance(children, list)}


def _split(text: str, name: str) -> tuple[dict[str, Any], str]:
    """A file's YAML front matter and what follows it."""
    match = re.match(r"---\n(.*?\n)---\n", text, re.DOTALL)
    assert match, f"{name} does not start with front matter"
    return yaml.safe_load(match.group(1)), text[match.end():]


def test_llms_txt_lists_every_page(built_site):
    proc, out = built_site
    assert proc.returncode == 0, proc.stderr
    llms = (out / "llms.txt").read_text()
    for page in load_docs(ROOT / "docs").pages:
        if page.rel == "index.md":
            continue
        url_path = page.rel.removesuffix(".md").removesuffix("index").rstrip("/")
        assert f"/{url_path}/index.md)" in llms or f"/{url_path}.md)" in llms, page.rel


def _holds_verbatim(lines: list[str], code: str) -> bool:
    """True when the code's lines appear one after another, each behind the same indent (a block inside a
    list item keeps the item's indent in Markdown)."""
    wanted = code.rstrip("\n").split("\n")
    for start, line in enumerate(lines):
        if not line.endswith(wanted[0]):
            continue
        indent = line[: len(line) - len(wanted[0])]
        if indent.strip():
            continue
        window = lines[start:start + len(wanted)]
        if [w.removeprefix(indent) if w.strip() else "" for w in window] == [x if x.strip() else "" for x in wanted]:
            return True
    return False


def test_llms_full_txt_holds_every_code_block_verbatim(built_site):
    _, out = built_site
    lines = (out / "llms-full.txt").read_text().split("\n")
    missing = [
        f"{page.rel}:{block.line}"
        for page in load_docs(ROOT / "docs").pages
        for block in page.blocks
        if block.code.strip() and not _holds_verbatim(lines, block.code)
    ]
    assert missing == []


def test_each_page_has_a_markdown_copy_with_its_provenance_next_to_its_html(built_site):
    """Front matter with the page's canonical URL, the pointer at llms.txt, then the page's own H1."""
    _, out = built_site
    for page in load_docs(ROOT / "docs").pages:
        copy = (out / _url_path(page.rel) / "index.md").read_text()
        front, body = _split(copy, page.rel)
        assert front["canonical"] == f"{SITE_URL}{_url_path(page.rel)}", page.rel
        assert front["title"] == page.title and front["description"] == " ".join(page.summary.split()), page.rel
        assert front["verified_against"] == verified_against(CONFIG), page.rel
        assert front["written_for"] == written_for(CONFIG), page.rel
        for key in ("reviewed", "sources"):
            assert (key in front) == (key in page.front_matter), page.rel
        h1 = next(h for h in page.headings if h.level == 1)
        assert body.startswith(f"{POINTER}\n# {h1.text}\n"), page.rel
        assert "<!-- verify:" not in copy and "<!-- generated:" not in copy, page.rel


def test_each_nav_section_has_its_llms_file_linked_from_llms_txt(built_site):
    """llms-<section>.txt holds the section's pages in nav order, each under its URL, after its provenance."""
    _, out = built_site
    llms = (out / "llms.txt").read_text()
    assert f"]({SITE_URL}llms-full.txt)" in llms
    for title, rels in _nav_sections().items():
        name = f"llms-{section_slug(title)}.txt"
        assert f"- [{title}]({SITE_URL}{name}): " in llms, name
        front, body = _split((out / name).read_text(), name)
        assert front["canonical"] == f"{SITE_URL}{name}"
        assert front["verified_against"] == verified_against(CONFIG)
        assert body.startswith(f"{POINTER}\n# {CONFIG['site_name']}: {title}\n"), name
        marked = re.findall(r"^<!-- page: (\S+) -->$", body, re.MULTILINE)
        assert marked == [f"{SITE_URL}{_url_path(rel)}" for rel in rels], name


def test_every_llms_file_but_the_index_starts_with_front_matter(built_site):
    _, out = built_site
    names = sorted(p.name for p in Path(out).glob("llms-*.txt"))
    assert names == sorted(["llms-full.txt", *(f"llms-{section_slug(t)}.txt" for t in _nav_sections())])
    for name in names:
        front, body = _split((out / name).read_text(), name)
        assert front["canonical"] == f"{SITE_URL}{name}" and front["description"], name
        assert body.startswith(POINTER), name
    assert (out / "llms.txt").read_text().startswith(f"# {CONFIG['site_name']}\n")  # llmstxt.org: H1 first


def test_the_readme_names_every_section_file():
    readme = (ROOT / "README.md").read_text()
    for title in _nav_sections():
        assert f"`llms-{section_slug(title)}.txt`" in readme, title


def test_snippet_check_reports_blocks_without_heading_or_context():
    findings = [str(f) for f in snippet_findings(load_docs(FIXTURES / "snippets" / "docs"))]
    page = FIXTURES / "snippets" / "docs" / "page.md"
    assert findings == [
        f"{page}:1: [snippet] code block has no heading above it",
        f"{page}:20: [snippet] code block has no sentence of context between it and the heading or block above",
        f"{page}:26: [snippet] code block has no sentence of context between it and the heading or block above",
        f"{page}:40: [snippet] code block has no sentence of context between it and the heading or block above",
    ]


def test_every_example_in_the_docs_has_a_heading_and_context():
    assert [str(f) for f in snippet_findings(load_docs(ROOT / "docs"))] == []
