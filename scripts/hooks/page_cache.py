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
so ``--strict`` fails the same way from the cache. The cache is ``pages`` of scripts/cache.py (``.cache/``,
outside docs/, so ``mkdocs serve`` never sees it change), keyed as a whole by the versions of the packages that
render and by this file's code, written after a build that added entries and keeping only the entries that
build used. In ``mkdocs serve`` it also stays in memory between rebuilds (MkDocs imports a hook once per
process).
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.structure.pages import Page

from scripts.cache import Cache, cache_dir, files_digest, package_versions

FORMAT = 1  # bump when the stored shape changes
SNIPPET_MARK = "--8<--"  # pymdownx.snippets: such a page includes other files, so it is never cached
VERSIONS = (f"format={FORMAT}",
            *package_versions("mkdocs", "markdown", "pymdown-extensions", "pygments", "mkdocs-material"),
            files_digest([Path(__file__)]))
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")

_cache = Cache("pages", VERSIONS)
_counts = {"hits": 0, "misses": 0}
_files_sig: tuple[Any, str] = (None, "")


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


def _files_signature(files: Any) -> str:
    global _files_sig
    if _files_sig[0] is not files:
        rows = sorted((f.src_uri, f.dest_uri, f.url, str(f.inclusion)) for f in files)
        _files_sig = (files, _digest(rows))
    return _files_sig[1]


def _render_key(page: Page, config: Any, files: Any) -> str:
    return _digest(
        "render",
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
    key = _render_key(self, config, files)
    stored = _cache.get(key)
    if stored is not None and _restore_render(self, files, stored):
        _counts["hits"] += 1
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
    _cache.put(key, {
        "content": self.content,
        "toc": copy.deepcopy(self.toc),
        "title": self._title_from_render,
        "present_anchor_ids": sorted(self.present_anchor_ids or ()),
        "links_to_anchors": None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
        "log": recorder.records,
    })
    _counts["misses"] += 1


_PRE_RE = re.compile(r"<pre\b[^>]*>.*?</pre>", re.DOTALL)
_SPAN_RE = re.compile(r"</?span\b[^>]*>")


def without_code_spans(html: str) -> str:
    """The HTML with the span tags inside <pre> removed: Pygments wraps every token in one, and Material's
    search parser keeps the text of a <pre> verbatim, so the index it builds is the same with half the tags."""
    return _PRE_RE.sub(lambda m: _SPAN_RE.sub("", m.group(0)), html)


def _toc_rows(items: Any) -> list[Any]:
    return [(i.id, i.url, i.title, i.level, _toc_rows(i.children)) for i in items]


def _cached_search_entry(self: Any, page: Any) -> None:
    meta = json.dumps(page.meta, sort_keys=True, default=str)
    key = _digest("search", page.content, page.url, str(page.title), meta,
                  _toc_rows(page.toc), _stable(self.config))
    stored = _cache.get(key)
    if stored is not None:
        self.entries.extend(copy.deepcopy(stored))
        return
    before = len(self.entries)
    content = page.content
    page.content = without_code_spans(content)
    try:
        _ORIGINAL_SEARCH(self, page)
    finally:
        page.content = content
    _cache.put(key, copy.deepcopy(self.entries[before:]))


def _install() -> tuple[Any, Any]:
    """Wrap Page.render and SearchIndex.add_entry_from_context; return the originals. Wrapped once: a test may
    load this file twice in one process, and the second copy must not wrap the first copy's wrappers."""
    from material.plugins.search.plugin import SearchIndex

    render = getattr(Page.render, "_c7_original", Page.render)
    search = getattr(SearchIndex.add_entry_from_context, "_c7_original", SearchIndex.add_entry_from_context)
    _cached_render._c7_original = render  # type: ignore[attr-defined]
    _cached_search_entry._c7_original = search  # type: ignore[attr-defined]
    Page.render = _cached_render  # type: ignore[method-assign]
    SearchIndex.add_entry_from_context = _cached_search_entry  # type: ignore[method-assign]
    return render, search


_ORIGINAL_RENDER: Any = None
_ORIGINAL_SEARCH: Any = None


def on_config(config: Any) -> None:
    """Install the wrappers; the cache lives in the project of the mkdocs.yml being built."""
    global _ORIGINAL_RENDER, _ORIGINAL_SEARCH, _cache
    _ORIGINAL_RENDER, _ORIGINAL_SEARCH = _install()
    root = Path(config["config_file_path"]).resolve().parent
    if _cache.root != root:
        _cache = Cache("pages", VERSIONS, root)


def on_env(env: Any, config: Any, files: Any) -> Any:
    """Compiled templates go to .cache/jinja (Jinja keys them by template source and its own version)."""
    import jinja2

    class _BytecodeCache(jinja2.FileSystemBytecodeCache):
        """Jinja's file cache, except that a template it cannot store is only compiled again next time."""

        def dump_bytecode(self, bucket: Any) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError as exc:
                print(f"warning: cache {self.directory} not written ({exc}); carrying on without it", file=sys.stderr)

    folder = cache_dir(_cache.root) / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"warning: cache {folder} not usable ({exc}); carrying on without it", file=sys.stderr)
        return env
    env.bytecode_cache = _BytecodeCache(str(folder))
    return env


def on_pre_build(config: Any) -> None:
    _cache.start_run()
    _counts["hits"] = _counts["misses"] = 0


def on_post_build(config: Any) -> None:
    logging.getLogger("mkdocs.hooks.page_cache").info(
        "page cache: %d rendered from cache, %d rendered", _counts["hits"], _counts["misses"])
    _cache.save()
