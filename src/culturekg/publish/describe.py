"""The release described in VoID and DCAT: what it is, who publishes it, every file with its checksum,
statistics of the graph, and the links it makes to outside datasets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from ..vocab import (
    CKG_NS,
    DCAT,
    DCT,
    FOAF,
    OWL,
    RDF,
    RDFS,
    SKOS,
    UNESCO_THESAURUS_NS,
    WIKIDATA_NS,
    XSD,
    Namespace,
)
from .canonical import canonical_quads
from .settings import ReleaseInfo

VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
_IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class ReleaseFile:
    """One published file as DCAT describes it."""

    name: str  # path relative to the release folder
    title: str
    media_type: str
    byte_size: int
    sha256: str
    gzipped: bool = False
    is_dump: bool = False


@dataclass(frozen=True)
class Target:
    """An outside dataset the graph links to: by IRI namespace of the objects, or by a code property."""

    key: str
    title: str
    homepage: str
    uri_space: str | None = None
    code_properties: tuple[str, ...] = ()


TARGETS = (
    Target("wikidata", "Wikidata", "https://www.wikidata.org/", uri_space=WIKIDATA_NS),
    Target("unesco-thesaurus", "UNESCO Thesaurus", "http://vocabularies.unesco.org/thesaurus", uri_space=UNESCO_THESAURUS_NS),
    Target("iso-3166", "ISO 3166-1 country codes", "https://www.iso.org/iso-3166-country-codes.html",
           code_properties=(CKG_NS + "iso2", CKG_NS + "iso3")),
    Target("un-m49", "UN M49 standard area codes", "https://unstats.un.org/unsd/methodology/m49/",
           code_properties=(CKG_NS + "m49Code",)),
)


@dataclass
class Statistics:
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: Counter
    properties: Counter
    links: Counter  # (target key, predicate IRI) -> triples


_TYPE_PREDICATE = f"<{RDF.type.value}>".encode()


def statistics(path) -> Statistics:
    """Counts over the distinct triples of a sorted N-Triples file without repeats (a snapshot's
    union), in one pass on the bytes of each line: no term objects, and a subject's lines are
    adjacent, so distinct subjects need no set. (In N-Triples a subject and a predicate hold no space;
    two equal terms have the same text.)"""
    objects: set[bytes] = set()
    classes: Counter = Counter()
    predicates: Counter = Counter()
    space_links: Counter = Counter()
    count = subjects = entities = 0
    previous = b""
    spaces = [(b"<" + t.uri_space.encode(), t.key) for t in TARGETS if t.uri_space]
    with open(path, "rb") as handle:
        for line in handle:
            first = line.index(b" ")
            second = line.index(b" ", first + 1)
            subject, predicate, obj = line[:first], line[first + 1:second], line[second + 1:-3]
            count += 1
            if subject != previous:
                previous = subject
                subjects += 1
                entities += subject[:1] == b"<"
            objects.add(obj)
            predicates[predicate] += 1
            if obj[:1] == b"<":
                if predicate == _TYPE_PREDICATE:
                    classes[obj] += 1
                for prefix, key in spaces:
                    if obj.startswith(prefix):
                        space_links[(key, predicate)] += 1
    properties = Counter({p[1:-1].decode("utf-8"): n for p, n in predicates.items()})
    links: Counter = Counter()
    for target in TARGETS:
        for iri, n in properties.items():
            if iri in target.code_properties:
                links[(target.key, iri)] += n
    for (key, predicate), n in space_links.items():
        links[(key, predicate[1:-1].decode("utf-8"))] += n
    return Statistics(
        triples=count,
        entities=entities,
        distinct_subjects=subjects,
        distinct_objects=len(objects),
        classes=Counter({c[1:-1].decode("utf-8"): n for c, n in classes.items()}),
        properties=properties,
        links=links,
    )


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD.integer)


def description(info: ReleaseInfo, stats: Statistics, files: list[ReleaseFile]) -> list[ox.Triple]:
    dataset = ox.NamedNode(info.dataset_iri)
    triples: list[ox.Triple] = []

    def add(s, p, o):
        triples.append(ox.Triple(s, p, o))

    add(dataset, RDF.type, VOID.Dataset)
    add(dataset, RDF.type, DCAT.Dataset)
    add(dataset, DCT.title, ox.Literal(info.title, language="en"))
    add(dataset, DCT.description, ox.Literal(info.description, language="en"))
    add(dataset, DCT.license, ox.NamedNode(info.licence))
    publisher = ox.NamedNode(info.publisher) if info.publisher else ox.BlankNode("publisher")
    add(dataset, DCT.publisher, publisher)
    add(publisher, RDF.type, FOAF.Agent)
    add(publisher, FOAF.name, ox.Literal(info.publisher_name))
    if info.version:
        add(dataset, DCAT.version, ox.Literal(info.version))
        add(dataset, OWL.versionInfo, ox.Literal(info.version))
    if info.release_date:
        add(dataset, DCT.issued, ox.Literal(info.release_date.isoformat(), datatype=XSD.date))
    add(dataset, VOID.uriSpace, ox.Literal(f"{info.base_iri}id/"))
    add(dataset, VOID.vocabulary, ox.NamedNode(CKG_NS))
    if info.sparql_endpoint:
        add(dataset, VOID.sparqlEndpoint, ox.NamedNode(info.sparql_endpoint))

    add(dataset, VOID.triples, _int(stats.triples))
    add(dataset, VOID.entities, _int(stats.entities))
    add(dataset, VOID.distinctSubjects, _int(stats.distinct_subjects))
    add(dataset, VOID.distinctObjects, _int(stats.distinct_objects))
    add(dataset, VOID.classes, _int(len(stats.classes)))
    add(dataset, VOID.properties, _int(len(stats.properties)))
    for iri, count in sorted(stats.classes.items()):
        part = ox.BlankNode()
        add(dataset, VOID.classPartition, part)
        add(part, VOID.term("class"), ox.NamedNode(iri))
        add(part, VOID.entities, _int(count))
    for iri, count in sorted(stats.properties.items()):
        part = ox.BlankNode()
        add(dataset, VOID.propertyPartition, part)
        add(part, VOID.property, ox.NamedNode(iri))
        add(part, VOID.triples, _int(count))

    for target in TARGETS:
        target_node = ox.NamedNode(f"{info.dataset_iri}/target/{target.key}")
        used = sorted((p, n) for (key, p), n in stats.links.items() if key == target.key)
        if not used:
            continue
        add(target_node, RDF.type, VOID.Dataset)
        add(target_node, DCT.title, ox.Literal(target.title, language="en"))
        add(target_node, FOAF.homepage, ox.NamedNode(target.homepage))
        if target.uri_space:
            add(target_node, VOID.uriSpace, ox.Literal(target.uri_space))
        names: set[str] = set()
        for predicate, count in used:
            name = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            while name in names:
                name += "-"
            names.add(name)
            linkset = ox.NamedNode(f"{info.dataset_iri}/linkset/{target.key}/{quote(name, safe='-')}")
            add(linkset, RDF.type, VOID.Linkset)
            add(dataset, VOID.subset, linkset)
            add(linkset, VOID.subjectsTarget, dataset)
            add(linkset, VOID.objectsTarget, target_node)
            add(linkset, VOID.linkPredicate, ox.NamedNode(predicate))
            add(linkset, VOID.triples, _int(count))

    for f in files:
        dist = ox.NamedNode(f"{info.dataset_iri}/distribution/{f.name}")
        url = ox.NamedNode(info.downloads + f.name)
        add(dataset, DCAT.distribution, dist)
        if f.is_dump:
            add(dataset, VOID.dataDump, url)
        add(dist, RDF.type, DCAT.Distribution)
        add(dist, DCT.title, ox.Literal(f.title, language="en"))
        add(dist, DCAT.downloadURL, url)
        add(dist, DCAT.mediaType, ox.NamedNode(_IANA + f.media_type))
        if f.gzipped:
            add(dist, DCAT.compressFormat, ox.NamedNode(_IANA + "application/gzip"))
        add(dist, DCAT.byteSize, ox.Literal(str(f.byte_size), datatype=XSD.nonNegativeInteger))
        add(dist, DCT.license, ox.NamedNode(info.licence))
        checksum = ox.BlankNode()
        add(dist, SPDX.checksum, checksum)
        add(checksum, RDF.type, SPDX.Checksum)
        add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        add(checksum, SPDX.checksumValue, ox.Literal(f.sha256, datatype=XSD.hexBinary))
    return triples


def turtle(info: ReleaseInfo, stats: Statistics, files: list[ReleaseFile]) -> bytes:
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in description(info, stats, files)]
    ordered = [q.triple for q in canonical_quads(quads)]
    prefixes = {"void": VOID.base, "dcat": DCAT.base, "dct": DCT.base, "spdx": SPDX.base, "foaf": FOAF.base,
                "xsd": XSD.base, "owl": OWL.base, "rdfs": RDFS.base, "skos": SKOS.base, "ckg": CKG_NS}
    return ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
