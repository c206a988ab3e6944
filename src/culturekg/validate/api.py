"""validate(): choose the engine, run it over the store, and trace each result to its record file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pyoxigraph as ox
import rdflib

from ..errors import ConfigError
from ..iris import Minter
from ..project import Project
from ..records.files import signature, stat_or_none
from ..store.base import GraphStore
from .fast import FastEngine, FastRun, reduced_shapes_graph
from .provenance import with_provenance
from .pyshacl_engine import data_graph, run_pyshacl
from .results import ValidationReport, ValidationResult
from .shapes import Shapes
from .terms import quiet_rdflib, to_ox, to_rdflib

ENGINES = ("auto", "fast", "pyshacl")
ONTOLOGY_GRAPH = "ontology/culturekg.ttl"


# The shapes last read, by their files' signatures: a process that validates more than once (the
# build daemon) reads them again only when a file changed. Parsing, canonicalizing and modelling
# them is 0.05-0.08 s of a one-record build.
_read: dict[tuple[str, ...], Shapes] = {}


def load_shapes(project: Project) -> Shapes:
    key = tuple(f"{path}|{signature(stat_or_none(path))}" for path in (project.shapes_file, project.ontology_file))
    shapes = _read.get(key)
    if shapes is None:
        shapes = Shapes(project.shapes_file, project.ontology_file)
        _read.clear()
        _read[key] = shapes
    return shapes


def validate(
    store: GraphStore,
    project: Project,
    *,
    engine: str = "auto",
    graphs: Iterable[ox.NamedNode] | None = None,
    shapes: Shapes | None = None,
) -> ValidationReport:
    """Validate the store's union graph against the project's shapes.

    `graphs`: check only the nodes typed in these named graphs (the data they reference is still
    read from the whole store). `engine`: "fast" (SPARQL on the store, pySHACL for what it does not
    compile), "pyshacl" (the reference), or "auto" (fast when the store holds the ontology graph, as
    the loader writes it; else pySHACL, which is given the ontology file).
    """
    shapes = shapes or load_shapes(project)
    only = typed_in(store, graphs) if graphs is not None else None
    report, _ = run_engine(store, shapes, engine=engine_for(store, project, engine), only=only)
    report.results = described(store, project, shapes, report.results)
    return report


def engine_for(store: GraphStore, project: Project, engine: str) -> str:
    """The engine that will run. The fast engine's SPARQL reads the class hierarchy from the store, so it
    needs the ontology graph there (the loader writes it); pySHACL is given the ontology file instead."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown validation engine {engine!r}: expected one of {', '.join(ENGINES)}")
    if engine == "pyshacl":
        return engine
    ontology = Minter(project.base_iri).graph(ONTOLOGY_GRAPH)
    # ASK, not named_graphs(): listing 50,000 record graphs took a second.
    if store.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": ontology}):
        return "fast"
    if engine == "auto":
        return "pyshacl"
    raise ConfigError(f"the store has no ontology graph <{ontology.value}>, which the fast engine needs: "
                      "run `culturekg build`, or use --engine pyshacl")


def described(store: GraphStore, project: Project, shapes: Shapes, results: list[ValidationResult]) -> list[ValidationResult]:
    """The results with their record files, focus labels and keys, and readable shape names."""
    return [
        replace(r, shape_name=shapes.name(to_rdflib(r.source_shape)),
                path_text=shapes.path_text(to_rdflib(r.path)) if isinstance(r.path, ox.BlankNode) else None)
        for r in with_provenance(store, project, results)
    ]


def shape_descriptions(shapes: Shapes, report: ValidationReport) -> list[ox.Triple]:
    """The shapes-graph triples of the blank-node shapes and paths a report names, so its Turtle stands alone."""
    todo = [to_rdflib(t) for r in report.results for t in (r.source_shape, r.path) if isinstance(t, ox.BlankNode)]
    seen: set = set()
    triples = []
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.graph.predicate_objects(node):
            triples.append(ox.Triple(to_ox(node), to_ox(p), to_ox(o)))
            if isinstance(o, rdflib.BNode):
                todo.append(o)
    return triples


def run_engine(
    store: GraphStore, shapes: Shapes, *, engine: str, only: set | None, whole_sparql: bool = False,
    touched: frozenset[str] = frozenset(), reaches: dict | None = None,
) -> tuple[ValidationReport, FastRun | None]:
    """Results for the focus nodes in `only` (all when None); with `whole_sparql` the SPARQL-based
    constraints the fast engine reran on every focus node (run.whole) report on all of them
    (incremental validation replaces their old results whole). `touched`, `reaches`: see FastEngine."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown validation engine {engine!r}: expected one of {', '.join(ENGINES)}")
    if engine == "pyshacl":
        results = run_pyshacl(data_graph(store.quads()), shapes)
        if only is not None:
            results = [r for r in results if r.focus in only]
        return ValidationReport(_unique(results), engine="pyshacl"), None
    with quiet_rdflib():
        run = FastEngine(store, shapes, only=only, touched=touched, reaches=reaches).run()
    results = run.results + [r for r in run.sparql_results if whole_sparql or only is None or r.focus in only]
    reduced = reduced_shapes_graph(shapes, run)
    if reduced is not None:
        delegated = run_pyshacl(data_graph(store.quads()), shapes, shacl_graph=reduced)
        results += [r for r in delegated if only is None or r.focus in only]
    names = tuple(sorted({component for _, component in run.delegated}))
    return ValidationReport(_unique(results), engine="fast", delegated=names), run


def typed_in(store: GraphStore, graphs: Iterable[ox.NamedNode]) -> set:
    """The subjects of rdf:type triples in the given named graphs."""
    found = set()
    for graph in graphs:
        found |= {q.subject for q in store.quads(graph) if q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}
    return found


def _unique(results: list[ValidationResult]) -> list[ValidationResult]:
    # Engines may report one result twice (a shape reached from two parents); a report is a set.
    seen: dict[tuple, ValidationResult] = {}
    for result in results:
        seen.setdefault(result.identity, result)
    return list(seen.values())


def count_violations(report: ValidationReport) -> dict[str, int]:
    """Counts for `culturekg build`: results per severity, and how many record files have any."""
    counts = report.counts()
    return {
        "violations": counts.get("Violation", 0),
        "warnings": counts.get("Warning", 0),
        "infos": counts.get("Info", 0),
        "files": len(report.by_source_file()),
    }
