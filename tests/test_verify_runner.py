"""The runner folds every oracle's result into one state per block, and the report counts them."""

from __future__ import annotations

import pytest

from scripts.docmodel import parse_page
from scripts.verify import report, runner
from tests.conftest import FIXTURES

PAGE = FIXTURES / "verify" / "runner" / "page.md"


@pytest.fixture(scope="module")
def result() -> runner.RunResult:
    return runner.run([parse_page(PAGE, "page.md")])


def test_each_block_ends_in_one_state(result: runner.RunResult) -> None:
    assert [(o.block.line, o.state) for o in result.outcomes] == [
        (8, "failed"),  # its output block does not match what it prints
        (13, "failed"),  # the output block carries the mismatch finding
        (21, "unchecked"),
        (30, "skipped"),
    ]


def test_findings_name_the_output_mismatch_and_the_unchecked_language(result: runner.RunResult) -> None:
    messages = [(f.line, f.check, f.message.splitlines()[0]) for f in result.findings]
    assert messages == [
        (14, "python-run", "output differs from what the block above prints:"),
        (21, "coverage", "no oracle checks 'scala' blocks: use a checked language or add "
                         '<!-- verify: skip reason="..." -->'),
    ]


def test_report_counts_examples_and_lists_skip_reasons(result: runner.RunResult) -> None:
    summary = report.summarise(result)
    assert summary["total"] == {"blocks": 3, "static": 0, "executed": 0, "skipped": 1, "failed": 2,
                                "spark_connect": 0, "classic": 0, "legacy": 0}
    assert summary["skips"] == [{"page": "page.md", "line": 30, "reason": "shows a fragment"}]


ONLY = FIXTURES / "verify" / "runner" / "only.md"


def test_only_runs_the_named_oracle_and_its_findings_carry_that_name(run_cli) -> None:
    code, out, _ = run_cli("scripts.verify", "--static", "--quiet", "--only", "rest", str(ONLY))
    findings = [line for line in out.splitlines() if line.startswith(str(ONLY))]
    assert code == 1
    assert len(findings) == 1 and f"{ONLY}:4: [rest]" in findings[0]


def test_an_unknown_oracle_name_exits_2_with_the_valid_names(run_cli) -> None:
    code, out, err = run_cli("scripts.verify", "--only", "rest_check", str(ONLY))
    assert (code, out) == (2, "")
    assert err.strip() == ("python -m scripts.verify: unknown oracle rest_check: the oracles are secrets, config, "
                           "shell, cli, rest, sql, python-static, deprecated, compute, python-run")


def test_each_oracle_module_reports_under_its_one_name() -> None:
    import importlib

    names = {name: importlib.import_module(f"scripts.verify.{module}").NAME
             for name, module in runner.ORACLES.items()}
    assert names == {name: name for name in runner.ORACLES}


COMPUTE_PAGE = """# Compute

<!-- verify: run session=a -->
```python
print(1)
```

<!-- verify: run session=a classic="needs the SparkContext" -->
```python
print(2)
```

<!-- verify: run -->
```python
print(3)
```

<!-- verify: legacy="the old form, next to the new one" -->
```python
print(4)
```
"""


def test_report_counts_spark_connect_classic_and_legacy_blocks(tmp_path) -> None:
    """A session with one classic block runs on classic compute as a whole: none of it counts as Spark Connect."""
    page_file = tmp_path / "compute.md"
    page_file.write_text(COMPUTE_PAGE)
    blocks = parse_page(page_file, "compute.md").blocks
    states = ["executed", "executed", "executed", "static"]
    outcomes = [runner.BlockOutcome(b, "compute.md", state) for b, state in zip(blocks, states, strict=True)]
    total = report.summarise(runner.RunResult(outcomes, [], {}))["total"]
    assert total == {"blocks": 4, "static": 1, "executed": 3, "skipped": 0, "failed": 0,
                     "spark_connect": 1, "classic": 1, "legacy": 1}
