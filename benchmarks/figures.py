"""How measured figures read in the benchmark tables: seconds, ratios, runs and load ranges."""

from __future__ import annotations

import re
from collections.abc import Iterable


def seconds(value: float) -> str:
    """``0.72 s``, ``26.0 s``, ``3 min 37 s``."""
    if value >= 60:
        minutes, rest = divmod(round(value), 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    return f"{value:.1f} s" if value >= 10 else f"{value:.2f} s"


def ratio(value: float) -> str:
    return f"{value:.2f}×"


def runs(values: Iterable[float]) -> str:
    """Each run's wall time in seconds, in the order they ran."""
    return ", ".join(f"{v:.2f}" for v in values)


def span(values: Iterable[float], digits: int = 2) -> str:
    """``0.74–1.11``, or one figure when all are equal."""
    vals = sorted(values)
    if not vals:
        return "n/a"
    low, high = f"{vals[0]:.{digits}f}", f"{vals[-1]:.{digits}f}"
    return low if low == high else f"{low}–{high}"


def codes(values: Iterable[int]) -> str:
    return ", ".join(str(v) for v in values)


def command(text: str) -> str:
    """A recorded command without the machine's paths: ``/x/.venv/bin/python -m y`` reads ``python -m y``."""
    return re.sub(r"\S*/bin/([\w.-]+)", r"\1", text)
