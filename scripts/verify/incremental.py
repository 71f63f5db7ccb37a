"""Remember what each oracle found for each block, so the next run checks only the blocks that changed.

An oracle sees a block together with the blocks it depends on: the other blocks of its ``session=NAME`` on the
same page (they run and are type-checked together) and the ``output`` block under any of them. That group is
the unit of work. A unit's result is stored under a hash of the oracle's name and the unit's blocks (language,
info string, directive, code), so an edit anywhere in a unit checks the whole unit again and an edit elsewhere
on the page does not. Findings are stored relative to their block's opening fence, so a block that only moved
reports them at its new line.

The cache (``verify`` in scripts/cache.py) is keyed as a whole by every installed distribution and version and
by the bytes of every file under ``scripts/`` but the build hooks: upgrading a pinned tool or changing an oracle
checks everything again. Not stored: a run in which an oracle reported a finding outside the blocks it was given
(it failed as a whole), and failed executions (a crashed Spark session is not a property of the block).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from scripts.cache import Cache, files_digest
from scripts.docmodel import Block
from scripts.errors import Finding
from scripts.verify.base import BlockKey, OracleResult, key

SCRIPTS = Path(__file__).resolve().parent.parent
NOT_STORED_ON_FAILURE = frozenset({"python-run"})


def _environment() -> tuple[str, ...]:
    dists = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions()})
    code = files_digest(sorted(p for p in SCRIPTS.rglob("*")
                               if p.is_file() and not {"__pycache__", "hooks"} & set(p.relative_to(SCRIPTS).parts)))
    return (code, *dists)


def open_cache() -> Cache:
    """The ``verify`` cache of this installation and this code."""
    return Cache("verify", _environment())


def units(blocks: Sequence[Block]) -> list[list[Block]]:
    """The blocks grouped into units of work, page order inside each unit."""
    by_page: dict[str, list[Block]] = {}
    for block in blocks:
        by_page.setdefault(block.path, []).append(block)
    found: list[list[Block]] = []
    for page_blocks in by_page.values():
        page_blocks.sort(key=lambda b: b.index)
        sessions: dict[str, list[Block]] = {}
        previous: list[Block] | None = None
        for block in page_blocks:
            session = block.directive.session if block.directive else None
            if block.is_output and previous is not None and previous[-1].index == block.index - 1:
                previous.append(block)
                continue
            if session is not None and session in sessions:
                unit = sessions[session]
            else:
                unit = []
                found.append(unit)
                if session is not None:
                    sessions[session] = unit
            unit.append(block)
            previous = unit
    return found


def _unit_key(oracle: str, unit: Sequence[Block]) -> str:
    digest = hashlib.sha256(oracle.encode())
    for block in unit:
        directive = (
            None if block.directive is None else (block.directive.action, sorted(block.directive.options.items()))
        )
        digest.update(repr((block.language, block.info, directive, block.code)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass
class _Stored:
    """One block's result for one oracle."""

    checked: bool
    executed: bool
    findings: list[tuple[int, str, str]] = field(default_factory=list)  # (line - fence line, message, check)


def split(cache: Cache, oracle: str, blocks: Sequence[Block]) -> tuple[OracleResult, list[Block]]:
    """The stored results of the units nobody changed, and the blocks the oracle still has to see."""
    known = OracleResult(oracle)
    todo: list[Block] = []
    for unit in units(blocks):
        stored = cache.get(_unit_key(oracle, unit))
        if stored is None or len(stored) != len(unit):
            todo.extend(unit)
            continue
        for block, result in zip(unit, stored, strict=True):
            if result.checked:
                known.checked.add(key(block))
            if result.executed:
                known.executed.add(key(block))
            known.findings.extend(Finding(block.path, block.line + offset, message, check)
                                  for offset, message, check in result.findings)
    return known, todo


def store(cache: Cache, oracle: str, blocks: Sequence[Block], result: OracleResult) -> None:
    """Remember the result of an oracle that saw ``blocks`` (nothing, when a finding lies outside them)."""
    where: dict[BlockKey, Block] = {}
    mine: dict[BlockKey, list[Finding]] = {}
    for block in blocks:
        where[key(block)] = block
        mine[key(block)] = []
    for finding in result.findings:
        owner = next((k for k, b in where.items()
                      if b.path == finding.path and b.line <= finding.line <= b.end_line), None)
        if owner is None:
            return
        mine[owner].append(finding)
    for unit in units(blocks):
        if oracle in NOT_STORED_ON_FAILURE and any(mine[key(b)] for b in unit):
            continue
        cache.put(_unit_key(oracle, unit), [
            _Stored(key(b) in result.checked, key(b) in result.executed,
                    [(f.line - b.line, f.message, f.check) for f in mine[key(b)]])
            for b in unit
        ])


def merge(into: OracleResult, other: OracleResult) -> OracleResult:
    into.checked |= other.checked
    into.executed |= other.executed
    into.findings.extend(other.findings)
    return into
