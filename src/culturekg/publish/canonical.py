"""One canonical, sorted copy of the graph that every dump is written from.

Blank nodes get RDFC-1.0 labels (c14n0, c14n1, ...) and statements are sorted, so publishing the same
store twice gives the same bytes whatever order the store returns them in. Sorting is done on the
N-Triples lines pyoxigraph writes (bytes compare in C), then parsed back in that order: an order of
magnitude faster than sorting term objects with a Python key.

Graphs are kept as (graph name, sorted N-Triples) pairs, default graph first, then named graphs by
IRI; `snapshot` writes them to disk.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
GraphLines = list[tuple[GraphName, bytes]]


def graph_key(graph: GraphName) -> str:
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


def sorted_ntriples(ntriples: bytes) -> bytes:
    """The N-Triples lines sorted, without repeats or empty lines."""
    lines = set(ntriples.splitlines())
    lines.discard(b"")
    return b"".join(line + b"\n" for line in sorted(lines))


def sorted_lines(triples: Iterable[ox.Triple]) -> bytes:
    """N-Triples of the triples, one per line, sorted and without repeats."""
    return sorted_ntriples(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def parsed_triples(ntriples: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]


def dataset_graph_lines(dataset: ox.Dataset) -> GraphLines:
    graphs = sorted({q.graph_name for q in dataset}, key=graph_key)
    return [(g, sorted_lines(q.triple for q in dataset.quads_for_graph_name(g))) for g in graphs]


def graph_lines(quads: Iterable[ox.Quad]) -> GraphLines:
    """Any quads: canonicalize them all, then sort each graph."""
    return dataset_graph_lines(canonical_dataset(quads))


def quads_of(lines: GraphLines) -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    for graph, data in lines:
        quads.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in parsed_triples(data))
    return quads


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with canonical blank-node labels, sorted by graph, then by N-Triples line."""
    return quads_of(graph_lines(quads))
