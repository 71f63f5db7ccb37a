"""Local Spark starts its Spark Connect server on another port when the one it picked is taken before it binds
(another verifier, or a parallel share of the same run, took it in between)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCRIPT = """
import pathlib, socket, tempfile
from scripts.verify import spark_local
held = socket.socket()
held.bind(("127.0.0.1", 0))
held.listen()
taken = held.getsockname()[1]
picks = iter([taken])
real = spark_local._free_port
spark_local._free_port = lambda: next(picks, None) or real()
spark_local.get_spark(pathlib.Path(tempfile.mkdtemp()))
session = spark_local.connect_session(pathlib.Path(tempfile.mkdtemp()))
print("taken port reused:", spark_local._connect_url.endswith(f":{taken}"))
print("rows:", session.range(3).count())
spark_local.stop_spark()
"""


@pytest.mark.spark
def test_a_taken_connect_port_is_retried_on_another_port():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines() == ["taken port reused: False", "rows: 3"]
