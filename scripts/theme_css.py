"""Style-sheet transforms the build hooks derive from the installed theme, remembered across builds.

``theme_sheet`` finds one of the theme's hashed style sheets among a build's files.

Parsing Material's main style sheet with tinycss2 takes about a tenth of a second, a seventh of a warm build,
and the result depends on nothing but the sheet's text. ``derived`` keeps each result in the ``theme-css``
cache of scripts/cache.py (in memory for the rest of the process, on disk across builds), keyed by the
transform's name, a hash of the file that defines it (a changed transform is never served from the cache) and
a hash of the input; the cache as a whole is keyed by the versions of Material and tinycss2.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scripts.cache import Cache, package_versions

_cache = Cache("theme-css", package_versions("mkdocs-material", "tinycss2"))


def theme_sheet(files: Any, name: str) -> Any:
    """The theme's ``assets/stylesheets/<name>.<hash>.min.css`` among a build's files, or None."""
    pattern = re.compile(rf"assets/stylesheets/{re.escape(name)}\.[0-9a-f]+\.min\.css")
    return next((f for f in files if pattern.fullmatch(f.src_uri)), None)


def derived(name: str, defined_in: Path, css: str, transform: Callable[[str], str]) -> str:
    """transform(css), from memory or the disk cache when the same code transformed this exact input before."""
    code = hashlib.sha256(defined_in.read_bytes()).hexdigest()[:16]
    key = f"{name}-{code}-{hashlib.sha256(css.encode('utf-8')).hexdigest()[:32]}"
    result = _cache.get(key)
    if result is None:
        result = transform(css)
        _cache.put(key, result)
        _cache.save(keep=lambda _key: True)
    return result
