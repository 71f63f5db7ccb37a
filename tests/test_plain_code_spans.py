"""Highlighted code carries no span that changes nothing on screen (scripts/hooks/plain_code_spans.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import material

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("plain_code_spans", ROOT / "scripts" / "hooks" / "plain_code_spans.py")
assert _spec is not None and _spec.loader is not None
plain_code_spans = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(plain_code_spans)


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_whitespace_name_operator_and_punctuation_spans_are_unwrapped_and_the_text_is_kept():
    html = ('<pre><code><span class="kn">import</span><span class="w"> </span><span class="nn">os</span>'
            '<span class="w">\n</span><span class="n">x</span> <span class="o">=</span> <span class="nb">len</span>'
            '<span class="p">(</span><span class="n">y</span><span class="p">)</span> '
            '<span class="ow">in</span> <span class="s2">&quot;&lt;p&gt;&quot;</span></code></pre>')
    assert plain_code_spans.unwrap_plain_spans(html) == (
        '<pre><code><span class="kn">import</span> <span class="nn">os</span>\nx = '
        '<span class="nb">len</span>(y) <span class="ow">in</span> <span class="s2">&quot;&lt;p&gt;&quot;</span>'
        '</code></pre>'
    )
    assert _text(plain_code_spans.unwrap_plain_spans(html)) == _text(html)


def test_material_gives_plain_names_the_colour_of_plain_code():
    """The premise of unwrapping class="n": both palettes set the name colour to the code colour, and no style
    sheet gives class "w" a rule."""
    sheets = list((Path(material.__file__).parent / "templates" / "assets" / "stylesheets").glob("*.css"))
    assert sheets
    names = {m for sheet in sheets for m in re.findall(r"--md-code-hl-name-color:([^;}]*)", sheet.read_text())}
    assert names == {"var(--md-code-fg-color)"}
    assert not any(re.search(r"\.highlight \.w\b", sheet.read_text()) for sheet in sheets)


def test_extra_css_draws_operators_and_punctuation_in_the_plain_code_colour():
    """The premise of unwrapping class="o" and class="p": our style sheet gives both the code colour, for every
    colour scheme, after Material's own sheets."""
    css = (ROOT / "overrides" / "assets" / "extra.css").read_text()
    block = re.search(r"\[data-md-color-scheme\]\s*\{([^}]*)\}", css)
    assert block is not None
    assert re.findall(r"(--md-code-hl-\w+-color):\s*([^;]+);", block.group(1)) == [
        ("--md-code-hl-operator-color", "var(--md-code-fg-color)"),
        ("--md-code-hl-punctuation-color", "var(--md-code-fg-color)"),
    ]
    assert "--md-code-hl-operator-color" not in css.replace(block.group(0), "")
    assert "--md-code-hl-punctuation-color" not in css.replace(block.group(0), "")


def test_the_built_site_has_no_plain_spans(built_site):
    _, out = built_site
    pages = list(out.rglob("*.html"))
    assert pages
    assert [p for p in pages if re.search(r'<span class="(?:w|n|p|o)">', p.read_text())] == []
