"""SHACL property paths (SHACL §2.3.1) as SPARQL property paths, with how far they reach."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH

from .terms import to_ox

UNBOUNDED = 10**6


@dataclass(frozen=True)
class SparqlPath:
    text: str
    # How many edges a value can be from the focus node (UNBOUNDED for * and +).
    length: int
    inverse: bool


class UnsupportedPath(ValueError):
    pass


def _iri(node: rdflib.URIRef) -> str:
    # pyoxigraph writes the IRI, so no character of the shapes file reaches the query unescaped.
    return str(to_ox(node))


def sparql_path(graph: rdflib.Graph, node: rdflib.term.Node, iri: Callable[[rdflib.URIRef], str] = _iri) -> SparqlPath:
    """The path in SPARQL syntax; `iri` writes each IRI (a prefixed name, for showing a path to a person)."""
    if isinstance(node, rdflib.URIRef):
        return SparqlPath(iri(node), 1, False)
    if not isinstance(node, rdflib.BNode):
        raise UnsupportedPath(f"{node!r} is not a SHACL path")
    if graph.value(node, rdflib.RDF.first) is not None:
        parts = [sparql_path(graph, p, iri) for p in Collection(graph, node)]
        if len(parts) < 2:
            raise UnsupportedPath("a sequence path needs at least two members")
        return SparqlPath("(" + "/".join(p.text for p in parts) + ")", min(UNBOUNDED, sum(p.length for p in parts)),
                          any(p.inverse for p in parts))
    if (inner := graph.value(node, SH.inversePath)) is not None:
        part = sparql_path(graph, inner, iri)
        return SparqlPath(f"^({part.text})", part.length, True)
    if (alternatives := graph.value(node, SH.alternativePath)) is not None:
        parts = [sparql_path(graph, p, iri) for p in Collection(graph, alternatives)]
        return SparqlPath("(" + "|".join(p.text for p in parts) + ")", max(p.length for p in parts),
                          any(p.inverse for p in parts))
    for predicate, operator in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        if (inner := graph.value(node, predicate)) is not None:
            part = sparql_path(graph, inner, iri)
            return SparqlPath(f"({part.text}){operator}", part.length if operator == "?" else UNBOUNDED, part.inverse)
    raise UnsupportedPath(f"blank node {node} is not a SHACL path")
