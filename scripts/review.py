"""Each page's review record: the ``reviewed`` date and ``sources`` in its front matter, the audit report under
``reports/review/`` (same relative path as the page), and whether the page changed since it was reviewed.

A report starts with front matter naming its page, the review date and ``content_sha256``, the digest of the
page's text (front matter and generated regions left out) when the review ended. ``--stamp PAGE...`` records
that digest; a page whose digest no longer matches is "changed since review": a warning, so that small fixes
stay cheap, listed by ``--check`` (run by ``make check``) and shown in the statistics tables.

``python -m scripts.review [--check]`` checks every record; ``python -m scripts.review --stamp docs/x/y.md``
records the digest after a review.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scripts.cache import write_atomic
from scripts.docmodel import DocSet, Page, load_docs, parse_page, read_text, split_front_matter
from scripts.errors import DocError
from scripts.markers import find_regions

REVIEW_DIR = Path("reports/review")
MIN_SOURCES = 2
STAMP_COMMAND = "python -m scripts.review --stamp"
NOT_REVIEWED, REVIEWED, CHANGED = "not reviewed", "reviewed", "changed since review"


@dataclass(frozen=True)
class Provenance:
    reviewed: date | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    path: Path
    page: str
    reviewed: date
    digest: str | None


def front_matter_line(text: str, key: str) -> int:
    """The 1-based line of ``key:`` in the front matter of ``text`` (1 when it cannot be found)."""
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
        if re.match(rf"{re.escape(key)}\s*:", lines[index]):
            return index + 1
    return 1


def _as_date(value: object) -> date | None:
    """YAML reads an unquoted YYYY-MM-DD as a date; a quoted one stays a string."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def provenance(page: Page) -> Provenance:
    """The page's ``reviewed`` and ``sources``. Raises DocError when either is malformed."""
    reviewed = None
    if "reviewed" in page.front_matter:
        reviewed = _as_date(page.front_matter["reviewed"])
        if reviewed is None:
            raise DocError(page.path, front_matter_line(page.text, "reviewed"),
                           "front matter 'reviewed' must be a date written YYYY-MM-DD")
    sources: tuple[str, ...] = ()
    if "sources" in page.front_matter:
        raw = page.front_matter["sources"]
        if not (isinstance(raw, list) and raw and all(isinstance(s, str) and s.strip() for s in raw)):
            raise DocError(page.path, front_matter_line(page.text, "sources"),
                           "front matter 'sources' must be a non-empty list, one source (URL or reference) per item")
        sources = tuple(s.strip() for s in raw)
    return Provenance(reviewed, sources)


def content_digest(page: Page) -> str:
    """sha256 of the page without its front matter and without the lines inside generated regions (a regenerated
    table or versions line is not a change to what was reviewed)."""
    _, offset = split_front_matter(page.text, page.path)
    lines = page.text.split("\n")
    generated: set[int] = set()
    for start, end in find_regions(page.text, page.path).values():
        generated.update(range(start + 1, end))
    kept = [line for i, line in enumerate(lines) if i >= offset and i not in generated]
    return hashlib.sha256("\n".join(kept).encode("utf-8")).hexdigest()


def report_path(page: Page, root: Path = REVIEW_DIR) -> Path:
    return root / page.rel


def read_report(path: Path) -> Report:
    """Parse a review report's front matter. Raises DocError when it is missing or malformed."""
    text = read_text(path)
    data, _ = split_front_matter(text, path)
    if not data:
        raise DocError(path, 1, "a review report starts with front matter: page, reviewed, content_sha256")
    page = data.get("page")
    if not isinstance(page, str) or not page.strip():
        raise DocError(path, front_matter_line(text, "page"), "front matter 'page' must name the reviewed page")
    reviewed = _as_date(data.get("reviewed"))
    if reviewed is None:
        raise DocError(path, front_matter_line(text, "reviewed"),
                       "front matter 'reviewed' must be a date written YYYY-MM-DD")
    digest = data.get("content_sha256")
    if digest is not None and not (isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest)):
        raise DocError(path, front_matter_line(text, "content_sha256"),
                       "front matter 'content_sha256' must be a sha256 hex digest")
    return Report(path, page.strip(), reviewed, digest)


def status(page: Page, root: Path = REVIEW_DIR) -> tuple[str, date | None]:
    """(not reviewed | reviewed | changed since review, the review date). Raises DocError on a broken record."""
    reviewed = provenance(page).reviewed
    if reviewed is None:
        return NOT_REVIEWED, None
    path = report_path(page, root)
    if not path.is_file():
        return NOT_REVIEWED, None
    report = read_report(path)
    if report.digest != content_digest(page):
        return CHANGED, reviewed
    return REVIEWED, reviewed


def problems(docs: DocSet, root: Path = REVIEW_DIR) -> tuple[list[DocError], list[str]]:
    """(errors, warnings) over every page and every report."""
    errors: list[DocError] = []
    warnings: list[str] = []
    by_rel = {p.rel: p for p in docs.pages}
    for page in docs.pages:
        try:
            info = provenance(page)
        except DocError as exc:
            errors.append(exc)
            continue
        if info.reviewed is None:
            if info.sources:
                errors.append(DocError(page.path, front_matter_line(page.text, "sources"),
                                       "'sources' without 'reviewed': add the review date"))
            continue
        line = front_matter_line(page.text, "reviewed")
        if len(info.sources) < MIN_SOURCES:
            errors.append(DocError(page.path, line, f"a reviewed page lists at least {MIN_SOURCES} sources"))
        path = report_path(page, root)
        if not path.is_file():
            errors.append(DocError(page.path, line, f"reviewed, but the review report {path} is missing"))
            continue
        try:
            report = read_report(path)
        except DocError as exc:
            errors.append(exc)
            continue
        if report.page != f"docs/{page.rel}":
            errors.append(DocError(path, front_matter_line(read_text(path), "page"),
                                   f"names {report.page}, but it is the report of docs/{page.rel}"))
        if report.reviewed != info.reviewed:
            errors.append(DocError(page.path, line, f"reviewed {info.reviewed}, but {path} says {report.reviewed}"))
        if report.digest is None:
            errors.append(DocError(path, 1, f"no content_sha256: run `{STAMP_COMMAND} {page.path}`"))
        elif report.digest != content_digest(page):
            warnings.append(f"{page.path}: changed since review ({info.reviewed}): re-review the changes, then run "
                            f"`{STAMP_COMMAND} {page.path}`")
    if root.is_dir():
        for path in sorted(root.rglob("*.md")):
            rel = path.relative_to(root).as_posix()
            page = by_rel.get(rel)
            if page is None:
                errors.append(DocError(path, 1, f"a review report for docs/{rel}, which does not exist"))
            elif "reviewed" not in page.front_matter:
                errors.append(DocError(page.path, 1, f"{path} reviews this page, but its front matter has no "
                                       "'reviewed' date"))
    return errors, warnings


def stamp(page_path: Path, docs_root: Path = Path("docs"), root: Path = REVIEW_DIR) -> Path:
    """Record the page's current digest in its report (the report must exist). Returns the report's path."""
    page = parse_page(page_path, page_path.resolve().relative_to(docs_root.resolve()).as_posix())
    path = report_path(page, root)
    if not path.is_file():
        raise DocError(page_path, 1, f"no review report at {path}: write it first")
    read_report(path)  # validates
    text = read_text(path)
    digest = content_digest(page)
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    field = f"content_sha256: {digest}"
    for i in range(1, end):
        if re.match(r"content_sha256\s*:", lines[i]):
            lines[i] = field
            break
    else:
        lines.insert(end, field)
    new = "\n".join(lines)
    if new != text:
        write_atomic(path, new)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.review", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check every review record (the default)")
    parser.add_argument("--stamp", nargs="+", type=Path, metavar="PAGE",
                        help="record each page's current content digest in its review report")
    args = parser.parse_args(argv)
    try:
        if args.stamp:
            for page_path in args.stamp:
                if not page_path.is_file():
                    raise DocError(page_path, 1, "no such page")
                print(f"stamped {stamp(page_path)}", file=sys.stderr)
            return 0
        docs = load_docs(Path("docs"))
        errors, warnings = problems(docs)
    except DocError as exc:
        print(exc, file=sys.stderr)
        return 2
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in errors:
        print(error, file=sys.stderr)
    reviewed = sum(1 for p in docs.pages if "reviewed" in p.front_matter)
    print(f"review records: {reviewed} of {len(docs.pages)} pages reviewed, {len(warnings)} changed since review, "
          f"{len(errors)} error(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
