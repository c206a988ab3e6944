"""Terms moved between pyoxigraph and rdflib, keeping blank-node labels.

pyoxigraph is the engine; rdflib is the object model at the edges (pySHACL needs an in-memory rdflib
Graph, owlready2 reads what rdflib writes, some parsers are only in rdflib). Building rdflib terms
directly from the store's quads was measured faster than serialising N-Triples from pyoxigraph and
parsing them with rdflib (4.8 s against 8.5 s for 150,000 triples): rdflib's parser costs more than
the term constructors.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Identifier:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))


def to_ox(term: rdflib.term.Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to a pyoxigraph term")


def rdflib_graph(quads: Iterable[ox.Quad | ox.Triple], into: rdflib.Graph | None = None) -> rdflib.Graph:
    """The union of the quads' (or triples') statements as an in-memory rdflib Graph (named graphs merged)."""
    graph = into if into is not None else rdflib.Graph()
    iris: dict[str, rdflib.URIRef] = {}
    add = graph.add

    def convert(term):
        # IRIs repeat (predicates, classes, shared references): one rdflib object each saves time and memory.
        if isinstance(term, ox.NamedNode):
            iri = iris.get(term.value)
            if iri is None:
                iri = iris[term.value] = rdflib.URIRef(term.value)
            return iri
        return to_rdflib(term)

    for quad in quads:
        add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    return graph
