"""Readers: one per kind of code block, turning a block into what every tool reads (shell words, Python source).

They depend on nothing but the standard library, so counters such as ``scripts.stats`` can use them
without loading any checker.
"""
