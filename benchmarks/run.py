"""``python -m benchmarks.run``: build, serve, link-check, verification, SQL parsing, page weight and Lighthouse.

Writes ``benchmarks/results.json`` and prints a table. Every tool runs on one snapshot of the project
(``benchmarks/.work/snap-*``), because docs/ changes while the benchmark runs. Timings are medians of
``--runs`` runs, each recorded with the 1-minute load average. Zensical and lychee come from a separate venv,
``benchmarks/.work/venv``; Lighthouse from ``benchmarks/.work/node_modules`` (see benchmarks/README.md).

    python -m benchmarks.run                     # everything, 3 runs each
    python -m benchmarks.run --only build,serve  # some sections; others are kept from results.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from importlib import metadata
from pathlib import Path

import yaml

from benchmarks import budgets, tables
from benchmarks.common import (
    BENCH_VENV,
    ENV,
    ROOT,
    WORK,
    Series,
    SiteServer,
    largest_page,
    load1,
    median,
    series,
    snapshot,
    timed,
)
from scripts.errors import DocError

RESULTS = ROOT / "benchmarks" / "results.json"
FIXTURE = ROOT / "tests" / "fixtures" / "links" / "broken"
PY = sys.executable
SECTIONS = ("build", "serve", "links", "verify", "sql-parse", "weight", "lighthouse", "lighthouse-before")
ZENSICAL = BENCH_VENV / "bin" / "zensical"
LYCHEE = BENCH_VENV / "bin" / "lychee"
SERVE_PAGE = "getting-started/quickstart.md"

# The 15 defects planted in tests/fixtures/links/broken, and how each shows up in a tool's output
# (a Markdown path for the source checkers, the link left as written in the built HTML for lychee).
DEFECTS = {
    "missing.md": r"\bmissing\.md",
    "guide/nope.md": r"nope\.md",
    "../outside.md": r"outside\.md",
    "guide/other.md#x": r"other\.md",
    "nowhere/index.md": r"nowhere/",
    "#no-such-heading": r"no-such-heading",
    "guide/page.md#missing": r"#missing\b",
    "guide/page.md#set-up": r"#set-up(?![-\w])",
    "#a-sectio": r"#a-sectio\b",
    "guide/page.md#Set-up-the-CLI": r"#Set-up-the-CLI",
    "img/missing.png": r"missing\.png",
    "../img/nope.svg": r"nope\.svg",
    "img/gone.png": r"gone\.png",
    "Guide/page.md": r"Guide/page",
    "guide/Page.md": r"guide/Page",
}


def _ratio(a: float | None, b: float | None) -> float | None:
    """a / b rounded to two places, or None when either was not measured."""
    return round(a / b, 2) if a is not None and b else None

def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {load1()}] {msg}", file=sys.stderr, flush=True)


def write_config(src: Path, dest: Path, change) -> Path:
    """A generated variant of a mkdocs.yml next to it (so relative paths keep working)."""
    config = yaml.safe_load(src.read_text())
    change(config)
    dest.write_text(yaml.safe_dump(config, sort_keys=False))
    return dest


CACHE_HOOKS = ("scripts/hooks/highlight_cache.py", "scripts/hooks/page_cache.py")


def no_cache_hooks(config: dict) -> None:
    """Our config without the two caching hooks (the other hooks stay): every build renders every page."""
    config["hooks"] = [h for h in config.get("hooks", []) if h not in CACHE_HOOKS]


def bare_material(config: dict) -> None:
    """Material with the same pages and Markdown extensions, and no plugins, hooks, overrides or extra CSS."""
    for key in ("hooks", "extra_css", "extra_javascript", "validation", "strict"):
        config.pop(key, None)
    config["plugins"] = []
    config["theme"].pop("custom_dir", None)


def defects_found(output: str) -> dict:
    found = [name for name, pattern in DEFECTS.items() if re.search(pattern, output)]
    return {"found": len(found), "of": len(DEFECTS), "missed": [n for n in DEFECTS if n not in found]}


# --------------------------------------------------------------------------------------------------- build

def bench_build(runs: int) -> dict:
    """Each round runs every variant once, in a fixed order, so that load drift on the shared machine hits all
    variants alike (rather than one variant's runs all falling in a busy minute)."""
    snap = snapshot(WORK / "snap-build")
    zsnap = snapshot(WORK / "snap-zensical")
    cache = snap / ".cache"
    mk = [PY, "-m", "mkdocs", "build", "--strict"]
    docs = list((snap / "docs").rglob("*.md"))
    out: dict = {"pages": len(docs), "markdown_lines": sum(len(p.read_text().splitlines()) for p in docs),
                 "fenced_code_blocks": sum(p.read_text().count("\n```") for p in docs) // 2}
    nocache_cfg = write_config(snap / "mkdocs.yml", snap / "mkdocs.nocache.yml", no_cache_hooks)
    bare_cfg = write_config(snap / "mkdocs.yml", snap / "mkdocs.bare.yml", bare_material)
    zenv = dict(ENV, PATH=f"{BENCH_VENV / 'bin'}:{os.environ.get('PATH', '')}")

    def drop_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    variants = [  # key, command, folder, prepare, env
        ("mkdocs_clean", mk, snap, drop_cache, ENV),
        ("mkdocs_warm", mk, snap, None, ENV),
        ("mkdocs_nocache", mk + ["-f", nocache_cfg.name], snap, None, ENV),
        ("bare_material", [PY, "-m", "mkdocs", "build", "-f", bare_cfg.name, "--site-dir", "site-bare"],
         snap, None, ENV),
    ]
    if ZENSICAL.exists():
        variants += [("zensical_clean", [str(ZENSICAL), "build", "--clean"], zsnap, None, zenv),
                     ("zensical_cached", [str(ZENSICAL), "build"], zsnap, None, zenv)]
    notes = {"mkdocs_clean": "mkdocs build --strict, .cache/ (page, highlight and Markdown-model caches) deleted first",
             "mkdocs_warm": "mkdocs build --strict, caches from the run before",
             "mkdocs_nocache": "mkdocs build --strict without the two cache hooks (generated config)",
             "bare_material": "Material, same pages and extensions, no plugins/hooks/overrides/extra_css, not strict",
             "zensical_clean": "zensical build --clean (its cache cleared)",
             "zensical_cached": "zensical build (its cache from the run before)"}
    all_series = {k: Series(k, " ".join(str(c) for c in cmd), str(cwd.relative_to(ROOT)), note=notes[k])
                  for k, cmd, cwd, _, _ in variants}
    logs: dict[str, str] = {}
    for i in range(runs):
        say(f"build round {i + 1}/{runs}")
        for key, cmd, cwd, prepare, env in variants:
            if prepare:
                prepare()
            run, logs[key] = timed(cmd, cwd, env)
            all_series[key].runs.append(run)
            print(f"  {key} [{i + 1}/{runs}] {run.seconds:.2f} s cpu {run.cpu_seconds:.2f} s "
                  f"rc={run.returncode} load={run.load_before}", file=sys.stderr, flush=True)
    out["series"] = {k: s.as_dict() for k, s in all_series.items()}
    out["strict_warnings"] = [line for line in logs["mkdocs_clean"].splitlines() if line.startswith("WARNING")]
    med = {k: s.median for k, s in all_series.items()}
    cpu = {k: s.median_cpu for k, s in all_series.items()}
    out["cpu_ratios"] = {"clean_vs_zensical_clean": _ratio(cpu["mkdocs_clean"], cpu["zensical_clean"]),
                         "warm_vs_zensical_cached": _ratio(cpu["mkdocs_warm"], cpu["zensical_cached"]),
                         "warm_vs_clean (cache hooks)": _ratio(cpu["mkdocs_warm"], cpu["mkdocs_clean"]),
                         "bare_vs_ours_clean": _ratio(cpu["bare_material"], cpu["mkdocs_clean"])
                         } if ZENSICAL.exists() else {}
    out["ratios"] = {"bare_vs_ours_clean": _ratio(med["bare_material"], med["mkdocs_clean"]),
                     "warm_vs_clean (cache hooks)": _ratio(med["mkdocs_warm"], med["mkdocs_clean"]),
                     "warm_vs_nocache (cache hooks)": _ratio(med["mkdocs_warm"], med["mkdocs_nocache"])}
    if ZENSICAL.exists():
        site = zsnap / "site"
        index = (site / "index.html").read_text() if (site / "index.html").exists() else ""
        zlog = logs["zensical_clean"]
        out["zensical_behaviour"] = {
            "exit_codes": out["series"]["zensical_clean"]["returncodes"],
            "issues_reported": [line.strip() for line in zlog.splitlines()
                                if "issue" in line or "does not exist" in line][:6],
            "html_pages": len(list(site.rglob("*.html"))),
            "llms_txt_written (our hook)": (site / "llms.txt").exists(),
            "page_cache_written (our hook)": (zsnap / ".cache" / "pages.pickle").exists(),
            "mkdocs_search_index_written": (site / "search" / "search_index.json").exists(),
            "own_search_index (search.json)": (site / "search.json").exists(),
            "announce_bar_override_rendered": "c7-verified" in index,
            "extra_css_linked": "assets/extra.css" in index,
            "lazy_search_loader_in_page": "c7LoadSearchIndex" in index,
        }
        out["ratios"]["clean_vs_zensical_clean"] = _ratio(med["mkdocs_clean"], med["zensical_clean"])
        out["ratios"]["warm_vs_zensical_cached"] = _ratio(med["mkdocs_warm"], med["zensical_cached"])
    return out


# --------------------------------------------------------------------------------------------------- serve

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 120) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - our own local server
        return r.read().decode("utf-8", "replace")


def _wait_epoch(base: str, epoch: int, req: str, deadline: float) -> int:
    """Long-poll MkDocs' livereload endpoint until it reports a build newer than ``epoch``."""
    while time.perf_counter() < deadline:
        got = int(_get(f"{base}livereload/{epoch}/{req}").strip())
        if got > epoch:
            return got
    raise TimeoutError("no rebuild signalled")


def serve_trials(snap: Path, config: str, extra: list[str], runs: int, module: str = "mkdocs") -> dict:
    """Edit a page ``runs`` times under ``python -m <module> serve`` and time each edit until the rebuilt page
    is served. ``module`` is ``mkdocs`` or ``scripts.serve`` (what ``make serve`` runs)."""
    port = _free_port()
    root = f"http://127.0.0.1:{port}/"
    url = root + "c7-databricks/" + SERVE_PAGE.removesuffix(".md") + "/"
    log = (WORK / f"serve-{module}-{config}-{'-'.join(extra) or 'full'}.log").open("w")
    command = [PY, "-m", module] + (["serve"] if module == "mkdocs" else [])
    proc = subprocess.Popen([*command, "-f", config, "--dev-addr", f"127.0.0.1:{port}", *extra],
                            cwd=snap, env=ENV, stdout=log, stderr=subprocess.STDOUT)
    page = snap / "docs" / SERVE_PAGE
    original = page.read_text()
    shown = "python -m scripts.serve" if module == "scripts.serve" else "mkdocs serve"
    result: dict = {"command": f"{shown} -f {config} {' '.join(extra)}".strip(), "page": SERVE_PAGE,
                    "signal_s": [], "page_s": [], "loads": []}
    try:
        deadline = time.perf_counter() + 600
        while True:
            try:
                html = _get(url, timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.perf_counter() > deadline:
                    raise RuntimeError("mkdocs serve did not start") from None
                time.sleep(0.5)
        for i in range(runs):
            time.sleep(1.5)
            html = _get(url)
            found = re.search(r"livereload\((\d+),\s*(\d+)\)", html)
            if found is None:
                raise RuntimeError("the served page has no livereload script")
            epoch, req = found.groups()
            token = f"bench-edit-{i}-{time.time_ns()}"
            result["loads"].append(load1())
            t0 = time.perf_counter()
            page.write_text(original + f"\n\nBenchmark edit {token}.\n")
            epoch_i = int(epoch)
            while True:
                epoch_i = _wait_epoch(root, epoch_i, req, t0 + 300)
                t1 = time.perf_counter()
                body = _get(url)
                t2 = time.perf_counter()
                if token in body:
                    break
            result["signal_s"].append(round(t1 - t0, 3))
            result["page_s"].append(round(t2 - t0, 3))
            say(f"  serve {' '.join(extra) or '(full rebuild)'} {config}: page after {t2 - t0:.2f} s")
            page.write_text(original)
            _wait_epoch(root, epoch_i, req, time.perf_counter() + 300)
    finally:
        page.write_text(original)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    result["median_page_s"] = median(result["page_s"])
    result["median_signal_s"] = median(result["signal_s"])
    result["load_median"] = median(result["loads"])
    return result


def bench_serve(runs: int) -> dict:
    snap = snapshot(WORK / "snap-serve-run")
    write_config(snap / "mkdocs.yml", snap / "mkdocs.nocache.yml", no_cache_hooks)
    out: dict = {}
    say("make serve: python -m scripts.serve (full rebuild, cache hooks, 0.1 s polling)")
    out["serve_full_rebuild"] = serve_trials(snap, "mkdocs.yml", [], runs, module="scripts.serve")
    say("mkdocs serve (full rebuild, cache hooks, MkDocs' 0.5 s polling)")
    out["mkdocs_serve_full_rebuild"] = serve_trials(snap, "mkdocs.yml", [], runs)
    say("mkdocs serve without the cache hooks")
    out["serve_full_rebuild_nocache"] = serve_trials(snap, "mkdocs.nocache.yml", [], runs)
    # `--dirty` alone aborts at start-up: MkDocs warns that a dirty build is inaccurate, and `strict: true`
    # turns that warning into an abort. Hence --no-strict for the comparison.
    say("mkdocs serve --dirty --no-strict (for comparison)")
    out["serve_dirty_no_strict"] = serve_trials(snap, "mkdocs.yml", ["--dirty", "--no-strict"], runs)
    return out


# --------------------------------------------------------------------------------------------------- links

def bench_links(runs: int) -> dict:
    snap = snapshot(WORK / "snap-links")  # its own copy: the build section rebuilds snap-build's site
    timed([PY, "-m", "mkdocs", "build"], snap)
    env = dict(ENV, PYTHONPATH=str(ROOT))
    fix = WORK / "fixture-broken"
    if fix.exists():
        shutil.rmtree(fix)
    shutil.copytree(FIXTURE, fix)
    timed([PY, "-m", "mkdocs", "build"], fix)  # a site for lychee (not strict: the defects are the point)
    ours_cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    write_config(fix / "mkdocs.yml", fix / "mkdocs.validation.yml",
                 lambda c: c.update(validation=ours_cfg["validation"]))
    out: dict = {}
    say("python -m scripts.links on the docs")
    s, log = series("scripts.links docs", [PY, "-m", "scripts.links"], snap, runs, env=env)
    out["ours_docs"] = s.as_dict() | {"findings": len(log.strip().splitlines()) - 1}
    say("python -m scripts.links on the 15-defect fixture")
    s, log = series("scripts.links fixture", [PY, "-m", "scripts.links", "--root-files"], fix, runs, env=env)
    out["ours_fixture"] = s.as_dict() | defects_found(log) | {"output": log.strip().splitlines()}
    if LYCHEE.exists():
        ly = [str(LYCHEE), "--offline", "--include-fragments", "--index-files", "index.html", "--no-progress"]
        say("lychee on the built site")
        s, log = series("lychee site", ly + ["site/"], snap, runs)
        out["lychee_site"] = s.as_dict() | {"summary": _lychee_summary(log)}
        say("lychee on the fixture's built site")
        s, log = series("lychee fixture", ly + ["site/"], fix, runs)
        out["lychee_fixture"] = s.as_dict() | defects_found(log) | {"summary": _lychee_summary(log), "output": [
            line for line in log.splitlines() if "[" in line][:30]}
    say("mkdocs build --strict with our validation settings on the fixture")
    s, log = series("mkdocs validation fixture", [PY, "-m", "mkdocs", "build", "--strict", "-f",
                                                  "mkdocs.validation.yml", "--site-dir", "site-v"], fix, runs)
    warnings = [line for line in log.splitlines() if line.startswith(("WARNING", "INFO    -  Doc file"))]
    out["mkdocs_validation_fixture"] = s.as_dict() | defects_found("\n".join(warnings)) | {"output": warnings}
    return out


def _lychee_summary(log: str) -> dict:
    """Errors per file and per kind, and lychee's own total line."""
    per_file: dict[str, int] = {}
    kinds: dict[str, int] = {}
    current = "?"
    for line in log.splitlines():
        if m := re.match(r"\[(.+)\]:$", line.strip()):
            current = m[1]
        elif "[ERROR]" in line:
            per_file[current] = per_file.get(current, 0) + 1
            kind = "root-relative link (no --root-dir)" if "root-relative" in line else line.rsplit("|", 1)[-1].strip()
            kinds[kind] = kinds.get(kind, 0) + 1
    total = [line.strip() for line in log.splitlines() if "Total" in line]
    return {"errors_per_file": per_file, "errors_by_kind": kinds, "total_line": total[-1] if total else ""}


# -------------------------------------------------------------------------------------------------- verify

def bench_verify(runs: int, full_runs: int) -> dict:
    out = {}
    say("python -m scripts.verify --static --all")
    s, log = series("verify --static", [PY, "-m", "scripts.verify", "--static", "--all", "--quiet"], ROOT, runs)
    out["static"] = s.as_dict() | {"last_line": log.strip().splitlines()[-1] if log.strip() else ""}
    if full_runs:
        say("python -m scripts.verify --all (full: static checks and execution on local Spark)")
        s, log = series("verify full", [PY, "-m", "scripts.verify", "--all", "--quiet"], ROOT, full_runs)
        out["full"] = s.as_dict() | {"last_line": log.strip().splitlines()[-1] if log.strip() else ""}
    out |= bench_verify_incremental(runs)
    return out


def _edit_one_block(page: Path, run: bool, mark: str) -> None:
    """Append a comment line to the first Python block of ``page`` that is (or is not) marked ``run``."""
    from scripts.docmodel import parse_page

    block = next(b for b in parse_page(page).blocks if b.language == "python" and b.is_run == run
                 and not b.is_skipped)
    lines = page.read_text().split("\n")
    lines.insert(block.end_line - 1, f"# {mark}")
    page.write_text("\n".join(lines))


def bench_verify_incremental(runs: int) -> dict:
    """`make verify` after a one-block edit: a copy of the docs verified once in full, then one block edited
    and verified again, ``runs`` times, for a block that is type-checked and for one that also runs."""
    snap = snapshot(WORK / "verify-snapshot")
    (snap / ".deps").symlink_to(ROOT / ".deps")
    cache = WORK / "verify-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(ENV, C7_CACHE_DIR=str(cache))
    cmd = [PY, "-m", "scripts.verify", "--quiet"]
    say("python -m scripts.verify on a copy, to fill its cache")
    timed(cmd, snap, env)
    out = {}
    page = snap / "docs" / "sdk" / "python.md"
    for label, run in (("one_static_block", False), ("one_run_block", True)):
        count = iter(range(1000))
        say(f"python -m scripts.verify after editing {label.replace('_', ' ')} of {page.relative_to(snap)}")
        s, log = series(f"verify after editing {label}", cmd, snap, runs, env=env,
                        prepare=lambda run=run, count=count: _edit_one_block(page, run, f"edited {next(count)}"),
                        note=f"one {'run' if run else 'type-checked'} Python block of docs/sdk/python.md edited")
        out[f"incremental_{label}"] = s.as_dict() | {"last_line": log.strip().splitlines()[-1] if log.strip() else ""}
    return out


# ----------------------------------------------------------------------------------------------- sql-parse

def bench_sql_parse(runs: int) -> dict:
    """``benchmarks/sql_parse.py`` in a fresh process per run: Spark's start-up, one statement parsed 20 times,
    and every SQL example of the docs through the SQL oracle's static check."""
    snap = snapshot(WORK / "snap-sql")
    work, figures = WORK / "sql-parse", WORK / "sql-parse.json"
    env = dict(ENV, C7_CACHE_DIR=str(WORK / "sql-parse-cache"))  # the project's own caches stay untouched
    per_run = []
    for i in range(runs):
        figures.unlink(missing_ok=True)
        run, log = timed([PY, "-m", "benchmarks.sql_parse", str(snap / "docs"), str(work), "--json", str(figures)],
                         ROOT, env)
        if run.returncode != 0 or not figures.exists():
            raise SystemExit(f"benchmarks.sql_parse failed (exit {run.returncode}):\n{log[-2000:]}")
        got = json.loads(figures.read_text())
        got |= {"parse_ms_median": median(got["parse_ms"]), "load_before": run.load_before,
                "process_s": run.seconds}
        per_run.append(got)
        say(f"  sql-parse [{i + 1}/{runs}] spark up in {got['spark_start_s']:.1f} s, one parse "
            f"{got['parse_ms_median']:.1f} ms, {got['docs_statements']} statements in {got['docs_check_s']:.2f} s")
    last = per_run[-1]
    return {"statement": last["statement"], "repeat": len(last["parse_ms"]), "docs_blocks": last["docs_blocks"],
            "docs_statements": last["docs_statements"], "runs": per_run,
            "spark_start_s_median": median([r["spark_start_s"] for r in per_run]),
            "parse_ms_median": median([r["parse_ms_median"] for r in per_run]),
            "docs_check_s_median": median([r["docs_check_s"] for r in per_run]),
            "load_median": median([r["load_before"] for r in per_run])}


# ---------------------------------------------------------------------------------------- weight, lighthouse

_SITE: Path | None = None


def _site() -> Path:
    """A snapshot built once for the page-weight and Lighthouse sections (the build section rebuilds its own)."""
    global _SITE
    if _SITE is None:
        snap = snapshot(WORK / "snap-site")
        run, log = timed([PY, "-m", "mkdocs", "build"], snap)
        if not (snap / "site" / "index.html").exists():
            raise SystemExit(f"mkdocs build failed in {snap}:\n{log[-2000:]}")
        if run.returncode != 0:  # strict: true aborts after writing the site; docs/ may be mid-edit
            say(f"note: the snapshot's strict build reported: {log.strip().splitlines()[-1]}")
        _SITE = snap / "site"
    return _SITE


def pages_to_audit(site: Path) -> dict[str, str]:
    def biggest(pattern: str) -> str:
        found = sorted(site.glob(pattern), key=lambda p: p.stat().st_size)
        return found[-1].parent.relative_to(site).as_posix() + "/" if found else ""

    return {"home": "", "largest page": largest_page(site), "largest API page": biggest("api/*/index.html"),
            "tutorial page": biggest("getting-started/*tutorial*/index.html")}


def bench_weight() -> dict:
    from playwright.sync_api import sync_playwright

    from benchmarks.weight import CHROMIUM, CHROMIUM_ARGS, first_load, open_search_then_weigh

    site = _site()
    out: dict = {"pages": {}}
    with SiteServer(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for name, rel in pages_to_audit(site).items():
            r = first_load(browser, base + rel)
            r["url"] = rel or "/"
            out["pages"][name] = r
            say(f"  first load {name} ({r['url']}): {r['total_gzip_kb']} KB gzip, "
                f"search index loaded: {r['search_index_loaded']}")
        out["after_opening_search_home"] = open_search_then_weigh(browser, base)
        browser.close()
    for r in out["pages"].values():
        r["requests"] = [{k: q[k] for k in ("url", "type", "bytes", "gzip_bytes")}
                         | {"url": q["url"].split("/c7-databricks", 1)[-1]}
                         for q in r["requests"]]
    return out


BEFORE_REF = "0d17ad8"  # the last commit before extra.css, the aria labels and the portable announce loop


def _site_before(ref: str = BEFORE_REF) -> Path:
    """The same docs built with mkdocs.yml and overrides/main.html as of ``ref``: the "before" of the fixes.

    Read-only git: ``git show REF:PATH``.
    """
    snap = snapshot(WORK / "snap-before")
    shutil.rmtree(snap / "overrides")
    (snap / "overrides").mkdir()
    for rel in ("mkdocs.yml", "overrides/main.html"):
        text = subprocess.run(["git", "show", f"{ref}:{rel}"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout
        (snap / rel).write_text(text)
    # That config named the mkdocs-llmstxt plugin, no longer installed; it wrote llms files, not the pages.
    write_config(snap / "mkdocs.yml", snap / "mkdocs.yml", _without_llmstxt_plugin)
    timed([PY, "-m", "mkdocs", "build"], snap)
    return snap / "site"


def _without_llmstxt_plugin(config: dict) -> None:
    config["plugins"] = [p for p in config.get("plugins", [])
                         if p != "llmstxt" and not (isinstance(p, dict) and "llmstxt" in p)]


def bench_lighthouse(runs: int, before: bool = False) -> dict:
    from benchmarks import lighthouse

    if not lighthouse.available():
        return {"skipped": "npm install lighthouse@12 in benchmarks/.work first"}
    site = _site_before() if before else _site()
    out: dict = {"version": lighthouse.version(), "runs_per_page": runs, "pages": {}}
    if before:
        out["config_from_commit"] = BEFORE_REF
    with SiteServer(site) as base:
        for name, rel in pages_to_audit(site).items():
            if name == "largest page" and rel in (pages_to_audit(site)["largest API page"],):
                continue
            results = []
            for i in range(runs):
                r = lighthouse.audit(base + rel)
                results.append(r)
                say(f"  lighthouse {name} ({rel or '/'}) [{i + 1}/{runs}]: {r.get('scores', r.get('error'))}")
            ok = [r for r in results if "scores" in r]
            scores = {c: median([r["scores"][c] for r in ok if c in r["scores"]]) for c in lighthouse.CATEGORIES}
            metrics = {m: median([r["metrics_ms"][m] for r in ok]) for m in lighthouse.METRICS} if ok else {}
            failing = {}
            for r in ok:
                failing.update(r["failing_audits"])
            out["pages"][name] = {"url": rel or "/", "median_scores": scores, "median_metrics_ms": metrics,
                                  "runs": [r.get("scores") for r in results],
                                  "loads": [r["load_before"] for r in results],
                                  "failing_audits": failing,
                                  "performance_opportunities": ok[-1]["performance_opportunities"] if ok else {}}
    return out


# ----------------------------------------------------------------------------------------------- reporting

def versions() -> dict:
    def pkg(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    def cmd(*c: str) -> str:
        try:
            return subprocess.run(c, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "not installed"

    zpy = BENCH_VENV / "bin" / "python"
    zv = cmd(str(zpy), "-c", "import importlib.metadata as m; print(m.version('zensical'))") if zpy.exists() else ""
    return {"python": platform.python_version(), "mkdocs": pkg("mkdocs"), "mkdocs-material": pkg("mkdocs-material"),
            "pymdown-extensions": pkg("pymdown-extensions"), "playwright": pkg("playwright"), "zensical": zv,
            "lychee": cmd(str(LYCHEE), "--version"), "node": cmd("node", "--version"),
            "chromium": cmd("/usr/bin/chromium", "--version"),
            "lighthouse": cmd(str(WORK / "node_modules" / ".bin" / "lighthouse"), "--version"),
            "cpus": os.cpu_count()}


def table(results: dict) -> str:
    rows = [("figure", "median", "runs / note")]
    b = results.get("build", {})
    for key, s in b.get("series", {}).items():
        rows.append((f"build: {key}", f"{s['median_s']:.2f} s",
                     f"cpu {s['median_cpu_s']:.2f} s, n={len(s['runs'])} "
                     f"rc={s['returncodes']} load~{s['load_median']}"))
    for key, v in b.get("ratios", {}).items():
        rows.append((f"ratio (wall): {key}", f"{v:.2f}x", ""))
    for key, v in b.get("cpu_ratios", {}).items():
        rows.append((f"ratio (cpu): {key}", f"{v:.2f}x", ""))
    for key, s in results.get("serve", {}).items():
        if isinstance(s, dict) and "median_page_s" in s:
            rows.append((f"serve: {key}", f"{s['median_page_s']:.2f} s", f"livereload signal {s['median_signal_s']} s, "
                         f"n={len(s['page_s'])}, load~{s['load_median']}"))
    for key, s in results.get("links", {}).items():
        if not (isinstance(s, dict) and "median_s" in s):
            continue
        note = f"found {s['found']}/{s['of']}" if "found" in s else f"n={len(s['runs'])}"
        rows.append((f"links: {key}", f"{s['median_s']:.2f} s", note + f", load~{s['load_median']}"))
    for key, s in results.get("verify", {}).items():
        if not (isinstance(s, dict) and "median_s" in s):
            continue
        rows.append((f"verify: {key}", f"{s['median_s']:.2f} s",
                     f"n={len(s['runs'])} rc={s['returncodes']} load~{s['load_median']}"))
    sql = results.get("sql-parse", {})
    if sql:
        rows.append(("sql-parse: one statement", f"{sql['parse_ms_median']:.1f} ms",
                     f"median of {sql['repeat']} parses per run, n={len(sql['runs'])}, load~{sql['load_median']}"))
        rows.append(("sql-parse: docs' SQL examples", f"{sql['docs_check_s_median']:.2f} s",
                     f"{sql['docs_statements']} statements, Spark start-up {sql['spark_start_s_median']:.1f} s"))
    for key, r in results.get("weight", {}).get("pages", {}).items():
        rows.append((f"first load: {key} {r['url']}", f"{r['total_gzip_kb']} KB gz",
                     f"{r['request_count']} requests, search index loaded: {r['search_index_loaded']}"))
    for section in ("lighthouse-before", "lighthouse"):
        for key, r in results.get(section, {}).get("pages", {}).items():
            s = r["median_scores"]
            rows.append((f"{section}: {key} {r['url']}", f"P{s['performance']} A{s['accessibility']} S{s['seo']}",
                         f"BP{s['best-practices']}, n={len(r['runs'])}, load~{median(r['loads'])}"))
    for t in budgets.targets(results, budgets.load()):
        verdict = "not measured" if t.met is None else "met" if t.met else "MISSED"
        rows.append((f"target: {t.name} {t.budget}", verdict, t.result))
    w = [max(len(str(r[i])) for r in rows) for i in range(3)]
    return "\n".join(f"{r[0]:<{w[0]}}  {r[1]:>{w[1]}}  {r[2]}" for r in rows)


def _write(path: Path, results: dict, only: list[str]) -> dict:
    """Write the sections run now over whatever the file holds (another run may have written other sections)."""
    merged = json.loads(path.read_text()) if path.exists() else {}
    merged.update({k: v for k, v in results.items() if k in only})
    merged.setdefault("runs_meta", {})
    merged["runs_meta"].update({s: results["meta"] for s in only})
    merged["meta"] = results["meta"]
    path.write_text(json.dumps(merged, indent=2) + "\n")
    return merged


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {', '.join(SECTIONS)}")
    ap.add_argument("--runs", type=int, default=3, help="runs per timing (median reported)")
    ap.add_argument("--lighthouse-runs", type=int, default=3)
    ap.add_argument("--lighthouse-before-runs", type=int, default=1,
                    help="runs per page on the committed (before) config; accessibility and SEO are deterministic")
    ap.add_argument("--verify-full-runs", type=int, default=1, help="runs of the full verification (0 skips it)")
    ap.add_argument("--results", type=Path, default=RESULTS,
                    help="where to write (sections not run are kept); benchmarks/README.md is updated only from the "
                         "default")
    args = ap.parse_args(argv)
    results_path: Path = args.results
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    WORK.mkdir(parents=True, exist_ok=True)
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["meta"] = {"started": datetime.datetime.now().isoformat(timespec="seconds"),
                       "load_at_start": os.getloadavg(),
                       "runs": args.runs, "sections_run": only, "versions": versions()}
    for section in SECTIONS:
        if section not in only:
            continue
        say(f"== {section}")
        start = time.perf_counter()
        if section == "build":
            data = bench_build(args.runs)
        elif section == "serve":
            data = bench_serve(args.runs)
        elif section == "links":
            data = bench_links(args.runs)
        elif section == "verify":
            data = bench_verify(args.runs, args.verify_full_runs)
        elif section == "sql-parse":
            data = bench_sql_parse(args.runs)
        elif section == "weight":
            data = bench_weight()
        elif section == "lighthouse":
            data = bench_lighthouse(args.lighthouse_runs)
        else:
            data = bench_lighthouse(args.lighthouse_before_runs, before=True)
        data["measured_at"] = datetime.datetime.now().isoformat(timespec="seconds")
        data["section_seconds"] = round(time.perf_counter() - start, 1)
        data["load_after"] = os.getloadavg()
        results[section] = data
        _write(results_path, results, only)
    results["meta"]["load_at_end"] = os.getloadavg()
    results = _write(results_path, results, only)
    print(table(results))
    if results_path.resolve() == RESULTS.resolve():
        try:
            changed = tables.update(results_path)
        except DocError as exc:
            print(exc, file=sys.stderr)
            return 2
        say(f"benchmarks/README.md {'tables updated' if changed else 'tables already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
