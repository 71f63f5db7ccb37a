"""Review records: a reviewed page names its date and at least two sources, its audit report exists under
reports/review/ with the same date, and a page edited after its review is reported as changed since review."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scripts import review
from scripts.docmodel import load_docs, parse_page
from scripts.errors import DocError

PAGE = """---
title: Jobs
reviewed: 2026-12-02
sources:
  - https://docs.databricks.com/aws/en/jobs/
  - databricks-sdk 0.162.0 databricks/sdk/service/jobs.py
---

# Jobs

A run that fails returns normally.

<!-- generated:versions -->
*Examples are verified against databricks-sdk 0.162.0.*
<!-- /generated:versions -->
"""

REPORT = """---
page: docs/api/jobs.md
reviewed: 2026-12-02
---
# Review of docs/api/jobs.md
"""


def project(tmp_path: Path, page: str = PAGE, report: str | None = REPORT) -> tuple[Path, Path]:
    docs, reports = tmp_path / "docs", tmp_path / "reports" / "review"
    (docs / "api").mkdir(parents=True)
    (docs / "api" / "jobs.md").write_text(page)
    if report is not None:
        (reports / "api").mkdir(parents=True)
        (reports / "api" / "jobs.md").write_text(report)
    return docs, reports


def findings(docs: Path, reports: Path) -> tuple[list[str], list[str]]:
    errors, warnings = review.problems(load_docs(docs), reports)
    return [f"{Path(e.path).name}:{e.line}: {e.message}" for e in errors], warnings


def test_a_stamped_review_is_current_and_an_edit_to_the_text_makes_it_changed_since_review(tmp_path):
    docs, reports = project(tmp_path)
    review.stamp(docs / "api" / "jobs.md", docs, reports)
    assert findings(docs, reports) == ([], [])
    page = load_docs(docs).pages[0]
    assert review.status(page, reports) == (review.REVIEWED, date(2026, 12, 2))

    (docs / "api" / "jobs.md").write_text(PAGE.replace("returns normally", "raises"))
    page = load_docs(docs).pages[0]
    assert review.status(page, reports) == (review.CHANGED, date(2026, 12, 2))
    errors, warnings = findings(docs, reports)
    assert errors == []
    assert len(warnings) == 1 and "jobs.md: changed since review (2026-12-02)" in warnings[0]
    assert "python -m scripts.review --stamp" in warnings[0]


def test_regenerating_a_table_or_versions_line_or_editing_front_matter_is_not_a_change(tmp_path):
    docs, reports = project(tmp_path)
    review.stamp(docs / "api" / "jobs.md", docs, reports)
    edited = PAGE.replace("0.162.0.*", "0.170.0.*").replace("title: Jobs", "title: Jobs API")
    (docs / "api" / "jobs.md").write_text(edited)
    assert review.status(load_docs(docs).pages[0], reports)[0] == review.REVIEWED


def test_stamping_twice_writes_the_same_report(tmp_path):
    docs, reports = project(tmp_path)
    path = review.stamp(docs / "api" / "jobs.md", docs, reports)
    first = path.read_text()
    review.stamp(docs / "api" / "jobs.md", docs, reports)
    assert path.read_text() == first
    assert first.count("content_sha256:") == 1 and first.startswith("---\npage: docs/api/jobs.md\n")


def test_an_unstamped_report_is_an_error_naming_the_fix(tmp_path):
    docs, reports = project(tmp_path)
    errors, _ = findings(docs, reports)
    assert errors == ["jobs.md:1: no content_sha256: run `python -m scripts.review --stamp "
                      f"{docs / 'api' / 'jobs.md'}`"]


def test_a_reviewed_page_without_its_report_is_an_error_at_the_reviewed_line(tmp_path):
    docs, reports = project(tmp_path, report=None)
    errors, _ = findings(docs, reports)
    assert errors == [f"jobs.md:3: reviewed, but the review report {reports / 'api' / 'jobs.md'} is missing"]
    assert review.status(load_docs(docs).pages[0], reports) == (review.NOT_REVIEWED, None)


def test_one_source_is_not_enough(tmp_path):
    docs, reports = project(tmp_path, page=PAGE.replace("  - databricks-sdk 0.162.0 databricks/sdk/service/jobs.py\n",
                                                         ""))
    review.stamp(docs / "api" / "jobs.md", docs, reports)
    assert findings(docs, reports)[0] == ["jobs.md:3: a reviewed page lists at least 2 sources"]


def test_the_report_date_must_be_the_page_date(tmp_path):
    docs, reports = project(tmp_path, report=REPORT.replace("reviewed: 2026-12-02", "reviewed: 2026-11-30"))
    review.stamp(docs / "api" / "jobs.md", docs, reports)
    assert findings(docs, reports)[0] == [
        f"jobs.md:3: reviewed 2026-12-02, but {reports / 'api' / 'jobs.md'} says 2026-11-30"]


def test_a_report_for_a_missing_page_or_an_unreviewed_page_is_an_error(tmp_path):
    docs, reports = project(tmp_path, page=PAGE.replace("reviewed: 2026-12-02\n", "").replace(
        "sources:\n  - https://docs.databricks.com/aws/en/jobs/\n  - databricks-sdk 0.162.0 "
        "databricks/sdk/service/jobs.py\n", ""))
    (reports / "api" / "gone.md").write_text(REPORT)
    assert findings(docs, reports)[0] == [
        "gone.md:1: a review report for docs/api/gone.md, which does not exist",
        f"jobs.md:1: {reports / 'api' / 'jobs.md'} reviews this page, but its front matter has no 'reviewed' date",
    ]


@pytest.mark.parametrize(("field", "line", "message"), [
    ("reviewed: 2 December 2026", 3, "front matter 'reviewed' must be a date written YYYY-MM-DD"),
    ("reviewed: 2026-02-30", 3, "front matter 'reviewed' must be a date written YYYY-MM-DD"),
])
def test_a_malformed_review_date_is_reported_at_its_line(tmp_path, field, line, message):
    docs, _ = project(tmp_path, page=PAGE.replace("reviewed: 2026-12-02", field))
    with pytest.raises(DocError) as exc:
        review.provenance(parse_page(docs / "api" / "jobs.md", "api/jobs.md"))
    assert (exc.value.line, exc.value.message) == (line, message)


def test_sources_must_be_a_list_of_strings(tmp_path):
    docs, _ = project(tmp_path, page=PAGE.replace(
        "sources:\n  - https://docs.databricks.com/aws/en/jobs/\n  - databricks-sdk 0.162.0 "
        "databricks/sdk/service/jobs.py\n", "sources: https://docs.databricks.com/aws/en/jobs/\n"))
    with pytest.raises(DocError) as exc:
        review.provenance(parse_page(docs / "api" / "jobs.md", "api/jobs.md"))
    assert exc.value.line == 4 and "'sources' must be a non-empty list" in exc.value.message


def test_the_command_exits_1_on_a_broken_record_and_2_on_a_missing_page(tmp_path, run_cli):
    docs, reports = project(tmp_path)
    code, _, err = run_cli("scripts.review", "--check", cwd=tmp_path)
    assert code == 1 and "no content_sha256" in err and "1 of 1 pages reviewed" in err
    code, _, err = run_cli("scripts.review", "--stamp", "docs/api/jobs.md", cwd=tmp_path)
    assert code == 0 and "stamped reports/review/api/jobs.md" in err
    code, _, err = run_cli("scripts.review", "--check", cwd=tmp_path)
    assert code == 0 and "0 changed since review, 0 error(s)" in err
    code, _, err = run_cli("scripts.review", "--stamp", "docs/api/missing.md", cwd=tmp_path)
    assert (code, err.strip()) == (2, "docs/api/missing.md:1: no such page")
