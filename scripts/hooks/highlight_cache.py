"""MkDocs hook: cache Pygments output across builds, keyed by a hash of the code and every option.

Syntax highlighting is most of the build time. pymdownx.highlight calls ``pygments.highlight(src, lexer,
formatter)``; this hook wraps that one call. The key covers the source, the lexer class and options, and the
formatter class and options (line spans and anchors included), so a cached result is exactly what Pygments
would return. The cache lives in ``.cache/highlight.pickle``, outside docs/, so ``mkdocs serve`` never sees it
change; it is written after a build only when it gained entries, atomically, and keeps only the entries the
last build used.

Two set-up costs pymdownx pays for every block, cache or no cache, are shared too: the lexer class is looked
up by name once per name (Pygments walks its whole lexer table on each lookup), and an HTML formatter's
token-to-class table is built once per style and class prefix (Pygments builds it in every formatter's
constructor). Each formatter still gets its own copy of the table, so the output is what Pygments would write.

A build helper process (scripts/hooks/parallel_render.py) hands back what it highlighted through
``helper_delta`` and ``helper_merge``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

import pymdownx.highlight as pymdownx_highlight
from pygments.formatters.html import HtmlFormatter
from pygments.lexers import find_lexer_class_by_name
from pygments.util import ClassNotFound

CACHE_FILE = Path(".cache/highlight.pickle")


def _unwrapped(function: Any) -> Any:
    """The function before any wrapping by this hook (`mkdocs serve` imports this file again on each rebuild)."""
    return getattr(function, "_c7_original", function)


_original = _unwrapped(pymdownx_highlight.highlight)
_original_lexer_lookup = _unwrapped(pymdownx_highlight.get_lexer_by_name)
_original_stylesheet = _unwrapped(HtmlFormatter._create_stylesheet)
_lexer_classes: dict[str, Any] = {}  # alias (lower case) -> lexer class, or None when Pygments has none
_stylesheets: dict[tuple[Any, str], tuple[dict[Any, str], dict[str, Any]]] = {}
_cache: dict[str, str] = {}
_used: set[str] = set()
_new: set[str] = set()  # keys this process highlighted during the current build
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
        _new.add(key)
        _added += 1
    return hit


def lexer_by_name(alias: str, **options: Any) -> Any:
    """pygments.lexers.get_lexer_by_name with the class lookup remembered per alias."""
    name = (alias or "").lower()
    if name not in _lexer_classes:
        try:
            _lexer_classes[name] = find_lexer_class_by_name(alias)
        except ClassNotFound:
            _lexer_classes[name] = None
    lexer_class = _lexer_classes[name]
    if lexer_class is None:
        raise ClassNotFound(f"no lexer for alias {alias!r} found")
    return lexer_class(**options)


def shared_stylesheet(formatter: Any) -> None:
    """HtmlFormatter._create_stylesheet, computed once per (style, class prefix) and copied to each formatter."""
    key = (formatter.style, formatter.classprefix)
    tables = _stylesheets.get(key)
    if tables is None:
        _original_stylesheet(formatter)
        tables = _stylesheets[key] = (dict(formatter.ttype2class), dict(formatter.class2style))
    formatter.ttype2class = dict(tables[0])
    formatter.class2style = dict(tables[1])


cached_highlight._c7_original = _original  # type: ignore[attr-defined]
lexer_by_name._c7_original = _original_lexer_lookup  # type: ignore[attr-defined]
shared_stylesheet._c7_original = _original_stylesheet  # type: ignore[attr-defined]


def on_startup(command: str, dirty: bool) -> None:
    try:
        with CACHE_FILE.open("rb") as fh:
            data = pickle.load(fh)  # noqa: S301 - our own cache file, written below
        if isinstance(data, dict):
            _cache.update(data)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        pass
    pymdownx_highlight.highlight = cached_highlight
    pymdownx_highlight.get_lexer_by_name = lexer_by_name
    HtmlFormatter._create_stylesheet = shared_stylesheet  # type: ignore[method-assign]


def on_pre_build(config: Any) -> None:
    global _added
    _used.clear()
    _new.clear()
    _added = 0


def helper_delta() -> dict[str, str]:
    """What this process highlighted during the current build (sent back by a build helper process)."""
    return {key: _cache[key] for key in _new}


def helper_merge(delta: dict[str, str]) -> None:
    """Take in what a build helper process highlighted, as if highlighted here."""
    global _added
    _cache.update(delta)
    _used.update(delta)
    _added += len(delta)


def on_post_build(config: Any) -> None:
    if not _added:
        return
    kept = {k: v for k, v in _cache.items() if k in _used}
    CACHE_FILE.parent.mkdir(exist_ok=True)
    tmp = CACHE_FILE.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(kept, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, CACHE_FILE)
