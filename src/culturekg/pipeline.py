"""What `culturekg build` runs, without the printing: load the records into an on-disk store, count,
validate, and leave the ledger and the validation state stamped for the next build.

The command line and the benchmark both call `build`, so the benchmark times exactly what a user's
build does.
"""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .errors import RecordError
from .ledger import Ledger, ledger_path, set_ledger_stamp
from .loader import LoadReport, Progress, load
from .project import Project
from .records.files import Discovered, discover
from .stats import GraphStats, graph_stats, known_stats
from .store import EmbeddedStore
from .validate import count_violations, state_path
from .validate.results import ValidationReport
from .validate.incremental import LoadedChanges, validate_and_keep
from .validate.statefile import carry_store_stamp, set_store_stamp
from .validate.storestamp import store_stamp


@dataclass
class Built:
    report: LoadReport
    stats: GraphStats
    validation: ValidationReport | None = None
    violations: dict | None = None
    # Seconds of each stage, for the benchmark and for anyone wondering where a build's time goes.
    seconds: dict[str, float] = field(default_factory=dict)


def build(project: Project, store_path: Path, *, full: bool = False, engine: str = "auto", validate: bool = True,
          full_validation: bool = False, progress: Progress | None = None,
          find: Callable[[Path], Discovered] = discover, rewrite: bool = False, workers: int = 0) -> Built:
    """Bring the store at `store_path` up to date with `project`'s records and validate it.

    `find`: how the record files are found; `rewrite`: every graph written again; `workers`: processes
    that read records beside this one (see loader.load).
    Raises RecordError (nothing written) when a record is malformed.
    """
    with _fewer_collections():
        return _build(project, store_path, full=full, engine=engine, validate=validate,
                      full_validation=full_validation, progress=progress, find=find, rewrite=rewrite,
                      workers=workers)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cycle collector, told to leave alone what existed before the build (the imported
    modules) and to run less often: a build makes one object a file or more and drops few, and at
    50,000 record files the collector ran 271 times, 0.15 s of a one-record rebuild. Cycles made
    meanwhile are still collected, at the end if not before."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _build(project: Project, store_path: Path, *, full: bool, engine: str, validate: bool,
           full_validation: bool, progress: Progress | None, find: Callable[[Path], Discovered],
           rewrite: bool, workers: int) -> Built:
    started = time.perf_counter()
    # Taken before opening, which changes the directory: whether anyone wrote the store since the
    # last build decides whether the ledger and this load's own list of changes can be believed.
    stamp_before = store_stamp(store_path)
    report_file = state_path(store_path)
    ledger = Ledger.open(ledger_path(store_path), stamp_before)
    seconds: dict[str, float] = {}
    kept = False
    refused: RecordError | None = None
    store = EmbeddedStore(store_path)
    try:
        try:
            report = load(project, store, progress, full=full, ledger=ledger, find=find, rewrite=rewrite, nodes=validate,
                          workers=workers)
        except RecordError as exc:
            refused = exc
        seconds["load"] = time.perf_counter() - started
        if refused is None:
            if report.triples is not None:
                stats = known_stats(report.triples, report.named_graphs, report.source_files, report.entities)
            else:
                stats = graph_stats(store, project.base_iri, report.entities)
            built = Built(report, stats, seconds=seconds)
            if validate:
                at = time.perf_counter()
                if progress is not None:
                    progress("validate", 0, 1)
                # Incremental against the state the last validation left beside the store: only the
                # nodes a changed record can affect are checked again; the result equals a full run.
                loaded = LoadedChanges(tuple(report.changed), tuple(report.removed), stamp_before, report.nodes)
                built.validation, kept = validate_and_keep(
                    store, project, report_file, engine=engine, incremental=not full_validation, loaded=loaded
                )
                built.violations = count_violations(built.validation)
                seconds["validate"] = time.perf_counter() - at
                if progress is not None:
                    progress("validate", 1, 1)
    finally:
        store.close()
    if refused is not None:
        # Nothing was written, though opening the store changed its files: the ledger and the
        # validation state still describe it, so the build after the fix need not read it all.
        ledger.unwritten()
        _stamp(report_file, ledger, store_path, carried_from=stamp_before)
        raise refused
    _stamp(report_file if kept else None, ledger, store_path)
    seconds["total"] = time.perf_counter() - started
    return built


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
        warnings.warn(f"{store_dir}: cannot stamp the build's state: {exc}", stacklevel=2)
