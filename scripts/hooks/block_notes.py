"""MkDocs hook: show readers the notes a verification directive carries.

Directives are HTML comments, so the rendered page would hide them. This hook puts each note next to its block,
read by the same directive parser the verifier uses (scripts/directives.py): why a block was not verified
(``skip reason=...``), why it needs classic compute (``classic=...``), why it shows a deprecated API on purpose
(``legacy=...``). Directives without a note (``run``, ``output``) stay comments.
"""

from __future__ import annotations

import html
import re
from typing import Any

from mkdocs.exceptions import PluginError

from scripts.directives import notes, parse_directive
from scripts.errors import DocError

DIRECTIVE_COMMENT_RE = re.compile(r"<!--\s*verify:.*?-->", re.DOTALL)


CLASSES = {"Not verified": "c7-unverified", "Classic compute only": "c7-classic", "Legacy": "c7-legacy"}


def block_notes(content: str, source: str) -> str:
    """``content`` with every directive that carries a note replaced by that note; ``source`` names the page in
    errors."""

    def replace(match: re.Match[str]) -> str:
        directive = parse_directive(match.group(0), source, content.count("\n", 0, match.start()) + 1)
        found = notes(directive)
        if not found:
            return match.group(0)
        return "\n".join(f'<p class="c7-note {CLASSES[label]}"><strong>{label}:</strong> '
                         f"{html.escape(text, quote=False)}</p>" for label, text in found)

    return DIRECTIVE_COMMENT_RE.sub(replace, content)


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    try:
        return block_notes(content, page.file.src_uri)
    except DocError as exc:
        raise PluginError(str(exc)) from None
