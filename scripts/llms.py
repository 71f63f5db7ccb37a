"""llms.txt, llms-full.txt, one llms-<section>.txt per navigation section and one Markdown file per page.

AI readers get what Context7 indexes: the source of each page, code blocks byte for byte, with relative links
made absolute (to the Markdown copies), the page's front matter and the bounds of generated regions dropped,
and verification directives turned into text (a skipped block keeps its reason). ``llms.txt`` follows the
llmstxt.org layout: an H1, a quoted summary, paragraphs (here also the list of the one-file bundles), then one
H2 per navigation section listing its pages as ``[title](url): description``.

Every page copy and every ``llms-*.txt`` file opens with YAML front matter saying where it comes from
(``title``, ``description``, ``canonical``, ``verified_against``, ``written_for``, and a page's own
``reviewed`` and ``sources``), then a line pointing at ``llms.txt``.

Pure functions over the shared Markdown model; ``scripts/hooks/llms_txt.py`` calls them after a build.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from scripts.directives import DIRECTIVE_RE, notes, parse_directive
from scripts.docmodel import Page
from scripts.errors import DocError
from scripts.markers import MARKER_RE
from scripts.review import provenance

MD_NAME = "index.md"  # the Markdown copy of a page sits next to its index.html
FULL_NAME = "llms-full.txt"
INDEX_NAME = "llms.txt"
# Material's containers: content tabs (=== "Title") and admonitions (!!! kind "Title", ??? for collapsible).
CONTAINER_RE = re.compile(
    r'^(?P<indent>[ ]*)(?P<mark>===|!!!|\?\?\?)\+?[ \t]+(?P<kind>[\w-]+)?[ \t]*(?:"(?P<title>[^"]*)")?\s*$'
)


@dataclass(frozen=True)
class Entry:
    """One page as AI readers see it."""

    page: Page
    section: str  # the top-level navigation section, "" for pages outside any section
    html_path: str  # the page's URL path relative to the site root, e.g. "api/jobs/"

    @property
    def md_path(self) -> str:
        return f"{self.html_path}{MD_NAME}"


@dataclass(frozen=True)
class Site:
    """What every file says about the whole site: its name and summary, its URL (ending in "/"), and the
    provenance from ``extra`` in mkdocs.yml."""

    name: str
    summary: str
    url: str
    verified_against: dict[str, str] = field(default_factory=dict)
    written_for: str = ""


@dataclass(frozen=True)
class Bundle:
    """One ``llms-*.txt`` file: its name in the site root, what llms.txt calls it, and its text."""

    name: str
    title: str
    pages: int
    text: str


def _is_relative(target: str) -> bool:
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc or target.startswith("/"))


def _absolute(target: str, page: Page, site_url: str, md_paths: dict[str, str]) -> str:
    """The absolute URL for a link written relative to ``page``; unknown targets stay as written."""
    path, sep, fragment = target.partition("#")
    if not path:  # a link to an anchor on the same page
        return f"{site_url}{md_paths[page.rel]}#{fragment}" if page.rel in md_paths else target
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.rel), path))
    if resolved in md_paths:
        return f"{site_url}{md_paths[resolved]}{sep}{fragment}"
    if resolved.startswith("../"):
        return target
    return f"{site_url}{resolved}{sep}{fragment}"  # images and other files are copied to the site as they are


def _directive_text(line: str, path: str, number: int) -> str | None:
    """What replaces a comment line of ours: a directive's notes (a skip's reason, classic compute, legacy)
    become sentences; other directives and the bounds of generated regions go; any other line is kept (None)."""
    stripped = line.strip()
    if MARKER_RE.match(stripped):
        return ""  # the bounds of a generated region
    if not DIRECTIVE_RE.match(stripped):
        return None
    indent = line[: len(line) - len(line.lstrip())]
    return "".join(f"{indent}*{label}: {text}*\n\n" for label, text in notes(parse_directive(stripped, path, number)))


def _container_heading(match: re.Match[str]) -> str:
    """The plain-Markdown line that stands for a tab or an admonition."""
    if match.group("mark") == "===":
        title = match.group("title") or match.group("kind") or ""
        return f"**{title}**"
    kind = (match.group("kind") or "note").capitalize()
    title = match.group("title")
    return f"**{kind}: {title}**" if title else f"**{kind}**"


def flatten_containers(lines: list[str], code_lines: set[int], first_number: int = 1) -> list[str]:
    """Turn Material's tabs and admonitions into a bold line and un-indent what they hold by 4 spaces per
    level, so the text is plain CommonMark. ``code_lines`` holds the 1-based numbers of lines in code blocks."""
    out: list[str] = []
    depth: list[int] = []  # the indent of each open container's marker
    for number, line in enumerate(lines, start=first_number):
        body = line.rstrip("\n")
        if body.strip():
            indent = len(body) - len(body.lstrip(" "))
            while depth and indent < depth[-1] + 4:
                depth.pop()
        cut = 4 * len(depth)
        text = body[min(cut, len(body) - len(body.lstrip(" "))):] if body.strip() else ""
        match = CONTAINER_RE.match(body) if number not in code_lines else None
        if match:
            out.append(_container_heading(match) + "\n")
            depth.append(len(match.group("indent")))
            continue
        out.append(text + ("\n" if line.endswith("\n") else ""))
    return out


def page_markdown(entry: Entry, site_url: str, md_paths: dict[str, str]) -> str:
    """The page's Markdown for AI readers: no front matter, absolute links, directives as text."""
    page = entry.page
    lines = page.text.splitlines(keepends=True)
    in_code: set[int] = set()
    for block in page.blocks:
        in_code.update(range(block.line, block.end_line + 1))
    links_by_line: dict[int, list[str]] = {}
    for link in page.links:
        if _is_relative(link.target):
            links_by_line.setdefault(link.line, []).append(link.target)
    body_start = _body_start(lines) if lines and lines[0].rstrip() == "---" else 0
    out: list[str] = []
    flat = flatten_containers(lines[body_start:], in_code, body_start + 1)
    for number, line in enumerate(flat, start=body_start + 1):
        if number not in in_code:
            replaced = _directive_text(line, page.rel, number)
            if replaced is not None:
                out.append(replaced)
                continue
            for target in sorted(set(links_by_line.get(number, [])), key=len, reverse=True):
                new = _absolute(target, page, site_url, md_paths)
                line = line.replace(f"]({target})", f"]({new})").replace(f"]({target} ", f"]({new} ")
                line = re.sub(rf'(\b(?:href|src)=")({re.escape(target)})(")', rf"\g<1>{new}\g<3>", line)
        out.append(line)
    text = "".join(out).lstrip("\n")
    return text if text.endswith("\n") else text + "\n"


def _body_start(lines: list[str]) -> int:
    """Index of the first line after a ``---`` front-matter block."""
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index + 1
    return 0


class _Dumper(yaml.SafeDumper):
    """SafeDumper that indents a list under its key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def front_matter(fields: dict[str, Any]) -> str:
    """``fields`` as a YAML front-matter block, in the order given."""
    body = yaml.dump(fields, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=1_000_000)
    return f"---\n{body}---\n"


def pointer_line(site: Site) -> str:
    """The line under the front matter of every copy: where the index of everything is."""
    return f"> Index of these docs for AI readers: {site.url}{INDEX_NAME}\n"


def _site_provenance(site: Site) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if site.verified_against:
        fields["verified_against"] = dict(site.verified_against)
    if site.written_for:
        fields["written_for"] = site.written_for
    return fields


def _page_provenance(page: Page) -> dict[str, Any]:
    """The page's own ``reviewed`` (a date) and ``sources`` (a list), when its front matter has them."""
    info = provenance(page)
    fields: dict[str, Any] = {}
    if info.reviewed is not None:
        fields["reviewed"] = info.reviewed
    if info.sources:
        fields["sources"] = list(info.sources)
    return fields


def page_copy(entry: Entry, site: Site, body: str) -> str:
    """The page's Markdown copy as written into the site: front matter, the pointer line, then ``body``
    (page_markdown's result). Raises DocError when the page's ``reviewed`` or ``sources`` is malformed."""
    page = entry.page
    fields: dict[str, Any] = {"title": page.title}
    summary = " ".join(page.summary.split())
    if summary:
        fields["description"] = summary
    fields["canonical"] = f"{site.url}{entry.html_path}"
    fields.update(_site_provenance(site))
    fields.update(_page_provenance(page))
    return front_matter(fields) + pointer_line(site) + "\n" + body


def section_slug(title: str) -> str:
    """The file-name slug of a navigation section: lowercase ASCII letters and digits, runs of anything else
    turned into one hyphen ("REST API" -> "rest-api")."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def sections(entries: list[Entry]) -> dict[str, list[Entry]]:
    """The pages of each top-level navigation section, in navigation order (pages outside sections left out)."""
    out: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.section:
            out.setdefault(entry.section, []).append(entry)
    return out


def section_file_names(titles: list[str], config_path: Path | str, config_text: str) -> dict[str, str]:
    """``llms-<slug>.txt`` for each section title. A title with no letters or digits, or two titles with one
    slug (or the slug ``full``), raise DocError at the section's line in the nav of ``config_text``."""

    def fail(title: str, message: str) -> DocError:
        pattern = re.compile(rf"""^\s*-\s*["']?{re.escape(title)}["']?\s*:""")
        line = next((n for n, text in enumerate(config_text.splitlines(), 1) if pattern.match(text)), 1)
        return DocError(config_path, line, message)

    names: dict[str, str] = {}
    owners: dict[str, str] = {FULL_NAME: "llms-full.txt itself"}
    for title in titles:
        slug = section_slug(title)
        if not slug:
            raise fail(title, f"nav section {title!r} has no letters or digits to name its llms-<section>.txt")
        name = f"llms-{slug}.txt"
        if name in owners:
            raise fail(title, f"nav section {title!r} would write {name}, which {owners[name]} already writes;"
                              " rename one of them")
        owners[name] = f"nav section {title!r}"
        names[title] = name
    return names


def _bundle_header(title: str, description: str, canonical: str, site: Site, heading: str) -> str:
    fields: dict[str, Any] = {"title": title, "description": description, "canonical": canonical}
    fields.update(_site_provenance(site))
    return front_matter(fields) + pointer_line(site) + f"\n# {heading}\n\n> {' '.join(site.summary.split())}\n"


def _bundle_pages(entries: list[Entry], site: Site, md_paths: dict[str, str], texts: dict[str, str]) -> list[str]:
    parts = []
    for entry in entries:
        text = texts.get(entry.page.rel) or page_markdown(entry, site.url, md_paths)
        parts.append(f"<!-- page: {site.url}{entry.html_path} -->\n\n{text}")
    return parts


def _summary_line(entry: Entry, site_url: str) -> str:
    summary = " ".join(entry.page.summary.split())
    link = f"[{entry.page.title}]({site_url}{entry.md_path})"
    return f"- {link}: {summary}" if summary else f"- {link}"


def _lines(text: str) -> int:
    return text.count("\n")


def llms_index(entries: list[Entry], *, site: Site, details: str, full: Bundle | None = None,
               bundles: list[Bundle] | None = None) -> str:
    """The text of llms.txt: the llmstxt.org layout, with the one-file bundles listed above the sections (in
    the preamble, so tools that expand every linked page do not load each page twice)."""
    parts = [f"# {site.name}\n", f"> {' '.join(site.summary.split())}\n"]
    if details.strip():
        parts.append(" ".join(details.split()) + "\n")
    if full is not None:
        parts.append(f"Every page's Markdown in one file: [{full.name}]({site.url}{full.name}) "
                     f"({full.pages} pages, {_lines(full.text):,} lines).\n")
    if bundles:
        listed = "\n".join(f"- [{b.title}]({site.url}{b.name}): {b.pages} page{'s' if b.pages != 1 else ''}, "
                           f"{_lines(b.text):,} lines" for b in bundles)
        parts.append(f"One section's pages in one file each, in navigation order:\n\n{listed}\n")
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.section or "Overview", []).append(entry)
    for title, members in groups.items():
        parts.append(f"## {title}\n\n" + "\n".join(_summary_line(e, site.url) for e in members) + "\n")
    return "\n".join(parts)


def llms_full(entries: list[Entry], *, site: Site, texts: dict[str, str] | None = None) -> str:
    """The text of llms-full.txt: front matter, then every page's Markdown, in navigation order, each under its
    URL. ``texts`` may hold page_markdown's result per page (by ``rel``), already computed."""
    md_paths = {e.page.rel: e.md_path for e in entries}
    header = _bundle_header(
        f"{site.name}: every page",
        f"Every page of {site.name} in one Markdown file, in navigation order, code blocks byte for byte.",
        f"{site.url}{FULL_NAME}", site, site.name)
    return "\n".join([header, *_bundle_pages(entries, site, md_paths, texts or {})])


def llms_section(title: str, members: list[Entry], *, name: str, site: Site, md_paths: dict[str, str],
                 texts: dict[str, str] | None = None) -> str:
    """The text of one ``llms-<section>.txt``: front matter, then the Markdown of the section's pages
    (``members``), in navigation order, each under its URL, as in llms-full.txt. ``md_paths`` maps every page
    of the site (by ``rel``) to its Markdown copy, so links out of the section stay absolute."""
    header = _bundle_header(
        f"{site.name}: {title}",
        f"Every page of the {title} section of {site.name} in one Markdown file, in navigation order, "
        "code blocks byte for byte.",
        f"{site.url}{name}", site, f"{site.name}: {title}")
    return "\n".join([header, *_bundle_pages(members, site, md_paths, texts or {})])
