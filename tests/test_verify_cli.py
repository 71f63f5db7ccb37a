"""The CLI oracle: fixture Markdown in, exact findings out (scripts/verify/cli_check.py, cli_tree.py)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from scripts.docmodel import parse_page
from scripts.errors import DocError
from scripts.stats import commands_in
from scripts.verify.base import Context
from scripts.verify.cli_calls import invocations
from scripts.verify.cli_check import check
from scripts.verify.cli_tree import LEGACY_GROUPS, LEGACY_SUBCOMMANDS, CommandNode, check_argv, load_tree

FIXTURES = Path("tests/fixtures/verify/cli")


def run(name: str, tmp_path: Path) -> tuple[list[tuple[str, str]], list[int]]:
    """(["file:line", message] for every finding, fence lines of the checked blocks) for one fixture page."""
    page = parse_page(FIXTURES / name)
    result = check(page.blocks, Context(work_dir=tmp_path))
    found = [(f"{f.path}:{f.line}", f.message) for f in result.findings]
    assert all(f.check == "cli" for f in result.findings)
    return found, sorted(line for _, line in result.checked)


def node(path: str) -> CommandNode | None:
    """The tree node a command path names ("bundle deployment bind"), or None."""
    found: CommandNode | None = load_tree().root
    for word in path.split():
        found = found.child(word) if found else None
    return found


def problems(command: str) -> list[str]:
    """The messages for one command line (the words after `databricks`)."""
    words = shlex.split(command)
    assert words[0] == "databricks"
    return [p.message for p in check_argv(words[1:])[1]]


# -- whole pages ------------------------------------------------------------------------------------


def test_commands_the_cli_accepts_give_no_findings(tmp_path: Path) -> None:
    found, checked = run("valid.md", tmp_path)
    assert found == []
    # the bash and console blocks; not the python block, not the skipped one
    assert checked == [3, 22]


def test_legacy_syntax_and_mistakes_are_reported_at_their_line(tmp_path: Path) -> None:
    found, checked = run("legacy.md", tmp_path)
    page = "tests/fixtures/verify/cli/legacy.md"
    assert checked == [3]
    # line 15's deprecated `-e` is the deprecated oracle's finding (tests/test_verify_deprecations.py)
    assert found == [
        (f"{page}:4", "unknown flag `--json-file` for `databricks clusters create`; legacy CLI syntax: "
                      "the legacy CLI's `--json-file FILE` is `--json @FILE` in v1.x"),
        (f"{page}:5", "unknown flag `--job-id` for `databricks jobs run-now`; legacy CLI syntax: "
                      "in v1.x JOB_ID is a positional argument (`run-now JOB_ID`)"),
        (f"{page}:6", "unknown command group `databricks runs`: legacy CLI syntax; the legacy CLI's `runs` "
                      "group is gone: use `databricks jobs list-runs`, `jobs get-run`, `jobs submit`, "
                      "`jobs cancel-run` or `jobs get-run-output`"),
        (f"{page}:7", "unknown flag `--no-such-flag` for `databricks clusters list`"),
        (f"{page}:8", "too many arguments: `databricks clusters get CLUSTER_ID` takes at most 1 positional "
                      "argument, got 2 (first extra: `5678-def`)"),
        (f"{page}:9", "too many arguments: `databricks jobs run-now JOB_ID` takes no positional arguments "
                      "with --json, got 1 (first extra: `123`)"),
        (f"{page}:10", "unknown command group `databricks clustrs` (did you mean `clusters` or `users` or "
                       "`cluster-policies`?)"),
        (f"{page}:11", "unknown subcommand `lst` of `databricks jobs` (did you mean `list`?)"),
        (f"{page}:12", "unknown subcommand `put` of `databricks secrets`; legacy CLI syntax, v1.x has "
                       "`databricks secrets put-secret SCOPE KEY`"),
        (f"{page}:13", "too few arguments: `databricks clusters create SPARK_VERSION` needs 1, got 0 "
                       "(missing SPARK_VERSION; or give the whole request with --json)"),
        (f"{page}:14", "flag `--output` is missing its value"),
        (f"{page}:16", "flag `--expand-tasks` is a switch and takes no value (got `yes`)"),
        (f"{page}:17", "`databricks jobs` is a command group: name a subcommand (cancel-all-runs, cancel-run, "
                       "create, delete, delete-run, export-run, get, get-permission-levels, ...)"),
    ]


def test_commands_are_found_inside_real_shell(tmp_path: Path) -> None:
    """Continuations, pipes, &&, $( ), backticks and VAR= prefixes are read; comments, heredoc bodies,
    strings, databricks-connect, databricks.yml and prompt-less output lines are not commands."""
    found, checked = run("shell_forms.md", tmp_path)
    page = "tests/fixtures/verify/cli/shell_forms.md"
    assert checked == [3, 19]
    assert found == [
        # the third line of a `\` continued command
        (f"{page}:7", "unknown flag `--job-name` for `databricks jobs create`; request fields without a flag "
                      "of their own go in the --json body"),
        # inside $( ... | jq ) on the left of &&
        (f"{page}:9", "unknown flag `--bogus` for `databricks jobs create`; request fields without a flag of "
                      "their own go in the --json body"),
        # after an environment-variable prefix
        (f"{page}:11", "unknown command group `databricks runs`: legacy CLI syntax; the legacy CLI's `runs` "
                       "group is gone: use `databricks jobs list-runs`, `jobs get-run`, `jobs submit`, "
                       "`jobs cancel-run` or `jobs get-run-output`"),
        # a `$ ` prompt line; the output line under it is not read
        (f"{page}:20", "unknown flag `--bad` for `databricks clusters list`"),
    ]


def test_a_block_the_shell_cannot_read_is_reported_not_guessed(tmp_path: Path) -> None:
    found, checked = run("broken.md", tmp_path)
    assert found == [("tests/fixtures/verify/cli/broken.md:4", "cannot read the shell commands: unterminated ' quote")]
    assert checked == [3]


def test_commands_in_lists_each_resolved_command_path_once() -> None:
    blocks = parse_page(FIXTURES / "shell_forms.md").blocks
    assert commands_in(blocks[0]) == ["jobs create", "clusters list", "jobs run-now", "clusters start"]
    assert commands_in(blocks[1]) == ["clusters list", "bundle validate"]
    valid = parse_page(FIXTURES / "valid.md").blocks
    assert commands_in(valid[2]) == []  # a python block
    assert "bundle deployment bind" in commands_in(valid[0])
    assert "account users list" in commands_in(valid[0])


# -- one command at a time --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "databricks clusters create --json @cluster.json",
        "databricks jobs run-now 123",
        "databricks jobs list-runs --job-id 1",  # the tree gives list-runs a --job-id flag
        "databricks bundle deploy -t dev",
        "databricks bundle deploy --target=dev --var='env=prod'",  # --var inherited from `bundle`
        "databricks auth login --host https://x",  # --host inherited from `auth`
        "databricks -p prod clusters list -o json",  # global flags before the group
        "databricks clusters list -ojson --profile=prod",
        "databricks account users list",
        "databricks fs cp -r ./dist dbfs:/tmp/dist",  # `fs cp` exists in both CLIs
        "databricks fs ls -lo json dbfs:/tmp",  # grouped short flags: -l, then -o json
        "databricks fs mkdirs dbfs:/tmp/x",  # an alias of `fs mkdir`
        "databricks jobs run-now 123 --no-wait",
        "databricks clusters get",  # generated commands prompt for a missing ID
        "databricks apps deploy my-app --source-code-path /Workspace/app",  # custom arg check: up to 1
        "databricks bundle run my_job -- --param=1 more words",  # after -- nothing is checked
        "databricks psql my-instance -- -c 'select 1'",
        "databricks labs ucx install",  # labs projects add commands at runtime
        "databricks help jobs run-now",
        "databricks --version",
        "databricks clusters list --help",
        "databricks configure --token",  # hidden, still accepted
        "databricks jobs list --expand-tasks=false",
    ],
)
def test_valid_invocations(command: str) -> None:
    assert problems(command) == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("databricks jobs get --job-id 1",
         "unknown flag `--job-id` for `databricks jobs get`; legacy CLI syntax: in v1.x JOB_ID is a positional "
         "argument (`get JOB_ID`)"),
        ("databricks clusters delete --cluster-id 1234",
         "unknown flag `--cluster-id` for `databricks clusters delete`; legacy CLI syntax: in v1.x CLUSTER_ID is "
         "a positional argument (`delete CLUSTER_ID`)"),
        ("databricks workspace import_dir ./src /Users/me",
         "unknown subcommand `import_dir` of `databricks workspace`; legacy CLI syntax, v1.x has "
         "`databricks workspace import-dir SOURCE_PATH TARGET_PATH`"),
        ("databricks fs cp a",
         "too few arguments: `databricks fs cp SOURCE_PATH TARGET_PATH` needs 2, got 1 (missing TARGET_PATH)"),
        ("databricks tokens list extra",
         "too many arguments: `databricks tokens list` takes no positional arguments, got 1 (first extra: `extra`)"),
        ("databricks bundle deploy --compute-id 1234",
         "flag `--compute-id` of `databricks bundle deploy` is deprecated: use `--cluster-id` (`-c`)"),
        ("databricks clusters list -x", "unknown shorthand flag `-x` in `-x`"),
        ("databricks clusters create 15.4.x-scala2.12 --cluster-name --num-workers 2",
         "flag `--cluster-name` is missing its value (the next word `--num-workers` is a flag)"),
        ("databricks experimental aitools skills list", "`databricks experimental aitools skills` is deprecated"),
        ("databricks bundle deploy -t", "flag `-t` (`--target`) is missing its value"),
        ("databricks clusters lst", "unknown subcommand `lst` of `databricks clusters` (did you mean `list`?)"),
        ("databricks version --version",
         "unknown flag `--version` for `databricks version`; legacy CLI syntax: `--version` works only as "
         "`databricks --version`; the legacy `--version=2.x` API switch is gone"),
    ],
)
def test_invalid_invocations(command: str, expected: str) -> None:
    assert problems(command) == [expected]


def test_placeholders_count_as_one_argument() -> None:
    found, errors = invocations('databricks clusters get <cluster-id>\ndatabricks jobs get "${JOB_ID}"\n')
    assert errors == []
    assert [[w.value for w in inv.args] for inv in found] == [
        ["clusters", "get", "<cluster-id>"],
        ["jobs", "get", "${JOB_ID}"],
    ]
    assert problems("databricks clusters get <cluster-id>") == []


def test_redirections_and_heredoc_bodies_are_not_arguments() -> None:
    code = "databricks jobs create --json @- <<'JSON' > out.json 2>&1\n{\"name\": \"databricks runs list\"}\nJSON\n"
    found, errors = invocations(code)
    assert errors == []
    assert [([w.value for w in inv.args], inv.line) for inv in found] == [(["jobs", "create", "--json", "@-"], 0)]


# -- the tree itself --------------------------------------------------------------------------------


def test_tree_holds_every_command_at_every_depth() -> None:
    tree = load_tree()
    assert tree.count == 1587
    assert node("bundle deployment bind") is not None
    assert node("account users list") is not None


def test_legacy_hints_name_commands_that_exist() -> None:
    tree = load_tree()
    assert not set(LEGACY_GROUPS) & set(tree.root.children)
    for legacy, replacement in LEGACY_SUBCOMMANDS.items():
        assert node(legacy) is None, legacy
        if not replacement.startswith("nothing"):
            assert node(" ".join(replacement.split()[:2])) is not None, replacement


def test_a_missing_tree_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DocError) as err:
        load_tree(tmp_path / "nope.json")
    assert str(err.value) == f"{tmp_path / 'nope.json'}:1: Databricks CLI command tree not found"
