"""The Databricks CLI v1.x command tree, and what it accepts: argv in, problems out.

The tree is vendored at ``scripts/data/databricks-cli-commands.json`` (a static parse of the CLI's Go
sources; its ``conventions`` key explains each field). ``load_tree()`` reads it once into
``CommandNode``s; ``check_argv(words)`` takes the words that follow ``databricks`` and resolves them
the way cobra and pflag do:

* Subcommands are matched by name or alias from the leading non-flag words, at any depth
  (``account users list``, ``bundle deployment bind``). Flags may stand before, between or after them.
* Allowed flags = the command's own flags + persistent flags of its ancestors + the root's global
  flags (``-p``, ``-o``, ``-t``, ``--debug``, ``-h``; ``--version`` on the root only). Long and short
  forms, ``--flag=value``, ``--flag value``, ``-ojson``, grouped boolean shorts (``-rf``); a boolean
  flag takes no value (``--flag=false`` is allowed). Everything after ``--`` is passed through, unchecked.
* Positional arguments are counted against ``arg_count``:
  - ``min``/``max`` when the tree has them (``max: null`` = unbounded); with ``--json`` given, the
    ``with_json`` bounds replace them when the tree has them;
  - ``custom`` without ``min``/``max``, or no ``arg_count`` at all (cobra then accepts any count and
    the command checks for itself): lenient. Never "too few" (generated commands prompt for a
    missing ID), and at most the number of placeholders in the Use string (``[flags]`` is not one;
    a placeholder with ``...`` or a ``[-- ...]`` pass-through makes it unbounded). ``help`` takes any.
  - Not checked when ``-h``/``--help`` is given (cobra prints help before validating arguments) or
    when an unknown flag makes the count unreliable.
* Hidden commands and flags are accepted silently. Deprecated ones are reported (``--environment``,
  ``--compute-id``, ``experimental aitools skills``) as problems marked ``deprecated``: the ``deprecated``
  oracle (scripts/verify/deprecations.py) reports those, the ``cli`` oracle the rest.
* A group named without a subcommand (``databricks jobs``) is reported: it only prints help.
* ``labs PROJECT ...`` is not checked beyond ``labs``: projects add their subcommands at runtime.

Unknown groups, subcommands and flags come with the nearest real names (difflib) and, where the
words are the legacy (0.x) CLI's, say so: ``--json-file``, ``databricks runs ...``, or a
``--job-id``-style flag for what v1.x takes as the positional ``JOB_ID``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from scripts.errors import DocError

TREE_PATH = Path(__file__).resolve().parents[1] / "data" / "databricks-cli-commands.json"

BOOL_VALUES = frozenset({"1", "0", "t", "f", "T", "F", "true", "false", "TRUE", "FALSE", "True", "False"})
HELP_FLAGS = frozenset({"help"})

# Legacy (0.x) CLI groups and where their commands went in v1.x.
LEGACY_GROUPS = {
    "runs": "the legacy CLI's `runs` group is gone: use `databricks jobs list-runs`, `jobs get-run`, "
    "`jobs submit`, `jobs cancel-run` or `jobs get-run-output`",
    "stack": "the legacy CLI's `stack` group is gone: use Databricks Asset Bundles (`databricks bundle ...`)",
    "unity-catalog": "the legacy CLI's `unity-catalog` group is gone: use `databricks catalogs`, `schemas`, "
    "`tables`, `external-locations`, `storage-credentials`, `metastores`, `grants`",
    "dbfs": "`databricks dbfs` does not exist: use `databricks fs` (paths start with `dbfs:/`)",
}
# Legacy (0.x) subcommands renamed in v1.x: "group sub" -> replacement.
LEGACY_SUBCOMMANDS = {
    "secrets put": "secrets put-secret SCOPE KEY",
    "secrets write": "secrets put-secret SCOPE KEY",
    "secrets list": "secrets list-secrets SCOPE",
    "secrets delete": "secrets delete-secret SCOPE KEY",
    "workspace ls": "workspace list PATH",
    "workspace rm": "workspace delete PATH",
    "workspace import_dir": "workspace import-dir SOURCE_PATH TARGET_PATH",
    "workspace export_dir": "workspace export-dir SOURCE_PATH TARGET_PATH",
    "jobs configure": "nothing: v1.x always uses Jobs API 2.1+",
}
DEPRECATED_FLAG_HINTS = {
    "environment": ": use `--target` (`-t`)",
    "compute-id": ": use `--cluster-id` (`-c`)",
}
LEGACY_FLAGS = {
    "json-file": "the legacy CLI's `--json-file FILE` is `--json @FILE` in v1.x",
    "version": "`--version` works only as `databricks --version`; the legacy `--version=2.x` API switch is gone",
}


@dataclass(frozen=True)
class FlagSpec:
    name: str
    takes_value: bool
    short: str | None = None
    hidden: bool = False
    deprecated: bool = False


@dataclass
class CommandNode:
    name: str
    path: tuple[str, ...]  # from the root, e.g. ("bundle", "deployment", "bind"); () for the root
    use: str
    aliases: tuple[str, ...]
    flags: dict[str, FlagSpec]  # own flags (incl. persistent ones it defines)
    persistent: frozenset[str]  # names of own flags its descendants inherit
    arg_count: dict[str, Any] | None
    hidden: bool
    deprecated: bool
    dynamic: bool  # subcommands added at runtime (labs)
    parent: CommandNode | None = None
    children: dict[str, CommandNode] = field(default_factory=dict)

    @property
    def display(self) -> str:
        return " ".join(("databricks",) + self.path)

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    def child(self, word: str) -> CommandNode | None:
        found = self.children.get(word)
        if found is not None:
            return found
        return next((c for c in self.children.values() if word in c.aliases), None)

    def placeholders(self) -> list[str]:
        """The positional placeholders of the Use string: bracket groups kept whole, ``[flags]`` dropped."""
        units = _split_use(self.use)[1:]
        return [u for u in units if u.strip("[]").lower() != "flags"]


@dataclass
class CommandTree:
    root: CommandNode
    global_flags: dict[str, FlagSpec]
    count: int  # commands at every depth, the root not counted
    _allowed: dict[tuple[str, ...], dict[str, FlagSpec]] = field(default_factory=dict, repr=False)

    def walk(self) -> Iterator[CommandNode]:
        stack = list(reversed(self.root.children.values()))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children.values()))

    def allowed_flags(self, node: CommandNode) -> dict[str, FlagSpec]:
        """Flags a command accepts: its own, its ancestors' persistent ones, and the global ones."""
        cached = self._allowed.get(node.path)
        if cached is not None:
            return cached
        allowed = {n: f for n, f in self.global_flags.items() if n != "version" or node is self.root}
        ancestors = []
        up = node.parent
        while up is not None:
            ancestors.append(up)
            up = up.parent
        for anc in reversed(ancestors):  # nearer ancestors shadow farther ones
            allowed.update({n: anc.flags[n] for n in anc.persistent if n in anc.flags})
        allowed.update(node.flags)
        self._allowed[node.path] = allowed
        return allowed


def _split_use(use: str) -> list[str]:
    """Split a cobra Use string at spaces outside ``[...]`` and ``<...>``."""
    units: list[str] = []
    depth = 0
    current = ""
    for ch in use:
        if ch in "[<":
            depth += 1
        elif ch in "]>" and depth:
            depth -= 1
        if ch.isspace() and depth == 0:
            if current:
                units.append(current)
            current = ""
        else:
            current += ch
    if current:
        units.append(current)
    return units


def _flag_specs(raw: dict[str, Any]) -> dict[str, FlagSpec]:
    details: dict[str, dict[str, Any]] = raw.get("flag_details") or {}
    specs: dict[str, FlagSpec] = {}
    for name in raw.get("flags") or []:
        d = details.get(name, {})
        specs[name] = FlagSpec(
            name=name,
            takes_value=bool(d.get("takes_value", True)),
            short=d.get("short"),
            hidden=bool(d.get("hidden", False)),
            deprecated=bool(d.get("deprecated", False)),
        )
    return specs


def _build(name: str, raw: dict[str, Any], parent: CommandNode) -> CommandNode:
    node = CommandNode(
        name=name,
        path=parent.path + (name,),
        use=str(raw.get("use") or name),
        aliases=tuple(raw.get("aliases") or ()),
        flags=_flag_specs(raw),
        persistent=frozenset(raw.get("persistent_flags") or ()),
        arg_count=raw.get("arg_count"),
        hidden=bool(raw.get("hidden", False)),
        deprecated=bool(raw.get("deprecated", False)),
        dynamic=bool(raw.get("dynamic_subcommands", False)),
        parent=parent,
    )
    for sub_name, sub in (raw.get("subcommands") or {}).items():
        node.children[sub_name] = _build(sub_name, sub, node)
    return node


@lru_cache(maxsize=2)
def load_tree(path: Path = TREE_PATH) -> CommandTree:
    """Read the vendored command tree. Raises DocError when it is missing or malformed."""
    root = CommandNode("databricks", (), "databricks", (), {}, frozenset(), None, False, False, False)
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        for name, raw in data["commands"].items():
            root.children[name] = _build(name, raw, root)
        global_flags = {
            g["name"]: FlagSpec(
                g["name"], bool(g.get("takes_value")), g.get("short"), bool(g.get("hidden")), bool(g.get("deprecated"))
            )
            for g in data["global_flags"]
        }
    except FileNotFoundError:
        raise DocError(path, 1, "Databricks CLI command tree not found") from None
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise DocError(path, 1, f"malformed Databricks CLI command tree: {type(exc).__name__}: {exc}") from None
    tree = CommandTree(root, global_flags, 0)
    tree.count = sum(1 for _ in tree.walk())
    return tree


# --------------------------------------------------------------------------------------------------
# Checking one invocation


@dataclass(frozen=True)
class Problem:
    """Something wrong with one invocation; ``word`` indexes the offending word (None: the whole command).
    ``deprecated``: the command or flag exists but the CLI marks it deprecated."""

    word: int | None
    message: str
    deprecated: bool = False


@dataclass
class Resolution:
    node: CommandNode
    path_words: list[int]  # indexes of the words that named the command path
    problems: list[Problem] = field(default_factory=list)
    clean: bool = True  # the command path resolved with no unknown group/subcommand


def _suggest(word: str, names: Sequence[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(word, names, n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"`{prefix}{c}`" for c in close) + "?)"


def _flag_name(word: str) -> tuple[str, str | None]:
    """``--name=value`` -> (name, value); ``--name`` -> (name, None)."""
    body = word[2:]
    if "=" in body:
        name, value = body.split("=", 1)
        return name, value
    return body, None


def _short_index(flags: dict[str, FlagSpec]) -> dict[str, FlagSpec]:
    return {f.short: f for f in flags.values() if f.short}


def _lookup_step(word: str, nxt: str | None, flags: dict[str, FlagSpec]) -> int:
    """How many words a flag uses while the command path is still being found (1 or 2)."""
    if word.startswith("--"):
        name, value = _flag_name(word)
        spec = flags.get(name)
        if value is not None:
            return 1
        if spec is not None:
            return 2 if spec.takes_value and nxt is not None else 1
        return 1
    shorts = _short_index(flags)
    body = word[1:]
    for i, ch in enumerate(body):
        spec = shorts.get(ch)
        if spec is None:
            return 1
        if spec.takes_value:
            rest = body[i + 1 :]
            return 1 if rest else (2 if nxt is not None else 1)
    return 1


def resolve(tree: CommandTree, words: Sequence[str]) -> Resolution:
    """Find the deepest command the words name, skipping flags (and their values) on the way."""
    node = tree.root
    path_words: list[int] = []
    problems: list[Problem] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            break
        if word.startswith("-") and len(word) > 1:
            nxt = words[i + 1] if i + 1 < len(words) else None
            i += _lookup_step(word, nxt, tree.allowed_flags(node))
            continue
        if not node.is_group:
            break
        child = node.child(word)
        if child is None and node.dynamic:  # labs PROJECT: known only at runtime
            break
        if child is None:
            problems.append(_unknown_command(node, word, i))
            return Resolution(node, path_words, problems, clean=False)
        node = child
        path_words.append(i)
        i += 1
    return Resolution(node, path_words, problems)


def _unknown_command(node: CommandNode, word: str, index: int) -> Problem:
    visible = [n for n, c in node.children.items() if not c.hidden]
    if node.parent is None:
        legacy = LEGACY_GROUPS.get(word)
        if legacy:
            return Problem(index, f"unknown command group `databricks {word}`: legacy CLI syntax; {legacy}")
        return Problem(index, f"unknown command group `databricks {word}`{_suggest(word, visible)}")
    full = " ".join(node.path + (word,))
    legacy = LEGACY_SUBCOMMANDS.get(full)
    hint = f"; legacy CLI syntax, v1.x has `databricks {legacy}`" if legacy else _suggest(word, visible)
    return Problem(index, f"unknown subcommand `{word}` of `{node.display}`{hint}")


def _legacy_flag_hint(name: str, node: CommandNode) -> str:
    if name in LEGACY_FLAGS:
        return f"; legacy CLI syntax: {LEGACY_FLAGS[name]}"
    as_arg = name.upper().replace("-", "_")
    placeholders = [p.strip("[]").rstrip(".") for p in node.placeholders()]
    if as_arg in placeholders:
        return f"; legacy CLI syntax: in v1.x {as_arg} is a positional argument (`{node.use}`)"
    return ""


def _bounds(spec: dict[str, Any]) -> tuple[int, int | None]:
    return int(spec.get("min") or 0), (None if spec.get("max") is None else int(spec["max"]))


def _arg_bounds(node: CommandNode, with_json: bool) -> tuple[int, int | None, str]:
    """(min, max, condition) for positional args; max None = unbounded; condition " with --json" or ""."""
    if node.path == ("help",):
        return 0, None, ""
    spec = node.arg_count or {}
    if with_json and isinstance(spec.get("with_json"), dict):
        return *_bounds(spec["with_json"]), " with --json"
    if "min" in spec or "max" in spec:
        return *_bounds(spec), ""
    # custom check or none in the tree: lenient, from the Use string
    units = node.placeholders()
    if any("..." in u or u.startswith("[--") for u in units):
        return 0, None, ""
    return 0, len(units), ""


@dataclass
class FlagScan:
    """What reading the flags of one invocation found."""

    positional: list[int] = field(default_factory=list)  # indexes of positional words
    seen: set[str] = field(default_factory=set)  # long names of the known flags given
    unknown: bool = False
    problems: list[Problem] = field(default_factory=list)


def _scan_long(i: int, words: Sequence[str], nxt: str | None, node: CommandNode, allowed: dict[str, FlagSpec],
               scan: FlagScan, tree: CommandTree) -> int:
    """Read ``--name``, ``--name=value`` or ``--name value`` at ``i``; return how many words it used."""
    name, value = _flag_name(words[i])
    spec = allowed.get(name)
    if spec is None:
        scan.unknown = True
        scan.problems.append(Problem(i, _unknown_flag_message(f"--{name}", name, node, allowed)))
        # an unknown `--flag value`: assume the next plain word is its value
        return 2 if value is None and nxt is not None and not nxt.startswith("-") else 1
    scan.seen.add(name)
    scan.problems.extend(_flag_notes(i, spec, node, tree))
    if not spec.takes_value:
        if value is not None and value not in BOOL_VALUES:
            scan.problems.append(Problem(i, f"flag `--{name}` is a switch and takes no value (got `{value}`)"))
        return 1
    if value is not None:
        return 1
    if nxt is None:
        scan.problems.append(Problem(i, f"flag `--{name}` is missing its value"))
        return 1
    if nxt.startswith("--") and _flag_name(nxt)[0] in allowed:
        scan.problems.append(Problem(i, f"flag `--{name}` is missing its value (the next word `{nxt}` is a flag)"))
        return 1
    return 2


def _scan_short(i: int, word: str, nxt: str | None, node: CommandNode, allowed: dict[str, FlagSpec],
                scan: FlagScan, tree: CommandTree) -> int:
    """Read ``-o json``, ``-ojson``, ``-o=json`` or grouped switches ``-rf``; return how many words it used."""
    shorts = _short_index(allowed)
    body = word[1:]
    for k, ch in enumerate(body):
        spec = shorts.get(ch)
        if spec is None:
            scan.unknown = True
            scan.problems.append(Problem(i, _unknown_short_message(word, ch, body, allowed)))
            return 1
        scan.seen.add(spec.name)
        scan.problems.extend(_flag_notes(i, spec, node, tree))
        if not spec.takes_value:
            continue
        rest = body[k + 1 :].removeprefix("=")
        if k == 0 and len(rest) > 1 and rest.isalpha() and (ch + rest) in allowed:
            scan.problems.append(
                Problem(i, f"`{word}` reads as `-{ch} {rest}`: long flags need two dashes (`--{ch + rest}`)")
            )
        if rest:
            return 1
        if nxt is None:
            scan.problems.append(Problem(i, f"flag `-{ch}` (`--{spec.name}`) is missing its value"))
            return 1
        return 2
    return 1


def _scan_flags(words: Sequence[str], res: Resolution, tree: CommandTree) -> FlagScan:
    """Read every word that is not part of the command path, with the flags the command accepts."""
    node = res.node
    allowed = tree.allowed_flags(node)
    path = set(res.path_words)
    scan = FlagScan()
    i = 0
    while i < len(words):
        word = words[i]
        if i in path:
            i += 1
        elif word == "--":
            break
        elif not word.startswith("-") or word == "-":
            scan.positional.append(i)
            i += 1
        else:
            nxt = words[i + 1] if i + 1 < len(words) and i + 1 not in path else None
            if word.startswith("--"):
                i += _scan_long(i, words, nxt, node, allowed, scan, tree)
            else:
                i += _scan_short(i, word, nxt, node, allowed, scan, tree)
    return scan


def _count_problem(words: Sequence[str], node: CommandNode, scan: FlagScan) -> Problem | None:
    lo, hi, condition = _arg_bounds(node, "json" in scan.seen)
    count = len(scan.positional)
    usage = f"`{' '.join(('databricks',) + node.path[:-1] + (node.use,))}`"
    if hi is not None and count > hi:
        what = "no positional arguments" if hi == 0 else f"at most {hi} positional argument{'s' * (hi != 1)}"
        first_extra = scan.positional[hi]
        return Problem(
            first_extra,
            f"too many arguments: {usage} takes {what}{condition}, got {count} (first extra: `{words[first_extra]}`)",
        )
    if count < lo:
        missing = [p for p in node.placeholders() if not p.startswith("[")][count:lo]
        names = " ".join(missing) if missing else f"{lo - count} more"
        or_json = "; or give the whole request with --json" if "with_json" in (node.arg_count or {}) else ""
        return Problem(None, f"too few arguments: {usage} needs {lo}, got {count} (missing {names}{or_json})")
    return None


def check_argv(words: Sequence[str], tree: CommandTree | None = None) -> tuple[Resolution, list[Problem]]:
    """Check the words after ``databricks``; returns the resolution and every problem found."""
    tree = tree or load_tree()
    res = resolve(tree, words)
    if not res.clean:
        return res, list(res.problems)
    node = res.node
    after_path = words[(res.path_words or [-1])[-1] + 1 :]
    if node.dynamic and any(not w.startswith("-") for w in after_path):
        return res, []  # labs PROJECT ...: its subcommands and flags exist only at runtime
    scan = _scan_flags(words, res, tree)
    problems = scan.problems
    deprecated = next((k for k in res.path_words if _node_at(node, res, k).deprecated), None)
    if deprecated is not None:
        problems.append(Problem(deprecated, f"`{_node_at(node, res, deprecated).display}` is deprecated", True))
    if HELP_FLAGS & scan.seen or scan.unknown:
        return res, problems  # help skips argument checks; an unknown flag makes the count unreliable
    if node.is_group:
        if node.parent is not None:
            visible = sorted(n for n, c in node.children.items() if not c.hidden)
            shown = ", ".join(visible[:8]) + (", ..." if len(visible) > 8 else "")
            problems.append(Problem(None, f"`{node.display}` is a command group: name a subcommand ({shown})"))
        return res, problems
    count_problem = _count_problem(words, node, scan)
    if count_problem is not None:
        problems.append(count_problem)
    return res, problems


def _node_at(node: CommandNode, res: Resolution, word: int) -> CommandNode:
    """The node named by path word ``word`` of a resolution ending at ``node``."""
    up = node
    for _ in range(len(res.path_words) - 1 - res.path_words.index(word)):
        if up.parent is None:
            raise RuntimeError("a resolved command path is deeper than the command tree")
        up = up.parent
    return up


def _flag_notes(i: int, spec: FlagSpec, node: CommandNode, tree: CommandTree) -> list[Problem]:
    if not spec.deprecated:
        return []
    instead = DEPRECATED_FLAG_HINTS.get(spec.name, "")
    shown = f"`--{spec.name}` (`-{spec.short}`)" if spec.short else f"`--{spec.name}`"
    if spec is tree.global_flags.get(spec.name):
        return [Problem(i, f"global flag {shown} is deprecated{instead}", True)]
    return [Problem(i, f"flag {shown} of `{node.display}` is deprecated{instead}", True)]


def _unknown_flag_message(shown: str, name: str, node: CommandNode, allowed: dict[str, FlagSpec]) -> str:
    visible = [n for n, f in allowed.items() if not f.hidden]
    hint = _legacy_flag_hint(name, node) or _suggest(name, visible, "--")
    if not hint and "json" in node.flags:
        hint = "; request fields without a flag of their own go in the --json body"
    return f"unknown flag `{shown}` for `{node.display}`{hint}"


def _unknown_short_message(word: str, ch: str, body: str, allowed: dict[str, FlagSpec]) -> str:
    if body.lstrip("-").replace(".", "").isdigit():
        return f"`{word}` is read as a flag: a negative number must follow `--`"
    long = body if len(body) > 1 else None
    if long and long in allowed:
        return f"unknown shorthand flag `-{ch}` in `{word}`: long flags need two dashes (`--{long}`)"
    return f"unknown shorthand flag `-{ch}` in `{word}`"


def command_path(words: Sequence[str], tree: CommandTree | None = None) -> str | None:
    """The command path the words name (``"clusters create"``), or None when it does not resolve."""
    res = resolve(tree or load_tree(), words)
    if not res.clean or not res.node.path:
        return None
    return " ".join(res.node.path)

