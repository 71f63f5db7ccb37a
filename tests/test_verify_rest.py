"""The REST oracle: REST calls in http, shell and python blocks against databricks-sdk's endpoints.

Each fixture page under tests/fixtures/verify/rest/ pairs a wrong call with its correct twin; the
tests list every finding the oracle must report (file:line and message) and nothing else, so each
twin is shown to pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.docmodel import parse_page
from scripts.stats import endpoints_in
from scripts.verify.base import Context
from scripts.verify.rest_calls import rest_calls, url_path
from scripts.verify.rest_check import check
from scripts.verify.sdk_endpoints import FieldType, load_endpoints, match

FIXTURES = Path(__file__).parent / "fixtures" / "verify" / "rest"
SDK = "databricks-sdk 0.162.0"


def findings(name: str) -> list[tuple[int, str]]:
    page = parse_page(FIXTURES / name)
    result = check(page.blocks, Context(work_dir=Path("/tmp")))
    assert all(f.path == str(FIXTURES / name) and f.check == "rest" for f in result.findings)
    return [(f.line, f.message) for f in result.findings]


def checked_lines(name: str) -> list[int]:
    page = parse_page(FIXTURES / name)
    return sorted(line for _, line in check(page.blocks, Context(work_dir=Path("/tmp"))).checked)


# ---------------------------------------------------------------- the endpoint index


def test_index_is_read_from_the_installed_sdk():
    index = load_endpoints()
    assert index.sdk_version == "0.162.0"
    assert len(index) == 1362  # distinct (method, template) pairs measured in databricks-sdk 0.162.0
    assert sum(e.opaque for e in index.endpoints) == 9  # bare /api/<v>/{name} templates, never matched
    # workspace-conf takes a free-form dict: its body is not described
    assert sum(1 for e in index.endpoints if e.body) == 605
    assert {
        ("POST", "/api/2.2/jobs/run-now"),
        ("POST", "/api/2.2/jobs/create"),
        ("GET", "/api/2.1/clusters/get"),
        ("POST", "/api/2.1/clusters/create"),
        ("GET", "/api/2.1/unity-catalog/permissions/{securable_type}/{full_name}"),
        ("PATCH", "/api/2.1/unity-catalog/permissions/{securable_type}/{full_name}"),
        ("PUT", "/api/2.0/fs/files/{file_path}"),
        ("POST", "/api/2.0/sql/statements"),
        ("POST", "/serving-endpoints/{name}/invocations"),
    } <= index.keys()


def test_endpoint_records_version_and_caller():
    endpoint = match("POST", "/api/2.2/jobs/run-now")
    assert endpoint is not None
    assert (endpoint.version, endpoint.service, endpoint.operation, endpoint.module) == (
        "2.2", "JobsAPI", "run_now", "jobs"
    )
    assert match("GET", "/api/networking/v1/endpoints/e1") is None  # opaque templates never match


def test_request_body_fields_are_known_at_every_level():
    index = load_endpoints()
    create = index.match("POST", "/api/2.2/jobs/create")
    assert create is not None
    fields = index.body_fields(create)
    assert fields is not None
    assert fields["tasks"] == FieldType("object", "jobs.Task", "list")
    assert fields["tags"] == FieldType("scalar", None, "map")
    assert index.types["jobs.Task"]["new_cluster"] == FieldType("object", "compute.ClusterSpec", "")
    assert index.types["compute.ClusterSpec"]["autoscale"] == FieldType("object", "compute.AutoScale", "")
    assert set(index.types["compute.AutoScale"]) == {"max_workers", "min_workers"}
    assert index.types["compute.ClusterSpec"]["init_scripts"].container == "list"


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/api/2.1/clusters/get?cluster_id=1234", "/api/2.1/clusters/get"),
        ("GET", "/api/2.1/unity-catalog/catalogs/main", "/api/2.1/unity-catalog/catalogs/{name}"),
        ("GET", "/api/2.1/unity-catalog/tables/<catalog>.<schema>.<table>",
         "/api/2.1/unity-catalog/tables/{full_name}"),
        ("PUT", "/api/2.0/fs/files/Volumes/main/default/raw/a.csv", "/api/2.0/fs/files/{file_path}"),
        ("GET", "/api/2.0/permissions/jobs/{job_id}", "/api/2.0/permissions/jobs/{job_id}"),  # the most specific
        ("GET", "/api/2.0/permissions/jobs/$JOB_ID", "/api/2.0/permissions/jobs/{job_id}"),
        ("GET", "/api/2.0/permissions/jobs/123", "/api/2.0/permissions/jobs/{job_id}"),
        ("GET", "/api/2.0/permissions/alerts/<id>", "/api/2.0/permissions/{request_object_type}/{request_object_id}"),
        ("GET", "/api/2.0/postgres/projects/p1/branches/b1",
         "/api/2.0/postgres/projects/{project_id}/branches/{branch_id}"),
    ],
)
def test_concrete_paths_match_templates(method, path, template):
    endpoint = match(method, path)
    assert endpoint is not None and endpoint.template == template


def test_helpers_name_other_methods_and_versions():
    index = load_endpoints()
    assert index.other_methods("POST", "/api/2.1/unity-catalog/permissions/catalog/main") == ["GET", "PATCH"]
    assert index.other_methods("PATCH", "/api/2.1/unity-catalog/permissions/catalog/main") == []
    older = index.other_versions("POST", "/api/2.0/clusters/create")
    assert [(e.method, e.template) for e in older] == [("POST", "/api/2.1/clusters/create")]
    assert index.other_versions("GET", "/api/2.1/clusters/nothing") == []


def test_url_paths_keep_databricks_hosts_only():
    assert url_path("https://${DATABRICKS_HOST}/api/2.2/jobs/list?limit=5") == "/api/2.2/jobs/list?limit=5"
    assert url_path('"$DATABRICKS_HOST/api/2.1/clusters/get"') == "/api/2.1/clusters/get"
    assert url_path("https://adb-1.2.azuredatabricks.net/oidc/v1/token") == "/oidc/v1/token"
    assert url_path("https://api.github.com/api/v3/repos") is None
    assert url_path("https://$DATABRICKS_HOST/ajax-api/2.0/x") is None


# ---------------------------------------------------------------- fixture pages


def test_old_api_versions_are_reported_with_the_version_the_sdk_uses():
    assert findings("versions.md") == [
        (6, f"POST /api/2.0/clusters/create: clusters is 2.1 in {SDK}, not 2.0 "
            "(an older version; the SDK calls POST /api/2.1/clusters/create)"),
        (30, f"POST /api/2.1/jobs/run-now: jobs is 2.2 in {SDK}, not 2.1 "
             "(an older version; the SDK calls POST /api/2.2/jobs/run-now)"),
    ]
    assert checked_lines("versions.md") == [5, 15, 24, 38]


def test_wrong_method_names_the_methods_the_sdk_uses():
    assert findings("methods.md") == [
        (6, f"POST /api/2.1/unity-catalog/permissions/catalog/main: wrong method, {SDK} calls this path "
            "with GET or PATCH (GrantsAPI.get, GrantsAPI.update)"),
    ]
    assert checked_lines("methods.md") == [5, 14, 23, 29]  # 29: the response after the request is not its body


def test_unknown_body_fields_are_reported_with_their_json_path():
    assert findings("bodies.md") == [
        (10, "POST /api/2.1/clusters/create: body field spark_versoin is not a field of the "
             "ClustersAPI.create request; did you mean spark_version?"),
        (29, "POST /api/2.2/jobs/create: body field tasks[0].new_cluster.num_worker is not a field of "
             "ClusterSpec; did you mean tasks[0].new_cluster.num_workers?"),
        (71, "POST /api/2.2/jobs/run-now: request body is not valid JSON: "
             "Expecting property name enclosed in double quotes"),
    ]


def test_curl_and_cli_calls():
    assert findings("curl.md") == [
        (22, f"POST /api/2.0/clusters/start: clusters is 2.1 in {SDK}, not 2.0 "
             "(an older version; the SDK calls POST /api/2.1/clusters/start)"),
        (27, "POST /api/2.1/clusters/resize: body field num_workerz is not a field of the "
             "ClustersAPI.resize request; did you mean num_workers?"),
        (35, f"GET /api/2.1/jobs/get: jobs is 2.2 in {SDK}, not 2.1 "
             "(an older version; the SDK calls GET /api/2.2/jobs/get)"),
        (43, f"DELETE /api/2.2/jobs/delete: wrong method, {SDK} calls this path with POST (JobsAPI.delete)"),
    ]


def test_unparsable_shell_is_left_alone():
    assert checked_lines("curl.md") == [5, 13, 21, 33, 41]  # the block at line 49 yields no call


def test_curl_methods_follow_curl_rules():
    page = parse_page(FIXTURES / "curl.md")
    calls = [(c.method, c.path, c.source) for b in page.blocks for c in rest_calls(b)]
    assert calls == [
        ("POST", "/api/2.2/jobs/run-now", "curl"),
        ("GET", "/api/2.2/jobs/list?limit=5", "curl"),
        ("GET", "/api/2.1/clusters/get?cluster_id=$CLUSTER_ID", "curl"),
        ("POST", "/api/2.1/clusters/delete", "curl"),  # --data without -X means POST
        ("POST", "/api/2.0/clusters/start", "curl"),
        ("POST", "/api/2.1/clusters/create", "curl"),  # body from @cluster.json: path only
        ("POST", "/api/2.1/clusters/resize", "curl"),
        ("POST", "/api/2.2/jobs/run-now", "databricks api"),
        ("GET", "/api/2.1/jobs/get", "databricks api"),
        ("POST", "/api/2.2/jobs/run-now", "databricks api"),
        ("DELETE", "/api/2.2/jobs/delete", "curl"),  # the github.com URL and the output line are ignored
    ]


def calls_in(tmp_path: Path, fence: str, code: str) -> list[tuple[str, str, int, object]]:
    """(method, path, Markdown line, body) of each call in one block of a page."""
    page = tmp_path / "page.md"
    page.write_text(f"# Page\n\n```{fence}\n{code}```\n")
    return [(c.method, c.path, c.line, c.body) for b in parse_page(page).blocks for c in rest_calls(b)]


def test_shell_is_read_as_bash_reads_it(tmp_path):
    code = (
        "cat > later.sh <<'EOF'\n"
        "curl -X POST https://$DATABRICKS_HOST/api/2.0/clusters/start\n"  # a heredoc body: data, not a call
        "EOF\n"
        "# curl https://$DATABRICKS_HOST/api/2.1/clusters/list\n"
        "sudo curl -X DELETE \\\n"
        '  "$DATABRICKS_HOST/api/2.2/jobs/delete" -d \'{"job_id": 1}\'\n'
    )
    assert calls_in(tmp_path, "bash", code) == [("DELETE", "/api/2.2/jobs/delete", 9, {"job_id": 1})]
    session = "$ curl -s https://$DATABRICKS_HOST/api/2.1/clusters/list\ncurl -X POST $DATABRICKS_HOST/api/2.0/output\n"
    assert calls_in(tmp_path, "console", session) == [("GET", "/api/2.1/clusters/list", 4, None)]


def test_shell_lines_of_a_notebook_cell_are_read_as_shell(tmp_path):
    code = "%pip install requests\n!curl -s https://$DATABRICKS_HOST/api/2.1/clusters/list\n"
    assert calls_in(tmp_path, "python", code) == [("GET", "/api/2.1/clusters/list", 5, None)]


def test_python_clients():
    assert findings("python.md") == [
        (15, "POST /api/2.2/jobs/run-now: body field queue.enable is not a field of QueueSettings; "
             "did you mean queue.enabled?"),
        (36, "POST /api/2.1/clusters/edit: body field autoscale.min_worker is not a field of AutoScale; "
             "did you mean autoscale.min_workers?"),
        (46, f"POST /api/2.3/jobs/run-now: jobs is 2.2 in {SDK}, not 2.3 "
             "(not a version the SDK calls; the SDK calls POST /api/2.2/jobs/run-now)"),
        (55, f"GET /api/2.0/clusters/list: clusters is 2.1 in {SDK}, not 2.0 "
             "(an older version; the SDK calls GET /api/2.1/clusters/list)"),
    ]
    assert checked_lines("python.md") == [5, 23, 42, 53]  # the unparsable block is left to the Python oracle


def test_unknown_paths_suggest_the_nearest_endpoint():
    assert findings("unknown.md") == [
        (6, f"GET /api/2.1/clusters/describe: unknown endpoint, {SDK} calls no GET at this path; "
            "did you mean GET /api/2.1/clusters/get?"),
        (22, f"GET /api/2.1/unity-catalog/catalog/main: unknown endpoint, {SDK} calls no GET at this path; "
             "did you mean GET /api/2.1/unity-catalog/catalogs/{name}?"),
    ]
    # the skipped block at line 50 is not examined; OIDC and serving invocations (line 34) are
    assert checked_lines("unknown.md") == [5, 11, 17, 27, 34]


def test_endpoints_in_names_sdk_templates_for_statistics():
    page = parse_page(FIXTURES / "unknown.md")
    by_line = {b.line: endpoints_in(b) for b in page.blocks}
    assert by_line[17] == [
        ("GET", "/api/2.1/unity-catalog/catalogs/{name}"),
        ("GET", "/api/2.1/unity-catalog/catalog/main"),  # unknown: its own path
    ]
    assert by_line[27] == [("PUT", "/api/2.0/fs/files/{file_path}")]
    assert by_line[34] == [("POST", "/oidc/v1/token"), ("POST", "/serving-endpoints/{name}/invocations")]
    assert by_line[50] == []  # skipped
    python = parse_page(FIXTURES / "python.md")
    assert endpoints_in(python.blocks[0]) == [("POST", "/api/2.2/jobs/run-now"), ("GET", "/api/2.2/jobs/runs/get")]
