"""`culturekg publish` (a release: dumps, description, site) and `culturekg serve` (SPARQL endpoint, pages)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..state import AppState


def register(app: typer.Typer) -> None:
    app.command("publish")(publish_command)


def publish_command(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="Release folder; the previous release in it is replaced only when the new one is complete."),
    release_date: Optional[str] = typer.Option(None, "--release-date", help="Issued date (YYYY-MM-DD) written into the dataset description; the only date a release carries."),
    version: Optional[str] = typer.Option(None, "--version", help="Version of the release (dcat:version)."),
) -> None:
    """Write dumps (N-Quads, TriG, JSON-LD, N-Triples, Turtle, RDF/XML, each gzipped), a VoID/DCAT
    description, the ontology, a static linked-data site and SHA256SUMS, every dump read back and checked."""
    from ..publish.release import publish
    from ..publish.settings import load_release_info
    from ..publish.site import build_site

    state: AppState = ctx.obj
    info = load_release_info(state.project, version, release_date)
    store = state.open_store(read_only=True)
    try:
        report = publish(store, state.project, out, info, site=build_site)
    finally:
        store.close()
    for line in report.notes + report.checks:
        typer.echo(line)
    typer.echo(f"published {len(report.files)} files to {out} (checksums in {out / 'SHA256SUMS'})")
