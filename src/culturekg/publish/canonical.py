"""One canonical, sorted copy of the graph that every dump is written from.

Blank nodes get RDFC-1.0 labels (c14n0, c14n1, ...) and statements are sorted, so publishing the same
store twice gives the same bytes whatever order the store returns them in. Sorting is done on the
N-Triples lines pyoxigraph writes (bytes compare in C), then parsed back in that order: an order of
magnitude faster than sorting term objects with a Python key.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def _graph_key(graph: GraphName) -> str:
    # The default graph sorts first; named graphs by their N-Quads form.
    return "" if isinstance(graph, ox.DefaultGraph) else str(graph)


def canonical_dataset(quads: Iterable[ox.Quad]) -> ox.Dataset:
    """The quads with canonical blank-node labels; two datasets equal up to blank-node labels compare equal."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def fold_language_case(dataset: ox.Dataset) -> ox.Dataset:
    """Language tags are case-insensitive and parsers differ in the case they report: lower-case them all."""
    def lower(quad: ox.Quad) -> ox.Quad:
        obj = quad.object
        if isinstance(obj, ox.Literal) and obj.language and obj.language != obj.language.lower():
            return ox.Quad(quad.subject, quad.predicate, ox.Literal(obj.value, language=obj.language.lower()), quad.graph_name)
        return quad

    return canonical_dataset(map(lower, dataset))


def sorted_lines(triples: Iterable[ox.Triple]) -> bytes:
    """N-Triples of the triples, one per line, sorted and without repeats."""
    lines = set(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines())
    lines.discard(b"")
    return b"".join(line + b"\n" for line in sorted(lines))


def parsed_triples(ntriples: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]


def sorted_quads(dataset: ox.Dataset) -> list[ox.Quad]:
    """The dataset's quads by graph (default graph first), then by their N-Triples line."""
    graphs = sorted({q.graph_name for q in dataset}, key=_graph_key)
    ordered: list[ox.Quad] = []
    for graph in graphs:
        triples = parsed_triples(sorted_lines(q.triple for q in dataset.quads_for_graph_name(graph)))
        ordered.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return ordered


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with canonical blank-node labels, sorted."""
    return sorted_quads(canonical_dataset(quads))


def union_ntriples(quads: Iterable[ox.Quad]) -> bytes:
    """The distinct triples of all graphs together (what a triples-only format can hold) as sorted N-Triples."""
    return sorted_lines(q.triple for q in quads)


def union_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    return parsed_triples(union_ntriples(quads))
