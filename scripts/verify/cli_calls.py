"""The ``databricks`` CLI invocations in a shell block, each with the words after it and their lines.

Shell is read by ``scripts.readers.shell`` (console prompts, continuations, comments, here-documents).
A simple command is a ``databricks`` invocation when its command word (after ``VAR=value`` prefixes and
``sudo``/``env``/``time``/``then``/``do``...) is ``databricks`` or a path ending in ``/databricks``;
``databricks-connect``, ``databricks.yml`` or ``pip install databricks-sdk`` are not. Used by the CLI
oracle and by the statistics; it imports no checker.
"""

from __future__ import annotations

from dataclasses import dataclass

from scripts.readers import shell
from scripts.readers.shell import ScanError, Word


@dataclass(frozen=True)
class Invocation:
    """One ``databricks`` command: the words after ``databricks`` and the line of ``databricks``."""

    args: list[Word]
    line: int  # 0-based line in the block's code


def is_databricks(value: str) -> bool:
    return value == "databricks" or value.endswith("/databricks")


def invocations(code: str) -> tuple[list[Invocation], list[ScanError]]:
    """Every ``databricks`` invocation in shell code, in line order, with the errors of reading it."""
    reading = shell.read(code)
    found: list[Invocation] = []
    for command in reading.commands:
        i = shell.command_word(command.words)
        if i is not None and is_databricks(command.words[i].value):
            found.append(Invocation(command.words[i + 1 :], command.words[i].line))
    found.sort(key=lambda inv: inv.line)
    return found, reading.errors
