"""The deprecation oracle: fixture Markdown in, exact findings out (scripts/verify/deprecations.py and
sdk_deprecations.py).

Each fixture page under tests/fixtures/verify/deprecations/ pairs a deprecated use with a twin that is not
deprecated; the tests list every finding (line and message) and nothing else, so each twin is shown to pass.
legacy.md holds deprecated uses marked ``legacy="..."``: none is reported, and the same page without the
directives reports each of them.
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from scripts.docmodel import parse_page
from scripts.errors import DocError
from scripts.verify import deprecations, sdk_deprecations
from scripts.verify.base import Context
from scripts.verify.cli_check import check as cli_check
from scripts.verify.deprecations import check
from scripts.verify.sdk_deprecations import (
    Deprecation,
    _from_plain,  # pyright: ignore[reportPrivateUsage]
    _to_plain,  # pyright: ignore[reportPrivateUsage]
    build_index,
    deprecation,
    load_deprecations,
)
from scripts.verify.sdk_endpoints import sdk_location

FIXTURES = Path(__file__).parent / "fixtures" / "verify" / "deprecations"
SDK = "databricks-sdk 0.162.0"


def findings(page_path: Path) -> list[tuple[int, str]]:
    page = parse_page(page_path)
    result = check(page.blocks, Context(work_dir=Path("/tmp")))
    assert all(f.path == str(page_path) and f.check == "deprecated" for f in result.findings)
    return [(f.line, f.message) for f in result.findings]


def checked(page_path: Path) -> list[int]:
    page = parse_page(page_path)
    return sorted(line for _, line in check(page.blocks, Context(work_dir=Path("/tmp"))).checked)


# ---------------------------------------------------------------- the index


def test_index_is_read_from_the_installed_sdk() -> None:
    index = load_deprecations()
    assert index.sdk_version == "0.162.0"
    # measured in databricks-sdk 0.162.0 (params include the *_and_wait wrappers that pass them on)
    assert index.counts() == {"classes": 8, "fields": 94, "services": 8, "methods": 45, "params": 79}
    assert index.classes["serving.AutoCaptureConfigInput"] == Deprecation(
        "Deprecated: legacy inference table configuration.", "AI Gateway inference tables")
    assert index.fields["pipelines.PipelineSpec"]["target"].replacement == "`schema`"
    found = index.method("pipelines.PipelinesAPI", "create")
    assert found is not None
    method, why = found
    assert why is None
    assert method.param_deprecations["target"] == Deprecation(
        "This legacy field is deprecated for pipeline creation in favor of the ``schema`` field.", "`schema`")
    assert method.body_params["target"] == "target"
    legacy = index.method("sql.AlertsLegacyAPI", "list")
    assert legacy is not None and legacy[1] is not None and legacy[1].replacement == "`w.alerts.list`"
    assert index.display["mixins.jobs.JobsExt"] == index.display["jobs.JobsAPI"] == "w.jobs"


def test_only_what_its_own_text_calls_deprecated_is_deprecated() -> None:
    index = load_deprecations()
    # "Replaces the deprecated ..." / "Supersedes the deprecated ..." mention something else
    assert "jobs.CleanRoomsNotebookTask" not in index.classes
    assert "pipelines.MetaMarketingOptions" not in index.classes
    # "Note: Soon to be deprecated" is not yet
    assert "use_preemptible_executors" not in index.fields.get("compute.GcpAttributes", {})
    # a list of deprecated enum values inside a field's description
    assert "dashboards.GenieEvalResultDetails" not in index.fields
    # "Whether the node type is deprecated" describes data
    assert "compute.NodeType" not in index.fields
    # "The original path (...) is deprecated": a path, not the service
    assert index.services["catalog.WorkspaceBindingsAPI"].deprecated is None
    # "will be deprecated in the future"
    assert index.services["ml.ModelRegistryAPI"].deprecated is None
    assert not any(m.deprecated for m in index.services["ml.ModelRegistryAPI"].methods.values())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Deprecated: Use KafkaSubscriptionMode instead.", ("Deprecated: Use KafkaSubscriptionMode instead.",
                                                            "`KafkaSubscriptionMode`")),
        ("[Deprecated, use ``run_id`` instead] ID of the run to fetch.",
         ("[Deprecated, use ``run_id`` instead] ID of the run to fetch.", "`run_id`")),
        ("Target schema. This legacy field is deprecated for pipeline creation in favor of the ``schema`` field.",
         ("This legacy field is deprecated for pipeline creation in favor of the ``schema`` field.", "`schema`")),
        ("**Warning**: This API is deprecated. Please use :method:alerts/create instead.",
         ("**Warning**: This API is deprecated.", ":method:alerts/create")),
        ("Task type for dbt cloud, deprecated in favor of the new name dbt_platform_task",
         ("Task type for dbt cloud, deprecated in favor of the new name dbt_platform_task", "`dbt_platform_task`")),
        ("Deprecated since 04/2016. For classic compute, provide a jar instead.",
         ("Deprecated since 04/2016. For classic compute, provide a jar instead.", "")),
        ("Deprecated: Do not use this field in new integrations.",
         ("Deprecated: Do not use this field in new integrations.", "")),
        (".. deprecated::\n    This method is deprecated. Please use `from x import Y` instead.",
         ("Deprecated: This method is deprecated.", "`from x import Y`")),
        ("This will soon be deprecated!! Optional: UC path for agent artifacts.", None),
        ("Clean Rooms notebook task. Replaces the deprecated CleanRoomNotebookTask.", None),
        ("Colon notation is supported for backwards compatibility but is deprecated; migrate to dot notation.", None),
        ("Whether the node type is deprecated. Non-deprecated node types offer greater performance.", None),
        ("Reasons:\n\nDeprecated LLM judge values (kept for backward compatibility, do not use):", None),
        ("Note: Soon to be deprecated, use the 'availability' field instead.", None),
    ],
)
def test_a_text_is_deprecation_when_it_says_so_of_its_subject(text: str, expected: tuple[str, str] | None) -> None:
    found = deprecation(text)
    assert ((found.text, found.replacement) if found else None) == expected


def test_the_cached_index_is_the_built_one_and_a_damaged_cache_is_rebuilt(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root, version = sdk_location()
    built = build_index(root, version)
    assert _from_plain(_to_plain(built)) == built
    monkeypatch.setenv("C7_CACHE_DIR", str(tmp_path))
    cache_file = tmp_path / "sdk-deprecations.pickle"
    load_deprecations.cache_clear()
    try:
        assert load_deprecations() == built
        data = pickle.loads(cache_file.read_bytes())  # noqa: S301 - the cache file this test wrote
        data["entries"]["index"] = {"services": "damaged"}
        cache_file.write_bytes(pickle.dumps(data))
        load_deprecations.cache_clear()
        assert load_deprecations() == built  # the damaged entry is rebuilt (and stored again)

        def no_build(*_: object) -> None:
            raise AssertionError("built again instead of read from the cache")

        monkeypatch.setattr(sdk_deprecations, "build_index", no_build)
        load_deprecations.cache_clear()
        assert load_deprecations() == built
    finally:
        load_deprecations.cache_clear()


# ---------------------------------------------------------------- python


def test_python_uses_of_deprecated_classes_fields_methods_and_parameters() -> None:
    assert findings(FIXTURES / "python.md") == [
        (6, f"class `serving.AutoCaptureConfigInput` is deprecated in {SDK}: use AI Gateway inference tables"),
        (24, f"class `serving.AutoCaptureConfigInput` is deprecated in {SDK}: use AI Gateway inference tables"),
        (36, f"`target` of `w.pipelines.create` is deprecated in {SDK}: use `schema`"),
        (58, f"`w.alerts_legacy.list` is deprecated in {SDK}: use `w.alerts.list`"),
        (73, f"`served_models` of `w.serving_endpoints.update_config_and_wait` is deprecated in {SDK}: "
             "use `served_entities`"),
        (78, f"`served_models` of `serving.EndpointCoreConfigInput` is deprecated in {SDK}: use `served_entities`"),
        (88, f"`default_catalog_name` of `w.metastores.assign` is deprecated in {SDK}: use Default Namespace API"),
        (92, f"`cloud` of `a.workspaces.create` is deprecated in {SDK}: the SDK says \"DEPRECATED: This field is "
             "being ignored by the server and will be removed in the future.\""),
    ]
    assert checked(FIXTURES / "python.md") == [5, 13, 21, 29, 42, 55, 66, 84]


def test_a_client_bound_earlier_in_the_session_is_known_and_no_other_name_is_taken_for_one() -> None:
    assert findings(FIXTURES / "session.md") == [
        (12, f"`target` of `w.pipelines.create` is deprecated in {SDK}: use `schema`"),
    ]


# ---------------------------------------------------------------- REST


def test_rest_bodies_and_endpoints() -> None:
    assert findings(FIXTURES / "rest.md") == [
        (11, f"POST /api/2.0/pipelines: body field `target` (the `target` parameter of `w.pipelines.create`) is "
             f"deprecated in {SDK}: use `schema`"),
        (35, "POST /api/2.0/serving-endpoints: body field `config.served_models` (field `served_models` of "
             f"`serving.EndpointCoreConfigInput`) is deprecated in {SDK}: use `served_entities`"),
        (49, f"GET /api/2.0/preview/sql/alerts is `w.alerts_legacy.list`, deprecated in {SDK}: use `w.alerts.list`"),
    ]


# ---------------------------------------------------------------- CLI


def test_cli_commands_and_flags_the_tree_marks_deprecated() -> None:
    page = FIXTURES / "cli.md"
    assert findings(page) == [
        (4, "flag `--compute-id` of `databricks bundle deploy` is deprecated: use `--cluster-id` (`-c`)"),
        (6, "global flag `--environment` (`-e`) is deprecated: use `--target` (`-t`)"),
        (8, "`databricks experimental aitools skills` is deprecated"),
    ]
    # they are this oracle's findings, not the cli oracle's
    assert cli_check(parse_page(page).blocks, Context(work_dir=Path("/tmp"))).findings == []


# ---------------------------------------------------------------- legacy="..."


def test_legacy_blocks_are_not_reported_and_would_be_without_the_directive(tmp_path: Path) -> None:
    page = FIXTURES / "legacy.md"
    assert findings(page) == []
    assert checked(page) == []
    bare = tmp_path / "legacy.md"
    bare.write_text(re.sub(r"<!-- verify: legacy=\"[^\"]*\" -->\n", "\n", page.read_text()))
    assert [line for line, _ in findings(bare)] == [5, 15, 22, 27]


# ---------------------------------------------------------------- bad input


def test_a_missing_source_is_a_finding_at_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*_: object) -> None:
        raise DocError("scripts/data/databricks-cli-commands.json", 1, "Databricks CLI command tree not found")

    monkeypatch.setattr(deprecations, "load_tree", missing)
    page = FIXTURES / "cli.md"
    assert findings(page) == [
        (3, "deprecations cannot be checked: scripts/data/databricks-cli-commands.json:1: "
            "Databricks CLI command tree not found"),
    ]


def test_code_that_does_not_parse_is_left_to_the_other_oracles(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    page.write_text("# Broken\n\n```python\nfrom databricks.sdk import WorkspaceClient\n"
                    "w.pipelines.create(target=\n```\n\n"
                    "```http\nPOST /api/2.0/pipelines\n\n{\"target\": \n```\n\n"
                    "```bash\ndatabricks -e 'dev\n```\n")
    assert findings(page) == []


def test_the_runner_reports_under_the_oracle_name(run_cli) -> None:
    page = FIXTURES / "rest.md"
    code, out, _ = run_cli("scripts.verify", "--static", "--quiet", "--only", "deprecated", str(page))
    assert code == 1
    assert f"{page}:11: [deprecated] POST /api/2.0/pipelines: body field `target`" in out
