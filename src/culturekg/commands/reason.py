"""`culturekg reason`: is the built graph consistent with the ontology? (HermiT via owlready2)."""

from __future__ import annotations

import typer


def reason_command(
    ctx: typer.Context,
    locate: bool = typer.Option(
        False, "--locate", help="On an inconsistency, run HermiT again on parts of the data to find a small set of triples that cause it."
    ),
    max_runs: int = typer.Option(40, "--max-runs", min=1, help="With --locate: at most this many further HermiT runs."),
) -> None:
    """Run HermiT on the ontology and the data in the store, and say whether they are consistent.

    Exit status: 0 consistent; 1 inconsistent or a class can have no member; 3 Java is missing or
    HermiT failed.
    """
    # Imported here: owlready2 and the reasoner are for this command only.
    from ..reason import ReasoningFailed, ReasoningUnavailable, reason

    state = ctx.obj
    store = state.open_store(read_only=True)
    try:
        quads = list(store.quads())
    finally:
        store.close()
    try:
        report = reason(state.project.ontology_file, quads, locate=locate, max_runs=max_runs)
    except (ReasoningUnavailable, ReasoningFailed) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(3) from exc
    for line in report.lines():
        typer.echo(line)
    if not report.consistent or report.unsatisfiable:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("reason")(reason_command)
