"""Python blocks as Python: the one reader of ``pycon`` transcripts and notebook magics for every tool.

``read(code, info)`` gives the source the Python tools see (the type checker, the executor, the REST
call finder) with the block's line count, so a line of the source is the same line of the block and no
line map is needed; and the ``!`` shell lines, for readers of shell.

The rules:

* Transcripts. A block is an interactive session when its fence is ``pycon`` or its first non-blank line
  starts with ``>>>``. Its ``>>> `` and ``... `` lines keep their source without the prompt (a bare
  ``>>>`` or ``...`` becomes empty) and every other line is output and becomes empty. A ``>>>`` further
  down an ordinary block (a doctest in a docstring) is left as it is.
* Notebook magics at the start of a line (after a prompt is removed): ``%pip install x``, ``%run ./setup``,
  ``%restart_python``, ``%%time``, ``!ls`` are IPython syntax, not Python, and become comments
  (``# %pip install x``). A cell whose first non-blank line is a language magic (``%sql``, ``%md``,
  ``%sh``, ``%scala``, ``%r``, ``%fs``, or their ``%%`` forms) holds no Python: every line of it becomes
  a comment. After any other magic (``%python``, ``%%time``) the rest of the cell is Python. An indented
  ``%`` or ``!`` is not a magic here: the checker sees it, and reports it, as Python. Names a ``%run``
  notebook would define are not known: such an example must define or import them.
* Shell lines: each ``!cmd`` line is also given as (0-based line, ``cmd``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Magics whose whole cell is another language: nothing in it is Python.
CELL_MAGICS = frozenset({"sql", "md", "sh", "scala", "r", "fs", "bash", "html", "javascript"})
MAGIC_LINE_RE = re.compile(r"^(%{1,2}|!)(?P<name>[A-Za-z_]\w*)?")
PROMPTS = (">>> ", "... ")


@dataclass(frozen=True)
class PythonSource:
    code: str  # what the Python tools see: same line count as the block
    shell: list[tuple[int, str]]  # (0-based line, command) of each ``!command`` line


def read(code: str, info: str = "") -> PythonSource:
    """The Python source of a block (``info`` is its fence info string) and its ``!`` shell lines."""
    if is_transcript(code, info):
        code = strip_prompts(code)
    lines = [] if is_language_cell(code) else code.split("\n")
    shell = [(i, line[1:]) for i, line in enumerate(lines) if line.startswith("!")]
    return PythonSource(comment_out_magics(code), shell)


def is_transcript(code: str, info: str = "") -> bool:
    """True for an interactive session: a ``pycon`` fence, or code whose first line starts with ``>>>``."""
    first_word = info.split(None, 1)[0].lower() if info.strip() else ""
    return first_word == "pycon" or code.lstrip().startswith(">>>")


def strip_prompts(code: str) -> str:
    """Keep the source of a transcript without its prompts; empty its output lines (same line count)."""
    return "\n".join(line[4:] if line.startswith(PROMPTS) else "" for line in code.split("\n"))


def is_language_cell(code: str) -> bool:
    """True when the first non-blank line is a magic naming another language (``%sql``, ``%%sh``)."""
    first = next((line for line in code.split("\n") if line.strip()), "")
    match = MAGIC_LINE_RE.match(first)
    return bool(match) and first.startswith("%") and (match.group("name") or "").lower() in CELL_MAGICS


def comment_out_magics(code: str) -> str:
    """Turn notebook magics into comments, every line where it was (a language cell: every line)."""
    lines = code.split("\n")
    if is_language_cell(code):
        return "\n".join(f"# {line}" if line else line for line in lines)
    return "\n".join(f"# {line}" if MAGIC_LINE_RE.match(line) else line for line in lines)
