"""The `culturekg` command line.

Exit statuses scripts can rely on: 0 success; 1 the data has violations (validate, build) or the
ontology is inconsistent (reason) or a `*-violation` query returned rows; 2 bad input or usage
(the message names the file, line and field); 3 an engine or server failed (Java missing, endpoint down).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from . import commands
from .errors import CultureKGError
from .project import load_project
from .state import AppState

app = typer.Typer(
    help="Build, check, query and publish the culturekg knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main(
    ctx: typer.Context,
    project: Optional[Path] = typer.Option(None, "--project", "-C", help="Project folder (holds data/); default: current folder."),
    store: Optional[Path] = typer.Option(None, "--store", help="Store directory; default: PROJECT/.culturekg/store."),
    base_iri: Optional[str] = typer.Option(None, "--base-iri", help="Base of instance IRIs (overrides culturekg.toml and CULTUREKG_BASE_IRI)."),
) -> None:
    ctx.obj = AppState(project=load_project(project, base_iri), store_path=store)


commands.register_all(app)


def main() -> None:
    try:
        app()
    except CultureKGError as exc:
        typer.echo(f"error: {exc}", err=True)
        # Errors that are not bad input (an endpoint down) carry their own status, 3.
        sys.exit(getattr(exc, "exit_code", 2))


if __name__ == "__main__":
    main()
