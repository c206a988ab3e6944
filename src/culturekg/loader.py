"""Load a project's records into a store: read and check everything, then write only what changed.

`load(project, store)` is what `culturekg build` runs. It is all or nothing: every file under
`data/` is read, checked and mapped first; if any has a problem, a RecordError lists them all
(file, line, field) and the store is not touched. Otherwise one GraphChange replaces the graphs of
changed files, drops those of deleted files and leaves the rest as they are.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import Problem, RecordError
from .iris import Minter
from .mapping import Mapper, build_index
from .mapping.provenance import GraphSource, meta_triples, stored_checksums
from .project import Project
from .records.files import SIDECAR_SUFFIX, Parsed, discover, read_all
from .store.base import GraphChange, GraphStore
from .vocab import PREFIXES, RDF

ONTOLOGY_PATH = "ontology/culturekg.ttl"
EVENTS_DIR = "data/records/events/"

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


@dataclass
class _Graph:
    source: GraphSource
    triples: list[ox.Triple]


def load(project: Project, store: GraphStore, progress: Progress | None = None) -> LoadReport:
    """Read, check and map every record file of `project`, then bring `store` up to date.

    Raises RecordError (with every problem found) before writing anything if a file is malformed,
    refers to an unknown key, or would mint an IRI another thing already has.
    """
    minter = Minter(project.base_iri)
    graphs = _map_project(project, minter, progress)
    graphs.append(_ontology_graph(project, minter))
    return _apply(store, minter, graphs, progress)


load_project = load


def _map_project(project: Project, minter: Minter, progress: Progress | None) -> list[_Graph]:
    files, problems = discover(project.root)
    parsed, read_problems = read_all(files, progress)
    problems += read_problems
    index, index_problems = build_index(parsed)
    problems += index_problems
    failed = {p.path for p in problems}
    if any(not path.startswith(EVENTS_DIR) for path in failed):
        # With a reference file unread, every record naming its keys would look wrong too.
        raise RecordError(problems)
    # Only event records failed: map the rest anyway, so one run reports every problem.
    parsed = [item for item in parsed if item.file.rel not in failed]
    mapper = Mapper(project.base_iri, index)
    graphs: list[_Graph] = []
    for number, item in enumerate(parsed, start=1):
        emitter = mapper.map(item)
        graphs.append(_Graph(_graph_source(item, minter), emitter.triples))
        if progress is not None:
            progress("map", number, len(parsed))
    if problems or mapper.problems:
        raise RecordError(_sorted(problems + mapper.problems))
    return graphs


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line or 0))


def _graph_source(item: Parsed, minter: Minter) -> GraphSource:
    files = [item.file.rel]
    if item.file.sidecar is not None:
        files.append(item.file.rel.removesuffix(".csv") + SIDECAR_SUFFIX)
    return GraphSource(minter.graph(item.file.rel), tuple(files), item.sha256, tuple(item.source_urls))


def _ontology_graph(project: Project, minter: Minter) -> _Graph:
    """The ontology in its own graph, so queries can follow the class and property hierarchy."""
    data = project.ontology_file.read_bytes()
    try:
        triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=PREFIXES["ckg"]))
    except SyntaxError as exc:
        raise RecordError([Problem(ONTOLOGY_PATH, f"not valid Turtle: {exc}")]) from None
    digest = hashlib.sha256(data).hexdigest()
    source = GraphSource(minter.graph(ONTOLOGY_PATH), (ONTOLOGY_PATH,), digest)
    return _Graph(source, _stable_blank_nodes(triples, digest[:16]))


def _stable_blank_nodes(triples: list[ox.Triple], prefix: str) -> list[ox.Triple]:
    """Blank nodes named by order of appearance in the file, so the same file always gives the
    same quads; the file's digest in the name keeps them apart from any other graph's."""
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            if term not in names:
                names[term] = ox.BlankNode(f"o{prefix}b{len(names)}")
            return names[term]
        return term

    return [ox.Triple(stable(t.subject), t.predicate, stable(t.object)) for t in triples]


def _apply(store: GraphStore, minter: Minter, graphs: list[_Graph], progress: Progress | None) -> LoadReport:
    previous = stored_checksums(store, minter.meta_graph)
    present = store.named_graphs()
    report = LoadReport(files_read=[p for g in graphs for p in g.source.files])
    change = GraphChange()
    for graph in graphs:
        name = graph.source.graph
        if previous.get(name) == graph.source.sha256 and name in present:
            report.unchanged.append(graph.source.files[0])
        else:
            change.replace[name] = graph.triples
            report.changed.append(graph.source.files[0])
    current = {g.source.graph for g in graphs}
    gone = {name for name in previous if name not in current}
    removed_files = {q.subject: q.object.value for q in store.quads(minter.meta_graph)
                     if q.subject in gone and q.predicate.value.endswith("#sourceFile")}
    report.removed = sorted(set(removed_files.values()))
    change.drop |= gone
    meta = meta_triples(g.source for g in graphs)
    if change.replace or change.drop or minter.meta_graph not in present:
        change.replace[minter.meta_graph] = meta
    report.triples_written = change.triple_count()
    if progress is not None:
        progress("write", 0, report.triples_written)
    store.apply(change)
    if progress is not None:
        progress("write", report.triples_written, report.triples_written)
    report.entities = _entities(graphs[:-1])
    return report


def _entities(graphs: list[_Graph]) -> dict[str, int]:
    """Distinct subjects per rdf:type over the mapped records (not the ontology)."""
    typed: set[tuple[str, str]] = set()
    for graph in graphs:
        for triple in graph.triples:
            if triple.predicate == RDF.type:
                typed.add((triple.object.value, triple.subject.value))
    counts = Counter(cls for cls, _ in typed)
    return {_curie(cls): n for cls, n in counts.items()}


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
