"""Incremental validation: after a load changed some named graphs, revalidate only what they can affect.

The state of the last validation is kept beside the store (`<store>.validation.json.gz`): its results,
and for each named graph the nodes that were subjects and objects in it. After a change:

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

import gzip
import json
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..iris import Minter
from ..project import Project
from ..store.base import GraphStore
from .api import ONTOLOGY_GRAPH, described, engine_for, load_shapes, run_engine
from .results import ValidationReport, ValidationResult
from .shapes import Shapes

STATE_VERSION = 4
_BATCH = 2000


@dataclass
class ValidationState:
    shapes_sha256: str
    base_iri: str
    engine: str
    results: list[ValidationResult]
    # graph IRI → (subjects, objects, predicates) as N-Triples terms.
    nodes: dict[str, tuple[list[str], ...]] = field(default_factory=dict)
    reach: int = 0
    inverse: bool = False
    # False when the run left something to pySHACL or met a constraint of unknown reach.
    exact: bool = True
    # graph IRI → the sha256 of its source files, from the load metadata: what tells a graph changed.
    fingerprints: dict[str, str] = field(default_factory=dict)


def state_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".validation.json.gz")


def save_state(state: ValidationState, path: Path) -> None:
    data = {
        "version": STATE_VERSION, "shapes_sha256": state.shapes_sha256, "base_iri": state.base_iri,
        "engine": state.engine, "reach": state.reach, "inverse": state.inverse, "exact": state.exact,
        **_packed_nodes(state.nodes), "fingerprints": state.fingerprints,
        "results": [_result_to_json(r) for r in state.results],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".tmp")
    # json.dumps, not json.dump: only the one-shot encoder is the C one (13 s against <2 s at 50,000 events).
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    with gzip.open(scratch, "wt", encoding="utf-8", compresslevel=5) as handle:
        handle.write(text)
    scratch.replace(path)  # a reader never sees half a state


def _packed_nodes(nodes: dict[str, tuple[list[str], ...]]) -> dict:
    # Most nodes occur in several graphs (a country in every event that names it): one table of
    # terms and lists of numbers keep the state a fraction of the size.
    table: dict[str, int] = {}
    number = lambda term: table.setdefault(term, len(table))  # noqa: E731
    graphs = {g: [[number(t) for t in part] for part in parts] for g, parts in nodes.items()}
    return {"terms": list(table), "graphs": graphs}


def _unpacked_nodes(data: dict) -> dict[str, tuple[list[str], ...]]:
    terms = data["terms"]
    return {g: tuple([terms[i] for i in part] for part in parts) for g, parts in data["graphs"].items()}


def load_state(path: Path) -> ValidationState | None:
    """The saved state, or None when there is none or it is unusable (a full validation follows)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("version") != STATE_VERSION:
            return None
        return ValidationState(
            shapes_sha256=data["shapes_sha256"], base_iri=data["base_iri"], engine=data["engine"],
            results=_results_from_json(data["results"]),
            nodes=_unpacked_nodes(data),
            reach=int(data["reach"]), inverse=bool(data["inverse"]), exact=bool(data["exact"]),
            fingerprints=dict(data["fingerprints"]),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError):
        return None


def changed_graphs(project: Project, paths: Iterable[str]) -> set[ox.NamedNode]:
    """The named graphs of files (paths relative to the project root, as LoadReport lists them)."""
    minter = Minter(project.base_iri)
    return {minter.graph(p) for p in paths}


def fingerprints(store: GraphStore, project: Project) -> dict[str, str]:
    """Each named graph's source-file checksums (ckg:sha256 in the load metadata), joined."""
    query = ("SELECT ?g ?sha WHERE { GRAPH " + str(Minter(project.base_iri).meta_graph)
             + " { ?g <https://w3id.org/culturekg/ontology#sha256> ?sha } }")
    found: dict[str, list[str]] = {}
    for graph, sha in store.select(query).rows:
        found.setdefault(graph.value, []).append(sha.value)
    return {g: " ".join(sorted(shas)) for g, shas in found.items()}


def graphs_changed_since(store: GraphStore, project: Project, previous: ValidationState) -> set[ox.NamedNode]:
    """Graphs added, dropped or rewritten since `previous` was taken, whatever loads happened in between;
    a graph without checksums in the metadata counts as changed."""
    now = fingerprints(store, project)
    meta = Minter(project.base_iri).meta_graph
    present = {g.value for g in store.named_graphs()} - {meta.value}
    changed = {g for g in present if g not in now or now[g] != previous.fingerprints.get(g)}
    changed |= set(previous.fingerprints) - present
    changed |= set(previous.nodes) - present
    return {ox.NamedNode(g) for g in changed}


def validate_store(store: GraphStore, project: Project, state_file: Path | None, *, engine: str = "fast",
                   incremental: bool = True, shapes: Shapes | None = None) -> ValidationReport:
    """What `culturekg build` and `culturekg validate` run: incremental against the state saved in
    `state_file` when there is a usable one (and `incremental`), else full; the new state is saved."""
    engine = engine_for(store, project, engine)
    previous = load_state(state_file) if (state_file is not None and incremental) else None
    if previous is not None:
        report, state = validate_incremental(store, project, graphs_changed_since(store, project, previous), previous,
                                             engine=engine, shapes=shapes)
    else:
        report, state = validate_full(store, project, engine=engine, shapes=shapes)
    if state_file is not None:
        try:
            save_state(state, state_file)
        except OSError as exc:
            # The report is right without it; only the next incremental run falls back to a full one.
            warnings.warn(f"{state_file}: cannot keep the validation state: {exc}", stacklevel=2)
    return report


def validate_full(store: GraphStore, project: Project, *, engine: str = "fast", shapes: Shapes | None = None,
                  ) -> tuple[ValidationReport, ValidationState]:
    shapes = shapes or load_shapes(project)
    report, run = run_engine(store, shapes, engine=engine, only=None)
    report.results = described(store, project, shapes, report.results)
    state = ValidationState(
        shapes_sha256=shapes.sha256, base_iri=project.base_iri, engine=engine, results=list(report.results),
        nodes=_index(store, project, store.named_graphs()),
        reach=run.reach if run else 0, inverse=run.inverse if run else False,
        exact=run is not None and not run.delegated and not run.unbounded,
        fingerprints=fingerprints(store, project),
    )
    return report, state


def validate_incremental(
    store: GraphStore, project: Project, changed: Iterable[ox.NamedNode], previous: ValidationState | None,
    *, engine: str = "fast", shapes: Shapes | None = None,
) -> tuple[ValidationReport, ValidationState]:
    """Revalidate after the named graphs `changed` were rewritten or dropped; full when it cannot be exact."""
    shapes = shapes or load_shapes(project)
    changed = {g.value for g in changed}
    minter = Minter(project.base_iri)
    if (
        previous is None or not previous.exact or engine == "pyshacl"
        or previous.shapes_sha256 != shapes.sha256 or previous.base_iri != project.base_iri
        or previous.engine != engine or minter.graph(ONTOLOGY_GRAPH).value in changed
    ):
        return validate_full(store, project, engine=engine, shapes=shapes)
    new_nodes = _index(store, project, [ox.NamedNode(g) for g in changed])
    subjects: set = set()
    objects: set = set()
    predicates: set = set()
    for graph in changed:
        for index in (previous.nodes.get(graph), new_nodes.get(graph)):
            if index is not None:
                subjects.update(index[0])
                objects.update(index[1])
                predicates.update(index[2])
    anchors_s = _parse_terms(sorted(subjects))
    anchors_o = _parse_terms(sorted(objects)) if previous.inverse else []
    affected = set(anchors_s) | set(anchors_o)
    affected |= _neighbourhood(store, anchors_s, previous.reach, both_ways=previous.inverse)
    affected |= _neighbourhood(store, anchors_o, previous.reach - 1, both_ways=True)

    touched = frozenset(p.value for p in _parse_terms(sorted(predicates)))
    report, run = run_engine(store, shapes, engine=engine, only=affected, whole_sparql=True, touched=touched)
    if run is None or run.delegated or run.unbounded or run.reach > previous.reach or (run.inverse and not previous.inverse):
        return validate_full(store, project, engine=engine, shapes=shapes)
    kept = [r for r in previous.results if r.focus not in affected and _constraint(r) not in run.whole]
    fresh = described(store, project, shapes, report.results)
    report.results = kept + fresh
    report.revalidated = len(affected)
    nodes = {g: v for g, v in previous.nodes.items() if g not in changed}
    nodes.update(new_nodes)
    state = ValidationState(
        shapes_sha256=shapes.sha256, base_iri=project.base_iri, engine=engine, results=list(report.results),
        nodes=nodes, reach=previous.reach, inverse=previous.inverse, exact=True,
        fingerprints=fingerprints(store, project),
    )
    return report, state


def _constraint(result: ValidationResult) -> tuple:
    # The key FastRun.whole names a SPARQL-based constraint by.
    return (result.source_shape, result.component, result.source_constraint)


def _index(store: GraphStore, project: Project, graphs: Iterable[ox.NamedNode]) -> dict[str, tuple[list[str], ...]]:
    """Subjects, (non-literal) objects and predicates of each named graph; the ontology and the metadata are left out."""
    minter = Minter(project.base_iri)
    skip = {minter.meta_graph.value, minter.graph(ONTOLOGY_GRAPH).value}
    index = {}
    for graph in graphs:
        if graph.value in skip:
            continue
        subjects, objects, predicates = set(), set(), set()
        for quad in store.quads(graph):
            subjects.add(str(quad.subject))
            predicates.add(str(quad.predicate))
            if not isinstance(quad.object, ox.Literal):
                objects.add(str(quad.object))
        if subjects:
            index[graph.value] = (sorted(subjects), sorted(objects), sorted(predicates))
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


def _parse_terms(texts: list[str]) -> list:
    """N-Triples terms back into pyoxigraph terms, all in one parse."""
    if not texts:
        return []
    document = "".join(f"<urn:x:s> <urn:x:p> {t} .\n" for t in texts).encode("utf-8")
    return [quad.object for quad in ox.parse(document, format=ox.RdfFormat.N_TRIPLES)]


def _result_to_json(r: ValidationResult) -> list:
    terms = [r.focus, r.component, r.source_shape, r.severity, r.path, r.value, r.source_constraint]
    return [None if t is None else str(t) for t in terms] + [
        r.message, list(r.source_files), r.focus_label, r.focus_key, r.shape_name, r.path_text]


def _results_from_json(rows: list[list]) -> list[ValidationResult]:
    texts = sorted({t for row in rows for t in row[:7] if t is not None})
    terms = dict(zip(texts, _parse_terms(texts)))
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
