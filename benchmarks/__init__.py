"""Benchmarks and budgets for the site: build, serve, link checking, verification, page weight, Lighthouse.

``python -m benchmarks.run`` (``make bench``) measures them side by side and writes ``benchmarks/results.json``;
``benchmarks/budgets.json`` holds the budgets; ``tests/test_budgets.py`` enforces the page-weight ones.
"""
