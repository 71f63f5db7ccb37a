"""Theme style-sheet transforms are remembered (scripts/theme_css.py), and never across a change of their code."""

from __future__ import annotations

from pathlib import Path

from scripts import theme_css


def test_a_transform_runs_once_per_input_and_code(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(theme_css, "_memo", {})
    code = tmp_path / "hook.py"
    code.write_text("# version one\n")
    calls: list[str] = []

    def upper(css: str) -> str:
        calls.append(css)
        return css.upper()

    assert theme_css.derived("upper", code, "a{b:c}", upper) == "A{B:C}"
    assert theme_css.derived("upper", code, "a{b:c}", upper) == "A{B:C}"  # from memory
    monkeypatch.setattr(theme_css, "_memo", {})
    assert theme_css.derived("upper", code, "a{b:c}", upper) == "A{B:C}"  # from .cache/theme-css
    assert calls == ["a{b:c}"]
    assert theme_css.derived("upper", code, "d{e:f}", upper) == "D{E:F}"  # another input
    code.write_text("# version two\n")
    assert theme_css.derived("upper", code, "a{b:c}", upper) == "A{B:C}"  # the code changed
    assert calls == ["a{b:c}", "d{e:f}", "a{b:c}"]
    assert len(list((tmp_path / ".cache" / "theme-css").glob("upper-*.css"))) == 3
