"""SQL oracle: every statement of every ``sql`` block is parsed; blocks marked ``run`` execute.

Statements come from sql_statements (split at top-level ``;``). Per statement, in this order:

1. ``DESCRIBE HISTORY|DETAIL|CATALOG|VOLUME x`` goes straight to the Databricks path (Spark would
   read it as "describe column x of table HISTORY", a false pass).
2. Spark's own parser (``parsePlan``) of the local session; a statement it accepts passes.
3. If Spark rejects it and its leading keywords are a Databricks-only form (OPTIMIZE, VACUUM,
   COPY INTO, GRANT/REVOKE, CREATE CATALOG, ...), a small grammar for that form decides (routing in
   databricks_sql, grammars in databricks_delta, databricks_pipelines, databricks_catalog and
   databricks_governance, their machinery in sql_grammar). Parts that are ordinary Spark SQL (an
   OPTIMIZE's WHERE predicate, a streaming table's query, a table with ``CLUSTER BY AUTO``) are
   handed back to Spark's parser. sqlglot (``read="databricks"``) decides only for the Databricks
   forms without a local grammar, and an opaque ``exp.Command`` from it is never accepted: sqlglot
   accepts some broken SQL and rejects some valid Databricks forms, so it is the last resort.
4. Otherwise Spark's message is the finding, at the Markdown line Spark points to.

A block marked ``run`` then executes statement by statement on local Spark (``session=NAME``
blocks of a page share temp views and tables, in order). Databricks-only statements and Delta
tables cannot execute locally; a ``run`` block holding one is reported as such.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scripts.docmodel import Block
from scripts.verify.base import Context, OracleResult, code_line, key
from scripts.verify.databricks_sql import SPARK_FALSE_PASSES, check_with_sqlglot, databricks_form
from scripts.verify.spark_local import get_spark, mark_dirty, parse_sql, reset_state
from scripts.verify.sql_grammar import Cursor, FormChecker
from scripts.verify.sql_statements import SqlSyntaxError, Statement, split_statements, strip_magic

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

NAME = "sql"
LANGUAGES = frozenset({"sql"})

__all__ = ["NAME", "LANGUAGES", "SqlSyntaxError", "Statement", "check", "check_statement", "databricks_form",
           "split_statements", "verify_block"]


@dataclass
class StatementVerdict:
    statement: Statement
    form: str | None = None  # the Databricks-only form, when it took that path
    error: SqlSyntaxError | None = None


@dataclass
class BlockVerdict:
    block: Block
    code: str
    statements: list[StatementVerdict] = field(default_factory=list)
    error: SqlSyntaxError | None = None  # the block could not be split at all

    @property
    def ok(self) -> bool:
        return self.error is None and all(v.error is None for v in self.statements)


def check_statement(spark: SparkSession, code: str, stmt: Statement) -> StatementVerdict:
    """Spark's parser first; Databricks-only forms by grammar (see the module docstring)."""
    form = databricks_form(stmt)
    databricks_first = form is not None and form[0] in SPARK_FALSE_PASSES
    if not databricks_first:
        spark_error = parse_sql(spark, stmt.text)
        if spark_error is None:
            return StatementVerdict(stmt)
        if form is None:
            message = f"Spark SQL parser: {spark_error.message}"
            return StatementVerdict(stmt, error=SqlSyntaxError(message, stmt.line + spark_error.line - 1))
    if form is None:
        raise RuntimeError("a statement with no Databricks form reached the grammar check")
    name, grammar = form
    if grammar is None:
        return StatementVerdict(stmt, name, check_with_sqlglot(stmt, name))
    try:
        grammar(Cursor(stmt, name), FormChecker(spark, code))
    except SqlSyntaxError as exc:
        return StatementVerdict(stmt, name, exc)
    return StatementVerdict(stmt, name)


def verify_block(spark: SparkSession, block: Block) -> BlockVerdict:
    code = strip_magic(block.code)
    verdict = BlockVerdict(block, code)
    try:
        statements = split_statements(code)
    except SqlSyntaxError as exc:
        verdict.error = exc
        return verdict
    verdict.statements = [check_statement(spark, code, s) for s in statements]
    return verdict


def _report(result: OracleResult, verdict: BlockVerdict) -> None:
    block = verdict.block
    if verdict.error is not None:
        result.fail(block, verdict.error.message, code_line(block, verdict.error.line))
    for v in verdict.statements:
        if v.error is not None:
            result.fail(block, v.error.message, code_line(block, v.error.line))
    if verdict.error is None and not verdict.statements:
        result.fail(block, "sql block holds no SQL statement")


def _cannot_run(verdict: BlockVerdict) -> tuple[int, str] | None:
    """Why a ``run`` block cannot execute on local Spark, and at which code line."""
    for v in verdict.statements:
        if v.form is not None:
            return v.statement.line, (
                f"block is marked run, but {v.form} is Databricks-only and cannot execute on local Spark; "
                "remove `run` (the statement is still parsed) or move it to a block without run"
            )
        using = v.statement.has_sequence("USING", "DELTA")
        if using is not None:
            return using.line, (
                "block is marked run, but USING DELTA cannot execute on local Spark (no Delta Lake jars); "
                "remove `run` (the statement is still parsed)"
            )
    return None


def _execute(spark: SparkSession, result: OracleResult, verdict: BlockVerdict) -> bool:
    """Run a block's statements in order; True when all of them succeeded."""
    block = verdict.block
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    mark_dirty()
    for v in verdict.statements:
        try:
            spark.sql(v.statement.text).collect()
        except (PySparkException, Py4JJavaError) as exc:
            text = str(exc.java_exception.getMessage()) if isinstance(exc, Py4JJavaError) else str(exc)
            message = _first_line(text)
            result.fail(block, f"run failed on local Spark: {message}", code_line(block, v.statement.line))
            return False
    result.executed.add(key(block))
    return True


def _first_line(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "unknown error"
    return re.sub(r"\s*SQLSTATE: \w+[.;]?.*$", "", first)[:400]


def check(blocks: Sequence[Block], ctx: Context) -> OracleResult:
    """Parse every sql block's statements; execute blocks marked ``run`` (see the module docstring)."""
    result = OracleResult(NAME)
    mine = [b for b in blocks if b.language in LANGUAGES and not b.is_skipped and not b.is_output]
    if not mine:
        return result
    spark = get_spark(ctx.work_dir)
    verdicts = []
    for block in mine:
        verdict = verify_block(spark, block)
        result.checked.add(key(block))
        _report(result, verdict)
        verdicts.append(verdict)
    if ctx.execute:
        _run_blocks(spark, result, [v for v in verdicts if v.block.is_run])
    return result


def _run_blocks(spark: SparkSession, result: OracleResult, verdicts: list[BlockVerdict]) -> None:
    """Execute run blocks; session=NAME blocks of one page share state, in block order."""
    groups: dict[tuple[str, str | int], list[BlockVerdict]] = {}
    for v in sorted(verdicts, key=lambda v: (v.block.path, v.block.index)):
        directive = v.block.directive
        session = directive.session if directive else None
        groups.setdefault((v.block.path, session if session else v.block.index), []).append(v)
    for group in groups.values():
        reset_state(spark)
        for v in group:
            if not v.ok:
                break  # already reported; later blocks of the session would fail for that reason
            blocked = _cannot_run(v)
            if blocked is not None:
                result.fail(v.block, blocked[1], code_line(v.block, blocked[0]))
                break
            if not _execute(spark, result, v):
                break
    reset_state(spark)
