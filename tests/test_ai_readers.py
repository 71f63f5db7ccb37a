"""What AI readers get: llms.txt and llms-full.txt, and examples that stand alone as snippets."""

from __future__ import annotations

from scripts.docmodel import load_docs
from scripts.snippets import snippet_findings
from tests.conftest import FIXTURES, ROOT


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


def test_each_page_has_a_markdown_copy_next_to_its_html(built_site):
    _, out = built_site
    for page in load_docs(ROOT / "docs").pages:
        folder = out / page.rel.removesuffix(".md").removesuffix("index")
        copy = (folder / "index.md").read_text()
        h1 = next(h for h in page.headings if h.level == 1)
        assert copy.startswith(f"# {h1.text}\n"), page.rel  # no front matter, the page's own title first
        assert "<!-- verify:" not in copy and "<!-- generated:" not in copy, page.rel


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
