"""Fetch the ``databricks.connect`` package of databricks-connect 18.3.7 for type checking only.

The pages are written for Databricks Runtime 18 LTS (``extra.written_for`` in ``mkdocs.yml``), so
``VERSION`` is the newest release of the Databricks Connect line for that runtime, 18.x (a test keeps the two
majors equal). databricks-connect 16.2 and newer require Python 3.12 and ship their own copy of
pyspark, so they cannot be installed into this project's Python 3.11 environment next to pyspark 4.2.0. The
wheel is pure Python, though: this script downloads it without installing it (``pip download --no-deps
--only-binary=:all: --python-version 3.12``) and unpacks ONLY ``databricks/connect/`` (plus the one-line
namespace ``databricks/__init__.py``) into ``TARGET``, ``.deps/dbconnect-18.3.7/`` in the project root. The
bundled ``pyspark/`` is left out on purpose: on the type checker's path it would shadow the real pyspark
4.2.0 the examples are checked against. ``.deps/`` is not a cache: only the network brings it back, so
``make clean`` keeps it, and ``make verify`` and ``make test`` run this script when the folder for
``VERSION`` is missing.

``scripts/verify/python_static.py`` adds ``TARGET`` to basedpyright's ``extraPaths``, so
``from databricks.connect import DatabricksSession`` is checked against the real 18.3 API. The pipelines
API (``from pyspark import pipelines as dp``) does not come from here: the wheel's
``pyspark/pipelines/api.py`` lacks what the runtime adds, such as ``create_auto_cdc_flow``, so examples are
checked against ``scripts/verify/stubs/c7_lakeflow/__init__.pyi``, written from the Databricks reference.

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

VERSION = "18.3.7"
PACKAGE_PREFIX = "databricks/connect/"
# The pkgutil-style namespace file (the same bytes as databricks-sdk's). Without it basedpyright
# stops at site-packages' regular ``databricks`` package and never sees ``databricks.connect``;
# with it, basedpyright merges both ``databricks`` folders.
NAMESPACE_INIT = "databricks/__init__.py"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Where the sources go, one folder per version. The Makefile's prerequisite is a file in it.
TARGET = PROJECT_ROOT / ".deps" / f"dbconnect-{VERSION}"


def is_present(target: Path = TARGET) -> bool:
    """True when ``databricks/connect`` has already been unpacked into ``target``."""
    return (target / "databricks" / "connect" / "__init__.py").is_file()


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
    return count


def fetch(target: Path = TARGET, force: bool = False) -> str:
    """Make sure ``target`` holds ``databricks/connect``; return what was done."""
    if is_present(target) and not force:
        return f"already present: {target}"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as tmp:
        wheels, staging = Path(tmp) / "wheels", Path(tmp) / "sources"
        wheels.mkdir()
        wheel = download_wheel(wheels)
        count = unpack_connect_package(wheel, staging)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    return f"unpacked {count} files of {wheel.name} (databricks/connect) into {target}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"Unpack databricks.connect {VERSION} for type checking only.")
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
