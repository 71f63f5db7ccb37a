"""MkDocs hook: wrap every Markdown table for horizontal scrolling at build time instead of in the browser.

At page load Material's script takes each ``table:not([class])`` out of the page and puts it back inside
``<div class="md-typeset__scrollwrap"><div class="md-typeset__table">``; on an API page with 27 parameter
tables that re-insertion made the browser style and lay out every table a second time, inside the one long
task that decides the page's Total Blocking Time. This hook writes the same wrapper into the HTML and marks the
table ``class="c7-table"``, so the script leaves it alone.

Material styles tables through the same ``table:not([class])`` selector, so a marked table would lose its
style. The hook therefore reads every rule of the installed theme's main style sheet that names
``table:not([class])`` (with its ``@media`` condition), renames the selector to ``table.c7-table`` (the same
specificity) and appends the copies to the site's first ``extra_css`` sheet (the result is kept between
builds by scripts/theme_css.py). Nothing is copied by hand, so a
new Material version brings its own rules; the build fails if the theme has no such rule any more.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tinycss2
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from scripts.theme_css import derived, theme_sheet

THEME_SELECTOR = "table:not([class])"
TABLE_CLASS = "c7-table"
OPEN = f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="{TABLE_CLASS}">'
CLOSE = "</table></div></div>"
# A Markdown table as Python-Markdown writes it: a bare <table> with no table inside it.
_TABLE = re.compile(r"<table>((?:(?!<table\b).)*?)</table>", re.DOTALL)


def wrap_tables(html: str) -> str:
    """Every bare <table>...</table> wrapped as Material's script would wrap it, and marked as done."""
    return _TABLE.sub(lambda m: f"{OPEN}{m.group(1)}{CLOSE}", html)


def _renamed(rules: list[Any]) -> list[str]:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selector = tinycss2.serialize(rule.prelude).strip()
            if THEME_SELECTOR in selector:
                new_selector = selector.replace(THEME_SELECTOR, f"table.{TABLE_CLASS}")
                out.append(f"{new_selector}{{{tinycss2.serialize(rule.content).strip()}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content is not None:
            inner = _renamed(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
            if inner:
                out.append(f"@media {tinycss2.serialize(rule.prelude).strip()}{{{''.join(inner)}}}")
    return out


def table_rules(theme_css: str) -> str:
    """The theme's rules for bare tables, renamed for marked tables, one per line."""
    rules = tinycss2.parse_stylesheet(theme_css, skip_comments=True, skip_whitespace=True)
    return "\n".join(_renamed(rules))


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    return wrap_tables(content)


def on_files(files: Files, config: Any) -> Files:
    extra = (config["extra_css"] or [None])[0]
    target = files.get_file_from_path(extra) if extra else None
    sheet = theme_sheet(files, "main")
    if target is None or sheet is None or sheet.abs_src_path is None:
        raise PluginError("wrapped_tables: needs an extra_css sheet and Material's main style sheet")
    with open(sheet.abs_src_path, encoding="utf-8") as fh:
        rules = derived("table-rules", Path(__file__), fh.read(), table_rules)
    if not rules:
        raise PluginError(f"wrapped_tables: {sheet.src_uri} has no rule for {THEME_SELECTOR}; "
                          "the hook's premise no longer holds")
    own = target.content_string
    files.remove(target)
    note = f"/* Material's rules for {THEME_SELECTOR}, for the tables scripts/hooks/wrapped_tables.py wraps. */"
    files.append(File.generated(config, target.src_uri, content=f"{own.rstrip()}\n\n{note}\n{rules}\n"))
    return files
