"""Budgets against figures: benchmarks/budgets.py reads budgets.json and judges results.json's figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import budgets
from scripts.errors import DocError


def build_results(clean: float, warm: float) -> dict:
    """A build section as benchmarks/run.py writes it, with the two ratios the build budgets read."""
    series = {key: {"median_s": seconds} for key, seconds in
              (("mkdocs_clean", 3.0 * clean), ("zensical_clean", 3.0), ("mkdocs_warm", 0.9 * warm),
               ("zensical_cached", 0.9))}
    return {"build": {"series": series, "ratios": {"clean_vs_zensical_clean": clean, "warm_vs_zensical_cached": warm}}}


def verdicts(results: dict) -> dict[str, tuple[str, str, bool | None]]:
    return {t.name: (t.budget, t.result, t.met) for t in budgets.targets(results, budgets.load())}


def test_the_tolerance_rule():
    assert not budgets.over(110, 100, 0.10)
    assert budgets.over(110.1, 100, 0.10)
    assert budgets.over(100.1, 100, 0.0)


@pytest.mark.parametrize(("clean", "warm", "clean_met", "warm_met"),
                         [(1.5, 1.0, True, True), (1.51, 1.01, False, False), (0.8, 0.99, True, True)])
def test_build_budgets_are_a_clean_build_within_1_5x_and_a_warm_one_within_1_0x_of_zensical(clean, warm, clean_met,
                                                                                            warm_met):
    got = verdicts(build_results(clean, warm))
    assert got["clean build / Zensical clean build (wall)"] == (
        "≤ 1.50×", f"{clean:.2f}× ({3.0 * clean:.2f} s against 3.00 s)", clean_met)
    assert got["warm rebuild / Zensical cached build (wall)"] == (
        "≤ 1.00×", f"{warm:.2f}× ({0.9 * warm:.2f} s against 0.90 s)", warm_met)


def test_a_section_not_measured_is_neither_met_nor_missed():
    got = verdicts({})
    assert got["clean build / Zensical clean build (wall)"] == ("≤ 1.50×", "not measured", None)
    assert got["Spark SQL parse of one statement, session up"] == ("≤ 500 ms", "not measured", None)
    assert all(met is None for _, _, met in got.values())


def test_sql_parse_budget():
    got = verdicts({"sql-parse": {"parse_ms_median": 12.34}})
    assert got["Spark SQL parse of one statement, session up"] == ("≤ 500 ms", "12.3 ms", True)


def test_search_index_budget_fails_when_any_page_loads_it():
    pages = {"home": {"total_gzip_kb": 80.0, "search_index_loaded": False},
             "largest page": {"total_gzip_kb": 151.0, "search_index_loaded": True}}
    got = verdicts({"weight": {"pages": pages}})
    assert got["search index on first load"] == ("not loaded", "loaded on 1 of 2 pages", False)
    assert got["first load of every page measured"] == ("≤ 150 KB gzip", "80.0–151.0 KB (2 pages)", False)
    assert got["first load of the home page"] == ("≤ 90 KB gzip", "80.0 KB", True)


@pytest.mark.parametrize(("text", "expected"), [
    ('{\n  "tolerance": 0.1,\n  oops\n}',
     "budgets.json:3: malformed JSON: Expecting property name enclosed in double quotes"),
    ("[1, 2]", "budgets.json:1: expected a JSON object, found list"),
    ('{\n  "tolerance": "ten"\n}', "budgets.json:2: 'tolerance' must be a number"),
])
def test_bad_budgets_file_is_reported_at_its_line(tmp_path: Path, text: str, expected: str):
    path = tmp_path / "budgets.json"
    path.write_text(text)
    with pytest.raises(DocError) as caught:
        budgets.load(path)
    assert str(caught.value).startswith(str(tmp_path / expected))


def test_a_missing_timing_budget_is_named(tmp_path: Path):
    text = budgets.BUDGETS.read_text().replace('    "sql_parse_max_ms": 500\n', '    "other": 1\n')
    path = tmp_path / "budgets.json"
    path.write_text(text)
    with pytest.raises(DocError, match=r"'timing_targets\.sql_parse_max_ms' must be a number"):
        budgets.load(path)
