"""MkDocs hook: cache Pygments output across builds, keyed by a hash of the code and every option.

Syntax highlighting is most of the build time. pymdownx.highlight calls ``pygments.highlight(src, lexer,
formatter)``; this hook wraps that one call. The key covers the source, the lexer class and options, and the
formatter class and options (line spans and anchors included), so a cached result is exactly what Pygments
would return. The cache lives in ``.cache/highlight.pickle``, outside docs/, so ``mkdocs serve`` never sees it
change; it is written after a build only when it gained entries, atomically, and keeps only the entries the
last build used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

import pymdownx.highlight as pymdownx_highlight

CACHE_FILE = Path(".cache/highlight.pickle")
_original = pymdownx_highlight.highlight
_cache: dict[str, str] = {}
_used: set[str] = set()
_added = 0


def _key(src: str, lexer: Any, formatter: Any) -> str:
    parts = (
        src,
        type(lexer).__module__, type(lexer).__name__, sorted((k, repr(v)) for k, v in lexer.options.items()),
        type(formatter).__module__, type(formatter).__name__,
        sorted((k, repr(v)) for k, v in formatter.options.items()),
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def cached_highlight(src: str, lexer: Any, formatter: Any, outfile: Any = None) -> str:
    global _added
    if outfile is not None:
        return _original(src, lexer, formatter, outfile)
    key = _key(src, lexer, formatter)
    _used.add(key)
    hit = _cache.get(key)
    if hit is None:
        hit = _original(src, lexer, formatter)
        _cache[key] = hit
        _added += 1
    return hit


def on_startup(command: str, dirty: bool) -> None:
    try:
        with CACHE_FILE.open("rb") as fh:
            data = pickle.load(fh)  # noqa: S301 - our own cache file, written below
        if isinstance(data, dict):
            _cache.update(data)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        pass
    pymdownx_highlight.highlight = cached_highlight


def on_pre_build(config: Any) -> None:
    global _added
    _used.clear()
    _added = 0


def on_post_build(config: Any) -> None:
    if not _added:
        return
    kept = {k: v for k, v in _cache.items() if k in _used}
    CACHE_FILE.parent.mkdir(exist_ok=True)
    tmp = CACHE_FILE.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(kept, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, CACHE_FILE)
