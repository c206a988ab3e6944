"""One canonical, sorted copy of the graph that every dump is written from.

Blank nodes get RDFC-1.0 labels (c14n0, c14n1, ...) and statements are sorted, so publishing the same
store twice gives the same bytes whatever order the store returns them in. Sorting is done on the
N-Triples lines pyoxigraph writes (bytes compare in C), then parsed back in that order: an order of
magnitude faster than sorting term objects with a Python key.

The snapshot is kept as (graph name, sorted N-Triples) pairs, default graph first, then named
graphs by IRI.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
GraphLines = list[tuple[GraphName, bytes]]


def _graph_key(graph: GraphName) -> str:
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


def _sorted(ntriples: bytes) -> bytes:
    lines = set(ntriples.splitlines())
    lines.discard(b"")
    return b"".join(line + b"\n" for line in sorted(lines))


def sorted_lines(triples: Iterable[ox.Triple]) -> bytes:
    """N-Triples of the triples, one per line, sorted and without repeats."""
    return _sorted(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def parsed_triples(ntriples: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]


def _dataset_graph_lines(dataset: ox.Dataset) -> GraphLines:
    graphs = sorted({q.graph_name for q in dataset}, key=_graph_key)
    return [(g, sorted_lines(q.triple for q in dataset.quads_for_graph_name(g))) for g in graphs]


def graph_lines(quads: Iterable[ox.Quad]) -> GraphLines:
    """Any quads: canonicalize them all, then sort each graph."""
    return _dataset_graph_lines(canonical_dataset(quads))


def store_graph_lines(store: ox.Store) -> GraphLines:
    """The same as graph_lines(store), faster: each graph is dumped by Oxigraph itself, and only the
    graphs that hold blank nodes are canonicalized (together, since a blank node may occur in several)."""
    names = list(store.named_graphs())
    if any(isinstance(g, ox.BlankNode) for g in names):
        return graph_lines(store)  # blank graph names are relabelled too: take the general way
    graphs: list[GraphName] = [ox.DefaultGraph(), *sorted(names, key=_graph_key)]
    done: dict[str, tuple[GraphName, bytes]] = {}
    blank: list[tuple[GraphName, bytes]] = []
    for graph in graphs:
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        if not data:
            continue
        if b"_:" in data:  # (a literal containing "_:" only costs a needless canonicalization)
            blank.append((graph, data))
        else:
            done[_graph_key(graph)] = (graph, _sorted(data))
    if blank:
        quads = (ox.Quad(q.subject, q.predicate, q.object, graph)
                 for graph, data in blank for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        for graph, data in _dataset_graph_lines(canonical_dataset(quads)):
            done[_graph_key(graph)] = (graph, data)
    return [done[key] for key in sorted(done)]


def quads_of(lines: GraphLines) -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    for graph, data in lines:
        quads.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in parsed_triples(data))
    return quads


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with canonical blank-node labels, sorted by graph, then by N-Triples line."""
    return quads_of(graph_lines(quads))


def union_lines(lines: GraphLines) -> bytes:
    """The distinct triples of all graphs together (what a triples-only format can hold), sorted N-Triples."""
    return _sorted(b"".join(data for _, data in lines))
