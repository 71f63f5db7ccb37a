"""Theme style-sheet transforms are remembered (scripts/theme_css.py), and never across a change of their code."""

from __future__ import annotations

from pathlib import Path

from scripts import theme_css
from scripts.cache import Cache


def test_a_transform_runs_once_per_input_and_code(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("C7_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(theme_css, "_cache", Cache("theme-css", ("v1",)))
    code = tmp_path / "hook.py"
    code.write_text("# version one\n")
    calls: list[str] = []

    def upper(css: str) -> str:
        calls.append(css)
        return css.upper()

    assert theme_css.derived("upper", code, "a{b:c}", upper) == "A{B:C}"
    assert theme_css.derived("upper", code, "a{b:c}", upper) == "A{B:C}"  # from memory
    monkeypatch.setattr(theme_css, "_cache", Cache("theme-css", ("v1",)))
    assert theme_css.derived("upper", code, "a{b:c}", upper) == "A{B:C}"  # from the file on disk
    assert calls == ["a{b:c}"]
    assert theme_css.derived("upper", code, "d{e:f}", upper) == "D{E:F}"  # another input
    code.write_text("# version two\n")
    assert theme_css.derived("upper", code, "a{b:c}", upper) == "A{B:C}"  # the code changed
    assert calls == ["a{b:c}", "d{e:f}", "a{b:c}"]
    assert len(Cache("theme-css", ("v1",)).entries) == 3
    monkeypatch.setattr(theme_css, "_cache", Cache("theme-css", ("v2",)))  # Material upgraded
    assert theme_css.derived("upper", code, "a{b:c}", upper) == "A{B:C}"
    assert calls == ["a{b:c}", "d{e:f}", "a{b:c}", "a{b:c}"]
