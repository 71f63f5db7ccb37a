"""Which Databricks-only form a statement is, and the grammar that decides it.

``databricks_form(stmt)`` reads a statement's leading keywords and returns the form's name with
its grammar (from databricks_delta, databricks_pipelines, databricks_catalog or
databricks_governance), or with None when no local grammar exists and sqlglot is the last resort
(``check_with_sqlglot``, which never accepts an opaque ``exp.Command``). The SQL oracle asks only
after Spark's parser rejected the statement, except for the forms in ``SPARK_FALSE_PASSES``, which
Spark would accept with another meaning.
"""

from __future__ import annotations

from scripts.verify import databricks_catalog as uc
from scripts.verify import databricks_delta as delta
from scripts.verify import databricks_governance as gov
from scripts.verify import databricks_pipelines as pipelines
from scripts.verify.sql_grammar import Checker
from scripts.verify.sql_statements import SqlSyntaxError, Statement

# DESCRIBE HISTORY t parses in Spark as "describe column t of table HISTORY": these forms go to
# their grammar first.
SPARK_FALSE_PASSES = frozenset({"DESCRIBE HISTORY", "DESCRIBE DETAIL", "DESCRIBE CATALOG", "DESCRIBE VOLUME"})

SIMPLE: dict[str, tuple[str, Checker]] = {
    "OPTIMIZE": ("OPTIMIZE", delta.check_optimize),
    "VACUUM": ("VACUUM", delta.check_vacuum),
    "RESTORE": ("RESTORE", delta.check_restore),
    "REORG": ("REORG TABLE", delta.check_reorg),
    "GRANT": ("GRANT", gov.check_grant),
    "REVOKE": ("REVOKE", gov.check_grant),
    "LIST": ("LIST", uc.check_list),
}

# CREATE forms no local grammar reads: sqlglot decides.
SQLGLOT_CREATES = (("SHARE",), ("RECIPIENT",), ("PROVIDER",), ("CONNECTION",), ("STORAGE", "CREDENTIAL"),
                   ("SERVICE", "CREDENTIAL"), ("FLOW",))


def databricks_form(stmt: Statement) -> tuple[str, Checker | None] | None:
    """The Databricks-only form a statement's leading keywords name, with its grammar (None: sqlglot)."""
    w = stmt.words + [""] * 6
    toks = stmt.tokens
    if w[0] in ("DESCRIBE", "DESC") and len(toks) > 2 and toks[2].kind != "op":
        if w[1] in ("HISTORY", "DETAIL"):
            return f"DESCRIBE {w[1]}", delta.check_describe_history
        if w[1] in ("CATALOG", "VOLUME"):
            return f"DESCRIBE {w[1]}", uc.check_describe_object
    if w[0] in SIMPLE:
        return SIMPLE[w[0]]
    if w[:2] == ["COPY", "INTO"]:
        return "COPY INTO", delta.check_copy_into
    if w[:2] == ["CACHE", "SELECT"]:
        return "CACHE SELECT", delta.check_cache_select
    if w[:2] == ["SHOW", "GRANTS"]:
        return "SHOW GRANTS", gov.check_show_grants
    if w[:2] == ["SHOW", "VOLUMES"]:
        return "SHOW VOLUMES", uc.check_show_volumes
    if w[0] in ("USE", "SET") and w[1] == "CATALOG":
        return f"{w[0]} CATALOG", uc.check_use_catalog
    if w[0] == "REFRESH" and (w[1:3] in (["MATERIALIZED", "VIEW"], ["STREAMING", "TABLE"]) or w[1] == "TABLE"):
        return "REFRESH " + ("TABLE" if w[1] == "TABLE" else f"{w[1]} {w[2]}"), pipelines.check_refresh_dataset
    if w[0] == "DROP" and (w[1] in ("CATALOG", "VOLUME") or w[1:3] == ["EXTERNAL", "LOCATION"]):
        return "DROP " + (w[1] if w[1] != "EXTERNAL" else "EXTERNAL LOCATION"), uc.check_drop
    if w[0] in ("CREATE", "REPLACE"):
        form = _create_form(stmt, w)
        if form is not None:
            return form
    if w[0] == "ALTER":
        form = _alter_form(stmt, w)
        if form is not None:
            return form
    if w[0] == "ANALYZE" and stmt.has_sequence("COMPUTE", "DELTA", "STATISTICS"):
        return "ANALYZE ... COMPUTE DELTA STATISTICS", delta.check_analyze_delta
    if stmt.has_sequence("CLUSTER", "BY", "AUTO"):
        return "CLUSTER BY AUTO", delta.check_cluster_by_auto
    if w[:3] == ["CONVERT", "TO", "DELTA"]:
        return "CONVERT TO DELTA", delta.check_convert_to_delta
    if w[:2] in (["FSCK", "REPAIR"], ["ALTER", "SHARE"], ["APPLY", "CHANGES"], ["AUTO", "CDC"]) or w[0] == "SYNC":
        return " ".join(x for x in w[:3] if x), None
    return None


def _create_form(stmt: Statement, w: list[str]) -> tuple[str, Checker | None] | None:
    if w[0] == "REPLACE":
        if w[1] == "TABLE" and any(t.upper == "CLONE" for t in stmt.tokens):
            return "REPLACE TABLE ... CLONE", delta.check_clone
        return None
    rest = [x for x in w[1:6] if x not in ("OR", "REPLACE", "REFRESH", "PRIVATE", "TEMPORARY")]
    if rest[0] in ("CATALOG", "FOREIGN") and "CATALOG" in rest[:2]:
        return "CREATE CATALOG", uc.check_create_catalog
    if rest[0] == "VOLUME" or rest[:2] == ["EXTERNAL", "VOLUME"]:
        return "CREATE VOLUME", uc.check_create_volume
    if rest[:2] == ["EXTERNAL", "LOCATION"]:
        return "CREATE EXTERNAL LOCATION", uc.check_create_location
    if rest[:2] == ["STREAMING", "TABLE"]:
        return "CREATE STREAMING TABLE", pipelines.check_pipeline_dataset
    if rest[:2] == ["MATERIALIZED", "VIEW"]:
        return "CREATE MATERIALIZED VIEW", pipelines.check_pipeline_dataset
    if rest[0] == "TABLE" and any(t.upper == "CLONE" for t in stmt.tokens):
        return "CREATE TABLE ... CLONE", delta.check_clone
    if rest[0] == "TABLE" and gov.has_masks_or_row_filter(stmt):
        return "CREATE TABLE ... MASK / ROW FILTER", gov.check_create_with_masks
    if rest and rest[0] in ("SCHEMA", "DATABASE") and stmt.has_sequence("MANAGED", "LOCATION"):
        return "CREATE SCHEMA ... MANAGED LOCATION", uc.check_schema_managed_location
    if "FUNCTION" in rest[:2] and stmt.has_sequence("LANGUAGE", "PYTHON"):
        return "CREATE FUNCTION ... LANGUAGE PYTHON", pipelines.check_python_function
    for words in SQLGLOT_CREATES:
        if tuple(rest[: len(words)]) == words:
            return "CREATE " + " ".join(words), None
    return None


def _alter_form(stmt: Statement, w: list[str]) -> tuple[str, Checker | None] | None:
    if stmt.has_sequence("SET", "TAGS") or stmt.has_sequence("UNSET", "TAGS"):
        return "ALTER ... SET TAGS", gov.check_tags
    if w[1] == "CATALOG":
        return "ALTER CATALOG", uc.check_alter_catalog
    if w[1] == "VOLUME":
        return "ALTER VOLUME", uc.check_alter_volume
    if w[1:3] == ["EXTERNAL", "LOCATION"]:
        return "ALTER EXTERNAL LOCATION", uc.check_alter_location
    if w[1] in ("SCHEMA", "DATABASE") and stmt.has_sequence("PREDICTIVE", "OPTIMIZATION"):
        return f"ALTER {w[1]} ... PREDICTIVE OPTIMIZATION", uc.check_alter_schema
    if stmt.has_sequence("OWNER", "TO"):
        return "ALTER ... OWNER TO", gov.check_owner
    if w[1] == "TABLE" and (stmt.has_sequence("ROW", "FILTER") or stmt.has_sequence("SET", "MASK")
                            or stmt.has_sequence("DROP", "MASK")):
        return "ALTER TABLE ... ROW FILTER / MASK", gov.check_row_filter_mask
    return None


def check_with_sqlglot(stmt: Statement, form: str) -> SqlSyntaxError | None:
    """The fallback for Databricks forms without a local grammar: sqlglot must build a real tree."""
    import logging

    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError

    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    try:
        tree = sqlglot.parse_one(stmt.text, read="databricks")
    except ParseError as exc:
        detail = exc.errors[0] if exc.errors else {}
        line = int(detail.get("line", 1) or 1) - 1
        return SqlSyntaxError(f"{form}: {detail.get('description', str(exc).splitlines()[0])}", stmt.line + line)
    if isinstance(tree, exp.Command):
        return SqlSyntaxError(
            f"{form} cannot be checked locally (neither Spark nor sqlglot understands it); "
            'mark the block <!-- verify: skip reason="..." -->',
            stmt.line,
        )
    return None

