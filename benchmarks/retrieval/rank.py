"""Rank snippets for a question: BM25 over words, a small static embedding model, and reciprocal rank fusion.

BM25 (bm25s) reads the words of a snippet's page title, heading path, lead and code. Identifiers are split as well
as kept whole (``repair_run`` gives ``repair_run``, ``repair`` and ``run``; ``createIfNotExists`` gives its words),
English stop words (NLTK's list, as bm25s ships it) are dropped and words are stemmed (PyStemmer's Snowball English).

The embedding model is WordLlama's default (``l2_supercat``, 256 dimensions), whose weights and tokenizer ship
inside the ``wordllama`` wheel: it loads from the installed package and never from the network. It averages word
vectors, which suits prose, so it embeds a snippet's heading path and lead and leaves the code to BM25.

The two rankings are fused by weighted reciprocal rank: a snippet scores the sum over the rankings of
``weight / (RRF_K + rank)``, rank 1 being the best, with ``WEIGHTS`` (the embedding ranking counts 0.3 of BM25's).
The embedding input and the weight were chosen on the odd-numbered questions of the bank, among three inputs (with
the first 1,000 or 300 characters of code, or none) and three weights (1, 0.5, 0.3); benchmarks/README.md gives the
figures of the even-numbered questions, held out from that choice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from benchmarks.retrieval.snippets import Snippet

RRF_K = 60
WEIGHTS = {"bm25": 1.0, "embedding": 0.3}
IDENTIFIER_RE = re.compile(r"[A-Za-z0-9_]+")
PART_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

Embed = Callable[[list[str]], np.ndarray]


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS)


@lru_cache(maxsize=1)
def _stem() -> Callable[[list[str]], list[str]]:
    import Stemmer

    return Stemmer.Stemmer("english").stemWords


def words(text: str) -> list[str]:
    """Lower-case words of ``text``, identifiers both whole and split, stop words and one-letter words left out."""
    out = []
    for raw in IDENTIFIER_RE.findall(text):
        parts = [p for chunk in raw.split("_") for p in PART_RE.findall(chunk)]
        if len(parts) > 1:
            out.append(raw.lower())
        out.extend(p.lower() for p in parts)
    stop = _stopwords()
    return [w for w in out if (len(w) > 1 or w.isdigit()) and w not in stop]


def tokens(text: str) -> list[str]:
    """What BM25 indexes and queries: ``words`` stemmed."""
    return _stem()(words(text))


def bm25_text(snippet: Snippet) -> str:
    return "\n".join((snippet.title, snippet.heading_path, snippet.lead, snippet.code))


def embedding_text(snippet: Snippet) -> str:
    return f"{snippet.heading_path}\n{snippet.lead}"


def order(scores: np.ndarray) -> list[int]:
    """Indices from the highest score down; equal scores keep corpus order."""
    return [int(i) for i in np.argsort(-scores, kind="stable")]


class BM25:
    """A bm25s index over the snippets' words."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index build at DEBUG
        self._size = len(texts)
        self._index = bm25s.BM25()
        self._index.index([tokens(t) for t in texts], show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        known = [t for t in tokens(query) if t in self._index.vocab_dict]
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._index.get_scores(known))


class Embeddings:
    """Cosine similarity between the question's vector and each snippet's."""

    def __init__(self, texts: Sequence[str], embed: Embed) -> None:
        self._embed = embed
        self._matrix = _unit(embed(list(texts)))

    def scores(self, query: str) -> np.ndarray:
        return self._matrix @ _unit(self._embed([query]))[0]


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def load_wordllama() -> Embed:
    """WordLlama's default model from the files inside the installed wheel; downloads are turned off, so a missing
    file raises instead of reaching the network."""
    import wordllama
    from wordllama import WordLlama

    package = Path(wordllama.__file__).resolve().parent
    # The wheel keeps the tokenizer in tokenizers/, where WordLlama.load only looks under cache_dir; the weights are
    # found in the package itself.
    model = WordLlama.load(cache_dir=package, disable_download=True)
    return lambda texts: np.asarray(model.embed(texts))


def fuse(rankings: Sequence[Sequence[int]], weights: Sequence[float] | None = None, k: int = RRF_K) -> list[int]:
    """Weighted reciprocal rank fusion of rankings (each a list of snippet indices, best first) into one ranking:
    each index scores the sum of ``weight / (k + rank)``. Equal scores keep the order of the first ranking."""
    weights = [1.0] * len(rankings) if weights is None else list(weights)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(rankings)} rankings but {len(weights)} weights")
    score: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, index in enumerate(ranking, start=1):
            score[index] = score.get(index, 0.0) + weight / (k + rank)
    first = {index: position for position, index in enumerate(rankings[0])} if rankings else {}
    return sorted(score, key=lambda i: (-score[i], first.get(i, len(first))))


class Retriever:
    """BM25 and embedding rankings of a corpus of snippets, and their fusion."""

    def __init__(self, snippets: Sequence[Snippet], embed: Embed) -> None:
        self.snippets = list(snippets)
        self.bm25 = BM25([bm25_text(s) for s in self.snippets])
        self.embeddings = Embeddings([embedding_text(s) for s in self.snippets], embed)

    def rankings(self, query: str) -> dict[str, list[int]]:
        """``bm25``, ``embedding`` and ``fused``: snippet indices, best first."""
        lexical = order(self.bm25.scores(query))
        semantic = order(self.embeddings.scores(query))
        fused = fuse([lexical, semantic], [WEIGHTS["bm25"], WEIGHTS["embedding"]])
        return {"bm25": lexical, "embedding": semantic, "fused": fused}
