"""MkDocs hook: reuse each page's rendered HTML and search-index entries when nothing that shapes them changed.

A build spends most of its time in two places: converting each page's Markdown to HTML (``Page.render``) and
parsing that HTML again for the search index (Material's ``SearchIndex.add_entry_from_context``). Both are pure
functions of inputs this hook can name, so both are memoised:

- a render is keyed by the page's Markdown (after every ``on_page_markdown`` hook), its source path and URL,
  every file's source path and URL (relative links are resolved against them), the Markdown extensions and
  their options, the validation settings, the log level, and the versions of the packages that render;
- a search entry list is keyed by the page's final HTML, URL, title, table of contents, front matter and the
  search plugin's options.

A page that includes other files (pymdownx.snippets, ``--8<--``) is always rendered afresh. A page's HTML
goes to the search parser without the Pygments spans inside ``<pre>`` (the same index, half the tags). Compiled theme
templates are kept too, with Jinja's own bytecode cache (keyed by each template's source).

Messages logged while a page rendered (a broken link, say) are stored with it and logged again on every hit,
so ``--strict`` fails the same way from the cache. The cache is one pickle in ``.cache/`` (outside docs/, so
``mkdocs serve`` never sees it change), written atomically after a build that added entries, keeping only the
entries that build used. In ``mkdocs serve`` it also stays in memory between rebuilds. A build helper process
(scripts/hooks/parallel_render.py) renders part of a build's pages into its own copy of the cache and hands
the new entries back through ``helper_delta`` and ``helper_merge``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import pickle
import re
import sys
import types
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.structure.pages import Page

CACHE_FILE = Path(".cache/pages.pickle")
JINJA_CACHE = Path(".cache/jinja")
FORMAT = 1  # bump when the stored shape changes
SNIPPET_MARK = "--8<--"  # pymdownx.snippets: such a page includes other files, so it is never cached
_PACKAGES = ("mkdocs", "markdown", "pymdown-extensions", "pygments", "mkdocs-material")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")

# One state object per process, kept in sys.modules: `mkdocs serve` re-imports this file on every rebuild.
_state: Any = sys.modules.get("_c7_page_cache_state")
if _state is None:
    _state = types.ModuleType("_c7_page_cache_state")
    _state.entries = None  # key -> stored value, loaded from CACHE_FILE on the first build
    _state.used = set()
    _state.added = 0
    _state.new = set()  # keys this process added during the current build
    _state.from_helper = set()  # keys a build helper process added during the current build
    _state.helper = 0  # renders taken from a build helper process
    _state.hits = 0
    _state.misses = 0
    _state.files_sig = (None, "")
    sys.modules["_c7_page_cache_state"] = _state


def _stable(value: Any) -> Any:
    """A representation of a config value that is the same in every process (no memory addresses)."""
    if isinstance(value, dict):
        return sorted(((str(k), _stable(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_stable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__name__)}"
    return _ADDRESS.sub("", repr(value))


def _digest(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _versions() -> tuple[str, ...]:
    found = []
    for name in _PACKAGES:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}==absent")
    return tuple(found)


_HOOK_SOURCE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
_VERSIONS = _versions()


def _files_signature(files: Any) -> str:
    if _state.files_sig[0] is not files:
        rows = sorted((f.src_uri, f.dest_uri, f.url, str(f.inclusion)) for f in files)
        _state.files_sig = (files, _digest(rows))
    return _state.files_sig[1]


def _render_key(page: Page, config: Any, files: Any) -> str:
    return _digest(
        "render", FORMAT, _HOOK_SOURCE, _VERSIONS,
        page.markdown, page.file.src_uri, page.file.dest_uri, page.file.url,
        _files_signature(files),
        _stable(config["markdown_extensions"]), _stable(config["mdx_configs"]),
        _stable(config["validation"]), config["use_directory_urls"],
        logging.getLogger("mkdocs.structure.pages").getEffectiveLevel(),
    )


class _Recorder(logging.Handler):
    """Keeps every message logged while one page renders, to log again when the render comes from the cache."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _load() -> None:
    if _state.entries is not None:
        return
    _state.entries = {}
    try:
        with CACHE_FILE.open("rb") as fh:
            data = pickle.load(fh)  # noqa: S301 - our own cache file, written by _save
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, ImportError, IndexError):
        return
    if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("entries"), dict):
        _state.entries = data["entries"]


def _save() -> None:
    kept = {k: v for k, v in _state.entries.items() if k in _state.used}
    CACHE_FILE.parent.mkdir(exist_ok=True)
    tmp = CACHE_FILE.with_name(f"{CACHE_FILE.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump({"format": FORMAT, "entries": kept}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, CACHE_FILE)
    _state.entries = kept


def _restore_render(page: Page, files: Any, stored: dict[str, Any]) -> bool:
    links = None
    if stored["links_to_anchors"] is not None:
        links = {}
        for src_uri, anchors in stored["links_to_anchors"].items():
            target = files.get_file_from_path(src_uri)
            if target is None:
                return False
            links[target] = dict(anchors)
    page.content = stored["content"]
    page.toc = copy.deepcopy(stored["toc"])
    page._title_from_render = stored["title"]
    page.present_anchor_ids = set(stored["present_anchor_ids"])
    if links is not None:
        page.links_to_anchors = links
    for name, level, message in stored["log"]:
        logging.getLogger(name).log(level, "%s", message)
    return True


def _cached_render(self: Page, config: Any, files: Any) -> None:
    if SNIPPET_MARK in (self.markdown or ""):
        _ORIGINAL_RENDER(self, config, files)  # includes other files: not a function of this page alone
        return
    _load()
    key = _render_key(self, config, files)
    stored = _state.entries.get(key)
    if stored is not None and _restore_render(self, files, stored):
        _state.used.add(key)
        if key in _state.from_helper:
            _state.helper += 1
        else:
            _state.hits += 1
        return
    recorder = _Recorder()
    loggers = [logging.getLogger("mkdocs"), logging.getLogger()]
    for logger in loggers:
        logger.addHandler(recorder)
    try:
        _ORIGINAL_RENDER(self, config, files)
    finally:
        for logger in loggers:
            logger.removeHandler(recorder)
    links = self.links_to_anchors
    _state.entries[key] = {
        "content": self.content,
        "toc": copy.deepcopy(self.toc),
        "title": self._title_from_render,
        "present_anchor_ids": sorted(self.present_anchor_ids or ()),
        "links_to_anchors": None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
        "log": recorder.records,
    }
    _state.used.add(key)
    _state.new.add(key)
    _state.added += 1
    _state.misses += 1


_PRE_RE = re.compile(r"<pre\b[^>]*>.*?</pre>", re.DOTALL)
_SPAN_RE = re.compile(r"</?span\b[^>]*>")


def without_code_spans(html: str) -> str:
    """The HTML with the span tags inside <pre> removed: Pygments wraps every token in one, and Material's
    search parser keeps the text of a <pre> verbatim, so the index it builds is the same with half the tags."""
    return _PRE_RE.sub(lambda m: _SPAN_RE.sub("", m.group(0)), html)


def _toc_rows(items: Any) -> list[Any]:
    return [(i.id, i.url, i.title, i.level, _toc_rows(i.children)) for i in items]


def _cached_search_entry(self: Any, page: Any) -> None:
    _load()
    meta = json.dumps(page.meta, sort_keys=True, default=str)
    key = _digest("search", FORMAT, _HOOK_SOURCE, _VERSIONS, page.content, page.url, str(page.title), meta,
                  _toc_rows(page.toc), _stable(self.config))
    stored = _state.entries.get(key)
    if stored is not None:
        self.entries.extend(copy.deepcopy(stored))
        _state.used.add(key)
        return
    before = len(self.entries)
    content = page.content
    page.content = without_code_spans(content)
    try:
        _ORIGINAL_SEARCH(self, page)
    finally:
        page.content = content
    _state.entries[key] = copy.deepcopy(self.entries[before:])
    _state.used.add(key)
    _state.new.add(key)
    _state.added += 1


def _install() -> tuple[Any, Any]:
    """Wrap Page.render and SearchIndex.add_entry_from_context once per process; return the originals."""
    from material.plugins.search.plugin import SearchIndex

    render = getattr(Page.render, "_c7_original", Page.render)
    search = getattr(SearchIndex.add_entry_from_context, "_c7_original", SearchIndex.add_entry_from_context)
    if not hasattr(Page.render, "_c7_original"):
        def render_wrapper(page: Page, config: Any, files: Any) -> None:
            sys.modules["_c7_page_cache_state"].render(page, config, files)
        render_wrapper._c7_original = render  # type: ignore[attr-defined]
        Page.render = render_wrapper  # type: ignore[method-assign]

        def search_wrapper(index: Any, page: Any) -> None:
            sys.modules["_c7_page_cache_state"].search(index, page)
        search_wrapper._c7_original = search  # type: ignore[attr-defined]
        SearchIndex.add_entry_from_context = search_wrapper  # type: ignore[method-assign]
    return render, search


_ORIGINAL_RENDER: Any = None
_ORIGINAL_SEARCH: Any = None


def on_config(config: Any) -> None:
    """Install the wrappers (once per process); they call whichever copy of this module loaded last, so a hook
    re-imported by `mkdocs serve` takes effect."""
    global _ORIGINAL_RENDER, _ORIGINAL_SEARCH
    _ORIGINAL_RENDER, _ORIGINAL_SEARCH = _install()
    _state.render = _cached_render
    _state.search = _cached_search_entry


def on_env(env: Any, config: Any, files: Any) -> Any:
    """Compiled templates go to .cache/jinja (Jinja keys them by template source and its own version)."""
    import jinja2

    JINJA_CACHE.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(JINJA_CACHE))
    return env


def on_pre_build(config: Any) -> None:
    _state.used = set()
    _state.new = set()
    _state.from_helper = set()
    _state.added = _state.hits = _state.misses = _state.helper = 0


def helper_wanted(pages: int) -> bool:
    """Whether a build helper process would pay off: not when the cache already holds renders for at least half
    as many pages as the build has (a warm build renders few pages, and forking costs more than it saves)."""
    _load()
    renders = sum(1 for value in _state.entries.values() if isinstance(value, dict) and "content" in value)
    return renders < pages / 2


def helper_delta() -> dict[str, Any]:
    """The entries this process added during the current build (sent back by a build helper process)."""
    _load()
    return {key: _state.entries[key] for key in _state.new}


def helper_merge(delta: dict[str, Any]) -> None:
    """Take in the entries a build helper process added; its renders count as rendered, not as cache hits."""
    _load()
    _state.entries.update(delta)
    _state.used.update(delta)
    _state.from_helper.update(delta)
    _state.added += len(delta)


def on_post_build(config: Any) -> None:
    helper = f" ({_state.helper} in a helper process)" if _state.helper else ""
    logging.getLogger("mkdocs.hooks.page_cache").info(
        "page cache: %d rendered from cache, %d rendered%s", _state.hits, _state.misses + _state.helper, helper)
    if _state.added or len(_state.used) != len(_state.entries or {}):
        _save()
