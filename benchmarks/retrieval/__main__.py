"""``python -m benchmarks.retrieval``: ask the question bank of the snippets, report top-3 and top-10 shares.

Prints the shares for BM25 alone, the embedding model alone and their fusion (the figure that counts), per section,
and every question whose answer is not in the fused top 3 (with where it came and what came first). Writes the
``retrieval`` section of benchmarks/results.json and regenerates benchmarks/README.md's tables from it; ``--results``
writes elsewhere and leaves the README alone, ``--no-write`` writes nothing. Exits 2 with ``file:line: message``
when the bank or a page is malformed, or the bank does not match the docs.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from importlib import metadata
from pathlib import Path

from benchmarks import tables
from benchmarks.retrieval import bank, rank, score
from benchmarks.retrieval.snippets import Snippet, page_snippets
from scripts.cache import write_atomic
from scripts.docmodel import load_docs, section_of
from scripts.errors import DocError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
QUESTIONS = HERE / "questions.yaml"
RESULTS = ROOT / "benchmarks" / "results.json"
PACKAGES = ("bm25s", "PyStemmer", "wordllama")
SECTION = "retrieval"


def place(snippet: Snippet) -> str:
    """Where a snippet is: ``page # heading path below the title``."""
    below = [h.text for h in snippet.path[1:]] or [h.text for h in snippet.path]
    return f"{snippet.page} # {' > '.join(below)}"


def evaluate(questions: list[bank.Question], retriever: rank.Retriever) -> list[score.Outcome]:
    outcomes = []
    for q in questions:
        rankings = retriever.rankings(q.text)
        ranks = {name: score.first_hit(order, retriever.snippets, q) for name, order in rankings.items()}
        outcomes.append(score.Outcome(q, ranks["fused"], retriever.snippets[rankings["fused"][0]], ranks))
    return outcomes


def figures(outcomes: list[score.Outcome], snippets: list[Snippet], pages: int, seconds: float) -> dict:
    """The ``retrieval`` section of results.json."""
    sections: dict[str, list[score.Outcome]] = {}
    for o in outcomes:
        sections.setdefault(section_of(o.question.page), []).append(o)
    return {
        "measured_at": datetime.datetime.now().isoformat(timespec="seconds"),
        "section_seconds": round(seconds, 1),
        "versions": {name: metadata.version(name) for name in PACKAGES},
        "corpus": {"pages": pages, "snippets": len(snippets), "code": sum(s.kind == "code" for s in snippets),
                   "text": sum(s.kind == "text" for s in snippets)},
        "questions": len(outcomes),
        "rankings": {name: score.shares(outcomes, name) for name in ("bm25", "embedding", "fused")},
        "sections": {name: {"questions": len(group), **score.shares(group)} for name, group in sections.items()},
        "halves": {name: {"questions": len(group), **score.shares(group)}
                   for name, group in (("odd", outcomes[0::2]), ("even", outcomes[1::2]))},
        "misses": [{"question": o.question.text, "expected": o.question.expected, "rank": o.rank,
                    "first": place(o.first)} for o in outcomes if not score.answered(o.rank, 3)],
    }


def report(data: dict) -> str:
    corpus = data["corpus"]
    lines = [f"{data['questions']} questions over {corpus['snippets']} snippets ({corpus['code']} code, "
             f"{corpus['text']} text) from {corpus['pages']} pages, in {data['section_seconds']} s", "",
             f"{'ranking':<12}{'top 3':>8}{'top 10':>8}"]
    lines += [f"{name:<12}{s['top3']:>8.1%}{s['top10']:>8.1%}" for name, s in data["rankings"].items()]
    lines += ["", f"{'section (fused)':<18}{'questions':>10}{'top 3':>8}{'top 10':>8}"]
    lines += [f"{name:<18}{s['questions']:>10}{s['top3']:>8.1%}{s['top10']:>8.1%}"
              for name, s in [*data["sections"].items(), *data["halves"].items()]]
    misses = data["misses"]
    out_of_10 = sum(1 for m in misses if m["rank"] is None or m["rank"] > 10)
    lines += ["", f"Not in the top 3: {len(misses)} ({out_of_10} not in the top 10)"]
    for m in misses:
        where = "not in the top 10" if m["rank"] is None or m["rank"] > 10 else f"rank {m['rank']}"
        lines += [f"- {m['question']}", f"    expected: {m['expected']} ({where})", f"    first:    {m['first']}"]
    return "\n".join(lines)


def write(path: Path, data: dict) -> None:
    """Put the section into results.json, keeping every other section as it is."""
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    results[SECTION] = data
    write_atomic(path, json.dumps(results, indent=2) + "\n")  # as benchmarks/run.py writes it


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.retrieval", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="the pages")
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="the question bank")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the figures")
    parser.add_argument("--no-write", action="store_true", help="print the report only")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        docs = load_docs(args.docs)
        questions = bank.load(args.questions)
        found = bank.problems(questions, docs, args.questions)
        if found:
            print("\n".join(map(str, found)), file=sys.stderr)
            return 2
        snippets = [s for page in docs.pages for s in page_snippets(page)]
        retriever = rank.Retriever(snippets, rank.load_wordllama())
        outcomes = evaluate(questions, retriever)
        data = figures(outcomes, snippets, len(docs.pages), time.perf_counter() - start)
        print(report(data))
        if args.no_write:
            return 0
        write(args.results, data)
        if args.results.resolve() == RESULTS.resolve():
            changed = tables.update(args.results)
            print(f"\n{args.results} written; benchmarks/README.md {'updated' if changed else 'already up to date'}",
                  file=sys.stderr)
    except DocError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
