"""Page-weight budgets (benchmarks/budgets.json): what a browser downloads on first load, measured in Chromium.

A figure fails when it exceeds its budget by more than the budget file's tolerance (10%), by the rule in
benchmarks/budgets.py (tested in tests/test_bench_budgets.py). Timing budgets are not tested here (too noisy on a
shared machine); ``make bench`` reports them.
"""

from __future__ import annotations

import pytest

from benchmarks import budgets
from benchmarks.common import largest_page
from benchmarks.weight import first_load

pytestmark = pytest.mark.browser
BUDGETS = budgets.load()
TOLERANCE = BUDGETS["tolerance"]
WEIGHT = BUDGETS["page_weight_kb_gzip"]


def over(figure: float, budget: float) -> bool:
    return budgets.over(figure, budget, TOLERANCE)


@pytest.mark.parametrize("which", ["home", "largest_page"])
def test_first_load_stays_within_the_page_weight_budget(browser, site_url, built_site, which):
    _, site = built_site
    rel = "" if which == "home" else largest_page(site)
    result = first_load(browser, site_url + rel)
    assert result["status"] == 200, rel
    detail = "\n".join(f"{r['gzip_bytes']:>8} {r['url']}" for r in result["requests"])
    kb = result["total_gzip_kb"]
    assert not over(kb, WEIGHT[which]), f"{which} /{rel}: {kb} KB gzip, budget {WEIGHT[which]} KB\n{detail}"
    assert not over(kb, WEIGHT["first_load_max"]), f"/{rel}: {kb} KB gzip, cap {WEIGHT['first_load_max']} KB"
    assert result["search_index_loaded"] is BUDGETS["search_index_on_first_load"], f"/{rel}: search index loaded"
