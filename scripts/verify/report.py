"""Summaries of a verification run: tables per language and per page, and the JSON report.

The JSON report holds counts and skip reasons only (no timings), so it is the same for the same docs
and tools; the statistics generator reads it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from importlib import metadata
from pathlib import Path

from scripts.cache import write_atomic
from scripts.docmodel import Block
from scripts.verify.runner import RunResult

TOOLS = (
    "databricks-sdk", "pyspark", "delta-spark", "mlflow", "basedpyright", "sqlglot", "jsonschema", "detect-secrets"
)
COLUMNS = ("blocks", "static", "executed", "skipped", "failed")


def tool_versions() -> dict[str, str]:
    out = {}
    for name in TOOLS:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _counts(outcomes) -> dict[str, int]:
    """Blocks per final state, and three counts across states: Python blocks executed through Spark Connect,
    blocks marked as needing classic compute, blocks showing a deprecated API on purpose (legacy)."""
    c = Counter(o.state for o in outcomes)
    classic = [o for o in outcomes if o.block.directive is not None and o.block.directive.classic]
    on_classic = {_group(o.block) for o in classic}  # a session with one classic block runs classic as a whole
    return {
        "blocks": len(outcomes),
        "static": c["static"],
        "executed": c["executed"],
        "skipped": c["skipped"],
        "failed": c["failed"] + c["unchecked"],
        "spark_connect": sum(1 for o in outcomes if o.state == "executed" and o.block.language == "python"
                             and _group(o.block) not in on_classic),
        "classic": len(classic),
        "legacy": sum(1 for o in outcomes if o.block.directive is not None and o.block.directive.legacy),
    }


def _group(block: Block) -> tuple[str, str | int]:
    """The run group of a block, as python_exec forms them: its page's session, or the block alone."""
    session = block.directive.session if block.directive is not None else None
    return (block.path, session or block.index)


def summarise(result: RunResult) -> dict:
    """Counts over example blocks (text/output blocks are not examples)."""
    examples = [o for o in result.outcomes if o.block.is_example]
    by_page: dict[str, list] = defaultdict(list)
    by_lang: dict[str, list] = defaultdict(list)
    for o in examples:
        by_page[o.page].append(o)
        by_lang[o.block.language or "plain"].append(o)
    total = _counts(examples)
    return {
        "tools": tool_versions(),
        "total": total,
        "pages": {p: _counts(v) for p, v in sorted(by_page.items())},
        "languages": {lang: _counts(v) for lang, v in sorted(by_lang.items())},
        "skips": [
            {"page": o.page, "line": o.block.line, "reason": o.block.directive.reason}
            for o in examples
            if o.state == "skipped" and o.block.directive is not None
        ],
        "findings": [str(f) for f in result.findings],
    }


def percent(part: int, whole: int) -> str:
    return f"{(100.0 * part / whole):.0f}%" if whole else "n/a"


def markdown_table(rows: dict[str, dict[str, int]], first: str) -> str:
    lines = [f"| {first} | " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * len(COLUMNS)]
    for name, counts in rows.items():
        lines.append(f"| {name} | " + " | ".join(str(counts[c]) for c in COLUMNS) + " |")
    return "\n".join(lines)


def render_text(summary: dict, timings: dict[str, float]) -> str:
    total = summary["total"]
    verified = total["static"] + total["executed"]
    parts = [
        "## Examples by language",
        markdown_table(summary["languages"], "language"),
        "",
        "## Examples by page",
        markdown_table(summary["pages"], "page"),
        "",
        f"Total: {total['blocks']} examples; {verified} verified ({percent(verified, total['blocks'])}), "
        f"{total['executed']} of them executed ({percent(total['executed'], total['blocks'])}); "
        f"{total['skipped']} skipped; {total['failed']} failed.",
    ]
    if summary["skips"]:
        parts += ["", "## Skipped, with reasons"]
        parts += [f"- {s['page']}:{s['line']}: {s['reason']}" for s in summary["skips"]]
    parts += ["", "Tools: " + ", ".join(f"{k} {v}" for k, v in summary["tools"].items())]
    parts += ["Time per oracle: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())]
    return "\n".join(parts)


def write_json(summary: dict, path: Path) -> None:
    write_atomic(path, json.dumps(summary, indent=2, sort_keys=True) + "\n")
