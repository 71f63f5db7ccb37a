"""The SQL oracle: Spark's parser first, a grammar for Databricks-only forms, run blocks on local Spark.

One SparkSession serves the whole module (scripts.verify.spark_local starts it once per process).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.docmodel import parse_page
from scripts.verify import sql_check
from scripts.verify.base import Context, OracleResult
from scripts.verify.databricks_sql import databricks_form
from scripts.verify.spark_local import get_spark, parse_sql
from scripts.verify.sql_statements import SqlSyntaxError, split_statements

pytestmark = pytest.mark.spark  # Spark's own SQL parser runs in the local JVM

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
    code = (
        "-- a; b\nSELECT 'x;y', `a;b` /* ; */ FROM t;\n\nSELECT 2;\n"
        "BEGIN\n  SELECT 1;\n  IF true THEN SELECT 2; END IF;\nEND;"
    )
    statements = split_statements(code)
    assert [s.line for s in statements] == [1, 3, 4]
    assert statements[0].text == "SELECT 'x;y', `a;b` /* ; */ FROM t"
    assert statements[2].text.startswith("BEGIN") and statements[2].text.endswith("END")


def test_unterminated_string_is_reported_not_raised() -> None:
    with pytest.raises(SqlSyntaxError, match="unterminated string"):
        split_statements("SELECT 1;\nSELECT 'oops")


# --- Spark's parser ---------------------------------------------------------------------------


def test_misspelled_keyword_fails_at_its_line(parsed: dict[int, str]) -> None:
    assert parsed[6] == "Spark SQL parser: [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'."


def test_correct_select_passes(parsed: dict[int, str]) -> None:
    assert 10 not in parsed


def test_merge_without_on_fails_at_the_line_spark_names(parsed: dict[int, str]) -> None:
    # In Spark's default mode WHEN is not reserved, so it is read as the alias of s and ON is missing.
    assert parsed[15] == "Spark SQL parser: [PARSE_SYNTAX_ERROR] Syntax error at or near 'MATCHED': missing 'ON'."
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


def test_describe_history_catalog_and_volume_take_the_databricks_path() -> None:
    # Spark would read each as "describe column x of table HISTORY|CATALOG|VOLUME", a false pass.
    for text, name in (("DESCRIBE HISTORY t", "DESCRIBE HISTORY"), ("DESCRIBE CATALOG main", "DESCRIBE CATALOG"),
                       ("DESC VOLUME main.raw.landing", "DESCRIBE VOLUME")):
        (stmt,) = split_statements(text)
        form = databricks_form(stmt)
        assert form is not None and form[0] == name
    (stmt,) = split_statements("DESCRIBE catalog.s.t")  # a table in a catalog called "catalog"
    assert databricks_form(stmt) is None


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
    assert by_line(ran)[22].startswith(
        "run failed on local Spark: [TABLE_OR_VIEW_NOT_FOUND] The table or view `numbers`"
    )


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


def test_a_grouped_select_parses_again_and_again(ctx: Context) -> None:
    # How fast: `python -m benchmarks.run --only sql-parse` (benchmarks/README.md), not a test.
    spark = get_spark(ctx.work_dir)
    for _ in range(3):
        assert parse_sql(spark, "SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a") is None


def test_niladic_datetime_calls_with_parentheses_parse_while_dangling_keywords_still_fail(ctx: Context) -> None:
    spark = get_spark(ctx.work_dir)
    assert parse_sql(spark, "SELECT current_date(), current_timestamp(), current_user() FROM t") is None
    assert parse_sql(spark, "SELECT * FROM t WHERE") is not None
    assert parse_sql(spark, "SELECT current_date() FROM t WHERE") is not None
    assert parse_sql(spark, "SELECT region, count(*) FROM sales GROUP BY ALL") is None


# --- more Databricks forms (forms.md: each valid block passes, each broken twin fails) --------
# Kept last: Spark's parser messages can depend on what it parsed before in the same JVM.


@pytest.fixture(scope="module")
def forms(ctx: Context) -> dict[int, str]:
    return by_line(check_page("forms.md", ctx))


OWNER_HINT = "a principal (a user, group or service principal, in `backquotes` when it has @ or -)"


def test_catalogs_volumes_and_external_locations(forms: dict[int, str]) -> None:
    assert [line for line in forms if 8 <= line <= 21] == []
    assert {line: forms[line] for line in range(25, 39)} == {
        25: "DROP CATALOG: expected the end of the statement, found 'RESTRICT'",
        26: "ALTER CATALOG: expected TO after OWNER, found '`data-platform-admins`'",
        27: "ALTER CATALOG: expected OPTIMIZATION after PREDICTIVE, the statement ends",
        28: "ALTER SCHEMA ... PREDICTIVE OPTIMIZATION: expected ENABLE, DISABLE or INHERIT PREDICTIVE "
        "OPTIMIZATION, found 'STOP'",
        29: "ALTER ... SET TAGS: expected a quoted tag value, found 'prod'",
        30: "CREATE EXTERNAL LOCATION: expected STORAGE CREDENTIAL, found 'CREDENTIAL'",
        31: "DROP EXTERNAL LOCATION: expected an external location name, the statement ends",
        32: "ALTER EXTERNAL LOCATION: expected TO after OWNER, found '`data-platform-admins`'",
        33: "DESCRIBE CATALOG: main.raw has more than 1 name parts",
        34: "DESCRIBE VOLUME: expected the end of the statement, found 'EXTENDED'",
        35: "SHOW VOLUMES: expected a quoted pattern after LIKE, the statement ends",
        36: "LIST: expected a number after LIMIT, found 'ten'",
        37: "DROP VOLUME: expected a volume name, the statement ends",
        38: "ALTER VOLUME: expected TO after OWNER, found '`data-platform-admins`'",
    }


def test_clones_refreshes_and_cache_select(forms: dict[int, str]) -> None:
    assert [line for line in forms if 44 <= line <= 49] == []
    assert {line: forms[line] for line in range(53, 59)} == {
        53: "CREATE TABLE ... CLONE: expected the table to clone, the statement ends",
        54: "CREATE TABLE ... CLONE: expected a version number, found 'twelve'",
        55: "REPLACE TABLE ... CLONE: expected VERSION AS OF, TIMESTAMP AS OF, TBLPROPERTIES or LOCATION "
        "(in that order), found 'TBLPROPERTIES'",
        56: "REFRESH MATERIALIZED VIEW: expected FULL, WHERE, SYNC or ASYNC (in that order), found 'NOW'",
        57: "REFRESH STREAMING TABLE: expected FULL, WHERE, SYNC or ASYNC (in that order), found 'FULL'",
        58: "CACHE SELECT: expected FROM, found 'main'",
    }


def test_ownership_row_filters_and_masks(forms: dict[int, str]) -> None:
    assert [line for line in forms if 64 <= line <= 70] == []
    assert {line: forms[line] for line in range(74, 81)} == {
        74: f"ALTER ... OWNER TO: expected {OWNER_HINT}, the statement ends",
        75: "ALTER ... OWNER TO: expected the end of the statement, found '`b`'",
        76: "ALTER TABLE ... ROW FILTER / MASK: expected ON, found '('",
        77: "Spark SQL parser: [PARSE_SYNTAX_ERROR] Syntax error at or near 'ROW'.",  # no ROW FILTER: Spark's word
        78: "ALTER TABLE ... ROW FILTER / MASK: expected COLUMNS, found '('",
        79: "ALTER TABLE ... ROW FILTER / MASK: expected the end of the statement, found 'now'",
        80: "CREATE TABLE ... MASK / ROW FILTER (checked by Spark without masks and row filter): "
        '[UNSUPPORTED_DATATYPE] Unsupported data type "STRNG".',
    }


def test_expectation_only_and_mixed_column_lists(forms: dict[int, str]) -> None:
    # A column list of expectations alone, or mixed with columns, leaves Spark a well-formed list.
    assert [line for line in forms if 86 <= line <= 97] == []
    assert forms[99] == "CREATE STREAMING TABLE: expected DROP ROW or FAIL UPDATE after ON VIOLATION, found 'SKIP'"


def test_no_other_findings_in_forms(forms: dict[int, str]) -> None:
    assert sorted(forms) == [*range(25, 39), *range(53, 59), *range(74, 81), 99]
