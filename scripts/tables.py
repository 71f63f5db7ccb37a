"""``python -m scripts.tables [--check]``: regenerate the index, statistics and version lines.

Regions (see scripts/markers.py) filled here:
- ``index`` (docs/index.md, README.md, context7.md): every page in nav order with its summary, example
  count and status;
- ``stats`` (same files): files, lines, examples, verification counts, REST endpoints and CLI commands per
  section, all measured;
- ``versions`` (any page that has the marker): the versions its examples are verified against, read from
  ``extra.verified_against`` in mkdocs.yml, or a draft notice.

Writes only files whose content changes, each atomically. ``--check`` writes nothing, prints a unified diff
and the command that fixes it, and exits 1 when anything is stale. Bad input exits 2 with ``file:line``.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from scripts.cache import write_atomic
from scripts.docmodel import DocSet, Page, load_docs, read_text, section_of
from scripts.errors import DocError
from scripts.markers import find_regions, replace_regions
from scripts.siteconfig import load_config, nav_pages, verified_against, written_for
from scripts.stats import REPORT, SECTION_TITLES, Tally, load_report, tallies

FIX_COMMAND = "make tables   (or: python -m scripts.tables)"
TABLE_FILES = {Path("docs/index.md"): "", Path("README.md"): "docs/", Path("context7.md"): "docs/"}


def pct(part: int, whole: int) -> str:
    return f"{part} ({round(100 * part / whole)}%)" if whole else "0"


def versions_line(page: Page, versions: dict[str, str], target: str = "") -> str:
    if page.status == "draft":
        return "*Draft: the examples on this page are not yet verified.*"
    listed = ", ".join(f"{name} {version}" for name, version in versions.items())
    written = f" Written for {target}." if target else ""
    return f"*Examples on this page are verified against {listed}.{written}*"


def index_table(docs: DocSet, order: list[str], per_page: dict[str, Tally], prefix: str) -> str:
    rows = ["| Section | Page | What it answers | Examples | Status |", "|---|---|---|---:|---|"]
    ranked = {rel: i for i, rel in enumerate(order)}
    for page in sorted(docs.pages, key=lambda p: (ranked.get(p.rel, len(ranked)), p.rel)):
        if page.rel == "index.md":
            continue
        title = page.title.replace("|", "\\|")
        summary = page.summary.replace("|", "\\|")
        section = SECTION_TITLES.get(section_of(page.rel), section_of(page.rel))
        rows.append(f"| {section} | [{title}]({prefix}{page.rel}) | {summary} | "
                    f"{per_page[page.rel].examples} | {page.status} |")
    return "\n".join(rows)


def stats_table(per_section: dict[str, Tally], total: Tally) -> str:
    rows = [
        "| Section | Pages | Drafts | Lines | Examples | Verified | Executed | Skipped | Failed "
        "| REST endpoints | CLI commands |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, t: Tally) -> str:
        return (f"| {name} | {t.pages} | {t.drafts} | {t.lines} | {t.examples} | {pct(t.verified, t.examples)} | "
                f"{pct(t.executed, t.examples)} | {t.skipped} | {t.failed} | {len(t.endpoints)} | {len(t.commands)} |")

    for section, t in per_section.items():
        if t.pages:
            rows.append(row(SECTION_TITLES.get(section, section), t))
    rows.append(row("**Total**", total))
    rows.append("")
    rows.append(f"{total.examples} examples: {pct(total.verified, total.examples)} verified by a tool, "
                f"{pct(total.executed, total.examples)} executed, {total.skipped} skipped with a stated reason. "
                "Counts are measured by `make verify` and `make tables`; REST endpoints and CLI commands are distinct "
                "ones shown in examples.")
    return "\n".join(rows)


def planned(docs: DocSet, config: dict, report: dict) -> dict[Path, str]:
    """Every file this generator owns, path -> new content."""
    order = nav_pages(config)
    per_page, per_section, total = tallies(docs, report)
    versions = verified_against(config)
    out: dict[Path, str] = {}
    for path, prefix in TABLE_FILES.items():
        text = read_text(path)
        contents = {"index": index_table(docs, order, per_page, prefix), "stats": stats_table(per_section, total)}
        if path == Path("docs/index.md"):
            contents["versions"] = (
                f"*Examples are verified against {', '.join(f'{k} {v}' for k, v in versions.items())}.*"
            )
        out[path] = replace_regions(text, path, contents, required={"index", "stats"})
    for page in docs.pages:
        if page.path in out or page.path.resolve() in {p.resolve() for p in out}:
            continue
        if "versions" in find_regions(page.text, page.path):
            line = versions_line(page, versions, written_for(config))
            out[page.path] = replace_regions(page.text, page.path, {"versions": line}, set())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.tables", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; print a diff and exit 1 if stale")
    parser.add_argument("--report", type=Path, default=REPORT, help="the verifier's JSON report")
    args = parser.parse_args(argv)
    try:
        docs = load_docs(Path("docs"))
        plan = planned(docs, load_config(Path("mkdocs.yml")), load_report(args.report))
        current = {path: read_text(path) for path in plan}
    except DocError as exc:
        print(exc, file=sys.stderr)
        return 2
    stale = [p for p in plan if plan[p] != current[p]]
    if args.check:
        for path in stale:
            sys.stdout.writelines(difflib.unified_diff(
                current[path].splitlines(keepends=True), plan[path].splitlines(keepends=True),
                fromfile=f"{path} (committed)", tofile=f"{path} (generated)"))
        if stale:
            print(f"\n{len(stale)} file(s) out of date. Fix with: {FIX_COMMAND}", file=sys.stderr)
            return 1
        print(f"tables up to date ({len(plan)} files)", file=sys.stderr)
        return 0
    for path in stale:
        write_atomic(path, plan[path])
        print(f"updated {path}", file=sys.stderr)
    if not stale:
        print(f"tables up to date ({len(plan)} files)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
