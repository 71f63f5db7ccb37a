"""Shell blocks are parsed by bash itself (``bash -n``): quoting, here-documents, if/for/case all checked.

bash is given the block as ``scripts.readers.shell.script`` reads it, with every line where it was: in a
console session (lines starting with ``$ ``) the prompts are blanked and output lines are emptied, so only
commands are parsed and bash's line numbers are the block's. The CLI and REST oracles check what the
commands say; this one checks that they are shell at all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence

from scripts.docmodel import Block
from scripts.readers import shell
from scripts.verify.base import Context, OracleResult, code_line, key

NAME = "shell"
BASH = shutil.which("bash") or "/bin/bash"
ERROR_LINE_RE = re.compile(r"line (\d+): (.*)")


def error_line(script: str, reported: int) -> int:
    """The 0-based block line of an error bash reports at 1-based ``reported`` (an end of file: the last command)."""
    lines = script.rstrip("\n").split("\n")
    index = min(max(reported, 1), len(lines)) - 1
    while index > 0 and not lines[index].strip():
        index -= 1
    return index


def check(blocks: Sequence[Block], ctx: Context) -> OracleResult:
    result = OracleResult(NAME)
    for block in blocks:
        if block.language != "shell" or block.is_skipped or block.is_output:
            continue
        script = shell.script(block.code).rstrip("\n") + "\n"
        proc = subprocess.run([BASH, "-n"], input=script, capture_output=True, text=True, timeout=30)
        result.checked.add(key(block))
        if proc.returncode == 0:
            continue
        message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "bash -n failed"
        m = ERROR_LINE_RE.search(message)
        line = block.line
        if m:
            line = code_line(block, error_line(script, int(m.group(1))))
            message = m.group(2)
        result.fail(block, f"bash cannot parse this: {message}", line)
    return result
