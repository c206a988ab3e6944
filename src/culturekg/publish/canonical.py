"""One canonical, sorted copy of the graph that every dump is written from.

Blank nodes get RDFC-1.0 labels (c14n0, c14n1, ...) and quads are sorted, so publishing the same
store twice gives the same bytes whatever order the store returns them in.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def _graph_key(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    # The default graph sorts first; named graphs by their N-Quads form.
    return "" if isinstance(graph, ox.DefaultGraph) else str(graph)


def quad_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (_graph_key(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def triple_key(triple: ox.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def _lower_language(quad: ox.Quad) -> ox.Quad:
    # Language tags are case-insensitive; parsers differ in the case they report.
    obj = quad.object
    if isinstance(obj, ox.Literal) and obj.language and obj.language != obj.language.lower():
        return ox.Quad(quad.subject, quad.predicate, ox.Literal(obj.value, language=obj.language.lower()), quad.graph_name)
    return quad


def canonical_quads(quads: Iterable[ox.Quad], *, fold_language_case: bool = False) -> list[ox.Quad]:
    """The quads with canonical blank-node labels, sorted by graph, subject, predicate, object."""
    if fold_language_case:
        quads = map(_lower_language, quads)
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=quad_key)


def union_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The distinct triples of all graphs together (what a triples-only format can hold), sorted."""
    return sorted({q.triple for q in quads}, key=triple_key)
