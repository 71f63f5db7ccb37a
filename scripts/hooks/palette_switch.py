"""MkDocs hook: drop the palette style sheet's one rule that makes every page load restyle the whole page.

Material's palette sheet has ``[data-md-color-switching] *, ... {transition-duration: 0s !important}``: while
the colour scheme changes, no transition runs. Its script sets and removes that attribute on ``<body>`` at
every page load, not only on a switch, and because the rule matches every element, each change makes the
browser restyle the whole document inside the load's longest task. Without the rule the attribute matches
nothing and costs nothing; the one visible difference is that switching light/dark lets the theme's own
colour transitions (0.125 to 0.25 s) run instead of cutting them short.

The site's copy of the sheet is the installed theme's, byte for byte, minus that rule. If the theme no
longer has the rule, the sheet is left as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tinycss2
from mkdocs.structure.files import File, Files

from scripts.theme_css import derived, theme_sheet

SWITCHING = "[data-md-color-switching]"
GROUPING = ("media", "supports", "container", "layer")  # at-rules that hold rules


def _kept(rules: list[Any]) -> str:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule" and SWITCHING in tinycss2.serialize(rule.prelude):
            continue
        if rule.type == "at-rule" and rule.lower_at_keyword in GROUPING and rule.content is not None:
            inner = _kept(tinycss2.parse_rule_list(rule.content))
            out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
            continue
        out.append(rule.serialize())
    return "".join(out)


def without_switching_rule(css: str) -> str:
    """The sheet without the rules (at any @media depth) whose selector names the switching attribute."""
    return _kept(tinycss2.parse_stylesheet(css))


def on_files(files: Files, config: Any) -> Files:
    sheet = theme_sheet(files, "palette")
    if sheet is None:
        return files
    css = sheet.content_string
    lighter = derived("palette-without-switching", Path(__file__), css, without_switching_rule)
    if lighter != css:
        files.remove(sheet)
        files.append(File.generated(config, sheet.src_uri, content=lighter))
    return files
