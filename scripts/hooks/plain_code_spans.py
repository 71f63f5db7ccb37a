"""MkDocs hook: unwrap the Pygments spans that change nothing on screen.

Pygments wraps every token of highlighted code in a ``<span>``. Four kinds look exactly like the text around
them on this site:

- whitespace (``class="w"``), which Material does not style;
- plain names (``class="n"``), coloured ``--md-code-hl-name-color``, which both of Material's palettes set to
  ``--md-code-fg-color``, the colour of unmarked code;
- punctuation (``class="p"``) and operators (``class="o"``), which Material draws a shade lighter and
  ``overrides/assets/extra.css`` draws in the colour of unmarked code too, in both schemes.

Together they are more than half of the elements on the longest pages. Unwrapping them keeps the text byte for
byte (the copy button copies the same code) and leaves the browser far fewer elements to style and lay out.
``tests/test_plain_code_spans.py`` fails if an installed Material stops mapping the name colour to the code
colour, or if extra.css stops doing so for punctuation and operators.
"""

from __future__ import annotations

import re
from typing import Any

PLAIN_SPAN_RE = re.compile(r'<span class="(?:w|n|p|o)">([^<]*)</span>')


def unwrap_plain_spans(html: str) -> str:
    return PLAIN_SPAN_RE.sub(r"\1", html)


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    return unwrap_plain_spans(content)
