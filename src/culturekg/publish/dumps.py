"""The whole graph in six formats, each also gzipped.

pyoxigraph writes N-Triples, N-Quads, Turtle, TriG and RDF/XML (fast); JSON-LD comes from
`jsonld.py`. Input is a Snapshot (canonical, sorted), so output bytes depend only on the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox

from . import jsonld
from .canonical import GraphLines, graph_lines, quads_of, store_graph_lines, union_lines
from .limits import check_xml


@dataclass(frozen=True)
class DumpFormat:
    name: str
    extension: str
    media_type: str
    keeps_graphs: bool
    rdf_format: ox.RdfFormat


FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat("N-Quads", "nq", "application/n-quads", True, ox.RdfFormat.N_QUADS),
    DumpFormat("TriG", "trig", "application/trig", True, ox.RdfFormat.TRIG),
    DumpFormat("JSON-LD", "jsonld", "application/ld+json", True, ox.RdfFormat.JSON_LD),
    DumpFormat("N-Triples", "nt", "application/n-triples", False, ox.RdfFormat.N_TRIPLES),
    DumpFormat("Turtle", "ttl", "text/turtle", False, ox.RdfFormat.TURTLE),
    DumpFormat("RDF/XML", "rdf", "application/rdf+xml", False, ox.RdfFormat.RDF_XML),
)


class Snapshot:
    """The graph as the release writes it: canonical quads in order, and the union of their triples.

    `Snapshot(quads)` takes any quads; `Snapshot.of(store)` is faster for the embedded store."""

    def __init__(self, quads: Iterable[ox.Quad] | None = None, *, lines: GraphLines | None = None) -> None:
        self._lines: GraphLines = lines if lines is not None else graph_lines(quads or [])
        self.quads: list[ox.Quad] = quads_of(self._lines)

    @classmethod
    def of(cls, store) -> "Snapshot":
        """From a GraphStore; Oxigraph's own dump is used when the store is embedded."""
        native = getattr(store, "oxigraph", None)
        if isinstance(native, ox.Store):
            return cls(lines=store_graph_lines(native))
        return cls(store.quads())

    @cached_property
    def ntriples(self) -> bytes:
        """Distinct triples of all graphs, sorted N-Triples (this is the N-Triples dump)."""
        return union_lines(self._lines)

    def triples(self) -> Iterator[ox.Triple]:
        """The union's triples in order, parsed afresh each time: a large graph is not held twice."""
        return (q.triple for q in ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES))

    @cached_property
    def nquads(self) -> bytes:
        return ox.serialize(self.quads, format=ox.RdfFormat.N_QUADS)

    def statements(self, keeps_graphs: bool) -> bytes:
        """The canonical N-Quads text a dump must read back as: with graphs, or all triples without."""
        return self.nquads if keeps_graphs else self.ntriples

def prefixes(base_iri: str) -> dict[str, str]:
    return jsonld.context(base_iri)


def serialize(fmt: DumpFormat, snapshot: Snapshot, base_iri: str) -> bytes:
    if fmt.rdf_format == ox.RdfFormat.JSON_LD:
        return jsonld.dumps(jsonld.document(snapshot.quads, base_iri))
    if fmt.rdf_format == ox.RdfFormat.N_QUADS:
        return snapshot.nquads
    if fmt.rdf_format == ox.RdfFormat.N_TRIPLES:
        return snapshot.ntriples
    if fmt.rdf_format == ox.RdfFormat.TRIG:
        return ox.serialize(snapshot.quads, format=fmt.rdf_format, prefixes=prefixes(base_iri))
    if fmt.rdf_format == ox.RdfFormat.RDF_XML:
        return rdf_xml(snapshot.triples, base_iri)
    return ox.serialize(snapshot.triples(), format=fmt.rdf_format, prefixes=prefixes(base_iri))


def rdf_xml(triples: Callable[[], Iterable[ox.Triple]], base_iri: str) -> bytes:
    """RDF/XML of the triples `triples()` gives (called twice: a large graph is read again, not held);
    UnrepresentableTerm when XML 1.0 cannot carry them. The release and the server both write it so."""
    check_xml(triples())
    data = ox.serialize(triples(), format=ox.RdfFormat.RDF_XML, prefixes=prefixes(base_iri))
    # pyoxigraph writes a carriage return as it is, and XML readers turn "\r\n" into "\n": a
    # character reference keeps it. Literals are element text, the only place a CR can be.
    return data.replace(b"\r", b"&#13;")
