"""The block readers: shell code in, exact commands and words out; Python blocks in, exact source out."""

from __future__ import annotations

from scripts.readers import python, shell


def commands(code: str) -> list[list[tuple[str, int]]]:
    """Each simple command as (word, 0-based line) pairs, in line order; fails on a read error."""
    reading = shell.read(code)
    assert reading.errors == []
    found = [[(w.value, w.line) for w in c.words] for c in reading.commands]
    return sorted(found, key=lambda words: words[0][1])


# ---------------------------------------------------------------- shell


def test_console_prompts_start_commands_and_other_lines_are_output() -> None:
    code = "$ databricks clusters list -o json\n[\n  {\"cluster_id\": \"1\"}\n]\n$ echo done\ndone\n"
    assert shell.script(code) == "  databricks clusters list -o json\n\n\n\n  echo done\n\n"
    assert commands(code) == [
        [("databricks", 0), ("clusters", 0), ("list", 0), ("-o", 0), ("json", 0)],
        [("echo", 4), ("done", 4)],
    ]


def test_an_output_line_with_quotes_and_parentheses_is_not_read() -> None:
    code = "$ databricks current-user me\nsomeone (\"unclosed\n"
    assert shell.script(code) == "  databricks current-user me\n\n"
    assert commands(code) == [[("databricks", 0), ("current-user", 0), ("me", 0)]]


def test_a_session_command_goes_on_while_bash_would_read_on() -> None:
    code = "$ a \\\n  -x\n$ b |\n  c\n$ curl -d '{\n  \"k\": 1\n}' u\nout\n$ d\n"
    assert shell.script(code) == "  a \\\n  -x\n  b |\n  c\n  curl -d '{\n  \"k\": 1\n}' u\n\n  d\n"
    assert commands(code) == [
        [("a", 0), ("-x", 1)],
        [("b", 2)],
        [("c", 3)],
        [("curl", 4), ("-d", 4), ("{\n  \"k\": 1\n}", 4), ("u", 6)],
        [("d", 8)],
    ]


def test_continuation_lines_join_words_keeping_each_word_line() -> None:
    code = "databricks jobs create \\\n  --json @job.json \\\n  --no-wait\n"
    assert commands(code) == [
        [("databricks", 0), ("jobs", 0), ("create", 0), ("--json", 1), ("@job.json", 1), ("--no-wait", 2)],
    ]


def test_a_backslash_before_trailing_blanks_or_in_a_comment_does_not_continue() -> None:
    assert commands("a \\ \nb\n") == [[("a", 0), (" ", 0)], [("b", 1)]]
    assert commands("a # note \\\nb\n") == [[("a", 0)], [("b", 1)]]
    assert shell.script("$ a # note \\\noutput\n") == "  a # note \\\n\n"


def test_heredoc_bodies_are_data_not_commands() -> None:
    code = "cat > job.json <<'EOF'\ndatabricks runs list\nEOF\ndatabricks jobs create --json @job.json\n"
    assert commands(code) == [
        [("cat", 0)],
        [("databricks", 3), ("jobs", 3), ("create", 3), ("--json", 3), ("@job.json", 3)],
    ]


def test_a_heredoc_in_a_session_is_part_of_its_command() -> None:
    code = "$ cat <<EOF > x.json\n{\"a\": 1}\nEOF\noutput\n"
    assert shell.script(code) == "  cat <<EOF > x.json\n{\"a\": 1}\nEOF\n\n"
    assert commands(code) == [[("cat", 0)]]


def test_comments_start_only_where_a_word_could() -> None:
    code = '# databricks runs list\necho a#b "c"#d https://x/#/y # the rest is a comment\n'
    assert commands(code) == [[("echo", 1), ("a#b", 1), ("c#d", 1), ("https://x/#/y", 1)]]


def test_substitutions_are_read_for_their_own_commands() -> None:
    code = 'ID=$(databricks jobs create --json @j.json | jq .job_id) && echo "$ID"\n'
    assert commands(code) == [
        [("databricks", 0), ("jobs", 0), ("create", 0), ("--json", 0), ("@j.json", 0)],
        [("jq", 0), (".job_id", 0)],
        [("ID=$(...)", 0)],
        [("echo", 0), ("$ID", 0)],
    ]


def test_only_the_dollar_is_a_prompt() -> None:
    assert not shell.is_console("% databricks clusters list\n")
    assert shell.is_console("  $ databricks clusters list\n")
    assert shell.is_console("$\n")


def test_an_unterminated_quote_is_an_error_at_its_line() -> None:
    reading = shell.read("echo ok\ncurl -d '{\n")
    assert [(e.line, e.message) for e in reading.errors] == [(1, "unterminated ' quote")]


def test_the_command_word_skips_assignments_and_prefixes() -> None:
    [command] = shell.read("sudo HOST=x env databricks clusters list\n").commands
    assert shell.command_word(command.words) == 3


# ---------------------------------------------------------------- python


def test_pycon_prompts_are_removed_and_output_lines_emptied() -> None:
    code = ">>> for i in range(2):\n...     print(i)\n...\n0\n1\n>>> x = 1\n"
    assert python.read(code) == python.PythonSource("for i in range(2):\n    print(i)\n\n\n\nx = 1\n", [])


def test_a_pycon_fence_is_a_transcript_even_before_its_first_prompt() -> None:
    assert python.read("# setup\n>>> x = 1\n", "pycon").code == "\nx = 1\n"
    assert python.read('"""\n>>> f()\n"""\n').code == '"""\n>>> f()\n"""\n'  # a doctest stays


def test_magic_lines_become_comments_in_place() -> None:
    code = "%pip install databricks-sdk\nimport x\n  %not_at_line_start\n%%time\nx.run()\n"
    expected = "# %pip install databricks-sdk\nimport x\n  %not_at_line_start\n# %%time\nx.run()\n"
    assert python.read(code) == python.PythonSource(expected, [])


def test_shell_lines_are_comments_and_given_as_shell() -> None:
    code = "!ls /dbfs\nfiles = 1\n!curl -s https://$HOST/api/2.1/clusters/list\n"
    assert python.read(code) == python.PythonSource(
        "# !ls /dbfs\nfiles = 1\n# !curl -s https://$HOST/api/2.1/clusters/list\n",
        [(0, "ls /dbfs"), (2, "curl -s https://$HOST/api/2.1/clusters/list")],
    )


def test_a_language_cell_is_all_comment_and_no_shell() -> None:
    assert python.read("%sql\nSELECT 1\n!not shell\n") == python.PythonSource("# %sql\n# SELECT 1\n# !not shell\n", [])
    assert python.read("%python\nx = 1\n").code == "# %python\nx = 1\n"


def test_magics_after_prompts_are_comments_too() -> None:
    expected = python.PythonSource("# %pip install x\n# !ls\n\n", [(1, "ls")])
    assert python.read(">>> %pip install x\n>>> !ls\nout\n") == expected
