"""MkDocs hook: write llms.txt, llms-full.txt, one llms-<section>.txt per top-level nav section and a
Markdown copy of every page into the built site.

The pages come from the navigation (its order and its top-level sections), their text from the shared
Markdown model (scripts/docmodel.py), the wording from scripts/llms.py, the provenance in each file's front
matter from ``site_url`` and ``extra`` (scripts/siteconfig.py). ``extra.llms_txt.details`` in mkdocs.yml is
the paragraph under the summary. Files are written atomically; a page the model cannot read, or a nav section
that cannot be named, fails the build with its ``file:line: message``. Each page's text is remembered across
the rebuilds of one ``mkdocs serve`` (MkDocs imports a hook once per process).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page as MkPage

from scripts.cache import write_atomic
from scripts.docmodel import parse_page
from scripts.errors import DocError
from scripts.llms import (
    FULL_NAME,
    INDEX_NAME,
    Bundle,
    Entry,
    Site,
    llms_full,
    llms_index,
    llms_section,
    page_copy,
    page_markdown,
    section_file_names,
    sections,
)
from scripts.siteconfig import verified_against, written_for

_nav_pages: list[tuple[str, MkPage]] = []
_memo: dict[bytes, str] = {}
_fresh: dict[bytes, str] = {}


def _walk(items: list[Any], section: str) -> None:
    for item in items:
        if isinstance(item, MkPage):
            _nav_pages.append((section, item))
        elif isinstance(item, Section):
            _walk(item.children, section or item.title)


def on_nav(nav: Navigation, config: Any, files: Any) -> Navigation:
    _nav_pages.clear()
    _walk(nav.items, "")
    return nav


def _page_text(entry: Entry, site_url: str, md_paths: dict[str, str]) -> str:
    """page_markdown, remembered across the rebuilds of one `mkdocs serve` (keyed by everything it reads:
    the page's text, from which the model derives its blocks and links, and where every page lives)."""
    page = entry.page
    key = hashlib.sha256(repr((page.rel, page.text, entry.section, entry.html_path, site_url,
                               sorted(md_paths.items()))).encode("utf-8", "surrogatepass")).digest()
    text = _memo.get(key)
    if text is None:
        text = page_markdown(entry, site_url, md_paths)
    _fresh[key] = text
    return text


def _write(path: Path, text: str) -> None:
    write_atomic(path, text)


def _config_file(config: Any) -> tuple[Path | str, str]:
    """mkdocs.yml's path and text, for the line of a nav section in an error ("mkdocs.yml" and "" if unread)."""
    path = config.get("config_file_path")
    if not path:
        return "mkdocs.yml", ""
    try:
        return path, Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return path, ""


def on_post_build(config: Any) -> None:
    _fresh.clear()
    site_url = config["site_url"] or "/"
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    entries: list[Entry] = []
    try:
        for section, mk_page in _nav_pages:
            source = mk_page.file.abs_src_path
            if source is None:
                continue
            page = parse_page(Path(source), mk_page.file.src_uri)
            html_path = mk_page.file.url.removeprefix("./")
            entries.append(Entry(page=page, section=section, html_path=html_path))
    except DocError as exc:
        raise PluginError(str(exc)) from None
    extra = (config.get("extra") or {}).get("llms_txt") or {}
    site = Site(name=config["site_name"], summary=config["site_description"] or "", url=site_url,
                verified_against=verified_against(config), written_for=written_for(config))
    site_dir = Path(config["site_dir"])
    md_paths = {e.page.rel: e.md_path for e in entries}
    groups = sections(entries)
    try:
        texts = {e.page.rel: _page_text(e, site_url, md_paths) for e in entries}
        copies = {e.page.rel: page_copy(e, site, texts[e.page.rel]) for e in entries}
        names = section_file_names(list(groups), *_config_file(config))
    except DocError as exc:
        raise PluginError(str(exc)) from None
    for entry in entries:
        _write(site_dir / entry.md_path, copies[entry.page.rel])
    bundles = [Bundle(names[title], title, len(members),
                      llms_section(title, members, name=names[title], site=site, md_paths=md_paths, texts=texts))
               for title, members in groups.items()]
    full = Bundle(FULL_NAME, FULL_NAME, len(entries), llms_full(entries, site=site, texts=texts))
    for bundle in [*bundles, full]:
        _write(site_dir / bundle.name, bundle.text)
    _write(site_dir / INDEX_NAME, llms_index(entries, site=site, details=str(extra.get("details", "")),
                                             full=full, bundles=bundles))
    _memo.clear()
    _memo.update(_fresh)
