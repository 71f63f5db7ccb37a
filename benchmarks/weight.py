"""Page weight on first load: every response a fresh browser context receives, each body gzip-compressed to count.

Used by ``benchmarks.run`` and ``tests/test_budgets.py``. The figure is what a browser downloads from a server
that gzips (as GitHub Pages does): each body is compressed with gzip level 6 here, whatever the server sent.
Images and fonts are counted at their gzip size too (barely smaller than raw for PNG/WOFF2).
"""

from __future__ import annotations

import gzip

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SEARCH_INDEX = "search_index.json"


def first_load(browser, url: str, settle_ms: int = 1000) -> dict:
    """Load ``url`` in a new context (empty cache) and return every response with raw and gzip byte counts."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    responses = []
    requested: list[str] = []
    ctx.on("request", lambda r: requested.append(r.url))
    ctx.on("response", lambda r: responses.append(r))
    page = ctx.new_page()
    main = page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(settle_ms)
    rows = []
    for r in responses:
        try:
            body = r.body()
        except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
            body = b""
        rows.append({"url": r.url, "status": r.status, "type": r.request.resource_type, "bytes": len(body),
                     "gzip_bytes": len(gzip.compress(body, compresslevel=6, mtime=0)) if body else 0})
    ctx.close()
    return {
        "url": url,
        "status": main.status if main else None,
        "requests": rows,
        "request_count": len(rows),
        "total_bytes": sum(r["bytes"] for r in rows),
        "total_gzip_bytes": sum(r["gzip_bytes"] for r in rows),
        "total_gzip_kb": round(sum(r["gzip_bytes"] for r in rows) / 1024, 1),
        "search_index_loaded": any(SEARCH_INDEX in u for u in requested),
    }


def open_search_then_weigh(browser, url: str) -> dict:
    """The same page after the reader opens search: the cost the lazy loader defers."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    responses = []
    ctx.on("response", lambda r: responses.append(r))
    page = ctx.new_page()
    page.goto(url, wait_until="networkidle")
    page.locator("input[data-md-component=search-query]").click()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    total = 0
    index = 0
    for r in responses:
        try:
            body = r.body()
        except Exception:  # noqa: BLE001, S112 - redirects and aborted requests have no body to weigh
            continue
        size = len(gzip.compress(body, compresslevel=6, mtime=0))
        total += size
        if SEARCH_INDEX in r.url:
            index = size
    ctx.close()
    return {"url": url, "total_gzip_kb": round(total / 1024, 1), "search_index_gzip_kb": round(index / 1024, 1)}
