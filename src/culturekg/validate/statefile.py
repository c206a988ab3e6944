"""The validation state kept beside the store (`<store>.validation.sqlite`), for incremental runs.

An SQLite file (stdlib sqlite3) rather than one compressed document: after a one-record change only
that record's graph rows and the results of the revalidated nodes are rewritten, in one transaction
(a reader sees the old state or the new one), and loading reads the settings, the results and the
fingerprints, not every graph's node lists: those are read when a changed graph asks for them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from sys import intern

import pyoxigraph as ox

from .reach import Reach
from .results import ValidationResult

STATE_VERSION = 5
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE graphs (iri TEXT PRIMARY KEY, subjects TEXT NOT NULL, objects TEXT NOT NULL, predicates TEXT NOT NULL);
CREATE TABLE fingerprints (iri TEXT PRIMARY KEY, sha TEXT NOT NULL);
CREATE TABLE results (focus TEXT NOT NULL, shape TEXT, component TEXT, source TEXT, row TEXT NOT NULL);
CREATE INDEX results_focus ON results (focus);
"""

Nodes = tuple[list[str], list[str], list[str]]  # subjects, objects, predicates as N-Triples terms


def graph_nodes(statements: Iterable[ox.Triple | ox.Quad]) -> tuple[Nodes, bool]:
    """The subjects, non-literal objects and predicates of one graph's statements, and whether a blank
    node is among them (a store may give it another label than the statements did)."""
    subjects, objects, predicates = set(), set(), set()
    for statement in statements:
        subjects.add(statement.subject)
        predicates.add(statement.predicate)
        if not isinstance(statement.object, ox.Literal):
            objects.add(statement.object)
    # Terms are hashed as they are and written as text once each: most repeat within a graph. The text
    # is interned because most objects and predicates recur across graphs: a build holds every graph's
    # nodes at once, 460 MB at 50,000 events as separate strings, 160 MB interned.
    blank = any(isinstance(term, ox.BlankNode) for term in chain(subjects, objects))
    return tuple(sorted(intern(str(term)) for term in part) for part in (subjects, objects, predicates)), blank


@dataclass
class Delta:
    """What an incremental run changed, so that the file it was loaded from is updated, not rewritten."""

    origin: Path
    revalidated: set[str]  # focus nodes whose results were replaced
    rerun: set[tuple]  # (shape, component, sh:sparql node) of constraints replaced on every focus node
    fresh: list[ValidationResult]
    graphs: dict[str, Nodes | None]  # None: the graph is gone
    fingerprints: Mapping[str, str]  # as the file holds them: only the differences are written


@dataclass
class ValidationState:
    shapes_sha256: str
    base_iri: str
    engine: str
    results: list[ValidationResult]
    # graph IRI → its subjects, objects and predicates.
    nodes: Mapping[str, Nodes] = field(default_factory=dict)
    reach: int = 0
    inverse: bool = False
    # False when the run left something to pySHACL or met a constraint of unknown reach.
    exact: bool = True
    # graph IRI → the sha256 of its source files, from the load metadata: what tells a graph changed.
    fingerprints: Mapping[str, str] = field(default_factory=dict)
    # The SPARQL constraints' bounds (FastRun.reaches).
    reaches: dict[str, Reach | None] = field(default_factory=dict)
    origin: Path | None = None  # the file it was loaded from
    delta: Delta | None = None
    # storestamp.store_stamp of the store when the build that saved this state closed it; None
    # until then, or when the store was not closed by such a build (see set_store_stamp).
    store_stamp: str | None = None


def state_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".validation.sqlite")


class _Stored(Mapping):
    """Graph IRI → a row of one table of the state file: one graph's read when asked for, all of
    them only when iterated (50,000 graphs took 0.5 s to read, and a build needs a few)."""

    _table = _columns = ""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._iris: list[str] | None = None

    def _value(self, row: tuple):
        raise NotImplementedError

    def __getitem__(self, iri: str):
        with _connect(self._path) as db:
            row = db.execute(f"SELECT {self._columns} FROM {self._table} WHERE iri = ?", (iri,)).fetchone()
        if row is None:
            raise KeyError(iri)
        return self._value(row)

    def _all(self) -> list[str]:
        if self._iris is None:
            with _connect(self._path) as db:
                self._iris = [row[0] for row in db.execute(f"SELECT iri FROM {self._table}")]
        return self._iris

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class StoredNodes(_Stored):
    _table, _columns = "graphs", "subjects, objects, predicates"

    def _value(self, row: tuple) -> Nodes:
        return tuple(_split(text) for text in row)


class StoredFingerprints(_Stored):
    _table, _columns = "fingerprints", "sha"

    def _value(self, row: tuple) -> str:
        return row[0]

    def items(self):
        with _connect(self._path) as db:
            return list(db.execute("SELECT iri, sha FROM fingerprints"))


class Overlay(Mapping):
    """`base` with the entries of `changes` replaced (None: removed), without reading the others."""

    def __init__(self, base: Mapping, changes: dict) -> None:
        self.base, self.changes = base, changes

    def __getitem__(self, iri: str):
        if iri in self.changes:
            found = self.changes[iri]
            if found is None:
                raise KeyError(iri)
            return found
        return self.base[iri]

    def __iter__(self) -> Iterator[str]:
        yield from (g for g in self.base if g not in self.changes)
        yield from (g for g, value in self.changes.items() if value is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def items(self) -> Iterator[tuple[str, object]]:  # type: ignore[override]
        # Through the base's own items(): one read of a stored table, not one per key.
        yield from ((g, value) for g, value in self.base.items() if g not in self.changes)
        yield from ((g, value) for g, value in self.changes.items() if value is not None)


def load_state(path: Path) -> ValidationState | None:
    """The saved state, or None when there is none or it is unusable (a full validation follows)."""
    if not path.is_file():
        return None
    try:
        with _connect(path) as db:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if meta.get("version") != str(STATE_VERSION):
                return None
            rows = [json.loads(row[0]) for row in db.execute("SELECT row FROM results ORDER BY rowid")]
        return ValidationState(
            shapes_sha256=meta["shapes_sha256"], base_iri=meta["base_iri"], engine=meta["engine"],
            results=_results_from_json(rows), nodes=StoredNodes(path),
            reach=int(meta["reach"]), inverse=meta["inverse"] == "1", exact=meta["exact"] == "1",
            fingerprints=StoredFingerprints(path), origin=path, reaches=_reaches_from_json(meta.get("reaches", "{}")),
            store_stamp=meta.get("store_stamp") or None,
        )
    except (sqlite3.Error, ValueError, KeyError, TypeError, IndexError):
        return None


def save_state(state: ValidationState, path: Path) -> None:
    """Update the file in place when `state` is an incremental step from it, else write it anew."""
    if state.delta is not None and state.delta.origin == path and path.is_file():
        try:
            _update(state, path)
            return
        except sqlite3.Error:
            pass  # not the file the delta was taken from any more: write it whole
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".tmp")
    scratch.unlink(missing_ok=True)
    try:
        with _connect(scratch) as db:
            db.executescript(_SCHEMA)
            _write_meta(db, state)
            db.executemany("INSERT INTO graphs VALUES (?, ?, ?, ?)",
                           ((g, *(_join(part) for part in state.nodes[g])) for g in state.nodes))
            db.executemany("INSERT INTO fingerprints VALUES (?, ?)", state.fingerprints.items())
            db.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?)", map(_result_row, state.results))
        scratch.replace(path)  # a reader never sees half a state
    except sqlite3.Error as exc:
        scratch.unlink(missing_ok=True)
        raise OSError(f"cannot write {path}: {exc}") from exc


def _update(state: ValidationState, path: Path) -> None:
    delta = state.delta
    with _connect(path) as db:  # one transaction: committed whole or not at all
        if dict(db.execute("SELECT key, value FROM meta")).get("version") != str(STATE_VERSION):
            raise sqlite3.DatabaseError("another version")
        _write_meta(db, state)
        db.execute("CREATE TEMP TABLE gone (focus TEXT PRIMARY KEY)")
        db.executemany("INSERT OR IGNORE INTO gone VALUES (?)", ((f,) for f in delta.revalidated))
        db.execute("DELETE FROM results WHERE focus IN (SELECT focus FROM gone)")
        db.execute("DROP TABLE gone")
        db.executemany("DELETE FROM results WHERE shape = ? AND component = ? AND source IS ?",
                       ((str(s), str(c), None if k is None else str(k)) for s, c, k in delta.rerun))
        db.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?)", map(_result_row, delta.fresh))
        for iri, nodes in delta.graphs.items():
            db.execute("DELETE FROM graphs WHERE iri = ?", (iri,))
            if nodes is not None:
                db.execute("INSERT INTO graphs VALUES (?, ?, ?, ?)", (iri, *(_join(part) for part in nodes)))
        now, before = state.fingerprints, delta.fingerprints
        if isinstance(now, Overlay) and now.base is before:
            changes = now.changes  # the file's checksums but these: the others need not be read
        else:
            before = dict(before.items())
            changes = {g: None for g in before.keys() - now.keys()}
            changes.update((g, sha) for g, sha in now.items() if before.get(g) != sha)
        db.executemany("DELETE FROM fingerprints WHERE iri = ?", ((g,) for g, sha in changes.items() if sha is None))
        db.executemany("INSERT OR REPLACE INTO fingerprints VALUES (?, ?)",
                       ((g, sha) for g, sha in changes.items() if sha is not None))


def set_store_stamp(path: Path, stamp: str | None) -> None:
    """Record the stamp of the store the state at `path` describes, once the store is closed.
    Nothing happens when there is no state there (the next run is a full one anyway)."""
    if not path.is_file():
        return
    try:
        with _connect(path) as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('store_stamp', ?)", (stamp or "",))
    except sqlite3.Error as exc:
        raise OSError(f"cannot update {path}: {exc}") from exc


def carry_store_stamp(path: Path, before: str | None, after: str | None) -> None:
    """The store was opened and closed without a write (a load refused its records): a state that
    described it as stamped `before` describes it as stamped `after`."""
    if not path.is_file() or before is None or after is None:
        return
    try:
        with _connect(path) as db:
            db.execute("UPDATE meta SET value = ? WHERE key = 'store_stamp' AND value = ?", (after, before))
    except sqlite3.Error as exc:
        raise OSError(f"cannot update {path}: {exc}") from exc


def _write_meta(db: sqlite3.Connection, state: ValidationState) -> None:
    meta = {"version": str(STATE_VERSION), "shapes_sha256": state.shapes_sha256, "base_iri": state.base_iri,
            "engine": state.engine, "reach": str(state.reach), "inverse": "1" if state.inverse else "0",
            "exact": "1" if state.exact else "0", "store_stamp": state.store_stamp or "",
            "reaches": json.dumps({k: None if r is None else [r.reach, r.inverse, sorted(r.closure)]
                                   for k, r in state.reaches.items()})}
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())


def _reaches_from_json(text: str) -> dict[str, Reach | None]:
    return {k: None if v is None else Reach(int(v[0]), bool(v[1]), frozenset(v[2])) for k, v in json.loads(text).items()}


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection whose work is committed when the block ends normally, rolled back otherwise."""
    db = sqlite3.connect(path)
    try:
        with db:
            yield db
    finally:
        db.close()


def _join(terms: list[str]) -> str:
    # N-Triples terms of IRIs and blank nodes hold no line break.
    return "\n".join(terms)


def _split(text: str) -> list[str]:
    return text.split("\n") if text else []


def _result_row(r: ValidationResult) -> tuple:
    terms = [r.focus, r.component, r.source_shape, r.severity, r.path, r.value, r.source_constraint]
    row = [None if t is None else str(t) for t in terms] + [
        r.message, list(r.source_files), r.focus_label, r.focus_key, r.shape_name, r.path_text]
    source = None if r.source_constraint is None else str(r.source_constraint)
    return (str(r.focus), str(r.source_shape), str(r.component), source, json.dumps(row, ensure_ascii=False))


def parse_terms(texts: list[str]) -> list:
    """N-Triples terms back into pyoxigraph terms, all in one parse."""
    if not texts:
        return []
    document = "".join(f"<urn:x:s> <urn:x:p> {t} .\n" for t in texts).encode("utf-8")
    return [quad.object for quad in ox.parse(document, format=ox.RdfFormat.N_TRIPLES)]


def _results_from_json(rows: list[list]) -> list[ValidationResult]:
    texts = sorted({t for row in rows for t in row[:7] if t is not None})
    terms = dict(zip(texts, parse_terms(texts)))
    results = []
    for row in rows:
        focus, component, shape, severity, path, value, constraint = (terms.get(t) if t is not None else None for t in row[:7])
        message, files, label, key, name, path_text = row[7:]
        results.append(ValidationResult(
            focus=focus, component=component, source_shape=shape, severity=severity, path=path, value=value,
            message=message, source_constraint=constraint, source_files=tuple(files), focus_label=label,
            focus_key=key, shape_name=name, path_text=path_text,
        ))
    return results
