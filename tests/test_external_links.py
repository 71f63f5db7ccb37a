"""The external link check (scripts/external_links.py) asks again only about links not seen answering this week."""

from __future__ import annotations

import time

from scripts import external_links
from scripts.docmodel import parse_page


def test_a_link_that_answered_is_not_asked_again_for_a_week(tmp_path, monkeypatch):
    monkeypatch.setenv("C7_CACHE_DIR", str(tmp_path / "cache"))
    page_file = tmp_path / "page.md"
    page_file.write_text("# Links\n\n[good](https://good.example/a) and [bad](https://bad.example/b#part).\n")
    page = parse_page(page_file, "page.md")
    asked: list[str] = []

    def fetch(url: str) -> str | None:
        asked.append(url)
        return "HTTP 404" if "bad" in url else None

    monkeypatch.setattr(external_links, "fetch_status", fetch)
    first = external_links.check_external([page])
    assert [(f.line, f.message) for f in first] == [(3, "external link https://bad.example/b: HTTP 404")]
    assert sorted(asked) == ["https://bad.example/b", "https://good.example/a"]
    asked.clear()
    assert [f.message for f in external_links.check_external([page])] == [f.message for f in first]
    assert asked == ["https://bad.example/b"]
    asked.clear()
    week_later = time.time() + external_links.CACHE_SECONDS + 1
    monkeypatch.setattr(external_links.time, "time", lambda: week_later)
    external_links.check_external([page])
    assert sorted(asked) == ["https://bad.example/b", "https://good.example/a"]
