"""``python -m scripts.verify [PATH ...]``: verify the examples of the docs and print a report.

Exit status: 0 when every example passed or was skipped with a reason, 1 on any finding, 2 on bad input.
``--jobs N`` shares a cold run among N processes (scripts/verify/parallel.py).
``--json FILE`` writes the JSON report (counts and skip reasons) that the statistics tables read;
Results are remembered per block (scripts/verify/incremental.py): a run checks only the blocks that changed since
the last one and still reports on every block; ``--all`` checks everything again. ``--static`` leaves out
execution; ``--only ORACLE`` runs just the named oracles (the names findings carry:
an unknown name exits 2 with the list).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from scripts.docmodel import Page, parse_page
from scripts.errors import DocError
from scripts.verify import incremental, parallel, report, runner

DOCS = Path("docs")
MAX_DEFAULT_JOBS = 2  # each job starts a Spark JVM of about 1 GB


def default_jobs() -> int:
    return max(1, min(MAX_DEFAULT_JOBS, os.cpu_count() or 1))


def collect(paths: list[str]) -> list[Page]:
    targets = [Path(p) for p in paths] or [DOCS]
    files: list[Path] = []
    for t in targets:
        if t.is_dir():
            files.extend(sorted(t.rglob("*.md")))
        elif t.exists():
            files.append(t)
        else:
            raise DocError(t, 1, "file not found")
    pages = []
    for f in files:
        try:
            rel = f.resolve().relative_to(DOCS.resolve()).as_posix()
        except ValueError:
            rel = f.as_posix()
        pages.append(parse_page(f, rel))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.verify", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("paths", nargs="*", help="Markdown files or folders (default: docs/)")
    parser.add_argument("--json", type=Path, help="write the JSON report here")
    parser.add_argument("--static", action="store_true", help="static checks only, no execution")
    parser.add_argument("--only", action="append", metavar="ORACLE",
                        help=f"run only this oracle (repeatable): {', '.join(runner.ORACLES)}")
    parser.add_argument("--all", action="store_true", help="check every block again, not only the changed ones")
    parser.add_argument("--quiet", action="store_true", help="print findings and the total only")
    parser.add_argument("--jobs", type=int, default=default_jobs(), metavar="N",
                        help="verify in up to N processes, each with its own Spark, when many examples are left to "
                             f"execute (default: the number of CPUs, at most {MAX_DEFAULT_JOBS})")
    args = parser.parse_args(argv)
    if args.json and (args.only or args.static):
        parser.error("--json writes the report of a full run: leave out --only and --static")
    try:
        pages = collect(args.paths)
    except DocError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        cache = incremental.open_cache()
        if args.all:
            cache.entries.clear()
        result = parallel.run(pages, args.jobs, execute=not args.static, only=args.only, cache=cache)
    except runner.UnknownOracle as exc:
        print(f"python -m scripts.verify: {exc}", file=sys.stderr)
        return 2
    summary = report.summarise(result)
    for f in result.findings:
        print(f)
    if not args.quiet:
        print(report.render_text(summary, result.timings))
    else:
        t = summary["total"]
        print(f"{t['blocks']} examples: {t['static']} static, {t['executed']} executed, "
              f"{t['skipped']} skipped, {t['failed']} failed")
    if result.processes > 1:
        print(f"shared among {result.processes} processes (--jobs)")
    fresh = max(result.seen.values(), default=0)
    if fresh < len(result.outcomes):
        print(f"checked now: {fresh} of {len(result.outcomes)} blocks; the rest unchanged since the last run "
              f"({cache.path}; --all checks every block)")
    if args.json:
        report.write_json(summary, args.json)
    partial = bool(args.only or args.static or args.paths)  # keeps what other pages and oracles stored
    cache.save(keep=(lambda _key: True) if partial else None)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
