"""`culturekg build` and `culturekg stats`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from ..errors import ConfigError, RecordError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from ..pipeline import Built
    from ..stats import GraphStats

_STAGES = {"read": "Reading records", "map": "Mapping to RDF", "write": "Writing graphs",
           "validate": "Validating against the shapes"}


def _progress_bar(console: Console):
    # rich.progress is imported only where a bar can be shown: a build whose output is not a
    # terminal (a script, the build daemon) does without it.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    )


@dataclass(frozen=True)
class BuildOptions:
    """What `culturekg build` is asked to do, as a build daemon is sent it (culturekg.daemon)."""

    full: bool = False
    engine: str = "auto"
    validate: bool = True
    full_validation: bool = False
    as_json: bool = False
    rewrite: bool = False


def _build_with_progress(state, console: Console, options: BuildOptions, find: Callable | None) -> Built:
    # The loader and the validator are imported when a build runs, not when the command line starts.
    from ..pipeline import build as build_store
    from ..records.files import discover
    from ..records.parallel import workers_available

    # The command's own main module guards its top level, so worker processes may import it again.
    run = dict(full=options.full, engine=options.engine, validate=options.validate,
               full_validation=options.full_validation, find=find or discover, rewrite=options.rewrite,
               workers=workers_available())
    if not console.is_terminal:
        return build_store(state.project, state.resolved_store_path, **run)
    with _progress_bar(console) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return build_store(state.project, state.resolved_store_path, progress=progress, **run)


def _stats_table(stats: GraphStats, title: str) -> Table:
    from rich.table import Table

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
    rewrite: bool = typer.Option(
        False, "--rewrite",
        help="Write every graph again, even those of unchanged files (a build does so by itself when another version of the mapping wrote the store).",
    ),
    no_daemon: bool = typer.Option(
        False, "--no-daemon", help="Build in this process even when a build daemon runs for the store (see `culturekg daemon`)."
    ),
) -> None:
    """Load every record under data/ into the store, validate it and print counts.

    A build daemon started for the store (`culturekg daemon start`) does the build when it runs: the
    same build, without this process's start-up and with a watch of data/ instead of a look at every file.

    Exit status: 0 built with no violations; 1 built but the shapes found violations;
    2 a record is malformed (nothing was written); 3 the build daemon failed.
    """
    options = BuildOptions(full=full, engine=engine, validate=not skip_validation, full_validation=full_validation,
                           as_json=as_json, rewrite=rewrite)
    status = None
    if not no_daemon:
        from ..daemon.client import relay

        status = relay(ctx.obj, options)
    if status is None:
        # rich is imported here, not with the module: a build handed to the daemon prints its text as is.
        from rich.console import Console

        status = run_build(ctx.obj, options, Console(stderr=True), Console())
    if status:
        raise typer.Exit(status)


def run_build(state, options: BuildOptions, console: Console, out: Console, find: Callable | None = None) -> int:
    """The build and its printing: progress and problems on `console`, the counts on `out`; the exit status."""
    if not state.project.data_dir.is_dir():
        raise ConfigError(f"{state.project.data_dir}: no data/ folder here; run build in a project folder or pass -C DIR")
    try:
        built = _build_with_progress(state, console, options, find)
    except RecordError as exc:
        console.print(f"[red]No change was written: {len(exc.problems)} problem(s) in the records.[/red]")
        for problem in exc.problems:
            print(problem, file=console.file)
        return 2
    report, stats, violations = built.report, built.stats, built.violations

    summary = {
        "store": str(state.resolved_store_path),
        "files_read": len(report.files_read),
        "files_changed": len(report.changed),
        "files_unchanged": len(report.unchanged),
        "files_removed": len(report.removed),
        "triples_written": report.triples_written,
        # Set when the store was written by another mapping version, so every graph was written again.
        "remapped": None if report.remapped is None else dict(zip(("from", "to"), report.remapped, strict=True)),
        **stats.as_dict(),
        "validation": violations,
    }
    if options.as_json:
        print(json.dumps(summary, indent=2, sort_keys=True), file=out.file)
    else:
        out.print(f"Store: {summary['store']}")
        if report.remapped is not None:
            out.print(report.remapped_note())
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
    return 1 if violations and violations["violations"] else 0


def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Print what the store holds: triples, named graphs, record files and entities per class."""
    from ..stats import graph_stats

    store = ctx.obj.open_store(read_only=True)
    try:
        result = graph_stats(store, ctx.obj.project.base_iri)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, sort_keys=True))
        return
    from rich.console import Console

    out = Console()
    out.print(
        f"Triples: {result.triples} in {result.named_graphs} named graphs; "
        f"{result.records} record files, {result.reference_files} reference tables"
    )
    out.print(_stats_table(result, "Entities per class"))


def register(app: typer.Typer) -> None:
    app.command("build")(build)
    app.command("stats")(stats)
