"""Load metadata: which file each named graph came from, its checksum, and the sources it names.

The checksums let the next load skip files that did not change; they live in the meta graph of
the store itself, so any store (embedded or remote) carries what the loader needs to know.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ..store.base import GraphStore
from ..vocab import CKG, PROV, RDF, XSD


@dataclass(frozen=True)
class GraphSource:
    graph: ox.NamedNode
    files: tuple[str, ...]
    sha256: str
    derived_from: tuple[str, ...] = ()


def meta_triples(sources: Iterable[GraphSource]) -> list[ox.Triple]:
    triples: list[ox.Triple] = []
    for source in sources:
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


def version_triple(meta_graph: ox.NamedNode, version: int) -> ox.Triple:
    """What the meta graph says of itself: the mapping version that wrote the store's graphs."""
    return ox.Triple(meta_graph, CKG.mappingVersion, ox.Literal(str(version), datatype=XSD.positiveInteger))


def read_mapping_version(store: GraphStore, meta_graph: ox.NamedNode) -> int | None:
    """The mapping version that wrote `store`, read alone: the rest of the meta graph (300,000 triples
    at 50,000 records) is not needed for it."""
    rows = store.select(_MAPPING_VERSION, {"meta": meta_graph, "has": CKG.mappingVersion}).rows
    return _one_version(row[0] for row in rows)


def _one_version(values: Iterable[ox.Term | None]) -> int | None:
    """The version the values state; None when none does, or they disagree (the store cannot say)."""
    versions = {int(v.value) for v in values if v is not None and v.value.isdigit()}
    return versions.pop() if len(versions) == 1 else None


_MAPPING_VERSION = "SELECT ?v WHERE { GRAPH ?meta { ?meta ?has ?v } }"


@dataclass
class StoredMeta:
    """What the last load wrote to the meta graph, by graph."""

    triples: dict[ox.NamedNode, list[ox.Triple]]
    # Whether the graph has no blank node, so that `triples` hold all of it and each can be named in an
    # edit (the loader writes none, but whoever else writes to an endpoint's graphs may).
    whole: bool = True

    @classmethod
    def read(cls, store: GraphStore, meta_graph: ox.NamedNode) -> StoredMeta:
        triples: dict[ox.NamedNode, list[ox.Triple]] = {}
        whole = True
        for quad in store.quads(meta_graph):
            if isinstance(quad.subject, ox.NamedNode):
                triples.setdefault(quad.subject, []).append(quad.triple)
            whole = whole and isinstance(quad.subject, ox.NamedNode) and not isinstance(quad.object, ox.BlankNode)
        return cls(triples, whole)

    def all_triples(self) -> set[ox.Triple]:
        return {t for ts in self.triples.values() for t in ts}

    def sha256(self, graph: ox.NamedNode) -> str | None:
        for triple in self.triples.get(graph, ()):
            if triple.predicate == CKG.sha256:
                return triple.object.value
        return None

    def mapping_version(self, meta_graph: ox.NamedNode) -> int | None:
        """The mapping version that wrote the store (see version_triple)."""
        return _one_version(t.object for t in self.triples.get(meta_graph, ()) if t.predicate == CKG.mappingVersion)

    def files(self, graph: ox.NamedNode) -> list[str]:
        return [t.object.value for t in self.triples.get(graph, ()) if t.predicate == CKG.sourceFile]
