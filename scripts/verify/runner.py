"""Runs every oracle over a set of pages and folds their results into one status per block.

A block ends in exactly one state:
- ``failed``: an oracle reported a finding for it;
- ``skipped``: it carries ``<!-- verify: skip reason="..." -->``;
- ``executed``: it ran (and every static check of its language passed);
- ``static``: at least one oracle checked it and found nothing;
- ``unchecked``: an example no oracle knows how to check: a failure too, because every example must be checked
  or skipped with a reason.
Text blocks (output, diagrams) are not examples; they are still scanned for credentials.
"""

from __future__ import annotations

import importlib
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scripts.cache import Cache
from scripts.docmodel import Block, Page
from scripts.errors import Finding
from scripts.verify import incremental
from scripts.verify.base import BlockKey, Context, OracleResult, key

# Each oracle's one name (its module's NAME: used by --only, in findings and in the report) and its module.
# Static oracles first, then the executed one. Each module exposes check(blocks, ctx).
STATIC_ORACLES = {
    "secrets": "secrets_check",
    "config": "config_check",
    "shell": "shell_syntax",
    "cli": "cli_check",
    "rest": "rest_check",
    "sql": "sql_check",
    "python-static": "python_static",
    "deprecated": "deprecations",
    "compute": "compute_check",
}
EXEC_ORACLES = {"python-run": "python_exec"}
ORACLES = {**STATIC_ORACLES, **EXEC_ORACLES}
# Scans every block but proves nothing about whether an example works: it never counts as checking one.
HYGIENE_ORACLES = frozenset({"secrets"})


class UnknownOracle(ValueError):
    """--only named an oracle that does not exist."""


@dataclass
class BlockOutcome:
    block: Block
    page: str
    state: str
    findings: list[Finding] = field(default_factory=list)


@dataclass
class RunResult:
    outcomes: list[BlockOutcome]
    findings: list[Finding]
    timings: dict[str, float]
    seen: dict[str, int] = field(default_factory=dict)  # blocks each oracle was given (the rest came from the cache)
    processes: int = 1  # how many processes shared the run (scripts/verify/parallel.py)

    @property
    def ok(self) -> bool:
        return not self.findings


def _run_oracle(name: str, blocks: Sequence[Block], ctx: Context) -> OracleResult:
    try:
        module = importlib.import_module(f"scripts.verify.{ORACLES[name]}")
    except ImportError as exc:
        result = OracleResult(name)
        result.findings.append(Finding("scripts/verify", 1, f"oracle {name} cannot be loaded: {exc}", name))
        return result
    return module.check(blocks, ctx)


def run(pages: Sequence[Page], execute: bool = True, only: Sequence[str] | None = None,
        cache: Cache | None = None) -> RunResult:
    """Verify every block of the given pages. With a ``cache`` (scripts/verify/incremental.py), each oracle sees
    only the blocks whose result it does not hold already; the result covers every block either way."""
    blocks = [b for p in pages for b in p.blocks]
    page_of = {key(b): p.rel for p in pages for b in p.blocks}
    unknown = sorted(set(only or ()) - set(ORACLES))
    if unknown:
        raise UnknownOracle(f"unknown oracle {', '.join(unknown)}: the oracles are {', '.join(ORACLES)}")
    names = list(STATIC_ORACLES) + (list(EXEC_ORACLES) if execute else [])
    if only:
        names = [n for n in names if n in only]
    checked: set[BlockKey] = set()
    executed: set[BlockKey] = set()
    findings: list[Finding] = []
    timings: dict[str, float] = {}
    seen: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="c7-verify-") as tmp:
        ctx = Context(work_dir=Path(tmp), execute=execute, project_root=Path.cwd())
        for name in names:
            started = time.perf_counter()
            if cache is None:
                result = _run_oracle(name, blocks, ctx)
                seen[name] = len(blocks)
            else:
                result, todo = incremental.split(cache, name, blocks)
                seen[name] = len(todo)
                if todo:
                    fresh = _run_oracle(name, todo, ctx)
                    incremental.store(cache, name, todo, fresh)
                    incremental.merge(result, fresh)
            timings[name] = time.perf_counter() - started
            if name not in HYGIENE_ORACLES:
                checked |= result.checked
            executed |= result.executed
            findings.extend(result.findings)
    outcomes: list[BlockOutcome] = []
    unchecked_findings: list[Finding] = []
    for block in blocks:
        k = key(block)
        mine = [f for f in findings if f.path == block.path and block.line <= f.line <= block.end_line]
        if mine:
            state = "failed"
        elif block.is_skipped:
            state = "skipped"
        elif k in executed:
            state = "executed"
        elif k in checked:
            state = "static"
        elif not block.is_example:
            state = "static" if k in checked else "text"
        elif only:  # a partial run (--only) says nothing about coverage
            state = "static"
        else:
            state = "unchecked"
            f = Finding(block.path, block.line, f"no oracle checks '{block.language or 'plain'}' blocks: "
                        "use a checked language or add <!-- verify: skip reason=\"...\" -->", "coverage")
            unchecked_findings.append(f)
            mine = [f]
        if block.is_run and execute and not only and k not in executed and state not in ("failed", "skipped"):
            f = Finding(block.path, block.line, "marked run but no oracle executed it", "coverage")
            unchecked_findings.append(f)
            mine = [f]
            state = "failed"
        outcomes.append(BlockOutcome(block, page_of[k], state, mine))
    # An output mismatch is reported on the output block; the example it belongs to (the block above) failed.
    for i, outcome in enumerate(outcomes):
        if outcome.block.is_output and outcome.findings and i > 0 and outcomes[i - 1].page == outcome.page:
            outcomes[i - 1].state = "failed"
    all_findings = sorted(findings + unchecked_findings, key=lambda f: (f.path, f.line, f.check, f.message))
    return RunResult(outcomes, all_findings, timings, seen)
