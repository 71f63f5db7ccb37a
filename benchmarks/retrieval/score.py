"""Score rankings against the bank: where the first snippet under the expected heading comes, and the shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.retrieval.bank import Question
from benchmarks.retrieval.snippets import Snippet

CUTOFFS = (3, 10)


def first_hit(ranking: Sequence[int], snippets: Sequence[Snippet], question: Question) -> int | None:
    """The 1-based rank of the first snippet on the question's page whose heading path holds its heading, or None."""
    for rank, index in enumerate(ranking, start=1):
        if snippets[index].under(question.page, question.heading):
            return rank
    return None


def answered(rank: int | None, k: int) -> bool:
    """A question is answered at ``k`` when one of the top ``k`` snippets is under the expected heading."""
    return rank is not None and rank <= k


@dataclass(frozen=True)
class Outcome:
    question: Question
    rank: int | None  # first hit in the fused ranking
    first: Snippet  # the fused ranking's top snippet
    ranks: dict[str, int | None]  # first hit per ranking (bm25, embedding, fused)


def shares(outcomes: Sequence[Outcome], ranking: str = "fused") -> dict[str, float]:
    """``top3`` and ``top10``: the share of questions answered at each cutoff, rounded to four places."""
    total = len(outcomes) or 1
    return {f"top{k}": round(sum(answered(o.ranks[ranking], k) for o in outcomes) / total, 4) for k in CUTOFFS}
