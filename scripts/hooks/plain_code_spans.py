"""MkDocs hook: unwrap the Pygments spans that change nothing on screen.

Pygments wraps every token of highlighted code in a ``<span>``. Two kinds look exactly like the text around
them in Material 9.8: whitespace (``class="w"``, which Material does not style) and plain names (``class="n"``,
coloured ``--md-code-hl-name-color``, which both palettes set to ``--md-code-fg-color``, the colour of unmarked
code). On the longest page they are a third of all elements. Unwrapping them keeps the text byte for byte (the
copy button copies the same code) and lightens the page the browser lays out. ``tests/test_code_whitespace.py``
fails if an installed Material stops mapping the name colour to the code colour.
"""

from __future__ import annotations

import re
from typing import Any

PLAIN_SPAN_RE = re.compile(r'<span class="(?:w|n)">([^<]*)</span>')


def unwrap_plain_spans(html: str) -> str:
    return PLAIN_SPAN_RE.sub(r"\1", html)


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    return unwrap_plain_spans(content)
