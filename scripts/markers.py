"""Generated regions in Markdown: ``<!-- generated:NAME -->`` ... ``<!-- /generated:NAME -->``.

Markers are found as HTML blocks by markdown-it-py (so a marker shown inside a code fence is not one), and
only the lines between a pair are replaced. Everything outside the markers is left byte for byte.
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.docmodel import _parser, split_front_matter
from scripts.errors import DocError

MARKER_RE = re.compile(r"^<!--\s*(?P<end>/)?generated:(?P<name>[a-z0-9-]+)\s*-->$")


def find_regions(text: str, path: Path) -> dict[str, tuple[int, int]]:
    """name -> (index of the start-marker line, index of the end-marker line), 0-based."""
    _, offset = split_front_matter(text, path)
    lines = text.split("\n")
    tokens = _parser().parse("\n".join(lines[offset:]))
    opened: dict[str, int] = {}
    regions: dict[str, tuple[int, int]] = {}
    for tok in tokens:
        if tok.type != "html_block" or tok.map is None:
            continue
        for i in range(tok.map[0], tok.map[1]):
            m = MARKER_RE.match(lines[i + offset].strip())
            if not m:
                continue
            name, line_index = m.group("name"), i + offset
            if m.group("end"):
                if name not in opened:
                    raise DocError(path, line_index + 1, f"end marker for '{name}' without a start marker")
                regions[name] = (opened.pop(name), line_index)
            else:
                if name in opened or name in regions:
                    raise DocError(path, line_index + 1, f"marker '{name}' appears twice")
                opened[name] = line_index
    for name, start in opened.items():
        raise DocError(path, start + 1, f"marker '{name}' is never closed (expected <!-- /generated:{name} -->)")
    return regions


def replace_regions(text: str, path: Path, contents: dict[str, str], required: set[str]) -> str:
    """Return text with each named region's body replaced. Raises DocError on missing markers."""
    regions = find_regions(text, path)
    missing = sorted(required - regions.keys())
    if missing:
        raise DocError(path, 1, f"missing marker <!-- generated:{missing[0]} --> (and its end marker)")
    lines = text.split("\n")
    for name, (start, end) in sorted(regions.items(), key=lambda kv: kv[1][0], reverse=True):
        if name not in contents:
            continue
        body = contents[name].strip("\n").split("\n") if contents[name].strip() else []
        lines[start + 1 : end] = body
    return "\n".join(lines)
