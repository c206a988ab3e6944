"""The whole graph in six formats, each written as a stream from the on-disk snapshot.

N-Quads and N-Triples are the snapshot's own files; pyoxigraph writes Turtle, TriG and RDF/XML from
the snapshot's statements as they are parsed (its writers keep only the current subject); JSON-LD
comes from `jsonld.py`, one graph at a time. Output bytes depend only on the graph.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from . import jsonld
from .limits import check_xml
from .sink import EscapeCarriageReturns
from .snapshot import Snapshot


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


def prefixes(base_iri: str) -> dict[str, str]:
    return jsonld.context(base_iri)


def write(fmt: DumpFormat, snapshot: Snapshot, base_iri: str, output) -> None:
    """Write the snapshot in `fmt` to the binary stream `output`; UnrepresentableTerm (before anything
    is written) when the format cannot carry a value."""
    if fmt.rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES):
        with open(snapshot.statements_path(fmt.keeps_graphs), "rb") as source:
            shutil.copyfileobj(source, output, 1 << 20)
    elif fmt.rdf_format == ox.RdfFormat.JSON_LD:
        jsonld.write_dump(snapshot.by_graph, snapshot.graphs, base_iri, output)
    elif fmt.rdf_format == ox.RdfFormat.TRIG:
        ox.serialize(snapshot.quads(), output, format=fmt.rdf_format, prefixes=prefixes(base_iri))
    elif fmt.rdf_format == ox.RdfFormat.RDF_XML:
        write_rdf_xml(snapshot.triples, base_iri, output)
    else:
        ox.serialize(snapshot.triples(), output, format=fmt.rdf_format, prefixes=prefixes(base_iri))
    output.flush()


def write_rdf_xml(triples: Callable[[], Iterable[ox.Triple]], base_iri: str, output) -> None:
    """RDF/XML of the triples `triples()` gives (called twice: a large graph is read again, not held);
    UnrepresentableTerm, before anything is written, when XML 1.0 cannot carry them."""
    check_xml(triples())
    ox.serialize(triples(), EscapeCarriageReturns(output), format=ox.RdfFormat.RDF_XML, prefixes=prefixes(base_iri))


def rdf_xml(triples: Callable[[], Iterable[ox.Triple]], base_iri: str) -> bytes:
    """The same as bytes (the server writes an entity's description so)."""
    buffer = io.BytesIO()
    write_rdf_xml(triples, base_iri, buffer)
    return buffer.getvalue()
