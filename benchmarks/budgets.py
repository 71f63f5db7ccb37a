"""The budgets in benchmarks/budgets.json, and which of them the figures in benchmarks/results.json meet.

``targets`` compares each figure with its budget exactly (``make bench`` reports it; the README's target table
is generated from it). ``over`` adds the tolerance the page-weight test allows (tests/test_budgets.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from benchmarks import figures
from benchmarks.jsonfile import key_line, load_object
from scripts.errors import DocError

BUDGETS = Path(__file__).resolve().parent / "budgets.json"
NUMBERS = {
    "page_weight_kb_gzip": ("home", "largest_page", "first_load_max"),
    "timing_targets": ("mkdocs_clean_vs_zensical_clean_max_ratio", "mkdocs_warm_vs_zensical_cached_max_ratio",
                       "serve_edit_to_page_max_s", "links_vs_lychee_max_ratio", "verify_static_max_s",
                       "verify_full_max_s", "sql_parse_max_ms"),
    "lighthouse_targets": ("performance_min", "accessibility_min", "seo_min"),
    "retrieval_targets": ("top10_min", "top3_min"),
}

# The budgeted build ratios: ratio key in results.json -> (our series, Zensical's series, budget key, target name).
BUILD_RATIOS = {
    "clean_vs_zensical_clean": ("mkdocs_clean", "zensical_clean", "mkdocs_clean_vs_zensical_clean_max_ratio",
                                "clean build / Zensical clean build (wall)"),
    "warm_vs_zensical_cached": ("mkdocs_warm", "zensical_cached", "mkdocs_warm_vs_zensical_cached_max_ratio",
                                "warm rebuild / Zensical cached build (wall)"),
}


@dataclass(frozen=True)
class Target:
    """One budget and the measured figure: ``met`` is None when the figure has not been measured."""

    name: str
    budget: str
    result: str
    met: bool | None
    section: str


def load(path: Path = BUDGETS) -> dict:
    """budgets.json, checked for every number ``targets`` reads. Raises DocError (``file:line: message``)."""
    data = load_object(path)
    if not _number(data.get("tolerance")):
        raise DocError(path, key_line(path, "tolerance"), "'tolerance' must be a number (0.10 is 10%)")
    if not isinstance(data.get("search_index_on_first_load"), bool):
        raise DocError(path, key_line(path, "search_index_on_first_load"),
                       "'search_index_on_first_load' must be true or false")
    for group, names in NUMBERS.items():
        values = data.get(group)
        if not isinstance(values, dict):
            raise DocError(path, key_line(path, group), f"'{group}' must be an object of budgets")
        for name in names:
            if not _number(values.get(name)):
                raise DocError(path, key_line(path, name) if name in values else key_line(path, group),
                               f"'{group}.{name}' must be a number")
    return data


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def over(figure: float, budget: float, tolerance: float) -> bool:
    """True when ``figure`` exceeds ``budget`` by more than ``tolerance`` (a fraction: 0.10 allows 10%)."""
    return figure > budget * (1 + tolerance)


def _within(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def targets(results: dict, budgets: dict) -> list[Target]:
    """Every budget with its figure from ``results`` (the layout benchmarks/run.py writes), in README order."""
    t, lh = budgets["timing_targets"], budgets["lighthouse_targets"]
    out: list[Target] = []
    build = results.get("build", {})
    ratios, series = build.get("ratios", {}), build.get("series", {})
    for key, (ours, theirs, budget, name) in BUILD_RATIOS.items():
        value, limit = ratios.get(key), t[budget]
        result = "not measured" if value is None else (
            f"{figures.ratio(value)} ({figures.seconds(series[ours]['median_s'])} against "
            f"{figures.seconds(series[theirs]['median_s'])})")
        out.append(Target(name, f"≤ {figures.ratio(limit)}", result, _within(value, limit), "build"))

    serve = results.get("serve", {}).get("serve_full_rebuild", {}).get("median_page_s")
    out.append(Target("`make serve`: save a page → rebuilt page served (no `--dirty`)",
                      f"≤ {figures.seconds(t['serve_edit_to_page_max_s'])}",
                      "not measured" if serve is None else figures.seconds(serve),
                      _within(serve, t["serve_edit_to_page_max_s"]), "serve"))

    links = results.get("links", {})
    ours, lychee = links.get("ours_docs", {}).get("median_s"), links.get("lychee_site", {}).get("median_s")
    value = round(ours / lychee, 2) if ours is not None and lychee else None
    out.append(Target("link check of the docs / lychee on the built site (wall)",
                      f"≤ {figures.ratio(t['links_vs_lychee_max_ratio'])}",
                      "not measured" if value is None or ours is None or lychee is None else
                      f"{figures.ratio(value)} ({figures.seconds(ours)} against {figures.seconds(lychee)})",
                      _within(value, t["links_vs_lychee_max_ratio"]), "links"))
    fixture = links.get("ours_fixture", {})
    out.append(Target("planted link defects found on the fixture", "all",
                      f"{fixture['found']}/{fixture['of']}" if "found" in fixture else "not measured",
                      fixture["found"] == fixture["of"] if "found" in fixture else None, "links"))

    verify = results.get("verify", {})
    for name, key, limit in (("static verification of every example", "static", t["verify_static_max_s"]),
                             ("full verification (static checks and executed blocks)", "full", t["verify_full_max_s"])):
        value = verify.get(key, {}).get("median_s")
        shown = "not measured" if value is None else figures.seconds(value)
        out.append(Target(name, f"≤ {figures.seconds(limit)}", shown, _within(value, limit), "verify"))

    parse = results.get("sql-parse", {}).get("parse_ms_median")
    out.append(Target("Spark SQL parse of one statement, session up", f"≤ {t['sql_parse_max_ms']} ms",
                      "not measured" if parse is None else f"{parse:.1f} ms", _within(parse, t["sql_parse_max_ms"]),
                      "sql-parse"))

    out += _weight_targets(results.get("weight", {}).get("pages", {}), budgets)
    out += _lighthouse_targets(results.get("lighthouse", {}).get("pages", {}), lh)
    out += _retrieval_targets(results.get("retrieval", {}), budgets["retrieval_targets"])
    return out


def _retrieval_targets(data: dict, limits: dict) -> list[Target]:
    """The fused ranking's shares of the question bank (benchmarks/retrieval) against their minimums."""
    fused = data.get("rankings", {}).get("fused", {})
    total = data.get("questions")
    out = []
    for k, key in ((10, "top10_min"), (3, "top3_min")):
        share, limit = fused.get(f"top{k}"), limits[key]
        shown = "not measured" if share is None else (
            f"{share:.1%} ({round(share * total)} of {total})" if total else f"{share:.1%}")
        out.append(Target(f"questions answered in the top {k} snippets (retrieval benchmark)", f"≥ {limit:.0%}",
                          shown, None if share is None else share >= limit, "retrieval"))
    return out


def _weight_targets(pages: dict, budgets: dict) -> list[Target]:
    weight = budgets["page_weight_kb_gzip"]
    kb = {name: page["total_gzip_kb"] for name, page in pages.items()}
    out = []
    for name, page, limit in (("first load of the home page", "home", weight["home"]),
                              ("first load of the largest page", "largest page", weight["largest_page"])):
        value = kb.get(page)
        out.append(Target(name, f"≤ {limit} KB gzip", "not measured" if value is None else f"{value} KB",
                          _within(value, limit), "weight"))
    limit = weight["first_load_max"]
    out.append(Target("first load of every page measured", f"≤ {limit} KB gzip",
                      f"{figures.span(kb.values(), 1)} KB ({len(kb)} pages)" if kb else "not measured",
                      all(v <= limit for v in kb.values()) if kb else None, "weight"))
    loaded = [name for name, page in pages.items() if page["search_index_loaded"]]
    wanted = budgets["search_index_on_first_load"]
    out.append(Target("search index on first load", "loaded" if wanted else "not loaded",
                      f"loaded on {len(loaded)} of {len(pages)} pages" if pages else "not measured",
                      all(page["search_index_loaded"] is wanted for page in pages.values()) if pages else None,
                      "weight"))
    return out


def _lighthouse_targets(pages: dict, lh: dict) -> list[Target]:
    out = []
    for name, category, limit in (("Lighthouse performance (mobile)", "performance", lh["performance_min"]),
                                  ("Lighthouse accessibility", "accessibility", lh["accessibility_min"]),
                                  ("Lighthouse SEO", "seo", lh["seo_min"])):
        scores = [page["median_scores"].get(category) for page in pages.values()]
        shown = ", ".join("n/a" if s is None else str(s) for s in scores)
        out.append(Target(name, f"= {limit}" if limit == 100 else f"≥ {limit}",
                          f"{shown} (medians per page)" if scores else "not measured",
                          all(s is not None and s >= limit for s in scores) if scores else None, "lighthouse"))
    return out
