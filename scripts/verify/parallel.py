"""Verify the pages in several processes at once (``--jobs N``).

Executing examples dominates a cold run, and one process executes one block at a time. With ``jobs`` > 1 the
pages are dealt into shares of about equal execution work (a page is never split: its sessions run in order)
and each share is verified in its own process, with its own Spark, by the same ``runner.run``. The parent
merges the results in page order and stores the cache entries the workers used, so the outcome, the report and
the cache are those of a single-process run. When few blocks are left to execute (a warm cache), starting more
Spark servers costs more than it saves, and the run stays in this process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from scripts.cache import Cache
from scripts.docmodel import Page, parse_page
from scripts.verify import incremental, runner
from scripts.verify.base import key

# Below this many blocks to execute, a second Spark (about 15 s to start) does not pay for itself.
MIN_RUN_BLOCKS_TO_SPLIT = 20


def execution_work(page: Page, cache: Cache | None) -> int:
    """How many of the page's ``run`` blocks still have to execute (all of them without a cache)."""
    run_blocks = [b for b in page.blocks if b.is_run]
    if cache is None or not run_blocks:
        return len(run_blocks)
    _, todo = incremental.split(cache, "python-run", [b for b in page.blocks if b.language == "python"])
    todo_keys = {key(b) for b in todo}
    return sum(1 for b in run_blocks if b.language != "python" or key(b) in todo_keys)


def shares(pages: Sequence[Page], work: dict[str, int], jobs: int) -> list[list[Page]]:
    """The pages dealt into at most ``jobs`` shares, heaviest page first to the lightest share; each share keeps
    the pages' own order. Static checking costs a little per block, so a page's weight counts its blocks too."""
    weight = {p.rel: work[p.rel] + len(p.blocks) / 50 for p in pages}
    loads = [0.0] * jobs
    dealt: list[list[str]] = [[] for _ in range(jobs)]
    for page in sorted(pages, key=lambda p: (-weight[p.rel], p.rel)):
        lightest = loads.index(min(loads))
        dealt[lightest].append(page.rel)
        loads[lightest] += weight[page.rel]
    order = {p.rel: i for i, p in enumerate(pages)}
    by_rel = {p.rel: p for p in pages}
    return [[by_rel[rel] for rel in sorted(share, key=order.__getitem__)] for share in dealt if share]


def _verify_share(paths: list[tuple[str, str]], execute: bool, only: list[str] | None,
                  cache_mode: str) -> tuple[runner.RunResult, dict[Any, Any]]:
    """In a worker process: verify one share; return the result and the cache entries the run used.
    ``cache_mode``: "none" (no cache), "empty" (the parent cleared it: check everything) or "stored"."""
    from scripts.verify import spark_local

    pages = [parse_page(Path(path), rel) for path, rel in paths]
    cache = None if cache_mode == "none" else incremental.open_cache()
    if cache is not None and cache_mode == "empty":
        cache.entries.clear()
    try:
        result = runner.run(pages, execute=execute, only=only, cache=cache)
    finally:
        spark_local.stop_spark()
    used = {k: cache.entries[k] for k in cache.used if k in cache.entries} if cache is not None else {}
    return result, used


def merge(pages: Sequence[Page], results: Sequence[runner.RunResult]) -> runner.RunResult:
    """One result, as a single run over ``pages`` would have given it."""
    rank = {p.rel: i for i, p in enumerate(pages)}
    outcomes = sorted((o for r in results for o in r.outcomes), key=lambda o: (rank[o.page], o.block.index))
    findings = sorted((f for r in results for f in r.findings), key=lambda f: (f.path, f.line, f.check, f.message))
    timings: dict[str, float] = {}
    seen: dict[str, int] = {}
    for r in results:
        for name, seconds in r.timings.items():
            timings[name] = max(timings.get(name, 0.0), seconds)  # the shares run side by side: wall time
        for name, count in r.seen.items():
            seen[name] = seen.get(name, 0) + count
    return runner.RunResult(outcomes, findings, timings, seen)


def run(pages: Sequence[Page], jobs: int, execute: bool = True, only: Sequence[str] | None = None,
        cache: Cache | None = None) -> runner.RunResult:
    """``runner.run`` over ``pages``, in up to ``jobs`` processes when there is enough execution to share."""
    unknown = sorted(set(only or ()) - set(runner.ORACLES))
    if unknown:
        raise runner.UnknownOracle(f"unknown oracle {', '.join(unknown)}: the oracles are {', '.join(runner.ORACLES)}")
    executes = execute and (not only or any(name in runner.EXEC_ORACLES for name in only))
    work = {p.rel: execution_work(p, cache) if executes else 0 for p in pages}
    if jobs <= 1 or len(pages) < 2 or sum(work.values()) < MIN_RUN_BLOCKS_TO_SPLIT:
        return runner.run(pages, execute=execute, only=only, cache=cache)
    dealt = shares(pages, work, jobs)
    mode = "none" if cache is None else ("stored" if cache.entries else "empty")
    # spawn, not fork: each worker starts clean, with no copy of this process's threads or JVM handles.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(dealt), mp_context=context) as pool:
        futures = [pool.submit(_verify_share, [(str(p.path), p.rel) for p in share], execute,
                               list(only) if only else None, mode) for share in dealt]
        done = [f.result() for f in futures]
    if cache is not None:
        for _, used in done:
            for k, value in used.items():
                cache.put(k, value)
    merged = merge(pages, [result for result, _ in done])
    merged.processes = len(done)
    return merged
