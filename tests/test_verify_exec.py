"""Executed Python blocks: run in order, sessions share a namespace, output compared, network blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.docmodel import parse_page
from scripts.verify import python_exec
from scripts.verify.base import Context, OracleResult
from scripts.verify.python_exec import compare_output
from scripts.verify.spark_local import get_spark

pytestmark = pytest.mark.spark  # blocks run on the local Spark JVM

FIXTURES = Path(__file__).parent / "fixtures" / "verify" / "exec"
RUN_PAGE = str(FIXTURES / "run.md")


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Context:
    context = Context(work_dir=tmp_path_factory.mktemp("exec-work"))
    get_spark(context.work_dir)  # one SparkSession for the module (and the process)
    return context


def check_page(name: str, ctx: Context, **options: float) -> OracleResult:
    page = parse_page(FIXTURES / name, rel=name)
    return python_exec.check(page.blocks, ctx, **options)


@pytest.fixture(scope="module")
def ran(ctx: Context) -> OracleResult:
    return check_page("run.md", ctx)


@pytest.fixture(scope="module")
def failed(ctx: Context) -> OracleResult:
    return check_page("errors.md", ctx, timeout=1)


def by_line(result: OracleResult) -> dict[int, str]:
    return {f.line: f.message for f in result.findings}


def test_output_that_matches_passes(ran: OracleResult) -> None:
    assert {(RUN_PAGE, 4), (RUN_PAGE, 15)} <= ran.executed
    assert not {11, 22, 23, 24, 25, 26, 27} & by_line(ran).keys()


def test_output_mismatch_fails_at_the_differing_line_with_a_diff(ran: OracleResult) -> None:
    assert by_line(ran)[38] == (
        "output differs from what the block above prints:\n@@ -1,2 +1,2 @@\n-total: 3\n+total: 2\n done"
    )


def test_exception_is_reported_at_the_failing_line(ran: OracleResult) -> None:
    message = by_line(ran)[47]
    assert message.startswith("run failed: AnalysisException: [UNRESOLVED_COLUMN.WITH_SUGGESTION]")
    assert "`no_such_column`" in message and "SQLSTATE" not in message


def test_session_blocks_share_a_namespace_in_order(ran: OracleResult) -> None:
    assert {(RUN_PAGE, 51), (RUN_PAGE, 57)} <= ran.executed  # its output block (2) matched
    assert 63 not in by_line(ran)


def test_blocks_outside_the_session_get_a_fresh_namespace(ran: OracleResult) -> None:
    assert by_line(ran)[68] == "run failed: NameError: name 'threshold' is not defined"


def test_connection_to_the_internet_is_blocked(ran: OracleResult) -> None:
    assert by_line(ran)[75] == (
        "run failed: network access is blocked while examples run (tried 93.184.216.34:80)"
        " - examples must not reach the internet; remove `run` or use local data"
    )


def test_dbutils_block_cannot_run(ran: OracleResult) -> None:
    assert by_line(ran)[80] == (
        "uses dbutils, which exists only on Databricks: this block cannot run locally; remove `run`"
    )
    assert (RUN_PAGE, 78) not in ran.executed


def test_mlflow_tracks_into_the_work_dir_and_cwd_is_a_session_folder(ran: OracleResult, ctx: Context) -> None:
    assert (RUN_PAGE, 84) in ran.executed and 95 not in by_line(ran)
    assert (ctx.work_dir / "mlflow.db").is_file()
    # No run lands in the project. (MLflow may leave an empty ./mlruns behind from another run of the verifier:
    # mlflow.pyfunc.spark_udf's clean-up; runs and artifacts never go there.)
    assert not any((Path.cwd() / "mlruns").rglob("*"))


def test_no_other_findings(ran: OracleResult) -> None:
    assert sorted(by_line(ran)) == [38, 47, 68, 75, 80]


def test_innermost_frame_inside_the_block_is_the_line(failed: OracleResult) -> None:
    assert by_line(failed)[6] == "run failed: FileNotFoundError: /missing.csv"


def test_syntax_error_is_reported_at_its_line(failed: OracleResult) -> None:
    assert by_line(failed)[13] == "run failed: SyntaxError: '(' was never closed"


def test_timeout_is_a_finding(failed: OracleResult) -> None:
    assert by_line(failed)[20] == "run failed: timeout: the block did not finish within 1 s"


def test_exit_is_a_finding(failed: OracleResult) -> None:
    assert by_line(failed)[27] == "run failed: the block called exit(3)"


def test_hidden_network_attempt_is_still_a_finding(failed: OracleResult) -> None:
    assert by_line(failed)[35] == (
        "run failed: NetworkBlocked: the example tried to reach the network (example.com (name lookup)) "
        "and hid the error"
    )
    assert failed.executed == set()


def test_static_mode_only_reports_dbutils(ctx: Context) -> None:
    page = parse_page(FIXTURES / "run.md", rel="run.md")
    result = python_exec.check(page.blocks, Context(work_dir=ctx.work_dir, execute=False))
    assert result.executed == set() and [f.line for f in result.findings] == [80]


def test_output_comparison_ignores_trailing_whitespace_only() -> None:
    assert compare_output("a  \nb\n\n", "a\nb") is None
    mismatch = compare_output("a\nB\n", "a\nb\n")
    assert mismatch is not None and mismatch[0] == 1


CONNECT_PAGE = str(FIXTURES / "connect.md")


def test_blocks_run_through_spark_connect_unless_marked_classic(ctx: Context) -> None:
    result = check_page("connect.md", ctx)
    found = by_line(result)
    assert sorted(found) == [7, 14]
    assert found[7].startswith("run failed: PySparkAttributeError: [JVM_ATTRIBUTE_NOT_SUPPORTED] Attribute "
                               "`sparkContext` is not supported in Spark Connect")
    assert found[14] == "run failed: PySparkNotImplementedError: [NOT_IMPLEMENTED] rdd is not implemented."
    assert {(CONNECT_PAGE, 20), (CONNECT_PAGE, 34), (CONNECT_PAGE, 50), (CONNECT_PAGE, 55)} <= result.executed
