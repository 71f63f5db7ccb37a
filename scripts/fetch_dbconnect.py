"""Fetch the ``databricks.connect`` package of databricks-connect 19.3.0 for type checking only.

databricks-connect 16.2 and newer require Python 3.12 and ship their own copy of pyspark, so they
cannot be installed into this project's Python 3.11 environment next to pyspark 4.2.0. The wheel is
pure Python, though: this script downloads it without installing it (``pip download --no-deps
--only-binary=:all: --python-version 3.12``) and unpacks ONLY ``databricks/connect/`` (plus the
one-line namespace ``databricks/__init__.py``) into ``TARGET``, ``.deps/dbconnect-19.3.0/`` in the
project root. The bundled ``pyspark/`` is left out on purpose: on the type checker's path it would shadow
the real pyspark 4.2.0 the examples are checked against. ``.deps/`` is not a cache: only the network brings
it back, so ``make clean`` keeps it, and ``make verify`` and ``make test`` run this script when the folder
for ``VERSION`` is missing.

``scripts/verify/python_static.py`` adds ``TARGET`` to basedpyright's ``extraPaths``, so
``from databricks.connect import DatabricksSession`` is checked against the real 19.3 API.

It also unpacks the Databricks flavour of the pipelines API, ``pyspark/pipelines/api.py`` of the same
wheel, as ``c7_lakeflow/databricks_api.py``, with a two-line ``c7_lakeflow/__init__.py`` of ours that adds
the expectation decorators of the ``dlt`` module. That module comes from the databricks-dlt 0.3.0 wheel,
also downloaded without installing (installing it would pull in databricks-connect, which replaces
pyspark's files), of which only ``dlt/`` is unpacked. On a Databricks runtime,
``pyspark.pipelines`` is the runtime's ``dlt`` module (see that wheel's ``pyspark/pipelines/__init__.py``),
which has both; python_static checks ``from pyspark import pipelines as dp`` against this union.

Usage: ``python -m scripts.fetch_dbconnect [--force]``. Does nothing when the sources are already there. They
are unpacked into a temporary folder next to ``TARGET`` and renamed into place, so a fetch that fails half-way
leaves no ``TARGET`` behind.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

VERSION = "19.3.0"
PACKAGE_PREFIX = "databricks/connect/"
# The pkgutil-style namespace file (the same bytes as databricks-sdk's). Without it basedpyright
# stops at site-packages' regular ``databricks`` package and never sees ``databricks.connect``;
# with it, basedpyright merges both ``databricks`` folders.
NAMESPACE_INIT = "databricks/__init__.py"
PIPELINES_API = "pyspark/pipelines/api.py"
LAKEFLOW_PACKAGE = "c7_lakeflow"
LAKEFLOW_INIT = (
    '"""Lakeflow pipelines API as a Databricks runtime exposes it (written by scripts/fetch_dbconnect.py)."""\n'
    "from c7_lakeflow.databricks_api import (append_flow, create_auto_cdc_flow, create_sink,\n"
    "    create_streaming_table, materialized_view, table, temporary_view)\n"
    "from dlt import (expect, expect_all, expect_all_or_drop, expect_all_or_fail, expect_or_drop,\n"
    "    expect_or_fail)\n"
)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Where the sources go, one folder per version. The Makefile's prerequisite is a file in it.
TARGET = PROJECT_ROOT / ".deps" / f"dbconnect-{VERSION}"


def is_present(target: Path = TARGET) -> bool:
    """True when ``databricks/connect`` has already been unpacked into ``target``."""
    return all(
        (target / part).is_file()
        for part in ("databricks/connect/__init__.py", f"{LAKEFLOW_PACKAGE}/databricks_api.py", "dlt/api.py")
    )


DLT_VERSION = "0.3.0"
DLT_PREFIX = "dlt/"


def download_wheel(into: Path, requirement: str = f"databricks-connect=={VERSION}") -> Path:
    """Download one wheel (no dependencies, no install) and return its path."""
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--python-version", "3.12", requirement, "-d", str(into), "--quiet",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"pip download failed:\n{result.stderr.strip() or result.stdout.strip()}")
    stem = requirement.split("==")[0].replace("-", "_")
    wheels = sorted(into.glob(f"{stem}-*.whl"))
    if not wheels:
        raise RuntimeError(f"pip download succeeded but no {stem} wheel is in {into}")
    return wheels[0]


def unpack_dlt(wheel: Path, target: Path) -> int:
    """Extract only ``dlt/`` from the databricks-dlt wheel into ``target``."""
    count = 0
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith(DLT_PREFIX) and not name.endswith("/"):
                archive.extract(name, target)
                count += 1
    if count == 0:
        raise RuntimeError(f"{wheel.name} holds no {DLT_PREFIX} package")
    return count


def unpack_connect_package(wheel: Path, target: Path) -> int:
    """Extract only ``databricks/connect/`` from the wheel into ``target``; return the file count."""
    count = 0
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if (name.startswith(PACKAGE_PREFIX) and not name.endswith("/")) or name == NAMESPACE_INIT:
                archive.extract(name, target)
                count += 1
        if count == 0:
            raise RuntimeError(f"{wheel.name} holds no {PACKAGE_PREFIX} package")
        lakeflow = target / LAKEFLOW_PACKAGE
        lakeflow.mkdir(parents=True, exist_ok=True)
        (lakeflow / "databricks_api.py").write_bytes(archive.read(PIPELINES_API))
        (lakeflow / "__init__.py").write_text(LAKEFLOW_INIT, encoding="utf-8")
    return count + 2


def fetch(target: Path = TARGET, force: bool = False) -> str:
    """Make sure ``target`` holds ``databricks/connect`` and the pipelines API; return what was done."""
    if is_present(target) and not force:
        return f"already present: {target}"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as tmp:
        wheels, staging = Path(tmp) / "wheels", Path(tmp) / "sources"
        wheels.mkdir()
        wheel = download_wheel(wheels)
        count = unpack_connect_package(wheel, staging)
        count += unpack_dlt(download_wheel(wheels, f"databricks-dlt=={DLT_VERSION}"), staging)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    return f"unpacked {count} files of {wheel.name} (databricks/connect and the pipelines API) into {target}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Unpack databricks.connect 19.3 for type checking only.")
    parser.add_argument("--target", type=Path, default=TARGET, help="folder to unpack into (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="download again even if present")
    args = parser.parse_args(argv)
    try:
        print(fetch(args.target, args.force))
    except (RuntimeError, OSError, zipfile.BadZipFile) as exc:
        print(f"fetch_dbconnect: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
