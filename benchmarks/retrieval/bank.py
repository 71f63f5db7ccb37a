"""The question bank (benchmarks/retrieval/questions.yaml): load it and check it against the docs.

Each entry is a mapping with ``q`` (the question), ``page`` (docs-relative path) and ``heading`` (a heading's text
or slug on that page). ``problems`` lists what is wrong with a bank, each at its line: a page or heading that does
not exist, a duplicate question, fewer than ``MIN_QUESTIONS`` questions, or a site section without a question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from scripts.docmodel import DocSet, read_text, section_of
from scripts.errors import DocError

MIN_QUESTIONS = 100
KEYS = ("q", "page", "heading")


@dataclass(frozen=True)
class Question:
    text: str
    page: str
    heading: str
    line: int  # where the entry starts in the bank

    @property
    def expected(self) -> str:
        return f"{self.page} # {self.heading}"


def load(path: Path) -> list[Question]:
    """The questions in ``path``, in file order. Raises DocError on malformed YAML or a malformed entry."""
    text = read_text(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DocError(path, mark.line + 1 if mark else 1, f"malformed YAML: {problem}") from None
    if not isinstance(root, yaml.SequenceNode):
        raise DocError(path, root.start_mark.line + 1 if root else 1, "expected a list of questions")
    out = []
    for node in root.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            raise DocError(path, line, "expected a mapping with q, page and heading")
        entry: dict[str, str] = {}
        for key, value in node.value:
            if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
                raise DocError(path, value.start_mark.line + 1, f"'{key.value}' must be a non-empty string")
            entry[str(key.value)] = str(value.value).strip()
        missing = [k for k in KEYS if k not in entry]
        extra = sorted(set(entry) - set(KEYS))
        if missing or extra:
            what = ", ".join([f"missing '{k}'" for k in missing] + [f"unknown key '{k}'" for k in extra])
            raise DocError(path, line, f"question entry: {what}")
        out.append(Question(entry["q"], entry["page"], entry["heading"], line))
    return out


def problems(questions: Iterable[Question], docs: DocSet, path: Path, minimum: int | None = None) -> list[DocError]:
    """Everything wrong with the bank, in file order (an empty list for a good bank). ``minimum`` defaults to
    ``MIN_QUESTIONS``."""
    questions = list(questions)
    minimum = MIN_QUESTIONS if minimum is None else minimum
    pages = {p.rel: p for p in docs.pages}
    found: list[DocError] = []
    seen: dict[str, int] = {}
    for q in questions:
        page = pages.get(q.page)
        if page is None:
            found.append(DocError(path, q.line, f"page '{q.page}' is not under {docs.root}"))
        elif not any(q.heading in (h.text, h.slug) for h in page.headings):
            found.append(DocError(path, q.line, f"no heading '{q.heading}' (text or slug) on {q.page}"))
        key = " ".join(q.text.lower().split())
        if key in seen:
            found.append(DocError(path, q.line, f"same question as line {seen[key]}"))
        seen.setdefault(key, q.line)
    if len(questions) < minimum:
        found.append(DocError(path, 1, f"{len(questions)} questions; the bank needs at least {minimum}"))
    asked = {section_of(q.page) for q in questions}
    for section in sorted({section_of(p.rel) for p in docs.pages} - asked):
        found.append(DocError(path, 1, f"no question about section '{section}'"))
    return found
