"""The compute oracle: fixture Markdown in, exact findings out (scripts/verify/compute_check.py, driven by the
table scripts/data/compute-limits.yaml).

python.md and sql.md plant each row's patterns, one finding each at its line; near_misses.md holds their twins
(a variable named `rdd`, `spark.conf.get`, an `availableNow` trigger, session temporary views, the words in
comments and strings), none reported. classic.md marks such blocks classic="...": nothing is reported, and the
same page without the directives reports each of them. A malformed table is an error at its line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.docmodel import parse_page
from scripts.errors import DocError
from scripts.verify import compute_check
from scripts.verify.base import Context
from scripts.verify.compute_check import check, load_limits

FIXTURES = Path(__file__).parent / "fixtures" / "verify" / "compute"
CLASSIC = ', or mark the block classic="..."'
ERROR_PAGE = "https://learn.microsoft.com/azure/databricks/error-messages/unsupported-connect-feature-error-class"
SERVERLESS_PAGE = "https://docs.databricks.com/aws/en/compute/serverless/limitations"
UNCACHE_PAGE = "https://docs.databricks.com/aws/en/sql/language-manual/sql-ref-syntax-aux-cache-uncache-table"

SPARK_CONTEXT = ("is not available on serverless compute or standard access mode (Spark Connect has no SparkContext): "
                 f"{ERROR_PAGE}; use the SparkSession (`spark`) APIs instead, for example `spark.createDataFrame(...)` "
                 f"in place of `sc.parallelize(...)`{CLASSIC}")
RDD = ("is not available on serverless compute or standard access mode (Spark Connect has no RDD API): "
       f"{ERROR_PAGE}; use the DataFrame API instead{CLASSIC}")
TRIGGER = f"is not supported on serverless compute: {SERVERLESS_PAGE}; use `.trigger(availableNow=True)`{CLASSIC}"
NO_TRIGGER = ("a streaming write with no `.trigger(...)` (the default trigger) is not supported on serverless compute: "
              f"{SERVERLESS_PAGE}; add `.trigger(availableNow=True)` before `.start()` or `.toTable()`{CLASSIC}")
GLOBAL_VIEW = (f"is not supported on serverless compute (global temporary views): {SERVERLESS_PAGE}; use a session "
               f"temporary view (`createOrReplaceTempView`, `CREATE TEMPORARY VIEW`) or a table{CLASSIC}")
UNCACHE = (f"is not compatible with serverless compute: {UNCACHE_PAGE}; leave caching to serverless compute, which "
           f"tunes it itself{CLASSIC}")


def findings(page_path: Path) -> list[tuple[int, str]]:
    page = parse_page(page_path)
    result = check(page.blocks, Context(work_dir=Path("/tmp")))
    assert all(f.path == str(page_path) and f.check == "compute" for f in result.findings)
    return [(f.line, f.message) for f in result.findings]


def checked(page_path: Path) -> list[int]:
    page = parse_page(page_path)
    return sorted(line for _, line in check(page.blocks, Context(work_dir=Path("/tmp"))).checked)


# ---------------------------------------------------------------- each row, planted


def test_python_uses_are_reported_at_their_line() -> None:
    assert findings(FIXTURES / "python.md") == [
        (6, f"`spark.sparkContext` {SPARK_CONTEXT}"),
        (12, f"`sc` {SPARK_CONTEXT}"),
        (20, f"`SparkContext` {SPARK_CONTEXT}"),
        (26, f"`pyspark.SparkContext` {SPARK_CONTEXT}"),
        (33, f"`df.rdd` {RDD}"),
        (43, f"`.trigger(processingTime=...)` {TRIGGER}"),
        (50, f"`.trigger(continuous=...)` {TRIGGER}"),
        (51, f"`.trigger(realTime=...)` {TRIGGER}"),
        (61, NO_TRIGGER),  # the .toTable(...) line of a multi-line chain
        (68, NO_TRIGGER),  # writer.start(), the writer built on line 66 without a trigger
        (75, f"`.createGlobalTempView(...)` {GLOBAL_VIEW}"),
        (76, f"`.createOrReplaceGlobalTempView(...)` {GLOBAL_VIEW}"),
        (81, f"`CREATE GLOBAL TEMPORARY VIEW` {GLOBAL_VIEW}"),  # spark.sql("...")
        (84, f"`CREATE OR REPLACE GLOBAL TEMP VIEW` {GLOBAL_VIEW}"),  # an f-string, its second line, after a comment
    ]
    assert checked(FIXTURES / "python.md") == [5, 11, 17, 23, 31, 38, 48, 56, 65, 73, 79]


def test_sql_statements_are_matched_at_their_start_in_any_case_after_comments() -> None:
    assert findings(FIXTURES / "sql.md") == [
        (4, f"`CREATE GLOBAL TEMPORARY VIEW` {GLOBAL_VIEW}"),
        (11, f"`CREATE OR REPLACE GLOBAL TEMP VIEW` {GLOBAL_VIEW}"),
        (13, f"`UNCACHE TABLE` {UNCACHE}"),
        (20, f"`UNCACHE TABLE` {UNCACHE}"),  # after a %sql magic
        (28, f"`CREATE GLOBAL TEMP VIEW` {GLOBAL_VIEW}"),  # a python block that is a %sql cell
    ]


def test_every_row_of_the_table_is_planted_in_the_fixtures() -> None:
    messages = [m for page in ("python.md", "sql.md") for _, m in findings(FIXTURES / page)]
    for limit in load_limits():
        tail = limit.message(None).removeprefix(limit.subject or limit.id)
        assert any(m.endswith(tail) for m in messages), limit.id


def test_near_misses_are_not_reported() -> None:
    page = FIXTURES / "near_misses.md"
    assert findings(page) == []
    assert checked(page) == [5, 19, 27, 41, 51, 58]


def test_names_bound_earlier_in_a_session_are_known() -> None:
    assert findings(FIXTURES / "session.md") == [
        (12, NO_TRIGGER),  # the writer of the session's first block has no trigger
        (18, f"`sc` {SPARK_CONTEXT}"),  # outside the session, sc is the notebook's
    ]


# ---------------------------------------------------------------- classic="..."


def test_classic_blocks_are_not_reported_and_would_be_without_the_directive(tmp_path: Path) -> None:
    page = FIXTURES / "classic.md"
    assert findings(page) == []
    assert checked(page) == []
    bare = tmp_path / "classic.md"
    bare.write_text(re.sub(r"<!-- verify: (run )?classic=\"[^\"]*\" -->\n", lambda m: "<!-- verify: run -->\n"
                           if m.group(1) else "\n", page.read_text()))
    assert [(line, message.split(" is not")[0]) for line, message in findings(bare)] == [
        (5, "`spark.sparkContext`"),
        (6, "`sc`"),
        (7, "`.rdd`"),  # the receiver is a call: only the attribute is named
        (13, "`.trigger(processingTime=...)`"),
        (19, "a streaming write with no `.trigger(...)` (the default trigger)"),
        (24, "`.createGlobalTempView(...)`"),
        (29, "`CREATE GLOBAL TEMPORARY VIEW`"),
        (30, "`UNCACHE TABLE`"),
    ]


# ---------------------------------------------------------------- the table


def test_the_table_rows_name_their_computes_and_an_official_source() -> None:
    limits = load_limits()
    assert {limit.id: limit.computes for limit in limits} == {
        "spark-context": ("serverless", "standard"),
        "rdd": ("serverless", "standard"),
        "streaming-trigger": ("serverless",),
        "streaming-default-trigger": ("serverless",),
        "global-temp-view": ("serverless",),
        "uncache-table": ("serverless",),
    }
    for limit in limits:
        assert limit.source_url.startswith(("https://docs.databricks.com/", "https://learn.microsoft.com/"))
        assert limit.source_text.endswith(".")
        assert all(url.startswith("https://") and text for url, text in limit.also)


ROW = """\
- id: rdd
  computes: [serverless, standard]
  match:
    - attribute: rdd
  problem: is not available on serverless compute or standard access mode
  advice: use the DataFrame API instead
  source_url: https://docs.databricks.com/aws/en/compute/serverless/limitations
  source_text: Spark RDD APIs are not supported.
"""


def test_a_valid_row_loads(tmp_path: Path) -> None:
    table = tmp_path / "limits.yaml"
    table.write_text(ROW)
    (limit,) = load_limits(table)
    assert (limit.id, limit.line, limit.match[0].kind, limit.match[0].value) == ("rdd", 1, "attribute", "rdd")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "the compute limits table is empty"),
        ("[]\n", 1, "the compute limits table has no rows"),
        ("id: rdd\n", 1, "the compute limits table must be a list of rows"),
        (ROW.replace("[serverless, standard]", "[serverless, standard"), 3, "not valid YAML: "),
        (ROW + "  sources: []\n", 9, "row 'rdd': unknown field 'sources'"),
        (ROW.replace("  source_text: Spark RDD APIs are not supported.\n", ""), 1, "row 'rdd': missing source_text"),
        (ROW.replace("id: rdd", "id: Spark RDD"), 1, "row 'Spark RDD': id must be lowercase words joined by '-'"),
        (ROW.replace("[serverless, standard]", "[serverless, classic]"), 2,
         "row 'rdd': unknown compute 'classic' (known: serverless, standard)"),
        (ROW.replace("[serverless, standard]", "[serverless]"), 5,
         "row 'rdd': problem names 'standard access mode', which is not in computes"),
        (ROW.replace("https://docs.databricks.com/", "https://example.com/"), 7,
         "row 'rdd': source_url must be an official page"),
        (ROW.replace("- attribute: rdd", "- sql: CREATE (GLOBAL"), 4,
         "row 'rdd': sql is not a valid regular expression: "),
        (ROW.replace("- attribute: rdd", "- attribute: rdd\n      method: rdd"), 4,
         "row 'rdd': a matcher has exactly one of"),
        (ROW.replace("- attribute: rdd", "- attribute: rdd\n      keywords: [x]"), 5,
         "row 'rdd': keywords go with method only"),
        (ROW.replace("- attribute: rdd", "- attribute: df.rdd"), 4, "row 'rdd': attribute must be a Python name"),
        (ROW.replace("- attribute: rdd", "- stream_without_trigger: true"), 4,
         "row 'rdd': stream_without_trigger needs a subject"),
        (ROW + ROW, 9, "duplicate id 'rdd' (first at line 1)"),
    ],
)
def test_a_malformed_table_is_an_error_at_its_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    table = tmp_path / "limits.yaml"
    table.write_text(text)
    with pytest.raises(DocError) as caught:
        load_limits(table)
    assert (caught.value.path, caught.value.line) == (str(table), line)
    assert caught.value.message.startswith(message), caught.value.message


def test_a_malformed_table_is_a_finding_at_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "limits.yaml"
    table.write_text(ROW.replace("[serverless, standard]", "[serverless, classic]"))
    monkeypatch.setattr(compute_check, "LIMITS_PATH", table)
    result = check(parse_page(FIXTURES / "python.md").blocks, Context(work_dir=Path("/tmp")))
    assert [str(f) for f in result.findings] == [
        f"{table}:2: [compute] compute limits cannot be read: row 'rdd': unknown compute 'classic' "
        "(known: serverless, standard)",
    ]
    monkeypatch.setattr(compute_check, "LIMITS_PATH", tmp_path / "missing.yaml")
    result = check(parse_page(FIXTURES / "python.md").blocks, Context(work_dir=Path("/tmp")))
    assert [str(f) for f in result.findings] == [
        f"{tmp_path / 'missing.yaml'}:1: [compute] compute limits cannot be read: compute limits table not found",
    ]


def test_code_that_does_not_parse_is_left_to_the_other_oracles(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    page.write_text("# Broken\n\n```python\nspark.sparkContext.parallelize(\n```\n\n"
                    "```sql\nUNCACHE TABLE 'numbers\n```\n")
    assert findings(page) == []
    assert checked(page) == []


def test_the_runner_reports_under_the_oracle_name(run_cli) -> None:
    page = FIXTURES / "sql.md"
    code, out, _ = run_cli("scripts.verify", "--static", "--quiet", "--only", "compute", str(page))
    assert code == 1
    assert f"{page}:13: [compute] `UNCACHE TABLE` is not compatible with serverless compute: {UNCACHE_PAGE}" in out
