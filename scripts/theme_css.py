"""Style-sheet transforms the build hooks derive from the installed theme, remembered across builds.

``theme_sheet`` finds one of the theme's hashed style sheets among a build's files.

Parsing Material's main style sheet with tinycss2 takes about a tenth of a second, a seventh of a warm build,
and the result depends on nothing but the sheet's text. ``derived`` keeps each result in memory (across the
rebuilds of ``mkdocs serve``) and in ``.cache/theme-css/``, keyed by the transform's name, a hash of the file
that defines it (a changed transform is never served from the cache) and a hash of the input; written
atomically.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE_DIR = Path(".cache/theme-css")
# Kept in sys.modules: `mkdocs serve` imports the hooks, and with them this module's callers, on every rebuild.
_store = sys.modules.setdefault("_c7_theme_css", types.ModuleType("_c7_theme_css"))
_memo: dict[str, str] = _store.__dict__.setdefault("memo", {})


def theme_sheet(files: Any, name: str) -> Any:
    """The theme's ``assets/stylesheets/<name>.<hash>.min.css`` among a build's files, or None."""
    pattern = re.compile(rf"assets/stylesheets/{re.escape(name)}\.[0-9a-f]+\.min\.css")
    return next((f for f in files if pattern.fullmatch(f.src_uri)), None)


def derived(name: str, defined_in: Path, css: str, transform: Callable[[str], str]) -> str:
    """transform(css), from memory or the disk cache when the same code transformed this exact input before."""
    code = hashlib.sha256(defined_in.read_bytes()).hexdigest()[:16]
    key = f"{name}-{code}-{hashlib.sha256(css.encode('utf-8')).hexdigest()[:32]}"
    if key in _memo:
        return _memo[key]
    path = CACHE_DIR / f"{key}.css"
    try:
        result = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        result = transform(css)
        try:
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(result, encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only checkout still builds, only slower
    _memo[key] = result
    return result
