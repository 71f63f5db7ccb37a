"""llms.txt, llms-full.txt and one Markdown file per page, written from the Markdown sources.

AI readers get what Context7 indexes: the source of each page, code blocks byte for byte, with relative links
made absolute (to the Markdown copies), front matter and the bounds of generated regions dropped, and
verification directives turned into text (a skipped block keeps its reason). ``llms.txt`` follows the
llmstxt.org layout: an H1, a quoted summary, a paragraph, then one H2 per navigation section listing its pages
as ``[title](url): description``.

Pure functions over the shared Markdown model; ``scripts/hooks/llms_txt.py`` calls them after a build.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from scripts.directives import DIRECTIVE_RE, notes, parse_directive
from scripts.docmodel import Page
from scripts.markers import MARKER_RE

MD_NAME = "index.md"  # the Markdown copy of a page sits next to its index.html
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


def _summary_line(entry: Entry, site_url: str) -> str:
    summary = " ".join(entry.page.summary.split())
    link = f"[{entry.page.title}]({site_url}{entry.md_path})"
    return f"- {link}: {summary}" if summary else f"- {link}"


def llms_index(entries: list[Entry], *, site_name: str, summary: str, details: str, site_url: str) -> str:
    """The text of llms.txt."""
    parts = [f"# {site_name}\n", f"> {' '.join(summary.split())}\n"]
    if details.strip():
        parts.append(" ".join(details.split()) + "\n")
    sections: dict[str, list[Entry]] = {}
    for entry in entries:
        sections.setdefault(entry.section or "Overview", []).append(entry)
    for title, members in sections.items():
        parts.append(f"## {title}\n\n" + "\n".join(_summary_line(e, site_url) for e in members) + "\n")
    return "\n".join(parts)


def llms_full(entries: list[Entry], *, site_name: str, summary: str, site_url: str,
              texts: dict[str, str] | None = None) -> str:
    """The text of llms-full.txt: every page's Markdown, in navigation order, each under its URL.
    ``texts`` may hold page_markdown's result per page (by ``rel``), already computed."""
    md_paths = {e.page.rel: e.md_path for e in entries}
    texts = texts or {}
    parts = [f"# {site_name}\n\n> {' '.join(summary.split())}\n"]
    for entry in entries:
        text = texts.get(entry.page.rel) or page_markdown(entry, site_url, md_paths)
        parts.append(f"<!-- page: {site_url}{entry.html_path} -->\n\n{text}")
    return "\n".join(parts)
