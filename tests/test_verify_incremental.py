"""Incremental verification (scripts/verify/incremental.py): a second run checks only what changed and reports
the same on every block."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.cache import Cache
from scripts.docmodel import parse_page
from scripts.verify import runner
from tests.conftest import FIXTURES

PAGE = (FIXTURES / "verify" / "incremental" / "page.md").read_text()
NOT_PARSED = "bash cannot parse this: unexpected EOF while looking for matching `\"'"


@pytest.fixture
def given(monkeypatch) -> list[list[str]]:
    """The code of the blocks the shell oracle is given, run after run."""
    calls: list[list[str]] = []
    real = runner._run_oracle

    def spy(name, blocks, ctx):
        calls.append([b.code.strip() for b in blocks if b.language == "shell"])
        return real(name, blocks, ctx)

    monkeypatch.setattr(runner, "_run_oracle", spy)
    return calls


def _verify(tmp_path: Path, text: str, versions: tuple[str, ...] = ("v1",)) -> runner.RunResult:
    page = tmp_path / "page.md"
    page.write_text(text)
    cache = Cache("verify", versions, root=tmp_path)
    result = runner.run([parse_page(page, "page.md")], execute=False, only=["shell"], cache=cache)
    assert cache.save()
    return result


def _report(result: runner.RunResult) -> list[tuple[int, str, list[tuple[int, str]]]]:
    return [(o.block.line, o.state, [(f.line, f.message) for f in o.findings]) for o in result.outcomes]


def test_a_second_run_checks_nothing_and_reports_the_same(tmp_path, given):
    first = _verify(tmp_path, PAGE)
    second = _verify(tmp_path, PAGE)
    assert given == [['echo "one"', 'echo "two', "NAME=three", 'echo "$NAME"']]  # only the first run
    assert _report(second) == _report(first) == [
        (5, "static", []),
        (11, "failed", [(12, NOT_PARSED)]),
        (18, "static", []),
        (23, "static", []),
    ]


def test_an_edited_block_is_checked_again_alone(tmp_path, given):
    _verify(tmp_path, PAGE)
    edited = _verify(tmp_path, PAGE.replace('echo "one"', 'echo "one, edited"'))
    assert given[1] == ['echo "one, edited"']
    assert [o.state for o in edited.outcomes] == ["static", "failed", "static", "static"]


def test_an_edit_in_a_session_checks_the_whole_session_again(tmp_path, given):
    _verify(tmp_path, PAGE)
    _verify(tmp_path, PAGE.replace("NAME=three", "NAME=four"))
    assert given[1] == ["NAME=four", 'echo "$NAME"']


def test_a_block_that_moved_reports_its_stored_finding_at_its_new_line(tmp_path, given):
    _verify(tmp_path, PAGE)
    moved = _verify(tmp_path, PAGE.replace("A line that parses:", "Two lines\nthat parse:"))
    assert given[1:] == []  # the oracle was not started at all
    assert [(f.line, f.message) for f in moved.findings] == [(13, NOT_PARSED)]


def test_other_tool_versions_check_everything_again(tmp_path, given):
    _verify(tmp_path, PAGE)
    _verify(tmp_path, PAGE, versions=("v2",))
    assert given[1] == ['echo "one"', 'echo "two', "NAME=three", 'echo "$NAME"']


def test_the_cache_is_keyed_by_the_installed_packages_and_the_scripts():
    from scripts.verify import incremental

    versions = incremental.open_cache().versions
    assert any(v.startswith("basedpyright==") for v in versions)
    assert any(v.startswith("pyspark==") for v in versions)
    assert len(versions[0]) == 16  # the digest of scripts/
