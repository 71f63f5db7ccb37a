"""Grammars for pipeline datasets and other statements built on Spark's CREATE: streaming tables,
materialized views, their REFRESH, and Python UDFs.

Most of such a statement is ordinary Spark SQL: the header is read here, the pipeline-only parts
(expectations, SCHEDULE, LANGUAGE PYTHON and its body) are taken out, and Spark parses the rest as
the equivalent CREATE TABLE or CREATE FUNCTION. A Python body is compiled by Python.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from scripts.verify.sql_grammar import Cursor, FormChecker, skip_group
from scripts.verify.sql_statements import SqlSyntaxError, Statement, Token


def check_pipeline_dataset(c: Cursor, f: FormChecker) -> None:
    """CREATE [OR REFRESH] STREAMING TABLE / CREATE [OR REPLACE|OR REFRESH] MATERIALIZED VIEW.

    The header is read here; the rest (columns, clauses, the AS query) is parsed by Spark as the
    equivalent CREATE TABLE, after removing the pipeline-only clauses (expectations, SCHEDULE).
    """
    stmt = c.stmt
    edits: list[tuple[int, int, str]] = []
    c.expect("CREATE")
    head_start = stmt.tokens[0].start
    replacement = "CREATE TABLE"
    if c.accept("OR", "REFRESH"):
        pass
    elif c.accept("OR", "REPLACE"):
        replacement = "CREATE OR REPLACE TABLE"
    if not c.accept("PRIVATE"):
        c.accept("TEMPORARY")
    if not c.accept("STREAMING", "TABLE"):
        c.expect("MATERIALIZED", "VIEW")
    edits.append((head_start, stmt.tokens[c.i - 1].end, replacement))
    c.accept("IF", "NOT", "EXISTS")
    c.name("a dataset name")
    toks = stmt.tokens
    if c.at_op("("):
        # Pipelines allow a column list next to AS query (Spark's CTAS does not): check it alone.
        open_tok = toks[c.i]
        inside = c.balanced()
        columns = _without_expectations(c, inside)
        if columns is not None:
            f.spark_edited(inside, columns, "CREATE TABLE __columns (", ")", f"{c.form} column list")
        edits.append((open_tok.start, toks[c.i - 1].end, ""))
    i = c.i
    while i < len(toks):
        tok = toks[i]
        if tok.upper == "SCHEDULE":
            j = i + 1
            while j < len(toks) and toks[j].upper != "AS":
                j += 1
            edits.append((tok.start, toks[j - 1].end, ""))
            i = j
            continue
        if tok.upper == "AS":
            break
        i += 1
    f.spark_rewrite(stmt, edits, f"{c.form} (checked by Spark as CREATE TABLE)")



def _without_expectations(c: Cursor, inside: Sequence[Token]) -> list[tuple[int, int, str]] | None:
    """Edits removing each ``CONSTRAINT c EXPECT (...) [ON VIOLATION ...]`` from a column list, and
    the commas around them, so one comma is left between the elements kept; None when nothing but
    expectations is left."""
    elements: list[list[Token]] = [[]]
    commas: list[Token] = []
    depth = 0
    for tok in inside:
        if tok.kind == "op" and tok.text == "," and depth == 0:
            elements.append([])
            commas.append(tok)
            continue
        if tok.kind == "op" and tok.text == "(":
            depth += 1
        elif tok.kind == "op" and tok.text == ")":
            depth -= 1
        elements[-1].append(tok)
    kept = [not _is_expectation(c, element) for element in elements]
    if not any(kept):
        return None
    edits = [(e[0].start, e[-1].end, "") for e, keep in zip(elements, kept, strict=True) if not keep]
    for k, comma in enumerate(commas):
        if not (kept[k + 1] and any(kept[: k + 1])):
            edits.append((comma.start, comma.end, ""))
    return edits


def _is_expectation(c: Cursor, element: Sequence[Token]) -> bool:
    """Whether a column-list element is an expectation; a malformed one is an error."""
    if len(element) < 3 or element[0].upper != "CONSTRAINT" or element[2].upper != "EXPECT":
        return False
    j = skip_group(element, 3)
    if j == 3:
        raise SqlSyntaxError(f"{c.form}: expected '(' and a condition after EXPECT", element[2].line)
    if j < len(element):
        sub = Cursor(Statement("", tuple(element[j:]), element[j].line), c.form)
        sub.expect("ON", "VIOLATION")
        if sub.word() == "DROP":
            sub.expect("DROP", "ROW")
        elif sub.word() == "FAIL":
            sub.expect("FAIL", "UPDATE")
        else:
            raise sub.error("DROP ROW or FAIL UPDATE after ON VIOLATION")
        sub.end()
    return True


def check_refresh_dataset(c: Cursor, f: FormChecker) -> None:
    """REFRESH {MATERIALIZED VIEW | [STREAMING] TABLE} name [FULL] [WHERE predicate] [SYNC | ASYNC]."""
    c.expect("REFRESH")
    if not c.accept("MATERIALIZED", "VIEW"):
        c.accept("STREAMING")
        c.expect("TABLE")
    c.name("a materialized view or streaming table name")
    c.accept("FULL")
    if c.accept("WHERE"):
        if c.at_end() or c.word() in ("SYNC", "ASYNC"):
            raise c.error("a predicate after WHERE")
        f.spark_fragment("SELECT * FROM __refreshed WHERE ", c.until("SYNC", "ASYNC"), "", f"{c.form} WHERE predicate")
    if not c.accept("SYNC"):
        c.accept("ASYNC")
    if not c.at_end():
        raise c.error("FULL, WHERE, SYNC or ASYNC (in that order)")


def check_python_function(c: Cursor, f: FormChecker) -> None:
    """CREATE FUNCTION ... LANGUAGE PYTHON AS $$ body $$: Spark parses the signature (with
    ``RETURN NULL`` for the body) and Python compiles the body."""
    stmt = c.stmt
    toks = stmt.tokens
    edits: list[tuple[int, int, str]] = []
    body: Token | None = None
    for i, tok in enumerate(toks[:-1]):
        if (tok.upper, toks[i + 1].upper) == ("LANGUAGE", "PYTHON"):
            edits.append((tok.start, toks[i + 1].end, ""))
        elif tok.upper == "AS" and toks[i + 1].kind == "string":
            body = toks[i + 1]
            edits.append((tok.start, body.end, "RETURN NULL"))
    if body is None:
        raise SqlSyntaxError("CREATE FUNCTION ... LANGUAGE PYTHON: expected AS $$ body $$", stmt.line)
    f.spark_rewrite(stmt, edits, "CREATE FUNCTION (signature checked by Spark)")
    source = body.text[2:-2] if body.text.startswith("$$") else body.value
    wrapped = "def __udf__():\n" + textwrap.indent(textwrap.dedent(source), "    ")
    try:
        compile(wrapped, "<udf>", "exec")
    except SyntaxError as exc:
        line = body.line + max((exc.lineno or 2) - 2, 0)
        raise SqlSyntaxError(f"Python function body: {exc.msg}", line) from None


