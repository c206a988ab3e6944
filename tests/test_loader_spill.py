"""Graphs waiting to be written come back whole and unchanged, from memory or from disk."""

from __future__ import annotations

import pyoxigraph as ox

from culturekg.mapping.spill import Spill
from culturekg.vocab import XSD


def graph_of(name: str, n: int) -> tuple[ox.NamedNode, list[ox.Triple]]:
    subject = ox.NamedNode(f"https://example.org/{name}")
    triples = [ox.Triple(subject, ox.NamedNode(f"https://example.org/p{i}"), ox.Literal(f"value {i}\n\"quoted\"", language="ru")) for i in range(n)]
    triples.append(ox.Triple(subject, ox.NamedNode("https://example.org/count"), ox.Literal("21", datatype=XSD.nonNegativeInteger)))
    return ox.NamedNode(f"https://example.org/graph/{name}"), triples


def test_graphs_come_back_whole_in_batches_of_about_the_given_size():
    spill = Spill(in_memory=10)
    graphs = dict(graph_of(name, n) for name, n in (("a", 3), ("b", 8), ("c", 0), ("d", 5)))
    for graph, triples in graphs.items():
        spill.add(graph, triples)
    assert spill.triples == sum(len(t) for t in graphs.values())
    assert spill.graphs == set(graphs)
    batches = list(spill.batches(10))
    spill.close()
    assert [sorted(g.value[-1] for g in batch) for batch in batches] == [["a", "b"], ["c", "d"]]
    merged = {graph: triples for batch in batches for graph, triples in batch.items()}
    # Spilled graphs (b after the first 10 triples, c, d) round-trip through N-Triples exactly.
    assert merged == graphs
