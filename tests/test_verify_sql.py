"""The SQL oracle: Spark's parser first, a grammar for Databricks-only forms, run blocks on local Spark.

One SparkSession serves the whole module (scripts.verify.spark_local starts it once per process).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scripts.docmodel import parse_page
from scripts.verify import sql_check
from scripts.verify.base import Context, OracleResult
from scripts.verify.spark_local import get_spark, parse_sql
from scripts.verify.sql_check import split_statements

FIXTURES = Path(__file__).parent / "fixtures" / "verify" / "sql"
RUN_PAGE = str(FIXTURES / "run.md")


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Context:
    context = Context(work_dir=tmp_path_factory.mktemp("sql-work"))
    get_spark(context.work_dir)  # started once for the module
    return context


def check_page(name: str, ctx: Context) -> OracleResult:
    page = parse_page(FIXTURES / name, rel=name)
    return sql_check.check(page.blocks, ctx)


def by_line(result: OracleResult) -> dict[int, str]:
    return {f.line: f.message for f in result.findings}


@pytest.fixture(scope="module")
def parsed(ctx: Context) -> dict[int, str]:
    result = check_page("parse.md", ctx)
    assert all(f.path.endswith("parse.md") for f in result.findings)
    assert result.executed == set()  # nothing on that page is marked run
    return by_line(result)


@pytest.fixture(scope="module")
def ran(ctx: Context) -> OracleResult:
    return check_page("run.md", ctx)


# --- splitting --------------------------------------------------------------------------------


def test_statements_split_on_top_level_semicolons_only() -> None:
    code = "-- a; b\nSELECT 'x;y', `a;b` /* ; */ FROM t;\n\nSELECT 2;\nBEGIN\n  SELECT 1;\n  IF true THEN SELECT 2; END IF;\nEND;"
    statements = split_statements(code)
    assert [s.line for s in statements] == [1, 3, 4]
    assert statements[0].text == "SELECT 'x;y', `a;b` /* ; */ FROM t"
    assert statements[2].text.startswith("BEGIN") and statements[2].text.endswith("END")


def test_unterminated_string_is_reported_not_raised() -> None:
    with pytest.raises(sql_check.SqlSyntaxError, match="unterminated string"):
        split_statements("SELECT 1;\nSELECT 'oops")


# --- Spark's parser ---------------------------------------------------------------------------


def test_misspelled_keyword_fails_at_its_line(parsed: dict[int, str]) -> None:
    assert parsed[6] == "Spark SQL parser: [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'."


def test_correct_select_passes(parsed: dict[int, str]) -> None:
    assert 10 not in parsed


def test_merge_without_on_fails_at_the_line_spark_names(parsed: dict[int, str]) -> None:
    assert parsed[15] == "Spark SQL parser: [PARSE_SYNTAX_ERROR] Syntax error at or near 'WHEN'."
    assert 14 not in parsed


def test_merge_with_on_passes(parsed: dict[int, str]) -> None:
    assert not {19, 20, 21} & parsed.keys()


def test_magic_comments_quotes_and_parameter_markers(parsed: dict[int, str]) -> None:
    # %sql is stripped, ';' in comments/strings/backquotes does not split, :param and IDENTIFIER(:x)
    # parse; the dangling WHERE is caught by a second parse with reserved keywords enforced.
    assert not {25, 26, 27, 28} & parsed.keys()
    assert parsed[29] == "Spark SQL parser: [PARSE_SYNTAX_ERROR] Syntax error at or near 'WHERE'."


# --- Databricks-only forms --------------------------------------------------------------------


def test_valid_databricks_statements_pass(parsed: dict[int, str]) -> None:
    # OPTIMIZE/ZORDER, VACUUM RETAIN, GRANT, REVOKE, DESCRIBE HISTORY/DETAIL, CREATE CATALOG/VOLUME,
    # SHOW GRANTS, RESTORE, SET TAGS, CLUSTER BY AUTO, streaming table, COPY INTO, ANALYZE, USE CATALOG
    assert [line for line in parsed if 35 <= line <= 53] == []


def test_describe_history_takes_the_databricks_path() -> None:
    from scripts.verify.sql_check import databricks_form

    (stmt,) = split_statements("DESCRIBE HISTORY t")
    form = databricks_form(stmt)
    assert form is not None and form[0] == "DESCRIBE HISTORY"


def test_optimize_with_zorder_in_the_wrong_place_fails(parsed: dict[int, str]) -> None:
    assert parsed[57] == "OPTIMIZE: expected a table name or a quoted path, found 'ZORDER'"


def test_garbled_grant_fails(parsed: dict[int, str]) -> None:
    assert parsed[61] == "GRANT: unknown privilege 'SELEC'"


def test_broken_databricks_statements_fail_at_their_lines(parsed: dict[int, str]) -> None:
    assert parsed[65] == "DESCRIBE HISTORY: expected a row count after LIMIT, the statement ends"
    assert parsed[66] == "VACUUM: expected a number of hours after RETAIN, found 'HOURS'"
    assert parsed[67] == "OPTIMIZE WHERE predicate: [PARSE_SYNTAX_ERROR] Syntax error at or near end of input."
    assert parsed[68] == (
        "CREATE MATERIALIZED VIEW (checked by Spark as CREATE TABLE): "
        "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'."
    )


def test_pipeline_datasets_python_functions_and_managed_schemas(parsed: dict[int, str]) -> None:
    # Expectations are removed and the rest is parsed by Spark; a Python body is compiled.
    assert not {74, 75, 76, 77, 78, 79, 80} & parsed.keys()
    assert parsed[81] == 'CREATE STREAMING TABLE column list: [UNSUPPORTED_DATATYPE] Unsupported data type "INTT".'
    assert parsed[83] == "Python function body: invalid syntax"


def test_no_other_findings(parsed: dict[int, str]) -> None:
    assert sorted(parsed) == [6, 15, 29, 57, 61, 65, 66, 67, 68, 81, 83]


def test_databricks_form_without_grammar_is_never_waved_through(ctx: Context) -> None:
    spark = get_spark(ctx.work_dir)
    (stmt,) = split_statements("CREATE SHARE IF NOT EXISTS sales_share")
    verdict = sql_check.check_statement(spark, stmt.text, stmt)
    assert verdict.error is not None
    assert verdict.error.message.startswith("CREATE SHARE cannot be checked locally")


# --- run blocks -------------------------------------------------------------------------------


def test_temp_view_and_select_execute(ran: OracleResult) -> None:
    assert (RUN_PAGE, 4) in ran.executed


def test_session_blocks_share_tables_in_order(ran: OracleResult) -> None:
    assert {(RUN_PAGE, 10), (RUN_PAGE, 16)} <= ran.executed


def test_temp_views_do_not_leak_between_blocks(ran: OracleResult) -> None:
    assert by_line(ran)[22].startswith("run failed on local Spark: [TABLE_OR_VIEW_NOT_FOUND] The table or view `numbers`")


def test_databricks_only_statement_cannot_run(ran: OracleResult) -> None:
    assert by_line(ran)[28].startswith("block is marked run, but OPTIMIZE is Databricks-only")


def test_delta_table_cannot_run(ran: OracleResult) -> None:
    assert by_line(ran)[33].startswith("block is marked run, but USING DELTA cannot execute on local Spark")


def test_runtime_error_is_a_finding(ran: OracleResult) -> None:
    assert by_line(ran)[38].startswith("run failed on local Spark: [DIVIDE_BY_ZERO] Division by zero.")
    assert sorted(by_line(ran)) == [22, 28, 33, 38]


def test_static_mode_parses_without_running(ctx: Context) -> None:
    page = parse_page(FIXTURES / "run.md", rel="run.md")
    result = sql_check.check(page.blocks, Context(work_dir=ctx.work_dir, execute=False))
    assert result.executed == set() and len(result.checked) == 7 and result.findings == []


def test_parse_is_fast_once_spark_is_up(ctx: Context) -> None:
    spark = get_spark(ctx.work_dir)
    parse_sql(spark, "SELECT 1")
    start = time.perf_counter()
    for _ in range(20):
        assert parse_sql(spark, "SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a") is None
    assert (time.perf_counter() - start) / 20 < 0.5


def test_niladic_datetime_calls_with_parentheses_parse_while_dangling_keywords_still_fail(ctx: Context) -> None:
    spark = get_spark(ctx.work_dir)
    assert parse_sql(spark, "SELECT current_date(), current_timestamp(), current_user() FROM t") is None
    assert parse_sql(spark, "SELECT * FROM t WHERE") is not None
    assert parse_sql(spark, "SELECT current_date() FROM t WHERE") is not None
    assert parse_sql(spark, "SELECT region, count(*) FROM sales GROUP BY ALL") is None
