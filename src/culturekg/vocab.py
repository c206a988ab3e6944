"""Typed vocabulary terms as pyoxigraph NamedNodes.

`CKG.startDate` is checked against `ontology/culturekg.ttl`: a misspelt term raises
AttributeError instead of quietly minting an IRI that no shape or query knows.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from .project import shipped_ontology_file

CKG_NS = "https://w3id.org/culturekg/ontology#"
ROLE_NS = "https://w3id.org/culturekg/ontology/role/"
INSTRUMENT_NS = "https://w3id.org/culturekg/ontology/instrument/"
SOURCE_KIND_NS = "https://w3id.org/culturekg/ontology/source-kind/"
UNESCO_THESAURUS_NS = "http://vocabularies.unesco.org/thesaurus/"
WIKIDATA_NS = "http://www.wikidata.org/entity/"


class Namespace:
    """Plain namespace: any local name is allowed (for external vocabularies)."""

    def __init__(self, base: str) -> None:
        self.base = base

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = ox.NamedNode(self.base + name)
        setattr(self, name, node)
        return node

    def term(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + name)


class ClosedNamespace(Namespace):
    """A namespace whose terms are the IRIs that the ontology declares."""

    def __init__(self, base: str, ontology: Path | None = None) -> None:
        super().__init__(base)
        self._ontology = ontology

    @cached_property
    def names(self) -> frozenset[str]:
        path = self._ontology or shipped_ontology_file()
        names: set[str] = set()
        with path.open("rb") as handle:
            for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE, base_iri=CKG_NS):
                subject = triple.subject
                if isinstance(subject, ox.NamedNode) and subject.value.startswith(self.base):
                    names.add(subject.value[len(self.base):])
        return frozenset(names)

    def term(self, name: str) -> ox.NamedNode:
        if name not in self.names:
            raise AttributeError(f"{self.base}{name} is not declared in the culturekg ontology")
        return ox.NamedNode(self.base + name)

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("_") or name in ("names",):
            raise AttributeError(name)
        # Kept as an attribute so the next lookup skips this method: the loader makes millions.
        node = self.term(name)
        setattr(self, name, node)
        return node


CKG = ClosedNamespace(CKG_NS)
ROLE = ClosedNamespace(ROLE_NS)
INSTRUMENT = ClosedNamespace(INSTRUMENT_NS)
SOURCE_KIND = ClosedNamespace(SOURCE_KIND_NS)

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCT = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
UNESCO = Namespace(UNESCO_THESAURUS_NS)
WD = Namespace(WIKIDATA_NS)

PREFIXES: dict[str, str] = {
    "ckg": CKG_NS,
    "ckgr": ROLE_NS,
    "ckgi": INSTRUMENT_NS,
    "ckgs": SOURCE_KIND_NS,
    "rdf": RDF.base,
    "rdfs": RDFS.base,
    "owl": OWL.base,
    "xsd": XSD.base,
    "skos": SKOS.base,
    "prov": PROV.base,
    "dct": DCT.base,
    "dcat": DCAT.base,
    "schema": SCHEMA.base,
    "foaf": FOAF.base,
    "org": ORG.base,
    "time": TIME.base,
    "sh": SH.base,
    "unesco": UNESCO.base,
    "wd": WD.base,
}
