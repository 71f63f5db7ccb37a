"""Python oracle, static part: every python block parses, then ONE basedpyright run type-checks them all.

Steps:

1. Each python block (not ``skip``/``output``) is read by ``scripts.readers.python`` without changing
   its line count: ``pycon`` prompts stripped and their output lines emptied, notebook magics turned
   into comments (the rules are in that module). ``ast.parse`` then reports a SyntaxError at its
   Markdown line.
2. The blocks that parse are written to a temporary folder under ``ctx.work_dir``: one ``.py`` file
   per block, except the blocks of one ``run session=NAME`` on a page, which are concatenated in
   page order into one file (as they run, so types flow from one block to the next). The folder also
   gets ``__builtins__.pyi`` (the notebook globals ``spark``, ``dbutils``, ``display``: see
   ``stubs/__builtins__.pyi``), the ``c7_lakeflow`` package (``stubs/c7_lakeflow/__init__.pyi``, the
   pipelines API examples are checked against; see ``point_pipelines_imports``) and the
   ``pyrightconfig.json`` built by ``pyright_config``.
   Each block of a session of two or more blocks is also written alone, as its own file, exactly as a
   block outside a session: Context7 and other AI readers take one block at a time, so every example
   must stand alone.
3. basedpyright runs once over the folder (``--outputjson``). Each error is mapped back to the block
   whose lines it falls in, at the Markdown line of the offending code line. From a block checked
   alone, an error the session's file does not have at that line means the block leans on another
   block of its session: an undefined name becomes one finding at its first use, naming the blocks
   that define (or import) it; any other such error is reported with the same advice.

``databricks.connect`` (databricks-connect 18.3, Python 3.12 only, not installable here) is checked
against its real API when ``python -m scripts.fetch_dbconnect`` has unpacked it into that script's
``TARGET`` (``.deps/dbconnect-<version>`` in the project root); without it, blocks importing it get one
finding telling you to run that.

Limitation: ``ast`` is Python 3.11's, so 3.12-only syntax (PEP 701 f-strings such as
``f"{d["k"]}"``) is reported as a syntax error.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts import fetch_dbconnect
from scripts.docmodel import Block
from scripts.readers import python
from scripts.verify.base import Context, OracleResult, code_line, key

NAME = "python-static"
STUB_DIR = Path(__file__).resolve().parent / "stubs"
LAKEFLOW_STUB = "c7_lakeflow"  # the package under STUB_DIR that ``pyspark.pipelines`` imports are pointed at
DBCONNECT_SOURCES = fetch_dbconnect.TARGET
FETCH_HINT = "python -m scripts.fetch_dbconnect"

# Why each choice departs from basedpyright's "standard" mode (everything else stays as standard):
#   strictParameterNoneValue=false  the SDK writes ``callback: Callable[...] = None`` without
#       Optional, so every ``.result()`` call would fail.
#   reportOptional*=none   SDK response dataclasses declare every field Optional, even ids the
#       server always returns; ``cluster.state.value`` in an example is not a mistake a reader makes.
#   reportUnusedExpression=none   a bare ``df`` as the last line displays it in a notebook.
#   reportRedeclaration=none   notebook sessions redefine functions and variables on purpose.
#   reportPrivateImportUsage=none   ``mlflow.sklearn`` (a lazily loaded submodule) would fail.
#   reportIncompatibleMethodOverride=none   framework base classes annotate loosely (MLflow's
#       ``PythonModel.predict`` is inferred to return None), so a correct override is flagged.
#   reportPossiblyUnboundVariable=none   a name bound inside ``with mlflow.start_run():`` is "possibly unbound"
#       after the block, because a context manager may swallow exceptions; examples use that idiom.
# Only errors are reported; warnings (missing module source, possibly unbound) are ignored.
PYRIGHT_RULES: dict[str, object] = {
    "typeCheckingMode": "standard",
    "strictParameterNoneValue": False,
    "reportOptionalMemberAccess": "none",
    "reportOptionalSubscript": "none",
    "reportOptionalIterable": "none",
    "reportOptionalCall": "none",
    "reportOptionalOperand": "none",
    "reportOptionalContextManager": "none",
    "reportUnusedExpression": "none",
    "reportRedeclaration": "none",
    "reportPrivateImportUsage": "none",
    "reportPossiblyUnboundVariable": "none",
    "reportIncompatibleMethodOverride": "none",
}
PYTHON_VERSION = "3.12"  # what Databricks Runtime 16+ and serverless run

# An argument whose only fault is that it may be None (``job_id=created.job_id``): see PYRIGHT_RULES.
ONLY_NONE_ARGUMENT_RE = re.compile(
    r'^Argument of type ".* \| None" cannot be assigned.*\n(?:.*\n)*\s*"None" is not assignable to "[^"]*"\s*$'
)

# Library typing the checker gets wrong, each with the reason; matched on the whole message.
#   mlflow.pyfunc.spark_udf has no return annotation, so its type is inferred from the inner pandas UDF's
#   body (an Iterator); at run time calling it returns a Column, which is how MLflow documents its use.
#   pyspark 4.2's functions.pyi has no overload for ``@pandas_udf("double")`` on a type-hinted function (the
#   documented style since Spark 3.0), so the decorator call fails to match and the decorated function keeps
#   its pandas signature: calling it with column names or Columns is then flagged too.
KNOWN_LIBRARY_TYPING = (
    re.compile(r'^Argument of type "Iterator\[Unknown\]" cannot be assigned to parameter "col" of type "Column"'),
    re.compile(r'^No overloads for "pandas_udf" match the provided arguments'),
    re.compile(r'^Argument of type "(Literal\[.*\]|Column|str)" cannot be assigned to parameter "\w+" of type '
               r'"(Series\[Any\]|DataFrame)"'),
)

RULE_HINTS = {
    "reportMissingImports": "the module is not installed in the verification environment "
    "(add it to the project's dependencies, or mark the block skip with a reason)",
    "reportUndefinedVariable": "import or define it in this block (spark, dbutils and display need no import)",
}
STAND_ALONE = "each example must stand alone (its own imports and set-up)"


@dataclass
class Segment:
    """One block's lines inside a checked file (0-based first line, line count)."""

    block: Block
    start: int
    length: int


@dataclass
class Unit:
    """One checked ``.py`` file: a single block, or the blocks of one session, in page order.

    A copy of one session block checked on its own has ``session`` set to the unit of its whole session.
    """

    name: str
    segments: list[Segment] = field(default_factory=list)
    source: str = ""
    session: Unit | None = None

    def add(self, block: Block, code: str) -> None:
        if self.source and not self.source.endswith("\n"):
            self.source += "\n"
        start = self.source.count("\n")
        text = code if code.endswith("\n") or not code else code + "\n"
        self.segments.append(Segment(block, start, text.count("\n")))
        self.source += text

    def locate(self, line0: int) -> tuple[Block, int] | None:
        """(block, 0-based line inside its code) for a 0-based line of the file, if it is in a block."""
        for seg in self.segments:
            if seg.start <= line0 < seg.start + seg.length:
                return seg.block, line0 - seg.start
        return None


# ``pyspark.pipelines`` on a Databricks runtime is the runtime's pipelines module: the Apache Spark API plus
# what Databricks adds (AUTO CDC flows, expectation decorators, more keywords). No package ships it, so
# ``stubs/c7_lakeflow/__init__.pyi`` describes it from the Databricks Python reference. Imports of
# ``pyspark.pipelines`` are pointed at that stub, on the same line, so Lakeflow examples are checked against
# what they run on.
PIPELINES_IMPORTS = (
    (re.compile(r"^(\s*)from pyspark import pipelines\b"), r"\1import c7_lakeflow"),
    (re.compile(r"^(\s*)import pyspark\.pipelines\b"), r"\1import c7_lakeflow"),
    (re.compile(r"^(\s*)from pyspark\.pipelines import\b"), r"\1from c7_lakeflow import"),
)


def point_pipelines_imports(code: str) -> str:
    lines = code.split("\n")
    for i, line in enumerate(lines):
        for pattern, replacement in PIPELINES_IMPORTS:
            if pattern.match(line):
                lines[i] = pattern.sub(replacement, line, count=1)
                break
    return "\n".join(lines)


def prepare_source(block: Block) -> str:
    """The block's code as the checker sees it (the Python reader's source, pipelines imports mapped)."""
    return point_pipelines_imports(python.read(block.code, block.info).code)


def syntax_error(source: str) -> tuple[int, str] | None:
    """(0-based line, message) of the first syntax error in ``source``, or None."""
    try:
        ast.parse(source)
    except SyntaxError as exc:
        line0 = max((exc.lineno or 1) - 1, 0)
        return line0, f"SyntaxError: {exc.msg}"
    return None


def imports_dbconnect(source: str) -> int | None:
    """0-based line of the first ``databricks.connect`` import in ``source``, or None."""
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + (
                [f"databricks.{a.name}" for a in node.names] if node.module == "databricks" else []
            )
        if any(n == "databricks.connect" or n.startswith("databricks.connect.") for n in names):
            return getattr(node, "lineno", 1) - 1
    return None


def pyright_config(extra_paths: Sequence[Path]) -> dict[str, object]:
    """The pyrightconfig.json written next to the checked files."""
    config: dict[str, object] = {"pythonVersion": PYTHON_VERSION, **PYRIGHT_RULES}
    if extra_paths:
        config["extraPaths"] = [str(p) for p in extra_paths]
    return config


def build_units(prepared: Sequence[tuple[Block, str]]) -> list[Unit]:
    """Group blocks into files: one per block, one per (page, session) for ``run session=...``."""
    units: list[Unit] = []
    sessions: dict[tuple[str, str], Unit] = {}
    for block, source in prepared:
        session = block.directive.session if block.directive and block.is_run else None
        if session is not None and (block.path, session) in sessions:
            unit = sessions[(block.path, session)]
        else:
            unit = Unit(f"_c7_block_{len(units):04d}.py")
            units.append(unit)
            if session is not None:
                sessions[(block.path, session)] = unit
        unit.add(block, source)
    return units


def basedpyright_command(project: Path) -> list[str]:
    """The basedpyright command line, preferring the one installed next to this Python."""
    exe = Path(sys.executable).parent / "basedpyright"
    program = str(exe) if exe.exists() else (shutil.which("basedpyright") or "basedpyright")
    return [program, "--outputjson", "--pythonpath", sys.executable, "--project", str(project)]


def run_basedpyright(project: Path) -> list[dict[str, Any]]:
    """Run basedpyright once over ``project``; return its diagnostics. Raises RuntimeError on failure."""
    try:
        proc = subprocess.run(basedpyright_command(project), cwd=project, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise RuntimeError(f"cannot start basedpyright: {exc}") from None
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise RuntimeError(
            f"basedpyright gave no report (exit {proc.returncode}): {detail[-1] if detail else ''}"
        ) from None
    return list(report.get("generalDiagnostics", []))


def is_ignored(diag: dict[str, Any]) -> bool:
    """Diagnostics that are not findings: non-errors, and None-only argument mismatches."""
    if diag.get("severity") != "error":
        return True
    message = str(diag.get("message", ""))
    if any(pattern.match(message) for pattern in KNOWN_LIBRARY_TYPING):
        return True
    return diag.get("rule") == "reportArgumentType" and bool(ONLY_NONE_ARGUMENT_RE.match(message))


def describe(diag: dict[str, Any]) -> str:
    """A one-line finding message for a basedpyright diagnostic."""
    message = str(diag.get("message", "")).replace('"c7_lakeflow', '"pyspark.pipelines')
    parts = [p.strip() for p in message.splitlines() if p.strip()]
    text = "; ".join(dict.fromkeys(parts))
    rule = diag.get("rule")
    hint = RULE_HINTS.get(rule or "")
    if hint:
        text = f"{text}: {hint}"
    return f"{text} ({rule})" if rule else text


def alone_units(units: Sequence[Unit], first_index: int) -> list[Unit]:
    """One more file for each block of a session of two or more blocks: the block alone."""
    extra: list[Unit] = []
    for unit in units:
        if len(unit.segments) < 2:
            continue
        for seg in unit.segments:
            alone = Unit(f"_c7_block_{first_index + len(extra):04d}.py", session=unit)
            alone.add(seg.block, unit_lines(unit, seg))
            extra.append(alone)
    return extra


def unit_lines(unit: Unit, seg: Segment) -> str:
    """The source of one segment of a unit."""
    return "".join(unit.source.splitlines(keepends=True)[seg.start : seg.start + seg.length])


def bound_names(source: str) -> dict[str, str]:
    """Names a block binds at module level, each with how: ``"imported"`` or ``"defined"``.

    Assignments, ``for``/``with``/``except`` targets, functions and classes, imports; the bodies of
    functions, classes, lambdas and comprehensions have their own scope and are not looked into.
    """
    names: dict[str, str] = {}
    scoped = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
              ast.DictComp, ast.GeneratorExp)  # fmt: skip
    todo: list[ast.AST] = [ast.parse(source)]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    names.setdefault(alias.asname or alias.name.split(".")[0], "imported")
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.setdefault(node.name, "defined")
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.setdefault(node.id, "defined")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.setdefault(node.name, "defined")
        if not isinstance(node, scoped):
            todo.extend(ast.iter_child_nodes(node))
    return names


UNDEFINED_RE = re.compile(r'^"(?P<name>[^"]+)" is not defined')


def position(diag: dict[str, Any]) -> tuple[int, int]:
    """(0-based line, column) where a diagnostic starts in its file."""
    start = diag.get("range", {}).get("start", {})
    return int(start.get("line", 0)), int(start.get("character", 0))


def leaning_finding(
    diag: dict[str, Any], block: Block, session: Unit, binders: dict[tuple[str, int], dict[str, str]]
) -> str | None:
    """The finding for an error of a block checked alone that its session's file does not have.

    An undefined name bound by other blocks of the session names those blocks; an undefined name no
    block binds is left to the session's own finding.
    """
    match = UNDEFINED_RE.match(str(diag.get("message", "")))
    if diag.get("rule") != "reportUndefinedVariable" or match is None:
        return f"{describe(diag)}; the block passes only after another block of its session: {STAND_ALONE}"
    name = match.group("name")
    others = [seg.block for seg in session.segments if seg.block.line != block.line]
    sources = [b for b in others if name in binders[key(b)]]
    if not sources:
        return None
    how = "imported" if all(binders[key(b)][name] == "imported" for b in sources) else "defined"
    lines = [str(b.line) for b in sources]
    where = f"the block at line {lines[0]}" if len(lines) == 1 else f"the blocks at lines {', '.join(lines[:-1])}"
    if len(lines) > 1:
        where += f" and {lines[-1]}"
    return f"`{name}` is {how} only in {where}; {STAND_ALONE}"


def check(blocks: Sequence[Block], ctx: Context) -> OracleResult:
    """Syntax-check and type-check every python block; see the module docstring."""
    result = OracleResult(NAME)
    dbconnect = DBCONNECT_SOURCES.resolve()
    have_dbconnect = (dbconnect / "databricks" / "connect" / "__init__.py").is_file()
    root = fetch_dbconnect.PROJECT_ROOT
    shown = DBCONNECT_SOURCES.relative_to(root) if DBCONNECT_SOURCES.is_relative_to(root) else DBCONNECT_SOURCES

    prepared: list[tuple[Block, str]] = []
    broken: set[tuple[str, str]] = set()  # sessions holding a block that does not parse
    hidden_import_lines: set[tuple[str, int]] = set()  # dbconnect imports already reported
    for block in blocks:
        if block.language != "python" or block.is_skipped or block.is_output:
            continue
        result.checked.add(key(block))
        source = prepare_source(block)
        error = syntax_error(source)
        if error is not None:
            result.fail(block, error[1], code_line(block, error[0]))
            if block.directive and block.directive.session:
                broken.add((block.path, block.directive.session))
            continue
        if not have_dbconnect:
            line0 = imports_dbconnect(source)
            if line0 is not None:
                result.fail(
                    block,
                    f"databricks.connect cannot be type-checked: its package is missing from "
                    f"{shown.as_posix()}; run `{FETCH_HINT}` once",
                    code_line(block, line0),
                )
                hidden_import_lines.add((block.path, code_line(block, line0)))
        prepared.append((block, source))

    prepared = [
        (b, s)
        for b, s in prepared
        if not (b.directive and b.directive.session and (b.path, b.directive.session) in broken)
    ]
    if not prepared:
        return result

    ctx.work_dir.mkdir(parents=True, exist_ok=True)
    units = build_units(prepared)
    units += alone_units(units, len(units))
    with tempfile.TemporaryDirectory(prefix="python-static-", dir=ctx.work_dir) as tmp:
        project = Path(tmp)
        shutil.copy(STUB_DIR / "__builtins__.pyi", project / "__builtins__.pyi")
        shutil.copytree(STUB_DIR / LAKEFLOW_STUB, project / LAKEFLOW_STUB)
        config = pyright_config([dbconnect] if have_dbconnect else [])
        (project / "pyrightconfig.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        for unit in units:
            (project / unit.name).write_text(unit.source, encoding="utf-8")
        try:
            diagnostics = run_basedpyright(project)
        except RuntimeError as exc:
            first = units[0].segments[0].block
            result.fail(first, f"type check not run: {exc}")
            return result
        by_file = {(project / u.name).resolve(): u for u in units}
        located: list[tuple[Unit, Block, int, dict[str, Any]]] = []
        for diag in diagnostics:
            unit = by_file.get(Path(diag.get("file", "")).resolve())
            if unit is None or is_ignored(diag):
                continue
            where = unit.locate(int(diag.get("range", {}).get("start", {}).get("line", 0)))
            if where is not None:
                located.append((unit, where[0], code_line(where[0], where[1]), diag))
        located.sort(key=lambda item: (item[1].path, item[2], position(item[3])))  # first use first
        in_sessions = {(key(b), line, str(d.get("message"))) for u, b, line, d in located if u.session is None}
        binders = {key(u.segments[0].block): bound_names(u.source) for u in units if u.session is not None}
        reported: set[tuple[tuple[str, int], str]] = set()
        for unit, block, line, diag in located:
            if (block.path, line) in hidden_import_lines and diag.get("rule") == "reportMissingImports":
                continue
            if unit.session is None:
                result.fail(block, describe(diag), line)
                continue
            if (key(block), line, str(diag.get("message"))) in in_sessions:
                continue  # the session's file reports it already
            message = leaning_finding(diag, block, unit.session, binders)
            if message is not None and (key(block), message) not in reported:
                reported.add((key(block), message))
                result.fail(block, message, line)
    return result
