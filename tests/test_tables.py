"""The table generator: idempotent, atomic, and a --check mode that shows a diff and the fix."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
REPORT = {"pages": {"guide/a.md": {"blocks": 2, "static": 1, "executed": 0, "skipped": 1, "failed": 0}}}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "guide").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text(HUB)
    (tmp_path / "docs" / "guide" / "a.md").write_text(GUIDE)
    (tmp_path / "docs" / "guide" / "later.md").write_text(DRAFT)
    (tmp_path / "README.md").write_text(ROOT_FILE)
    (tmp_path / "context7.md").write_text(ROOT_FILE)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nnav:\n  - index.md\n  - guide/a.md\n  - guide/later.md\n"
        "extra:\n  verified_against:\n    databricks-sdk: 0.162.0\n    pyspark: 4.2.0\n"
    )
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
    # 2 pages + hub; 2 examples (the text block is not one); 1 verified; 2 distinct CLI commands; 1 endpoint
    assert "| **Total** | 3 | 1 | 49 | 2 | 1 (50%) | 0 (0%) | 1 | 0 | 1 | 2 |" in hub
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
