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

import functools
import hashlib
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from itertools import chain
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import ConfigError, Problem, RecordError
from .iris import Minter
from .ledger import Ledger, StoredGraphs, Totals
from .mapping import MAPPING_VERSION, Mapper, build_index, reference_declarations
from .mapping.context import Entry
from .mapping.ontology import (
    ONTOLOGY_PATH, Entailments, entailments, ontology_entailments, ontology_triples,
)
from .mapping.provenance import GraphSource, StoredMeta, meta_triples, read_mapping_version, version_triple
from .project import Project
from .mapping.spill import Spill
from .records.files import Discovered, Parsed, SourceFile, discover, read_all
from .records.parallel import read_in_order
from .stats import compact, entity_classes, entity_counts_by_class, shift_counts
from .store.base import BulkGraphStore, DescribingGraphStore, GraphChange, GraphStore
from .validate.statefile import Nodes, graph_nodes
from .vocab import RDF, RDFS

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
    # What the store holds after the load, when the load kept a ledger (else count the store).
    triples: int | None = None
    named_graphs: int | None = None
    source_files: tuple[str, ...] | None = None
    # (the store's mapping version, this culturekg's) when they differed, so every graph was written again.
    remapped: tuple[int | None, int] | None = None
    # Graph IRI → the subjects, non-literal objects and predicates of each record graph written, for
    # the validation state: made from the statements written, they need not be read back from the store.
    # Only when load() is asked for them (nodes=True).
    nodes: dict[str, Nodes] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [
            f"{len(self.files_read)} files read: {len(self.changed)} changed, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed; {self.triples_written} triples written",
        ]
        if self.remapped is not None:
            lines.append(f"  {self.remapped_note()}")
        lines += [f"  {cls}: {count}" for cls, count in sorted(self.entities.items())]
        return "\n".join(lines)

    def remapped_note(self) -> str | None:
        """Why every graph was written again, when another mapping version had written the store."""
        if self.remapped is None:
            return None
        was, now = self.remapped
        return (f"Every graph written again: the store was written by mapping version "
                f"{'(none recorded)' if was is None else was}; this culturekg maps records with version {now}")


def load(project: Project, store: GraphStore, progress: Progress | None = None, *, full: bool = False,
         ledger: Ledger | None = None, find: Callable[[Path], Discovered] = discover, rewrite: bool = False,
         nodes: bool = False, workers: int = 0) -> LoadReport:
    """Bring `store` up to date with the record files of `project` and its ontology.

    `full=True` reads and checks every file even when the fast path would skip unchanged events.
    `progress`, if given, is called as progress(stage, done, total) while reading, mapping and writing.
    `ledger`: the bookkeeping kept beside an on-disk store (see culturekg.ledger); what it says of the
    store is used when it can be believed, and it is brought up to date (not stamped: the caller
    stamps it once the store is closed). The report then carries the store's counts.
    `find`: how the record files are found; a long-running process passes one that remembers
    (records.watch.WatchedDiscovery), with the same answers as discover().
    `rewrite=True` writes every graph again, the ontology's too, whether or not its file changed:
    the store does not record which version of the mapping wrote a graph, so after an upgrade that
    changed what records map to, this is how unchanged records get the new triples.
    `nodes=True` fills LoadReport.nodes, for a validation that follows.
    `workers`: processes that read event records while this one maps them (records.parallel); 0 reads
    them here. An opt-in, as culturekg's commands take it: a worker is a fresh Python that imports the
    caller's main module again (multiprocessing's spawn), harmless only where its top level is guarded.
    Raises RecordError, with every problem found, before anything is written if a file is malformed,
    refers to an unknown key, or would mint an IRI that another thing already has.
    """
    return _Load(project, store, progress, ledger, rewrite, nodes, workers).run(full, find)


# The name issue 2 section 5 gives the operation; not to be confused with project.load_project,
# which reads a project's settings.
load_project = load


class _Stored:
    """What the store holds (StoredGraphs), read from its meta graph, or taken from the ledger
    when the ledger can be believed."""

    def __init__(self, graphs: StoredGraphs, strays: list[ox.NamedNode], meta_present: bool, from_ledger: bool) -> None:
        self.graphs = graphs
        # Meta entries under a graph name this loader would not give their file: dropped as gone.
        self.strays = strays
        self.meta_present = meta_present
        self.from_ledger = from_ledger

    @classmethod
    def read(cls, store: GraphStore, minter: Minter, project: Project) -> _Stored:
        meta = StoredMeta.read(store, minter.meta_graph)
        present = store.named_graphs()
        _refuse_foreign_graphs(present, minter, project)
        graphs = StoredGraphs()
        strays = []
        for graph in meta.triples:
            if graph == minter.meta_graph:
                continue  # what the meta graph says of itself (the mapping version), not a graph's entry
            # A table's graph names its sidecar too, in no set order: the graph is named after one.
            files = sorted(meta.files(graph))
            rel = next((f for f in files if minter.graph(f) == graph), None)
            if rel is None:
                strays.append(graph)
                continue
            graphs.put(rel, meta.sha256(graph) or "", (rel, *(f for f in files if f != rel)), graph in present)
        return cls(graphs, strays, minter.meta_graph in present, from_ledger=False)

    def sha256(self, rel: str) -> str | None:
        """The stored checksum of `rel`'s graph; None when the store lacks the graph or its entry."""
        return None if rel in self.graphs.empty else self.graphs.shas.get(rel)

    def differing(self, rels: Sequence[str], checksums: Sequence[str]) -> list[int]:
        """The indexes of the files whose checksum is not the stored one (see sha256), in one pass."""
        empty, shas = self.graphs.empty, self.graphs.shas
        return [i for i, (rel, sha256) in enumerate(zip(rels, checksums, strict=True))
                if rel in empty or shas.get(rel) != sha256]


class _Load:
    def __init__(self, project: Project, store: GraphStore, progress: Progress | None, ledger: Ledger | None,
                 rewrite: bool = False, nodes: bool = False, workers: int = 0) -> None:
        self.project = project
        self.index_nodes = nodes
        self.workers = workers
        self.store = store
        self.progress = progress or (lambda stage, done, total: None)
        self.minter = Minter(project.base_iri)
        self.ledger = ledger
        if ledger is not None and ledger.trusted and ledger.base_iri == project.base_iri:
            self.stored = _Stored(ledger.graphs, [], True, from_ledger=True)
        else:
            self.stored = _Stored.read(store, self.minter, project)
            if ledger is not None:
                ledger.graphs = ledger.totals = None  # not believed: rewritten whole after the load
                ledger.base_iri = project.base_iri
        self.report = LoadReport()
        # Triples the meta graph gained (None: it was rewritten whole, so the counts are taken again).
        self.meta_delta: int | None = 0
        # Graphs this load (re)writes, with where they come from; and by the path they are named after.
        self.sources: dict[ox.NamedNode, GraphSource] = {}
        self.written: dict[str, GraphSource] = {}
        # What the project's ontology makes each record's graph say beyond its own triples (superclass
        # types, property chain links), read when the load starts.
        self.entailed = Entailments({})
        # Every graph is written again, changed or not (load's `rewrite`, or a store another mapping
        # version wrote).
        self.rewrite = rewrite
        # Whether the meta graph's mapping version must be written (it differs from MAPPING_VERSION).
        self.new_version = False

    def unchanged(self, rel: str, sha256: str) -> bool:
        return self.stored.sha256(rel) == sha256

    def run(self, full: bool, find: Callable[[Path], Discovered] = discover) -> LoadReport:
        files, events, problems = find(self.project.root)
        self._check_mapping_version()
        current = {f.rel for f in files}
        current.update(events.rels)
        current.add(ONTOLOGY_PATH)
        gone = sorted(rel for rel in self.stored.graphs.shas if rel not in current)
        ontology = SourceFile(self.project.ontology_file, ONTOLOGY_PATH, "ontology")
        self.entailed = ontology_entailments(ontology.path)
        # Every graph carries the superclass types of its instances and the links of the property
        # chains: a changed class hierarchy or chain changes what every graph must say, whether or not
        # its file changed.
        retype = self.rewrite or self._entailments_changed(ontology)
        rels = [f.rel for f in files]
        for f, sha256 in zip(files, self._checksums(rels, [f.signature for f in files], lambda i: files[i].sha256)):
            f.known_sha256 = sha256
        fresh = {rels[i] for i in self._changed(rels, [f.sha256 for f in files], retype)}
        fast = not full and not retype and not gone and not fresh
        checksums = self._checksums(events.rels, events.signatures, lambda i: events.file(i).sha256)
        changed = self._changed(events.rels, checksums, retype)
        fresh.update(events.rels[i] for i in changed)
        digest = _reference_digest(files, ontology, self.project.base_iri) if self.ledger is not None else ""
        cached = self.ledger.blob("reference", digest) if (fast and self.ledger is not None) else None
        # On the fast path only the changed event records are read; otherwise all of them are.
        to_read = [events.file(i, checksums[i]) for i in (changed if fast else range(len(checksums)))]
        to_read += (f for f in files if cached is None)
        self.report.files_read = [f.rel for f in to_read]

        # Reference files first: every record is resolved against them. Event keys are their
        # file names (the check makes sure), so events need not be read to be referred to.
        # On the fast path the reference files are as the last load that read them left them, so
        # what reading and mapping them gave (their keys, claimed IRIs) is taken from the ledger.
        reference, read_problems = read_all([f for f in to_read if f.kind != "event"])
        problems += read_problems
        index, index_problems = build_index(reference, events, cached[0] if cached else None)
        problems += index_problems
        if problems:
            # With a reference file unread, every record naming its keys would look wrong too:
            # check the records' own form only.
            for _ in self._parsed([], to_read, problems):
                pass
            raise _refused(problems)
        mapper = Mapper(self.project.base_iri, index)
        if cached:
            mapper.registry.owners.update(cached[1])
            mapper.shared.update({key: Entry(*entry) for key, entry in cached[2].items()})
        spill = Spill(in_memory=BATCH_TRIPLES * 5)
        mapped: tuple | None = None
        try:
            for number, item in enumerate(self._parsed(reference, to_read, problems), start=1):
                if mapped is None and item.file.kind == "event":
                    mapped = self._mapped_reference(reference, mapper)
                # Mapping a file whose graph stays as it is still checks its references and IRIs.
                emitter = mapper.map(item)
                if item.file.rel in fresh:
                    graph = self.minter.graph(item.file.rel)
                    triples = emitter.triples + self.entailed.of(emitter.triples)
                    spill.add(graph, triples)
                    if self.index_nodes:
                        nodes, blank = graph_nodes(triples)
                        if nodes[0] and not blank:
                            self.report.nodes[graph.value] = nodes
                    self._source(item.file.rel, GraphSource(graph, item.file.files, item.file.sha256, tuple(item.source_urls)))
                self.progress("map", number, len(to_read))
            problems += mapper.problems
            if fast:
                problems += self._shared_conflicts(mapper.shared, spill.graphs)
            if problems:
                raise _refused(problems)
            if mapped is None:
                mapped = self._mapped_reference(reference, mapper)
            self._write(spill, events.rels + rels, gone, ontology)
            if self.ledger is not None:
                blobs = {"reference": (digest, mapped)} if (cached is None and mapped is not False) else {}
                self._keep(gone, blobs)
            else:
                self.report.entities = compact(entity_counts_by_class(self.store, self.minter))
        finally:
            spill.close()
        return self.report

    def _checksums(self, rels: list[str], signatures: list[str | None], read: Callable[[int], str]) -> list[str]:
        """Each file's checksum: the ledger's where the file's signature is the one it was hashed
        with, else `read(index)` (which reads the file), then remembered. One pass over what may be
        50,000 files, each an object only if it must be read."""
        if self.ledger is None:
            return [read(i) for i in range(len(rels))]
        checksums = self.ledger.checksums_of(rels, signatures)
        for i, sha256 in enumerate(checksums):
            if sha256 is None:
                checksums[i] = read(i)
                self.ledger.remember(rels[i], signatures[i], checksums[i])
        return checksums

    def _changed(self, rels: list[str], checksums: list[str], retype: bool) -> list[int]:
        """The indexes of the files whose graph must be written."""
        return list(range(len(rels))) if retype else self.stored.differing(rels, checksums)

    def _source(self, rel: str, source: GraphSource) -> None:
        self.sources[source.graph] = source
        self.written[rel] = source

    def _mapped_reference(self, reference: list[Parsed], mapper: Mapper) -> tuple | bool:
        """What mapping the reference files left for the events: their keys, the IRIs they claimed
        and the shared names they declared; False when they were not all read, or had problems."""
        if self.ledger is None or mapper.problems or not reference:
            return False
        return (reference_declarations(reference), dict(mapper.registry.owners),
                {key: tuple(entry) for key, entry in mapper.shared.items()})

    def _check_mapping_version(self) -> None:
        """A store that another version of the mapping wrote (or one written before versions were
        recorded) has every graph written again: the same files may now give other triples."""
        stored = read_mapping_version(self.store, self.minter.meta_graph)
        if stored == MAPPING_VERSION:
            return
        self.new_version = True
        if self.stored.meta_present or self.stored.graphs.shas:
            self.rewrite = True
            self.report.remapped = (stored, MAPPING_VERSION)

    def _entailments_changed(self, ontology: SourceFile) -> bool:
        if self.unchanged(ONTOLOGY_PATH, ontology.sha256):
            # A ledger is only written by a loader that adds superclass types.
            return not self.stored.from_ledger and self._written_without_superclass_types(self.minter.graph(ONTOLOGY_PATH))
        graph = self.minter.graph(ONTOLOGY_PATH)
        if not self.store.ask(_ANY_IN, {"g": graph}):
            return True
        return entailments(q.triple for q in self.store.quads(graph)) != self.entailed

    def _written_without_superclass_types(self, ontology: ox.NamedNode) -> bool:
        """Whether the store's records were loaded by a version of the loader that did not add
        superclass types: one instance of a subclass tells, as each graph is written whole."""
        rows = self.store.select(_SUBCLASS_INSTANCE, {"ontology": ontology, "meta": self.minter.meta_graph}).rows
        if not rows:
            return False
        subject, cls, graph = rows[0]
        return any(not self.store.ask(_TYPED_IN, {"s": subject, "c": sup, "g": graph}) for sup in self.entailed.classes.get(cls, ()))

    def _parsed(self, reference: list[Parsed], to_read: list[SourceFile], problems: list[Problem]) -> Iterator[Parsed]:
        """The reference files, then each event record as it is read: memory holds at most the few
        chunks of records that worker processes have read ahead (records.parallel), not the project."""
        yield from reference
        results = read_in_order([f for f in to_read if f.kind == "event"], workers=self.workers)
        try:
            for number, file in enumerate(to_read, start=1):
                if file.kind == "event":
                    parsed, file_problems = next(results)
                    problems += file_problems
                    if parsed is not None:
                        yield parsed
                self.progress("read", number, len(to_read))
        finally:
            results.close()

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

    def _write(self, spill: Spill, files: list[str], gone: list[str], ontology: SourceFile) -> None:
        """Drops and the ontology first, then the records' graphs (in batches, or in one bulk load if
        large and the store has a bulk loader), the meta graph last:
        a load cut short leaves no checksum for a graph it did not finish, so the next load redoes it."""
        dropped = {self.minter.graph(rel) for rel in gone} | set(self.stored.strays)
        first = GraphChange(drop=dropped)
        graph = self.minter.graph(ONTOLOGY_PATH)
        if self.rewrite or not self.unchanged(ONTOLOGY_PATH, ontology.sha256):
            first.replace[graph] = ontology_triples(ontology.path, ontology.sha256)
            self._source(ONTOLOGY_PATH, GraphSource(graph, (ONTOLOGY_PATH,), ontology.sha256))
            self.report.files_read.append(ONTOLOGY_PATH)
        total = spill.triples + first.triple_count()
        bulk = spill.triples >= BULK_TRIPLES and isinstance(self.store, BulkGraphStore)
        self.counting = _Counting.start(self, spill, dropped)
        # The store holds nothing but what this load writes: a first build, or emptied below.
        whole = bulk and not self.stored.graphs.shas and not self.stored.meta_present
        if bulk and graph in first.replace and self.store.clear_if_within(spill.graphs | first.drop | {graph, self.minter.meta_graph}):
            # Every graph is written again (a rewrite, a new mapping version or class hierarchy): the
            # store was emptied at once, so the meta graph is written whole, the version with it.
            first.drop = set()
            self.stored.meta_present = False
            self.new_version = True
            whole = True
        batches = () if bulk else (GraphChange(replace=batch) for batch in spill.batches(BATCH_TRIPLES))
        written = 0
        self.progress("write", 0, total)
        for change in chain([first], batches):
            if change.replace or change.drop:
                self.store.apply(change)
                written += change.triple_count()
                self.progress("write", written, total)
        if bulk:
            self.store.bulk_replace(spill.graphs, spill.as_nquads(), whole=whole)
            written += spill.triples
            self.progress("write", written, total)
        if self.sources or dropped or not self.stored.meta_present:
            written += self._write_meta(dropped)
        report = self.report
        for rel in files + [ONTOLOGY_PATH]:
            (report.changed if rel in self.written else report.unchanged).append(rel)
        report.removed = gone
        report.triples_written = written

    def _write_meta(self, dropped: set[ox.NamedNode]) -> int:
        """The meta entries of rewritten and dropped graphs; the whole meta graph when the store
        cannot rewrite part of a graph or has none yet. Returns the triples written."""
        fresh = meta_triples(self.sources[g] for g in sorted(self.sources, key=lambda g: g.value))
        described = set(self.sources) | dropped
        if self.new_version:
            fresh.append(version_triple(self.minter.meta_graph, MAPPING_VERSION))
            described.add(self.minter.meta_graph)
        if self.stored.meta_present and isinstance(self.store, DescribingGraphStore):
            removed, added = self.store.redescribe(self.minter.meta_graph, described, fresh)
            self.meta_delta = added - removed
            return len(fresh)
        meta = StoredMeta.read(self.store, self.minter.meta_graph)
        kept = [t for g, triples in meta.triples.items() if g not in described for t in triples]
        self.store.apply(GraphChange(replace={self.minter.meta_graph: kept + fresh}))
        self.meta_delta = None
        return len(kept) + len(fresh)

    def _keep(self, gone: list[str], blobs: dict) -> None:
        """Bring the ledger up to date with the store as this load left it, and the report's counts."""
        counts, totals = self.counting.finish(self)
        self.report.entities = compact(counts)
        graphs = self.stored.graphs
        for rel in gone:
            graphs.drop(rel)
        for rel, source in self.written.items():
            graphs.put(rel, source.sha256, source.files, self.counting.present(self, source.graph))
        self.report.triples = totals.quads
        self.report.named_graphs = totals.named_graphs
        self.report.source_files = tuple(graphs.source_files())
        try:
            self.ledger.save(graphs, totals, blobs)
        except (OSError, ValueError) as exc:
            # The store is right without it; the next build reads the store itself instead.
            warnings.warn(f"{self.ledger.path}: cannot keep the load's ledger: {exc}", stacklevel=2)


@dataclass
class _Counting:
    """How the store's counts are brought up to date: by the difference a small write makes to
    the things it touches (`before` set), or by counting the whole store again."""

    before: dict | None = None
    quads_before: int = 0
    graphs_before: int = 0
    touched: set = field(default_factory=set)

    @classmethod
    def start(cls, load: _Load, spill: Spill, dropped: set[ox.NamedNode]) -> _Counting:
        ledger = load.ledger
        oxi = getattr(load.store, "oxigraph", None)
        if ledger is None or not ledger.trusted or oxi is None or load.minter.graph(ONTOLOGY_PATH) in load.sources:
            return cls()
        touched = set(spill.graphs) | dropped
        if len(touched) > max(1_000, len(ledger.graphs.shas) // 10):
            # Looking up each touched thing (about 0.5 ms a record) would cost more than counting all.
            return cls()
        subjects: set = set()
        old_quads = 0
        # Streamed: a bulk write's graphs wait on disk, and need not all be held here at once.
        written = (t for batch in spill.batches(BATCH_TRIPLES) for triples in batch.values() for t in triples)
        stored = (q for g in touched for q in oxi.quads_for_pattern(None, None, None, g))
        for statement in chain(written, stored):
            if statement.predicate == RDFS.subClassOf:
                return cls()  # a class hierarchy in the records moves things anywhere: count again
            if statement.predicate == RDF.type:
                subjects.add(statement.subject)
            if isinstance(statement, ox.Quad):
                old_quads += 1
        before = entity_classes(oxi.quads_for_pattern, subjects, _not_counted(load))
        graphs_before = sum(1 for g in touched if oxi.contains_named_graph(g))
        return cls(before, old_quads, graphs_before, touched)

    def present(self, load: _Load, graph: ox.NamedNode) -> bool:
        oxi = getattr(load.store, "oxigraph", None)
        if oxi is not None:
            return oxi.contains_named_graph(graph)
        return graph in load.store.named_graphs()

    def finish(self, load: _Load) -> tuple[dict[str, int], Totals]:
        oxi = getattr(load.store, "oxigraph", None)
        if self.before is None or load.meta_delta is None:
            counts = entity_counts_by_class(load.store, load.minter)
            return counts, Totals(load.store.count(), len(load.store.named_graphs()), counts)
        previous = load.ledger.totals
        after = entity_classes(oxi.quads_for_pattern, set(self.before), _not_counted(load))
        counts = dict(previous.entities)
        shift_counts(counts, self.before, after)
        quads_after = sum(load.store.count(g) for g in self.touched)
        graphs_after = sum(1 for g in self.touched if oxi.contains_named_graph(g))
        return counts, Totals(
            previous.quads + quads_after - self.quads_before + load.meta_delta,
            previous.named_graphs + graphs_after - self.graphs_before,
            {cls: n for cls, n in counts.items() if n},
        )


_SUBCLASS_INSTANCE = """
SELECT ?s ?c ?g WHERE {
  GRAPH ?g { ?s a ?c }
  FILTER(?g != ?ontology && ?g != ?meta)
  GRAPH ?ontology { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?super }
  FILTER(STRSTARTS(STR(?super), "https://w3id.org/culturekg/ontology#"))
} LIMIT 1
"""
_TYPED_IN = "ASK { GRAPH ?g { ?s a ?c } }"
_ANY_IN = "ASK { GRAPH ?g { ?s ?p ?o } }"


def _not_counted(load: _Load) -> set[ox.NamedNode]:
    """Graphs whose types are not entities (see stats._ENTITIES)."""
    return {load.minter.graph(ONTOLOGY_PATH), load.minter.meta_graph}


def _reference_digest(tables: list[SourceFile], ontology: SourceFile, base_iri: str) -> str:
    """What reading and mapping the reference files depends on: their bytes, the ontology, the
    base IRI (claimed IRIs are kept whole), and the code that reads and maps them (a new version
    may read the same files differently)."""
    digest = hashlib.sha256(base_iri.encode())
    for file in sorted(tables, key=lambda f: f.rel):
        digest.update(f"{file.rel}\0{file.sha256}\n".encode())
    digest.update(ontology.sha256.encode())
    digest.update(_code_digest().encode())
    return digest.hexdigest()


@functools.cache
def _code_digest() -> str:
    """The code that reads and maps records, as this process runs it: read once per process."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for source in sorted([*package.glob("records/*.py"), *package.glob("mapping/*.py"), package / "iris.py", package / "vocab.py"]):
        digest.update(source.read_bytes())
    return digest.hexdigest()


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
