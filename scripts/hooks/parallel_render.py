"""MkDocs hook: render the last pages of a build in a helper process, in parallel with the rest.

Converting Markdown to HTML, highlighting code and parsing the HTML for the search index are single-threaded
Python, and a clean build does all three for every page. When the build starts (``on_nav``) this hook forks a
helper process that takes the pages at the end of the build order, about ``SHARE`` of the Markdown by size,
and renders them and their search entries into its own copy of the page and highlight caches, while the
build renders the first pages. When the build reaches the helper's first page it reads back what the helper
added to the caches (``helper_delta`` / ``helper_merge`` in the cache hooks) and carries on: the helper's
pages come out of the page cache, with any message logged while rendering them logged again, so the result
is the same site with the same warnings. The helper then runs each hook's ``helper_warmup`` (llms_txt.py
parses every page into the Markdown model's disk cache) and exits; ``on_post_build`` waits for it.

The helper is forked only where that is safe and worth it: a platform with ``os.fork``, no other thread
running (so not during the rebuilds of ``mkdocs serve``, whose server threads are up), at least ``MIN_PAGES``
pages, no cache hook answering ``helper_wanted(pages)`` with False (the page cache does when it already holds
renders for half the pages: a warm build), and the environment variable ``C7_BUILD_HELPER`` not set to ``0``.
Whatever goes wrong (no process to fork, an exception or a crash in the helper, data that does not unpickle)
only means the build renders those pages itself.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
from typing import Any

from mkdocs.commands.build import _populate_page
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

SHARE = 0.45  # the helper also parses its pages' HTML for the search index, so it takes a bit under half
MIN_PAGES = 8
SWITCH = "C7_BUILD_HELPER"

log = logging.getLogger("mkdocs.hooks.parallel_render")
_job: dict[str, Any] = {}  # pid, fd, pages (src_uris the helper renders), merged


def _cache_hooks(config: Any) -> list[tuple[str, Any]]:
    return [(name, module) for name, module in (config["hooks"] or {}).items()
            if hasattr(module, "helper_delta") and hasattr(module, "helper_merge")]


def _tail(files: list[Any]) -> list[Any]:
    """The last pages of the build order holding about SHARE of the Markdown, by file size."""
    sizes = [os.path.getsize(f.abs_src_path) if f.abs_src_path else 0 for f in files]
    budget, taken = SHARE * sum(sizes), 0
    start = len(files)
    while start > 1 and taken + sizes[start - 1] <= budget:
        start -= 1
        taken += sizes[start]
    return files[start:]


def _search_index(config: Any) -> Any:
    for name in ("material/search", "search"):
        plugin = config["plugins"].get(name)
        if plugin is not None and getattr(plugin, "config", None) and plugin.config.get("enabled", True):
            return getattr(plugin, "search_index", None)
    return None


def _helper(config: Any, files: Any, tail: list[Any], fd: int) -> None:
    """Runs in the forked process: render the tail pages, send the cache entries back, warm the other caches."""
    for logger in (logging.getLogger(), logging.getLogger("mkdocs")):
        logger.handlers = []  # the build logs; messages met while rendering travel back with each render
    index = _search_index(config)
    for file in tail:
        try:
            page = file.page if file.page is not None else Page(None, file, config)
            _populate_page(page, config, files)
            if index is not None:
                index.add_entry_from_context(page)
        except Exception:  # noqa: BLE001 - the build renders this page itself and reports the error
            continue
    delta = {name: module.helper_delta() for name, module in _cache_hooks(config)}
    with os.fdopen(fd, "wb") as out:
        pickle.dump(delta, out, protocol=pickle.HIGHEST_PROTOCOL)
    for module in (config["hooks"] or {}).values():
        warmup = getattr(module, "helper_warmup", None)
        if warmup is not None:
            warmup(config, files)


@event_priority(-100)  # after every other on_nav, so the helper starts from the state they leave
def on_nav(nav: Any, config: Any, files: Any) -> Any:
    _job.clear()
    if os.environ.get(SWITCH) == "0" or not hasattr(os, "fork") or threading.active_count() > 1:
        return nav
    pages = list(files.documentation_pages())
    hooks = _cache_hooks(config)
    if len(pages) < MIN_PAGES or not hooks:
        return nav
    if not all(getattr(module, "helper_wanted", lambda _n: True)(len(pages)) for _name, module in hooks):
        return nav
    tail = _tail(pages)
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:  # no process to spare: the build renders every page itself
        os.close(read_fd)
        os.close(write_fd)
        log.debug("build helper not started: %s", exc)
        return nav
    if pid == 0:  # the helper
        code = 1
        try:
            os.close(read_fd)
            _helper(config, files, tail, write_fd)
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    _job.update(pid=pid, fd=read_fd, pages={f.src_uri for f in tail}, merged=False)
    log.info("build helper: %d of %d pages rendered in a second process", len(tail), len(pages))
    return nav


def _merge(config: Any) -> None:
    """Read what the helper added to the caches (waiting for it to finish rendering) and take it in."""
    _job["merged"] = True
    try:
        with os.fdopen(_job["fd"], "rb") as source:
            delta = pickle.load(source)  # noqa: S301 - written by our own forked process
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, ImportError, IndexError):
        log.debug("build helper sent nothing back; rendering its pages here")
        return
    for name, module in _cache_hooks(config):
        if name in delta:
            module.helper_merge(delta[name])


def on_pre_page(page: Page, config: Any, files: Any) -> Page:
    if _job and not _job["merged"] and page.file.src_uri in _job["pages"]:
        _merge(config)
    return page


def _reap(kill: bool = False) -> None:
    if not _job:
        return
    if not _job["merged"]:
        _job["merged"] = True
        os.close(_job["fd"])
    if kill:
        try:
            os.kill(_job["pid"], 9)
        except ProcessLookupError:
            pass
    try:
        os.waitpid(_job["pid"], 0)
    except ChildProcessError:
        pass
    _job.clear()


def on_post_build(config: Any) -> None:
    """Wait for the helper (its warm-ups write caches the hooks after this one read)."""
    _reap()


def on_build_error(error: Exception) -> None:
    _reap(kill=True)
