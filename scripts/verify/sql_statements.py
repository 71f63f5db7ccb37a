"""SQL text into tokens and statements: the lexical layer every SQL check reads.

``tokenize`` knows quotes, backquoted identifiers, ``$$`` bodies and nested ``/* */`` comments;
``split_statements`` cuts a block at top-level ``;`` (not inside strings, comments or a scripting
``BEGIN ... END``). Lines are 0-based in the block's code, so findings map back to Markdown lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAGIC_RE = re.compile(r"^\s*%sql\s*$")

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

