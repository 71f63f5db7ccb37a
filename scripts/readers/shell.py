"""Shell blocks read the way bash reads them: the one source of shell words for every oracle and counter.

``script(code)`` is the block as bash would be given it, every line where it was: in a console session
the ``$`` prompts become blanks and output lines become empty. ``read(code)`` scans that script into
simple commands, each word with its quotes removed and the 0-based block line it starts on, and lists
what could not be read (an unterminated quote or command substitution). ``command_word`` finds the word
that names the program.

The rules, each of them bash's own:

* Console sessions. A block with a line that starts with the ``$`` prompt (``$ cmd``, or a bare ``$``;
  indentation allowed) is a console session, whatever its fence says. A prompt starts a command, and the
  command goes on over the next lines while bash would still be reading it: after a line ending in ``\\``,
  inside an open quote, ``$(``, backtick or ``(``, after a trailing ``|``, ``||`` or ``&&``, and through its
  here-document bodies. A prompt always starts a new command. Every other line is output. A block without
  a prompt is all commands. ``%`` is not a prompt (bash's is ``$``), and ``#`` starts a comment.
* Line continuation: a backslash that is the last character of a line joins the next line, except in
  single quotes or a comment (there it is an ordinary character); a backslash before a blank escapes the
  blank, so ``\\`` followed by trailing spaces does not continue the line.
* Comments: ``#`` starts a comment only where a word could start, so ``a#b`` and ``https://x/#/y`` are words.
* Here-documents (``<<EOF``, ``<<-EOF``, ``<<'EOF'``): the body, up to the delimiter line, is data and is
  never read as commands; ``<<<`` is a here-string, one word.
* Words: split at blanks and newlines, commands at ``|``, ``||``, ``&&``, ``;``, ``&`` and parentheses;
  quotes removed as the shell removes them; redirections (``> out``, ``2>&1``) are not words; ``$(...)``,
  backticks and ``<(...)`` are scanned for their own commands and leave the marker ``$(...)`` in the word;
  ``<cluster-id>`` and ``$JOB_ID`` stay single words, so a documentation placeholder is one argument.

(``shlex`` splits words but cannot see command substitutions, here-documents, operators without blanks
or the line a word sits on; ``bashlex`` would be a new dependency that rejects some valid shell.)
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

PROMPT_RE = re.compile(r"^[ \t]*\$(?: |$)")
# <cluster-id>, <your workspace URL>: a documentation placeholder, not a redirection
PLACEHOLDER_RE = re.compile(r"<[A-Za-z_][\w.:/@-]*(?: [\w.:/@-]+)*>")
PLAIN_RUN_RE = re.compile(r"[^\s\\'\"`$<>|&;()]+")
ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# words that may stand before the command word without being it
PREFIX_WORDS = frozenset({"sudo", "env", "time", "command", "exec", "nohup", "then", "do", "else", "elif",
                          "if", "while", "until", "!", "{", "}"})
REDIRECT_OPS = ("<<<", "&>>", ">>", ">&", "<&", ">|", "<>", "&>", "<", ">")
# operators after which bash reads the next line as part of the same command
CONTINUING_OPS = frozenset({"|", "||", "&&", "|&"})
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


@dataclass
class Reading:
    """A shell block read: its simple commands (in the order they end) and what could not be read."""

    commands: list[SimpleCommand]
    errors: list[ScanError]


def read(code: str) -> Reading:
    """The simple commands of a shell block (console output left out), with the scanner's errors."""
    scanner = ShellScanner(script(code))
    return Reading(scanner.scan(), scanner.errors)


def command_word(words: Sequence[Word]) -> int | None:
    """Index of the word naming the program: the first after ``VAR=value`` and prefixes (``sudo``, ``then``)."""
    for i, word in enumerate(words):
        if ASSIGNMENT_RE.match(word.value) or word.value in PREFIX_WORDS:
            continue
        return i
    return None


def is_console(code: str) -> bool:
    """True for a console session: some line starts with the ``$`` prompt."""
    return any(PROMPT_RE.match(line) for line in code.split("\n"))


def script(code: str) -> str:
    """The block as bash reads it, same line count: prompts blanked and output lines emptied in a session."""
    lines = code.split("\n")
    if not any(PROMPT_RE.match(line) for line in lines):
        return code
    out: list[str] = []
    command: list[str] = []  # the lines of the command being read, prompt blanked
    for line in lines:
        prompt = PROMPT_RE.match(line)
        if prompt:
            line = " " * prompt.end() + line[prompt.end() :]
            command = [line]
        elif command and unfinished("\n".join(command)):
            command.append(line)
        else:
            command, line = [], ""
        out.append(line)
    return "\n".join(out)


def unfinished(text: str) -> bool:
    """True when bash, having read ``text`` and a newline, would read another line for the same command."""
    scanner = ShellScanner(text + "\n")
    scanner.scan()
    return scanner.unfinished


class ShellScanner:
    """Split shell text into simple commands (words with lines), descending into substitutions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.commands: list[SimpleCommand] = []
        self.errors: list[ScanError] = []
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._heredocs: list[tuple[str, bool]] = []
        self._open_heredoc = False  # a here-document body runs to the end of the text
        self._continued = False  # the text ends in a backslash-newline
        self._after_operator = False  # the last thing read was | || && |&
        self._open_parens = 0  # subshell parentheses still open at the end

    @property
    def unfinished(self) -> bool:
        """After ``scan``: the text stops in the middle of a command (see ``unfinished()``)."""
        return bool(self.errors) or self._open_heredoc or bool(self._heredocs) or self._continued \
            or self._after_operator or self._open_parens > 0

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
            self._after_operator = False
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
                    self._continued = self.pos == len(text)
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
                self._after_operator = False
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
                op = text[self.pos : self.pos + 2] if nxt in "|&;" and nxt != "" else ch
                self.pos += len(op)
                self._after_operator = op in CONTINUING_OPS
            elif ch == "(":
                finish()
                self._after_operator = False
                depth += 1
                self.pos += 1
            elif ch == ")":
                finish()
                self._after_operator = False
                depth = max(0, depth - 1)
                self.pos += 1
            else:  # a run of ordinary characters
                begin()
                m = PLAIN_RUN_RE.match(text, self.pos)
                stop = m.end() if m else self.pos + 1
                chars.append(text[self.pos : stop])
                self.pos = stop
        finish()
        if end is None:
            self._open_parens = depth
        else:
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
            closed = False
            while self.pos < len(text):
                stop = text.find("\n", self.pos)
                stop = len(text) if stop < 0 else stop
                line = text[self.pos : stop]
                self.pos = stop + 1
                if (line.lstrip("\t") if strip_tabs else line).rstrip("\r") == delim:
                    closed = True
                    break
            self._open_heredoc = self._open_heredoc or not closed
        self._heredocs = []

    def _error(self, offset: int, message: str) -> None:
        self.errors.append(ScanError(self.line_of(offset), message))
