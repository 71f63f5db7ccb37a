"""MkDocs hook: keep the labels of content tabs apart in the search index.

pymdownx.tabbed writes a tab set's labels side by side (``<label ...>REST API</label><label ...>Python
SDK</label>``), and the theme's search indexer joins text as it finds it, so a result read "REST APIPython
SDKCLI". Each label but the last gets a hidden separator inside it: ``<span hidden> · </span>``. Hidden, it
takes no room and is left out of ``innerText``, which the theme's linked tabs compare; inside the label, it adds
no element to the tab bar, whose styles count labels with ``:nth-child``. The indexer reads it, so the result
reads "REST API · Python SDK · CLI".
"""

from __future__ import annotations

import re
from typing import Any

SEPARATOR = "<span hidden> · </span>"
# A label directly followed by another label of a tab set.
LABEL_BEFORE_LABEL_RE = re.compile(
    r'(<label for="__tabbed_[\d_]+">)((?:(?!</label>).)*?)(</label>)(?=<label for="__tabbed_)', re.DOTALL
)


def separate_labels(html: str) -> str:
    return LABEL_BEFORE_LABEL_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{SEPARATOR}{m.group(3)}", html)


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    return separate_labels(content)
