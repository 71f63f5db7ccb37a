"""``python -m scripts.tables [--check]``: regenerate the index, statistics and version lines.

Regions (see scripts/markers.py) filled here:
- ``index`` (docs/index.md, README.md, context7.md): every page in nav order with its summary, example
  count and status;
- ``stats`` (same files): files, lines, examples, verification counts, REST endpoints and CLI commands per
  section, all measured;
- ``versions`` (any page that has the marker): the versions its examples are verified against, read from
  ``extra.verified_against`` in mkdocs.yml, or a draft notice.

context7.json has no comments, so instead of a region it has generated entries: the ``rules`` that carry
versions (those starting with one of ``VERSION_RULE_PREFIXES``: the verified-against versions and the target
runtime, from the same ``extra`` settings as the pages' versions line) come first, the hand-written rules follow
unchanged, and ``previousVersions`` lists a ``vX.Y.Z`` tag for each released section of CHANGELOG.md (left out
while there is none). The file is written in one fixed layout, so ``--check`` compares all of it.

Writes only files whose content changes, each atomically. ``--check`` writes nothing, prints a unified diff
and the command that fixes it, and exits 1 when anything is stale. Bad input exits 2 with ``file:line``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

from scripts.cache import write_atomic
from scripts.docmodel import DocSet, Page, load_docs, read_text, section_of
from scripts.errors import DocError
from scripts.markers import find_regions, replace_regions
from scripts.release import CHANGELOG, released_versions
from scripts.siteconfig import (
    differs_from_runtime,
    load_config,
    nav_pages,
    pinned_versions,
    verified_against,
    written_for,
)
from scripts.stats import REPORT, SECTION_TITLES, Tally, load_report, tallies

FIX_COMMAND = "make tables   (or: python -m scripts.tables)"
TABLE_FILES = {Path("docs/index.md"): "", Path("README.md"): "docs/", Path("context7.md"): "docs/"}
CONTEXT7 = Path("context7.json")
VERSION_RULE_PREFIXES = ("Examples are verified against ", "Examples are written for ",
                         "Where the checks differ from that runtime: ")
PYPROJECT = Path("pyproject.toml")
NOT_PIP_PINNED = frozenset({"databricks-cli"})  # a Go binary: its version is the vendored command tree's
RULE_MAX = 200  # Context7's schema: each rule is 5 to 200 characters
ONE_PER_LINE = ("rules", "previousVersions")  # context7.json keys laid out one item per line


def pct(part: int, whole: int) -> str:
    return f"{part} ({round(100 * part / whole)}%)" if whole else "0"


def versions_line(page: Page, versions: dict[str, str], target: str = "", differs: str = "") -> str:
    if page.status == "draft":
        return "*Draft: the examples on this page are not yet verified.*"
    listed = ", ".join(f"{name} {version}" for name, version in versions.items())
    written = f" Written for {target}." if target else ""
    note = f" {differs}" if differs else ""
    return f"*Examples on this page are verified against {listed}.{written}{note}*"


def check_pins(versions: dict[str, str], pins: dict[str, str]) -> None:
    """Each verified-against version is the version pyproject.toml pins. Raises DocError at mkdocs.yml."""
    for name, version in versions.items():
        if name in NOT_PIP_PINNED:
            continue
        pinned = pins.get(name)
        if pinned != version:
            where = f"pins {name}=={pinned}" if pinned else f"does not pin {name}"
            raise DocError(Path("mkdocs.yml"), _config_line(name), (
                f"extra.verified_against says {name} {version}, but {PYPROJECT} {where}: make them agree"))


def index_table(docs: DocSet, order: list[str], per_page: dict[str, Tally], prefix: str) -> str:
    rows = ["| Section | Page | What it answers | Examples | Status | Reviewed |", "|---|---|---|---:|---|---|"]
    ranked = {rel: i for i, rel in enumerate(order)}
    for page in sorted(docs.pages, key=lambda p: (ranked.get(p.rel, len(ranked)), p.rel)):
        if page.rel == "index.md":
            continue
        title = page.title.replace("|", "\\|")
        summary = page.summary.replace("|", "\\|")
        section = SECTION_TITLES.get(section_of(page.rel), section_of(page.rel))
        rows.append(f"| {section} | [{title}]({prefix}{page.rel}) | {summary} | "
                    f"{per_page[page.rel].examples} | {page.status} | {per_page[page.rel].review} |")
    return "\n".join(rows)


def reviewed_cell(t: Tally) -> str:
    """Pages reviewed, and how many of them changed since their review."""
    done = t.reviewed + t.changed
    return f"{done} of {t.pages}" + (f" ({t.changed} changed since review)" if t.changed else "")


def stats_table(per_section: dict[str, Tally], total: Tally) -> str:
    rows = [
        "| Section | Pages | Drafts | Lines | Examples | Verified | Executed | Spark Connect | Classic only | Legacy "
        "| Skipped | Failed | REST endpoints | CLI commands | Reviewed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, t: Tally) -> str:
        return (f"| {name} | {t.pages} | {t.drafts} | {t.lines} | {t.examples} | {pct(t.verified, t.examples)} | "
                f"{pct(t.executed, t.examples)} | {t.spark_connect} | {t.classic} | {t.legacy} | {t.skipped} | "
                f"{t.failed} | {len(t.endpoints)} | {len(t.commands)} | {reviewed_cell(t)} |")

    for section, t in per_section.items():
        if t.pages:
            rows.append(row(SECTION_TITLES.get(section, section), t))
    rows.append(row("**Total**", total))
    rows.append("")
    rows.append(f"{total.examples} examples: {pct(total.verified, total.examples)} verified by a tool, "
                f"{pct(total.executed, total.examples)} executed ({total.spark_connect} Python blocks through Spark "
                f"Connect, as serverless compute runs them), {total.skipped} skipped with a stated reason; "
                f"{total.classic} marked classic compute only, {total.legacy} legacy. "
                "Counts are measured by `make verify` and `make tables`; REST endpoints and CLI commands are distinct "
                f"ones shown in examples. {total.reviewed + total.changed} of {total.pages} pages reviewed against "
                f"primary sources ({total.changed} changed since their review); each review is recorded in "
                "`reports/review/`.")
    return "\n".join(rows)


def version_rules(versions: dict[str, str], target: str, differs: str = "") -> list[str]:
    """The generated context7.json rules: what the examples are verified against, what they are written for and
    where the checks differ from that runtime."""
    rules = []
    if versions:
        listed = ", ".join(f"{name} {version}" for name, version in versions.items())
        rules.append(f"{VERSION_RULE_PREFIXES[0]}{listed}; with other versions, check that an API exists first.")
    if target:
        rules.append(f"{VERSION_RULE_PREFIXES[1]}{target} (the target runtime; the checks run locally, not on it); "
                     "older runtimes may lack some features.")
    if target and differs:
        rules.append(f"{VERSION_RULE_PREFIXES[2]}{differs}")
    return rules


def _config_line(key: str, config_path: Path = Path("mkdocs.yml")) -> int:
    """The 1-based line of ``key:`` in mkdocs.yml, for an error about its value (1 when not found)."""
    try:
        lines = config_path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((i for i, line in enumerate(lines, 1) if line.strip().startswith(f"{key}:")), 1)


def context7_layout(data: dict) -> str:
    """context7.json in its one layout: a key per line, short lists inline, rules and versions one per line."""
    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    lines = ["{"]
    for i, (key, value) in enumerate(data.items()):
        comma = "," if i < len(data) - 1 else ""
        if key in ONE_PER_LINE and isinstance(value, list) and value:
            lines.append(f"  {dump(key)}: [")
            lines += [f"    {dump(item)}{',' if j < len(value) - 1 else ''}" for j, item in enumerate(value)]
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {dump(key)}: {dump(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def context7_json(text: str, versions: dict[str, str], target: str, released: list[str], differs: str = "") -> str:
    """context7.json with its version rules first and its previousVersions from the released versions."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DocError(CONTEXT7, getattr(exc, "lineno", 1), f"malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise DocError(CONTEXT7, 1, "expected a JSON object")
    rules = data.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(rule, str) for rule in rules):
        raise DocError(CONTEXT7, 1, "'rules' must be a list of strings")
    generated = version_rules(versions, target, differs)
    for rule in generated:
        if len(rule) > RULE_MAX:
            key = ("verified_against" if rule.startswith(VERSION_RULE_PREFIXES[0]) else
                   "written_for" if rule.startswith(VERSION_RULE_PREFIXES[1]) else "differs_from_runtime")
            raise DocError(Path("mkdocs.yml"), _config_line(key), (
                f"extra.{key} makes a context7.json rule of {len(rule)} characters; Context7 allows {RULE_MAX}"))
    data["rules"] = generated + [rule for rule in rules if not rule.startswith(VERSION_RULE_PREFIXES)]
    data.pop("previousVersions", None)
    if released:
        data["previousVersions"] = [{"tag": f"v{version}", "title": f"version {version}"} for version in released]
    return context7_layout(data)


def planned(docs: DocSet, config: dict, report: dict) -> dict[Path, str]:
    """Every file this generator owns, path -> new content."""
    order = nav_pages(config)
    per_page, per_section, total = tallies(docs, report)
    versions = verified_against(config)
    check_pins(versions, pinned_versions(PYPROJECT))
    differs = differs_from_runtime(config)
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
            line = versions_line(page, versions, written_for(config), differs)
            out[page.path] = replace_regions(page.text, page.path, {"versions": line}, set())
    released = released_versions(read_text(CHANGELOG)) if CHANGELOG.is_file() else []
    out[CONTEXT7] = context7_json(read_text(CONTEXT7), versions, written_for(config), released, differs)
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
