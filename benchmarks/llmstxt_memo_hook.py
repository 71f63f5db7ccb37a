"""Prototype MkDocs hook, measured by ``benchmarks.run`` (serve section); not enabled in mkdocs.yml.

mkdocs-llmstxt converts every page's HTML to Markdown (BeautifulSoup + markdownify) on every build, and that is
most of the build's CPU time (benchmarks/README.md). Under ``mkdocs serve`` each save rebuilds all pages, so the
same conversion runs again for pages that did not change. This hook memoises the plugin's pure conversion
function in memory, keyed by a hash of all its arguments, so a rebuild converts only the pages whose HTML changed.
The result for a given input is exactly what the plugin returns.
"""

from __future__ import annotations

import hashlib
from typing import Any

from mkdocs_llmstxt._internal import plugin as _llmstxt

_original = _llmstxt._generate_page_markdown
_memo: dict[str, str] = {}


def _memoised(html: str, **kwargs: Any) -> str:
    key = hashlib.sha256(repr((html, sorted(kwargs.items()))).encode("utf-8")).hexdigest()
    hit = _memo.get(key)
    if hit is None:
        hit = _memo[key] = _original(html, **kwargs)
    return hit


def on_startup(command: str, dirty: bool) -> None:  # noqa: ARG001 - MkDocs hook signature
    _llmstxt._generate_page_markdown = _memoised
