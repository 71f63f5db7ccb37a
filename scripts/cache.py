"""The one cache of every script and build hook, and the one atomic write.

A cache is one file, ``<cache dir>/<name>.pickle``: a header (the format and the versions that key the whole
file, such as package versions and hashes of the code that fills it) and a dict of entries. The cache
directory is ``.cache/`` in the project root (the folder of ``mkdocs.yml`` for the build hooks, the repository
for the scripts); the ``C7_CACHE_DIR`` environment variable overrides it, for tests.

- A file that is missing, damaged or written under other versions reads as an empty cache.
- ``save`` writes atomically (a temporary file, then a rename) and keeps only the entries ``keep`` accepts:
  by default those read or written since the cache was loaded (pruning what the last run no longer used).
- A cache is an optimisation: a write that fails (read-only checkout, full disk) prints one warning to
  stderr and the caller carries on.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

FORMAT = 1  # bump when the header's shape changes
ENV_DIR = "C7_CACHE_DIR"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def cache_dir(root: Path | None = None) -> Path:
    """``$C7_CACHE_DIR`` when set, else ``<root>/.cache`` (root: this repository)."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    return (root or PROJECT_ROOT) / ".cache"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half of one.
    Raises OSError; the temporary file is removed when the write fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def package_versions(*names: str) -> tuple[str, ...]:
    """``name==version`` of each installed distribution (``name==absent`` when it is not installed)."""
    found = []
    for name in names:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}==absent")
    return tuple(found)


def files_digest(paths: Iterable[Path]) -> str:
    """A hash of the files' bytes (in the order given): the code that fills a cache, as one version."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Cache:
    """A named dict of entries, loaded from disk on first use and written back by ``save``."""

    def __init__(self, name: str, versions: Iterable[str], root: Path | None = None) -> None:
        self.name = name
        self.versions = tuple(versions)
        self.root = root
        self.path = cache_dir(root) / f"{name}.pickle"  # fixed when created, so an atexit save goes to the same file
        self._entries: dict[Any, Any] | None = None
        self.used: set[Any] = set()
        self.added = 0

    @property
    def entries(self) -> dict[Any, Any]:
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def _read(self) -> dict[Any, Any]:
        try:
            with self.path.open("rb") as fh:
                data = pickle.load(fh)  # noqa: S301 - our own cache file, written by save()
        except Exception:  # noqa: BLE001 - missing, damaged, or pickled by other code: an empty cache
            return {}
        if (isinstance(data, dict) and data.get("format") == FORMAT and data.get("versions") == self.versions
                and isinstance(data.get("entries"), dict)):
            return data["entries"]
        return {}

    def get(self, key: Any) -> Any:
        """The stored value (marked as used), or None."""
        value = self.entries.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: Any, value: Any) -> None:
        self.entries[key] = value
        self.used.add(key)
        self.added += 1

    def start_run(self) -> None:
        """Forget which entries were used (a new build of a long-running `mkdocs serve`)."""
        self.used = set()
        self.added = 0

    def save(self, keep: Callable[[Any], bool] | None = None) -> bool:
        """Write the entries ``keep`` accepts (default: the used ones) when that changes the file.
        Returns False, after a warning on stderr, when the file cannot be written."""
        entries = self.entries
        keep = keep or self.used.__contains__
        kept = {k: v for k, v in entries.items() if keep(k)}
        if not self.added and len(kept) == len(entries):
            return True
        try:
            write_atomic(self.path, pickle.dumps({"format": FORMAT, "versions": self.versions, "entries": kept},
                                                 protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, pickle.PicklingError) as exc:
            print(f"warning: cache {self.path} not written ({exc}); carrying on without it", file=sys.stderr)
            return False
        self._entries = kept
        self.added = 0
        return True
