"""MkDocs hook: cache Pygments output across builds, keyed by a hash of the code and every option.

Syntax highlighting is most of the build time. pymdownx.highlight calls ``pygments.highlight(src, lexer,
formatter)``; this hook wraps that one call. The key covers the source, the lexer class and options, and the
formatter class and options (line spans and anchors included), so a cached result is exactly what Pygments
would return. The cache is ``highlight`` of scripts/cache.py (``.cache/highlight.pickle``, outside docs/, so
``mkdocs serve`` never sees it change), keyed as a whole by the versions of Pygments, pymdown-extensions and
Markdown and by this file's code: after an upgrade nothing highlighted by the old code is served. It is written
after a build that gained entries and keeps only the entries that build used.

One set-up cost pymdownx pays for every block, cache or no cache, is shared too: the lexer class is looked up
by name once per name (Pygments walks its whole lexer table on each lookup).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pymdownx.highlight as pymdownx_highlight
from pygments.lexers import find_lexer_class_by_name
from pygments.util import ClassNotFound

from scripts.cache import Cache, files_digest, package_versions

VERSIONS = (*package_versions("pygments", "pymdown-extensions", "markdown"), files_digest([Path(__file__)]))


def _unwrapped(function: Any) -> Any:
    """The function before any wrapping by this hook (a test may load this file twice in one process)."""
    return getattr(function, "_c7_original", function)


_original = _unwrapped(pymdownx_highlight.highlight)
_original_lexer_lookup = _unwrapped(pymdownx_highlight.get_lexer_by_name)
_lexer_classes: dict[str, Any] = {}  # alias (lower case) -> lexer class, or None when Pygments has none
_cache = Cache("highlight", VERSIONS)


def _key(src: str, lexer: Any, formatter: Any) -> str:
    parts = (
        src,
        type(lexer).__module__, type(lexer).__name__, sorted((k, repr(v)) for k, v in lexer.options.items()),
        type(formatter).__module__, type(formatter).__name__,
        sorted((k, repr(v)) for k, v in formatter.options.items()),
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def cached_highlight(src: str, lexer: Any, formatter: Any, outfile: Any = None) -> str:
    if outfile is not None:
        return _original(src, lexer, formatter, outfile)
    key = _key(src, lexer, formatter)
    hit = _cache.get(key)
    if hit is None:
        hit = _original(src, lexer, formatter)
        _cache.put(key, hit)
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


cached_highlight._c7_original = _original  # type: ignore[attr-defined]
lexer_by_name._c7_original = _original_lexer_lookup  # type: ignore[attr-defined]


def on_startup(command: str, dirty: bool) -> None:
    pymdownx_highlight.highlight = cached_highlight
    pymdownx_highlight.get_lexer_by_name = lexer_by_name


def on_config(config: Any) -> None:
    """The cache lives in the project of the mkdocs.yml being built."""
    global _cache
    root = Path(config["config_file_path"]).resolve().parent
    if _cache.root != root:
        _cache = Cache("highlight", VERSIONS, root)


def on_pre_build(config: Any) -> None:
    _cache.start_run()


def on_post_build(config: Any) -> None:
    _cache.save()
