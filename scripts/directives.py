"""Verification directives: the HTML comment directly above a fenced block.

Syntax (documented in CONTRIBUTING.md)::

    <!-- verify: run -->                      execute the block (python, sql)
    <!-- verify: run session=etl-demo -->     run in order with the other blocks of that session
    <!-- verify: skip reason="why" -->        no check applies; the reason is shown and counted
    <!-- verify: output -->                   this block is the expected output of the block above
    <!-- verify: run classic="why" -->        runs only on classic compute (dedicated access mode): the
                                              reason is shown next to the block as "Classic compute only"
    <!-- verify: legacy="why" -->             shows a deprecated API on purpose (a migration section); the
                                              reason is shown as "Legacy"

A block without a directive gets every static check of its language. ``classic`` and ``legacy`` go with
``run`` or stand alone (then the block gets the default checks, the ``check`` action).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from scripts.errors import DocError

DIRECTIVE_RE = re.compile(r"^\s*<!--\s*verify:(?P<body>.*?)-->\s*$", re.DOTALL)
ANY_VERIFY_RE = re.compile(r"<!--\s*verify\b")

NOTES = frozenset({"classic", "legacy"})  # options that put a visible note next to the block
# action -> (required options, allowed options)
ACTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "check": (frozenset(), NOTES),
    "run": (frozenset(), frozenset({"session"}) | NOTES),
    "skip": (frozenset({"reason"}), frozenset({"reason"})),
    "output": (frozenset(), frozenset()),
}
SESSION_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Directive:
    """A parsed ``<!-- verify: ... -->`` comment."""

    action: str
    line: int
    options: dict[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return self.options.get("reason", "")

    @property
    def session(self) -> str | None:
        return self.options.get("session")

    @property
    def classic(self) -> str | None:
        """Why the block needs classic compute, or None."""
        return self.options.get("classic")

    @property
    def legacy(self) -> str | None:
        """Why the block shows a deprecated API on purpose, or None."""
        return self.options.get("legacy")


NOTE_LABELS = (("reason", "Not verified"), ("classic", "Classic compute only"), ("legacy", "Legacy"))


def notes(directive: Directive) -> list[tuple[str, str]]:
    """The visible notes a directive puts next to its block, as (label, text): a skip's reason, why the block
    needs classic compute, why it shows a deprecated API."""
    return [(label, directive.options[option]) for option, label in NOTE_LABELS if directive.options.get(option)]


def is_directive_comment(html: str) -> bool:
    """True when an HTML block is (or tries to be) a verify directive."""
    return bool(ANY_VERIFY_RE.search(html))


def parse_directive(html: str, path: str, line: int) -> Directive:
    """Parse one directive comment; raise DocError on anything not in the grammar."""
    match = DIRECTIVE_RE.match(html.strip())
    if not match:
        raise DocError(path, line, "malformed verify directive (expected <!-- verify: ACTION key=value -->)")
    try:
        words = shlex.split(match.group("body"))
    except ValueError as exc:
        raise DocError(path, line, f"malformed verify directive: {exc}") from None
    if not words:
        raise DocError(path, line, "empty verify directive")
    action, *rest = words
    if "=" in action:  # only options: the default checks, with notes
        action, rest = "check", words
    if action not in ACTIONS:
        known = ", ".join(sorted(ACTIONS))
        raise DocError(path, line, f"unknown verify directive {action!r} (known: {known})")
    required, allowed = ACTIONS[action]
    options: dict[str, str] = {}
    for word in rest:
        key, sep, value = word.partition("=")
        if not sep:
            raise DocError(path, line, f"verify {action}: expected key=value, got {word!r}")
        if key not in allowed:
            raise DocError(path, line, f"verify {action}: unknown option {key!r}")
        if not value.strip():
            raise DocError(path, line, f"verify {action}: option {key!r} is empty")
        options[key] = value
    missing = required - options.keys()
    if missing:
        raise DocError(path, line, f"verify {action} needs {', '.join(sorted(missing))}=\"...\"")
    session = options.get("session")
    if session is not None and not SESSION_RE.match(session):
        raise DocError(path, line, f"verify run: session name {session!r} must be lowercase letters, digits, - or _")
    return Directive(action=action, line=line, options=options)
