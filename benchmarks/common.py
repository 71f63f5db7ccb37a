"""Shared pieces of the benchmarks: timing a command, the load average, a snapshot of the project, a static server.

Every timing is wall-clock time from ``time.perf_counter`` around ``subprocess.run``, plus the CPU time (user +
system) the command and its children used, from ``resource.getrusage(RUSAGE_CHILDREN)``: on a shared, overloaded
machine wall time mostly measures the queue for a core, CPU time much less so. The 1-minute load average
(``os.getloadavg``) is recorded next to each run.
"""

from __future__ import annotations

import functools
import gzip
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
BENCH_VENV = WORK / "venv"
SITE_PREFIX = "/c7-databricks"  # the path of site_url in mkdocs.yml
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1", NO_COLOR="1")


def load1() -> float:
    return round(os.getloadavg()[0], 2)


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    returncode: int
    load_before: float
    load_after: float
    tail: str = ""


@dataclass
class Series:
    """Several runs of one command and their median."""

    label: str
    command: str
    cwd: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float | None:
        return round(statistics.median(r.seconds for r in self.runs), 3) if self.runs else None

    @property
    def median_cpu(self) -> float | None:
        return round(statistics.median(r.cpu_seconds for r in self.runs), 3) if self.runs else None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["median_s"] = self.median
        d["median_cpu_s"] = self.median_cpu
        d["returncodes"] = sorted({r.returncode for r in self.runs})
        d["load_median"] = round(statistics.median(r.load_before for r in self.runs), 2) if self.runs else None
        return d


def timed(cmd: list[str], cwd: Path, env: dict | None = None, timeout: float = 1800) -> tuple[Run, str]:
    """Run a command once; return its timing and its combined output."""
    before = load1()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env or ENV, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    out = proc.stdout + proc.stderr
    tail = "\n".join(out.strip().splitlines()[-3:])
    return Run(round(seconds, 3), round(cpu, 3), proc.returncode, before, load1(), tail), out


def series(label: str, cmd: list[str], cwd: Path, runs: int, prepare=None, env: dict | None = None,
           note: str = "") -> tuple[Series, str]:
    """Time ``cmd`` ``runs`` times, calling ``prepare()`` before each run (outside the timing)."""
    s = Series(label, " ".join(str(c) for c in cmd), str(cwd.relative_to(ROOT) if cwd.is_relative_to(ROOT) else cwd),
               note=note)
    out = ""
    for i in range(runs):
        if prepare:
            prepare()
        run, out = timed(cmd, cwd, env)
        s.runs.append(run)
        print(f"  {label} [{i + 1}/{runs}] {run.seconds:.2f} s cpu {run.cpu_seconds:.2f} s "
              f"rc={run.returncode} load={run.load_before}", file=sys.stderr, flush=True)
    return s, out


def snapshot(dest: Path) -> Path:
    """Copy what a build reads (mkdocs.yml, docs/, overrides/, scripts/ with the hooks) so every tool sees
    identical input.

    Other people edit docs/ while the benchmark runs; the snapshot freezes one version of it.
    """
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs")
    shutil.copytree(ROOT / "overrides", dest / "overrides")
    shutil.copytree(ROOT / "scripts", dest / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site under SITE_PREFIX, gzip-compressed when the client accepts it (as GitHub Pages does)."""

    gzip_cache: dict[str, bytes] = {}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base-class signature
        return

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(SITE_PREFIX):
            path = path[len(SITE_PREFIX):] or "/"
        return super().translate_path(path)

    def send_head(self):  # type: ignore[override]
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the slash URL
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            page = Path(self.directory) / "404.html"
            body = page.read_bytes() if page.is_file() else b"not found"
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return _Body(body)
        body = Path(path).read_bytes()
        ctype = self.guess_type(path)
        compress = "gzip" in self.headers.get("Accept-Encoding", "") and _compressible(ctype)
        if compress:
            key = f"{path}:{os.stat(path).st_mtime_ns}"
            if key not in self.gzip_cache:
                self.gzip_cache[key] = gzip.compress(body, compresslevel=6, mtime=0)
            body = self.gzip_cache[key]
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if compress:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _Body(body)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def _compressible(ctype: str) -> bool:
    return ctype.startswith("text/") or any(t in ctype for t in ("javascript", "json", "xml", "svg"))


class SiteServer:
    """A built site on 127.0.0.1 (a free port) in a background thread: ``with SiteServer(dir) as base_url``."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(SiteHandler, directory=str(directory))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}{SITE_PREFIX}/"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def largest_page(site: Path) -> str:
    """The site-relative URL of the biggest built HTML page (by bytes on disk), 404 page excluded."""
    pages = [p for p in site.rglob("index.html")]
    biggest = max(pages, key=lambda p: p.stat().st_size)
    rel = biggest.parent.relative_to(site).as_posix()
    return "" if rel == "." else rel + "/"


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None
