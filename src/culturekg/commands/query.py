"""`culturekg query`: list, show, run and check the stored queries in queries/*.rq."""

from __future__ import annotations

from typing import List, Optional

import typer

from ..iris import Minter
from ..queries.catalogue import StoredQuery, find, get
from ..queries.derived import missing_derivations
from ..queries.formats import FORMATS, render
from ..queries.runner import parse_assignments, run
from ..state import AppState
from ..store.base import GraphStore
from .remote import EndpointOptions, open_store, with_endpoint_options

ENDPOINT_HELP = "Run on this SPARQL endpoint instead of the local store."


def _warn_missing_derivations(state: AppState, store: GraphStore, query: StoredQuery) -> None:
    """On stderr, so that an answer piped elsewhere stays what the query returned."""
    for warning in missing_derivations(store, query, state.project):
        typer.echo(f"warning: {warning}", err=True)


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="List, show, run and check the stored queries (queries/*.rq).", no_args_is_help=True)
    app.add_typer(sub, name="query")

    @sub.command("list")
    def list_queries(ctx: typer.Context) -> None:
        """Name, title and parameters of every stored query."""
        state: AppState = ctx.obj
        for query in find(state.project.queries_dirs).values():
            params = " ".join(p.name if p.required else f"[{p.name}={p.default}]" for p in query.params)
            typer.echo(f"{query.name}\t{query.title}" + (f"\t{params}" if params else ""))

    @sub.command("show")
    def show(ctx: typer.Context, name: str = typer.Argument(..., help="Query name (file name without .rq).")) -> None:
        """The question a query answers, its parameters and its SPARQL text."""
        state: AppState = ctx.obj
        query = get(state.project.queries_dirs, name)
        typer.echo(f"{query.name}: {query.title}\n{query.question}\nkeywords: {', '.join(query.keywords)}")
        for p in query.params:
            default = "required" if p.required else f"default {p.default}"
            typer.echo(f"param {p.name} ({p.type}, {default}): {p.description}")
        typer.echo(f"file: {query.path}\n")
        typer.echo(query.text, nl=False)

    @sub.command("run")
    @with_endpoint_options
    def run_query(
        ctx: typer.Context,
        name: str = typer.Argument(..., help="Query name (file name without .rq)."),
        param: List[str] = typer.Option([], "--param", "-p", help="NAME=VALUE; repeat for several parameters."),
        fmt: str = typer.Option("table", "--format", "-f", help="Output: " + ", ".join(FORMATS) + "."),
        endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
        options: EndpointOptions = EndpointOptions(),
    ) -> None:
        """Run one stored query on the store and print its answer."""
        state: AppState = ctx.obj
        if fmt not in FORMATS:
            raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
        query = get(state.project.queries_dirs, name)
        values = parse_assignments(param)
        store = open_store(state, endpoint, options)
        try:
            result = run(store, query, values, minter=Minter(state.project.base_iri))
            _warn_missing_derivations(state, store, query)
        finally:
            store.close()
        typer.echo(render(result, fmt, state.project.base_iri), nl=False)

    @sub.command("check")
    @with_endpoint_options
    def check(
        ctx: typer.Context,
        endpoint: Optional[str] = typer.Option(None, "--endpoint", help=ENDPOINT_HELP),
        options: EndpointOptions = EndpointOptions(),
    ) -> None:
        """Run every *-violation query; exit status 1 when any returns rows."""
        state: AppState = ctx.obj
        checks = [q for q in find(state.project.queries_dirs).values() if q.is_violation]
        store = open_store(state, endpoint, options)
        failed = 0
        try:
            for query in checks:
                result = run(store, query, {}, minter=Minter(state.project.base_iri))
                _warn_missing_derivations(state, store, query)
                if len(result):
                    failed += 1
                    typer.echo(f"FAIL {query.name}: {len(result)} row(s): {query.title}")
                    typer.echo(render(result, "table", state.project.base_iri), nl=False)
                else:
                    typer.echo(f"ok   {query.name}")
        finally:
            store.close()
        typer.echo(f"{len(checks)} check(s), {failed} with violations")
        if failed:
            raise typer.Exit(1)
