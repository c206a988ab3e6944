"""`culturekg push` (the build to a SPARQL endpoint) and `culturekg export` (the store as N-Quads).

`endpoint_store` is the seam other commands use to read from an endpoint instead of the local
store (`query run --endpoint URL`), with the same options (credentials, timeout, row limit,
dataset), each also read from its CULTUREKG_ENDPOINT_* variable; credentials never come from code.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

from .. import export as exporter
from .build import _progress_bar
from ..state import AppState
from ..store.base import GraphStore
from ..store.http import SCHEMES, resolve_auth

if TYPE_CHECKING:
    from ..store.remote import RemoteStore

DEFAULT_TIMEOUT_S = 60.0
# A push of this many graphs takes minutes, one request a graph (14 min 51 s for the 50,017 graphs of
# 50,000 events on Virtuoso), where the export (73 s), Virtuoso's own loader (34 s) and the push after
# them (21 s, nothing to write) took about 2 minutes: said once, as the writes start.
BULK_HINT_GRAPHS = 5000

# The options of every command that reads from or writes to an endpoint, each with its variable
# (an option given wins over the variable).
User = Annotated[Optional[str], typer.Option("--user", help="User name; default: $CULTUREKG_ENDPOINT_USER.")]
Password = Annotated[Optional[str], typer.Option("--password", help="Password; default: $CULTUREKG_ENDPOINT_PASSWORD.")]
AuthScheme = Annotated[Optional[str], typer.Option(
    "--auth", help=f"HTTP authentication: {' or '.join(SCHEMES)}; default: $CULTUREKG_ENDPOINT_AUTH or basic.")]
Timeout = Annotated[float, typer.Option(
    "--timeout", min=0.001, envvar="CULTUREKG_ENDPOINT_TIMEOUT", help="Seconds any one request may take.")]
RowLimit = Annotated[Optional[int], typer.Option(
    "--row-limit", min=1, envvar="CULTUREKG_ENDPOINT_ROW_LIMIT",
    help="Most rows the endpoint returns in one answer (Virtuoso: ResultSetMaxRows); reads page below it.")]
Dataset = Annotated[str, typer.Option(
    "--dataset", envvar="CULTUREKG_ENDPOINT_DATASET",
    help="How queries see only the project's graphs: auto (named up to 1,000 graphs, the server's union above, "
         "on Virtuoso and Oxigraph), named, union, or endpoint (the endpoint's own default graph, made the union "
         "of the project's graphs by its operator).")]


@dataclass(frozen=True)
class EndpointOptions:
    user: str | None = None
    password: str | None = None
    auth: str | None = None
    timeout: float = DEFAULT_TIMEOUT_S
    row_limit: int | None = None
    dataset: str = "auto"


_OPTIONS = (("user", User, None), ("password", Password, None), ("auth", AuthScheme, None),
            ("timeout", Timeout, DEFAULT_TIMEOUT_S), ("row_limit", RowLimit, None), ("dataset", Dataset, "auto"))


def with_endpoint_options(command: Callable) -> Callable:
    """The command with the endpoint options added to its command line, handed to it as one
    `options: EndpointOptions` argument: every command that takes --endpoint takes them the same way."""
    signature = inspect.signature(command)
    kept = [p for p in signature.parameters.values() if p.name != "options"]
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
             for name, annotation, default in _OPTIONS]

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        options = EndpointOptions(**{name: kwargs.pop(name) for name, _, _ in _OPTIONS})
        return command(*args, options=options, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=kept + added)
    wrapper.__annotations__ = {**{k: v for k, v in command.__annotations__.items() if k != "options"},
                               **{name: annotation for name, annotation, _ in _OPTIONS}}
    return wrapper


def endpoint_store(
    state: AppState,
    endpoint: str,
    options: EndpointOptions = EndpointOptions(),
    *,
    update_url: str | None = None,
    gsp_url: str | None = None,
) -> RemoteStore:
    # Imported when an endpoint is named: the local commands need none of the HTTP client.
    from ..store.remote import RemoteStore

    return RemoteStore(
        endpoint,
        update_url=update_url,
        gsp_url=gsp_url,
        auth=resolve_auth(options.user, options.password, options.auth),
        timeout=options.timeout,
        base_iri=state.project.base_iri,
        row_limit=options.row_limit,
        dataset=options.dataset,
    )


def open_store(state: AppState, endpoint: str | None, options: EndpointOptions = EndpointOptions(), *,
               read_only: bool = True) -> GraphStore:
    """The endpoint when one is named, else the local store."""
    if endpoint:
        return endpoint_store(state, endpoint, options)
    return state.open_store(read_only=read_only)


def register(app: typer.Typer) -> None:
    @app.command("push")
    @with_endpoint_options
    def push(
        ctx: typer.Context,
        endpoint: str = typer.Option(..., "--endpoint", help="SPARQL 1.1 query URL of the endpoint."),
        update_url: Optional[str] = typer.Option(None, "--update-url", help="SPARQL Update URL; default: the query URL."),
        gsp_url: Optional[str] = typer.Option(None, "--gsp-url", help="Graph Store Protocol URL; without it graphs are written with SPARQL Update."),
        everything: bool = typer.Option(False, "--all", help="Write every graph, not only those whose source changed."),
        options: EndpointOptions = EndpointOptions(),
    ) -> None:
        """Write the local build's named graphs (records, meta, ontology) to a SPARQL endpoint.

        Only graphs whose source file changed since the last push are written; each write replaces
        that graph alone. Graphs of deleted files are dropped from the endpoint.
        """
        from ..push import push as push_graphs

        state: AppState = ctx.obj
        local = open_store(state, None)
        try:
            remote = endpoint_store(state, endpoint, options, update_url=update_url, gsp_url=gsp_url)
            with _progress_bar(Console(stderr=True)) as bar:
                task = bar.add_task("Writing graphs", total=None)

                def progress(graph, done: int, total: int) -> None:
                    if done == 1 and total >= BULK_HINT_GRAPHS:
                        bar.console.print(
                            f"note: {total} graphs to write, one request each; for a first load this big, "
                            "`culturekg export` and the server's own bulk loader are much faster, and later "
                            "pushes write only what changed (docs/guide.md, \"A big project's first load\")"
                        )
                    bar.update(task, completed=done, total=total)

                report = push_graphs(local, remote, state.project.base_iri, everything=everything, progress=progress)
        finally:
            local.close()
        typer.echo(report.summary())

    @app.command("export")
    @with_endpoint_options
    def export(
        ctx: typer.Context,
        fmt: str = typer.Option("nquads", "--format", "-f", help=f"Output: {', '.join(exporter.FORMATS)}."),
        out: Optional[Path] = typer.Option(None, "--out", "-o", help="File to write; default: standard output."),
        endpoint: Optional[str] = typer.Option(None, "--endpoint", help="Export from this SPARQL endpoint instead of the local store."),
        options: EndpointOptions = EndpointOptions(),
    ) -> None:
        """Every quad of the store (all named graphs), streamed, never held in memory."""
        state: AppState = ctx.obj
        exporter.rdf_format(fmt)
        store = open_store(state, endpoint, options)
        try:
            if out is None:
                exporter.write(store, sys.stdout.buffer, fmt)
            else:
                exporter.write_file(store, out, fmt)
        finally:
            store.close()
