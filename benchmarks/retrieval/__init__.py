"""The retrieval benchmark: can an assistant that fetches snippets the way Context7 does find the answer?

``python -m benchmarks.retrieval`` (``make bench-retrieval``) cuts the docs into snippets (``snippets``), asks every
question of the bank (``questions.yaml``, checked by ``bank``) through a BM25 ranking and an embedding ranking fused
by reciprocal rank (``rank``), scores the top 3 and top 10 (``score``) and writes the figures into
benchmarks/results.json and the tables of benchmarks/README.md.
"""
