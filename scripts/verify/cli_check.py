"""The CLI oracle: every ``databricks`` command in a shell block must exist in the Databricks CLI v1.x.

Shell blocks (bash, sh, console, zsh, shell) are read by a small quote-aware shell scanner, not by
regular expressions over the command. (``shlex`` splits words but cannot see command substitutions,
heredocs or the line a word sits on; bashlex would be a new dependency that rejects some valid shell.)
The scanner splits a block into simple commands at newlines, ``|``, ``||``, ``&&``, ``;``, ``&`` and
parentheses; joins ``\\`` line continuations; drops ``# comments``, redirections (``> out``,
``2>&1``) and heredoc bodies (``<<EOF`` ... ``EOF``); descends into ``$(...)``, backticks and
``<(...)``; removes quotes the way the shell does; and keeps the Markdown line of every word. ``<cluster-id>`` and ``$JOB_ID`` stay
single words, so a placeholder counts as one argument.

In a block written with prompts (any line starting with ``$ ``), only prompt lines, their
continuation lines and their heredoc bodies are commands; other lines are output.

A command is a ``databricks`` invocation when its command word (after ``VAR=value`` prefixes and
``sudo``/``env``/``time``/``then``/``do``...) is ``databricks`` or a path ending in ``/databricks``;
``databricks-connect``, ``databricks.yml`` or ``pip install databricks-sdk`` are not. The words
after it are checked by ``scripts.verify.cli_tree.check_argv`` (unknown group, subcommand or flag,
legacy-CLI syntax, missing flag value, argument count, deprecated flags and commands). A finding sits
at the Markdown line of the offending word, or of the ``databricks`` word for whole-command problems.

A block counts as checked when it holds at least one ``databricks`` invocation.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from scripts.docmodel import Block
from scripts.verify.base import Context, OracleResult, code_line, key
from scripts.verify.cli_tree import check_argv, command_path, load_tree

NAME = "cli"
LANGUAGES = frozenset({"shell"})

ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# <cluster-id>, <your workspace URL>: a documentation placeholder, not a redirection
PLACEHOLDER_RE = re.compile(r"<[A-Za-z_][\w.:/@-]*(?: [\w.:/@-]+)*>")
PLAIN_RUN_RE = re.compile(r"[^\s\\'\"`$<>|&;()]+")
PROMPT_RE = re.compile(r"^\s*\$(?: |$)")
HEREDOC_START_RE = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][\w-]*)\1")
# words that may stand before the command word without being it
PREFIX_WORDS = frozenset({"sudo", "env", "time", "command", "exec", "nohup", "then", "do", "else", "elif",
                          "if", "while", "until", "!", "{", "}"})
REDIRECT_OPS = ("<<<", "&>>", ">>", ">&", "<&", ">|", "<>", "&>", "<", ">")
SUBSTITUTION = "$(...)"


@dataclass(frozen=True)
class Word:
    value: str  # after quote removal
    line: int  # 0-based line in the block's code


@dataclass
class SimpleCommand:
    words: list[Word] = field(default_factory=list)


@dataclass(frozen=True)
class ScanError:
    line: int
    message: str


class ShellScanner:
    """Split shell text into simple commands (words with lines), descending into substitutions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.commands: list[SimpleCommand] = []
        self.errors: list[ScanError] = []
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._heredocs: list[tuple[str, bool]] = []

    def line_of(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset)

    def scan(self) -> list[SimpleCommand]:
        self._list(None)
        return self.commands

    # -- one command list, up to `end` (")" or "`") or the end of the text
    def _list(self, end: str | None) -> None:
        text = self.text
        words: list[Word] = []
        chars: list[str] = []
        start = -1  # offset where the current word began; -1 = no word
        redirect_target = False
        depth = 0
        opened_at = self.pos - 1

        def flush() -> None:
            nonlocal chars, start, redirect_target
            if start >= 0:
                if redirect_target:
                    redirect_target = False
                else:
                    words.append(Word("".join(chars), self.line_of(start)))
            chars, start = [], -1

        def finish() -> None:
            nonlocal words
            flush()
            if words:
                self.commands.append(SimpleCommand(words))
            words = []

        def begin() -> None:
            nonlocal start
            if start < 0:
                start = self.pos

        while self.pos < len(text):
            ch = text[self.pos]
            nxt = text[self.pos + 1] if self.pos + 1 < len(text) else ""
            if end == "`" and ch == "`":
                self.pos += 1
                finish()
                return
            if ch == ")" and depth == 0 and end == ")":
                self.pos += 1
                finish()
                return
            if ch == "\\":
                if nxt == "\n":  # line continuation
                    self.pos += 2
                    continue
                begin()
                chars.append(nxt)
                self.pos += 2
            elif ch in " \t\r":
                flush()
                self.pos += 1
            elif ch == "\n":
                finish()
                self.pos += 1
                self._skip_heredoc_bodies()
            elif ch == "#" and start < 0:
                stop = text.find("\n", self.pos)
                self.pos = len(text) if stop < 0 else stop
            elif ch == "'":
                begin()
                stop = text.find("'", self.pos + 1)
                if stop < 0:
                    self._error(self.pos, "unterminated ' quote")
                    stop = len(text)
                chars.append(text[self.pos + 1 : stop])
                self.pos = stop + 1
            elif ch == '"':
                begin()
                chars.append(self._double_quoted())
            elif ch == "`":
                begin()
                self.pos += 1
                self._list("`")
                chars.append(SUBSTITUTION)
            elif ch == "$":
                begin()
                chars.append(self._dollar())
            elif ch == "<" and (m := PLACEHOLDER_RE.match(text, self.pos)):
                begin()
                chars.append(m.group(0))
                self.pos = m.end()
            elif ch in "<>" and nxt == "(":  # process substitution
                begin()
                self.pos += 2
                self._list(")")
                chars.append(SUBSTITUTION)
            elif ch in "<>" or (ch == "&" and nxt == ">"):
                if start >= 0 and "".join(chars).isdigit():  # 2>&1: the 2 is a descriptor
                    chars, start = [], -1
                flush()
                if text.startswith("<<", self.pos) and not text.startswith("<<<", self.pos):
                    self._heredoc_operator()
                    continue
                op = next(o for o in REDIRECT_OPS if text.startswith(o, self.pos))
                self.pos += len(op)
                if op in (">&", "<&"):  # >&2: the descriptor is part of the operator
                    while self.pos < len(text) and (text[self.pos].isdigit() or text[self.pos] == "-"):
                        self.pos += 1
                    continue
                redirect_target = True
            elif ch in "|&;":
                finish()
                self.pos += 2 if nxt in "|&;" and nxt != "" else 1
            elif ch == "(":
                finish()
                depth += 1
                self.pos += 1
            elif ch == ")":
                finish()
                depth = max(0, depth - 1)
                self.pos += 1
            else:  # a run of ordinary characters
                begin()
                m = PLAIN_RUN_RE.match(text, self.pos)
                stop = m.end() if m else self.pos + 1
                chars.append(text[self.pos : stop])
                self.pos = stop
        finish()
        if end is not None:
            opener = "`" if end == "`" else "$("
            self._error(max(opened_at, 0), f"unterminated {opener} command substitution")

    def _double_quoted(self) -> str:
        text = self.text
        opened = self.pos
        self.pos += 1
        out: list[str] = []
        while self.pos < len(text):
            ch = text[self.pos]
            nxt = text[self.pos + 1] if self.pos + 1 < len(text) else ""
            if ch == '"':
                self.pos += 1
                return "".join(out)
            if ch == "\\" and nxt in '"\\$`\n':
                if nxt != "\n":
                    out.append(nxt)
                self.pos += 2
            elif ch == "$":
                out.append(self._dollar())
            elif ch == "`":
                self.pos += 1
                self._list("`")
                out.append(SUBSTITUTION)
            else:
                out.append(ch)
                self.pos += 1
        self._error(opened, 'unterminated " quote')
        return "".join(out)

    def _dollar(self) -> str:
        """Read what starts at ``$``: a substitution is scanned for commands; the word keeps a marker."""
        text = self.text
        if text.startswith("$((", self.pos):  # arithmetic: no commands inside
            depth, i = 0, self.pos + 1
            while i < len(text):
                if text[i] == "(":
                    depth += 1
                elif text[i] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            raw = text[self.pos : i + 1]
            self.pos = i + 1
            return raw
        if text.startswith("$(", self.pos):
            self.pos += 2
            self._list(")")
            return SUBSTITUTION
        if text.startswith("${", self.pos):
            stop = text.find("}", self.pos)
            stop = len(text) - 1 if stop < 0 else stop
            raw = text[self.pos : stop + 1]
            self.pos = stop + 1
            return raw
        self.pos += 1
        return "$"

    def _heredoc_operator(self) -> None:
        """Read ``<<DELIM`` / ``<<-'DELIM'``; the body is skipped at the next newline."""
        text = self.text
        self.pos += 2
        strip_tabs = text.startswith("-", self.pos)
        if strip_tabs:
            self.pos += 1
        while self.pos < len(text) and text[self.pos] in " \t":
            self.pos += 1
        delim: list[str] = []
        while self.pos < len(text) and text[self.pos] not in " \t\n;|&<>()":
            ch = text[self.pos]
            if ch not in "'\"\\":
                delim.append(ch)
            self.pos += 1
        if delim:
            self._heredocs.append(("".join(delim), strip_tabs))

    def _skip_heredoc_bodies(self) -> None:
        text = self.text
        for delim, strip_tabs in self._heredocs:
            while self.pos < len(text):
                stop = text.find("\n", self.pos)
                stop = len(text) if stop < 0 else stop
                line = text[self.pos : stop]
                self.pos = stop + 1
                if (line.lstrip("\t") if strip_tabs else line).rstrip("\r") == delim:
                    break
        self._heredocs = []

    def _error(self, offset: int, message: str) -> None:
        self.errors.append(ScanError(self.line_of(offset), message))


def commands_only(code: str) -> str:
    """For a block written with ``$ `` prompts, blank every output line (line numbers are kept)."""
    lines = code.split("\n")
    if not any(PROMPT_RE.match(line) for line in lines):
        return code
    out: list[str] = []
    continues = False
    heredoc: str | None = None
    for line in lines:
        if heredoc is not None:
            out.append(line)
            if line.strip() == heredoc:
                heredoc = None
            continue
        if PROMPT_RE.match(line):
            line = line.replace("$", " ", 1)
        elif not continues:
            out.append("")
            continue
        out.append(line)
        continues = line.rstrip().endswith("\\")
        m = HEREDOC_START_RE.search(line)
        if m:
            heredoc = m.group(2)
    return "\n".join(out)


@dataclass(frozen=True)
class Invocation:
    """One ``databricks`` command: the words after ``databricks`` and the line of ``databricks``."""

    args: list[Word]
    line: int


def _command_word_index(words: Sequence[Word]) -> int | None:
    for i, word in enumerate(words):
        if ASSIGNMENT_RE.match(word.value) or word.value in PREFIX_WORDS:
            continue
        return i
    return None


def _is_databricks(value: str) -> bool:
    return value == "databricks" or value.endswith("/databricks")


def invocations(code: str) -> tuple[list[Invocation], list[ScanError]]:
    """Every ``databricks`` invocation in shell code, with the scanner's errors."""
    scanner = ShellScanner(commands_only(code))
    found: list[Invocation] = []
    for command in scanner.scan():
        i = _command_word_index(command.words)
        if i is not None and _is_databricks(command.words[i].value):
            found.append(Invocation(command.words[i + 1 :], command.words[i].line))
    found.sort(key=lambda inv: inv.line)
    return found, scanner.errors


def _applies(block: Block) -> bool:
    return block.language in LANGUAGES and not block.is_skipped and not block.is_output


def commands_in(block: Block) -> list[str]:
    """Each distinct CLI command path a shell block uses ("clusters create", "bundle deploy"), in order.

    Only invocations whose path resolves in the tree are listed; output blocks give none, skipped
    blocks are listed (their commands are still shown to readers).
    """
    if block.language not in LANGUAGES or block.is_output:
        return []
    paths: list[str] = []
    for inv in invocations(block.code)[0]:
        path = command_path([w.value for w in inv.args])
        if path and path not in paths:
            paths.append(path)
    return paths


def check(blocks: Sequence[Block], ctx: Context) -> OracleResult:
    """Check every ``databricks`` command in the shell blocks against the CLI v1.x command tree."""
    result = OracleResult(NAME)
    tree = load_tree()
    for block in blocks:
        if not _applies(block):
            continue
        found, errors = invocations(block.code)
        if errors and "databricks" in block.code:
            result.checked.add(key(block))
            for err in errors:
                result.fail(block, f"cannot read the shell commands: {err.message}", code_line(block, err.line))
            continue  # what follows the error is not reliable
        if not found:
            continue
        result.checked.add(key(block))
        for inv in found:
            _, problems = check_argv([w.value for w in inv.args], tree)
            for problem in problems:
                line = inv.line if problem.word is None else inv.args[problem.word].line
                result.fail(block, problem.message, code_line(block, line))
    return result
