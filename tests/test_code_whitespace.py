"""Whitespace in highlighted code carries no span (scripts/hooks/code_whitespace.py)."""

from __future__ import annotations

import importlib.util
import re

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("code_whitespace", ROOT / "scripts" / "hooks" / "code_whitespace.py")
assert _spec is not None and _spec.loader is not None
code_whitespace = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(code_whitespace)


def test_whitespace_spans_are_unwrapped_and_the_text_is_kept():
    html = ('<pre><code><span class="kn">import</span><span class="w"> </span><span class="nn">os</span>'
            '<span class="w">\n</span><span class="w">    </span><span class="n">x</span></code></pre>')
    assert code_whitespace.unwrap_whitespace_spans(html) == (
        '<pre><code><span class="kn">import</span> <span class="nn">os</span>\n    <span class="n">x</span>'
        "</code></pre>"
    )
    assert re.sub(r"<[^>]+>", "", code_whitespace.unwrap_whitespace_spans(html)) == re.sub(r"<[^>]+>", "", html)


def test_the_built_site_has_no_whitespace_spans(built_site):
    _, out = built_site
    pages = list(out.rglob("*.html"))
    assert pages
    assert [p for p in pages if '<span class="w">' in p.read_text()] == []
