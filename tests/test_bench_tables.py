"""The benchmark tables: results.json in, the README's generated regions out; --check shows a diff and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.tables import REGIONS
from tests.conftest import ROOT

BUDGETS = str(ROOT / "benchmarks" / "budgets.json")
ARGS = ("--results", "results.json", "--readme", "README.md", "--budgets", BUDGETS)


def run(clean: float, cpu: float, load: float) -> dict:
    return {"seconds": clean, "cpu_seconds": cpu, "returncode": 0, "load_before": load}


def series(*walls: float, median: float, cpu: float, codes: tuple[int, ...] = (0,)) -> dict:
    return {"runs": [run(w, w, 0.4 + i / 10) for i, w in enumerate(walls)], "median_s": median, "median_cpu_s": cpu,
            "returncodes": list(codes), "note": "ignored: the table has its own labels"}


RESULTS = {
    "runs_meta": {"build": {"versions": {"python": "3.11.7", "mkdocs": "1.6.1", "zensical": "0.0.73",
                                         "lychee": "not installed", "cpus": 2}},
                  "weight": {"versions": {"chromium": "Chromium 156.0.1 built on Debian GNU/Linux 12"}}},
    "build": {
        "pages": 3, "markdown_lines": 1200, "measured_at": "2026-01-02T03:05:30", "section_seconds": 150,
        "series": {
            "mkdocs_clean": series(3.2, 3.0, 2.9, median=3.0, cpu=3.1),
            "mkdocs_warm": series(0.95, 0.9, 0.85, median=0.9, cpu=0.88),
            "zensical_clean": series(2.5, 2.4, 2.6, median=2.5, cpu=2.45),
            "zensical_cached": series(1.0, 1.1, 0.9, median=1.0, cpu=0.98, codes=(0, 1)),
        },
        "ratios": {"warm_vs_clean (cache hooks)": 0.3, "clean_vs_zensical_clean": 1.2, "warm_vs_zensical_cached": 0.9},
        "cpu_ratios": {"clean_vs_zensical_clean": 1.27},
    },
}

BUILD_REGION = """\
<!-- generated:bench-build -->
*Measured 2026-01-02 03:03–03:05 by `python -m benchmarks.run --only build --runs 3`, load 0.40–0.60.*

| Build | median wall | median CPU | runs (wall s) | exit codes |
|---|---|---|---|---|
| `mkdocs build --strict`, clean (`.cache/` deleted first) | **3.00 s** | 3.10 s | 3.20, 3.00, 2.90 | 0 |
| `mkdocs build --strict`, warm (caches from the run before) | **0.90 s** | 0.88 s | 0.95, 0.90, 0.85 | 0 |
| `zensical build --clean` | **2.50 s** | 2.45 s | 2.50, 2.40, 2.60 | 0 |
| `zensical build` (its cache from the run before) | **1.00 s** | 0.98 s | 1.00, 1.10, 0.90 | 0, 1 |

| Ratio | wall | CPU | budget (wall) | met? |
|---|---|---|---|---|
| our clean / Zensical clean | **1.20×** | 1.27× | ≤ 1.50× | **yes** |
| our warm / Zensical cached | **0.90×** |  | ≤ 1.00× | **yes** |
| our warm / our clean | 0.30× |  |  |  |
<!-- /generated:bench-build -->"""

VERSIONS_REGION = """\
<!-- generated:bench-versions -->
Python 3.11.7, mkdocs 1.6.1, zensical 0.0.73, Chromium 156.0.1; 2 CPUs. Corpus: 3 pages, 1,200 lines of Markdown.
<!-- /generated:bench-versions -->"""

TARGET_ROWS = """\
| Target | budget | result | met? |
|---|---|---|---|
| clean build / Zensical clean build (wall) | ≤ 1.50× | 1.20× (3.00 s against 2.50 s) | **yes** |
| warm rebuild / Zensical cached build (wall) | ≤ 1.00× | 0.90× (0.90 s against 1.00 s) | **yes** |
| `make serve`: save a page → rebuilt page served (no `--dirty`) | ≤ 1.00 s | not measured | not measured |
"""


def readme_with_regions() -> str:
    parts = ["# Benchmarks", "", "Prose the generator leaves alone.", ""]
    for name in sorted(REGIONS):
        parts += [f"## {name}", "", f"<!-- generated:{name} -->", "stale", f"<!-- /generated:{name} -->", ""]
    return "\n".join(parts)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "results.json").write_text(json.dumps(RESULTS, indent=2) + "\n")
    (tmp_path / "README.md").write_text(readme_with_regions())
    return tmp_path


def test_results_become_exact_tables(run_cli, project):
    code, _, err = run_cli("benchmarks.tables", *ARGS, cwd=project)
    assert code == 0, err
    readme = (project / "README.md").read_text()
    assert BUILD_REGION in readme
    assert VERSIONS_REGION in readme
    assert TARGET_ROWS in readme
    not_measured = "*Not measured yet: `python -m benchmarks.run --only sql-parse`.*"
    assert f"<!-- generated:bench-sql-parse -->\n{not_measured}\n" in readme
    assert readme.startswith("# Benchmarks\n\nProse the generator leaves alone.\n")


def test_sql_parse_figures_become_a_table(run_cli, project):
    results = dict(RESULTS, **{"sql-parse": {
        "measured_at": "2026-01-02T04:00:40", "section_seconds": 90, "statement": "SELECT 1", "repeat": 20,
        "docs_blocks": 2, "docs_statements": 4, "spark_start_s_median": 14.2, "parse_ms_median": 3.25,
        "docs_check_s_median": 0.1, "load_median": 0.5,
        "runs": [{"spark_start_s": 14.2, "parse_ms_median": 3.25, "docs_check_s": 0.1, "load_before": 0.5},
                 {"spark_start_s": 15.0, "parse_ms_median": 4.0, "docs_check_s": 0.12, "load_before": 0.6}]}})
    (project / "results.json").write_text(json.dumps(results))
    assert run_cli("benchmarks.tables", *ARGS, cwd=project)[0] == 0
    assert """\
<!-- generated:bench-sql-parse -->
*Measured 2026-01-02 03:59–04:00 by `python -m benchmarks.run --only sql-parse --runs 2`, load 0.50–0.60.*

| Figure | median | runs | budget |
|---|---|---|---|
| local SparkSession start-up (`local[2]`) | 14.2 s | 14.20, 15.00 |  |
| `SELECT 1` parsed by Spark, per parse (median of 20 after a warm-up parse) | **3.2 ms** | 3.2, 4.0 | ≤ 500 ms |
| the docs' 4 SQL statements (2 blocks) through the SQL oracle's static check | 0.10 s (25.0 ms per statement) \
| 0.10, 0.12 |  |
<!-- /generated:bench-sql-parse -->""" in (project / "README.md").read_text()
    assert "| Spark SQL parse of one statement, session up | ≤ 500 ms | 3.2 ms | **yes** |" in (
        project / "README.md").read_text()


def test_second_run_changes_nothing(run_cli, project):
    run_cli("benchmarks.tables", *ARGS, cwd=project)
    before = (project / "README.md").read_bytes()
    code, _, err = run_cli("benchmarks.tables", *ARGS, cwd=project)
    assert code == 0 and "up to date" in err
    assert (project / "README.md").read_bytes() == before
    assert run_cli("benchmarks.tables", "--check", *ARGS, cwd=project)[0] == 0


def test_check_fails_on_a_stale_region_with_a_diff_and_the_fix_command(run_cli, project):
    run_cli("benchmarks.tables", *ARGS, cwd=project)
    results = json.loads((project / "results.json").read_text())
    results["build"]["series"]["mkdocs_clean"]["median_s"] = 3.5
    (project / "results.json").write_text(json.dumps(results))
    before = (project / "README.md").read_bytes()
    code, out, err = run_cli("benchmarks.tables", "--check", *ARGS, cwd=project)
    assert code == 1
    assert "--- README.md (committed)\n+++ README.md (generated)\n" in out
    assert "-| `mkdocs build --strict`, clean (`.cache/` deleted first) | **3.00 s** |" in out
    assert "+| `mkdocs build --strict`, clean (`.cache/` deleted first) | **3.50 s** |" in out
    assert "Fix with: python -m benchmarks.tables" in err
    assert (project / "README.md").read_bytes() == before  # --check writes nothing


@pytest.mark.parametrize(("target", "content", "expected"), [
    ("results.json", '{\n  "build": {\n    "pages": 3,,\n  }\n}\n',
     "results.json:3: malformed JSON: Expecting property name enclosed in double quotes (column 16)"),
    ("results.json", "[]\n", "results.json:1: expected a JSON object, found list"),
    ("results.json", '{\n  "meta": {},\n  "build": {"pages": 3}\n}\n',
     "results.json:3: section 'build' is not as benchmarks/run.py writes it: missing key 'series'"),
    ("README.md", "# B\n\n<!-- generated:bench-build -->\n", "README.md:3: marker 'bench-build' is never closed"),
    ("README.md", "# B\n\nno markers\n", "README.md:1: missing marker <!-- generated:bench-build -->"),
])
def test_bad_input_is_reported_at_its_line_and_nothing_is_written(run_cli, project, target, content, expected):
    (project / target).write_text(content)
    before = {p.name: p.read_bytes() for p in project.iterdir()}
    for args in (ARGS, ("--check", *ARGS)):
        code, out, err = run_cli("benchmarks.tables", *args, cwd=project)
        assert code == 2
        assert err.startswith(expected)
        assert "Traceback" not in out + err
    assert {p.name: p.read_bytes() for p in project.iterdir()} == before
