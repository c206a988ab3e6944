"""Load metadata: which file each named graph came from, its checksum, and the sources it names.

The checksums let the next load skip files that did not change; they live in the meta graph of
the store itself, so any store (embedded or remote) carries what the loader needs to know.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ..store.base import GraphStore
from ..vocab import CKG, PROV, RDF


@dataclass(frozen=True)
class GraphSource:
    graph: ox.NamedNode
    files: tuple[str, ...]
    sha256: str
    derived_from: tuple[str, ...] = ()


def meta_triples(sources: Iterable[GraphSource]) -> list[ox.Triple]:
    triples: list[ox.Triple] = []
    for source in sorted(sources, key=lambda s: s.graph.value):
        g = source.graph
        triples.append(ox.Triple(g, RDF.type, PROV.Entity))
        for path in source.files:
            triples.append(ox.Triple(g, CKG.sourceFile, ox.Literal(path)))
        triples.append(ox.Triple(g, CKG.sha256, ox.Literal(source.sha256)))
        for url in source.derived_from:
            try:
                triples.append(ox.Triple(g, PROV.wasDerivedFrom, ox.NamedNode(url)))
            except ValueError:
                # Only checked URLs get here; one pyoxigraph still refuses is left out of the
                # provenance rather than failing a load whose data is sound.
                continue
    return triples


def stored_checksums(store: GraphStore, meta_graph: ox.NamedNode) -> dict[ox.NamedNode, str]:
    """Graph -> SHA-256 as the last load recorded them."""
    sha256 = CKG.sha256
    return {
        quad.subject: quad.object.value
        for quad in store.quads(meta_graph)
        if quad.predicate == sha256 and isinstance(quad.subject, ox.NamedNode)
    }
