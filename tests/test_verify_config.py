"""Specification of the config oracle: json/yaml/toml/ini blocks parse; bundle YAML matches the schema.

Each wrong block in the fixture is followed by a correct one, which must produce no finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.docmodel import parse_page
from scripts.verify import config_check
from scripts.verify.base import Context, OracleResult

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "verify" / "config" / "examples.md"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> OracleResult:
    return config_check.check(parse_page(FIXTURE).blocks, Context(work_dir=tmp_path_factory.mktemp("config")))


@pytest.fixture(scope="module")
def findings(result: OracleResult) -> dict[int, str]:
    assert all(f.path == str(FIXTURE) and f.check == "config" for f in result.findings)
    lines = [f.line for f in result.findings]
    assert len(lines) == len(set(lines)), "at most one finding per line in this fixture"
    return {f.line: f.message for f in result.findings}


def test_only_the_wrong_blocks_fail(findings: dict[int, str]) -> None:
    assert sorted(findings) == [8, 16, 34, 50, 64, 75, 135, 147, 159]


def test_json_comment_is_reported_at_its_line(findings: dict[int, str]) -> None:
    assert findings[8] == (
        "invalid JSON: Expecting property name enclosed in double quotes (column 3): JSON has no comments"
    )


def test_json_ellipsis_placeholder_is_reported(findings: dict[int, str]) -> None:
    assert findings[16] == (
        "invalid JSON: Expecting value (column 13): `...` is not a JSON value; write a complete example"
    )


def test_yaml_bad_indentation_is_reported_at_the_parser_line(findings: dict[int, str]) -> None:
    assert findings[34] == (
        "invalid YAML: while parsing a block collection: expected <block end>, but found '<block mapping start>'"
    )


def test_bundle_unknown_top_level_key_fails(findings: dict[int, str]) -> None:
    assert findings[50] == "bundle configuration: $: Additional properties are not allowed ('resource' was unexpected)"


def test_bundle_wrong_type_fails_with_its_json_path(findings: dict[int, str]) -> None:
    assert findings[64] == (
        "bundle configuration: $.resources.jobs.nightly.max_concurrent_runs: "
        "'many' is not of type 'integer' (nor a ${var.name} reference)"
    )


def test_included_resource_file_is_validated_and_a_typo_inside_a_mapping_is_named(findings: dict[int, str]) -> None:
    assert findings[75] == (
        "bundle configuration: $.resources.jobs.nightly.tasks[0].notebook_task: "
        "Additional properties are not allowed ('notebook_pth' was unexpected)"
    )


def test_valid_bundle_with_variables_and_interpolation_passes(findings: dict[int, str]) -> None:
    assert [line for line in findings if 78 <= line <= 122] == []


def test_non_bundle_yaml_with_a_resources_key_is_only_parsed(findings: dict[int, str]) -> None:
    assert [line for line in findings if 123 <= line <= 127] == []


def test_toml_error_at_end_of_block(findings: dict[int, str]) -> None:
    assert findings[135] == "invalid TOML: Unclosed array (at the end of the block)"


def test_databrickscfg_needs_a_profile_header_and_no_duplicates(findings: dict[int, str]) -> None:
    assert findings[147] == "invalid INI: a [section] header (a profile such as [DEFAULT]) must come first"
    assert findings[159] == "invalid INI: duplicate option 'host' in section [DEFAULT]"


def test_skipped_blocks_are_not_checked(result: OracleResult) -> None:
    skipped = next(b for b in parse_page(FIXTURE).blocks if b.is_skipped)
    assert (skipped.path, skipped.line) not in result.checked
    assert len(result.checked) == 15


@pytest.mark.parametrize(
    ("doc", "is_bundle"),
    [
        ({"bundle": {"name": "x"}}, True),
        ({"resources": {"jobs": {}}}, True),
        ({"targets": {"dev": {}}, "variables": {}}, True),
        ({"resources": {"limits": {"cpu": 1}}}, False),  # Helm values
        ({"name": "ci", "on": "push", "jobs": {}}, False),  # a GitHub workflow
        ({"resources": {"jobs": {}}, "apiVersion": "v1"}, False),  # a key no bundle has
        ([{"bundle": 1}], False),
    ],
)
def test_bundle_detection_rule(doc: object, is_bundle: bool) -> None:
    assert config_check.is_bundle_config(doc) is is_bundle


def test_interpolation_is_accepted_where_numbers_and_mappings_are_expected() -> None:
    doc = {
        "bundle": {"name": "x"},
        "variables": {"cluster": {"type": "complex", "default": {"num_workers": 1}}},
        "resources": {"jobs": {"j": {"max_concurrent_runs": "${var.n}", "job_clusters": [
            {"job_cluster_key": "c", "new_cluster": "${var.cluster}"}]}}},
    }  # fmt: skip
    assert list(config_check.bundle_findings(doc, None)) == []
