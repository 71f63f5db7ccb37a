"""Grammars for Unity Catalog objects Spark's parser rejects or misreads: catalogs (CREATE, DROP,
ALTER, DESCRIBE, USE), schemas with a managed location or a predictive optimization setting,
volumes (CREATE, DROP, ALTER, DESCRIBE, SHOW VOLUMES), external locations (CREATE, DROP, ALTER)
and LIST of a storage path.
"""

from __future__ import annotations

from scripts.verify.sql_grammar import Cursor, FormChecker, option_list, owner_to
from scripts.verify.sql_statements import SqlSyntaxError


def check_create_catalog(c: Cursor, f: FormChecker) -> None:
    """CREATE [FOREIGN] CATALOG [IF NOT EXISTS] name [USING SHARE p.s | USING CONNECTION c]
    [MANAGED LOCATION 'path'] [COMMENT 'text'] [OPTIONS (...)] [DEFAULT COLLATION name]."""
    c.expect("CREATE")
    c.accept("FOREIGN")
    c.expect("CATALOG")
    c.accept("IF", "NOT", "EXISTS")
    c.name("a catalog name", parts=1)
    while not c.at_end():
        if c.accept("USING", "SHARE"):
            c.name("provider.share", parts=2)
        elif c.accept("USING", "CONNECTION"):
            c.name("a connection name", parts=1)
        elif c.accept("MANAGED", "LOCATION") or c.accept("COMMENT"):
            c.expect_kind("string", "a quoted string")
        elif c.accept("OPTIONS"):
            option_list(c, c.balanced())
        elif c.accept("DEFAULT", "COLLATION"):
            c.identifier("a collation name")
        else:
            raise c.error("USING SHARE, MANAGED LOCATION, COMMENT, OPTIONS or DEFAULT COLLATION")



def check_use_catalog(c: Cursor, f: FormChecker) -> None:
    """USE CATALOG name | SET CATALOG name."""
    if not c.accept("USE"):
        c.expect("SET")
    c.expect("CATALOG")
    if not c.accept_kind("string"):
        c.name("a catalog name", parts=1)
    c.end()


def check_create_volume(c: Cursor, f: FormChecker) -> None:
    """CREATE [EXTERNAL] VOLUME [IF NOT EXISTS] name [LOCATION 'path'] [COMMENT 'text']."""
    c.expect("CREATE")
    external = c.accept("EXTERNAL")
    c.expect("VOLUME")
    c.accept("IF", "NOT", "EXISTS")
    c.name("a volume name")
    located = False
    while not c.at_end():
        if c.accept("LOCATION"):
            c.expect_kind("string", "a quoted location")
            located = True
        elif c.accept("COMMENT"):
            c.expect_kind("string", "a quoted comment")
        else:
            raise c.error("LOCATION or COMMENT")
    if external and not located:
        raise SqlSyntaxError("CREATE EXTERNAL VOLUME: needs LOCATION 'path'", c.stmt.line)



def check_schema_managed_location(c: Cursor, f: FormChecker) -> None:
    """CREATE SCHEMA ... MANAGED LOCATION 'path': Spark parses it with a plain LOCATION."""
    found = c.stmt.has_sequence("MANAGED", "LOCATION")
    if found is None:
        raise RuntimeError("CREATE SCHEMA ... MANAGED LOCATION form chosen for a statement without MANAGED LOCATION")
    f.spark_rewrite(c.stmt, [(found.start, found.end, "")], "CREATE SCHEMA ... MANAGED LOCATION")




def _predictive_optimization(c: Cursor) -> bool:
    """{ENABLE | DISABLE | INHERIT} PREDICTIVE OPTIMIZATION, then the end, if it comes next."""
    if c.word() not in ("ENABLE", "DISABLE", "INHERIT"):
        return False
    c.i += 1
    c.expect("PREDICTIVE", "OPTIMIZATION")
    c.end()
    return True


CATALOG_ACTIONS = ("SET", "OWNER", "ENABLE", "DISABLE", "INHERIT", "DEFAULT", "OPTIONS")


def check_alter_catalog(c: Cursor, f: FormChecker) -> None:
    """ALTER CATALOG [name] {[SET] OWNER TO principal | {ENABLE | DISABLE | INHERIT} PREDICTIVE
    OPTIMIZATION | DEFAULT COLLATION name | OPTIONS (...)} (SET/UNSET TAGS: databricks_governance)."""
    c.expect("ALTER", "CATALOG")
    if c.word() not in CATALOG_ACTIONS:
        c.name("a catalog name", parts=1)
    if _predictive_optimization(c):
        return
    if c.accept("DEFAULT", "COLLATION"):
        c.identifier("a collation name")
        c.end()
    elif c.accept("OPTIONS"):
        if not c.at_op("("):
            raise c.error("'(' after OPTIONS")
        option_list(c, c.balanced())
        c.end()
    elif c.word() in ("SET", "OWNER"):
        owner_to(c)
    else:
        raise c.error(
            "[SET] OWNER TO, SET TAGS, UNSET TAGS, ENABLE|DISABLE|INHERIT PREDICTIVE OPTIMIZATION, "
            "DEFAULT COLLATION or OPTIONS"
        )


def check_alter_schema(c: Cursor, f: FormChecker) -> None:
    """ALTER {SCHEMA | DATABASE} name {ENABLE | DISABLE | INHERIT} PREDICTIVE OPTIMIZATION
    (Spark parses the other ALTER SCHEMA forms; OWNER TO and tags have their own grammars)."""
    c.expect("ALTER")
    if not c.accept("SCHEMA"):
        c.expect("DATABASE")
    c.name("a schema name", parts=2)
    if not _predictive_optimization(c):
        raise c.error("ENABLE, DISABLE or INHERIT PREDICTIVE OPTIMIZATION")


def check_drop(c: Cursor, f: FormChecker) -> None:
    """DROP CATALOG [IF EXISTS] name [CASCADE | RESTRICT] | DROP VOLUME [IF EXISTS] name
    | DROP EXTERNAL LOCATION [IF EXISTS] name [FORCE]."""
    c.expect("DROP")
    if c.accept("CATALOG"):
        c.accept("IF", "EXISTS")
        c.name("a catalog name", parts=1)
        if not c.accept("CASCADE"):
            c.accept("RESTRICT")
    elif c.accept("VOLUME"):
        c.accept("IF", "EXISTS")
        c.name("a volume name")
    else:
        c.expect("EXTERNAL", "LOCATION")
        c.accept("IF", "EXISTS")
        c.name("an external location name", parts=1)
        c.accept("FORCE")
    c.end()


def check_alter_volume(c: Cursor, f: FormChecker) -> None:
    """ALTER VOLUME name {RENAME TO name | [SET] OWNER TO principal} (tags: databricks_governance)."""
    c.expect("ALTER", "VOLUME")
    c.name("a volume name")
    if c.accept("RENAME", "TO"):
        c.name("the volume's new name")
        c.end()
    elif c.word() in ("SET", "OWNER"):
        owner_to(c)
    else:
        raise c.error("RENAME TO, [SET] OWNER TO, SET TAGS or UNSET TAGS")


def check_describe_object(c: Cursor, f: FormChecker) -> None:
    """DESCRIBE CATALOG [EXTENDED] name | DESCRIBE VOLUME name (Spark would read the name as a
    column of a table called CATALOG or VOLUME, a false pass)."""
    if not c.accept("DESCRIBE"):
        c.expect("DESC")
    if c.accept("CATALOG"):
        c.accept("EXTENDED")
        c.name("a catalog name", parts=1)
    else:
        c.expect("VOLUME")
        c.name("a volume name")
    c.end()


def check_show_volumes(c: Cursor, f: FormChecker) -> None:
    """SHOW VOLUMES [{FROM | IN} schema] [[LIKE] 'pattern']."""
    c.expect("SHOW", "VOLUMES")
    if c.accept("FROM") or c.accept("IN"):
        c.name("a schema name", parts=2)
    if c.accept("LIKE"):
        c.expect_kind("string", "a quoted pattern after LIKE")
    else:
        c.accept_kind("string")
    c.end()


def check_list(c: Cursor, f: FormChecker) -> None:
    """LIST 'url' [WITH (CREDENTIAL name)] [LIMIT n]."""
    c.expect("LIST")
    c.expect_kind("string", "a quoted path or URL")
    if c.accept("WITH"):
        c.expect_op("(", "'(' after WITH")
        c.expect("CREDENTIAL")
        c.name("a credential name", parts=1)
        c.expect_op(")", "')' closing WITH (CREDENTIAL ...)")
    if c.accept("LIMIT"):
        c.expect_kind("number", "a number after LIMIT")
    c.end()


def check_create_location(c: Cursor, f: FormChecker) -> None:
    """CREATE EXTERNAL LOCATION [IF NOT EXISTS] name URL 'url' WITH (STORAGE CREDENTIAL cred)
    [COMMENT 'text']."""
    c.expect("CREATE", "EXTERNAL", "LOCATION")
    c.accept("IF", "NOT", "EXISTS")
    c.name("an external location name", parts=1)
    c.expect("URL")
    c.expect_kind("string", "a quoted URL")
    c.expect("WITH")
    c.expect_op("(", "'(' after WITH")
    c.expect("STORAGE", "CREDENTIAL")
    c.name("a storage credential name", parts=1)
    c.expect_op(")", "')' closing WITH (STORAGE CREDENTIAL ...)")
    if c.accept("COMMENT"):
        c.expect_kind("string", "a quoted comment")
    c.end()


def check_alter_location(c: Cursor, f: FormChecker) -> None:
    """ALTER EXTERNAL LOCATION name {RENAME TO name | SET URL 'url' [FORCE]
    | SET STORAGE CREDENTIAL cred | [SET] OWNER TO principal}."""
    c.expect("ALTER", "EXTERNAL", "LOCATION")
    c.name("an external location name", parts=1)
    if c.accept("RENAME", "TO"):
        c.name("the location's new name", parts=1)
    elif c.accept("SET", "URL"):
        c.expect_kind("string", "a quoted URL")
        c.accept("FORCE")
    elif c.accept("SET", "STORAGE", "CREDENTIAL"):
        c.name("a storage credential name", parts=1)
    elif c.word() in ("SET", "OWNER"):
        owner_to(c)
        return
    else:
        raise c.error("RENAME TO, SET URL, SET STORAGE CREDENTIAL or [SET] OWNER TO")
    c.end()
