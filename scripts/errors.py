"""The one error type every script raises for bad input, printed as ``file:line: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class DocError(Exception):
    """A problem with an input file, located at a 1-based line."""

    path: Path | str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Finding:
    """One thing a checker reports: where, and what is wrong."""

    path: str
    line: int
    message: str
    check: str = ""

    def __str__(self) -> str:
        prefix = f"[{self.check}] " if self.check else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"
