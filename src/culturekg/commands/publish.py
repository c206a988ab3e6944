"""`culturekg publish` (a release: dumps, description, site) and `culturekg serve` (SPARQL endpoint, pages)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..state import AppState


def register(app: typer.Typer) -> None:
    app.command("publish")(publish_command)
    app.command("serve")(serve_command)


def publish_command(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="Release folder; the previous release in it is replaced only when the new one is complete."),
    release_date: Optional[str] = typer.Option(None, "--release-date", help="Issued date (YYYY-MM-DD) written into the dataset description; the only date a release carries."),
    version: Optional[str] = typer.Option(None, "--version", help="Version of the release (dcat:version)."),
    site: bool = typer.Option(True, "--site/--no-site", help="Also write the static linked-data site (a page per entity)."),
) -> None:
    """Write a release: the dumps, a VoID/DCAT description, the ontology, a static site and SHA256SUMS.

    The dumps are N-Quads, TriG, JSON-LD, N-Triples, Turtle and RDF/XML, each also gzipped, and every
    one is read back and checked before the release replaces the previous one."""
    from ..publish.release import publish
    from ..publish.settings import load_release_info
    from ..publish.site import build_site

    state: AppState = ctx.obj
    info = load_release_info(state.project, version, release_date)
    store = state.open_store(read_only=True)
    try:
        report = publish(store, state.project, out, info, site=build_site if site else None)
    finally:
        store.close()
    for line in report.notes + report.checks:
        typer.echo(line)
    typer.echo(f"published {len(report.files)} files to {out} (checksums in {out / 'SHA256SUMS'})")


def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; loopback unless you ask for more (e.g. 0.0.0.0)."),
    port: int = typer.Option(8080, "--port", min=0, max=65535),
    timeout: float = typer.Option(10.0, "--timeout", min=0.1, help="Seconds a query may run before it is stopped."),
    max_rows: int = typer.Option(10_000, "--max-rows", min=1, help="Most rows (or triples) an answer may have."),
    workers: int = typer.Option(2, "--workers", min=1, max=16, help="Query worker processes."),
    root: Optional[str] = typer.Option(
        None, "--root",
        help="Request path of the base IRI; default: the base IRI's own path (/kg/ for https://example.org/kg/). "
             "Use / behind a reverse proxy that removes that path.",
    ),
    verbose: bool = typer.Option(False, "--verbose", help="Log every request."),
) -> None:
    """Serve the store read-only: a SPARQL 1.1 endpoint, entity IRIs with content negotiation, and the pages.

    The endpoint is at /sparql, with a query page for browsers. Entity IRIs are served at the path of
    the base IRI: with base https://example.org/kg/, https://example.org/kg/id/country/KG is
    /kg/id/country/KG here, and the overview is /kg/ (see --root). An entity comes as HTML, Turtle,
    JSON-LD, N-Triples or RDF/XML, chosen by the Accept header or by ?format=html, ttl, jsonld, nt or
    rdf. After a `culturekg build` into the store, the next request is answered from the new build."""
    from ..serve.app import Server, Site

    state: AppState = ctx.obj
    site = Site(state.project, state.resolved_store_path, timeout=timeout, max_rows=max_rows, workers=workers, root=root)
    server = Server(site, host, port, quiet=not verbose)
    typer.echo(f"serving {state.resolved_store_path} at {server.url}{site.root} (SPARQL at {server.url}/sparql); Ctrl-C stops")
    if host not in ("127.0.0.1", "::1", "localhost"):
        typer.echo(f"warning: listening on {host}: other machines can reach this endpoint", err=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
        site.close()
