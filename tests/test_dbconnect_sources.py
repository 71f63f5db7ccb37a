"""Specification of where the Databricks Connect sources live and who fetches them.

``python -m scripts.fetch_dbconnect`` unpacks them into ``.deps/dbconnect-<version>/``. That folder is not a
cache: ``make clean`` keeps it, and the Make targets that verify examples fetch it when it is missing. The
verifier finds it from the project root, whatever else has been cleaned.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from scripts import fetch_dbconnect, siteconfig

ROOT = Path(__file__).resolve().parent.parent
SOURCES = fetch_dbconnect.TARGET.relative_to(fetch_dbconnect.PROJECT_ROOT)
MARKER = SOURCES / "databricks" / "connect" / "__init__.py"  # the file the Makefile's rule makes
FETCH = "-m scripts.fetch_dbconnect"
PAGE = "docs/getting-started/databricks-connect.md"
needs_sources = pytest.mark.skipif(
    not fetch_dbconnect.is_present(), reason="run `python -m scripts.fetch_dbconnect` first"
)
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make(project: Path, *args: str) -> str:
    """Run make in ``project``; return its stdout (a failure fails the test with make's message)."""
    proc = subprocess.run(["make", "--no-print-directory", *args], cwd=project, capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def makefile_only(tmp_path: Path) -> Path:
    """A project holding the Makefile and what it reads, with no .venv, .deps or .cache."""
    for name in ("Makefile", "pyproject.toml", "scripts/fetch_dbconnect.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def tracked_copy(into: Path) -> Path:
    """The project's files (tracked, or new and not ignored) copied into ``into``, with the real .venv linked."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=False)  # fmt: skip
    if listed.returncode != 0:
        pytest.skip("needs a git checkout of the project")
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    (into / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    assert not (into / ".cache").exists() and not (into / ".deps").exists()
    return into


def verify_static(project: Path, page: str) -> tuple[int, str]:
    """``python -m scripts.verify --static PAGE`` run in ``project`` with its own scripts; (exit code, output)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "C7_CACHE_DIR")}
    proc = subprocess.run([str(project / ".venv" / "bin" / "python"), "-m", "scripts.verify", "--static", page],
                          cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    return proc.returncode, proc.stdout + proc.stderr


def test_the_sources_live_in_a_folder_per_version_under_deps_in_the_project_root() -> None:
    assert fetch_dbconnect.TARGET == ROOT / ".deps" / f"dbconnect-{fetch_dbconnect.VERSION}"


def runtime_major(written_for: str) -> int:
    """The major version in ``extra.written_for``, such as 18 in "Databricks Runtime 18 LTS"."""
    found = re.fullmatch(r"Databricks Runtime (\d+)(?:\.\d+)?(?: LTS)?", written_for)
    assert found is not None, f"unexpected extra.written_for: {written_for!r}"
    return int(found.group(1))


@pytest.mark.parametrize(
    ("written_for", "major"), [("Databricks Runtime 18 LTS", 18), ("Databricks Runtime 17.3 LTS", 17)]
)
def test_the_runtime_major_is_read_from_written_for(written_for: str, major: int) -> None:
    assert runtime_major(written_for) == major


def test_the_connect_client_fetched_has_the_major_version_of_the_runtime_the_pages_are_written_for() -> None:
    written_for = siteconfig.written_for(siteconfig.load_config(ROOT / "mkdocs.yml"))
    assert int(fetch_dbconnect.VERSION.split(".")[0]) == runtime_major(written_for)


def test_only_databricks_connect_and_its_namespace_file_are_unpacked(tmp_path: Path) -> None:
    wheel = tmp_path / "databricks_connect-18.3.7-py2.py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in ("databricks/__init__.py", "databricks/connect/__init__.py", "databricks/connect/session.py",
                     "pyspark/__init__.py", "pyspark/pipelines/api.py", "databricks_connect-18.3.7.dist-info/METADATA"):
            archive.writestr(name, "")
    assert fetch_dbconnect.unpack_connect_package(wheel, tmp_path / "out") == 3
    unpacked = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.*"))
    assert unpacked == ["databricks/__init__.py", "databricks/connect/__init__.py", "databricks/connect/session.py"]
    # The pipelines API examples are checked against is the stub in the repository, not the wheel's.
    assert (ROOT / "scripts" / "verify" / "stubs" / "c7_lakeflow" / "__init__.pyi").is_file()


def test_deps_is_ignored_by_git() -> None:
    assert ".deps/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


@needs_make
def test_the_makefile_rule_makes_a_file_inside_the_folder_the_script_fills(makefile_only: Path) -> None:
    printed = make(makefile_only, "-s", "--eval", "print-dbconnect: ; @echo $(DBCONNECT)", "print-dbconnect")
    assert printed.strip() == MARKER.as_posix()


@needs_make
@pytest.mark.parametrize("target", ["verify", "test"])
def test_verify_and_test_fetch_the_sources_when_they_are_missing(makefile_only: Path, target: str) -> None:
    assert FETCH in make(makefile_only, "-n", target)


@needs_make
@pytest.mark.parametrize("target", ["verify", "test"])
def test_sources_already_fetched_are_not_fetched_again(makefile_only: Path, target: str) -> None:
    (makefile_only / MARKER).parent.mkdir(parents=True)
    (makefile_only / MARKER).touch()
    assert FETCH not in make(makefile_only, "-n", target)  # even though the venv would be built first


@needs_make
def test_building_the_venv_does_not_fetch(makefile_only: Path) -> None:
    assert FETCH not in make(makefile_only, "-n", "venv")


@needs_make
def test_make_clean_keeps_deps_and_removes_the_caches(makefile_only: Path) -> None:
    assert ".deps" not in make(makefile_only, "-n", "clean")
    for folder in (SOURCES, Path(".cache")):
        (makefile_only / folder).mkdir(parents=True)
    make(makefile_only, "clean")
    assert (makefile_only / SOURCES).is_dir()
    assert not (makefile_only / ".cache").exists()


@pytest.mark.slow
@needs_sources
def test_a_project_without_cache_verifies_the_connect_page(tmp_path: Path) -> None:
    project = tracked_copy(tmp_path)
    (project / ".deps").symlink_to(ROOT / ".deps", target_is_directory=True)
    code, output = verify_static(project, PAGE)
    assert "missing" not in output
    assert code == 0, output


@pytest.mark.slow
def test_without_the_sources_the_finding_names_their_folder_and_the_command(tmp_path: Path) -> None:
    project = tracked_copy(tmp_path)
    code, output = verify_static(project, PAGE)
    assert code == 1
    assert (
        f"databricks.connect cannot be type-checked: its package is missing from {SOURCES.as_posix()}; "
        "run `python -m scripts.fetch_dbconnect` once"
    ) in output
