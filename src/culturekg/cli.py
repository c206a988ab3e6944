"""The `culturekg` command line.

Exit statuses scripts can rely on: 0 success; 1 the data has violations (validate, build) or the
ontology is inconsistent (reason) or a `*-violation` query returned rows; 2 bad input or usage
(the message names the file, line and field); 3 an engine or server failed (Java missing, endpoint down).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from collections.abc import Sequence
from typing import Optional

import typer
from typer.core import TyperGroup

from . import commands
from .errors import CultureKGError
from .project import load_project
from .state import AppState

class _Commands(TyperGroup):
    """Every command reports a user-facing error as one line and its exit status, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CultureKGError as exc:
            typer.echo(f"error: {exc}", err=True)
            # Errors that are not bad input (an endpoint down) carry their own status, 3.
            ctx.exit(getattr(exc, "exit_code", 2))


def _main(
    ctx: typer.Context,
    project: Optional[Path] = typer.Option(None, "--project", "-C", help="Project folder (holds data/); default: current folder."),
    store: Optional[Path] = typer.Option(None, "--store", help="Store directory; default: PROJECT/.culturekg/store."),
    base_iri: Optional[str] = typer.Option(None, "--base-iri", help="Base of instance IRIs (overrides culturekg.toml and CULTUREKG_BASE_IRI)."),
) -> None:
    ctx.obj = AppState(project=load_project(project, base_iri), store_path=store)


def make_app(modules: Sequence[str] = commands.MODULES) -> typer.Typer:
    """The command line with the commands of these modules (see commands.MODULES)."""
    cli = typer.Typer(
        cls=_Commands,
        help="Build, check, query and publish the culturekg knowledge graph.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    cli.callback()(_main)
    commands.register(cli, modules)
    return cli


_whole: typer.Typer | None = None


def __getattr__(name: str):
    # `from culturekg.cli import app` (tests, embedding programs) gets every command; main() builds
    # its own with the named command's module only, so the other modules are never imported.
    global _whole
    if name == "app":
        if _whole is None:
            _whole = make_app()
        return _whole
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: Sequence[str] | None = None) -> None:
    # A reader that stops early (`culturekg build | head`) ends us the Unix way (SIGPIPE), not with
    # an exit status that scripts would read as "violations".
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        make_app(commands.modules_for(args))(args=args, prog_name="culturekg")
    except CultureKGError as exc:
        typer.echo(f"error: {exc}", err=True)
        # Errors that are not bad input (an endpoint down) carry their own status, 3.
        sys.exit(getattr(exc, "exit_code", 2))


if __name__ == "__main__":
    main()
