"""Tables are wrapped at build time (scripts/hooks/wrapped_tables.py) and look as Material styles them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import material
import pytest

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("wrapped_tables", ROOT / "scripts" / "hooks" / "wrapped_tables.py")
assert _spec is not None and _spec.loader is not None
wrapped_tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wrapped_tables)

WRAP = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="c7-table">'
THEME_SHEETS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"


def test_a_markdown_table_is_wrapped_and_marked():
    html = "<p>Before</p>\n<table>\n<thead><tr><th>a</th></tr></thead>\n</table>\n<p>After</p>"
    assert wrapped_tables.wrap_tables(html) == (
        f"<p>Before</p>\n{WRAP}\n<thead><tr><th>a</th></tr></thead>\n</table></div></div>\n<p>After</p>")


def test_two_tables_each_get_their_own_wrapper():
    html = "<table><tr><td>1</td></tr></table><table><tr><td>2</td></tr></table>"
    assert wrapped_tables.wrap_tables(html) == (
        f"{WRAP}<tr><td>1</td></tr></table></div></div>{WRAP}<tr><td>2</td></tr></table></div></div>")


def test_tables_with_attributes_or_tables_inside_are_left_to_the_theme():
    html = ('<table class="highlighttable"><tr><td>x</td></tr></table>'
            '<table><tr><td><table><tr><td>in</td></tr></table></td></tr></table>')
    assert wrapped_tables.wrap_tables(html) == (
        '<table class="highlighttable"><tr><td>x</td></tr></table><table><tr><td>'
        f'{WRAP}<tr><td>in</td></tr></table></div></div></td></tr></table>')


def test_the_theme_rules_are_renamed_with_their_media_conditions():
    css = ("a{color:red}.md-typeset table:not([class]){display:inline-block}"
           "@media print{.md-typeset table:not([class]){display:table}b{c:d}}"
           "@media screen{b{c:d}}.x table:not([class]) td,.y{padding:0}")
    assert wrapped_tables.table_rules(css) == (
        ".md-typeset table.c7-table{display:inline-block}\n"
        "@media print{.md-typeset table.c7-table{display:table}}\n"
        ".x table.c7-table td,.y{padding:0}")


def test_the_built_extra_css_carries_every_table_rule_of_the_installed_theme(built_site):
    _, out = built_site
    theme = next(THEME_SHEETS.glob("main.*.min.css")).read_text()
    count = theme.count("table:not([class])")
    assert count >= 10
    built = (out / "assets" / "extra.css").read_text()
    assert built.startswith((ROOT / "overrides" / "assets" / "extra.css").read_text().rstrip())
    assert built.count("table.c7-table") == count
    assert wrapped_tables.table_rules(theme) in built


def test_no_built_page_leaves_a_bare_table_for_the_script(built_site):
    _, out = built_site
    pages = list(out.rglob("index.html"))
    assert [p for p in pages if "<table>" in p.read_text()] == []
    assert sum(p.read_text().count('<table class="c7-table">') for p in pages) >= 100


@pytest.mark.browser
def test_a_wrapped_table_looks_like_a_table_the_theme_wrapped(browser, site_url):
    """Next to the first wrapped table, insert a bare copy in the wrapper the theme's script builds; every
    style that matters must be the same, and the script must not wrap the build's tables a second time."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site_url + "api/clusters/", wait_until="load")
    page.wait_for_timeout(300)
    result = page.evaluate(
        """() => {
          const ours = document.querySelector('table.c7-table');
          const wrap = ours.closest('.md-typeset__scrollwrap');
          const copy = wrap.cloneNode(true);
          copy.querySelector('table').removeAttribute('class');
          wrap.after(copy);
          const props = ['display', 'font-size', 'border-top-width', 'border-top-style', 'border-radius',
                         'background-color', 'overflow-x', 'width', 'min-width', 'padding-left', 'padding-top',
                         'font-weight', 'text-align', 'vertical-align', 'margin-top'];
          const pick = el => Object.fromEntries(props.map(p => [p, getComputedStyle(el).getPropertyValue(p)]));
          const parts = t => [t, t.querySelector('th'), t.querySelector('td'), t.closest('.md-typeset__table')];
          return {
            ours: parts(ours).map(pick), theirs: parts(copy.querySelector('table')).map(pick),
            doubled: document.querySelectorAll('.md-typeset__scrollwrap .md-typeset__scrollwrap').length,
          };
        }"""
    )
    page.close()
    assert result["doubled"] == 0
    assert result["ours"] == result["theirs"]
    assert result["ours"][1]["font-weight"] == "700"
