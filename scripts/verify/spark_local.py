"""The one local Spark a verification run shares, its Spark Connect server, and Spark's own SQL parser.

Starting a JVM costs ~14 s, so the session is started lazily on first use and reused by every
oracle (SQL parsing, SQL ``run`` blocks, Python ``run`` blocks) until the process exits.
It runs ``local[2]`` with the UI off, two shuffle partitions, an in-memory catalog, and its
warehouse, Derby home and scratch space under the run's work folder, so nothing lands in the repo.

The same JVM serves Spark Connect on a loopback port (Spark's ``SparkConnectPlugin``), the protocol
serverless compute, standard access mode and Databricks Connect run PySpark through. ``connect_session``
opens a new Spark Connect client session on it: its own temporary views and SQL settings, the tables of
the shared catalog, and none of the classic APIs (``sparkContext``, RDDs) that Spark Connect lacks.
PySpark decides per call whether ``pyspark.sql.functions`` build Connect or classic columns from the
``SPARK_CONNECT_MODE_ENABLED`` environment variable, so code for a Connect session runs inside
``connect_mode()``.

Delta Lake cannot load here (its jars come from Maven, which is unreachable): ``USING DELTA``
parses but does not execute.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_session: SparkSession | None = None
_session_dir: Path | None = None
_connect_url: str | None = None
_connect: SparkSession | None = None  # the current Spark Connect client session
CONNECT_MODE = "SPARK_CONNECT_MODE_ENABLED"
_dirty = False  # something ran since the last reset

POSITION_RE = re.compile(r"\(line (\d+), pos (\d+)\)")
SQLSTATE_RE = re.compile(r"\s*SQLSTATE: \w+\.?")
# Only errors reach the console: the JVM's startup warnings are noise in a verification report.
LOG4J_CONFIG = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark: %p %c{1}: %m%n
# The Spark Connect server logs, as errors, requests that arrive after a client session closed; examples'
# own errors reach the client as exceptions, so its log adds nothing to a report.
logger.connect.name = org.apache.spark.sql.connect
logger.connect.level = fatal
"""


PORT_ATTEMPTS = 3  # tries to start Spark with its Connect server on a free port


@dataclass(frozen=True)
class SparkParseError:
    """Spark's verdict on one statement: its message and the 1-based line inside the statement."""

    message: str
    line: int


def get_spark(work_dir: Path) -> SparkSession:
    """The shared session, started on first call with its state under ``work_dir/spark``."""
    global _session, _session_dir, _connect_url
    if _session is not None:
        return _session
    base = (work_dir / "spark").resolve()
    for sub in ("warehouse", "derby", "local"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    # Loopback only: examples run with the network blocked, and Spark talks to its own workers.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    for name in ("py4j", "SQLQueryContextLogger", "pyspark"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    log_config = base / "log4j2.properties"
    log_config.write_text(LOG4J_CONFIG, encoding="utf-8")
    from pyspark.sql import SparkSession

    # The Spark Connect port is picked free just before the JVM binds it; another process (a parallel share of
    # the run, another verifier) can take it in between. Binding then fails as the session starts: try again on
    # another port.
    java_opts = f"-Dderby.system.home={base / 'derby'} -Dlog4j2.configurationFile={log_config.as_uri()}"
    attempt = 1
    while True:
        port = _free_port()
        try:
            session = _builder(SparkSession, base, java_opts, port).getOrCreate()
            break
        except Exception as exc:
            if attempt == PORT_ATTEMPTS or "failed to bind" not in str(exc).lower():
                raise
            attempt += 1
    _session = session
    _connect_url = f"sc://127.0.0.1:{port}"
    session.sparkContext.setLogLevel("ERROR")
    _session_dir = base
    atexit.register(stop_spark)
    return session


def _builder(session_class: Any, base: Path, java_opts: str, port: int) -> Any:
    """The local session's builder: two cores, in-memory catalog, ANSI SQL in UTC, Spark Connect on ``port``."""
    return (
        session_class.builder.master("local[2]")
        .appName("docs-verify")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", str(base / "warehouse"))
        .config("spark.local.dir", str(base / "local"))
        .config("spark.driver.extraJavaOptions", java_opts)
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.sql.ansi.enforceReservedKeywords", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
        .config("spark.connect.grpc.binding.address", "127.0.0.1")
        .config("spark.connect.grpc.binding.port", str(port))
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def connect_mode(enabled: bool = True) -> Iterator[None]:
    """PySpark's functions build Spark Connect columns inside (classic ones when ``enabled`` is False)."""
    saved = os.environ.get(CONNECT_MODE)
    if enabled:
        os.environ[CONNECT_MODE] = "1"
    else:
        os.environ.pop(CONNECT_MODE, None)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(CONNECT_MODE, None)
        else:
            os.environ[CONNECT_MODE] = saved


def connect_session(work_dir: Path) -> SparkSession:
    """A new Spark Connect client session on the shared JVM (the previous one is closed): fresh temporary
    views and SQL settings, the same catalog."""
    global _connect
    get_spark(work_dir)
    close_connect()
    from pyspark.sql import SparkSession

    if _connect_url is None:
        raise RuntimeError("the local Spark started without its Spark Connect server")
    with connect_mode():
        _connect = SparkSession.builder.remote(_connect_url).create()
    return _connect


def close_connect() -> None:
    global _connect
    if _connect is not None:
        with contextlib.suppress(Exception):
            _connect.stop()
        _connect = None


def spark_started() -> bool:
    return _session is not None


def current_spark() -> SparkSession | None:
    """The shared session if it has been started, without starting it."""
    return _session


def ensure_alive() -> bool:
    """False (and the session forgotten, so the next get_spark starts anew) if it was stopped."""
    global _session
    if _session is None:
        return True
    if _session.sparkContext._jsc is None:  # type: ignore[attr-defined]
        _session = None
        return False
    return True


def stop_spark() -> None:
    """Stop the shared session (idempotent)."""
    global _session
    close_connect()
    if _session is not None:
        try:
            _session.stop()
        finally:
            _session = None


# Reserved words (from Spark's ANSI list) that cannot end a complete statement; ALL can (GROUP BY ALL).
DANGLING_WORDS = frozenset(
    "AND ANY AS BETWEEN BOTH BY CASE CAST CHECK COLLATE COLUMN CONSTRAINT CREATE CROSS DISTINCT ELSE "
    "EXCEPT FETCH FOR FOREIGN FROM FULL GRANT GROUP HAVING IN INNER INTERSECT INTO IS JOIN LEADING LEFT "
    "LIKE NATURAL NOT OFFSET ON OR ORDER OUTER OVERLAPS PRIMARY REFERENCES RIGHT SELECT SOME TABLE THEN TO "
    "TRAILING UNION UNIQUE USING WHEN WHERE WITH".split()
)
LAST_WORD_RE = re.compile(r"([A-Za-z_]+)\s*;?\s*$")


def parse_sql(spark: SparkSession, statement: str) -> SparkParseError | None:
    """Parse one statement with Spark's own parser, as Databricks does by default; ``None`` when it parses.

    Spark's default (reserved keywords not enforced) accepts ``GROUP BY ALL`` and ``current_date()`` as
    Databricks does, but also reads a dangling keyword as an alias: ``SELECT * FROM t WHERE`` "parses" with
    WHERE as the table alias. A statement that ends in such a word is therefore parsed again with reserved
    keywords enforced, which reports it with Spark's own message.
    """
    error = _parse_once(spark, statement)
    if error is None:
        m = LAST_WORD_RE.search(_strip_trailing_comments(statement))
        if m and m.group(1).upper() in DANGLING_WORDS:
            spark.conf.set("spark.sql.ansi.enforceReservedKeywords", "true")
            try:
                return _parse_once(spark, statement)
            finally:
                spark.conf.set("spark.sql.ansi.enforceReservedKeywords", "false")
    return error


def _strip_trailing_comments(statement: str) -> str:
    lines = statement.rstrip().split("\n")
    while lines and lines[-1].strip().startswith("--"):
        lines.pop()
    return "\n".join(lines)


def _parse_once(spark: SparkSession, statement: str) -> SparkParseError | None:
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        _jvm_session(spark).sessionState().sqlParser().parsePlan(statement)
    except PySparkException as exc:
        return _parse_error(str(exc))
    except Py4JJavaError as exc:  # not converted by PySpark: keep the Java message
        return _parse_error(str(exc.java_exception.getMessage()))
    return None


def _jvm_session(spark: SparkSession) -> Any:
    """The JVM SparkSession behind the Python one (untyped Py4J object)."""
    return spark._jsparkSession  # pyright: ignore[reportPrivateUsage]


def _parse_error(text: str) -> SparkParseError:
    """Spark's first message line, without SQLSTATE and position noise, and the line it names."""
    first = text.strip().splitlines()[0] if text.strip() else "Spark parser rejected the statement"
    pos = POSITION_RE.search(text)
    line = int(pos.group(1)) if pos else 1
    message = SQLSTATE_RE.sub("", POSITION_RE.sub("", first)).strip()
    return SparkParseError(message=message, line=line)


def mark_dirty() -> None:
    """Note that examples are about to run, so the next reset_state has work to do."""
    global _dirty
    _dirty = True


def reset_state(spark: SparkSession) -> None:
    """Forget what one session of examples left behind: cache, temp views, tables, databases, SET confs."""
    global _dirty
    from pyspark.errors import AnalysisException

    if not _dirty:
        return
    _dirty = False
    spark.catalog.clearCache()
    _jvm_session(spark).sessionState().catalog().clearTempTables()
    spark.sql("RESET")
    spark.sql("USE default")
    for row in spark.sql("SHOW DATABASES").collect():
        if row[0] != "default":
            spark.sql(f"DROP DATABASE IF EXISTS `{row[0]}` CASCADE")
    for row in spark.sql("SHOW TABLES IN default").collect():
        if row["isTemporary"]:
            continue
        try:
            spark.sql(f"DROP TABLE IF EXISTS default.`{row['tableName']}`")
        except AnalysisException:  # a view
            spark.sql(f"DROP VIEW IF EXISTS default.`{row['tableName']}`")
