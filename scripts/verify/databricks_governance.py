"""Grammars for Unity Catalog access control: GRANT / REVOKE, SHOW GRANTS, ownership
(``ALTER ... [SET] OWNER TO``), tags (``SET TAGS`` / ``UNSET TAGS``), row filters and column masks
(``ALTER TABLE ... SET ROW FILTER``, ``ALTER COLUMN ... SET MASK``, and the same clauses inside a
CREATE TABLE, which Spark then parses without them).
"""

from __future__ import annotations

from scripts.verify.sql_grammar import Cursor, FormChecker, argument_list, owner_to, principal, sub_cursor
from scripts.verify.sql_statements import SqlSyntaxError, Statement, Token

PRIVILEGES = frozenset(
    " ".join(p.split())
    for p in """ALL PRIVILEGES|ALL|SELECT|MODIFY|CREATE|USAGE|EXECUTE|REFRESH|BROWSE|MANAGE|READ_METADATA|
    CREATE_NAMED_FUNCTION|MODIFY_CLASSPATH|READ FILES|WRITE FILES|READ VOLUME|WRITE VOLUME|APPLY TAG|
    USE CATALOG|USE SCHEMA|USE CONNECTION|USE SHARE|USE RECIPIENT|USE PROVIDER|USE MARKETPLACE ASSETS|
    CREATE TABLE|CREATE SCHEMA|CREATE FUNCTION|CREATE VOLUME|CREATE MODEL|CREATE MATERIALIZED VIEW|
    CREATE CATALOG|CREATE EXTERNAL LOCATION|CREATE EXTERNAL TABLE|CREATE EXTERNAL VOLUME|
    CREATE MANAGED STORAGE|CREATE FOREIGN CATALOG|CREATE FOREIGN SECURABLE|CREATE CONNECTION|
    CREATE STORAGE CREDENTIAL|CREATE SERVICE CREDENTIAL|CREATE SHARE|CREATE RECIPIENT|CREATE PROVIDER|
    CREATE CLEAN ROOM|MANAGE ALLOWLIST|SET SHARE PERMISSION|EXTERNAL USE SCHEMA|EXTERNAL USE LOCATION|
    ACCESS|CREATE MODEL VERSION""".replace("\n", "").split("|")
)

# Securable kinds after ON; True when the kind takes a name.
SECURABLES: dict[tuple[str, ...], bool] = {
    ("CATALOG",): True,
    ("SCHEMA",): True,
    ("DATABASE",): True,
    ("TABLE",): True,
    ("VIEW",): True,
    ("MATERIALIZED", "VIEW"): True,
    ("VOLUME",): True,
    ("FUNCTION",): True,
    ("MODEL",): True,
    ("EXTERNAL", "LOCATION"): True,
    ("STORAGE", "CREDENTIAL"): True,
    ("SERVICE", "CREDENTIAL"): True,
    ("CREDENTIAL",): True,
    ("CONNECTION",): True,
    ("SHARE",): True,
    ("RECIPIENT",): True,
    ("PROVIDER",): True,
    ("CLEAN", "ROOM"): True,
    ("METASTORE",): False,
    ("ANY", "FILE"): False,
}


def _privileges(c: Cursor) -> None:
    while True:
        start = c.peek()
        words: list[str] = []
        while c.word() not in ("ON", ""):
            words.append(c.word())
            c.i += 1
        privilege = " ".join(words)
        if not words:
            raise c.error("a privilege such as SELECT, MODIFY or USE CATALOG")
        if privilege not in PRIVILEGES:
            line = start.line if start else c.stmt.line
            raise SqlSyntaxError(f"{c.form}: unknown privilege {privilege!r}", line)
        if not c.accept_op(","):
            return


def _securable(c: Cursor) -> None:
    for words, named in sorted(SECURABLES.items(), key=lambda kv: -len(kv[0])):
        if c.accept(*words):
            if named:
                c.name(f"a {' '.join(words).lower()} name")
            return
    c.name("a securable such as TABLE main.sales.orders")  # TABLE is optional



def check_grant(c: Cursor, f: FormChecker) -> None:
    """GRANT privilege [, ...] ON securable TO principal | REVOKE ... ON securable FROM principal."""
    revoke = c.accept("REVOKE")
    if not revoke:
        c.expect("GRANT")
    _privileges(c)
    c.expect("ON")
    _securable(c)
    c.expect("FROM" if revoke else "TO")
    principal(c)
    while c.accept_op(","):
        principal(c)
    c.end()


def check_show_grants(c: Cursor, f: FormChecker) -> None:
    """SHOW GRANTS [principal] ON securable | SHOW GRANTS TO RECIPIENT r."""
    c.expect("SHOW", "GRANTS")
    if c.accept("TO", "RECIPIENT"):
        c.name("a recipient name", parts=1)
    else:
        if c.word() != "ON":
            principal(c)
        c.expect("ON")
        _securable(c)
    c.end()



def check_tags(c: Cursor, f: FormChecker) -> None:
    """ALTER {CATALOG|SCHEMA|TABLE|VIEW|VOLUME|FUNCTION} name [ALTER [COLUMN] col] {SET|UNSET} TAGS (...)."""
    c.expect("ALTER")
    for kind in ("CATALOG", "SCHEMA", "DATABASE", "TABLE", "VIEW", "VOLUME", "FUNCTION"):
        if c.accept(kind):
            break
    else:
        raise c.error("CATALOG, SCHEMA, TABLE, VIEW, VOLUME or FUNCTION")
    c.name("a name")
    if c.accept("ALTER"):
        c.accept("COLUMN")
        c.name("a column name", parts=1)
    if c.accept("SET", "TAGS"):
        inside = c.balanced()
        sub = sub_cursor(c, inside)
        while True:
            sub.expect_kind("string", "a quoted tag name")
            if sub.accept_op("="):
                sub.expect_kind("string", "a quoted tag value")
            if not sub.accept_op(","):
                break
        sub.end()
    else:
        c.expect("UNSET", "TAGS")
        inside = c.balanced()
        sub = sub_cursor(c, inside)
        while True:
            sub.expect_kind("string", "a quoted tag name")
            if not sub.accept_op(","):
                break
        sub.end()
    c.end()




# Objects whose owner ALTER ... [SET] OWNER TO changes (ALTER CATALOG, VOLUME and EXTERNAL LOCATION
# have grammars of their own in databricks_catalog).
OWNED: tuple[tuple[str, ...], ...] = (
    ("MATERIALIZED", "VIEW"),
    ("STREAMING", "TABLE"),
    ("STORAGE", "CREDENTIAL"),
    ("SCHEMA",),
    ("DATABASE",),
    ("TABLE",),
    ("VIEW",),
    ("FUNCTION",),
    ("CONNECTION",),
    ("MODEL",),
)


def check_owner(c: Cursor, f: FormChecker) -> None:
    """ALTER {SCHEMA | TABLE | VIEW | MATERIALIZED VIEW | FUNCTION | ...} name [SET] OWNER TO principal."""
    c.expect("ALTER")
    for words in OWNED:
        if c.accept(*words):
            break
    else:
        raise c.error("SCHEMA, TABLE, VIEW, MATERIALIZED VIEW, FUNCTION, CONNECTION or STORAGE CREDENTIAL")
    c.name(f"a {' '.join(words).lower()} name")
    owner_to(c)


def check_row_filter_mask(c: Cursor, f: FormChecker) -> None:
    """ALTER TABLE t {SET ROW FILTER f ON (cols) | DROP ROW FILTER
    | ALTER [COLUMN] c {SET MASK f [USING COLUMNS (cols)] | DROP MASK}}."""
    c.expect("ALTER", "TABLE")
    c.name()
    if c.accept("SET", "ROW", "FILTER"):
        c.name("a row filter function name")
        c.expect("ON")
        argument_list(c, "the row filter's columns")
    elif not c.accept("DROP", "ROW", "FILTER"):
        if not c.accept("ALTER"):
            raise c.error("SET ROW FILTER, DROP ROW FILTER or ALTER COLUMN")
        c.accept("COLUMN")
        c.name("a column name", parts=1)
        if c.accept("SET", "MASK"):
            _mask_rest(c)
        else:
            c.expect("DROP", "MASK")
    c.end()


def _mask_rest(c: Cursor) -> None:
    """f [USING COLUMNS (cols)], after MASK."""
    c.name("a mask function name")
    if c.accept("USING"):
        c.expect("COLUMNS")
        argument_list(c, "USING COLUMNS")


def mask_at(toks: tuple[Token, ...], i: int) -> bool:
    """Whether ``toks[i]`` opens a column's MASK clause (after a type, before a function name)."""
    if toks[i].upper != "MASK" or i == 0 or i + 1 >= len(toks):
        return False
    before, after = toks[i - 1], toks[i + 1]
    return before.text not in ("(", ",", ".") and after.kind in ("word", "ident")


def has_masks_or_row_filter(stmt: Statement) -> bool:
    toks = stmt.tokens
    return stmt.has_sequence("WITH", "ROW", "FILTER") is not None or any(mask_at(toks, i) for i in range(len(toks)))


def check_create_with_masks(c: Cursor, f: FormChecker) -> None:
    """CREATE TABLE ... (c type MASK f [USING COLUMNS (...)], ...) [WITH ROW FILTER f ON (...)] ...:
    the clauses are read here, Spark parses the statement without them."""
    toks = c.stmt.tokens
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(toks):
        sub = Cursor(Statement("", toks[i:], toks[i].line), c.form)
        if mask_at(toks, i):
            sub.expect("MASK")
            _mask_rest(sub)
        elif sub.accept("WITH", "ROW", "FILTER"):
            sub.name("a row filter function name")
            sub.expect("ON")
            argument_list(sub, "the row filter's columns")
        else:
            i += 1
            continue
        edits.append((toks[i].start, toks[i + sub.i - 1].end, ""))
        i += sub.i
    f.spark_rewrite(c.stmt, edits, f"{c.form} (checked by Spark without masks and row filter)")
