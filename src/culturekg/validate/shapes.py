"""The shapes graph, read once, with stable blank-node labels and a model the fast engine compiles.

Blank-node shapes (the usual `sh:property [ ... ]`) are labelled by RDF Dataset Canonicalization
(RDFC-1.0, done by pyoxigraph), so the same shapes file gives the same labels in every run: a stored
report can be merged with a new one, and both engines name a result's source shape with the same term.
(rdflib's own canonical labelling took 6 s on ontology/shapes.ttl; RDFC-1.0 in pyoxigraph 0.04 s.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from ..errors import ConfigError
from ..vocab import PREFIXES
from .paths import UnsupportedPath, sparql_path
from .terms import rdflib_graph, to_rdflib

Node = rdflib.term.Node

# Parameters of the core constraint components (SHACL §4), by component local name.
CORE_COMPONENTS: dict[str, tuple[rdflib.URIRef, ...]] = {
    "ClassConstraintComponent": (SH["class"],),
    "DatatypeConstraintComponent": (SH.datatype,),
    "NodeKindConstraintComponent": (SH.nodeKind,),
    "MinCountConstraintComponent": (SH.minCount,),
    "MaxCountConstraintComponent": (SH.maxCount,),
    "MinExclusiveConstraintComponent": (SH.minExclusive,),
    "MinInclusiveConstraintComponent": (SH.minInclusive,),
    "MaxExclusiveConstraintComponent": (SH.maxExclusive,),
    "MaxInclusiveConstraintComponent": (SH.maxInclusive,),
    "MinLengthConstraintComponent": (SH.minLength,),
    "MaxLengthConstraintComponent": (SH.maxLength,),
    "PatternConstraintComponent": (SH.pattern, SH.flags),
    "LanguageInConstraintComponent": (SH.languageIn,),
    "UniqueLangConstraintComponent": (SH.uniqueLang,),
    "EqualsConstraintComponent": (SH.equals,),
    "DisjointConstraintComponent": (SH.disjoint,),
    "LessThanConstraintComponent": (SH.lessThan,),
    "LessThanOrEqualsConstraintComponent": (SH.lessThanOrEquals,),
    "NotConstraintComponent": (SH["not"],),
    "AndConstraintComponent": (SH["and"],),
    "OrConstraintComponent": (SH["or"],),
    "XoneConstraintComponent": (SH.xone,),
    "NodeConstraintComponent": (SH.node,),
    "QualifiedValueShapeConstraintComponent": (
        SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
    ),
    "ClosedConstraintComponent": (SH.closed, SH.ignoredProperties),
    "HasValueConstraintComponent": (SH.hasValue,),
    "InConstraintComponent": (SH["in"],),
    "SPARQLConstraintComponent": (SH.sparql,),
}
# The parameter whose presence makes a shape use the component (the others only qualify it).
MAIN_PARAMETER = {name: params[0] for name, params in CORE_COMPONENTS.items()}
MAIN_PARAMETER["QualifiedValueShapeConstraintComponent"] = SH.qualifiedValueShape
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass
class Shape:
    node: Node
    path: Node | None
    severity: rdflib.URIRef
    messages: tuple[rdflib.Literal, ...]
    deactivated: bool
    # Component local name → the shape's values of its main parameter (a shape may repeat one, e.g. sh:class).
    components: dict[str, list[Node]] = field(default_factory=dict)
    properties: list[Node] = field(default_factory=list)

    @property
    def is_property_shape(self) -> bool:
        return self.path is not None


class Shapes:
    """The shapes graph (rdflib, canonical labels) and the ontology graph pySHACL mixes into the data."""

    def __init__(self, shapes_file: Path, ontology_file: Path) -> None:
        for path, what in ((shapes_file, "shapes"), (ontology_file, "ontology")):
            if not path.is_file():
                raise ConfigError(f"{path}: {what} file not found")
        self.shapes_file = shapes_file
        self.ontology_file = ontology_file
        quads, prefixes = _parse(shapes_file)
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        self.graph = rdflib_graph(dataset)
        for prefix, base in [*PREFIXES.items(), *prefixes.items()]:
            self.graph.bind(prefix, base, replace=True)
        self._ontology_quads = _parse(ontology_file)[0]
        self.sha256 = hashlib.sha256(shapes_file.read_bytes() + b"\0" + ontology_file.read_bytes()).hexdigest()
        self._shapes: dict[Node, Shape] = {}

    @cached_property
    def ontology(self) -> rdflib.Graph:
        """The ontology as an rdflib Graph, for pySHACL (building it takes 0.1 s of every run otherwise)."""
        return rdflib_graph(self._ontology_quads)

    def ontology_pairs(self, predicate: rdflib.URIRef) -> list[tuple[Node, Node]]:
        """(subject, object) of the ontology's triples with `predicate`, without building the Graph."""
        return [(to_rdflib(q.subject), to_rdflib(q.object)) for q in self._ontology_quads if q.predicate.value == str(predicate)]

    @cached_property
    def custom_components(self) -> bool:
        """True when the shapes declare their own constraint components (only pySHACL runs those)."""
        return any(self.graph.subjects(RDF.type, SH.ConstraintComponent))

    def shape(self, node: Node) -> Shape:
        if node not in self._shapes:
            # One pass over the node's triples: a lookup per parameter took 0.3 s of an incremental run.
            objects: dict[Node, list[Node]] = {}
            for predicate, value in self.graph.predicate_objects(node):
                objects.setdefault(predicate, []).append(value)
            components = {name: objects[main] for name, main in MAIN_PARAMETER.items() if main in objects}
            deactivated = objects.get(SH.deactivated, [None])[0]
            self._shapes[node] = Shape(
                node=node,
                path=objects.get(SH.path, [None])[0],
                severity=objects.get(SH.severity, [SH.Violation])[0],
                messages=tuple(m for m in objects.get(SH.message, []) if isinstance(m, rdflib.Literal)),
                deactivated=bool(deactivated is not None and deactivated.toPython() is True),
                components=components,
                properties=sorted(objects.get(SH.property, []), key=str),
            )
        return self._shapes[node]

    def targets(self, node: Node) -> dict[rdflib.URIRef, list[Node]]:
        found = {kind: sorted(self.graph.objects(node, kind), key=str) for kind in _TARGETS}
        if self._is_implicit_class(node):
            found[SH.targetClass] = sorted({*found[SH.targetClass], node}, key=str)
        return {kind: nodes for kind, nodes in found.items() if nodes}

    def _is_implicit_class(self, node: Node) -> bool:
        # SHACL §2.1.3.3: a shape that is also an rdfs:Class targets that class's instances.
        classes = {RDFS.Class, *self.graph.subjects(RDFS.subClassOf, RDFS.Class)}
        return any(t in classes for t in self.graph.objects(node, RDF.type))

    @cached_property
    def targeted_shapes(self) -> list[Node]:
        """Shapes with at least one target: where validation starts."""
        nodes = {s for kind in _TARGETS for s in self.graph.subjects(kind, None)}
        nodes |= {s for s in set(self.graph.subjects(RDF.type, None)) if self._is_implicit_class(s)}
        return sorted(nodes, key=str)

    def rdf_list(self, node: Node) -> list[Node]:
        return list(Collection(self.graph, node))

    def name(self, node: Node) -> str:
        """A readable name for a shape: its IRI, or its parent's name and its path for a blank node."""
        if isinstance(node, rdflib.URIRef):
            return _curie(self.graph, node)
        parent = self.graph.value(None, SH.property, node)
        path = self.graph.value(node, SH.path)
        if parent is not None and path is not None:
            return f"{self.name(parent)} / {self.path_text(path)}"
        return f"_:{node}"

    def path_text(self, path: Node) -> str:
        """A SHACL path as a person reads it: SPARQL path syntax with prefixed names."""
        try:
            return sparql_path(self.graph, path, lambda iri: _curie(self.graph, iri)).text
        except UnsupportedPath:
            return str(path)


def _curie(graph: rdflib.Graph, iri: rdflib.URIRef) -> str:
    try:
        return graph.namespace_manager.normalizeUri(iri)
    except Exception:  # rdflib raises several kinds for IRIs it cannot shorten
        return f"<{iri}>"


def _parse(path: Path) -> tuple[list[ox.Quad], dict[str, str]]:
    """The file's triples and prefixes; a syntax error names the file, line and column."""
    parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    try:
        quads = list(parser)
    except SyntaxError as exc:
        raise ConfigError(f"{path}: not valid Turtle: {exc}") from exc
    return quads, dict(parser.prefixes)
