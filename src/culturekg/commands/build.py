"""`culturekg build` and `culturekg stats`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import ConfigError, RecordError
from ..ledger import Ledger, ledger_path, set_ledger_stamp
from ..loader import LoadReport, load
from ..stats import GraphStats, graph_stats, known_stats
from ..validate import count_violations, state_path
from ..validate.incremental import LoadedChanges, validate_and_keep
from ..validate.statefile import carry_store_stamp, set_store_stamp
from ..validate.storestamp import store_stamp

_STAGES = {"read": "Reading records", "map": "Mapping to RDF", "write": "Writing graphs"}


def _progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    )


def _load_with_progress(state, store, console: Console, full: bool, ledger: Ledger) -> LoadReport:
    with _progress_bar(console) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return load(state.project, store, progress, full=full, ledger=ledger)


def _stamp(report_file: Path | None, ledger: Ledger, store_dir: Path, *, carried_from: str | None = None) -> None:
    """Say that the validation state and the ledger describe the store as it is now closed;
    `carried_from`: only a validation state that described it under that stamp (nothing was written)."""
    try:
        stamp = store_stamp(store_dir)
        if report_file is not None and carried_from is not None:
            carry_store_stamp(report_file, carried_from, stamp)
        elif report_file is not None:
            set_store_stamp(report_file, stamp)
        set_ledger_stamp(ledger, stamp)
    except (OSError, sqlite3.Error) as exc:
        # Without the stamps the next build reads the store's own metadata and compares every
        # graph's checksums: slower, as right.
        typer.echo(f"warning: {exc}", err=True)


def _stats_table(stats: GraphStats, title: str) -> Table:
    table = Table(title=title, show_header=True)
    table.add_column("class")
    table.add_column("entities", justify="right")
    for name, count in stats.entities_per_class:
        table.add_row(name, str(count))
    return table


def build(
    ctx: typer.Context,
    full: bool = typer.Option(False, "--full", help="Read and check every file, even unchanged event records."),
    engine: str = typer.Option("auto", "--engine", help="Validation engine: auto, fast or pyshacl."),
    skip_validation: bool = typer.Option(False, "--no-validate", help="Load only; do not run the shapes."),
    full_validation: bool = typer.Option(
        False, "--full-validation", help="Validate every node, not only what the changed records can affect."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Load every record under data/ into the store, validate it and print counts.

    Exit status: 0 built with no violations; 1 built but the shapes found violations;
    2 a record is malformed (nothing was written).
    """
    state = ctx.obj
    console = Console(stderr=True)
    if not state.project.data_dir.is_dir():
        raise ConfigError(f"{state.project.data_dir}: no data/ folder here; run build in a project folder or pass -C DIR")
    # Taken before opening, which changes the directory: whether anyone wrote the store since the
    # last build that validated it decides whether this load's own list of changes can be trusted.
    stamp_before = store_stamp(state.resolved_store_path)
    report_file = state_path(state.resolved_store_path)
    ledger = Ledger.open(ledger_path(state.resolved_store_path), stamp_before)
    kept = False
    refused: RecordError | None = None
    store = state.open_store()
    try:
        try:
            report = _load_with_progress(state, store, console, full, ledger)
        except RecordError as exc:
            refused = exc
        if refused is None:
            if report.triples is not None:
                stats = known_stats(report.triples, report.named_graphs, report.source_files, report.entities)
            else:
                stats = graph_stats(store, state.project.base_iri, report.entities)
            violations = None
            if not skip_validation:
                with console.status("Validating against the shapes"):
                    # Incremental against the state the last validation left beside the store: only the
                    # nodes a changed record can affect are checked again; the result equals a full run.
                    loaded = LoadedChanges(tuple(report.changed), tuple(report.removed), stamp_before)
                    validation, kept = validate_and_keep(
                        store, state.project, report_file, engine=engine, incremental=not full_validation, loaded=loaded
                    )
                    violations = count_violations(validation)
    finally:
        store.close()
    if refused is not None:
        # Nothing was written, though opening the store changed its files: the ledger and the
        # validation state still describe it, so the build after the fix need not read it all.
        ledger.unwritten()
        _stamp(report_file, ledger, state.resolved_store_path, carried_from=stamp_before)
        console.print(f"[red]No change was written: {len(refused.problems)} problem(s) in the records.[/red]")
        for problem in refused.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2)
    _stamp(report_file if kept else None, ledger, state.resolved_store_path)

    summary = {
        "store": str(state.resolved_store_path),
        "files_read": len(report.files_read),
        "files_changed": len(report.changed),
        "files_unchanged": len(report.unchanged),
        "files_removed": len(report.removed),
        "triples_written": report.triples_written,
        **stats.as_dict(),
        "validation": violations,
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2, sort_keys=True))
    else:
        out = Console()
        out.print(f"Store: {summary['store']}")
        out.print(
            f"Records: {stats.records} record files, {stats.reference_files} reference tables "
            f"({len(report.changed)} files changed, {len(report.unchanged)} unchanged, {len(report.removed)} removed)"
        )
        out.print(f"Triples: {stats.triples} in {stats.named_graphs} named graphs ({report.triples_written} written now)")
        out.print(_stats_table(stats, "Entities per class"))
        if violations is None:
            out.print("Validation: skipped")
        else:
            out.print(
                f"Validation: {violations['violations']} violations, {violations['warnings']} warnings "
                f"in {violations['files']} files"
            )
    if violations and violations["violations"]:
        raise typer.Exit(1)


def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Print what the store holds: triples, named graphs, record files and entities per class."""
    store = ctx.obj.open_store(read_only=True)
    try:
        result = graph_stats(store, ctx.obj.project.base_iri)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, sort_keys=True))
        return
    out = Console()
    out.print(
        f"Triples: {result.triples} in {result.named_graphs} named graphs; "
        f"{result.records} record files, {result.reference_files} reference tables"
    )
    out.print(_stats_table(result, "Entities per class"))


def register(app: typer.Typer) -> None:
    app.command("build")(build)
    app.command("stats")(stats)
