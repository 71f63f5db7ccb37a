"""The table generator: idempotent, atomic, and a --check mode that shows a diff and the fix."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT

HUB = (
    "# Home\n\n"
    "<!-- generated:versions -->\n<!-- /generated:versions -->\n\n"
    "<!-- generated:index -->\n<!-- /generated:index -->\n\n"
    "<!-- generated:stats -->\n<!-- /generated:stats -->\n"
)
ROOT_FILE = (
    "# Root\n\n"
    "<!-- generated:index -->\n<!-- /generated:index -->\n\n"
    "<!-- generated:stats -->\n<!-- /generated:stats -->\n"
)
GUIDE = """---
title: "A guide"
description: "What the guide answers."
status: verified
---

# A guide

<!-- generated:versions -->
<!-- /generated:versions -->

## Run a job

With the CLI:

```bash
databricks jobs run-now 123
databricks clusters list
```

## Call the API

```http
POST /api/2.2/jobs/run-now
```

```text
not an example
```
"""
DRAFT = (
    '---\ntitle: "Later"\ndescription: "Not yet."\nstatus: draft\n---\n\n'
    "# Later\n\n<!-- generated:versions -->\n<!-- /generated:versions -->\n"
)
REPORT = {"pages": {"guide/a.md": {"blocks": 2, "static": 1, "executed": 0, "skipped": 1, "failed": 0,
                                   "spark_connect": 0, "classic": 1, "legacy": 1}}}
CONTEXT7 = {
    "projectTitle": "X",
    "folders": ["docs"],
    "rules": ["Examples are verified against databricks-sdk 0.1.0; stale.", "A hand-written rule.", "Another one."],
}
VERIFIED_RULE = (
    "Examples are verified against databricks-sdk 0.162.0, pyspark 4.2.0; "
    "with other versions, check that an API exists first."
)


PYPROJECT = """[project]
name = "x"

[project.optional-dependencies]
verify = [
  "databricks-sdk==0.162.0",
  "pyspark==4.2.0",          # a comment
  "jsonschema>=4",
]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "guide").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text(HUB)
    (tmp_path / "docs" / "guide" / "a.md").write_text(GUIDE)
    (tmp_path / "docs" / "guide" / "later.md").write_text(DRAFT)
    (tmp_path / "README.md").write_text(ROOT_FILE)
    (tmp_path / "context7.md").write_text(ROOT_FILE)
    (tmp_path / "context7.json").write_text(json.dumps(CONTEXT7))
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nnav:\n  - index.md\n  - guide/a.md\n  - guide/later.md\n"
        "extra:\n  verified_against:\n    databricks-sdk: 0.162.0\n    pyspark: 4.2.0\n"
    )
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "verification.json").write_text(json.dumps(REPORT))
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generates_measured_tables(run_cli, project):
    code, _, err = run_cli("scripts.tables", cwd=project)
    assert code == 0, err
    hub = (project / "docs" / "index.md").read_text()
    assert "| guide | [A guide](guide/a.md) | What the guide answers. | 2 | verified |" in hub
    assert "| guide | [Later](guide/later.md) | Not yet. | 0 | draft |" in hub
    # 2 pages + hub; 2 examples (the text block is not one); 1 verified; 1 classic-only and 1 legacy (from the
    # report); 2 distinct CLI commands; 1 endpoint
    assert "| **Total** | 3 | 1 | 49 | 2 | 1 (50%) | 0 (0%) | 0 | 1 | 1 | 1 | 0 | 1 | 2 |" in hub
    readme = (project / "README.md").read_text()
    assert "[A guide](docs/guide/a.md)" in readme
    guide = (project / "docs" / "guide" / "a.md").read_text()
    assert "*Examples on this page are verified against databricks-sdk 0.162.0, pyspark 4.2.0.*" in guide
    later = (project / "docs" / "guide" / "later.md").read_text()
    assert "*Draft: the examples on this page are not yet verified.*" in later


def test_second_run_changes_nothing(run_cli, project):
    run_cli("scripts.tables", cwd=project)
    before = snapshot(project)
    code, _, err = run_cli("scripts.tables", cwd=project)
    assert code == 0 and "up to date" in err
    assert snapshot(project) == before


def test_check_fails_on_stale_table_with_diff_and_fix_command(run_cli, project):
    run_cli("scripts.tables", cwd=project)
    (project / "docs" / "guide" / "a.md").write_text(GUIDE + "\n```python\nx = 1\n```\n")
    before = snapshot(project)
    code, out, err = run_cli("scripts.tables", "--check", cwd=project)
    assert code == 1
    assert "--- docs/index.md (committed)" in out and "+++ docs/index.md (generated)" in out
    assert "Fix with: make tables" in err
    assert snapshot(project) == before  # --check writes nothing
    run_cli("scripts.tables", cwd=project)
    assert run_cli("scripts.tables", "--check", cwd=project)[0] == 0


@pytest.mark.parametrize(
    ("target", "content", "expected"),
    [
        ("README.md", "# Root\n\nno markers\n", "README.md:1: missing marker <!-- generated:index -->"),
        ("context7.md", "# R\n\n<!-- generated:index -->\n", "context7.md:3: marker 'index' is never closed"),
        ("README.md", "# R\n\n<!-- /generated:stats -->\n",
         "README.md:3: end marker for 'stats' without a start marker"),
        ("reports/verification.json", "{not json", "reports/verification.json:1: malformed JSON report"),
        ("context7.json", "{not json", "context7.json:1: malformed JSON"),
        ("context7.json", '{"rules": "one"}', "context7.json:1: 'rules' must be a list of strings"),
    ],
)
def test_bad_input_leaves_every_file_untouched(run_cli, project, target, content, expected):
    (project / target).write_text(content)
    before = snapshot(project)
    code, out, err = run_cli("scripts.tables", cwd=project)
    assert code == 2
    assert err.startswith(expected)
    assert "Traceback" not in out + err
    assert snapshot(project) == before


def test_context7_json_starts_its_rules_with_the_versions_and_keeps_the_hand_written_ones(run_cli, project):
    code, _, err = run_cli("scripts.tables", cwd=project)
    assert code == 0, err
    assert (project / "context7.json").read_text() == (
        "{\n"
        '  "projectTitle": "X",\n'
        '  "folders": ["docs"],\n'
        '  "rules": [\n'
        f'    "{VERIFIED_RULE}",\n'
        '    "A hand-written rule.",\n'
        '    "Another one."\n'
        "  ]\n"
        "}\n"
    )


def test_context7_json_names_the_target_runtime_when_mkdocs_yml_does(run_cli, project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "  written_for: Databricks Runtime 18 LTS\n")
    assert run_cli("scripts.tables", cwd=project)[0] == 0
    rules = json.loads((project / "context7.json").read_text())["rules"]
    assert rules == [
        VERIFIED_RULE,
        "Examples are written for Databricks Runtime 18 LTS (the target runtime; the checks run locally, not on it); "
        "older runtimes may lack some features.",
        "A hand-written rule.",
        "Another one.",
    ]


def test_a_verified_version_that_pyproject_does_not_pin_stops_the_generator_at_its_mkdocs_line(run_cli, project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("pyspark: 4.2.0", "pyspark: 4.1.4"))
    before = snapshot(project)
    code, out, err = run_cli("scripts.tables", "--check", cwd=project)
    assert (code, out) == (2, "")
    assert err.strip() == ("mkdocs.yml:9: extra.verified_against says pyspark 4.1.4, but pyproject.toml pins "
                           "pyspark==4.2.0: make them agree")
    (project / "pyproject.toml").write_text(PYPROJECT.replace('  "pyspark==4.2.0",          # a comment\n', ""))
    code, _, err = run_cli("scripts.tables", cwd=project)
    assert code == 2 and "but pyproject.toml does not pin pyspark" in err
    assert snapshot(project) == {**before, "pyproject.toml": (project / "pyproject.toml").read_bytes()}


def test_where_the_checks_differ_from_the_runtime_is_on_the_versions_line_and_a_context7_rule(run_cli, project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "  written_for: Runtime 18 LTS\n"
                      "  differs_from_runtime: >-\n    SQL is checked with Spark 4.2,\n    not 4.1.\n")
    assert run_cli("scripts.tables", cwd=project)[0] == 0
    rules = json.loads((project / "context7.json").read_text())["rules"]
    assert rules[2] == "Where the checks differ from that runtime: SQL is checked with Spark 4.2, not 4.1."
    guide = (project / "docs" / "guide" / "a.md").read_text()
    assert ("*Examples on this page are verified against databricks-sdk 0.162.0, pyspark 4.2.0. Written for Runtime "
            "18 LTS. SQL is checked with Spark 4.2, not 4.1.*") in guide


def test_check_fails_when_context7_json_names_other_versions(run_cli, project):
    run_cli("scripts.tables", cwd=project)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("pyspark: 4.2.0", "pyspark: 4.3.0"))
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("pyspark==4.2.0", "pyspark==4.3.0"))
    code, out, err = run_cli("scripts.tables", "--check", cwd=project)
    assert code == 1
    assert "--- context7.json (committed)" in out
    assert f'-    "{VERIFIED_RULE}",' in out
    assert f'+    "{VERIFIED_RULE.replace("4.2.0", "4.3.0")}",' in out
    assert "Fix with: make tables" in err


def test_previous_versions_are_the_released_changelog_sections_newest_first(run_cli, project):
    (project / "CHANGELOG.md").write_text(
        "# Changelog\n\n## Unreleased\n\n- more\n\n## 1.10.0\n\n- b\n\n## 1.2.0 - notes\n\n- a\n"
        "\n```markdown\n## 9.9.9\n```\n"
    )
    assert run_cli("scripts.tables", cwd=project)[0] == 0
    config = json.loads((project / "context7.json").read_text())
    assert config["previousVersions"] == [
        {"tag": "v1.10.0", "title": "version 1.10.0"},
        {"tag": "v1.2.0", "title": "version 1.2.0"},
    ]
    schema = json.loads((ROOT / "scripts" / "data" / "context7.schema.json").read_text())
    jsonschema.validate(config, schema)


def test_no_previous_versions_before_the_first_release(run_cli, project):
    (project / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n- first\n")
    assert run_cli("scripts.tables", cwd=project)[0] == 0
    assert "previousVersions" not in json.loads((project / "context7.json").read_text())


def test_a_rule_longer_than_context7_allows_is_an_error_at_the_setting(run_cli, project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "".join(f"    package-{i}: 1.0.{i}\n" for i in range(12)))
    pins = "".join(f'  "package-{i}==1.0.{i}",\n' for i in range(12))
    (project / "pyproject.toml").write_text(PYPROJECT.replace('  "jsonschema>=4",\n', pins))
    before = snapshot(project)
    code, _, err = run_cli("scripts.tables", cwd=project)
    assert code == 2
    assert err.startswith("mkdocs.yml:7: extra.verified_against makes a context7.json rule of ")
    assert snapshot(project) == before


def test_context7_leaves_out_the_root_markdown_written_for_contributors():
    """Context7 reads root-level Markdown whatever `folders` says: context7.md is for it, the others are not.
    excludeFiles matches file names anywhere, so no page under docs/ may carry one of them."""
    config = json.loads((ROOT / "context7.json").read_text())
    roots = {p.name for p in ROOT.glob("*.md")}
    assert roots - set(config["excludeFiles"]) == {"context7.md"}
    assert [p for p in (ROOT / "docs").rglob("*") if p.name in config["excludeFiles"]] == []


def test_missing_report_says_how_to_make_it(run_cli, project):
    (project / "reports" / "verification.json").unlink()
    code, _, err = run_cli("scripts.tables", cwd=project)
    assert code == 2
    assert "verification report not found: run `make verify`" in err


def test_markers_shown_inside_code_fences_are_left_alone(run_cli, project):
    text = ROOT_FILE + "\n```markdown\n<!-- generated:index -->\nexample\n<!-- /generated:index -->\n```\n"
    (project / "README.md").write_text(text)
    assert run_cli("scripts.tables", cwd=project)[0] == 0
    assert (
        "```markdown\n<!-- generated:index -->\nexample\n<!-- /generated:index -->\n```"
        in (project / "README.md").read_text()
    )


def test_statistics_load_no_oracle_and_no_checked_library():
    # `make tables` counts REST calls and CLI commands with the verifier's call finders, not its oracles:
    # with databricks-sdk, pyspark, sqlglot and basedpyright made unimportable, the generator still imports.
    code = (
        "import sys\n"
        "for name in ('databricks', 'pyspark', 'sqlglot', 'basedpyright'):\n"
        "    sys.modules[name] = None\n"
        "import scripts.stats, scripts.tables\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('scripts.verify.'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [
        "scripts.verify.base",
        "scripts.verify.cli_calls",
        "scripts.verify.cli_tree",
        "scripts.verify.rest_calls",
        "scripts.verify.sdk_endpoints",
    ]
