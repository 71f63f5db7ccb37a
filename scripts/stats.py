"""Measured statistics of the docs, per page and per section, for the generated tables.

Lines (not counting generated regions, so regenerating never changes the count), examples and statuses
come from the Markdown model; distinct REST endpoints and CLI commands from the same call finders the
verifier uses (``scripts.verify.rest_calls``, ``scripts.verify.cli_calls``), never from an oracle, so
nothing here imports databricks-sdk, pyspark, sqlglot or basedpyright (an endpoint is named by the index
``scripts.verify.sdk_endpoints`` reads from the installed SDK's source files); verified/executed/skipped
counts from the verifier's JSON report (``reports/verification.json``, written by ``make verify``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from scripts import review
from scripts.docmodel import Block, DocSet, Page, section_of
from scripts.errors import DocError
from scripts.markers import find_regions
from scripts.verify.cli_calls import invocations
from scripts.verify.cli_tree import command_path
from scripts.verify.rest_calls import rest_calls
from scripts.verify.sdk_endpoints import load_endpoints, strip_query

REPORT = Path("reports/verification.json")
SECTIONS = ("home", "getting-started", "api", "sdk", "examples", "best-practices", "cli")
SECTION_TITLES = {
    "home": "Home",
    "getting-started": "Getting started",
    "api": "REST API",
    "sdk": "SDK guides",
    "examples": "Examples",
    "best-practices": "Best practices",
    "cli": "CLI",
}


@dataclass
class Tally:
    pages: int = 0
    drafts: int = 0
    lines: int = 0
    examples: int = 0
    static: int = 0
    executed: int = 0
    skipped: int = 0
    failed: int = 0
    spark_connect: int = 0  # Python blocks executed through Spark Connect
    classic: int = 0  # blocks marked as needing classic compute
    legacy: int = 0  # blocks showing a deprecated API on purpose
    reviewed: int = 0  # pages with a current review record (scripts/review.py)
    changed: int = 0  # reviewed pages whose text changed since their review
    review: str = ""  # one page's review state as the index table shows it
    endpoints: set[tuple[str, str]] = field(default_factory=set)
    commands: set[str] = field(default_factory=set)

    def add(self, other: Tally) -> None:
        for name in ("pages", "drafts", "lines", "examples", "static", "executed", "skipped", "failed",
                     "spark_connect", "classic", "legacy", "reviewed", "changed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.endpoints |= other.endpoints
        self.commands |= other.commands

    @property
    def verified(self) -> int:
        return self.static + self.executed


def load_report(path: Path = REPORT) -> dict:
    if not path.is_file():
        raise DocError(path, 1, "verification report not found: run `make verify` to write it")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DocError(path, getattr(exc, "lineno", 1), f"malformed JSON report: {exc}") from None
    if not isinstance(data, dict) or "pages" not in data:
        raise DocError(path, 1, "report has no 'pages' key: regenerate it with `make verify`")
    return data


def commands_in(block: Block) -> list[str]:
    """Each distinct CLI command path a shell block uses ("clusters create", "bundle deploy"), in order.

    Only invocations whose path resolves in the CLI tree are listed; output blocks give none, skipped
    blocks are listed (their commands are still shown to readers).
    """
    if block.language != "shell" or block.is_output:
        return []
    paths: list[str] = []
    for inv in invocations(block.code)[0]:
        path = command_path([w.value for w in inv.args])
        if path and path not in paths:
            paths.append(path)
    return paths


def endpoints_in(block: Block) -> list[tuple[str, str]]:
    """(METHOD, template) of every REST call in a block, for "distinct endpoints documented".

    A call the SDK knows is named by the SDK's template (``/api/2.1/clusters/get``); any other
    call by its own path without the query string. Skipped and output blocks document nothing.
    """
    if block.is_skipped or block.is_output:
        return []
    calls = rest_calls(block)
    index = load_endpoints() if calls else None
    out: list[tuple[str, str]] = []
    for call in calls:
        endpoint = index.match(call.method, call.path) if index else None
        out.append((call.method, endpoint.template if endpoint else strip_query(call.path)))
    return out


def page_tally(page: Page, report: dict) -> Tally:
    generated = sum(end - start - 1 for start, end in find_regions(page.text, page.path).values())
    t = Tally(pages=1, drafts=int(page.status == "draft"), lines=page.line_count - generated,
              examples=len(page.examples))
    counts = report.get("pages", {}).get(page.rel, {})
    for name in ("static", "executed", "skipped", "failed", "spark_connect", "classic", "legacy"):
        setattr(t, name, int(counts.get(name, 0)))
    for block in page.examples:
        t.endpoints.update(endpoints_in(block))
        t.commands.update(commands_in(block))
    state, when = review.status(page)
    t.reviewed = int(state == review.REVIEWED)
    t.changed = int(state == review.CHANGED)
    t.review = {review.REVIEWED: f"{when}", review.CHANGED: f"{when}, changed since review"}.get(state, "not yet")
    return t


def tallies(docs: DocSet, report: dict) -> tuple[dict[str, Tally], dict[str, Tally], Tally]:
    """(per page, per section, total)."""
    per_page = {p.rel: page_tally(p, report) for p in docs.pages}
    per_section = {s: Tally() for s in SECTIONS}
    total = Tally()
    for rel, t in per_page.items():
        per_section.setdefault(section_of(rel), Tally()).add(t)
        total.add(t)
    return per_page, per_section, total
