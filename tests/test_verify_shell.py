"""bash -n parses every shell block: fixture Markdown in, exact findings out."""

from __future__ import annotations

from pathlib import Path

from scripts.docmodel import parse_page
from scripts.readers import shell
from scripts.verify import shell_syntax
from scripts.verify.base import Context
from tests.conftest import FIXTURES

PAGE = FIXTURES / "verify" / "shell" / "examples.md"


def test_shell_blocks_are_parsed_by_bash(tmp_path: Path):
    page = parse_page(PAGE)
    result = shell_syntax.check(page.blocks, Context(work_dir=tmp_path))
    assert len(result.checked) == 4
    assert [(f.line, f.message) for f in result.findings] == [
        (8, "bash cannot parse this: unexpected EOF while looking for matching `\"'"),
        (25, "bash cannot parse this: syntax error: unexpected end of file"),
    ]


def test_bash_is_given_the_commands_only_on_their_own_lines():
    # prompts blanked, the output line emptied: bash's line 4 is the block's line 4
    assert shell.script("$ a \\\n  | b\noutput (\n$ c") == "  a \\\n  | b\n\n  c"
