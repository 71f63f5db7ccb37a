"""Shell blocks are parsed by bash itself (``bash -n``): quoting, here-documents, if/for/case all checked.

In a block written as a console session (lines starting with ``$ ``), only the prompted lines and their
``\\`` continuations are commands; the other lines are output and are not parsed. The CLI and REST oracles
check what the commands say; this one checks that they are shell at all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence

from scripts.docmodel import Block
from scripts.verify.base import Context, OracleResult, code_line, key

NAME = "shell"
BASH = shutil.which("bash") or "/bin/bash"
ERROR_LINE_RE = re.compile(r"line (\d+): (.*)")


def command_lines(code: str) -> list[tuple[int, str]]:
    """(0-based line in the block, text) of the lines that are commands."""
    lines = code.rstrip("\n").split("\n")
    if not any(line.startswith("$ ") or line == "$" for line in lines):
        return list(enumerate(lines))
    out: list[tuple[int, str]] = []
    continuing = False
    for i, line in enumerate(lines):
        if line.startswith("$ ") or line == "$":
            text = line[2:]
        elif continuing:
            text = line
        else:
            continue
        out.append((i, text))
        continuing = text.rstrip().endswith("\\")
    return out


def check(blocks: Sequence[Block], ctx: Context) -> OracleResult:
    result = OracleResult(NAME)
    for block in blocks:
        if block.language != "shell" or block.is_skipped or block.is_output:
            continue
        numbered = command_lines(block.code)
        script = "\n".join(text for _, text in numbered) + "\n"
        proc = subprocess.run([BASH, "-n"], input=script, capture_output=True, text=True, timeout=30)
        result.checked.add(key(block))
        if proc.returncode == 0:
            continue
        message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "bash -n failed"
        m = ERROR_LINE_RE.search(message)
        line = block.line
        if m:
            index = min(int(m.group(1)), len(numbered)) - 1
            line = code_line(block, numbered[max(index, 0)][0]) if numbered else block.line
            message = m.group(2)
        result.fail(block, f"bash cannot parse this: {message}", line)
    return result
