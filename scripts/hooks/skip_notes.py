"""MkDocs hook: show readers why a code block was not verified.

A ``<!-- verify: skip reason="..." -->`` directive is an HTML comment, so the rendered page would hide it. This
hook turns each one into a visible note above its block, with the reason read by the same directive parser
the verifier uses (scripts/directives.py). Other directives (``run``, ``output``) stay comments.
"""

from __future__ import annotations

import html
import re
from typing import Any

from mkdocs.exceptions import PluginError

from scripts.directives import parse_directive
from scripts.errors import DocError

DIRECTIVE_COMMENT_RE = re.compile(r"<!--\s*verify:.*?-->", re.DOTALL)


def skip_notes(content: str, source: str) -> str:
    """``content`` with every skip directive replaced by a visible note; ``source`` names the page in errors."""

    def replace(match: re.Match[str]) -> str:
        directive = parse_directive(match.group(0), source, content.count("\n", 0, match.start()) + 1)
        if directive.action != "skip":
            return match.group(0)
        return ('<p class="c7-unverified"><strong>Not verified:</strong> '
                f"{html.escape(directive.reason, quote=False)}</p>")

    return DIRECTIVE_COMMENT_RE.sub(replace, content)


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    try:
        return skip_notes(content, page.file.src_uri)
    except DocError as exc:
        raise PluginError(str(exc)) from None
