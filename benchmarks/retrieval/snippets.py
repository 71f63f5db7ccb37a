"""The retrieval benchmark's corpus: the docs cut into snippets the way Context7 shows them.

A code snippet is one fenced example block with its page title, its heading path (H1 > H2 > H3 ...) and the
prose paragraphs between it and the heading or block above it (its lead). Output blocks and ``text`` blocks are
not examples and give no snippet. A section with no example of its own (the home page has none) gives one text
snippet instead: its heading path and all its prose, tables and lists included, so that a question answered in
prose can be scored too.

Pages come from the shared Markdown model (scripts/docmodel.py); the paragraphs around a block are read with the
model's own parser, so line numbers agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scripts.docmodel import Heading, Page, _inline_text, _mask_tabs, _parser, load_docs, split_front_matter

# Inline tokens whose opening token is one of these carry prose (tables and list items hold paragraphs too).
PROSE_OPENERS = {"paragraph_open", "th_open", "td_open"}


@dataclass(frozen=True)
class Snippet:
    """One retrievable unit: where it is, what a reader is shown of it."""

    page: str  # docs-relative path, posix
    line: int  # the block's opening fence, or the section's heading for a text snippet
    kind: str  # "code" or "text"
    title: str
    path: tuple[Heading, ...]  # headings from the page's H1 down to the block's own
    lead: str  # the prose shown with it (for a text snippet: the whole section's prose)
    language: str
    code: str

    @property
    def heading_path(self) -> str:
        return " > ".join(h.text for h in self.path)

    def under(self, page: str, heading: str) -> bool:
        """True when the snippet is on ``page`` and ``heading`` (a heading's text or slug) is on its path."""
        return self.page == page and any(heading in (h.text, h.slug) for h in self.path)


@dataclass(frozen=True)
class Prose:
    line: int  # 1-based line of the text in the file
    text: str
    paragraph: bool  # a paragraph (or list-item paragraph), not a table cell


def prose(page: Page) -> list[Prose]:
    """Every piece of prose on the page, in order, with its line: paragraphs and table cells."""
    _, offset = split_front_matter(page.text, page.path)
    lines = page.text.split("\n")
    tokens = _parser().parse("\n".join(_mask_tabs(lines[offset:])))
    out = []
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or not tok.map or i == 0 or tokens[i - 1].type not in PROSE_OPENERS:
            continue
        text = " ".join(_inline_text(tok).split())
        if text:
            out.append(Prose(tok.map[0] + 1 + offset, text, tokens[i - 1].type == "paragraph_open"))
    return out


def heading_paths(headings: list[Heading]) -> dict[int, tuple[Heading, ...]]:
    """Heading line -> the headings from the top of the page down to it (a deeper level nests, an equal or
    shallower one closes)."""
    stack: list[Heading] = []
    paths = {}
    for h in headings:
        while stack and stack[-1].level >= h.level:
            stack.pop()
        stack.append(h)
        paths[h.line] = tuple(stack)
    return paths


def page_snippets(page: Page) -> list[Snippet]:
    """The page's snippets in page order: one per example block, one per section without examples."""
    texts = prose(page)
    paths = heading_paths(page.headings)
    snippets: list[Snippet] = []
    start = 0  # the line after which the next block's lead may start
    blocks = sorted(page.blocks, key=lambda b: b.line)
    for block in blocks:
        if block.heading is not None and block.heading.line > start:
            start = block.heading.line
        if block.is_example:
            lead = " ".join(p.text for p in texts if p.paragraph and start < p.line < block.line)
            path = paths[block.heading.line] if block.heading else ()
            snippets.append(Snippet(page.rel, block.line, "code", page.title, path, lead, block.language, block.code))
        start = block.end_line
    with_examples = {b.heading.line for b in blocks if b.is_example and b.heading is not None}
    bounds = [h.line for h in page.headings] + [page.line_count + 1]
    for heading, end in zip(page.headings, bounds[1:], strict=True):
        if heading.line in with_examples:
            continue
        body = " ".join(p.text for p in texts if heading.line < p.line < end)
        if body:
            snippets.append(Snippet(page.rel, heading.line, "text", page.title, paths[heading.line], body, "", ""))
    return sorted(snippets, key=lambda s: s.line)


def build(docs: Path) -> list[Snippet]:
    """Every snippet of every page under ``docs``. Raises DocError on a bad page."""
    return [s for page in load_docs(docs).pages for s in page_snippets(page)]
