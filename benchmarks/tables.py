"""``python -m benchmarks.tables [--check]``: the figures in benchmarks/README.md, from benchmarks/results.json.

Each region (``<!-- generated:bench-NAME -->``, see scripts/markers.py) is written from one section of
results.json (what ``python -m benchmarks.run`` measured; it calls ``update`` after measuring) and, for the
budget columns, benchmarks/budgets.json. Everything outside the markers is left byte for byte.

Writes the README only when it changes, atomically. ``--check`` writes nothing, prints a unified diff and the
command that fixes it, and exits 1 when a region is stale. Bad input exits 2 with ``file:line: message``.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks import budgets, figures
from benchmarks.jsonfile import key_line, load_object
from scripts.cache import write_atomic
from scripts.docmodel import read_text
from scripts.errors import DocError
from scripts.markers import replace_regions

FIX_COMMAND = "python -m benchmarks.tables"
HERE = Path(__file__).resolve().parent
RESULTS, README = HERE / "results.json", HERE / "README.md"

BUILD_LABELS = {
    "mkdocs_clean": "`mkdocs build --strict`, clean (`.cache/` deleted first)",
    "mkdocs_warm": "`mkdocs build --strict`, warm (caches from the run before)",
    "mkdocs_nocache": "`mkdocs build --strict` without the two cache hooks",
    "bare_material": "bare Material (same pages and extensions; no plugins, hooks, overrides; not strict)",
    "zensical_clean": "`zensical build --clean`",
    "zensical_cached": "`zensical build` (its cache from the run before)",
}
RATIO_LABELS = {
    "clean_vs_zensical_clean": "our clean / Zensical clean",
    "warm_vs_zensical_cached": "our warm / Zensical cached",
    "warm_vs_clean (cache hooks)": "our warm / our clean",
    "warm_vs_nocache (cache hooks)": "our warm / ours without the cache hooks",
    "bare_vs_ours_clean": "bare Material / our clean",
}
SERVE_LABELS = {
    "serve_full_rebuild": "`make serve` = `python -m scripts.serve` (0.1 s polling, cache hooks)",
    "mkdocs_serve_full_rebuild": "`mkdocs serve` (MkDocs' 0.5 s polling, cache hooks)",
    "serve_full_rebuild_nocache": "`mkdocs serve` without the cache hooks",
    "serve_dirty_no_strict": "`mkdocs serve --dirty --no-strict` (for comparison; only changed pages)",
}
LINK_LABELS = {
    "ours_docs": "`python -m scripts.links` on the docs (the first run without its parse cache)",
    "lychee_site": "`lychee --offline --include-fragments --index-files index.html site/` on the built site",
    "ours_fixture": "`python -m scripts.links --root-files` on the planted-defect fixture",
    "lychee_fixture": "lychee on the fixture, built with `mkdocs build`",
    "mkdocs_validation_fixture": "`mkdocs build --strict` with our `validation:` block, on the fixture",
}
VERIFY_LABELS = {
    "static": "`python -m scripts.verify --static --all --quiet` (every static check of every block)",
    "full": "`python -m scripts.verify --all --quiet` (the static checks and the `run` blocks on local Spark "
            "and MLflow)",
    "incremental_one_static_block": "`python -m scripts.verify --quiet` after editing one type-checked Python block",
    "incremental_one_run_block": "`python -m scripts.verify --quiet` after editing one Python block marked `run`",
}
# Each tool's version as recorded by the section that used it.
TOOLS = (("Python", "python", "build"), ("mkdocs", "mkdocs", "build"), ("mkdocs-material", "mkdocs-material", "build"),
         ("pymdown-extensions", "pymdown-extensions", "build"), ("zensical", "zensical", "build"),
         ("lychee", "lychee", "links"), ("Playwright", "playwright", "weight"), ("Chromium", "chromium", "weight"),
         ("Lighthouse", "lighthouse", "lighthouse"), ("Node", "node", "lighthouse"))


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def _header(*names: str) -> list[str]:
    return [_row(*names), "|" + "---|" * len(names)]


def _bold(text: str, yes: bool) -> str:
    return f"**{text}**" if yes else text


def _version(raw: str) -> str:
    """``lychee 0.24.2`` -> ``0.24.2``; ``v20.20.2`` -> ``20.20.2``; ``Chromium 156.0 built on ...`` -> ``156.0``."""
    for word in raw.split():
        word = word.removeprefix("v")
        if word[:1].isdigit():
            return word
    return ""


def _when(data: dict) -> str:
    """When a section was measured: ``2026-01-02 03:03–03:05`` (start and end minute)."""
    end = datetime.datetime.fromisoformat(data["measured_at"])
    start = end - datetime.timedelta(seconds=float(data.get("section_seconds", 0)))
    return f"{start:%Y-%m-%d %H:%M}" + ("" if f"{start:%H:%M}" == f"{end:%H:%M}" else f"–{end:%H:%M}")


def _measured(data: dict, options: str, loads: list[float]) -> str:
    """One line: when the section was measured, with which command, at what load."""
    load = f", load {figures.span(loads)}" if loads else ""
    return f"*Measured {_when(data)} by `python -m benchmarks.run --only {options}`{load}.*"


# --------------------------------------------------------------------------------------------------- regions

def versions(results: dict) -> str:
    meta = results.get("runs_meta", {})
    fallback = results.get("meta", {}).get("versions", {})
    shown, cpus = [], fallback.get("cpus")
    for name, key, section in TOOLS:
        recorded = meta.get(section, {}).get("versions", fallback)
        version = _version(str(recorded.get(key, "")))
        cpus = recorded.get("cpus", cpus) if section == "build" else cpus
        if version:
            shown.append(f"{name} {version}")
    text = ", ".join(shown) + (f"; {cpus} CPUs" if cpus else "") + "."
    build = results.get("build")
    if build:
        text += f" Corpus: {build['pages']} pages, {build['markdown_lines']:,} lines of Markdown."
    return text


def build(data: dict, budget: dict) -> str:
    series = data["series"]
    lines = [_measured(data, f"build --runs {len(next(iter(series.values()))['runs'])}",
                       [r["load_before"] for s in series.values() for r in s["runs"]]), ""]
    lines += _header("Build", "median wall", "median CPU", "runs (wall s)", "exit codes")
    budgeted = {name for ours, theirs, _, _ in budgets.BUILD_RATIOS.values() for name in (ours, theirs)}
    for key, s in series.items():
        lines.append(_row(BUILD_LABELS.get(key, s.get("note") or key),
                          _bold(figures.seconds(s["median_s"]), key in budgeted), figures.seconds(s["median_cpu_s"]),
                          figures.runs(r["seconds"] for r in s["runs"]), figures.codes(s["returncodes"])))
    lines += ["", *_header("Ratio", "wall", "CPU", "budget (wall)", "met?")]
    ratios, cpu = data["ratios"], data.get("cpu_ratios", {})
    order = [k for k in budgets.BUILD_RATIOS if k in ratios] + [k for k in ratios if k not in budgets.BUILD_RATIOS]
    for key in order:
        limit = budget["timing_targets"][budgets.BUILD_RATIOS[key][2]] if key in budgets.BUILD_RATIOS else None
        lines.append(_row(RATIO_LABELS.get(key, key), _bold(figures.ratio(ratios[key]), limit is not None),
                          figures.ratio(cpu[key]) if key in cpu else "",
                          "" if limit is None else f"≤ {figures.ratio(limit)}",
                          "" if limit is None else ("**yes**" if ratios[key] <= limit else "**no**")))
    return "\n".join(lines)


def serve(data: dict, budget: dict) -> str:
    trials = {k: v for k, v in data.items() if isinstance(v, dict) and "page_s" in v}
    lines = [_measured(data, f"serve --runs {len(next(iter(trials.values()))['page_s'])}",
                       [x for t in trials.values() for x in t["loads"]]), ""]
    lines += _header("Server", "save → page served (median)", "livereload signal (median)", "runs (s)", "load (median)")
    for key, t in trials.items():
        signal = "n/a" if t.get("median_signal_s") is None else figures.seconds(t["median_signal_s"])
        lines.append(_row(SERVE_LABELS.get(key, f"`{t['command']}`"),
                          _bold(figures.seconds(t["median_page_s"]), key == "serve_full_rebuild"), signal,
                          figures.runs(t["page_s"]), f"{t['load_median']:.2f}"))
    return "\n".join(lines)


def _link_result(s: dict) -> str:
    parts = []
    if "found" in s:
        missed = f", missed {', '.join(f'`{m}`' for m in s['missed'])}" if s.get("missed") else ""
        parts.append(f"**{s['found']}/{s['of']}** planted defects{missed}")
    if "findings" in s:
        parts.append(f"{s['findings']} findings")
    kinds = s.get("summary", {}).get("errors_by_kind", {})
    if kinds:
        parts.append(f"{sum(kinds.values())} errors: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items()))
    return "; ".join(parts)


def links(data: dict, budget: dict) -> str:
    tools = {k: v for k, v in data.items() if isinstance(v, dict) and "median_s" in v}
    lines = [_measured(data, f"links --runs {len(next(iter(tools.values()))['runs'])}",
                       [r["load_before"] for s in tools.values() for r in s["runs"]]), ""]
    lines += _header("Tool", "runs (wall s)", "median wall", "median CPU", "exit codes", "found")
    for key, s in tools.items():
        lines.append(_row(LINK_LABELS.get(key, f"`{figures.command(s['command'])}`"),
                          figures.runs(r["seconds"] for r in s["runs"]), figures.seconds(s["median_s"]),
                          figures.seconds(s["median_cpu_s"]), figures.codes(s["returncodes"]), _link_result(s)))
    return "\n".join(lines)


def verify(data: dict, budget: dict) -> str:
    kinds = {k: v for k, v in data.items() if isinstance(v, dict) and "median_s" in v}
    options = f"verify --runs {len(data['static']['runs'])}" if "static" in data else "verify"
    options += f" --verify-full-runs {len(data['full']['runs'])}" if "full" in data else " --verify-full-runs 0"
    lines = [_measured(data, options, [r["load_before"] for s in kinds.values() for r in s["runs"]]), ""]
    lines += _header("Command", "runs: wall (CPU)", "median wall", "exit codes")
    for key, s in kinds.items():
        lines.append(_row(VERIFY_LABELS.get(key, f"`{figures.command(s['command'])}`"),
                          ", ".join(f"{figures.seconds(r['seconds'])} ({figures.seconds(r['cpu_seconds'])})"
                                    for r in s["runs"]),
                          f"**{figures.seconds(s['median_s'])}**", figures.codes(s["returncodes"])))
    return "\n".join(lines)


def sql_parse(data: dict, budget: dict) -> str:
    runs = data["runs"]
    lines = [_measured(data, f"sql-parse --runs {len(runs)}", [r["load_before"] for r in runs]), ""]
    lines += _header("Figure", "median", "runs", "budget")
    per_statement = 1000 * data["docs_check_s_median"] / data["docs_statements"] if data["docs_statements"] else 0
    lines.append(_row("local SparkSession start-up (`local[2]`)", figures.seconds(data["spark_start_s_median"]),
                      figures.runs(r["spark_start_s"] for r in runs), ""))
    lines.append(_row(f"`{data['statement']}` parsed by Spark, per parse (median of {data['repeat']} after a "
                      "warm-up parse)", f"**{data['parse_ms_median']:.1f} ms**",
                      ", ".join(f"{r['parse_ms_median']:.1f}" for r in runs),
                      f"≤ {budget['timing_targets']['sql_parse_max_ms']} ms"))
    lines.append(_row(f"the docs' {data['docs_statements']} SQL statements ({data['docs_blocks']} blocks) through "
                      "the SQL oracle's static check", f"{figures.seconds(data['docs_check_s_median'])} "
                      f"({per_statement:.1f} ms per statement)", figures.runs(r["docs_check_s"] for r in runs), ""))
    return "\n".join(lines)


def weight(data: dict, budget: dict) -> str:
    pages = data["pages"]
    lines = [_measured(data, "weight", []), ""]
    lines += _header("Page", "KB gzip", "requests", "search index loaded")
    for name, page in pages.items():
        lines.append(_row(f"{name} `{page['url']}`", page["total_gzip_kb"], page["request_count"],
                          "yes" if page["search_index_loaded"] else "no"))
    home = pages.get("home")
    if home:
        sizes = ", ".join(f"`{r['url']}` {r['gzip_bytes'] / 1024:.1f}" for r in home["requests"])
        lines += ["", f"The home page's {len(home['requests'])} requests (KB gzip): {sizes}."]
    after = data.get("after_opening_search_home")
    if after:
        lines += ["", f"Opening search on the home page brings the total to {after['total_gzip_kb']} KB gzip, of which "
                      f"the search index is {after['search_index_gzip_kb']} KB."]
    return "\n".join(lines)


def lighthouse(data: dict, budget: dict, section: str = "lighthouse") -> str:
    pages = data["pages"]
    option = "--lighthouse-runs" if section == "lighthouse" else "--lighthouse-before-runs"
    lines = [_measured(data, f"{section} {option} {data['runs_per_page']}",
                       [x for p in pages.values() for x in p["loads"]]), ""]
    lines += _header("Page", "performance (runs)", "TBT (median)", "accessibility", "SEO", "best practices")
    for name, page in pages.items():
        scores = page["median_scores"]
        runs = ", ".join(str(r["performance"]) for r in page["runs"] if r)
        tbt = page["median_metrics_ms"].get("total-blocking-time")
        lines.append(_row(f"{name} `{page['url']}`", f"**{scores['performance']}** ({runs})",
                          "n/a" if tbt is None else f"{round(tbt)} ms", scores["accessibility"], scores["seo"],
                          scores["best-practices"]))
    return "\n".join(lines)


RANKING_LABELS = {
    "bm25": "BM25 alone (bm25s, stemmed words and split identifiers)",
    "embedding": "embedding alone (WordLlama `l2_supercat`, heading path and lead)",
    "fused": "BM25 + embedding, weighted reciprocal rank fusion (the benchmark's figure)",
}


HALF_LABELS = {
    "odd": "odd-numbered questions (the embedding input and weight were chosen on these)",
    "even": "even-numbered questions (held out from that choice)",
}


def _share(value: float) -> str:
    return f"{value:.1%}"


def retrieval(data: dict, budget: dict) -> str:
    corpus, versions = data["corpus"], data["versions"]
    tools = ", ".join(f"{name} {version}" for name, version in versions.items())
    lines = [f"*Measured {_when(data)} by `python -m benchmarks.retrieval` ({tools}): {data['questions']} questions, "
             f"{corpus['snippets']:,} snippets ({corpus['code']:,} code, {corpus['text']} text) from "
             f"{corpus['pages']} pages.*", ""]
    lines += _header("Ranking", "top 3", "top 10")
    for name, s in data["rankings"].items():
        fused = name == "fused"
        lines.append(_row(RANKING_LABELS.get(name, name), _bold(_share(s["top3"]), fused),
                          _bold(_share(s["top10"]), fused)))
    limits = budget["retrieval_targets"]
    lines += ["", f"Targets: top 10 ≥ {limits['top10_min']:.0%}, top 3 ≥ {limits['top3_min']:.0%} (budgets.json).", ""]
    lines += _header("Questions (fused ranking)", "questions", "top 3", "top 10")
    for name, s in data["sections"].items():
        lines.append(_row(f"section `{name}`", s["questions"], _share(s["top3"]), _share(s["top10"])))
    for name, s in data.get("halves", {}).items():
        lines.append(_row(HALF_LABELS.get(name, name), s["questions"], _share(s["top3"]), _share(s["top10"])))
    misses = data["misses"]
    beyond = [m for m in misses if m["rank"] is None or m["rank"] > 10]
    lines += ["", f"Not in the top 3: {len(misses)} questions, {len(beyond)} of them not in the top 10 either "
                  "(expected heading, its rank, and the snippet that came first):", ""]
    for m in misses:
        where = "not in the top 10" if m["rank"] is None or m["rank"] > 10 else f"rank {m['rank']}"
        lines.append(f"- {m['question']} Expected `{m['expected']}`, {where}; first: `{m['first']}`.")
    return "\n".join(lines)


def targets(results: dict, budget: dict) -> str:
    lines = _header("Target", "budget", "result", "met?")
    for t in budgets.targets(results, budget):
        met = "not measured" if t.met is None else "**yes**" if t.met else "**no**"
        lines.append(_row(t.name, t.budget, t.result, met))
    return "\n".join(lines)


SECTIONS: dict[str, tuple[str, Callable[[dict, dict], str]]] = {
    "bench-build": ("build", build),
    "bench-serve": ("serve", serve),
    "bench-links": ("links", links),
    "bench-verify": ("verify", verify),
    "bench-sql-parse": ("sql-parse", sql_parse),
    "bench-weight": ("weight", weight),
    "bench-lighthouse": ("lighthouse", lighthouse),
    "bench-lighthouse-before": ("lighthouse-before", lambda d, b: lighthouse(d, b, "lighthouse-before")),
    "bench-retrieval": ("retrieval", retrieval),
}
# The command that measures a section, when it is not ``python -m benchmarks.run --only SECTION``.
COMMANDS = {"retrieval": "python -m benchmarks.retrieval"}
REGIONS = {"bench-versions", "bench-targets", *SECTIONS}


def regions(results: dict, budget: dict, results_path: Path) -> dict[str, str]:
    """Region name -> its Markdown. A section in an unexpected shape raises DocError at its line."""
    out: dict[str, str] = {}
    for region, (section, render) in SECTIONS.items():
        data = results.get(section)
        if data is None:
            command = COMMANDS.get(section, f"python -m benchmarks.run --only {section}")
            out[region] = f"*Not measured yet: `{command}`.*"
            continue
        out[region] = _guarded(results_path, section, render, data, budget)
    out["bench-versions"] = _guarded(results_path, "runs_meta", lambda r, _: versions(r), results, budget)
    out["bench-targets"] = _guarded(results_path, "", targets, results, budget)
    return out


def _guarded(path: Path, section: str, render: Callable[[dict, dict], str], data: dict, budget: dict) -> str:
    """``render(data, budget)``, with a missing key or a wrong type in results.json reported at the section's
    line."""
    try:
        return render(data, budget)
    except KeyError as exc:
        problem = f"missing key {exc}"
    except (TypeError, ValueError, AttributeError, IndexError, StopIteration, statistics.StatisticsError) as exc:
        problem = str(exc) or type(exc).__name__
    where = f"section '{section}'" if section else "a figure the budgets read"
    raise DocError(path, key_line(path, section) if section else 1,
                   f"{where} is not as benchmarks/run.py writes it: {problem}")


def planned(readme: Path, results_path: Path, budgets_path: Path) -> tuple[str, str]:
    """(the README as it is, the README with every region regenerated). Raises DocError on bad input."""
    results = load_object(results_path)
    budget = budgets.load(budgets_path)
    current = read_text(readme)
    return current, replace_regions(current, readme, regions(results, budget, results_path), required=REGIONS)


def update(results_path: Path = RESULTS, readme: Path = README, budgets_path: Path = budgets.BUDGETS) -> bool:
    """Regenerate the README's regions; True when the file changed. Raises DocError on bad input."""
    current, new = planned(readme, results_path, budgets_path)
    if new != current:
        write_atomic(readme, new)
    return new != current


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tables", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; print a diff and exit 1 if stale")
    parser.add_argument("--results", type=Path, default=Path("benchmarks/results.json"), help="measured figures")
    parser.add_argument("--budgets", type=Path, default=Path("benchmarks/budgets.json"), help="the budgets")
    parser.add_argument("--readme", type=Path, default=Path("benchmarks/README.md"), help="the file with the regions")
    args = parser.parse_args(argv)
    try:
        current, new = planned(args.readme, args.results, args.budgets)
    except DocError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.check:
        if new == current:
            print(f"benchmark tables up to date ({args.readme})", file=sys.stderr)
            return 0
        sys.stdout.writelines(difflib.unified_diff(current.splitlines(keepends=True), new.splitlines(keepends=True),
                                                   fromfile=f"{args.readme} (committed)",
                                                   tofile=f"{args.readme} (generated)"))
        print(f"\n{args.readme} is out of date with {args.results}. Fix with: {FIX_COMMAND}", file=sys.stderr)
        return 1
    if new == current:
        print(f"benchmark tables up to date ({args.readme})", file=sys.stderr)
        return 0
    try:
        write_atomic(args.readme, new)
    except OSError as exc:
        print(f"{args.readme}:1: cannot write: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"updated {args.readme}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
