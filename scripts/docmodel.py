"""The one Markdown model every script shares: pages -> headings -> links -> fenced blocks.

Parsing uses markdown-it-py (CommonMark) with the admonition plugin. Material's content tabs
(``=== "Title"``) are read as containers by rewriting only their marker lines, keeping every
line number, so blocks inside tabs and admonitions are found at the right line.

Bad input raises ``DocError`` (``file:line: message``): invalid UTF-8, an empty file, a
directory where a page was expected, malformed front matter, an unclosed code fence, or a
verify directive that is malformed or not followed by a code block.
"""

from __future__ import annotations

import atexit
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from markdown.extensions.toc import slugify as toc_slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from scripts.cache import Cache, files_digest
from scripts.directives import Directive, is_directive_comment, parse_directive
from scripts.errors import DocError

TAB_MARKER_RE = re.compile(r'^(?P<indent>\s*)===(?P<plus>\+?)[ \t]+(?P<title>".*")\s*$')
HEADING_ATTR_RE = re.compile(r"\s*\{:?\s*(?P<attrs>[^}]*)\}\s*$")
HTML_ID_RE = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""")
HTML_LINK_RE = re.compile(r"""<(?P<tag>a|img)\b[^>]*?\b(?P<attr>href|src)\s*=\s*["'](?P<url>[^"']+)["']""", re.I)

# Fence languages grouped under the name the verifier uses.
LANGUAGE_ALIASES = {
    "py": "python",
    "python3": "python",
    "pycon": "python",
    "sh": "shell",
    "bash": "shell",
    "console": "shell",
    "shell": "shell",
    "zsh": "shell",
    "yml": "yaml",
    "cfg": "ini",
    "plaintext": "text",
    "txt": "text",
    "output": "text",
}
# Languages whose blocks are output or prose, not examples.
NON_EXAMPLE_LANGUAGES = frozenset({"text", ""})


def normalize_language(info: str) -> str:
    """The canonical language of a fence info string (``py title="x"`` -> ``python``)."""
    word = info.strip().split(None, 1)[0].lower() if info.strip() else ""
    word = word.lstrip(".{").rstrip("}")
    return LANGUAGE_ALIASES.get(word, word)


def slugify(text: str) -> str:
    """The anchor Python-Markdown's toc extension gives a heading (the site's own slugs)."""
    return toc_slugify(text, "-")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    slug: str
    line: int


@dataclass(frozen=True)
class Link:
    target: str
    line: int
    kind: str  # "link" or "image"


@dataclass(frozen=True)
class Block:
    """One fenced code block and what surrounds it."""

    path: str
    line: int  # line of the opening fence, 1-based
    end_line: int  # line of the closing fence
    info: str
    language: str
    code: str
    directive: Directive | None
    heading: Heading | None
    prose_before: bool  # a paragraph sits between the block and its heading (or previous block)
    in_tab: str | None  # title of the content tab holding the block, if any
    index: int  # position of the block on its page, from 0

    @property
    def is_example(self) -> bool:
        return self.language not in NON_EXAMPLE_LANGUAGES and not self.is_output

    @property
    def is_output(self) -> bool:
        return self.directive is not None and self.directive.action == "output"

    @property
    def is_skipped(self) -> bool:
        return self.directive is not None and self.directive.action == "skip"

    @property
    def is_run(self) -> bool:
        return self.directive is not None and self.directive.action == "run"

    @property
    def code_first_line(self) -> int:
        return self.line + 1


@dataclass
class Page:
    path: Path
    rel: str  # path relative to the docs root (posix), or the file name for root files
    text: str
    front_matter: dict[str, object]
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)

    @property
    def line_count(self) -> int:
        return self.text.count("\n") + (0 if self.text.endswith("\n") or not self.text else 1)

    @property
    def title(self) -> str:
        value = self.front_matter.get("title")
        if isinstance(value, str) and value.strip():
            return value.strip()
        h1 = next((h for h in self.headings if h.level == 1), None)
        return h1.text if h1 else self.rel

    @property
    def summary(self) -> str:
        value = self.front_matter.get("description")
        return value.strip() if isinstance(value, str) else ""

    @property
    def status(self) -> str:
        value = self.front_matter.get("status")
        return value if isinstance(value, str) else "verified"

    @property
    def examples(self) -> list[Block]:
        return [b for b in self.blocks if b.is_example]


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .use(admon_plugin)
        .use(deflist_plugin)
        .use(footnote_plugin)
    )


def read_text(path: Path) -> str:
    """Read a UTF-8 file, turning every failure into a DocError."""
    if path.is_dir():
        raise DocError(path, 1, "is a directory, expected a Markdown file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocError(path, 1, "file not found") from None
    except OSError as exc:
        raise DocError(path, 1, f"cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DocError(path, line, f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a date stays the text it was written as: a date that does not exist
    (2026-02-30) would otherwise fail inside the loader with no line; scripts.review reads and checks dates."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str, path: Path) -> tuple[dict[str, object], int]:
    """Return (front matter, number of lines it takes). Raises DocError when malformed."""
    if not text.startswith("---\n") and text.strip() != "---":
        return {}, 0
    lines = text.split("\n")
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        raise DocError(path, 1, "front matter opened with --- is never closed")
    raw = "\n".join(lines[1:end])
    try:
        data = yaml.load(raw, Loader=_FrontMatterLoader) if raw.strip() else {}  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DocError(path, line, f"malformed front matter: {problem}") from None
    if not isinstance(data, dict):
        raise DocError(path, 1, "front matter must be a mapping of keys to values")
    return data, end + 1


FENCE_OPEN_RE = re.compile(r"^(?P<indent>[ ]*)(?P<marker>`{3,}|~{3,})")


def _mask_tabs(lines: list[str]) -> list[str]:
    """Prepare lines for markdown-it, keeping the line count.

    - ``=== "T"`` tab markers become admonition markers with the same indent, so tabs parse as containers.
    - A blank line inside an indented fence (a fence in a tab or admonition) is given the fence's indent:
      the admonition plugin closes a container at two blank lines, while the site's parser (superfences)
      keeps fenced code whole, blank lines and all.
    """
    out = []
    fence: tuple[str, str] | None = None  # (indent, marker) of the open fence
    for line in lines:
        if fence is not None:
            indent, marker = fence
            stripped = line.strip()
            if stripped and set(stripped) == {marker[0]} and len(stripped) >= len(marker):
                fence = None
            elif not stripped and indent:
                line = indent
            out.append(line)
            continue
        m = FENCE_OPEN_RE.match(line)
        if m:
            fence = (m.group("indent"), m.group("marker"))
            out.append(line)
            continue
        t = TAB_MARKER_RE.match(line)
        out.append(f"{t.group('indent')}!!! tab {t.group('title')}" if t else line)
    return out


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _closing_fence_ok(lines: list[str], token: Token) -> bool:
    if token.map is None:
        raise RuntimeError("a fence token without a source line map")
    last = token.map[1] - 1
    if last <= token.map[0]:
        return False
    closing = lines[last].strip()
    char = token.markup[0]
    return bool(closing) and set(closing) == {char} and len(closing) >= len(token.markup)


def _locate(lines: list[str], start: int, end: int, needle: str) -> int:
    for i in range(start, min(end, len(lines))):
        if needle in lines[i]:
            return i + 1
    return start + 1


@lru_cache(maxsize=1)
def _model_fingerprint() -> str:
    """Changes whenever the model's own code does, so a cached page is never read by a different model."""
    here = Path(__file__).resolve().parent
    return files_digest(here / name for name in ("docmodel.py", "directives.py", "errors.py"))


@lru_cache(maxsize=1)
def _page_cache() -> Cache:
    """The ``docmodel`` cache: one entry per file, written when the process exits (only files that still exist
    are kept, so a deleted page or a test's fixture leaves no trace)."""
    cache = Cache("docmodel", (_model_fingerprint(),))
    atexit.register(lambda: cache.save(keep=lambda key: Path(key[0]).exists()) if cache.added else None)
    return cache


def parse_page(path: Path, rel: str | None = None) -> Page:
    """Parse one Markdown file into a Page. Raises DocError on bad input.

    Parsed pages are cached (scripts/cache.py, ``docmodel``) keyed by the file's path and bytes, its name in
    the docs and the model's code, so an unchanged page is not parsed again by the next script (bad input is
    never cached).
    """
    text = read_text(path)
    key = (str(path.resolve()), rel)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    cache = _page_cache()
    stored = cache.get(key)
    if stored is not None and stored[0] == digest and stored[1].path == path:
        return stored[1]
    page = _parse_text(path, rel, text)
    cache.put(key, (digest, page))
    return page


def _parse_text(path: Path, rel: str | None, text: str) -> Page:
    if not text.strip():
        raise DocError(path, 1, "empty file")
    front, offset = split_front_matter(text, path)
    all_lines = text.split("\n")
    body_lines = _mask_tabs(all_lines[offset:])
    tokens = _parser().parse("\n".join(body_lines))
    page = Page(path=path, rel=rel or path.name, text=text, front_matter=front)
    shown = str(path)

    seen_slugs: dict[str, int] = {}
    current_heading: Heading | None = None
    prose_since: bool = False
    pending: Directive | None = None
    pending_line = 0
    tab_stack: list[str | None] = []
    block_index = 0

    for i, tok in enumerate(tokens):
        line = (tok.map[0] + 1 + offset) if tok.map else 0
        if tok.type == "admonition_open":
            title = tok.meta.get("tag") if isinstance(tok.meta, dict) else None
            is_tab = tok.info.strip().startswith("tab ")
            tab_stack.append(tok.info.strip()[4:].strip().strip('"') if is_tab else None)
            _ = title
            continue
        if tok.type == "admonition_close":
            if tab_stack:
                tab_stack.pop()
            continue
        if pending is not None and tok.type != "fence":
            raise DocError(shown, pending_line, "verify directive must stand directly above a fenced code block")
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            raw = _inline_text(inline)
            explicit_id = None
            m = HEADING_ATTR_RE.search(raw)
            if m:
                ids = [a[1:] for a in m.group("attrs").split() if a.startswith("#")]
                explicit_id = ids[0] if ids else None
                raw = raw[: m.start()]
            text_clean = raw.strip()
            base = explicit_id or slugify(text_clean)
            slug = base
            if not explicit_id and base in seen_slugs:
                seen_slugs[base] += 1
                slug = f"{base}_{seen_slugs[base]}"
            else:
                seen_slugs.setdefault(base, 0)
            current_heading = Heading(int(tok.tag[1]), text_clean, slug, line)
            page.headings.append(current_heading)
            page.anchors.add(slug)
            prose_since = False
            continue
        if tok.type == "inline" and tok.map:
            start, end = tok.map[0] + offset, tok.map[1] + offset
            for child in tok.children or []:
                if child.type == "link_open":
                    href = str(child.attrs.get("href", ""))
                    page.links.append(Link(href, _locate(all_lines, start, end, href), "link"))
                elif child.type == "image":
                    src = str(child.attrs.get("src", ""))
                    page.links.append(Link(src, _locate(all_lines, start, end, src), "image"))
                elif child.type == "html_inline":
                    page.anchors.update(HTML_ID_RE.findall(child.content))
            if tokens[i - 1].type == "paragraph_open" and _inline_text(tok).strip():
                prose_since = True
            continue
        if tok.type == "html_block":
            if is_directive_comment(tok.content):
                pending = parse_directive(tok.content, shown, line)
                pending_line = line
                continue
            page.anchors.update(HTML_ID_RE.findall(tok.content))
            for m in HTML_LINK_RE.finditer(tok.content):
                kind = "image" if m.group("tag").lower() == "img" else "link"
                page.links.append(Link(m.group("url"), _locate(all_lines, line - 1, line + 50, m.group("url")), kind))
            continue
        if tok.type == "fence":
            if tok.map is None:
                raise RuntimeError(f"{shown}:{line}: a fence token without a source line map")
            if not _closing_fence_ok(body_lines, tok):
                raise DocError(shown, line, f"unclosed code fence {tok.markup}{tok.info.split(' ')[0]}")
            if pending is not None and pending_line != line - 1:
                raise DocError(shown, pending_line, "verify directive must stand directly above a fenced code block")
            page.blocks.append(
                Block(
                    path=shown,
                    line=line,
                    end_line=tok.map[1] + offset,
                    info=tok.info.strip(),
                    language=normalize_language(tok.info),
                    code=tok.content,
                    directive=pending,
                    heading=current_heading,
                    prose_before=prose_since,
                    in_tab=next((t for t in reversed(tab_stack) if t is not None), None),
                    index=block_index,
                )
            )
            block_index += 1
            pending = None
            prose_since = False
            continue
    if pending is not None:
        raise DocError(shown, pending_line, "verify directive must stand directly above a fenced code block")
    # attr_list ids on paragraphs or elsewhere: { #name }
    for m in re.finditer(r"\{\s*#([A-Za-z][\w-]*)[^}]*\}", text):
        page.anchors.add(m.group(1))
    return page


@dataclass
class DocSet:
    """All pages under a docs root, in a stable order."""

    root: Path
    pages: list[Page]


def load_docs(root: Path) -> DocSet:
    """Parse every ``*.md`` under root. Raises DocError on the first bad file."""
    if not root.is_dir():
        raise DocError(root, 1, "docs folder not found")
    pages = [parse_page(p, p.relative_to(root).as_posix()) for p in sorted(root.rglob("*.md"))]
    return DocSet(root=root, pages=pages)


def section_of(rel: str) -> str:
    """The site section a page belongs to: its first folder, or ``home`` for top-level pages."""
    return rel.split("/", 1)[0] if "/" in rel else "home"
