"""Event records read by worker processes give the build exactly what reading them here gives: the
same records in the same order, the same problems (file, line, field), the same store."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import shutil
from functools import cached_property
from pathlib import Path

import pytest
from cli_helpers import copy_miniature_project, generated_project, run

from culturekg.errors import RecordError
from culturekg.loader import load
from culturekg.project import load_project
from culturekg.records import parallel
from culturekg.records.files import SourceFile, discover, read_file
from culturekg.store import EmbeddedStore

FIXTURES = Path(__file__).parent / "fixtures" / "records"
EV = "data/records/events/"


def _force(monkeypatch) -> list[int]:
    """Workers for any number of files, two files a task (several chunks even in a small project);
    the list gets the worker count of each pool started."""
    started: list[int] = []
    real = parallel.ProcessPoolExecutor

    def pool(*args, **kwargs):
        started.append(kwargs["max_workers"])
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", pool)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    return started


def _event_files(root: Path):
    _, events, problems = discover(root)
    assert not problems
    return [events.file(i) for i in range(len(events.rels))]


def _shape(result):
    parsed, problems = result
    records = None if parsed is None else [(dict(r), r.line, r.lines, r.path) for r in parsed.records]
    return parsed and parsed.file.rel, records, [(p.path, p.line, p.field, p.message) for p in problems]


def test_workers_return_what_reading_here_returns_in_the_same_order(tmp_path, monkeypatch):
    files = _event_files(generated_project(tmp_path, 25, seed=5))
    here = [_shape(read_file(f)) for f in files]
    started = _force(monkeypatch)
    there = [_shape(r) for r in parallel.read_in_order(files, workers=2, parallel_from=1)]
    assert started == [2]
    assert len(there) == 25 and there == here
    assert [rel for rel, _, _ in there] == sorted(rel for rel, _, _ in there)


def test_few_files_or_one_core_are_read_here_without_workers(tmp_path, monkeypatch):
    files = _event_files(generated_project(tmp_path, 4, seed=5))
    started = []
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", lambda *a, **k: started.append(1))
    assert len(list(parallel.read_in_order(files, workers=2, parallel_from=5))) == 4
    assert len(list(parallel.read_in_order(files, workers=0, parallel_from=1))) == 4
    assert started == []


def test_stopping_early_leaves_no_worker_running(tmp_path, monkeypatch):
    files = _event_files(generated_project(tmp_path, 12, seed=5))
    started = _force(monkeypatch)
    results = parallel.read_in_order(files, workers=1, parallel_from=1)
    first = next(results)
    assert first[0] is not None and first[0].file.rel == files[0].rel
    results.close()
    assert started == [1] and multiprocessing.active_children() == []


def test_bad_records_read_by_workers_are_refused_exactly_as_read_here(tmp_path, monkeypatch):
    cases = ("yaml-syntax", "json-syntax", "wrong-types", "unknown-field", "unsafe-yaml", "impossible-date",
             "unknown-references", "key-not-file-name", "duplicate-yaml-key")
    root = copy_miniature_project(tmp_path, *cases)
    with pytest.raises(RecordError) as here:
        load(load_project(root), EmbeddedStore())
    started = _force(monkeypatch)
    store = EmbeddedStore()
    with pytest.raises(RecordError) as there:
        load(load_project(root), store, workers=2)
    got = [(p.path, p.line, p.field, p.message) for p in there.value.problems]
    assert got == [(p.path, p.line, p.field, p.message) for p in here.value.problems]
    assert (EV + "broken.yaml", 4) in {(path, line) for path, line, _, _ in got}
    assert (EV + "unsafe-yaml.yaml", 6) in {(path, line) for path, line, _, _ in got}
    assert list(store.quads()) == [] and started == [2]


def test_a_build_read_by_workers_stores_the_same_quads(tmp_path, monkeypatch):
    root = generated_project(tmp_path, 30, seed=5)
    started = _force(monkeypatch)
    there = EmbeddedStore()
    report = load(load_project(root), there, workers=2)
    assert len(report.files_read) > 30 and started == [2]
    parallel_quads = set(there.quads())

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    here = EmbeddedStore()
    load(load_project(root), here, workers=2)
    assert parallel_quads == set(here.quads()) and len(parallel_quads) > 3000 and started == [2]


def test_a_refused_build_read_by_workers_loses_nothing_stored(tmp_path, monkeypatch):
    root = copy_miniature_project(tmp_path)
    started = _force(monkeypatch)
    store = EmbeddedStore()
    load(load_project(root), store, workers=2)
    before = set(store.quads())
    shutil.copytree(FIXTURES / "bad" / "unknown-field", root, dirs_exist_ok=True)
    with pytest.raises(RecordError) as caught:
        load(load_project(root), store, workers=2)
    assert [(p.path, p.line, p.field) for p in caught.value.problems] == [(EV + "unknown-field.yaml", 6, "attendence")]
    assert set(store.quads()) == before and started == [2, 2]


def test_a_library_caller_gets_workers_only_by_asking(tmp_path, monkeypatch):
    root = copy_miniature_project(tmp_path)
    started = _force(monkeypatch)
    load(load_project(root), EmbeddedStore())
    assert started == []


def test_the_build_command_reads_with_the_other_cores(tmp_path, monkeypatch):
    root = copy_miniature_project(tmp_path)
    started = _force(monkeypatch)
    monkeypatch.setattr(parallel, "workers_available", lambda: 3)
    done = run("-C", str(root), "build", "--no-validate", "--no-daemon")
    assert done.exit_code == 0, done.output
    assert started == [3]


@dataclasses.dataclass
class _KillsItsWorker(SourceFile):
    """A record file whose reading kills the worker process that reads it, as the kernel's out-of-memory
    killer would; read in the main process, it is an ordinary file."""

    @cached_property
    def path(self) -> Path:
        if multiprocessing.parent_process() is not None:
            os._exit(9)
        return Path(self.location)


def test_a_killed_worker_leaves_the_rest_to_be_read_here(tmp_path, monkeypatch):
    files = _event_files(generated_project(tmp_path, 15, seed=5))
    here = [_shape(read_file(f)) for f in files]
    files[7] = _KillsItsWorker(**{f.name: getattr(files[7], f.name) for f in dataclasses.fields(SourceFile)})
    started = _force(monkeypatch)
    there = [_shape(r) for r in parallel.read_in_order(files, workers=1, parallel_from=1)]
    assert started == [1] and there == here
    assert multiprocessing.active_children() == []
