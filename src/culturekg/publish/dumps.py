"""The whole graph in six formats, each also gzipped.

pyoxigraph writes N-Triples, N-Quads, Turtle, TriG and RDF/XML (fast); JSON-LD comes from
`jsonld.py`. Input is the canonical sorted quad list, so output bytes depend only on the graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from . import jsonld
from .canonical import union_triples
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


def prefixes(base_iri: str) -> dict[str, str]:
    return jsonld.context(base_iri)


def serialize(fmt: DumpFormat, quads: list[ox.Quad], base_iri: str) -> bytes:
    """`quads` must be canonical and sorted (canonical.canonical_quads)."""
    if fmt.rdf_format == ox.RdfFormat.JSON_LD:
        return jsonld.dumps(jsonld.document(quads, base_iri))
    if fmt.keeps_graphs:
        data = quads
    else:
        data = union_triples(quads)
        if fmt.rdf_format == ox.RdfFormat.RDF_XML:
            check_xml(quads)
    if fmt.rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES):
        return ox.serialize(data, format=fmt.rdf_format)
    return ox.serialize(data, format=fmt.rdf_format, prefixes=prefixes(base_iri))
