"""``python -m scripts.release VERSION``: tag ``vVERSION`` from a green verification, and only from one.

VERSION is ``MAJOR.MINOR.PATCH`` (``1.0.0``; the tag adds the ``v``) and CHANGELOG.md must have a non-empty
``## VERSION`` section; otherwise one line and exit 2. Then every check runs, read-only:

- the working tree is clean (no changed, staged or untracked path), so the checks below speak for the commit
  the tag will name;
- ``python -m scripts.tables --check`` passes (the generated tables, versions lines and context7.json);
- ``reports/verification.json`` is committed, its ``findings`` list is empty and its ``total.failed`` is 0;
- the tag ``vVERSION`` does not exist.

Each result is printed; when one fails nothing changes and the exit is 1. When all pass, an annotated tag
``vVERSION`` is created on HEAD with the CHANGELOG section as its message. Nothing is pushed.

``released_versions`` (every ``## X.Y.Z`` section of CHANGELOG.md) is also what ``scripts.tables`` lists as
context7.json's ``previousVersions``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from scripts.docmodel import read_text
from scripts.errors import DocError

CHANGELOG = Path("CHANGELOG.md")
REPORT = Path("reports/verification.json")
VERSION_RE = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
HEADING_RE = re.compile(r"^## +(?P<title>\S.*?)\s*$")
FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")


class BadInput(Exception):
    """Input the release cannot start from: one line, exit 2."""


def changelog_sections(text: str) -> list[tuple[str, int, str]]:
    """Each ``## `` section of a changelog: (heading text, 1-based line of the heading, body without blank edges).
    Headings inside fenced code are not headings."""
    sections: list[tuple[str, int, list[str]]] = []
    in_fence = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE_RE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else HEADING_RE.match(line)
        if heading:
            sections.append((heading.group("title"), number, []))
        elif sections:
            sections[-1][2].append(line)
    return [(title, number, "\n".join(body).strip("\n")) for title, number, body in sections]


def section_version(title: str) -> str | None:
    """The version a section heading names (``1.2.0`` in ``## 1.2.0`` or ``## 1.2.0 - notes``), else None."""
    first = title.split()[0] if title.split() else ""
    return first if VERSION_RE.fullmatch(first) else None


def released_versions(text: str) -> list[str]:
    """The versions of a changelog's released sections, newest first, each once."""
    found = {v for title, _, _ in changelog_sections(text) if (v := section_version(title))}
    return sorted(found, key=lambda v: tuple(int(part) for part in v.split(".")), reverse=True)


def release_notes(version: str, path: Path = CHANGELOG) -> str:
    """The body of the changelog's section for ``version``; BadInput when there is none, two, or it is empty."""
    try:
        text = read_text(path)
    except DocError as exc:
        raise BadInput(str(exc)) from None
    matches = [(number, body) for title, number, body in changelog_sections(text) if section_version(title) == version]
    if not matches:
        raise BadInput(f"{path}:1: no '## {version}' section: rename '## Unreleased' to it (or add it) and commit")
    if len(matches) > 1:
        raise BadInput(f"{path}:{matches[1][0]}: a second '## {version}' section")
    number, body = matches[0]
    if not body.strip():
        raise BadInput(f"{path}:{number}: the '## {version}' section is empty")
    return body


def git(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], input=stdin, capture_output=True, text=True, timeout=120)


def check_clean() -> str | None:
    status = git("status", "--porcelain", "--untracked-files=all")
    if status.returncode != 0:
        return f"git status failed: {status.stderr.strip()}"
    paths = [line[3:] for line in status.stdout.splitlines() if line.strip()]
    if not paths:
        return None
    shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    return f"working tree is not clean: {shown} (commit or remove them first)"


def check_tables() -> str | None:
    proc = subprocess.run([sys.executable, "-m", "scripts.tables", "--check"],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode == 0:
        return None
    last = next((line.strip() for line in reversed(proc.stderr.splitlines()) if line.strip()), "no message")
    return f"python -m scripts.tables --check exited {proc.returncode}: {last}"


def check_report() -> str | None:
    if git("ls-files", "--error-unmatch", str(REPORT)).returncode != 0:
        return f"{REPORT} is not committed: run `make verify` and commit it"
    try:
        report = json.loads(REPORT.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"{REPORT} cannot be read: {exc}"
    findings = report.get("findings") if isinstance(report, dict) else None
    total = report.get("total") if isinstance(report, dict) else None
    if not isinstance(findings, list) or not isinstance(total, dict) or not isinstance(total.get("failed"), int):
        return f"{REPORT} has no findings list or total.failed count: run `make verify` and commit it"
    if findings:
        return f"{REPORT} lists {len(findings)} finding(s), the first: {findings[0]}"
    if total["failed"]:
        return f"{REPORT} counts {total['failed']} failed example(s)"
    return None


def check_tag(tag: str) -> str | None:
    found = git("rev-parse", "--quiet", "--verify", f"refs/tags/{tag}")
    return f"tag {tag} already exists (at {found.stdout.strip()[:12]})" if found.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.release", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("version", metavar="VERSION", nargs="?", default="",
                        help="MAJOR.MINOR.PATCH, such as 1.0.0 (the tag is vVERSION)")
    args = parser.parse_args(argv)
    version: str = args.version
    tag = f"v{version}"
    try:
        if not version:
            raise BadInput("missing VERSION: python -m scripts.release MAJOR.MINOR.PATCH "
                           "(or make release VERSION=MAJOR.MINOR.PATCH)")
        if not VERSION_RE.fullmatch(version):
            raise BadInput(f"malformed version '{version}': expected MAJOR.MINOR.PATCH such as 1.0.0 "
                           "(without the v, which the tag adds)")
        try:
            top = git("rev-parse", "--show-toplevel")
        except FileNotFoundError:
            raise BadInput("git not found on PATH") from None
        if top.returncode != 0 or Path(top.stdout.strip()).resolve() != Path.cwd().resolve():
            raise BadInput("not at the root of a git repository: run from the project's root")
        notes = release_notes(version)
    except BadInput as exc:
        print(exc, file=sys.stderr)
        return 2

    checks: list[tuple[str, Callable[[], str | None]]] = [
        ("working tree is clean", check_clean),
        ("generated content is current (python -m scripts.tables --check)", check_tables),
        (f"{REPORT} is committed with no findings and 0 failed", check_report),
        (f"tag {tag} does not exist yet", lambda: check_tag(tag)),
    ]
    failures = []
    for passing, check in checks:
        failure = check()
        print(f"FAILED: {failure}" if failure else f"ok: {passing}", file=sys.stderr)
        if failure:
            failures.append(failure)
    if failures:
        print(f"{tag} not created: {len(failures)} of {len(checks)} checks failed", file=sys.stderr)
        return 1

    made = git("tag", "--annotate", "--cleanup=whitespace", "--file=-", tag, stdin=f"Release {version}\n\n{notes}\n")
    if made.returncode != 0:
        print(f"git tag failed: {made.stderr.strip()}", file=sys.stderr)
        return 1
    head = git("rev-parse", "--short", "HEAD").stdout.strip()
    print(f"created annotated tag {tag} at {head}; nothing pushed (to publish: git push origin {tag})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
