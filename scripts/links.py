"""``python -m scripts.links``: every relative link, image and anchor in the docs resolves.

Checks, for docs/ and the Markdown files at the project root: the target page or file exists, with the
exact case; the ``#anchor`` exists on the target page (heading slugs as the site's toc makes them, attr_list
ids, HTML ids); images exist; every page is in the nav and every nav entry exists. Output is one
``file:line: message`` per finding; exit 1 on any finding, 2 on unreadable input.

External links are checked only with ``--external`` (see scripts/external_links.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scripts.docmodel import Page, parse_page
from scripts.errors import DocError, Finding
from scripts.siteconfig import load_config, nav_pages

ROOT_FILES = ("README.md", "CONTRIBUTING.md", "context7.md")


def is_external(target: str) -> bool:
    parts = urlsplit(target)
    return bool(parts.scheme) or target.startswith("//")


def exact_case_exists(path: Path) -> tuple[bool, str | None]:
    """(exists, wrong-case name): walks each component, comparing names exactly.

    On a case-sensitive file system ``Guide/page.md`` does not exist when ``guide/page.md`` does; on a
    case-insensitive one it does. Either way the link breaks on the published site, so both report the
    component whose case differs.
    """
    path = Path(os.path.normpath(path))
    current = Path(path.anchor) if path.is_absolute() else Path(".")
    parts = path.parts[1:] if path.is_absolute() else path.parts
    wrong: str | None = None
    for part in parts:
        if part == "..":
            current = current / part
            continue
        try:
            names = os.listdir(current)
        except OSError:
            return False, None
        if part in names:
            current = current / part
            continue
        match = next((n for n in names if n.lower() == part.lower()), None)
        if match is None:
            return False, None
        wrong = wrong or f"{part} (on disk: {match})"
        current = current / match
    return True, wrong


def _hint(anchor: str, page: Page) -> str:
    same = next((a for a in sorted(page.anchors) if a.lower() == anchor.lower()), None)
    return f" (case differs: #{same})" if same else ""


class LinkChecker:
    """Checks pages against each other; pages are parsed once."""

    def __init__(self, docs_root: Path, extra_files: list[Path]):
        self.docs_root = docs_root
        self.pages: dict[Path, Page] = {}
        for path in sorted(docs_root.rglob("*.md")):
            self.pages[path.resolve()] = parse_page(path, path.relative_to(docs_root).as_posix())
        for path in extra_files:
            self.pages[path.resolve()] = parse_page(path, path.name)

    def page_at(self, path: Path) -> Page | None:
        resolved = path.resolve()
        if resolved not in self.pages and resolved.suffix == ".md" and resolved.is_file():
            self.pages[resolved] = parse_page(path, path.name)
        return self.pages.get(resolved)

    def check_page(self, page: Page) -> list[Finding]:
        findings: list[Finding] = []
        shown = str(page.path)
        for link in page.links:
            target = link.target.strip()
            if not target or is_external(target):
                continue
            parts = urlsplit(target)
            path_part, anchor = unquote(parts.path), parts.fragment
            if not path_part:
                if anchor and anchor not in page.anchors:
                    findings.append(Finding(shown, link.line,
                                            f"anchor #{anchor} not found on this page{_hint(anchor, page)}",
                                            "anchor"))
                continue
            if path_part.startswith("/"):
                findings.append(Finding(shown, link.line, f"absolute link {target!r}: use a relative path", "link"))
                continue
            dest = page.path.parent / path_part
            exists, wrong_case = exact_case_exists(dest)
            kind = "image" if link.kind == "image" else "link"
            if not exists:
                findings.append(Finding(shown, link.line, f"{kind} target not found: {path_part}", kind))
                continue
            if wrong_case is not None:
                findings.append(Finding(shown, link.line, f"{kind} target case differs: {path_part}: {wrong_case}",
                                        "case"))
                continue
            if dest.is_dir():
                index = dest / "index.md"
                if not index.is_file():
                    findings.append(Finding(shown, link.line, f"link to a folder without index.md: {path_part}",
                                            "link"))
                    continue
                dest = index
            if anchor:
                if dest.suffix != ".md":
                    continue
                target_page = self.page_at(dest)
                if target_page is not None and anchor not in target_page.anchors:
                    findings.append(Finding(shown, link.line,
                                            f"anchor #{anchor} not found in {path_part}{_hint(anchor, target_page)}",
                                            "anchor"))
        return findings

    def check_nav(self, config_path: Path) -> list[Finding]:
        config = load_config(config_path)
        nav = nav_pages(config)
        findings: list[Finding] = []
        text_lines = config_path.read_text(encoding="utf-8").splitlines()

        def line_of(entry: str) -> int:
            return next((i + 1 for i, line in enumerate(text_lines) if entry in line), 1)

        for entry in nav:
            exists, wrong_case = exact_case_exists(self.docs_root / entry)
            if not exists:
                findings.append(Finding(str(config_path), line_of(entry), f"nav entry not found: {entry}", "nav"))
            elif wrong_case:
                findings.append(Finding(str(config_path), line_of(entry), f"nav entry case differs: {entry}", "nav"))
        listed = set(nav)
        for path in sorted(self.docs_root.rglob("*.md")):
            rel = path.relative_to(self.docs_root).as_posix()
            if rel not in listed:
                findings.append(Finding(str(path), 1, "page is not in the nav of mkdocs.yml", "nav"))
        return findings

    def run(self, config_path: Path | None) -> list[Finding]:
        findings: list[Finding] = []
        for page in list(self.pages.values()):
            findings.extend(self.check_page(page))
        if config_path is not None:
            findings.extend(self.check_nav(config_path))
        return sorted(findings, key=lambda f: (f.path, f.line, f.message))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.links", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="docs folder (default: docs)")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml for the nav check")
    parser.add_argument("--no-nav", action="store_true", help="skip the nav check")
    parser.add_argument("--root-files", nargs="*", default=list(ROOT_FILES), help="Markdown files outside docs/")
    parser.add_argument("--external", action="store_true", help="also check external links (network)")
    args = parser.parse_args(argv)
    try:
        if not args.docs.is_dir():
            raise DocError(args.docs, 1, "docs folder not found")
        extra = [Path(f) for f in args.root_files if Path(f).exists()]
        checker = LinkChecker(args.docs, extra)
        findings = checker.run(None if args.no_nav else args.config)
        if args.external:
            from scripts.external_links import check_external

            findings.extend(check_external(list(checker.pages.values())))
    except DocError as exc:
        print(exc, file=sys.stderr)
        return 2
    for f in findings:
        print(f)
    print(f"{len(checker.pages)} files checked, {len(findings)} finding(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
