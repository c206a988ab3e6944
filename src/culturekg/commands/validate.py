"""`culturekg validate`: SHACL validation of the store, results grouped by record file."""

from __future__ import annotations

import sys

import typer

from ..errors import ConfigError
from ..state import AppState
from ..validate import ENGINES, validate
from ..validate.api import load_shapes, shape_descriptions
from ..validate.pyshacl_engine import EngineError
from ..validate.results import dumps

FORMATS = ("text", "turtle", "json")


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate_command(
        ctx: typer.Context,
        fmt: str = typer.Option("text", "--format", "-f", help="Output: text, turtle (the sh:ValidationReport graph) or json."),
        engine: str = typer.Option("auto", "--engine", help="fast (SPARQL on the store), pyshacl (reference) or auto (fast)."),
    ) -> None:
        """Check the store against ontology/shapes.ttl; exit status 1 when there are violations."""
        state: AppState = ctx.obj
        if fmt not in FORMATS:
            raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
        if engine not in ENGINES:
            raise typer.BadParameter(f"{engine!r} is not one of {', '.join(ENGINES)}", param_hint="--engine")
        if not state.resolved_store_path.is_dir():
            raise ConfigError(f"{state.resolved_store_path}: no store there yet; run `culturekg build` first (or pass --store)")
        shapes = load_shapes(state.project)
        store = state.open_store(read_only=True)
        try:
            report = validate(store, state.project, engine=engine, shapes=shapes)
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
