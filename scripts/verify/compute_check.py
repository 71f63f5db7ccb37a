"""The compute oracle: an example must run where new users run it, on serverless compute (and, as far as the
table says, on standard access mode), unless its block carries ``<!-- verify: classic="..." -->`` (shown as
"Classic compute only: ...").

Both computes run PySpark through Spark Connect. What they cannot run comes from the vendored table
``scripts/data/compute-limits.yaml``: each row names what it matches, where it fails, the message, and the
official page (with the sentence of it) that says so. A malformed table is a ``file:line`` finding at the table.

Python blocks are read through ``scripts.readers.python`` and matched on their syntax tree: attribute reads
(``df.rdd``), notebook globals the block never binds (``sc``), imported symbols (``SparkContext``), method calls
and their keywords (``.trigger(processingTime=...)``), streaming writes started without a trigger, and the SQL
in ``spark.sql("...")`` literals. SQL blocks are cut into statements by ``scripts.verify.sql_statements``
(comments left out) and each statement's start is matched, whatever its case. Names bound and stream writers
built in earlier blocks of the same ``session`` are known. Code that does not parse is left to the python and
sql oracles.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scripts.docmodel import Block
from scripts.errors import DocError, Finding
from scripts.readers import python
from scripts.verify.base import Context, OracleResult, code_line, key
from scripts.verify.sql_statements import SqlSyntaxError, Statement, split_statements, strip_magic

NAME = "compute"
LANGUAGES = frozenset({"python", "sql"})
LIMITS_PATH = Path(__file__).resolve().parents[1] / "data" / "compute-limits.yaml"

COMPUTES = {"serverless": "serverless", "standard": "standard access mode"}
MATCH_KINDS = ("attribute", "global", "symbol", "method", "stream_without_trigger", "sql")
ROW_FIELDS = {"id", "computes", "match", "subject", "problem", "advice", "source_url", "source_text", "also"}
REQUIRED_FIELDS = ("id", "computes", "match", "problem", "advice", "source_url", "source_text")
OFFICIAL_HOSTS = ("https://docs.databricks.com/", "https://learn.microsoft.com/", "https://spark.apache.org/")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
IDENTIFIER_RE = re.compile(r"^[A-Za-z_]\w*$")
DOTTED_RE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
STREAM_ENDS = frozenset({"start", "toTable"})
SQL_HEAD_TOKENS = 12  # a statement's start: enough words for any row's pattern


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Matcher:
    kind: str  # one of MATCH_KINDS
    value: str  # the attribute, global, symbol or method name, or the SQL pattern's source
    line: int  # in the table
    keywords: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None  # sql


@dataclass(frozen=True)
class Limit:
    """One row of the table."""

    id: str
    computes: tuple[str, ...]
    match: tuple[Matcher, ...]
    problem: str
    advice: str
    source_url: str
    source_text: str
    line: int
    subject: str | None = None
    also: tuple[tuple[str, str], ...] = ()

    def message(self, code: str | None) -> str:
        """The finding for a match: ``code`` is the piece of the example it names (None: the row's subject)."""
        shown = f"`{code}`" if code is not None else (self.subject or self.id)
        return f'{shown} {self.problem}: {self.source_url}; {self.advice}, or mark the block classic="..."'


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def load_limits(path: Path | None = None) -> tuple[Limit, ...]:
    """Read and validate the table; any problem is a DocError at its line."""
    path = path or LIMITS_PATH
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DocError(shown, 1, "compute limits table not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DocError(shown, 1, f"cannot read the compute limits table: {exc}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise DocError(shown, line, f"not valid YAML: {problem}") from None
    if root is None:
        raise DocError(shown, 1, "the compute limits table is empty")
    if not isinstance(root, yaml.SequenceNode):
        raise DocError(shown, _line(root), "the compute limits table must be a list of rows")
    limits: list[Limit] = []
    seen: dict[str, int] = {}
    for node in root.value:
        limit = _row(node, shown)
        if limit.id in seen:
            raise DocError(shown, limit.line, f"duplicate id {limit.id!r} (first at line {seen[limit.id]})")
        seen[limit.id] = limit.line
        limits.append(limit)
    if not limits:
        raise DocError(shown, _line(root), "the compute limits table has no rows")
    return tuple(limits)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node, path: str, what: str) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise DocError(path, _line(node), f"{what} must be a mapping")
    out: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
        if name in out:
            raise DocError(path, _line(key_node), f"{what}: {name!r} given twice")
        out[name] = value_node
    return out


def _text(node: yaml.Node, path: str, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise DocError(path, _line(node), f"{what} must be a non-empty text")
    return str(node.value).strip()


def _texts(node: yaml.Node, path: str, what: str) -> list[tuple[str, int]]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise DocError(path, _line(node), f"{what} must be a non-empty list")
    return [(_text(item, path, what), _line(item)) for item in node.value]


def _row(node: yaml.Node, path: str) -> Limit:
    fields = _mapping(node, path, "a row")
    row_id = _text(fields["id"], path, "id") if "id" in fields else ""
    where = f"row {row_id!r}" if row_id else "a row"
    unknown = sorted(set(fields) - ROW_FIELDS)
    if unknown:
        raise DocError(path, _line(fields[unknown[0]]), f"{where}: unknown field {unknown[0]!r} "
                       f"(fields: {', '.join(sorted(ROW_FIELDS))})")
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if missing:
        raise DocError(path, _line(node), f"{where}: missing {', '.join(missing)}")
    if not ID_RE.match(row_id):
        raise DocError(path, _line(fields["id"]), f"{where}: id must be lowercase words joined by '-'")
    computes: list[str] = []
    for compute, line in _texts(fields["computes"], path, f"{where}: computes"):
        if compute not in COMPUTES:
            raise DocError(path, line, f"{where}: unknown compute {compute!r} (known: {', '.join(COMPUTES)})")
        if compute in computes:
            raise DocError(path, line, f"{where}: compute {compute!r} listed twice")
        computes.append(compute)
    problem = _text(fields["problem"], path, f"{where}: problem")
    for compute, words in COMPUTES.items():
        if (compute in computes) != (words in problem):
            said = "names" if words in problem else "does not name"
            listed = "is not" if compute not in computes else "is"
            raise DocError(path, _line(fields["problem"]), f"{where}: problem {said} {words!r}, which {listed} "
                           "in computes")
    url = _text(fields["source_url"], path, f"{where}: source_url")
    if not url.startswith(OFFICIAL_HOSTS):
        raise DocError(path, _line(fields["source_url"]), f"{where}: source_url must be an official page "
                       f"({', '.join(OFFICIAL_HOSTS)})")
    matchers = _matchers(fields["match"], path, where)
    subject = _text(fields["subject"], path, f"{where}: subject") if "subject" in fields else None
    if subject is None and any(m.kind == "stream_without_trigger" for m in matchers):
        raise DocError(path, _line(fields["match"]), f"{where}: stream_without_trigger needs a subject")
    return Limit(
        id=row_id, computes=tuple(computes), match=matchers, problem=problem,
        advice=_text(fields["advice"], path, f"{where}: advice"), source_url=url,
        source_text=_text(fields["source_text"], path, f"{where}: source_text"), line=_line(node),
        subject=subject, also=_also(fields["also"], path, where) if "also" in fields else (),
    )


def _also(node: yaml.Node, path: str, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise DocError(path, _line(node), f"{where}: also must be a non-empty list")
    out: list[tuple[str, str]] = []
    for item in node.value:
        fields = _mapping(item, path, f"{where}: an entry of also")
        if set(fields) != {"url", "text"}:
            raise DocError(path, _line(item), f"{where}: an entry of also has exactly url and text")
        url = _text(fields["url"], path, f"{where}: also url")
        if not url.startswith(OFFICIAL_HOSTS):
            raise DocError(path, _line(fields["url"]), f"{where}: also url must be an official page")
        out.append((url, _text(fields["text"], path, f"{where}: also text")))
    return tuple(out)


def _matchers(node: yaml.Node, path: str, where: str) -> tuple[Matcher, ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise DocError(path, _line(node), f"{where}: match must be a non-empty list")
    out: list[Matcher] = []
    for item in node.value:
        fields = _mapping(item, path, f"{where}: a matcher")
        kinds = [k for k in fields if k in MATCH_KINDS]
        extra = sorted(set(fields) - set(MATCH_KINDS) - {"keywords"})
        if len(kinds) != 1 or extra:
            raise DocError(path, _line(item), f"{where}: a matcher has exactly one of {', '.join(MATCH_KINDS)}"
                           " (and keywords, with method)")
        kind = kinds[0]
        value_node = fields[kind]
        line = _line(value_node)
        if "keywords" in fields and kind != "method":
            raise DocError(path, _line(fields["keywords"]), f"{where}: keywords go with method only")
        if kind == "stream_without_trigger":
            if not (isinstance(value_node, yaml.ScalarNode) and value_node.value == "true"):
                raise DocError(path, line, f"{where}: stream_without_trigger takes true")
            out.append(Matcher(kind, "", line))
            continue
        value = _text(value_node, path, f"{where}: {kind}")
        if kind == "sql":
            try:
                pattern = re.compile(value, re.IGNORECASE)
            except re.error as exc:
                raise DocError(path, line, f"{where}: sql is not a valid regular expression: {exc}") from None
            out.append(Matcher(kind, value, line, pattern=pattern))
            continue
        if kind == "symbol" and not DOTTED_RE.match(value):
            raise DocError(path, line, f"{where}: symbol must be MODULE.NAME, got {value!r}")
        if kind != "symbol" and not IDENTIFIER_RE.match(value):
            raise DocError(path, line, f"{where}: {kind} must be a Python name, got {value!r}")
        keywords: tuple[str, ...] = ()
        if "keywords" in fields:
            listed = _texts(fields["keywords"], path, f"{where}: keywords")
            for word, word_line in listed:
                if not IDENTIFIER_RE.match(word):
                    raise DocError(path, word_line, f"{where}: keyword must be a Python name, got {word!r}")
            keywords = tuple(word for word, _ in listed)
        out.append(Matcher(kind, value, line, keywords=keywords))
    return tuple(out)


# ---------------------------------------------------------------- SQL


def _sql_head(statement: Statement) -> str:
    """A statement's start as the patterns see it: upper-cased words joined by single spaces."""
    return " ".join(tok.upper or tok.text for tok in statement.tokens[:SQL_HEAD_TOKENS])


def _sql_matches(code: str, limits: Sequence[Limit]) -> Iterator[tuple[int, Limit, str]]:
    """(0-based line in ``code``, row, matched words) for every statement a row's sql pattern matches."""
    rows = [(limit, m) for limit in limits for m in limit.match if m.kind == "sql"]
    if not rows:
        return
    try:
        statements = split_statements(code)
    except SqlSyntaxError:
        return  # the sql oracle reports what does not tokenize
    for statement in statements:
        head = _sql_head(statement)
        for limit, matcher in rows:
            found = matcher.pattern.match(head) if matcher.pattern is not None else None
            if found:
                yield statement.line, limit, found.group(0).strip()


# ---------------------------------------------------------------- Python


@dataclass
class _Names:
    """What earlier blocks of a ``session`` bound: names, imported symbols, stream writers."""

    bound: set[str] = field(default_factory=set)
    symbols: dict[str, str] = field(default_factory=dict)  # local name -> "pyspark.SparkContext"
    modules: dict[str, str] = field(default_factory=dict)  # local name -> the module it imports
    writers: dict[str, bool] = field(default_factory=dict)  # name of a DataStreamWriter -> has a trigger


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return node.id if isinstance(node, ast.Name) else ""


def _chain(node: ast.expr) -> tuple[list[str], ast.expr]:
    """The attribute names of a call chain, outermost first, and its root (``a.b(x).c`` -> ([c, b], a))."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return names, node


def _bound_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
    return names


class _PythonCheck:
    def __init__(self, limits: Sequence[Limit], names: _Names) -> None:
        self.limits = limits
        self.names = names
        self.found: list[tuple[int, str]] = []  # (1-based line in the source, message)

    def matchers(self, kind: str) -> Iterator[tuple[Limit, Matcher]]:
        for limit in self.limits:
            for matcher in limit.match:
                if matcher.kind == kind:
                    yield limit, matcher

    def report(self, line: int, limit: Limit, code: str | None) -> None:
        self.found.append((line, limit.message(code)))

    def run(self, tree: ast.Module) -> None:
        self._imports(tree)
        self.names.bound |= _bound_names(tree)
        self._writers(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                self._attribute(node)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                self._name(node)
            elif isinstance(node, ast.Call):
                self._call(node)

    def _imports(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.names.modules[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        self.names.modules[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.names.symbols[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def _writers(self, tree: ast.Module) -> None:
        """Names bound to a DataStreamWriter (``w = df.writeStream...``), and whether one gets a trigger."""
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                chain, root = _chain(node.value)
                if chain and chain[0] in STREAM_ENDS:
                    continue  # a started query, not a writer
                inherited = self.names.writers.get(root.id) if isinstance(root, ast.Name) else None
                if "writeStream" in chain or inherited is not None:
                    self.names.writers[node.targets[0].id] = "trigger" in chain or bool(inherited)
        for node in ast.walk(tree):  # w.trigger(...) anywhere sets the trigger of w
            if isinstance(node, ast.Call):
                chain, root = _chain(node)
                if "trigger" in chain and isinstance(root, ast.Name) and root.id in self.names.writers:
                    self.names.writers[root.id] = True

    def _resolve(self, node: ast.expr) -> str:
        """The imported symbol an expression names (``SparkContext``, ``pyspark.SparkContext``), or ''."""
        if isinstance(node, ast.Name):
            return self.names.symbols.get(node.id, "")
        dotted = _dotted(node)
        head, _, rest = dotted.partition(".")
        if head in self.names.modules and rest:
            return f"{self.names.modules[head]}.{rest}"
        return ""

    def _attribute(self, node: ast.Attribute) -> None:
        line = node.end_lineno or node.lineno
        for limit, matcher in self.matchers("attribute"):
            if node.attr == matcher.value:
                receiver = _dotted(node.value)
                self.report(line, limit, f"{receiver}.{node.attr}" if receiver else f".{node.attr}")
        symbol = self._resolve(node)
        for limit, matcher in self.matchers("symbol"):
            if symbol == matcher.value:
                self.report(line, limit, _dotted(node))

    def _name(self, node: ast.Name) -> None:
        for limit, matcher in self.matchers("global"):
            if node.id == matcher.value and node.id not in self.names.bound:
                self.report(node.lineno, limit, node.id)
        symbol = self.names.symbols.get(node.id, "")
        for limit, matcher in self.matchers("symbol"):
            if symbol == matcher.value:
                self.report(node.lineno, limit, node.id)

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        line = func.end_lineno or func.lineno
        for limit, matcher in self.matchers("method"):
            if func.attr != matcher.value:
                continue
            if not matcher.keywords:
                self.report(line, limit, f".{func.attr}(...)")
                continue
            for keyword in node.keywords:
                value = keyword.value
                unset = isinstance(value, ast.Constant) and value.value in (None, False)
                if keyword.arg in matcher.keywords and not unset:
                    self.report(keyword.lineno, limit, f".{func.attr}({keyword.arg}=...)")
        if func.attr in STREAM_ENDS:
            self._stream_end(func, line)
        if func.attr == "sql" and node.args:
            self._sql_literal(node.args[0])

    def _stream_end(self, func: ast.Attribute, line: int) -> None:
        chain, root = _chain(func.value)
        writer = root.id if isinstance(root, ast.Name) and root.id in self.names.writers else None
        if "writeStream" not in chain and writer is None:
            return
        if "trigger" in chain or (writer is not None and self.names.writers[writer]):
            return
        for limit, _ in self.matchers("stream_without_trigger"):
            self.report(line, limit, None)

    def _sql_literal(self, arg: ast.expr) -> None:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            text = arg.value
        elif isinstance(arg, ast.JoinedStr):  # f-string: each placeholder reads as a name
            text = "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "x"
                           for v in arg.values)
        else:
            return
        for offset, limit, words in _sql_matches(text, self.limits):
            self.report(arg.lineno + offset, limit, words)


def _python_findings(block: Block, limits: Sequence[Limit], names: _Names) -> tuple[bool, list[tuple[int, str]]]:
    if python.is_language_cell(block.code):
        first = next(line for line in block.code.split("\n") if line.strip())
        if first.strip().lower() in ("%sql", "%%sql"):
            return _sql_findings(block, limits, block.code.replace(first, "", 1))
        return False, []
    source = python.read(block.code, block.info)
    try:
        tree = ast.parse(source.code)
    except (SyntaxError, ValueError, RecursionError):
        return False, []  # the python oracle reports code that does not parse
    check = _PythonCheck(limits, names)
    check.run(tree)
    return True, [(code_line(block, line - 1), message) for line, message in check.found]


def _sql_findings(block: Block, limits: Sequence[Limit],
                  code: str | None = None) -> tuple[bool, list[tuple[int, str]]]:
    code = strip_magic(block.code if code is None else code)
    try:
        split_statements(code)
    except SqlSyntaxError:
        return False, []
    return True, [(code_line(block, line), limit.message(words)) for line, limit, words in _sql_matches(code, limits)]


# ---------------------------------------------------------------- the oracle


def check(blocks: Sequence[Block], ctx: Context) -> OracleResult:
    """Report every use, in a python or sql block, of what the compute limits table says serverless compute or
    standard access mode cannot run, except in blocks marked ``classic``."""
    result = OracleResult(NAME)
    try:
        limits = load_limits(LIMITS_PATH)
    except DocError as exc:
        result.findings.append(Finding(str(exc.path), exc.line, f"compute limits cannot be read: {exc.message}",
                                       NAME))
        return result
    sessions: dict[tuple[str, str], _Names] = {}
    for block in blocks:
        if block.language not in LANGUAGES or block.is_skipped or block.is_output:
            continue
        session = block.directive.session if block.directive is not None else None
        names = sessions.setdefault((block.path, session), _Names()) if session else _Names()
        if block.language == "python":
            examined, found = _python_findings(block, limits, names)
        else:
            examined, found = _sql_findings(block, limits)
        if block.directive is not None and block.directive.classic:
            continue  # needs classic compute, with a visible note
        if examined:
            result.checked.add(key(block))
        for line, message in sorted(set(found)):
            result.fail(block, message, line)
    return result
