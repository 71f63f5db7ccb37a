"""MkDocs hook: show readers why a code block was not verified.

A ``<!-- verify: skip reason="..." -->`` directive is an HTML comment, so the rendered page would hide it. This
hook turns each one into a visible note above its block, with the same reason the verification report counts.
Other directives (``run``, ``output``) stay comments.
"""

from __future__ import annotations

import html
import re
import shlex
from typing import Any

SKIP_RE = re.compile(r"<!--\s*verify:\s*skip\b(?P<body>.*?)-->", re.DOTALL)


def _reason(body: str) -> str:
    try:
        words = shlex.split(body)
    except ValueError:
        return ""
    return next((w.partition("=")[2] for w in words if w.startswith("reason=")), "")


def skip_note(match: re.Match[str]) -> str:
    reason = _reason(match.group("body"))
    return ('<p class="c7-unverified"><strong>Not verified:</strong> '
            f"{html.escape(reason, quote=False)}</p>")


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    return SKIP_RE.sub(skip_note, content)
