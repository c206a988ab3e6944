"""The command line imports the module of the command it runs, not every command's."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module

import pytest
import typer

from culturekg import commands
from culturekg.cli import app, make_app
from cli_helpers import copy_miniature_project


def _registered(cli: typer.Typer) -> set[str]:
    return {c.name for c in cli.registered_commands} | {g.name for g in cli.registered_groups}


def test_commands_map_each_command_to_the_module_that_registers_it():
    for module in commands.MODULES:
        cli = typer.Typer()
        import_module(f"culturekg.commands.{module}").register(cli)
        assert _registered(cli) == {name for name, owner in commands.COMMANDS.items() if owner == module}, module
    assert _registered(app) == set(commands.COMMANDS)


@pytest.mark.parametrize(("argv", "named"), [
    (["build"], "build"),
    (["-C", "project", "build", "--full"], "build"),
    (["--project", "p", "--store", "s", "--base-iri", "https://example.org/", "query", "run", "x"], "query"),
    (["--store=s", "-Cproject", "push", "--endpoint", "http://127.0.0.1:1/"], "push"),
    (["-C", "stats"], None),  # "stats" is -C's value here: no command named
    (["--help"], None),
    (["--verbose", "build"], None),  # an option the group does not know: let the command line say so
    ([], None),
])
def test_command_named_skips_the_group_options_and_their_values(argv, named):
    assert commands.command_named(argv) == named


def test_an_unknown_or_unclear_command_line_registers_every_module():
    assert commands.modules_for(["bild"]) == commands.MODULES
    assert commands.modules_for(["--help"]) == commands.MODULES
    assert commands.modules_for(["-C", "p", "stats"]) == ["build"]
    assert _registered(make_app(commands.modules_for(["serve"]))) == {"publish", "serve"}


def test_a_build_in_a_fresh_process_imports_no_other_command(tmp_path):
    root = copy_miniature_project(tmp_path)
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print(sorted(m for m in sys.modules if m.startswith('culturekg.commands.')), file=sys.stderr))\n"
             "from culturekg.cli import main\n"
             "main()\n")
    done = subprocess.run([sys.executable, "-c", probe, "-C", str(root), "build", "--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert '"triples"' in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "['culturekg.commands.build']"


def test_a_misspelt_command_is_reported_with_every_command_known(tmp_path):
    done = subprocess.run([sys.executable, "-c", "from culturekg.cli import main; main()", "-C", str(tmp_path), "bild"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "No such command 'bild'" in done.stderr and "'build'" in done.stderr
