"""Directive notes are visible on the rendered page (scripts/hooks/block_notes.py)."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("block_notes", ROOT / "scripts" / "hooks" / "block_notes.py")
assert _spec is not None and _spec.loader is not None
block_notes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(block_notes)


def test_directives_with_notes_become_visible_and_the_others_stay_comments():
    html = ('<!-- verify: skip reason="needs <a> live workspace" -->\n<div class="highlight">code</div>\n'
            '<!-- verify: run classic="uses the SparkContext" legacy="the old form" -->\n<div>classic</div>\n'
            "<!-- verify: run -->\n<div>run</div>\n<!-- an ordinary comment -->")
    assert block_notes.block_notes(html, "page.md") == (
        '<p class="c7-note c7-unverified"><strong>Not verified:</strong> needs &lt;a&gt; live workspace</p>\n'
        '<div class="highlight">code</div>\n'
        '<p class="c7-note c7-classic"><strong>Classic compute only:</strong> uses the SparkContext</p>\n'
        '<p class="c7-note c7-legacy"><strong>Legacy:</strong> the old form</p>\n'
        "<div>classic</div>\n"
        "<!-- verify: run -->\n<div>run</div>\n<!-- an ordinary comment -->"
    )


def test_every_note_in_the_docs_is_shown_in_the_built_site(built_site):
    from scripts.directives import notes
    from scripts.docmodel import load_docs

    proc, out = built_site
    assert proc.returncode == 0, proc.stderr
    pages = [p.read_text() for p in out.rglob("*.html")]
    assert not any("<!-- verify: skip" in text or "classic=" in text for text in pages)
    shown = sum(text.count('<p class="c7-note ') for text in pages)
    expected = sum(len(notes(block.directive)) for page in load_docs(ROOT / "docs").pages
                   for block in page.blocks if block.directive)
    assert shown == expected > 0
