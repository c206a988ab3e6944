"""Load a project's records into a store: read and check them, then write only what changed.

`load(project, store)` is what `culturekg build` runs. It is all or nothing: the record files are
read, checked and mapped first; if any has a problem, a RecordError lists them all (file, line,
field) and the store is not touched. Otherwise one GraphChange replaces the graphs of changed files,
drops those of deleted files and leaves the rest as they are.

Which files are read: when every reference file is as the last load left it and no event record
was deleted, an unchanged event record cannot have become wrong, so it is not read again (the
fast path). Otherwise every file is read and checked again, because a changed organization or a
deleted event may break records that did not change; only changed files are written either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import ConfigError, Problem, RecordError
from .iris import Minter
from .mapping import Mapper, build_index
from .mapping.context import Entry
from .mapping.ontology import (
    ONTOLOGY_PATH, Superclasses, ontology_superclasses, ontology_triples, superclass_types, superclasses,
)
from .mapping.provenance import GraphSource, StoredMeta, meta_triples
from .project import Project
from .mapping.spill import Spill
from .records.files import Parsed, SourceFile, discover, read_all, read_file
from .stats import entity_counts
from .store.base import BulkGraphStore, GraphChange, GraphStore
from .vocab import RDFS

# About 40 MB of triples per write, and at most five such batches held in memory (the rest wait
# on disk): memory stays flat however many records a load writes.
BATCH_TRIPLES = 100_000
# From this many triples on, a store with a bulk loader gets them all in one bulk load (not one
# transaction); below it, each batch is one transaction, which keeps small changes all-or-nothing.
BULK_TRIPLES = 20_000

# progress(stage, done, total): stage is "read", "map" or "write".
Progress = Callable[[str, int, int], None]


@dataclass
class LoadReport:
    """What a load did. Paths are relative to the project root."""

    files_read: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    triples_written: int = 0
    entities: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [
            f"{len(self.files_read)} files read: {len(self.changed)} changed, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed; {self.triples_written} triples written",
        ]
        lines += [f"  {cls}: {count}" for cls, count in sorted(self.entities.items())]
        return "\n".join(lines)


def load(project: Project, store: GraphStore, progress: Progress | None = None, *, full: bool = False) -> LoadReport:
    """Bring `store` up to date with the record files of `project` and its ontology.

    `full=True` reads and checks every file even when the fast path would skip unchanged events.
    `progress`, if given, is called as progress(stage, done, total) while reading, mapping and writing.
    Raises RecordError, with every problem found, before anything is written if a file is malformed,
    refers to an unknown key, or would mint an IRI that another thing already has.
    """
    return _Load(project, store, progress).run(full)


# The name issue 2 section 5 gives the operation; not to be confused with project.load_project,
# which reads a project's settings.
load_project = load


class _Load:
    def __init__(self, project: Project, store: GraphStore, progress: Progress | None) -> None:
        self.project = project
        self.store = store
        self.progress = progress or (lambda stage, done, total: None)
        self.minter = Minter(project.base_iri)
        self.meta = StoredMeta.read(store, self.minter.meta_graph)
        self.present = store.named_graphs()
        _refuse_foreign_graphs(self.present, self.minter, project)
        self.report = LoadReport()
        # Graphs this load (re)writes, with where they come from.
        self.sources: dict[ox.NamedNode, GraphSource] = {}
        # The ckg: class hierarchy of the project's ontology, read when the load starts.
        self.classes: Superclasses = {}

    def unchanged(self, graph: ox.NamedNode, sha256: str) -> bool:
        return self.meta.sha256(graph) == sha256 and graph in self.present

    def run(self, full: bool) -> LoadReport:
        files, problems = discover(self.project.root)
        graph_of = {f.rel: self.minter.graph(f.rel) for f in files}
        current = set(graph_of.values()) | {self.minter.graph(ONTOLOGY_PATH)}
        gone = sorted((g for g in self.meta.triples if g not in current), key=lambda g: g.value)
        ontology = SourceFile(self.project.ontology_file, ONTOLOGY_PATH, "ontology")
        self.classes = ontology_superclasses(ontology.path)
        # Every graph carries the superclass types of its instances: a changed class hierarchy
        # changes what every graph must say, whether or not its file changed.
        retype = self._hierarchy_changed(ontology)
        fresh = {f.rel for f in files if retype or not self.unchanged(graph_of[f.rel], f.sha256)}
        fast = not full and not retype and not gone and not any(f.kind != "event" and f.rel in fresh for f in files)
        events = [f for f in files if f.kind == "event"]
        to_read = [f for f in files if f.kind != "event" or not fast or f.rel in fresh]
        self.report.files_read = [f.rel for f in to_read]

        # Reference files first: every record is resolved against them. Event keys are their
        # file names (the check makes sure), so events need not be read to be referred to.
        reference, read_problems = read_all([f for f in to_read if f.kind != "event"])
        problems += read_problems
        index, index_problems = build_index(reference, events)
        problems += index_problems
        if problems:
            # With a reference file unread, every record naming its keys would look wrong too:
            # check the records' own form only.
            for _ in self._parsed([], to_read, problems):
                pass
            raise _refused(problems)
        mapper = Mapper(self.project.base_iri, index)
        spill = Spill(in_memory=BATCH_TRIPLES * 5)
        try:
            for number, item in enumerate(self._parsed(reference, to_read, problems), start=1):
                # Mapping a file whose graph stays as it is still checks its references and IRIs.
                emitter = mapper.map(item)
                if item.file.rel in fresh:
                    graph = graph_of[item.file.rel]
                    spill.add(graph, emitter.triples + superclass_types(emitter.triples, self.classes))
                    self.sources[graph] = GraphSource(graph, item.file.files, item.file.sha256, tuple(item.source_urls))
                self.progress("map", number, len(to_read))
            problems += mapper.problems
            if fast:
                problems += self._shared_conflicts(mapper.shared, spill.graphs)
            if problems:
                raise _refused(problems)
            self._write(spill, files, current, gone, ontology)
        finally:
            spill.close()
        return self.report

    def _hierarchy_changed(self, ontology: SourceFile) -> bool:
        graph = self.minter.graph(ONTOLOGY_PATH)
        if self.unchanged(graph, ontology.sha256):
            return self._written_without_superclass_types(graph)
        if graph not in self.present:
            return True
        return superclasses(q.triple for q in self.store.quads(graph)) != self.classes

    def _written_without_superclass_types(self, ontology: ox.NamedNode) -> bool:
        """Whether the store's records were loaded by a version of the loader that did not add
        superclass types: one instance of a subclass tells, as each graph is written whole."""
        rows = self.store.select(_SUBCLASS_INSTANCE, {"ontology": ontology, "meta": self.minter.meta_graph}).rows
        if not rows:
            return False
        subject, cls, graph = rows[0]
        return any(not self.store.ask(_TYPED_IN, {"s": subject, "c": sup, "g": graph}) for sup in self.classes.get(cls, ()))

    def _parsed(self, reference: list[Parsed], to_read: list[SourceFile], problems: list[Problem]) -> Iterator[Parsed]:
        """The reference files, then each event record as it is read: one record in memory at a time."""
        yield from reference
        for number, file in enumerate(to_read, start=1):
            if file.kind == "event":
                parsed, file_problems = read_file(file)
                problems += file_problems
                if parsed is not None:
                    yield parsed
            self.progress("read", number, len(to_read))

    def _meta(self, current: set[ox.NamedNode]) -> list[ox.Triple]:
        """The meta graph after this load: new entries for rewritten graphs, the old ones for the rest."""
        kept = [t for g, triples in self.meta.triples.items() if g in current and g not in self.sources for t in triples]
        return kept + meta_triples(self.sources[g] for g in sorted(self.sources, key=lambda g: g.value))

    def _shared_conflicts(self, shared: dict[tuple[str, str], Entry], rewritten: set[ox.NamedNode]) -> list[Problem]:
        """A venue, area or project a changed record declares must keep the name that unchanged
        records (not read on the fast path) give it in the store."""
        problems = []
        query = "SELECT ?g ?label WHERE { GRAPH ?g { ?s ?p ?label } }"
        for (kind, key), declared in shared.items():
            rows = self.store.select(query, {"s": self.minter.iri(kind, key), "p": RDFS.label}).rows
            for graph, label in rows:
                if graph not in rewritten and graph != self.minter.meta_graph and label.value.casefold() != declared.label.casefold():
                    problems.append(Problem(declared.path, f"{kind} '{key}' is declared as {declared.label!r} here but as "
                                                           f"{label.value!r} in {graph.value}; use another key if they are different things",
                                            declared.line, None))
        return problems

    def _write(self, spill: Spill, files: list[SourceFile], current: set[ox.NamedNode], gone: list[ox.NamedNode],
               ontology: SourceFile) -> None:
        """Drops and the ontology first, then the records' graphs (in batches, or in one bulk load if
        large and the store has a bulk loader), the meta graph last:
        a load cut short leaves no checksum for a graph it did not finish, so the next load redoes it."""
        first = GraphChange(drop=set(gone))
        graph = self.minter.graph(ONTOLOGY_PATH)
        if not self.unchanged(graph, ontology.sha256):
            first.replace[graph] = ontology_triples(ontology.path, ontology.sha256)
            self.sources[graph] = GraphSource(graph, (ONTOLOGY_PATH,), ontology.sha256)
            self.report.files_read.append(ONTOLOGY_PATH)
        total = spill.triples + first.triple_count()
        bulk = spill.triples >= BULK_TRIPLES and isinstance(self.store, BulkGraphStore)
        batches = () if bulk else (GraphChange(replace=batch) for batch in spill.batches(BATCH_TRIPLES))
        written = 0
        self.progress("write", 0, total)
        for change in chain([first], batches):
            if change.replace or change.drop:
                self.store.apply(change)
                written += change.triple_count()
                self.progress("write", written, total)
        if bulk:
            self.store.bulk_replace(spill.graphs, spill.as_nquads())
            written += spill.triples
            self.progress("write", written, total)
        if self.sources or gone or self.minter.meta_graph not in self.present:
            meta = self._meta(current)
            self.store.apply(GraphChange(replace={self.minter.meta_graph: meta}))
            written += len(meta)
        report = self.report
        for rel in [f.rel for f in files] + [ONTOLOGY_PATH]:
            (report.changed if self.minter.graph(rel) in self.sources else report.unchanged).append(rel)
        report.removed = sorted(path for g in gone for path in self.meta.files(g)[:1])
        report.triples_written = written
        report.entities = entity_counts(self.store, self.minter)


_SUBCLASS_INSTANCE = """
SELECT ?s ?c ?g WHERE {
  GRAPH ?g { ?s a ?c }
  FILTER(?g != ?ontology && ?g != ?meta)
  GRAPH ?ontology { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?super }
  FILTER(STRSTARTS(STR(?super), "https://w3id.org/culturekg/ontology#"))
} LIMIT 1
"""
_TYPED_IN = "ASK { GRAPH ?g { ?s a ?c } }"


def _refused(problems: list[Problem]) -> RecordError:
    return RecordError(sorted(problems, key=lambda p: (p.path, p.line or 0)))


def _refuse_foreign_graphs(present: set[ox.NamedNode], minter: Minter, project: Project) -> None:
    """A store built under another base IRI would end up holding the graph twice, under two names."""
    ours = minter.graph("").value
    foreign = sorted(g.value for g in present if not g.value.startswith(ours))
    if foreign:
        other = foreign[0].split("graph/", 1)[0] if "graph/" in foreign[0] else foreign[0]
        raise ConfigError(
            f"the store holds {len(foreign)} graph(s) not under the base IRI {project.base_iri} "
            f"(e.g. {foreign[0]}, base {other}); build into a fresh store (--store DIR) or remove the old one"
        )
