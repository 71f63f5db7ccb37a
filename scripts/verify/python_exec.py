"""Python oracle for executed examples: runs python blocks marked ``run`` through Spark Connect.

What runs is the block as ``scripts.readers.python`` reads it (``pycon`` prompts stripped, notebook
magics commented out, every line where it was). Blocks run in page order. Blocks with the same
``session=NAME`` on a page share one namespace (and Spark's temp views and tables), in order; any other
run block gets a fresh namespace. Globals given to every block: ``spark`` and ``display``. ``spark`` is a
new Spark Connect session on the run's local Spark (scripts/verify/spark_local.py) for each group of blocks,
as on serverless compute, standard access mode and Databricks Connect: an API Spark Connect lacks
(``spark.sparkContext``, RDDs) fails for real. A group with a block marked ``classic="..."`` gets the classic
session instead, as on dedicated compute. ``dbutils`` exists only on Databricks, so a block using it cannot
be ``run`` (reported before anything executes).

What is checked: the block compiles and runs without an exception (reported at the block line of
the innermost traceback frame inside the block), within a time limit, without reaching the network
(any connection to a non-loopback address raises and is reported), and, when the next block is
marked ``output``, its captured stdout equals that block (trailing whitespace ignored per line).

Design: blocks run in-process, not in a worker subprocess, because the JVM behind ``spark``
(~14 s cold start) must be shared with the SQL oracle for the whole run. The price is weaker
isolation, so the runner contains what it can: a per-session working directory under the work
folder (``./mlruns`` and written files stay out of the repo), MLflow tracking in a SQLite file there,
the network patch and environment restored after each block, Spark state reset between sessions, a
SIGALRM time limit that also cancels running Spark jobs, and a restart if an example stops Spark.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import io
import ipaddress
import linecache
import os
import re
import signal
import socket
import tempfile
import threading
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.docmodel import Block
from scripts.readers import python
from scripts.verify import spark_local
from scripts.verify.base import BlockKey, Context, OracleResult, code_line, key

NAME = "python-run"
LANGUAGES = frozenset({"python"})
TIMEOUT_SECONDS = 120
MAX_DIFF_LINES = 12
SQLSTATE_RE = re.compile(r"\s*SQLSTATE: \w+[.;]?.*$")


# --------------------------------------------------------------------------------------------
# Sandbox pieces: network, time limit, display
# --------------------------------------------------------------------------------------------


class NetworkBlocked(OSError):
    """Raised when an example tries to reach a non-loopback address."""


class BlockTimeout(Exception):
    """Raised inside an example that runs longer than its time limit."""


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host.lower() in ("localhost", "localhost.localdomain", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _is_ip_literal(host: object) -> bool:
    """An address needs no name lookup; connecting to it is what the guard checks."""
    try:
        ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return False
    return True


@dataclass
class NetworkGuard:
    """Records (and refuses) every attempt to leave the machine while installed."""

    filename: str = ""  # the running block's code filename, to locate an attempt it swallows
    attempts: list[tuple[str, int | None]] = field(default_factory=list)  # (target, 0-based line)

    def refuse(self, target: str) -> NetworkBlocked:
        lines = [f.lineno for f in traceback.extract_stack() if f.filename == self.filename]
        self.attempts.append((target, lines[-1] - 1 if lines and lines[-1] else None))
        return NetworkBlocked(f"network access is blocked while examples run (tried {target})")

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        original_connect = socket.socket.connect
        original_connect_ex = socket.socket.connect_ex
        original_getaddrinfo = socket.getaddrinfo
        guard = self

        def target_of(sock: socket.socket, address: Any) -> str | None:
            if sock.family not in (socket.AF_INET, socket.AF_INET6):
                return None  # Unix sockets and the like stay on the machine
            host = address[0] if isinstance(address, tuple) and address else address
            if _is_loopback(host):
                return None
            port = address[1] if isinstance(address, tuple) and len(address) > 1 else "?"
            return f"{host}:{port}"

        def connect(sock: socket.socket, address: Any) -> None:
            target = target_of(sock, address)
            if target is not None:
                raise guard.refuse(target)
            original_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            target = target_of(sock, address)
            if target is not None:
                raise guard.refuse(target)
            return original_connect_ex(sock, address)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else host
            if name is not None and not _is_loopback(name) and not _is_ip_literal(name):
                raise guard.refuse(f"{name} (name lookup)")
            return original_getaddrinfo(host, *args, **kwargs)

        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = getaddrinfo
        try:
            yield
        finally:
            socket.socket.connect = original_connect  # type: ignore[method-assign]
            socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]
            socket.getaddrinfo = original_getaddrinfo


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise BlockTimeout in the running code after ``seconds`` (main thread only; else no limit)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise BlockTimeout(f"did not finish within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def display(obj: object = None, *args: object, **kwargs: object) -> None:
    """Local stand-in for the notebook ``display``: a DataFrame is shown in full, anything else printed."""
    show = getattr(obj, "show", None)
    if callable(show) and hasattr(obj, "schema"):
        show(truncate=False)
    else:
        print(obj)


@contextlib.contextmanager
def working_environment(cwd: Path, work_dir: Path) -> Iterator[None]:
    """cwd and MLflow settings for one block; both restored afterwards."""
    saved_cwd = os.getcwd()
    settings = {
        "MLFLOW_TRACKING_URI": f"sqlite:///{(work_dir / 'mlflow.db').resolve()}",
        "MLFLOW_DISABLE_TELEMETRY": "true",  # MLflow 3 reports usage over the network otherwise
        "DO_NOT_TRACK": "true",
    }
    saved_env = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# --------------------------------------------------------------------------------------------
# Running one block
# --------------------------------------------------------------------------------------------


@dataclass
class BlockRun:
    """What running one block produced."""

    stdout: str = ""
    error_line: int | None = None  # 0-based line in the block's code
    error: str | None = None


def block_filename(block: Block) -> str:
    return f"<docs {block.path}:{block.line}>"


def source_of(block: Block) -> str:
    """The Python a block runs: the reader's source, with the block's line numbers."""
    return python.read(block.code, block.info).code


def dbutils_use(block: Block) -> int | None:
    """The 0-based code line where a block reads ``dbutils`` without defining it, if it does."""
    try:
        tree = ast.parse(source_of(block))
    except SyntaxError:
        return None
    bound = any(
        isinstance(node, ast.Name) and node.id == "dbutils" and isinstance(node.ctx, ast.Store)
        or isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == "dbutils"
        for node in ast.walk(tree)
    )
    if bound:
        return None
    uses = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "dbutils"]
    return min(uses) - 1 if uses else None


def run_block(block: Block, namespace: dict[str, Any], guard: NetworkGuard, timeout: float) -> BlockRun:
    """Compile and execute one block in ``namespace``, capturing stdout and locating any error."""
    filename = block_filename(block)
    source = source_of(block)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    outcome = BlockRun()
    try:
        compiled = compile(source, filename, "exec")
    except SyntaxError as exc:
        outcome.error_line = max((exc.lineno or 1) - 1, 0)
        outcome.error = f"SyntaxError: {exc.msg}"
        return outcome
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), guard.installed():
            with time_limit(timeout):
                exec(compiled, namespace)  # noqa: S102 - running the docs' examples is this oracle's job
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - any failure of an example is a finding
        outcome.error_line = _line_in_block(exc, filename)
        outcome.error = _describe(exc)
        if isinstance(exc, BlockTimeout):
            _cancel_spark_jobs()
    outcome.stdout = out.getvalue()
    if outcome.error is None and guard.attempts:
        target, outcome.error_line = guard.attempts[0]
        outcome.error = f"NetworkBlocked: the example tried to reach the network ({target}) and hid the error"
    return outcome


def _line_in_block(exc: BaseException, filename: str) -> int | None:
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    if isinstance(exc, SyntaxError) and exc.filename == filename and exc.lineno:
        return exc.lineno - 1
    return lines[-1] - 1 if lines and lines[-1] else None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, NetworkBlocked):
        return f"{exc} - examples must not reach the internet; remove `run` or use local data"
    if isinstance(exc, BlockTimeout):
        return f"timeout: the block {exc}"
    if isinstance(exc, SystemExit):
        return f"the block called exit({exc.code!r})"
    text = str(exc).strip()
    first = SQLSTATE_RE.sub("", text.splitlines()[0]) if text else ""
    name = type(exc).__name__
    return f"{name}: {first[:400]}" if first else name


def _cancel_spark_jobs() -> None:
    session = spark_local.current_spark()
    if session is not None:
        with contextlib.suppress(Exception):
            session.sparkContext.cancelAllJobs()


def compare_output(actual: str, expected: str) -> tuple[int, str] | None:
    """None when equal (trailing whitespace per line and trailing blank lines ignored); else the
    0-based line of the first difference in ``expected`` and a short unified diff."""

    def norm(text: str) -> list[str]:
        lines = [line.rstrip() for line in text.split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    want, got = norm(expected), norm(actual)
    if want == got:
        return None
    first = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b), min(len(want), len(got)))
    diff = list(difflib.unified_diff(want, got, "expected", "actual", n=1, lineterm=""))[2:]
    if len(diff) > MAX_DIFF_LINES:
        diff = diff[:MAX_DIFF_LINES] + [f"... ({len(diff) - MAX_DIFF_LINES} more diff lines)"]
    return min(first, max(len(want) - 1, 0)), "\n".join(diff)


# --------------------------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------------------------


def _sessions(blocks: Sequence[Block]) -> list[list[Block]]:
    """Run blocks grouped: one group per (page, session=NAME), else one per block; page order."""
    groups: dict[tuple[str, str | int], list[Block]] = {}
    for block in sorted(blocks, key=lambda b: (b.path, b.index)):
        session = block.directive.session if block.directive else None
        groups.setdefault((block.path, session or block.index), []).append(block)
    return list(groups.values())


def check(blocks: Sequence[Block], ctx: Context, timeout: float = TIMEOUT_SECONDS) -> OracleResult:
    """Execute python blocks marked ``run`` and compare their ``output`` blocks."""
    result = OracleResult(NAME)
    runnable = [b for b in blocks if b.language in LANGUAGES and b.is_run]
    if not runnable:
        return result
    following = {(b.path, b.index - 1): b for b in blocks if b.is_output}
    for block in runnable:
        result.checked.add(key(block))
    blocked: set[BlockKey] = set()
    for block in runnable:
        line = dbutils_use(block)
        if line is not None:
            result.fail(
                block,
                "uses dbutils, which exists only on Databricks: this block cannot run locally; remove `run`",
                code_line(block, line),
            )
            blocked.add(key(block))
    if not ctx.execute:
        return result
    exec_root = ctx.work_dir / "exec"
    exec_root.mkdir(parents=True, exist_ok=True)
    # Between blocks too, the process works in the work folder: MLflow code left running by a block (the clean-up
    # of mlflow.pyfunc.spark_udf) falls back to ./mlruns, which must not land in the project.
    with contextlib.chdir(exec_root):
        _run_groups(runnable, blocked, following, ctx, exec_root, timeout, result)
    if spark_local.spark_started():
        spark_local.reset_state(spark_local.get_spark(ctx.work_dir))
    return result


def _run_groups(runnable: Sequence[Block], blocked: set[BlockKey], following: dict[tuple[str, int], Block],
                ctx: Context, exec_root: Path, timeout: float, result: OracleResult) -> None:
    """Run each session group of blocks, recording what ran and what failed in ``result``."""
    for group in _sessions(runnable):
        if any(key(b) in blocked for b in group):
            continue
        spark_local.reset_state(spark_local.get_spark(ctx.work_dir))
        classic = any(b.directive is not None and b.directive.classic for b in group)
        spark = spark_local.get_spark(ctx.work_dir) if classic else spark_local.connect_session(ctx.work_dir)
        cwd = Path(tempfile.mkdtemp(prefix="session-", dir=exec_root))
        namespace: dict[str, Any] = {"__name__": "__main__", "spark": spark, "display": display}
        for block in group:
            guard = NetworkGuard(filename=block_filename(block))
            spark_local.mark_dirty()
            with working_environment(cwd, ctx.work_dir), spark_local.connect_mode(not classic):
                outcome = run_block(block, namespace, guard, timeout)
            if not spark_local.ensure_alive():
                result.fail(
                    block,
                    "the block stopped the shared SparkSession (spark.stop()); examples must not stop it",
                    block.line,
                )
                break
            if outcome.error is not None:
                line = code_line(block, outcome.error_line) if outcome.error_line is not None else block.line
                result.fail(block, f"run failed: {outcome.error}", line)
                break
            result.executed.add(key(block))
            expected = following.get((block.path, block.index))
            if expected is not None:
                mismatch = compare_output(outcome.stdout, expected.code)
                if mismatch is not None:
                    offset, diff = mismatch
                    result.fail(
                        expected,
                        f"output differs from what the block above prints:\n{diff}",
                        code_line(expected, offset),
                    )
    spark_local.close_connect()
