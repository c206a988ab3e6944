"""`culturekg validate`: SHACL validation of the store, results grouped by record file."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from ..state import AppState
from .remote import EndpointOptions, open_store, with_endpoint_options

# The validation package (rdflib and the shapes) is imported when the command runs, not when the
# command line starts: every other command would wait for it.

FORMATS = ("text", "turtle", "json")


def register(app: typer.Typer) -> None:
    @app.command("validate")
    @with_endpoint_options
    def validate_command(
        ctx: typer.Context,
        fmt: str = typer.Option("text", "--format", "-f", help="Output: text, turtle (the sh:ValidationReport graph) or json."),
        engine: str = typer.Option("auto", "--engine", help="fast (SPARQL on the store), pyshacl (reference) or auto (fast)."),
        endpoint: Optional[str] = typer.Option(None, "--endpoint", help="Validate the data on this SPARQL endpoint instead of the local store."),
        incremental: bool = typer.Option(
            False, "--incremental",
            help="Revalidate only what changed since the last --incremental run on the local store (same report as a "
                 "full run); the first one is full and keeps the state beside the store.",
        ),
        options: EndpointOptions = EndpointOptions(),
    ) -> None:
        """Check the store against ontology/shapes.ttl; exit status 1 when there are violations.

        With --incremental, the state is kept beside the local store (STORE.validation.sqlite)."""
        from ..validate import ENGINES
        from ..validate.api import load_shapes, shape_descriptions
        from ..validate.incremental import state_path, validate_store
        from ..validate.pyshacl_engine import EngineError
        from ..validate.results import dumps

        state: AppState = ctx.obj
        if fmt not in FORMATS:
            raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
        if engine not in ENGINES:
            raise typer.BadParameter(f"{engine!r} is not one of {', '.join(ENGINES)}", param_hint="--engine")
        shapes = load_shapes(state.project)
        # The local store, or the endpoint named.
        store = open_store(state, endpoint, options)
        try:
            # Keeping the state costs a pass over every quad, so only runs that want it pay for it.
            state_file = state_path(state.resolved_store_path) if endpoint is None and incremental else None
            report = validate_store(store, state.project, state_file, engine=engine, shapes=shapes)
        except EngineError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(3) from exc
        finally:
            store.close()
        if fmt == "json":
            typer.echo(dumps(report))
        elif fmt == "turtle":
            typer.echo(report.to_turtle(shape_descriptions(shapes, report)), nl=False)
        else:
            typer.echo(report.to_text(), nl=False)
        sys.stdout.flush()
        raise typer.Exit(0 if report.conforms else 1)
