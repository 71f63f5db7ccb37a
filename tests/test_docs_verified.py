"""The docs as they stand: every example passes its oracle, and the committed report is the measured one."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT


@pytest.mark.spark
@pytest.mark.slow
def test_every_example_in_the_docs_verifies_and_the_report_is_current(run_cli, tmp_path):
    report = tmp_path / "verification.json"
    code, out, err = run_cli("scripts.verify", "--quiet", "--json", str(report), timeout=1800,
                             cache_dir=ROOT / ".cache")
    findings = [line for line in out.splitlines() if line.startswith("docs/")]
    assert code == 0 and findings == [], out + err
    committed = json.loads((ROOT / "reports" / "verification.json").read_text())
    measured = json.loads(report.read_text())
    assert measured == committed, "reports/verification.json is stale: run `make verify` then `make tables`"
