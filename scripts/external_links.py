"""External link checking, used by ``python -m scripts.links --external`` (never in the default run).

Bounded concurrency (8 workers), a timeout per request, retries with exponential backoff, ``Retry-After``
honoured on 429/503, and a cache of good results (``external-links`` in scripts/cache.py: the time each URL last
answered, trusted for one week) so a weekly job does not hammer the same hosts.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime

from scripts.cache import Cache
from scripts.docmodel import Page
from scripts.errors import Finding

CACHE_SECONDS = 7 * 24 * 3600
WORKERS = 8
TIMEOUT = 15
ATTEMPTS = 4
MAX_WAIT = 60.0


def retry_after_seconds(value: str | None, default: float) -> float:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return default
    try:
        return min(float(value), MAX_WAIT)
    except ValueError:
        pass
    try:
        return min(max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0), MAX_WAIT)
    except (TypeError, ValueError):
        return default


def fetch_status(url: str, opener=urllib.request.urlopen, sleep=time.sleep) -> str | None:
    """None when the URL answers 2xx/3xx; otherwise a short reason."""
    delay = 1.0
    reason = "no answer"
    for _ in range(ATTEMPTS):
        request = urllib.request.Request(  # noqa: S310 - check_external passes only http:// and https:// URLs
            url, method="GET", headers={"User-Agent": "c7-databricks-linkcheck"}
        )
        try:
            with opener(request, timeout=TIMEOUT):
                return None
        except urllib.error.HTTPError as exc:
            if exc.code in (429, 503):
                reason = f"HTTP {exc.code}"
                sleep(retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None, delay))
                delay *= 2
                continue
            return f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = str(getattr(exc, "reason", exc))
            sleep(delay)
            delay *= 2
    return reason


def check_external(pages: list[Page]) -> list[Finding]:
    places: dict[str, list[tuple[str, int]]] = {}
    for page in pages:
        for link in page.links:
            if link.target.startswith(("http://", "https://")):
                places.setdefault(link.target.split("#", 1)[0], []).append((str(page.path), link.line))
    cache = Cache("external-links", ())
    now = time.time()
    todo = [u for u in places if now - (cache.get(u) or 0) > CACHE_SECONDS]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = dict(zip(todo, pool.map(fetch_status, todo), strict=True))
    findings = []
    for url, problem in sorted(results.items()):
        if problem is None:
            cache.put(url, now)
            continue
        for path, line in places[url]:
            findings.append(Finding(path, line, f"external link {url}: {problem}", "external"))
    cache.save(keep=lambda url: now - cache.entries[url] <= CACHE_SECONDS)
    return findings
