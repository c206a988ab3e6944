"""`culturekg push` (the build to a SPARQL endpoint) and `culturekg export` (the store as N-Quads).

`endpoint_store` is the seam other commands use to read from an endpoint instead of the local
store (`query run --endpoint URL`): credentials come from options or the environment
(CULTUREKG_ENDPOINT_USER, CULTUREKG_ENDPOINT_PASSWORD, CULTUREKG_ENDPOINT_AUTH), never from code.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console

from .. import export as exporter
from .build import _progress_bar
from ..errors import ConfigError
from ..state import AppState
from ..store.base import GraphStore
from ..store.http import SCHEMES, resolve_auth

if TYPE_CHECKING:
    from ..store.remote import RemoteStore

DEFAULT_TIMEOUT_S = 60.0


def endpoint_store(
    state: AppState,
    endpoint: str,
    *,
    update_url: str | None = None,
    gsp_url: str | None = None,
    user: str | None = None,
    password: str | None = None,
    auth: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    row_limit: int | None = None,
) -> RemoteStore:
    # Imported when an endpoint is named: the local commands need none of the HTTP client.
    from ..store.remote import RemoteStore

    return RemoteStore(
        endpoint,
        update_url=update_url,
        gsp_url=gsp_url,
        auth=resolve_auth(user, password, auth),
        timeout=timeout,
        base_iri=state.project.base_iri,
        row_limit=row_limit,
    )


def open_store(state: AppState, endpoint: str | None, *, read_only: bool = True) -> GraphStore:
    """The endpoint when one is named (credentials from the environment), else the local store."""
    if endpoint:
        return endpoint_store(state, endpoint)
    if not state.resolved_store_path.is_dir():
        raise ConfigError(f"{state.resolved_store_path}: no store there yet; run `culturekg build` first (or pass --store)")
    return state.open_store(read_only=read_only)


def register(app: typer.Typer) -> None:
    @app.command("push")
    def push(
        ctx: typer.Context,
        endpoint: str = typer.Option(..., "--endpoint", help="SPARQL 1.1 query URL of the endpoint."),
        update_url: Optional[str] = typer.Option(None, "--update-url", help="SPARQL Update URL; default: the query URL."),
        gsp_url: Optional[str] = typer.Option(None, "--gsp-url", help="Graph Store Protocol URL; without it graphs are written with SPARQL Update."),
        user: Optional[str] = typer.Option(None, "--user", help="User name; default: $CULTUREKG_ENDPOINT_USER."),
        password: Optional[str] = typer.Option(None, "--password", help="Password; default: $CULTUREKG_ENDPOINT_PASSWORD."),
        auth: Optional[str] = typer.Option(None, "--auth", help=f"HTTP authentication: {' or '.join(SCHEMES)}; default: $CULTUREKG_ENDPOINT_AUTH or basic."),
        timeout: float = typer.Option(DEFAULT_TIMEOUT_S, "--timeout", min=0.001, help="Seconds any one request may take."),
        everything: bool = typer.Option(False, "--all", help="Write every graph, not only those whose source changed."),
        row_limit: Optional[int] = typer.Option(None, "--row-limit", min=1, help="Most rows the endpoint returns in one answer (Virtuoso: ResultSetMaxRows); reads page below it."),
    ) -> None:
        """Write the local build's named graphs (records, meta, ontology) to a SPARQL endpoint.

        Only graphs whose source file changed since the last push are written; each write replaces
        that graph alone. Graphs of deleted files are dropped from the endpoint.
        """
        from ..push import push as push_graphs

        state: AppState = ctx.obj
        local = open_store(state, None)
        try:
            remote = endpoint_store(
                state, endpoint, update_url=update_url, gsp_url=gsp_url,
                user=user, password=password, auth=auth, timeout=timeout, row_limit=row_limit,
            )
            with _progress_bar(Console(stderr=True)) as bar:
                task = bar.add_task("Writing graphs", total=None)

                def progress(graph, done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                report = push_graphs(local, remote, state.project.base_iri, everything=everything, progress=progress)
        finally:
            local.close()
        typer.echo(report.summary())

    @app.command("export")
    def export(
        ctx: typer.Context,
        fmt: str = typer.Option("nquads", "--format", "-f", help=f"Output: {', '.join(exporter.FORMATS)}."),
        out: Optional[Path] = typer.Option(None, "--out", "-o", help="File to write; default: standard output."),
        endpoint: Optional[str] = typer.Option(None, "--endpoint", help="Export from this SPARQL endpoint instead of the local store."),
    ) -> None:
        """Every quad of the store (all named graphs), streamed, never held in memory."""
        state: AppState = ctx.obj
        exporter.rdf_format(fmt)
        store = open_store(state, endpoint)
        try:
            if out is None:
                exporter.write(store, sys.stdout.buffer, fmt)
            else:
                exporter.write_file(store, out, fmt)
        finally:
            store.close()
