"""``python -m scripts.snippets``: every example can stand alone as a Context7 snippet.

Context7 shows a code block with the heading above it and the text just before it, and nothing else. So
each example needs a heading, and a sentence of context between that heading (or the previous block) and the
block. Expected-output blocks (``<!-- verify: output -->``) follow their code directly and are exempt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scripts.docmodel import DocSet, load_docs
from scripts.errors import DocError, Finding


def snippet_findings(docs: DocSet) -> list[Finding]:
    findings = []
    for page in docs.pages:
        for block in page.blocks:
            if block.is_output or not block.is_example:
                continue
            if block.heading is None:
                findings.append(Finding(block.path, block.line, "code block has no heading above it", "snippet"))
            elif not block.prose_before:
                findings.append(Finding(block.path, block.line,
                                        "code block has no sentence of context between it and the heading "
                                        "or block above",
                                        "snippet"))
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.snippets", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=Path, default=Path("docs"))
    args = parser.parse_args(argv)
    try:
        findings = snippet_findings(load_docs(args.docs))
    except DocError as exc:
        print(exc, file=sys.stderr)
        return 2
    for f in findings:
        print(f)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
