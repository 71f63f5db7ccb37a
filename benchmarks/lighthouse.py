"""Lighthouse 12 (npm, in benchmarks/.work) against Debian's Chromium: category scores and failing audits.

``npm install lighthouse@12`` in ``benchmarks/.work`` (Node 20); mobile defaults (simulated throttling, Moto G
Power viewport). CHROME_PATH points Lighthouse's chrome-launcher at /usr/bin/chromium.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from benchmarks.common import WORK, load1
from benchmarks.weight import CHROMIUM, CHROMIUM_ARGS

LIGHTHOUSE = WORK / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "seo", "best-practices")
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift",
           "speed-index")


def available() -> bool:
    return LIGHTHOUSE.exists()


def version() -> str:
    proc = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True)
    return proc.stdout.strip()


def audit(url: str) -> dict:
    """One Lighthouse run on ``url``: scores (0-100), metric values and the audits that did not pass."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"]
        env = dict(os.environ, CHROME_PATH=CHROMIUM, HOME=tmp)
        load = load1()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        if proc.returncode != 0 or not out.exists():
            return {"url": url, "error": (proc.stderr or proc.stdout)[-500:], "load_before": load}
        report = json.loads(out.read_text())
    cats = report["categories"]
    audits = report["audits"]
    failing = {}
    for name in ("accessibility", "seo", "best-practices"):
        for ref in cats[name]["auditRefs"]:
            a = audits[ref["id"]]
            if ref.get("weight", 0) > 0 and a.get("score") is not None and a["score"] < 1:
                items = (a.get("details") or {}).get("items") or []
                nodes = [((i.get("node") or {}).get("selector") or i.get("url") or "")[:90] for i in items[:5]]
                failing[ref["id"]] = {"category": name, "title": a["title"], "nodes": nodes}
    perf_opps = {k: audits[k]["displayValue"] for k in ("render-blocking-resources", "unused-css-rules",
                                                         "unused-javascript", "dom-size", "uses-text-compression")
                 if k in audits and audits[k].get("displayValue") and (audits[k].get("score") or 1) < 1}
    return {
        "url": url,
        "lighthouse": report["lighthouseVersion"],
        "scores": {name: round(cats[name]["score"] * 100) for name in CATEGORIES if cats[name]["score"] is not None},
        "metrics_ms": {m: round(audits[m]["numericValue"], 3 if m == "cumulative-layout-shift" else 0)
                       for m in METRICS},
        "failing_audits": failing,
        "performance_opportunities": perf_opps,
        "load_before": load,
    }
