"""Shared types for the verification oracles.

Each oracle is a function ``check(blocks, ctx) -> OracleResult``: it looks only at the blocks of
its own languages, records which ones it examined (``checked``) and ran (``executed``), and
returns findings located at ``markdown-file:line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scripts.docmodel import Block
from scripts.errors import Finding

BlockKey = tuple[str, int]


def key(block: Block) -> BlockKey:
    """A block's identity across oracles: (markdown path, line of its opening fence)."""
    return (block.path, block.line)


@dataclass
class Context:
    """What every oracle may use: a scratch folder and run options."""

    work_dir: Path
    execute: bool = True  # run blocks marked ``run`` (off for --static)
    project_root: Path = Path(".")


@dataclass
class OracleResult:
    name: str
    checked: set[BlockKey] = field(default_factory=set)
    executed: set[BlockKey] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)

    def fail(self, block: Block, message: str, line: int | None = None) -> None:
        """Record a finding for a block; ``line`` is an absolute Markdown line (default: the fence)."""
        self.findings.append(Finding(block.path, line or block.line, message, self.name))


def code_line(block: Block, offset_in_code: int) -> int:
    """The Markdown line of the 0-based line ``offset_in_code`` inside a block's code."""
    return block.line + 1 + offset_in_code
