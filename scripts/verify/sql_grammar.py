"""The machinery the Databricks-form grammars are written in: a token Cursor and a FormChecker.

A grammar is a function ``(Cursor, FormChecker) -> None`` that reads one statement's tokens and
raises ``SqlSyntaxError`` (message and 0-based line) at the first thing out of place. The Cursor
reads keywords, names, literals and parenthesised groups; the FormChecker hands the parts that are
plain Spark SQL (a predicate, a query, a column list) to Spark's own parser. The small pieces that
several grammars share (name lists, option lists, principals, tag lists) live here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scripts.verify.spark_local import parse_sql
from scripts.verify.sql_statements import SqlSyntaxError, Statement, Token

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Words that end a name: a clause keyword where an identifier was expected is an error.
CLAUSE_WORDS = frozenset(
    """SELECT FROM WHERE ON TO BY ZORDER RETAIN DRY LITE FULL AS AND OR NOT WITH USING TABLE LIMIT
    HOURS SET UNSET TAGS APPLY VERSION TIMESTAMP FILEFORMAT COMMENT LOCATION MANAGED OPTIONS IF
    EXISTS INTO GRANT REVOKE ALTER CREATE DROP VACUUM OPTIMIZE""".split()
)


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
        """Consume ``words``; the error names the first one missing (and what came before it)."""
        for k, word in enumerate(words):
            if self.word() != word:
                after = f" after {' '.join(words[:k])}" if k else ""
                raise self.error(" ".join(words[k:]) + after)
            self.i += 1

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
            raise SqlSyntaxError(
                f"{self.form}: {'.'.join(out)} has more than {parts} name parts", self.toks[self.i - 1].line
            )
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


Checker = Callable[[Cursor, FormChecker], None]


def sub_cursor(c: Cursor, inside: Sequence[Token]) -> Cursor:
    """A cursor over a parenthesised group's tokens, reporting as ``c``'s form."""
    line = inside[0].line if inside else (c.toks[c.i - 1].line if c.i else c.stmt.line)
    return Cursor(Statement("", tuple(inside), line), c.form)


def name_list(c: Cursor, what: str, parts: int = 3) -> None:
    """name [, name ...]."""
    c.name(what, parts)
    while c.accept_op(","):
        c.name(what, parts)


def option_list(c: Cursor, inside: Sequence[Token]) -> None:
    """key = value [, ...] (keys are names or strings; '=' optional as in Spark)."""
    sub = sub_cursor(c, inside)
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


def principal(c: Cursor) -> None:
    """A user, group or service principal: a bare word or a `backquoted` name."""
    tok = c.peek()
    if tok and (tok.kind == "ident" or (tok.kind == "word" and tok.upper not in CLAUSE_WORDS)):
        c.i += 1
        return
    raise c.error("a principal (a user, group or service principal, in `backquotes` when it has @ or -)")


def owner_to(c: Cursor) -> None:
    """[SET] OWNER TO principal, then the end of the statement."""
    c.accept("SET")
    c.expect("OWNER", "TO")
    principal(c)
    c.end()


def argument_list(c: Cursor, what: str) -> None:
    """A parenthesised list of column names or constant literals, possibly empty."""
    if not c.at_op("("):
        raise c.error(f"'(' opening {what}")
    sub = sub_cursor(c, c.balanced())
    if sub.at_end():
        return
    while True:
        if not (sub.accept_kind("string") or sub.accept_kind("number") or sub.accept("NULL")
                or sub.accept("TRUE") or sub.accept("FALSE")):
            sub.name(f"a column name or a constant in {what}", parts=1)
        if not sub.accept_op(","):
            break
    sub.end()


def skip_group(toks: Sequence[Token], i: int) -> int:
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


def skip_words(toks: Sequence[Token], i: int, words: tuple[str, ...]) -> int:
    while i < len(toks) and toks[i].upper in words:
        i += 1
    return i
