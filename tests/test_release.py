"""The release: a tag vVERSION cut only from a clean, current, green checkout, and nothing changed otherwise."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

PAGE = """---
title: "A guide"
description: "What the guide answers."
status: verified
---

# A guide

<!-- generated:versions -->
<!-- /generated:versions -->

## List clusters

With the CLI:

```bash
databricks clusters list
```
"""
HUB = (
    "# Home\n\n"
    "<!-- generated:index -->\n<!-- /generated:index -->\n\n"
    "<!-- generated:stats -->\n<!-- /generated:stats -->\n"
)
GREEN = {
    "findings": [],
    "total": {"blocks": 1, "static": 1, "executed": 0, "skipped": 0, "failed": 0},
    "pages": {"guide/a.md": {"blocks": 1, "static": 1, "executed": 0, "skipped": 0, "failed": 0}},
}
CHANGELOG = "# Changelog\n\n## 1.0.0\n\n### Added\n\n- The first guide.\n"
SUMMARY = "v1.0.0 not created: 1 of 4 checks failed"
STALE = (
    "python -m scripts.tables --check exited 1: "
    "1 file(s) out of date. Fix with: make tables   (or: python -m scripts.tables)"
)
MALFORMED = "malformed version '{}': expected MAJOR.MINOR.PATCH such as 1.0.0 (without the v, which the tag adds)"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def commit_all(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, run_cli) -> Path:
    """A committed project whose tables are current and whose report is green: every check passes."""
    (tmp_path / "docs" / "guide").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text(HUB)
    (tmp_path / "docs" / "guide" / "a.md").write_text(PAGE)
    for name in ("README.md", "context7.md"):
        (tmp_path / name).write_text(HUB)
    (tmp_path / "context7.json").write_text(json.dumps({"projectTitle": "X", "rules": ["A hand-written rule."]}))
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nnav:\n  - index.md\n  - guide/a.md\n"
        "extra:\n  verified_against:\n    databricks-sdk: 0.162.0\n"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[project.optional-dependencies]\nverify = ["databricks-sdk==0.162.0"]\n'
    )
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "verification.json").write_text(json.dumps(GREEN))
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG)
    (tmp_path / ".gitignore").write_text(".cache/\n")
    code, _, err = run_cli("scripts.tables", cwd=tmp_path)
    assert code == 0, err
    git(tmp_path, "init", "-q")
    for key, value in (("user.name", "Release Test"), ("user.email", "release@example.com"),
                       ("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
        git(tmp_path, "config", key, value)
    commit_all(tmp_path, "docs")
    return tmp_path


def release(run_cli, repo: Path, *args: str) -> tuple[int, str, str]:
    return run_cli("scripts.release", *args, cwd=repo)


def failed(err: str) -> list[str]:
    return [line.removeprefix("FAILED: ") for line in err.splitlines() if line.startswith("FAILED: ")]


def tags(repo: Path) -> list[str]:
    return git(repo, "tag", "--list").split()


def test_a_green_checkout_gets_an_annotated_tag_on_head_with_the_changelog_section(run_cli, repo):
    code, out, err = release(run_cli, repo, "1.0.0")
    assert code == 0, err
    head = git(repo, "rev-parse", "HEAD")
    assert out == f"created annotated tag v1.0.0 at {head[:7]}; nothing pushed (to publish: git push origin v1.0.0)\n"
    assert err.splitlines() == [
        "ok: working tree is clean",
        "ok: generated content is current (python -m scripts.tables --check)",
        "ok: reports/verification.json is committed with no findings and 0 failed",
        "ok: tag v1.0.0 does not exist yet",
    ]
    assert git(repo, "cat-file", "-t", "v1.0.0") == "tag"
    assert git(repo, "rev-parse", "v1.0.0^{commit}") == head
    assert git(repo, "tag", "--list", "--format=%(contents)", "v1.0.0") == (
        "Release 1.0.0\n\n### Added\n\n- The first guide."
    )
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("", "missing VERSION: python -m scripts.release MAJOR.MINOR.PATCH "
             "(or make release VERSION=MAJOR.MINOR.PATCH)"),
        ("1.0", MALFORMED.format("1.0")),
        ("v1.0.0", MALFORMED.format("v1.0.0")),
        ("01.0.0", MALFORMED.format("01.0.0")),
    ],
)
def test_a_malformed_version_is_one_line_and_exit_2(run_cli, repo, version, message):
    code, out, err = release(run_cli, repo, version)
    assert (code, out, err) == (2, "", message + "\n")
    assert tags(repo) == []


def test_a_version_without_a_changelog_section_is_one_line_and_exit_2(run_cli, repo):
    code, out, err = release(run_cli, repo, "1.1.0")
    assert (code, out) == (2, "")
    assert err == "CHANGELOG.md:1: no '## 1.1.0' section: rename '## Unreleased' to it (or add it) and commit\n"
    assert tags(repo) == []


def test_an_empty_changelog_section_is_one_line_and_exit_2(run_cli, repo):
    (repo / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n- next\n\n## 1.0.0\n\n## 0.9.0\n\n- old\n")
    commit_all(repo)
    code, _, err = release(run_cli, repo, "1.0.0")
    assert (code, err) == (2, "CHANGELOG.md:7: the '## 1.0.0' section is empty\n")
    assert tags(repo) == []


def test_outside_the_root_of_a_git_repository_is_exit_2(run_cli, repo):
    code, _, err = release(run_cli, repo / "docs", "1.0.0")
    assert (code, err) == (2, "not at the root of a git repository: run from the project's root\n")
    assert tags(repo) == []


def test_an_untracked_file_fails_the_clean_tree_check(run_cli, repo):
    (repo / "notes.txt").write_text("draft\n")
    code, _, err = release(run_cli, repo, "1.0.0")
    assert code == 1
    assert failed(err) == ["working tree is not clean: notes.txt (commit or remove them first)"]
    assert err.splitlines()[-1] == SUMMARY
    assert tags(repo) == []


def test_an_uncommitted_edit_fails_the_clean_tree_check(run_cli, repo):
    with (repo / "README.md").open("a") as readme:
        readme.write("\nMore text.\n")
    code, _, err = release(run_cli, repo, "1.0.0")
    assert code == 1
    assert failed(err) == ["working tree is not clean: README.md (commit or remove them first)"]
    assert tags(repo) == []


def test_stale_generated_content_fails_the_tables_check(run_cli, repo):
    (repo / "context7.json").write_text(json.dumps({"projectTitle": "X", "rules": ["A hand-written rule."]}))
    commit_all(repo)
    code, _, err = release(run_cli, repo, "1.0.0")
    assert code == 1
    assert failed(err) == [STALE]
    assert tags(repo) == []


def test_a_report_that_is_not_committed_fails_the_report_check(run_cli, repo):
    (repo / ".gitignore").write_text(".cache/\nreports/\n")
    git(repo, "rm", "-q", "--cached", "reports/verification.json")
    commit_all(repo)
    code, _, err = release(run_cli, repo, "1.0.0")
    assert code == 1
    assert failed(err) == ["reports/verification.json is not committed: run `make verify` and commit it"]
    assert tags(repo) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"findings": ["docs/guide/a.md:16: [cli] unknown command"], "total": {**GREEN["total"], "failed": 1}},
         "reports/verification.json lists 1 finding(s), the first: docs/guide/a.md:16: [cli] unknown command"),
        ({"total": {**GREEN["total"], "failed": 2}}, "reports/verification.json counts 2 failed example(s)"),
        ({"total": {"blocks": 1}},
         "reports/verification.json has no findings list or total.failed count: run `make verify` and commit it"),
    ],
)
def test_a_report_with_failures_fails_the_report_check(run_cli, repo, change, message):
    (repo / "reports" / "verification.json").write_text(json.dumps({**GREEN, **change}))
    commit_all(repo)
    code, _, err = release(run_cli, repo, "1.0.0")
    assert code == 1
    assert failed(err) == [message]
    assert tags(repo) == []


def test_an_existing_tag_fails_the_tag_check_and_stays_where_it_was(run_cli, repo):
    first = git(repo, "rev-parse", "HEAD")
    git(repo, "tag", "v1.0.0")
    (repo / "CHANGELOG.md").write_text(CHANGELOG + "- One more line.\n")
    commit_all(repo)
    code, _, err = release(run_cli, repo, "1.0.0")
    assert code == 1
    assert failed(err) == [f"tag v1.0.0 already exists (at {first[:12]})"]
    assert git(repo, "rev-parse", "v1.0.0") == first


def test_every_failed_check_is_listed_and_nothing_changes(run_cli, repo):
    (repo / "reports" / "verification.json").write_text(json.dumps({**GREEN, "total": {**GREEN["total"], "failed": 1}}))
    commit_all(repo)
    (repo / "notes.txt").write_text("draft\n")
    before = git(repo, "rev-parse", "HEAD")
    code, out, err = release(run_cli, repo, "1.0.0")
    assert (code, out) == (1, "")
    assert failed(err) == [
        "working tree is not clean: notes.txt (commit or remove them first)",
        "reports/verification.json counts 1 failed example(s)",
    ]
    assert err.splitlines()[-1] == "v1.0.0 not created: 2 of 4 checks failed"
    assert tags(repo) == []
    assert git(repo, "rev-parse", "HEAD") == before
    assert git(repo, "status", "--porcelain") == "?? notes.txt"
