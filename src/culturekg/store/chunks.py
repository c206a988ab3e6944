"""SPARQL Update requests that replace one named graph, for endpoints without the Graph Store Protocol,
or edit one in place.

A blank node label means one node only inside one request, so every triple that shares a blank
node (directly or through others, as in an OWL restriction or an RDF list) goes into the same
chunk. Terms are written by pyoxigraph's N-Triples serialiser, whose output is valid inside
INSERT DATA and cannot break out of a literal's quotes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyoxigraph as ox


def _groups(triples: Sequence[ox.Triple]) -> list[list[ox.Triple]]:
    """Triples split into groups that share no blank node with each other."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    for triple in triples:
        labels = [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]
        for other in labels[1:]:
            parent[root(other)] = root(labels[0])
        for label in labels:
            root(label)
    grouped: dict[str, list[ox.Triple]] = {}
    groups: list[list[ox.Triple]] = []
    for triple in triples:
        labels = [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]
        if not labels:
            groups.append([triple])
            continue
        key = root(labels[0])
        if key not in grouped:
            grouped[key] = []
            groups.append(grouped[key])
        grouped[key].append(triple)
    return groups


def _chunks(triples: Sequence[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    chunk: list[ox.Triple] = []
    for group in _groups(triples):
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def _insert(graph: ox.NamedNode, triples: list[ox.Triple]) -> str:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        # Virtuoso refuses blank nodes in INSERT DATA; a template over the one empty solution
        # makes one fresh node per label, which is what INSERT DATA means.
        return "INSERT { GRAPH " + str(graph) + " {\n" + body + "} } WHERE { }"
    return "INSERT DATA { GRAPH " + str(graph) + " {\n" + body + "} }"


def update_requests(graph: ox.NamedNode, triples: Sequence[ox.Triple], size: int) -> Iterator[str]:
    """The first request drops the graph and inserts the first chunk in one go; later ones add the rest."""
    if size < 1:
        raise ValueError("chunk size must be at least 1 triple")
    drop = "DROP SILENT GRAPH " + str(graph)
    chunks = _chunks(triples, size)
    first = next(chunks, None)
    yield drop if first is None else drop + " ;\n" + _insert(graph, first)
    for chunk in chunks:
        yield _insert(graph, chunk)


def edit_requests(graph: ox.NamedNode, remove: Sequence[ox.Triple], add: Sequence[ox.Triple], size: int) -> Iterator[str]:
    """DELETE DATA then INSERT DATA of at most `size` triples a request, the removals first. The triples
    must have no blank node: DELETE DATA cannot name one."""
    if size < 1:
        raise ValueError("chunk size must be at least 1 triple")
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in (*remove, *add)):
        raise ValueError("an edit in place cannot name a blank node")
    for verb, triples in (("DELETE DATA", remove), ("INSERT DATA", add)):
        for start in range(0, len(triples), size):
            body = ox.serialize(triples[start:start + size], format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
            yield verb + " { GRAPH " + str(graph) + " {\n" + body + "} }"
