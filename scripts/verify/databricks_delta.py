"""Grammars for the Delta Lake statements Spark's parser rejects: table maintenance, history,
clones and file loading (OPTIMIZE, VACUUM, RESTORE, REORG, DESCRIBE HISTORY/DETAIL, CONVERT TO
DELTA, ANALYZE ... COMPUTE DELTA STATISTICS, CREATE TABLE ... CLONE, COPY INTO, CACHE SELECT,
CLUSTER BY AUTO). Each reads one statement with a Cursor; predicates, expressions and queries
inside them are parsed by Spark through the FormChecker.
"""

from __future__ import annotations

from scripts.verify.sql_grammar import Cursor, FormChecker, name_list, option_list
from scripts.verify.sql_statements import SqlSyntaxError

FILE_FORMATS = frozenset({"CSV", "JSON", "AVRO", "ORC", "PARQUET", "TEXT", "BINARYFILE", "XML"})


def check_optimize(c: Cursor, f: FormChecker) -> None:
    """OPTIMIZE t [FULL] [WHERE predicate] [ZORDER BY (col [, ...])]."""
    c.expect("OPTIMIZE")
    c.name_or_path()
    c.accept("FULL")
    if c.accept("WHERE"):
        predicate = c.until("ZORDER")
        f.spark_fragment("SELECT * FROM __optimized WHERE ", predicate, "", "OPTIMIZE WHERE predicate")
    if c.accept("ZORDER"):
        c.expect("BY")
        if c.at_op("("):
            c.expect_op("(")
            name_list(c, "a column to z-order by")
            c.expect_op(")", "')' closing the ZORDER BY column list")
        else:
            name_list(c, "a column to z-order by")
    c.end()



def check_vacuum(c: Cursor, f: FormChecker) -> None:
    """VACUUM t [RETAIN n HOURS] [DRY RUN] [LITE | FULL], clauses in any order, each once."""
    c.expect("VACUUM")
    c.name_or_path()
    seen: set[str] = set()
    while not c.at_end():
        word = c.word()
        if word in seen:
            raise c.error("each VACUUM option at most once")
        if c.accept("RETAIN"):
            c.expect_kind("number", "a number of hours after RETAIN")
            c.expect("HOURS")
        elif c.accept("DRY"):
            c.expect("RUN")
        elif word in ("LITE", "FULL"):
            if seen & {"LITE", "FULL"}:
                raise c.error("only one of LITE or FULL")
            c.i += 1
        else:
            raise c.error("RETAIN n HOURS, DRY RUN, LITE or FULL")
        seen.add(word)


def check_describe_history(c: Cursor, f: FormChecker) -> None:
    """DESCRIBE HISTORY t [LIMIT n] | DESCRIBE DETAIL t."""
    if not c.accept("DESCRIBE"):
        c.expect("DESC")
    if c.accept("HISTORY"):
        c.name_or_path()
        if c.accept("LIMIT"):
            c.expect_kind("number", "a row count after LIMIT")
    else:
        c.expect("DETAIL")
        c.name_or_path()
    c.end()


def check_restore(c: Cursor, f: FormChecker) -> None:
    """RESTORE [TABLE] t [TO] VERSION AS OF n | TIMESTAMP AS OF expr."""
    c.expect("RESTORE")
    c.accept("TABLE")
    c.name_or_path()
    c.accept("TO")
    if c.accept("VERSION", "AS", "OF"):
        c.expect_kind("number", "a version number")
    elif c.accept("TIMESTAMP", "AS", "OF"):
        f.spark_fragment("SELECT ", c.until(), "", "RESTORE timestamp")
    else:
        raise c.error("VERSION AS OF n or TIMESTAMP AS OF expression")
    c.end()


def check_reorg(c: Cursor, f: FormChecker) -> None:
    """REORG TABLE t [WHERE predicate] APPLY (PURGE) | APPLY (UPGRADE UNIFORM (ICEBERG_COMPAT_VERSION = n))."""
    c.expect("REORG", "TABLE")
    c.name_or_path()
    if c.accept("WHERE"):
        f.spark_fragment("SELECT * FROM __reorg WHERE ", c.until("APPLY"), "", "REORG WHERE predicate")
    c.expect("APPLY")
    c.expect_op("(", "'(' after APPLY")
    if not c.accept("PURGE"):
        c.expect("UPGRADE", "UNIFORM")
        c.expect_op("(")
        c.identifier("a UNIFORM option such as ICEBERG_COMPAT_VERSION")
        c.expect_op("=")
        c.expect_kind("number", "a number")
        c.expect_op(")")
    c.expect_op(")", "')' closing APPLY")
    c.end()



def check_analyze_delta(c: Cursor, f: FormChecker) -> None:
    """ANALYZE TABLE t COMPUTE DELTA STATISTICS."""
    c.expect("ANALYZE", "TABLE")
    c.name()
    c.expect("COMPUTE", "DELTA", "STATISTICS")
    c.end()



def check_copy_into(c: Cursor, f: FormChecker) -> None:
    """COPY INTO t [(cols)] FROM {'path' | (SELECT ...)} [WITH (...)] FILEFORMAT = fmt [options]."""
    c.expect("COPY", "INTO")
    c.name_or_path()
    if c.at_op("("):
        c.balanced()
    c.expect("FROM")
    if not c.accept_kind("string"):
        inside = c.balanced()
        if not inside or inside[0].upper != "SELECT":
            raise SqlSyntaxError("COPY INTO: FROM takes a quoted path or (SELECT ... FROM 'path')", c.stmt.line)
    if c.accept("WITH"):
        c.balanced()
    c.expect("FILEFORMAT")
    c.expect_op("=")
    fmt = c.peek()
    if not fmt or fmt.upper not in FILE_FORMATS:
        raise c.error(f"a file format ({', '.join(sorted(FILE_FORMATS))})")
    c.i += 1
    while not c.at_end():
        if c.accept("VALIDATE"):
            if not c.accept("ALL") and c.accept_kind("number"):
                c.expect("ROWS")
        elif c.accept("FILES") or c.accept("PATTERN"):
            c.expect_op("=")
            if not c.accept_kind("string"):
                c.balanced()
        elif c.accept("FORMAT_OPTIONS") or c.accept("COPY_OPTIONS"):
            option_list(c, c.balanced())
        else:
            raise c.error("VALIDATE, FILES, PATTERN, FORMAT_OPTIONS or COPY_OPTIONS")



def check_cluster_by_auto(c: Cursor, f: FormChecker) -> None:
    """A Spark statement using CLUSTER BY AUTO: checked by Spark with an explicit column list."""
    stmt = c.stmt
    edits = []
    toks = stmt.tokens
    for i in range(len(toks) - 2):
        if (toks[i].upper, toks[i + 1].upper, toks[i + 2].upper) == ("CLUSTER", "BY", "AUTO"):
            edits.append((toks[i].start, toks[i + 2].end, "CLUSTER BY (`__auto__`)"))
    f.spark_rewrite(stmt, edits, "CLUSTER BY AUTO (checked by Spark with a column list)")



def check_convert_to_delta(c: Cursor, f: FormChecker) -> None:
    """CONVERT TO DELTA name [NO STATISTICS] [PARTITIONED BY (col type, ...)]."""
    c.expect("CONVERT", "TO", "DELTA")
    c.name("parquet.`/path` or a table name")
    c.accept("NO", "STATISTICS")
    if c.accept("PARTITIONED", "BY"):
        inside = c.balanced()
        if not inside:
            raise c.error("partition columns")
        f.spark_fragment("CREATE TABLE __partitions (", inside, ")", "CONVERT TO DELTA partition columns")
    c.end()




def check_clone(c: Cursor, f: FormChecker) -> None:
    """CREATE TABLE [IF NOT EXISTS] t [SHALLOW | DEEP] CLONE src [temporal spec]
    [TBLPROPERTIES (...)] [LOCATION 'path'] | [CREATE OR] REPLACE TABLE t ... CLONE src ..."""
    if c.accept("CREATE"):
        replace = c.accept("OR", "REPLACE")
    else:
        c.expect("REPLACE")
        replace = True
    c.expect("TABLE")
    if not replace:
        c.accept("IF", "NOT", "EXISTS")
    c.name("the name of the clone")
    if not c.accept("SHALLOW"):
        c.accept("DEEP")
    c.expect("CLONE")
    c.name_or_path("the table to clone")
    if c.accept("VERSION", "AS", "OF"):
        c.expect_kind("number", "a version number")
    elif c.accept("TIMESTAMP", "AS", "OF"):
        if c.at_end() or c.word() in ("TBLPROPERTIES", "LOCATION"):
            raise c.error("a timestamp after TIMESTAMP AS OF")
        f.spark_fragment("SELECT ", c.until("TBLPROPERTIES", "LOCATION"), "", f"{c.form} timestamp")
    if c.accept("TBLPROPERTIES"):
        if not c.at_op("("):
            raise c.error("'(' after TBLPROPERTIES")
        option_list(c, c.balanced())
    if c.accept("LOCATION"):
        c.expect_kind("string", "a quoted location")
    if not c.at_end():
        raise c.error("VERSION AS OF, TIMESTAMP AS OF, TBLPROPERTIES or LOCATION (in that order)")


def check_cache_select(c: Cursor, f: FormChecker) -> None:
    """CACHE SELECT col [, ...] FROM t [WHERE predicate] (the disk cache, Databricks Runtime)."""
    c.expect("CACHE", "SELECT")
    name_list(c, "a column to cache", parts=1)
    c.expect("FROM")
    c.name_or_path()
    if c.accept("WHERE"):
        f.spark_fragment("SELECT * FROM __cached WHERE ", c.until(), "", "CACHE SELECT WHERE predicate")
    c.end()
