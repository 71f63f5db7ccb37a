"""Specification of the python static oracle: syntax, then one basedpyright run over every block.

The fixtures pair each wrong example with its correct twin; the twin must produce no finding.
basedpyright runs once for the whole module (the ``result`` fixture).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.docmodel import parse_page
from scripts.verify import python_static
from scripts.verify.base import Context

pytestmark = pytest.mark.pyright  # every check runs basedpyright

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "verify" / "python"
EXAMPLES = str(FIXTURES / "examples.md")
CONNECT = str(FIXTURES / "connect.md")
SESSIONS = str(FIXTURES / "sessions.md")
PIPELINES = str(FIXTURES / "pipelines.md")
HAVE_DBCONNECT = (python_static.DBCONNECT_SOURCES / "databricks" / "connect" / "__init__.py").is_file()
needs_dbconnect = pytest.mark.skipif(not HAVE_DBCONNECT, reason="run `python -m scripts.fetch_dbconnect` first")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> python_static.OracleResult:
    blocks = [block for page in (EXAMPLES, CONNECT, SESSIONS, PIPELINES) for block in parse_page(Path(page)).blocks]
    ctx = Context(work_dir=tmp_path_factory.mktemp("python-static"), project_root=ROOT)
    return python_static.check(blocks, ctx)


def messages_at(result: python_static.OracleResult, path: str, line: int) -> list[str]:
    return [f.message for f in result.findings if f.path == path and f.line == line]


def test_every_finding_is_expected_so_every_correct_twin_passes(result: python_static.OracleResult) -> None:
    expected = {(EXAMPLES, line) for line in (11, 27, 43, 57, 67, 76, 90)}
    expected |= {(SESSIONS, line) for line in (19, 21, 59, 73, 79)}
    expected.add((PIPELINES, 18))
    if HAVE_DBCONNECT:
        expected.add((CONNECT, 15))
    assert {(f.path, f.line) for f in result.findings} == expected
    assert all(f.check == "python-static" for f in result.findings)


def test_misspelled_sdk_method_is_an_unknown_attribute(result: python_static.OracleResult) -> None:
    assert messages_at(result, EXAMPLES, 11) == [
        'Cannot access attribute "craete" for class "ClustersExt"; Attribute "craete" is unknown '
        "(reportAttributeAccessIssue)"
    ]


def test_misspelled_keyword_argument_is_reported(result: python_static.OracleResult) -> None:
    assert messages_at(result, EXAMPLES, 27) == ['No parameter named "cluster_nam" (reportCallIssue)']


def test_optional_sdk_fields_and_result_callbacks_are_not_noise(result: python_static.OracleResult) -> None:
    # ``state`` and ``cluster_id`` are Optional in the SDK; ``.result()`` has ``callback = None``.
    assert messages_at(result, EXAMPLES, 34) == [] and messages_at(result, EXAMPLES, 35) == []


def test_misspelled_pyspark_function_is_reported(result: python_static.OracleResult) -> None:
    assert messages_at(result, EXAMPLES, 43) == [
        '"summ" is not a known attribute of module "pyspark.sql.functions" (reportAttributeAccessIssue)'
    ]


def test_wrong_imports_are_reported(result: python_static.OracleResult) -> None:
    assert messages_at(result, EXAMPLES, 57) == ['"NoSuchThing" is unknown import symbol (reportAttributeAccessIssue)']
    [missing] = messages_at(result, EXAMPLES, 67)
    assert missing.startswith(
        'Import "databricks_sdk_that_does_not_exist" could not be resolved: the module is not installed'
    )
    assert missing.endswith("(reportMissingImports)")


def test_undefined_name_says_where_names_come_from(result: python_static.OracleResult) -> None:
    assert messages_at(result, EXAMPLES, 76) == [
        '"table_name" is not defined: import or define it in this block (spark, dbutils and display need no '
        "import) (reportUndefinedVariable)"
    ]


def test_syntax_error_is_reported_at_its_markdown_line(result: python_static.OracleResult) -> None:
    assert messages_at(result, EXAMPLES, 90) == ["SyntaxError: expected ':'"]


def test_notebook_globals_magics_and_pycon_need_no_imports(result: python_static.OracleResult) -> None:
    # spark, dbutils, display, %pip, %sql, a pycon transcript, and dbutils.notebook.exit("done").
    assert [f for f in result.findings if f.path == EXAMPLES and 101 <= f.line <= 117] == []


def test_a_session_block_using_names_of_an_earlier_block_does_not_stand_alone(
    result: python_static.OracleResult,
) -> None:
    # Found at the first use of each name only: ``source`` again on line 21 is not reported twice.
    assert messages_at(result, SESSIONS, 19) == [
        "`source` is defined only in the block at line 9; each example must stand alone (its own imports and set-up)",
        "`F` is imported only in the block at line 9; each example must stand alone (its own imports and set-up)",
    ]


def test_a_name_no_block_of_the_session_defines_is_reported_once(result: python_static.OracleResult) -> None:
    [message] = messages_at(result, SESSIONS, 21)
    assert message.startswith('"table_name" is not defined: import or define it in this block')


def test_self_contained_session_blocks_pass(result: python_static.OracleResult) -> None:
    assert [f for f in result.findings if f.path == SESSIONS and 26 <= f.line <= 55] == []


def test_a_name_set_in_several_blocks_names_them_all(result: python_static.OracleResult) -> None:
    assert messages_at(result, SESSIONS, 59) == [
        "`limit` is defined only in the blocks at lines 48 and 53; each example must stand alone "
        "(its own imports and set-up)"
    ]


def test_a_submodule_imported_by_another_block_is_reported(result: python_static.OracleResult) -> None:
    assert messages_at(result, SESSIONS, 73) == [
        '"etree" is not a known attribute of module "xml" (reportAttributeAccessIssue); the block passes only '
        "after another block of its session: each example must stand alone (its own imports and set-up)"
    ]


def test_a_plain_block_does_not_see_a_sessions_names(result: python_static.OracleResult) -> None:
    [message] = messages_at(result, SESSIONS, 79)
    assert message.startswith('"source" is not defined')


def test_skipped_and_output_blocks_are_not_checked(result: python_static.OracleResult) -> None:
    checked_lines = {line for path, line in result.checked if path == EXAMPLES}
    assert 122 not in checked_lines  # skip
    assert 131 not in checked_lines  # output
    assert 126 in checked_lines  # the block the output belongs to


@needs_dbconnect
def test_databricks_connect_is_checked_against_the_real_18_3_api(result: python_static.OracleResult) -> None:
    assert [f for f in result.findings if f.path == CONNECT and f.line < 15] == []
    assert messages_at(result, CONNECT, 15) == [
        'Cannot access attribute "serverles" for class "Builder"; Attribute "serverles" is unknown '
        "(reportAttributeAccessIssue)"
    ]


def test_pipelines_module_of_pyspark_4_2_resolves(result: python_static.OracleResult) -> None:
    assert [f for f in result.findings if f.path == CONNECT and f.line >= 20] == []


def test_a_keyword_the_pipelines_reference_does_not_document_is_reported(
    result: python_static.OracleResult,
) -> None:
    # create_auto_cdc_flow is a Databricks addition: the Apache Spark module and Connect 18's lack it.
    assert messages_at(result, PIPELINES, 18) == ['No parameter named "ignore_deletes" (reportCallIssue)']


def test_documented_auto_cdc_snapshot_flows_expectations_and_flows_pass(result: python_static.OracleResult) -> None:
    assert [f for f in result.findings if f.path == PIPELINES and f.line != 18] == []
    assert {line for path, line in result.checked if path == PIPELINES} == {8, 24, 47, 73}


def test_missing_dbconnect_package_tells_you_to_fetch_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(python_static, "run_basedpyright", lambda project: [])
    monkeypatch.setattr(python_static, "DBCONNECT_SOURCES", ROOT / ".deps" / "dbconnect-not-fetched")
    blocks = parse_page(Path(CONNECT)).blocks
    result = python_static.check(blocks, Context(work_dir=tmp_path / "work", project_root=tmp_path))
    assert [(f.line, f.message) for f in result.findings] == [
        (line, "databricks.connect cannot be type-checked: its package is missing from "
         ".deps/dbconnect-not-fetched; run `python -m scripts.fetch_dbconnect` once")
        for line in (6, 13)
    ]  # fmt: skip


def test_library_typing_quirks_are_not_findings_but_real_errors_are(tmp_path: Path) -> None:
    page = FIXTURES / "library-typing.md"
    found = python_static.check(parse_page(page).blocks, Context(work_dir=tmp_path, project_root=ROOT))
    assert [(f.line, f.message.split(";")[0]) for f in found.findings] == [
        (41, 'Argument of type "list[int]" cannot be assigned to parameter "col" of type "Column" '
             'in function "withColumn"'),
        (60, '"tabel" is not a known attribute of module "pyspark.pipelines" (reportAttributeAccessIssue)'),
    ]
