"""docs/guide.md must not drift from the command line it documents.

Every `$ culturekg ...` line in a ```console block that starts with one is checked against the CLI:
its sub-command (and `query` sub-command) must appear in `culturekg --help`, and each long option it
uses must be an option of that command. Every top-level command must be shown at least once.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from culturekg.cli import app

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide.md"
_FENCE = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Shell syntax after which the rest of the line is no longer culturekg's arguments.
_SHELL_STOP = {"|", "||", "&&", ";", ">", ">>", "<", "2>", "&"}


def guide_command_lines(text: str) -> list[tuple[int, str]]:
    """(line number, command) of each `$ culturekg` line in console blocks that open with one."""
    found = []
    for block in _FENCE.finditer(text):
        lines = block.group(1).splitlines()
        if not lines or not lines[0].startswith("$ culturekg"):
            continue
        first_line = text.count("\n", 0, block.start(1)) + 1
        for offset, line in enumerate(lines):
            if line.startswith("$ culturekg"):
                found.append((first_line + offset, line[2:]))
    return found


def _arguments(command: str) -> list[str]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = []
    for word in lexer:
        if word in _SHELL_STOP:
            break
        words.append(word)
    return words[1:]  # drop "culturekg"


# Typer bundles its own copy of click, so commands and options are recognised by what they have
# (`commands`, `param_type_name`) rather than by click's classes.
def _options(command) -> list:
    return [p for p in command.params if p.param_type_name == "option"]


def _split_global(group, words: list[str]) -> tuple[list[str], list[str]]:
    """Global options (with their values) before the sub-command, and the rest."""
    takes_value = {opt for p in _options(group) if not p.is_flag for opt in p.opts}
    flags = {opt for p in _options(group) if p.is_flag for opt in (*p.opts, *p.secondary_opts)} | {"--help"}
    i = 0
    options = []
    while i < len(words) and words[i].startswith("-"):
        name = words[i].split("=", 1)[0]
        if name not in takes_value and name not in flags:
            raise AssertionError(f"unknown global option {name!r}")
        options.append(name)
        i += 1 if (name in flags or "=" in words[i]) else 2
    return options, words[i:]


def _long_options(command) -> set[str]:
    return {opt for p in _options(command) for opt in (*p.opts, *p.secondary_opts) if opt.startswith("--")} | {"--help"}


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def _listed_in_help(help_text: str, name: str) -> bool:
    # A command's row in the help's command list: the name at the start of the row, then its description.
    return re.search(rf"^\W*{re.escape(name)}\s{{2,}}\S", help_text, re.MULTILINE) is not None


@pytest.fixture(scope="module")
def cli():
    return typer.main.get_command(app)


@pytest.fixture(scope="module")
def commands() -> list[tuple[int, str]]:
    return guide_command_lines(GUIDE.read_text(encoding="utf-8"))


def test_guide_shows_commands(commands):
    assert len(commands) >= 20, f"only {len(commands)} culturekg command lines found in {GUIDE}"


def test_every_guide_command_exists_with_its_options(cli, commands):
    top_help = _help([])
    group_help = {name: _help([name]) for name, command in cli.commands.items() if hasattr(command, "commands")}
    problems = []
    for line, command in commands:
        try:
            _, rest = _split_global(cli, _arguments(command))
        except AssertionError as exc:
            problems.append(f"docs/guide.md:{line}: {command!r}: {exc}")
            continue
        if not rest:
            continue
        name = rest[0]
        target = cli.commands.get(name)
        if target is None or not _listed_in_help(top_help, name):
            problems.append(f"docs/guide.md:{line}: {command!r}: '{name}' is not a command in `culturekg --help`")
            continue
        rest = rest[1:]
        if hasattr(target, "commands"):
            if not rest or rest[0].startswith("-"):
                problems.append(f"docs/guide.md:{line}: {command!r}: '{name}' needs a sub-command")
                continue
            sub = target.commands.get(rest[0])
            if sub is None or not _listed_in_help(group_help[name], rest[0]):
                problems.append(f"docs/guide.md:{line}: {command!r}: '{name} {rest[0]}' is not in `culturekg {name} --help`")
                continue
            target, rest = sub, rest[1:]
        known = _long_options(target)
        for word in rest:
            option = word.split("=", 1)[0]
            if option.startswith("--") and option not in known:
                problems.append(f"docs/guide.md:{line}: {command!r}: no option {option} (known: {', '.join(sorted(known))})")
    assert not problems, "\n".join(problems)


def test_every_command_is_in_the_guide(cli, commands):
    shown = set()
    for _, command in commands:
        _, rest = _split_global(cli, _arguments(command))
        if rest:
            shown.add(rest[0])
    missing = sorted(set(cli.commands) - shown)
    assert not missing, f"commands not shown in a console block of docs/guide.md: {missing}"


def test_extraction_reads_only_blocks_opened_by_culturekg():
    text = (
        "```console\n$ culturekg build\n…\n$ culturekg query run x --format csv | head\n```\n"
        "```console\n$ curl -s http://127.0.0.1/\n$ culturekg stats\n```\n"
        "```yaml\n$ culturekg serve\n```\n"
    )
    assert guide_command_lines(text) == [(2, "culturekg build"), (4, "culturekg query run x --format csv | head")]
    assert _arguments("culturekg query run x --format csv | head -1") == ["query", "run", "x", "--format", "csv"]


def test_a_drifted_command_is_caught(cli):
    # The checker itself must be able to fail: a renamed command and a removed option.
    _, rest = _split_global(cli, _arguments("culturekg -C /tmp/p --store s biuld --full"))
    assert rest[0] == "biuld" and "biuld" not in cli.commands
    assert "--no-such" not in _long_options(cli.commands["build"])
    assert not _listed_in_help(_help([]), "biuld")
    assert _listed_in_help(_help([]), "publish")
