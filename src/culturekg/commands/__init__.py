"""Sub-commands. Each module here has `register(app)`; add a module's name to MODULES to enable it,
and its commands to COMMANDS."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module

import typer

MODULES: list[str] = [
    "build",
    "validate",
    "remote",
    "publish",
    "query",
    "reason",
    "daemon",
]

# The module that registers each command. A command line that names one imports that module alone:
# the others cost a one-record `culturekg build` 0.1 s of imports (HTTP, SPARQLWrapper, publishing).
# tests/test_cli_lazy.py checks this against what each module registers.
COMMANDS: dict[str, str] = {
    "build": "build",
    "stats": "build",
    "validate": "validate",
    "push": "remote",
    "export": "remote",
    "publish": "publish",
    "serve": "publish",
    "query": "query",
    "reason": "reason",
    "daemon": "daemon",
}

# The options of the `culturekg` group itself that take a value (see cli._main).
_VALUED_OPTIONS = {"--project", "-C", "--store", "--base-iri"}


def command_named(argv: Sequence[str]) -> str | None:
    """The command an argument list names after the group's own options, or None where that is not
    plain to see (help, an option this does not know, `--`): then every command is registered and the
    command line itself says what is wrong."""
    args = iter(argv)
    for arg in args:
        if arg in _VALUED_OPTIONS:
            next(args, None)
        elif arg.startswith("--") and "=" in arg and arg.split("=", 1)[0] in _VALUED_OPTIONS:
            continue
        elif arg.startswith("-C") and len(arg) > 2:
            continue  # -CDIR: the value joined to the short option
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def modules_for(argv: Sequence[str]) -> list[str]:
    """The modules to import for this argument list: the named command's alone, or all of them."""
    module = COMMANDS.get(command_named(argv) or "")
    return [module] if module is not None else list(MODULES)


def register(app: typer.Typer, modules: Sequence[str] = MODULES) -> None:
    for name in modules:
        import_module(f"{__name__}.{name}").register(app)
