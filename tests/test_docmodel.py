"""The shared Markdown model: what every script sees of a page."""

from __future__ import annotations

from scripts.docmodel import parse_page
from tests.conftest import FIXTURES


def test_headings_slugs_links_and_blocks():
    page = parse_page(FIXTURES / "model" / "page.md", "page.md")
    assert page.title == "Model fixture" and page.status == "verified"
    assert [(h.level, h.slug, h.line) for h in page.headings] == [
        (1, "model-fixture", 7), (2, "create-a-cluster", 9), (2, "create-a-cluster_1", 18), (2, "my-id", 26)]
    assert [(link.target, link.line) for link in page.links] == [("other.md#x", 11)]
    assert [(b.line, b.language, b.code, b.in_tab) for b in page.blocks] == [
        (14, "python", "x = 1\n", None), (22, "sql", "SELECT 1\n", None),
        (29, "shell", "$ databricks clusters list\n", None)]
    first, second, third = page.blocks
    assert first.directive is not None and first.directive.session == "demo" and first.is_run
    assert first.prose_before and not second.prose_before
    assert third.is_skipped and third.directive is not None and third.directive.reason == "shows output only"
    assert second.heading is not None and second.heading.slug == "create-a-cluster_1"


def test_fences_in_tabs_keep_blank_lines_and_know_their_tab():
    page = parse_page(FIXTURES / "model" / "tabs.md", "tabs.md")
    assert [(b.line, b.in_tab, b.code) for b in page.blocks] == [
        (11, "Python SDK", "import os\n\n\ndef f():\n    return os.sep\n"),
        (23, "CLI", "databricks clusters list\n"),
    ]
    assert all(b.prose_before for b in page.blocks)


def test_a_changed_file_is_parsed_again_and_an_unchanged_one_comes_from_the_cache(tmp_path, monkeypatch):
    from scripts import docmodel

    monkeypatch.setenv("C7_CACHE_DIR", str(tmp_path / "cache"))
    docmodel._page_cache.cache_clear()
    page_file = tmp_path / "page.md"
    page_file.write_text("# One\n\n```python\nx = 1\n```\n")
    first = parse_page(page_file, "page.md")
    assert docmodel._page_cache().save(keep=lambda _key: True)
    docmodel._page_cache.cache_clear()  # as the next process would: only the file on disk is left
    parsed: list[str] = []
    real_parse = docmodel._parse_text
    monkeypatch.setattr(docmodel, "_parse_text",
                        lambda path, rel, text: parsed.append(text) or real_parse(path, rel, text))
    again = parse_page(page_file, "page.md")
    assert again == first and parsed == []
    page_file.write_text("# Two\n\n```sql\nSELECT 1\n```\n")
    changed = parse_page(page_file, "page.md")
    assert [h.text for h in changed.headings] == ["Two"] and changed.blocks[0].language == "sql"
    assert len(parsed) == 1
    docmodel._page_cache.cache_clear()
