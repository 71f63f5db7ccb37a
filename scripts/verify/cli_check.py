"""The CLI oracle: every ``databricks`` command in a shell block must exist in the Databricks CLI v1.x.

Shell blocks (bash, sh, console, zsh, shell) are read by ``scripts.readers.shell`` (the rules for
prompts, continuations, comments and here-documents are in its docstring) and their ``databricks``
invocations found by ``scripts.verify.cli_calls``; every word keeps its Markdown line. ``<cluster-id>``
and ``$JOB_ID`` stay single words, so a placeholder counts as one argument.

The words after ``databricks`` are checked by ``scripts.verify.cli_tree.check_argv`` (unknown group, subcommand or flag,
legacy-CLI syntax, missing flag value, argument count). Deprecated commands and flags are the ``deprecated``
oracle's (scripts/verify/deprecations.py), which a block marked ``legacy`` may use. A finding sits
at the Markdown line of the offending word, or of the ``databricks`` word for whole-command problems.

A block counts as checked when it holds at least one ``databricks`` invocation.
"""

from __future__ import annotations

from collections.abc import Sequence

from scripts.docmodel import Block
from scripts.verify.base import Context, OracleResult, code_line, key
from scripts.verify.cli_calls import invocations
from scripts.verify.cli_tree import check_argv, load_tree

NAME = "cli"
LANGUAGES = frozenset({"shell"})


def _applies(block: Block) -> bool:
    return block.language in LANGUAGES and not block.is_skipped and not block.is_output


def check(blocks: Sequence[Block], ctx: Context) -> OracleResult:
    """Check every ``databricks`` command in the shell blocks against the CLI v1.x command tree."""
    result = OracleResult(NAME)
    tree = load_tree()
    for block in blocks:
        if not _applies(block):
            continue
        found, errors = invocations(block.code)
        if errors and "databricks" in block.code:
            result.checked.add(key(block))
            for err in errors:
                result.fail(block, f"cannot read the shell commands: {err.message}", code_line(block, err.line))
            continue  # what follows the error is not reliable
        if not found:
            continue
        result.checked.add(key(block))
        for inv in found:
            _, problems = check_argv([w.value for w in inv.args], tree)
            for problem in problems:
                if problem.deprecated:
                    continue  # reported by the deprecated oracle
                line = inv.line if problem.word is None else inv.args[problem.word].line
                result.fail(block, problem.message, code_line(block, line))
    return result
