"""Skipped examples say why on the rendered page (scripts/hooks/skip_notes.py)."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("skip_notes", ROOT / "scripts" / "hooks" / "skip_notes.py")
assert _spec is not None and _spec.loader is not None
skip_notes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(skip_notes)


def test_a_skip_directive_becomes_a_visible_note_and_other_directives_stay_comments():
    html = ('<!-- verify: skip reason="needs <a> live workspace" -->\n<div class="highlight">code</div>\n'
            "<!-- verify: run -->\n<div>run</div>\n<!-- an ordinary comment -->")
    assert skip_notes.skip_notes(html, "page.md") == (
        '<p class="c7-unverified"><strong>Not verified:</strong> needs &lt;a&gt; live workspace</p>\n'
        '<div class="highlight">code</div>\n'
        "<!-- verify: run -->\n<div>run</div>\n<!-- an ordinary comment -->"
    )


def test_every_skip_in_the_built_site_shows_its_reason(built_site):
    proc, out = built_site
    assert proc.returncode == 0, proc.stderr
    pages = [p.read_text() for p in out.rglob("*.html")]
    assert not any("<!-- verify: skip" in text for text in pages)
    notes = sum(text.count('<p class="c7-unverified">') for text in pages)
    from scripts.docmodel import load_docs
    skipped = sum(1 for page in load_docs(ROOT / "docs").pages for block in page.blocks if block.is_skipped)
    assert notes == skipped > 0
