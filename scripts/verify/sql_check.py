"""SQL oracle: every statement of every ``sql`` block is parsed; blocks marked ``run`` execute.

Per statement, in this order:

1. ``DESCRIBE HISTORY|DETAIL t`` goes straight to the Databricks path (Spark would read it as
   "describe column t of table HISTORY", a false pass).
2. Spark's own parser (``parsePlan``) of the local session; a statement it accepts passes.
3. If Spark rejects it and its leading keywords are a Databricks-only form (OPTIMIZE, VACUUM,
   COPY INTO, GRANT/REVOKE, CREATE CATALOG, ...), a small grammar for that form decides. Parts that
   are ordinary Spark SQL (an OPTIMIZE's WHERE predicate, a streaming table's query, a table with
   ``CLUSTER BY AUTO``) are handed back to Spark's parser. sqlglot (``read="databricks"``) decides
   only for the Databricks forms without a local grammar, and an opaque ``exp.Command`` from it is
   never accepted: sqlglot accepts some broken SQL and rejects some valid Databricks forms, so it
   is the last resort, not the first.
4. Otherwise Spark's message is the finding, at the Markdown line Spark points to.

A block marked ``run`` then executes statement by statement on local Spark (``session=NAME``
blocks of a page share temp views and tables, in order). Databricks-only statements and Delta
tables cannot execute locally; a ``run`` block holding one is reported as such.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scripts.docmodel import Block
from scripts.verify.base import Context, OracleResult, code_line, key
from scripts.verify.spark_local import get_spark, mark_dirty, parse_sql, reset_state

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

NAME = "sql"
LANGUAGES = frozenset({"sql"})
MAGIC_RE = re.compile(r"^\s*%sql\s*$")

# --------------------------------------------------------------------------------------------
# Tokens and statements
# --------------------------------------------------------------------------------------------

TOKEN_RE = re.compile(
    r"""
     (?P<ws>\s+)
    |(?P<line_comment>--[^\n]*)
    |(?P<block_comment>/\*)
    |(?P<dollar>\$\$)
    |(?P<string>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")
    |(?P<ident>`(?:[^`]|``)*`)
    |(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[A-Za-z]*)
    |(?P<param>:[A-Za-z_]\w*|\?)
    |(?P<word>[A-Za-z_][\w$]*)
    |(?P<op>::|<=>|<>|!=|>=|<=|=>|==|\|\||->|[(),.;=<>+\-*/%&|^~!:\[\]{}@$])
    """,
    re.X | re.S,
)


@dataclass(frozen=True)
class Token:
    kind: str  # word, ident, string, number, param, op
    text: str  # as written
    start: int  # offset in the block's code
    end: int  # offset just after the token
    line: int  # 0-based line in the block's code

    @property
    def upper(self) -> str:
        """The keyword this token spells, or '' for anything but a bare word."""
        return self.text.upper() if self.kind == "word" else ""

    @property
    def value(self) -> str:
        """An identifier's or string's content without its quotes."""
        if self.kind == "ident":
            return self.text[1:-1].replace("``", "`")
        if self.kind == "string":
            return self.text[1:-1]
        return self.text


class SqlSyntaxError(Exception):
    """A statement is malformed; ``line`` is 0-based in the block's code."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def tokenize(code: str) -> list[Token]:
    """Tokens of Spark/Databricks SQL: quotes, backquotes, ``$$`` bodies and nested comments aware."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(code):
        line = code.count("\n", 0, pos)
        m = TOKEN_RE.match(code, pos)
        if not m:
            what = {"'": "string", '"': "string", "`": "quoted identifier"}.get(code[pos], "character")
            if what == "character":
                raise SqlSyntaxError(f"unexpected character {code[pos]!r}", line)
            raise SqlSyntaxError(f"unterminated {what} starting with {code[pos]}", line)
        kind = m.lastgroup or ""
        end = m.end()
        if kind == "block_comment":
            end = _skip_block_comment(code, pos, line)
        elif kind == "dollar":
            close = code.find("$$", pos + 2)
            if close < 0:
                raise SqlSyntaxError("unterminated $$ body", line)
            end = close + 2
            kind = "string"
        if kind not in ("ws", "line_comment", "block_comment"):
            tokens.append(Token(kind, code[pos:end], pos, end, line))
        pos = end
    return tokens


def _skip_block_comment(code: str, pos: int, line: int) -> int:
    depth, i = 0, pos
    while i < len(code):
        if code.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif code.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    raise SqlSyntaxError("unterminated /* comment", line)


@dataclass(frozen=True)
class Statement:
    text: str  # from its first token to its last, comments inside kept
    tokens: tuple[Token, ...]
    line: int  # 0-based line of the first token in the block's code

    @property
    def words(self) -> list[str]:
        """The leading bare words, uppercased (stops at the first non-word token)."""
        out: list[str] = []
        for tok in self.tokens:
            if tok.kind != "word":
                break
            out.append(tok.upper)
        return out

    def has_sequence(self, *words: str) -> Token | None:
        """The first token of ``words`` appearing consecutively anywhere in the statement."""
        uppers = [t.upper for t in self.tokens]
        n = len(words)
        for i in range(len(uppers) - n + 1):
            if tuple(uppers[i : i + n]) == words:
                return self.tokens[i]
        return None


SCRIPT_BLOCK_ENDS = frozenset({"IF", "WHILE", "LOOP", "REPEAT", "FOR"})


def strip_magic(code: str) -> str:
    """Blank a leading ``%sql`` notebook magic line (line numbers are kept)."""
    lines = code.split("\n")
    for i, text in enumerate(lines):
        if not text.strip():
            continue
        if MAGIC_RE.match(text):
            lines[i] = ""
        break
    return "\n".join(lines)


def split_statements(code: str) -> list[Statement]:
    """Statements separated by top-level ``;`` (not inside quotes, comments or BEGIN ... END)."""
    tokens = tokenize(code)
    statements: list[Statement] = []
    current: list[Token] = []
    depth = 0
    for i, tok in enumerate(tokens):
        if tok.kind == "op" and tok.text == ";" and depth == 0:
            if current:
                statements.append(_statement(code, current))
            current = []
            continue
        scripting = (current[0] if current else tok).upper == "BEGIN"
        if scripting:
            if tok.upper in ("BEGIN", "CASE"):
                depth += 1
            elif tok.upper == "END":
                after = tokens[i + 1].upper if i + 1 < len(tokens) else ""
                if after not in SCRIPT_BLOCK_ENDS:
                    depth = max(depth - 1, 0)
        current.append(tok)
    if current:
        statements.append(_statement(code, current))
    return statements


def _statement(code: str, tokens: list[Token]) -> Statement:
    return Statement(code[tokens[0].start : tokens[-1].end], tuple(tokens), tokens[0].line)


# --------------------------------------------------------------------------------------------
# Grammar for the Databricks-only forms
# --------------------------------------------------------------------------------------------

# Words that end a name: a clause keyword where an identifier was expected is an error.
CLAUSE_WORDS = frozenset(
    """SELECT FROM WHERE ON TO BY ZORDER RETAIN DRY LITE FULL AS AND OR NOT WITH USING TABLE LIMIT
    HOURS SET UNSET TAGS APPLY VERSION TIMESTAMP FILEFORMAT COMMENT LOCATION MANAGED OPTIONS IF
    EXISTS INTO GRANT REVOKE ALTER CREATE DROP VACUUM OPTIMIZE""".split()
)

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
FILE_FORMATS = frozenset({"CSV", "JSON", "AVRO", "ORC", "PARQUET", "TEXT", "BINARYFILE", "XML"})


class Cursor:
    """Reads a statement's tokens against a small hand-written grammar."""

    def __init__(self, stmt: Statement, form: str) -> None:
        self.stmt = stmt
        self.toks = stmt.tokens
        self.i = 0
        self.form = form

    def peek(self, ahead: int = 0) -> Token | None:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def word(self, ahead: int = 0) -> str:
        tok = self.peek(ahead)
        return tok.upper if tok else ""

    def at_end(self) -> bool:
        return self.i >= len(self.toks)

    def error(self, expected: str) -> SqlSyntaxError:
        tok = self.peek()
        found = f"found {tok.text!r}" if tok else "the statement ends"
        line = tok.line if tok else self.toks[-1].line
        return SqlSyntaxError(f"{self.form}: expected {expected}, {found}", line)

    def accept(self, *words: str) -> bool:
        """Consume ``words`` if they come next."""
        if all(self.word(k) == w for k, w in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            raise self.error(" ".join(words))

    def at_op(self, op: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "op" and tok.text == op

    def accept_op(self, op: str) -> bool:
        tok = self.peek()
        if tok and tok.kind == "op" and tok.text == op:
            self.i += 1
            return True
        return False

    def expect_op(self, op: str, what: str | None = None) -> None:
        if not self.accept_op(op):
            raise self.error(what or f"'{op}'")

    def identifier(self, what: str) -> str:
        tok = self.peek()
        if tok and (tok.kind == "ident" or (tok.kind == "word" and tok.upper not in CLAUSE_WORDS)):
            self.i += 1
            return tok.value
        raise self.error(what)

    def name(self, what: str = "a table name", parts: int = 3) -> str:
        """A possibly qualified name: ``a``, ``a.b``, ``main.s.t``, ``delta.`/path```."""
        out = [self.identifier(what)]
        while self.accept_op("."):
            out.append(self.identifier(f"a name part after '.' in {'.'.join(out)}"))
        if len(out) > parts:
            raise SqlSyntaxError(f"{self.form}: {'.'.join(out)} has more than {parts} name parts", self.toks[self.i - 1].line)
        return ".".join(out)

    def name_or_path(self, what: str = "a table name or a quoted path") -> None:
        if not self.accept_kind("string"):
            self.name(what)

    def accept_kind(self, kind: str) -> Token | None:
        tok = self.peek()
        if tok and tok.kind == kind:
            self.i += 1
            return tok
        return None

    def expect_kind(self, kind: str, what: str) -> Token:
        tok = self.accept_kind(kind)
        if tok is None:
            raise self.error(what)
        return tok

    def balanced(self) -> tuple[Token, ...]:
        """A parenthesised group (the cursor is on '('); returns the tokens inside."""
        self.expect_op("(")
        start, depth = self.i, 1
        while not self.at_end():
            tok = self.toks[self.i]
            self.i += 1
            if tok.kind == "op" and tok.text == "(":
                depth += 1
            elif tok.kind == "op" and tok.text == ")":
                depth -= 1
                if depth == 0:
                    return self.toks[start : self.i - 1]
        raise SqlSyntaxError(f"{self.form}: unclosed '('", self.toks[start - 1].line)

    def until(self, *stop_words: str) -> tuple[Token, ...]:
        """Tokens up to (not including) a top-level stop word or the end."""
        start, depth = self.i, 0
        while not self.at_end():
            tok = self.toks[self.i]
            if depth == 0 and tok.upper in stop_words:
                break
            if tok.kind == "op" and tok.text == "(":
                depth += 1
            elif tok.kind == "op" and tok.text == ")":
                depth -= 1
            self.i += 1
        return self.toks[start : self.i]

    def end(self) -> None:
        if not self.at_end():
            raise self.error("the end of the statement")


@dataclass
class FormChecker:
    """Checks one Databricks-only statement; Spark parses the parts that are plain Spark SQL."""

    spark: SparkSession
    code: str  # the block's code (token offsets point into it)

    def spark_fragment(self, prefix: str, tokens: Sequence[Token], suffix: str, what: str) -> None:
        """Parse ``prefix + tokens + suffix`` with Spark; errors point at the fragment's lines."""
        if not tokens:
            raise SqlSyntaxError(f"{what}: missing", 0)
        text = self.code[tokens[0].start : tokens[-1].end]
        error = parse_sql(self.spark, prefix + text + suffix)
        if error is not None:
            raise SqlSyntaxError(f"{what}: {error.message}", tokens[0].line + error.line - 1)

    def spark_rewrite(self, stmt: Statement, edits: list[tuple[int, int, str]], what: str) -> None:
        """Parse the statement with token ranges replaced (no newlines added, so lines still map)."""
        self.spark_edited(stmt.tokens, edits, "", "", what)

    def spark_edited(
        self, tokens: Sequence[Token], edits: list[tuple[int, int, str]], prefix: str, suffix: str, what: str
    ) -> None:
        """Parse ``prefix + tokens' text with edits + suffix``; edits keep the line breaks they replace."""
        base, end = tokens[0].start, tokens[-1].end
        text = self.code[base:end]
        for start, stop, replacement in sorted(edits, reverse=True):
            pad = "\n" * text[start - base : stop - base].count("\n")
            text = text[: start - base] + replacement + pad + text[stop - base :]
        error = parse_sql(self.spark, prefix + text + suffix)
        if error is not None:
            raise SqlSyntaxError(f"{what}: {error.message}", tokens[0].line + error.line - 1)


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
            _name_list(c, "a column to z-order by")
            c.expect_op(")", "')' closing the ZORDER BY column list")
        else:
            _name_list(c, "a column to z-order by")
    c.end()


def _name_list(c: Cursor, what: str) -> None:
    c.name(what)
    while c.accept_op(","):
        c.name(what)


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
            _option_list(c, c.balanced())
        elif c.accept("DEFAULT", "COLLATION"):
            c.identifier("a collation name")
        else:
            raise c.error("USING SHARE, MANAGED LOCATION, COMMENT, OPTIONS or DEFAULT COLLATION")


def _option_list(c: Cursor, inside: Sequence[Token]) -> None:
    """key = value [, ...] (keys are names or strings; '=' optional as in Spark)."""
    sub = Cursor(Statement("", tuple(inside), inside[0].line if inside else 0), c.form)
    if sub.at_end():
        return
    while True:
        if not sub.accept_kind("string"):
            sub.name("an option key")
        sub.accept_op("=")
        tok = sub.peek()
        if tok is None or tok.kind not in ("string", "number", "word"):
            raise sub.error("an option value")
        sub.i += 1
        if not sub.accept_op(","):
            break
    sub.end()


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


def _principal(c: Cursor) -> None:
    tok = c.peek()
    if tok and (tok.kind == "ident" or (tok.kind == "word" and tok.upper not in CLAUSE_WORDS)):
        c.i += 1
        return
    raise c.error("a principal (a user, group or service principal, in `backquotes` when it has @ or -)")


def check_grant(c: Cursor, f: FormChecker) -> None:
    """GRANT privilege [, ...] ON securable TO principal | REVOKE ... ON securable FROM principal."""
    revoke = c.accept("REVOKE")
    if not revoke:
        c.expect("GRANT")
    _privileges(c)
    c.expect("ON")
    _securable(c)
    c.expect("FROM" if revoke else "TO")
    _principal(c)
    while c.accept_op(","):
        _principal(c)
    c.end()


def check_show_grants(c: Cursor, f: FormChecker) -> None:
    """SHOW GRANTS [principal] ON securable | SHOW GRANTS TO RECIPIENT r."""
    c.expect("SHOW", "GRANTS")
    if c.accept("TO", "RECIPIENT"):
        c.name("a recipient name", parts=1)
    else:
        if c.word() != "ON":
            _principal(c)
        c.expect("ON")
        _securable(c)
    c.end()


def check_analyze_delta(c: Cursor, f: FormChecker) -> None:
    """ANALYZE TABLE t COMPUTE DELTA STATISTICS."""
    c.expect("ANALYZE", "TABLE")
    c.name()
    c.expect("COMPUTE", "DELTA", "STATISTICS")
    c.end()


def check_tags(c: Cursor, f: FormChecker) -> None:
    """ALTER {CATALOG|SCHEMA|TABLE|VIEW|VOLUME} name [ALTER [COLUMN] col] {SET|UNSET} TAGS (...)."""
    c.expect("ALTER")
    for kind in ("CATALOG", "SCHEMA", "DATABASE", "TABLE", "VIEW", "VOLUME"):
        if c.accept(kind):
            break
    else:
        raise c.error("CATALOG, SCHEMA, TABLE, VIEW or VOLUME")
    c.name("a name")
    if c.accept("ALTER"):
        c.accept("COLUMN")
        c.name("a column name", parts=1)
    if c.accept("SET", "TAGS"):
        inside = c.balanced()
        sub = Cursor(Statement("", tuple(inside), c.stmt.line), c.form)
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
        sub = Cursor(Statement("", tuple(inside), c.stmt.line), c.form)
        while True:
            sub.expect_kind("string", "a quoted tag name")
            if not sub.accept_op(","):
                break
        sub.end()
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
            _option_list(c, c.balanced())
        else:
            raise c.error("VALIDATE, FILES, PATTERN, FORMAT_OPTIONS or COPY_OPTIONS")


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
        columns = _without_expectations(inside)
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


def _without_expectations(inside: Sequence[Token]) -> list[tuple[int, int, str]] | None:
    """Edits removing ``CONSTRAINT c EXPECT (...) [ON VIOLATION ...]`` from a column list;
    None when nothing but expectations is left."""
    toks = list(inside)
    edits: list[tuple[int, int, str]] = []
    kept = 0
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.upper == "CONSTRAINT" and i + 2 < len(toks) and toks[i + 2].upper == "EXPECT":
            j = _skip_group(toks, i + 3)
            if j + 1 < len(toks) and toks[j].upper == "ON" and toks[j + 1].upper == "VIOLATION":
                j = _skip_words(toks, j + 2, ("DROP", "ROW", "FAIL", "UPDATE"))
            start = toks[i - 1].start if i > 0 and toks[i - 1].text == "," else tok.start
            stop = toks[j - 1].end
            if start == tok.start and j < len(toks) and toks[j].text == ",":
                stop = toks[j].end  # a leading expectation takes its trailing comma
                j += 1
            edits.append((start, stop, ""))
            i = j
            continue
        kept += 1
        i += 1
    return edits if kept else None


def _skip_group(toks: Sequence[Token], i: int) -> int:
    """Index after the parenthesised group starting at ``i`` (or ``i`` when there is none)."""
    if i >= len(toks) or toks[i].text != "(":
        return i
    depth = 0
    while i < len(toks):
        if toks[i].text == "(":
            depth += 1
        elif toks[i].text == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def _skip_words(toks: Sequence[Token], i: int, words: tuple[str, ...]) -> int:
    while i < len(toks) and toks[i].upper in words:
        i += 1
    return i


def check_cluster_by_auto(c: Cursor, f: FormChecker) -> None:
    """A Spark statement using CLUSTER BY AUTO: checked by Spark with an explicit column list."""
    stmt = c.stmt
    edits = []
    toks = stmt.tokens
    for i in range(len(toks) - 2):
        if (toks[i].upper, toks[i + 1].upper, toks[i + 2].upper) == ("CLUSTER", "BY", "AUTO"):
            edits.append((toks[i].start, toks[i + 2].end, "CLUSTER BY (`__auto__`)"))
    f.spark_rewrite(stmt, edits, "CLUSTER BY AUTO (checked by Spark with a column list)")


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


def check_schema_managed_location(c: Cursor, f: FormChecker) -> None:
    """CREATE SCHEMA ... MANAGED LOCATION 'path': Spark parses it with a plain LOCATION."""
    found = c.stmt.has_sequence("MANAGED", "LOCATION")
    assert found is not None
    f.spark_rewrite(c.stmt, [(found.start, found.end, "")], "CREATE SCHEMA ... MANAGED LOCATION")


Checker = Callable[[Cursor, FormChecker], None]


def databricks_form(stmt: Statement) -> tuple[str, Checker | None] | None:
    """The Databricks-only form a statement's leading keywords name, with its grammar (None: sqlglot)."""
    w = stmt.words + [""] * 6
    if w[0] in ("DESCRIBE", "DESC") and w[1] in ("HISTORY", "DETAIL") and len(stmt.tokens) > 2:
        return f"DESCRIBE {w[1]}", check_describe_history
    simple: dict[str, tuple[str, Checker]] = {
        "OPTIMIZE": ("OPTIMIZE", check_optimize),
        "VACUUM": ("VACUUM", check_vacuum),
        "RESTORE": ("RESTORE", check_restore),
        "REORG": ("REORG TABLE", check_reorg),
        "GRANT": ("GRANT", check_grant),
        "REVOKE": ("REVOKE", check_grant),
    }
    if w[0] in simple:
        return simple[w[0]]
    if w[:2] == ["COPY", "INTO"]:
        return "COPY INTO", check_copy_into
    if w[:2] == ["SHOW", "GRANTS"]:
        return "SHOW GRANTS", check_show_grants
    if w[0] in ("USE", "SET") and w[1] == "CATALOG":
        return f"{w[0]} CATALOG", check_use_catalog
    if w[0] == "CREATE":
        rest = [x for x in w[1:6] if x not in ("OR", "REPLACE", "REFRESH", "PRIVATE", "TEMPORARY")]
        if rest[0] in ("CATALOG", "FOREIGN") and "CATALOG" in rest[:2]:
            return "CREATE CATALOG", check_create_catalog
        if rest[0] == "VOLUME" or rest[:2] == ["EXTERNAL", "VOLUME"]:
            return "CREATE VOLUME", check_create_volume
        if rest[:2] == ["STREAMING", "TABLE"]:
            return "CREATE STREAMING TABLE", check_pipeline_dataset
        if rest[:2] == ["MATERIALIZED", "VIEW"]:
            return "CREATE MATERIALIZED VIEW", check_pipeline_dataset
        if rest and rest[0] in ("SCHEMA", "DATABASE") and stmt.has_sequence("MANAGED", "LOCATION"):
            return "CREATE SCHEMA ... MANAGED LOCATION", check_schema_managed_location
        if "FUNCTION" in rest[:2] and stmt.has_sequence("LANGUAGE", "PYTHON"):
            return "CREATE FUNCTION ... LANGUAGE PYTHON", check_python_function
        for words in (("SHARE",), ("RECIPIENT",), ("PROVIDER",), ("CONNECTION",), ("EXTERNAL", "LOCATION"),
                      ("STORAGE", "CREDENTIAL"), ("SERVICE", "CREDENTIAL"), ("FLOW",)):
            if tuple(rest[: len(words)]) == words:
                return "CREATE " + " ".join(words), None
    if w[0] == "ALTER" and (stmt.has_sequence("SET", "TAGS") or stmt.has_sequence("UNSET", "TAGS")):
        return "ALTER ... SET TAGS", check_tags
    if w[0] == "ANALYZE" and stmt.has_sequence("COMPUTE", "DELTA", "STATISTICS"):
        return "ANALYZE ... COMPUTE DELTA STATISTICS", check_analyze_delta
    if stmt.has_sequence("CLUSTER", "BY", "AUTO"):
        return "CLUSTER BY AUTO", check_cluster_by_auto
    if w[:3] == ["CONVERT", "TO", "DELTA"]:
        return "CONVERT TO DELTA", check_convert_to_delta
    if w[:2] in (["FSCK", "REPAIR"], ["ALTER", "SHARE"], ["APPLY", "CHANGES"], ["AUTO", "CDC"]) or w[0] == "SYNC":
        return " ".join(x for x in w[:3] if x), None
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


# --------------------------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------------------------


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
    databricks_first = form is not None and form[0].startswith("DESCRIBE")  # Spark's false pass
    if not databricks_first:
        spark_error = parse_sql(spark, stmt.text)
        if spark_error is None:
            return StatementVerdict(stmt)
        if form is None:
            message = f"Spark SQL parser: {spark_error.message}"
            return StatementVerdict(stmt, error=SqlSyntaxError(message, stmt.line + spark_error.line - 1))
    assert form is not None
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
    from pyspark.errors import PySparkException
    from py4j.protocol import Py4JJavaError

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
