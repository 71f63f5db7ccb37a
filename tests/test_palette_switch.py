"""The palette sheet loses only its transition-cancelling rule (scripts/hooks/palette_switch.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import material

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("palette_switch", ROOT / "scripts" / "hooks" / "palette_switch.py")
assert _spec is not None and _spec.loader is not None
palette_switch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(palette_switch)

THEME_SHEETS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
RULE = ("[data-md-color-switching] *,[data-md-color-switching] :after,[data-md-color-switching] :before"
        "{transition-duration:0s!important}")


def test_the_rule_is_removed_at_any_media_depth_and_nothing_else_changes():
    css = ("a{color:red}@media screen{b{c:d}[data-md-color-switching] *{x:y}}"
           "[data-md-color-switching] p{}/* a comment */@font-face{font-family:x}")
    assert palette_switch.without_switching_rule(css) == (
        "a{color:red}@media screen{b{c:d}}/* a comment */@font-face{font-family:x}")


def test_a_sheet_without_the_rule_is_unchanged():
    css = "@media screen{[data-md-color-scheme=slate]{color-scheme:dark}}"
    assert palette_switch.without_switching_rule(css) == css


def test_the_installed_theme_has_the_rule_once_and_the_site_gets_its_sheet_without_it(built_site):
    _, out = built_site
    theme = next(THEME_SHEETS.glob("palette.*.min.css"))
    css = theme.read_text()
    assert css.count(RULE) == 1
    assert css.count("data-md-color-switching") == 3  # only inside that rule
    built = (out / "assets" / "stylesheets" / theme.name).read_text()
    assert built == css.replace(RULE, "")
