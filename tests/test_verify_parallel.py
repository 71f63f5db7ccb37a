"""Shared verification (scripts/verify/parallel.py): pages dealt into shares of about equal execution work, and a
run shared among processes reporting exactly what a single process reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.docmodel import parse_page
from scripts.verify import parallel


def page_with(tmp_path: Path, name: str, run_blocks: int, static_blocks: int = 0) -> Path:
    parts = [f"# {name}\n"]
    for i in range(run_blocks):
        parts.append(f"<!-- verify: run -->\n```python\nprint({i} * 2)\n```\n\n<!-- verify: output -->\n```text\n"
                     f"{i * 2}\n```\n")
    for i in range(static_blocks):
        parts.append(f"```python\nvalue_{i} = {i}\n```\n")
    path = tmp_path / f"{name}.md"
    path.write_text("\n".join(parts))
    return path


def test_pages_are_dealt_heaviest_first_to_the_lightest_share_and_keep_their_order(tmp_path):
    pages = [parse_page(page_with(tmp_path, n, runs), f"{n}.md")
             for n, runs in (("a", 1), ("b", 9), ("c", 4), ("d", 5), ("e", 0))]
    work = {p.rel: parallel.execution_work(p, None) for p in pages}
    assert work == {"a.md": 1, "b.md": 9, "c.md": 4, "d.md": 5, "e.md": 0}
    dealt = parallel.shares(pages, work, 2)
    # weights: b 9.36, d 5.2, c 4.16, a 1.04, e 0 (a run block and its output block count 1 + 2/50)
    assert [[p.rel for p in share] for share in dealt] == [["a.md", "b.md"], ["c.md", "d.md", "e.md"]]


def test_more_jobs_than_pages_gives_one_share_per_page(tmp_path):
    pages = [parse_page(page_with(tmp_path, n, 1), f"{n}.md") for n in ("a", "b")]
    dealt = parallel.shares(pages, {"a.md": 1, "b.md": 1}, 4)
    assert [[p.rel for p in share] for share in dealt] == [["a.md"], ["b.md"]]


@pytest.mark.spark
@pytest.mark.slow
def test_a_run_shared_among_two_processes_reports_what_one_process_reports(run_cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    page_with(docs, "one", 12, static_blocks=3)
    wrong = page_with(docs, "two", 12)
    wrong.write_text(wrong.read_text().replace("```text\n22\n```", "```text\n23\n```"))  # one output is wrong
    reports = {}
    for jobs in ("1", "2"):
        code, out, err = run_cli("scripts.verify", "--all", "--jobs", jobs, "--json", str(tmp_path / f"{jobs}.json"),
                                 "docs", cwd=tmp_path, timeout=600)
        assert code == 1, out + err
        findings = [line for line in out.splitlines() if line.startswith("docs/")]
        assert len(findings) == 1 and findings[0].startswith("docs/two.md:"), out
        assert ("shared among 2 processes" in out) == (jobs == "2"), out
        reports[jobs] = json.loads((tmp_path / f"{jobs}.json").read_text())
    assert reports["1"] == reports["2"]
    assert reports["2"]["total"]["executed"] == 23 and reports["2"]["total"]["failed"] == 1
