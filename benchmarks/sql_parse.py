"""``python -m benchmarks.sql_parse DOCS WORK --json OUT``: how fast the SQL oracle parses, once Spark is up.

Writes three figures to OUT: the local SparkSession's start-up, one statement parsed by Spark's parser
``--repeat`` times after a warm-up parse (milliseconds each), and every statement of the ``sql`` examples under
DOCS through the SQL oracle's static check (Spark's parser, then the Databricks grammars), executing nothing.
Spark keeps its files under WORK. ``benchmarks/run.py --only sql-parse`` runs it in a fresh process per run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from scripts.cache import write_atomic
from scripts.docmodel import load_docs
from scripts.errors import DocError
from scripts.verify import sql_check
from scripts.verify.spark_local import get_spark, parse_sql

STATEMENT = "SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a"


def measure(docs: Path, work: Path, repeat: int) -> dict:
    blocks = [b for page in load_docs(docs).pages for b in page.blocks
              if b.language in sql_check.LANGUAGES and b.is_example and not b.is_skipped]
    start = time.perf_counter()
    spark = get_spark(work)
    spark_start = time.perf_counter() - start
    if parse_sql(spark, STATEMENT) is not None:  # the warm-up parse; the statement is valid
        raise SystemExit(f"Spark rejected the benchmark statement: {STATEMENT}")
    parse_ms = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse_sql(spark, STATEMENT)
        parse_ms.append(round((time.perf_counter() - start) * 1000, 3))
    start = time.perf_counter()
    statements = sum(len(sql_check.verify_block(spark, block).statements) for block in blocks)
    docs_check = time.perf_counter() - start
    return {"spark_start_s": round(spark_start, 3), "statement": STATEMENT, "parse_ms": parse_ms,
            "docs_blocks": len(blocks), "docs_statements": statements, "docs_check_s": round(docs_check, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sql_parse", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("docs", type=Path, help="the docs folder whose sql examples are checked")
    parser.add_argument("work", type=Path, help="a folder for Spark's warehouse and scratch files")
    parser.add_argument("--json", type=Path, required=True, help="where to write the figures")
    parser.add_argument("--repeat", type=int, default=20, help="parses of the one statement (default 20)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    try:
        figures = measure(args.docs, args.work, args.repeat)
    except DocError as exc:
        print(exc, file=sys.stderr)
        return 2
    write_atomic(args.json, json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
