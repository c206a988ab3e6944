"""Incremental validation: after a load changed some named graphs, revalidate only what they can affect.

The state of the last validation is kept beside the store (statefile.py): its results, and for each
named graph the nodes that were subjects, objects and predicates in it. After a change:

- the anchors are the subjects (and, when some path goes backwards, the objects) of the changed
  graphs, before and after the change;
- a core constraint of focus node f reads only triples whose subject lies within `reach` edges of f
  along the shapes' paths (the fast engine measures `reach` while it runs), so the nodes within
  `reach` edges of an anchor (following edges backwards, or both ways when a path is inverse) are
  revalidated, and their old results are replaced;
- SPARQL-based constraints count in `reach` too when reach.py can bound how far their query reads,
  and are then revalidated on the same nodes; the others are rerun on every focus node, as is a
  constraint following a `*`/`+` path of a predicate that some changed triple has.

Anything the fast engine leaves to pySHACL, a change of the ontology or of the shapes, or a missing
state makes the validation a full one. The result equals a full revalidation (tests/test_validate_incremental.py).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..iris import Minter
from ..project import Project
from ..store.base import GraphStore
from .api import ONTOLOGY_GRAPH, described, engine_for, load_shapes, run_engine, validate
from .fast import FastRun
from .results import ValidationReport, ValidationResult
from .shapes import Shapes
from .statefile import Delta, Nodes, Overlay, ValidationState, graph_nodes, load_state, parse_terms, save_state, state_path

__all__ = ["LoadedChanges", "ValidationState", "changed_graphs", "changes_since", "full_state", "graphs_changed_since",
           "load_state", "save_state", "state_path", "validate_and_keep", "validate_full", "validate_incremental", "validate_store"]

_BATCH = 2000
_SHA256 = ox.NamedNode("https://w3id.org/culturekg/ontology#sha256")
_CHECKSUMS = "SELECT ?g ?sha WHERE { GRAPH ?meta { ?g ?sha256 ?sha } }"


def changed_graphs(project: Project, paths: Iterable[str]) -> set[ox.NamedNode]:
    """The named graphs of files (paths relative to the project root, as LoadReport lists them)."""
    minter = Minter(project.base_iri)
    return {minter.graph(p) for p in paths}


@dataclass(frozen=True)
class LoadedChanges:
    """What the load of this build rewrote and dropped (LoadReport.changed and .removed: paths relative to
    the project root), and storestamp.store_stamp of the store taken before the build opened it."""

    changed: tuple[str, ...]
    removed: tuple[str, ...]
    stamp_before: str | None
    # LoadReport.nodes: graph IRI → the nodes of a graph the load wrote, as _index would read them back.
    nodes: Mapping[str, Nodes] = field(default_factory=dict)


def fingerprints(store: GraphStore, project: Project, graphs: Iterable[ox.NamedNode] | None = None) -> dict[str, str]:
    """Each named graph's source-file checksums (ckg:sha256 in the load metadata), joined; `graphs`:
    only those graphs' (a graph without checksums is left out)."""
    meta = Minter(project.base_iri).meta_graph
    local = getattr(store, "oxigraph", None)
    if isinstance(local, ox.Store):
        # A pattern lookup is 3x faster than the same SELECT's solutions.
        subjects = [None] if graphs is None else list(graphs)
        rows = ((q.subject, q.object) for g in subjects for q in local.quads_for_pattern(g, _SHA256, None, meta))
    elif graphs is None:
        rows = store.select(_CHECKSUMS, {"meta": meta, "sha256": _SHA256}).rows
    else:
        rows = [row for g in graphs for row in store.select(_CHECKSUMS, {"meta": meta, "sha256": _SHA256, "g": g}).rows]
    found: dict[str, list[str]] = {}
    for graph, sha in rows:
        found.setdefault(graph.value, []).append(sha.value)
    return {g: " ".join(sorted(shas)) for g, shas in found.items()}


def graphs_changed_since(store: GraphStore, project: Project, previous: ValidationState,
                         now: dict[str, str] | None = None) -> set[ox.NamedNode]:
    """Graphs added, dropped or rewritten since `previous` was taken, whatever loads happened in between;
    a graph without checksums in the metadata counts as changed. `now`: fingerprints(store, project)."""
    now = fingerprints(store, project) if now is None else now
    meta = Minter(project.base_iri).meta_graph
    present = {g.value for g in store.named_graphs()} - {meta.value}
    before = dict(previous.fingerprints.items())
    changed = {g for g in present if g not in now or now[g] != before.get(g)}
    changed |= set(before) - present
    changed |= set(previous.nodes) - present
    return {ox.NamedNode(g) for g in changed}


def changes_since(store: GraphStore, project: Project, previous: ValidationState,
                  loaded: LoadedChanges | None = None) -> tuple[set[ox.NamedNode], Mapping[str, str]]:
    """The graphs changed since `previous` was taken, and the store's fingerprints now.

    When `loaded` is a load that began on the store exactly as the build that saved `previous` left
    it (the same store stamp), what that load rewrote or dropped is all that changed, and only those
    graphs' checksums are read. Otherwise (another writer, a build cut short or run without
    validation, no stamp) every graph's checksums are compared: O(graphs), but right whatever happened."""
    if _continues(previous, loaded, project):
        changed = changed_graphs(project, loaded.changed + loaded.removed)
        fresh = fingerprints(store, project, changed)
        return changed, Overlay(previous.fingerprints, {g.value: fresh.get(g.value) for g in changed})
    now = fingerprints(store, project)
    return graphs_changed_since(store, project, previous, now), now


def _continues(previous: ValidationState, loaded: LoadedChanges | None, project: Project) -> bool:
    if loaded is None or loaded.stamp_before is None or loaded.stamp_before != previous.store_stamp:
        return False
    # LoadReport.removed names a dropped graph by one of its files, which for a table with a sidecar
    # may not be the file the graph is named after: a name that is no known graph cannot be trusted.
    return all(g.value in previous.fingerprints for g in changed_graphs(project, loaded.removed))


def validate_store(store: GraphStore, project: Project, state_file: Path | None, *, engine: str = "fast",
                   incremental: bool = True, shapes: Shapes | None = None) -> ValidationReport:
    """What `culturekg validate` runs: incremental against the state saved in `state_file` when there
    is a usable one (and `incremental`), else full; the new state is saved."""
    return validate_and_keep(store, project, state_file, engine=engine, incremental=incremental, shapes=shapes)[0]


def validate_and_keep(store: GraphStore, project: Project, state_file: Path | None, *, engine: str = "fast",
                      incremental: bool = True, shapes: Shapes | None = None,
                      loaded: LoadedChanges | None = None) -> tuple[ValidationReport, bool]:
    """validate_store, told what the build's load changed (see changes_since); also says whether the
    new state was saved, which is when the build may stamp it (statefile.set_store_stamp)."""
    if state_file is None:
        # Nothing to keep: the state (an index and fingerprints of every graph) would be made for nothing,
        # and it cost more than the validation itself at 100,000 events.
        return validate(store, project, engine=engine, shapes=shapes), False
    engine = engine_for(store, project, engine)
    known = loaded.nodes if loaded is not None else None
    previous = load_state(state_file) if incremental else None
    if previous is not None:
        changed, now = changes_since(store, project, previous, loaded)
        report, state = validate_incremental(store, project, changed, previous, engine=engine, shapes=shapes, now=now,
                                             known=known)
    else:
        report, state = validate_full(store, project, engine=engine, shapes=shapes, known=known)
    try:
        save_state(state, state_file)
    except OSError as exc:
        # The report is right without it; only the next incremental run falls back to a full one.
        warnings.warn(f"{state_file}: cannot keep the validation state: {exc}", stacklevel=2)
        return report, False
    return report, True


def validate_full(store: GraphStore, project: Project, *, engine: str = "fast", shapes: Shapes | None = None,
                  reaches: dict | None = None, known: Mapping[str, Nodes] | None = None) -> tuple[ValidationReport, ValidationState]:
    """`known`: as for _index."""
    shapes = shapes or load_shapes(project)
    report, run = run_engine(store, shapes, engine=engine, only=None, reaches=reaches)
    report.results = described(store, project, shapes, report.results)
    return report, full_state(store, project, shapes, engine, report, run, known)


def full_state(store: GraphStore, project: Project, shapes: Shapes, engine: str, report: ValidationReport,
               run: FastRun | None, known: Mapping[str, Nodes] | None = None) -> ValidationState:
    """The state a full run (run_engine with only=None, its results described) leaves for the next one."""
    return ValidationState(
        shapes_sha256=shapes.sha256, base_iri=project.base_iri, engine=engine, results=list(report.results),
        nodes=_index(store, project, store.named_graphs(), known),
        reach=run.reach if run else 0, inverse=run.inverse if run else False,
        exact=run is not None and not run.delegated and not run.unbounded,
        fingerprints=fingerprints(store, project), reaches=run.reaches if run else {},
    )


def validate_incremental(
    store: GraphStore, project: Project, changed: Iterable[ox.NamedNode], previous: ValidationState | None,
    *, engine: str = "fast", shapes: Shapes | None = None, now: Mapping[str, str] | None = None,
    known: Mapping[str, Nodes] | None = None,
) -> tuple[ValidationReport, ValidationState]:
    """Revalidate after the named graphs `changed` were rewritten or dropped; full when it cannot be exact.
    `now`: the store's fingerprints, when the caller has them already; `known`: as for _index."""
    shapes = shapes or load_shapes(project)
    changed = {g.value for g in changed}
    minter = Minter(project.base_iri)
    if (
        previous is None or not previous.exact or engine == "pyshacl"
        or previous.shapes_sha256 != shapes.sha256 or previous.base_iri != project.base_iri
        or previous.engine != engine or minter.graph(ONTOLOGY_GRAPH).value in changed
    ):
        return validate_full(store, project, engine=engine, shapes=shapes, known=known)
    new_nodes = _index(store, project, [ox.NamedNode(g) for g in changed], known)
    subjects: set = set()
    objects: set = set()
    predicates: set = set()
    for graph in changed:
        for index in (previous.nodes.get(graph), new_nodes.get(graph)):
            if index is not None:
                subjects.update(index[0])
                objects.update(index[1])
                predicates.update(index[2])
    anchors_s = parse_terms(sorted(subjects))
    anchors_o = parse_terms(sorted(objects)) if previous.inverse else []
    affected = set(anchors_s) | set(anchors_o)
    affected |= _neighbourhood(store, anchors_s, previous.reach, both_ways=previous.inverse)
    affected |= _neighbourhood(store, anchors_o, previous.reach - 1, both_ways=True)

    touched = frozenset(p.value for p in parse_terms(sorted(predicates)))
    report, run = run_engine(store, shapes, engine=engine, only=affected, whole_sparql=True, touched=touched,
                             reaches=previous.reaches)
    if run is None or run.delegated or run.unbounded or run.reach > previous.reach or (run.inverse and not previous.inverse):
        return validate_full(store, project, engine=engine, shapes=shapes, reaches=run.reaches if run else None,
                             known=known)
    kept = [r for r in previous.results if r.focus not in affected and _constraint(r) not in run.whole]
    fresh = described(store, project, shapes, report.results)
    report.results = kept + fresh
    report.revalidated = len(affected)
    graphs = {g: new_nodes.get(g) for g in changed}
    state = ValidationState(
        shapes_sha256=shapes.sha256, base_iri=project.base_iri, engine=engine, results=list(report.results),
        nodes=Overlay(previous.nodes, graphs), reach=previous.reach, inverse=previous.inverse, exact=True,
        fingerprints=now if now is not None else fingerprints(store, project), reaches=run.reaches,
    )
    if previous.origin is not None:
        state.delta = Delta(previous.origin, {str(t) for t in affected}, set(run.whole), fresh, graphs,
                            previous.fingerprints)
    return report, state


def _constraint(result: ValidationResult) -> tuple:
    # The key FastRun.whole names a SPARQL-based constraint by.
    return (result.source_shape, result.component, result.source_constraint)


def _index(store: GraphStore, project: Project, graphs: Iterable[ox.NamedNode],
           known: Mapping[str, Nodes] | None = None) -> dict[str, Nodes]:
    """Subjects, (non-literal) objects and predicates of each named graph; the ontology and the metadata
    are left out. `known`: those of graphs the load just wrote (LoadedChanges.nodes), not read again:
    reading every graph back cost 104 s at 50,000 events, most of it decoding terms."""
    minter = Minter(project.base_iri)
    skip = {minter.meta_graph.value, minter.graph(ONTOLOGY_GRAPH).value}
    known = known or {}
    index = {}
    for graph in graphs:
        if graph.value in skip:
            continue
        nodes = known.get(graph.value)
        if nodes is None:
            nodes = graph_nodes(store.quads(graph))[0]
        if nodes[0]:
            index[graph.value] = nodes
    return index


def _neighbourhood(store: GraphStore, start: list, hops: int, *, both_ways: bool) -> set:
    """Nodes from which `start` is reached in 1..hops edges (and, `both_ways`, reached from it)."""
    found: set = set()
    frontier = [t for t in start if isinstance(t, ox.NamedNode)]
    for _ in range(max(hops, 0)):
        reached: set = set()
        for at in range(0, len(frontier), _BATCH):
            values = " ".join(str(t) for t in frontier[at:at + _BATCH])
            # Many rows, so a VALUES block rather than sparql.bind's one; the terms are written by pyoxigraph.
            reached |= {row[0] for row in store.select("SELECT DISTINCT ?n WHERE { VALUES ?a { " + values + " } ?n ?p ?a }").rows}
            if both_ways:
                reached |= {row[0] for row in store.select(
                    "SELECT DISTINCT ?n WHERE { VALUES ?a { " + values + " } ?a ?p ?n FILTER(!isLiteral(?n)) }").rows}
        new = reached - found - set(start)
        found |= reached
        frontier = [t for t in new if isinstance(t, ox.NamedNode)]
        if not frontier:
            break
    return found
