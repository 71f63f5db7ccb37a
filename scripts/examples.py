"""``python -m scripts.examples``: count the fenced examples by language, page and section.

An example is a fenced block that is not plain text and not an ``output`` block (see docmodel.Block).
``--json`` prints JSON; the default is Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from scripts.docmodel import DocSet, load_docs, section_of
from scripts.errors import DocError


def count_examples(docs: DocSet) -> dict[str, dict[str, int]]:
    by_language: Counter[str] = Counter()
    by_page: Counter[str] = Counter()
    by_section: Counter[str] = Counter()
    for page in docs.pages:
        by_page[page.rel] += 0
        for block in page.examples:
            by_language[block.language] += 1
            by_page[page.rel] += 1
            by_section[section_of(page.rel)] += 1
    return {
        "total": {"examples": sum(by_language.values())},
        "languages": dict(sorted(by_language.items())),
        "pages": dict(sorted(by_page.items())),
        "sections": dict(sorted(by_section.items())),
    }


def as_markdown(counts: dict[str, dict[str, int]]) -> str:
    out = []
    for title, key in (("Language", "languages"), ("Section", "sections"), ("Page", "pages")):
        out += [f"| {title} | Examples |", "|---|---:|"]
        out += [f"| {name} | {n} |" for name, n in counts[key].items()]
        out.append("")
    out.append(f"Total: {counts['total']['examples']} examples")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.examples", description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=Path("docs"))
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown tables")
    args = parser.parse_args(argv)
    try:
        counts = count_examples(load_docs(args.docs))
    except DocError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(json.dumps(counts, indent=2) if args.json else as_markdown(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
