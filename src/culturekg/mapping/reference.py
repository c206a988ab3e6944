"""Reference tables and files to RDF: places, organizations, people, posts, conventions, concepts,
and States' memberships of conventions."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from ..iris import compound
from ..records.dates import PartialDate, date_literal
from ..records.files import Parsed
from ..records.schema import Rec
from ..vocab import CKG, INSTRUMENT, RDF, RDFS, SKOS, UNESCO, WD, XSD
from .context import Emitter, plain, text

ORG_CLASSES = {
    "intergovernmental-organization": "IntergovernmentalOrganization", "field-office": "FieldOffice",
    "secretariat": "Secretariat", "category-2-centre": "CategoryTwoCentre", "ministry": "Ministry",
    "government-agency": "GovernmentAgency", "regional-administration": "RegionalAdministration",
    "parliament": "Parliament", "national-commission": "NationalCommission", "ngo": "NGO",
    "unesco-club-federation": "UnescoClubFederation", "professional-union": "ProfessionalUnion",
    "media-organization": "MediaOrganization", "museum": "Museum", "gallery": "Gallery",
    "cultural-centre": "CulturalCentre", "university": "University", "foundation": "Foundation",
}
SCHEME_CLASSES = {"topics": ("topic", "Topic"), "sectors": ("sector", "Sector")}


def declared(parsed: Parsed) -> Iterator[tuple[str, str, str, int]]:
    """(kind, key, label, line) of every thing a reference file defines, for the project's index."""
    kind = parsed.file.kind
    simple = {"countries": ("country", "iso2"), "regions": ("region", "key"), "cities": ("city", "key"),
              "organizations": ("org", "key"), "people": ("person", "key")}
    if kind in simple:
        what, column = simple[kind]
        for row in parsed.records:
            yield what, row[column], row["name"], row.line
    elif kind == "conventions":
        for item in parsed.document["conventions"]:
            yield "convention", item["key"], item.get("short_name") or _english(item["title"]), item.line
        for item in parsed.document.get("mechanisms", []):
            yield "mechanism", item["key"], _english(item["name"]), item.line
    elif kind in SCHEME_CLASSES:
        for item in parsed.document["concepts"]:
            yield SCHEME_CLASSES[kind][0], item["key"], _english(item["label"]), item.line


def _english(labels: dict[str, str]) -> str:
    return labels.get("en") or next(iter(labels.values()))


def _labels(em: Emitter, subject: ox.NamedNode, labels: dict[str, str], *predicates: ox.NamedNode) -> None:
    for language, value in labels.items():
        for predicate in predicates:
            em.add(subject, predicate, text(value, language))


def _wikidata(em: Emitter, subject: ox.NamedNode, row: Rec) -> None:
    if "wikidata" in row:
        em.add(subject, CKG.wikidata, WD.term(row["wikidata"]))


def _date(em: Emitter, subject: ox.NamedNode, predicate: ox.NamedNode, record: Rec, name: str) -> None:
    if name in record:
        em.add(subject, predicate, record[name].literal())


def map_countries(parsed: Parsed, em: Emitter) -> None:
    for row in parsed.records:
        country = em.entity("country", row["iso2"], CKG.Country, text(row["name"]), row.line)
        em.add(country, CKG.iso2, plain(row["iso2"]))
        em.add(country, CKG.iso3, plain(row["iso3"]))
        if "m49" in row:
            em.add(country, CKG.m49Code, plain(row["m49"]))
        if "official_name" in row and row["official_name"] != row["name"]:
            em.add(country, CKG.altLabel, text(row["official_name"]))
        for column in ("region", "subregion", "intermediate_region"):
            em.link(country, CKG.inRegion, "region", row, column)
        _wikidata(em, country, row)


def map_regions(parsed: Parsed, em: Emitter) -> None:
    for row in parsed.records:
        cls = CKG.UnescoRegion if row["kind"] == "unesco-region" else CKG.M49Region
        region = em.entity("region", row["key"], cls, text(row["name"]), row.line)
        if "m49" in row:
            em.add(region, CKG.m49Code, plain(row["m49"]))
        if row.get("parent") == row["key"]:
            em.fail("a region cannot be its own parent", row.line, "parent")
        else:
            em.link(region, CKG.inRegion, "region", row, "parent")


def map_cities(parsed: Parsed, em: Emitter) -> None:
    for row in parsed.records:
        city = em.entity("city", row["key"], CKG.City, text(row["name"]), row.line)
        country = em.link(city, CKG.inCountry, "country", row, "country")
        if "admin_area" in row:
            # The table gives only the area's key; its name comes from the event records that
            # declare it (docs/records.md has no table of areas).
            area = em.minter.iri("area", row["admin_area"])
            em.add(area, RDF.type, CKG.AdministrativeArea)
            em.add(area, CKG.key, plain(row["admin_area"]))
            if country is not None:
                em.add(area, CKG.inCountry, country)
            em.add(city, CKG.administrativeArea, area)
        _wikidata(em, city, row)


def map_organizations(parsed: Parsed, em: Emitter) -> None:
    for row in parsed.records:
        org = em.entity("org", row["key"], CKG.term(ORG_CLASSES[row["type"]]), text(row["name"]), row.line)
        em.link(org, CKG.country, "country", row, "country")
        if row.get("parent") == row["key"]:
            em.fail("an organization cannot be its own parent", row.line, "parent")
        else:
            em.link(org, CKG.parentOrganization, "org", row, "parent")
        if "acronym" in row:
            em.add(org, CKG.acronym, plain(row["acronym"]))
        for name in row.get("alt_names", []):
            em.add(org, CKG.altLabel, plain(name))
        if "homepage" in row:
            em.add(org, CKG.homepage, ox.Literal(row["homepage"], datatype=XSD.anyURI))
        _wikidata(em, org, row)


def map_people(parsed: Parsed, em: Emitter) -> None:
    for row in parsed.records:
        # A person's name has no language; tagging it @en would claim one.
        person = em.entity("person", row["key"], CKG.Person, plain(row["name"]), row.line)
        if "honorific" in row:
            em.add(person, CKG.honorific, plain(row["honorific"]))
        em.link(person, CKG.country, "country", row, "country")
        if "country_relation" in row:
            em.add(person, CKG.countryRelation, plain(row["country_relation"]))
        _wikidata(em, person, row)


def map_positions(parsed: Parsed, em: Emitter) -> None:
    counts: dict[tuple[str, str], int] = {}
    for row in parsed.records:
        pair = (row["person"], row["organization"])
        counts[pair] = counts.get(pair, 0) + 1
        key = compound(row["person"], row["organization"], str(counts[pair]))
        person = em.ref("person", row["person"], row.line_of("person"), "person")
        org = em.ref("org", row["organization"], row.line_of("organization"), "organization")
        if person is None or org is None:
            continue
        parts = (em.index.label("person", row["person"]), row.get("title"), em.index.label("org", row["organization"]))
        label = ", ".join(p for p in parts if p)
        identity = f"post {counts[pair]} of person {row['person']} in organization {row['organization']}"
        position = em.entity("position", key, CKG.Position, plain(label), row.line, identity)
        em.add(position, CKG.person, person)
        em.add(position, CKG.organization, org)
        if "title" in row:
            em.add(position, CKG.title, plain(row["title"]))
        if "start" in row and "end" in row and row["end"].last_day() < row["start"].first_day():
            em.fail(f"end {row['end']} is before start {row['start']}", row.line, "end")
        _date(em, position, CKG.startDate, row, "start")
        _date(em, position, CKG.endDate, row, "end")
        _date(em, position, CKG.asOf, row, "as_of")
        if "source_url" in row:
            page = em.web_page(row["source_url"], row.line, "source_url")
            if page is not None:
                em.add(position, CKG.reportedIn, page)


def map_conventions(parsed: Parsed, em: Emitter) -> None:
    for item in parsed.document["conventions"]:
        convention = em.mint("convention", item["key"], f"convention {item['key']}", item.line)
        em.add(convention, RDF.type, CKG.Convention)
        em.add(convention, CKG.key, plain(item["key"]))
        _labels(em, convention, item["title"], RDFS.label)
        if "short_name" in item:
            em.add(convention, CKG.shortName, text(item["short_name"]))
        _date(em, convention, CKG.adoptionDate, item, "adoption_date")
        _date(em, convention, CKG.entryIntoForce, item, "entry_into_force")
        em.link(convention, CKG.adoptionPlace, "city", item, "adoption_city")
        em.link(convention, CKG.adoptedBy, "org", item, "adopted_by")
        if "unesco_instrument_id" in item:
            em.add(convention, CKG.unescoInstrumentId, plain(item["unesco_instrument_id"]))
        _wikidata(em, convention, item)
    for item in parsed.document.get("mechanisms", []):
        cls = CKG.Fund if item["type"] == "fund" else CKG.ReportingMechanism
        mechanism = em.mint("mechanism", item["key"], f"mechanism {item['key']}", item.line)
        em.add(mechanism, RDF.type, cls)
        em.add(mechanism, CKG.key, plain(item["key"]))
        _labels(em, mechanism, item["name"], RDFS.label)
        em.link(mechanism, CKG.establishedBy, "convention", item, "convention")


def map_scheme(parsed: Parsed, em: Emitter) -> None:
    kind, cls = SCHEME_CLASSES[parsed.file.kind]
    document = parsed.document
    scheme = em.mint("scheme", parsed.file.kind, f"concept scheme {parsed.file.kind}", document.line)
    em.add(scheme, RDF.type, SKOS.ConceptScheme)
    em.add(scheme, RDFS.label, text(document["scheme"]))
    em.add(scheme, SKOS.prefLabel, text(document["scheme"]))
    for item in document["concepts"]:
        concept = em.mint(kind, item["key"], f"{kind} {item['key']}", item.line)
        em.add(concept, RDF.type, CKG.term(cls))
        em.add(concept, CKG.key, plain(item["key"]))
        em.add(concept, SKOS.inScheme, scheme)
        _labels(em, concept, item["label"], RDFS.label, SKOS.prefLabel)
        if "definition" in item:
            em.add(concept, SKOS.definition, text(item["definition"]))
        broader = item.get("broader", [])
        for index, key in enumerate(broader):
            target = em.ref(kind, key, item.line_of("broader"), f"broader[{index}]")
            if target is not None:
                em.add(concept, SKOS.broader, target)
        if not broader:
            em.add(scheme, SKOS.hasTopConcept, concept)
        for name, predicate in (("unesco_exact", SKOS.exactMatch), ("unesco_close", SKOS.closeMatch)):
            for concept_id in item.get(name, []):
                em.add(concept, predicate, UNESCO.term(concept_id))


def map_memberships(parsed: Parsed, em: Emitter) -> None:
    meta = parsed.meta or {}
    dataset_key = parsed.file.path.stem
    dataset = em.entity("dataset", dataset_key, CKG.MembershipDataset, text(meta.get("title", dataset_key)), 1)
    convention_key = meta.get("convention")
    if convention_key:
        em.link(dataset, CKG.covers, "convention", meta, "convention")
    if "complete" in meta:
        em.add(dataset, CKG.complete, ox.Literal(meta["complete"]))
    _date(em, dataset, CKG.completeAsOf, meta, "complete_as_of")
    for row in parsed.records:
        if convention_key and row["convention"] != convention_key:
            em.fail(f"convention '{row['convention']}' in a table whose sidecar says '{convention_key}'", row.line, "convention")
            continue
        state = em.ref("country", row["state"], row.line, "state")
        convention = em.ref("convention", row["convention"], row.line, "convention")
        if state is None or convention is None:
            continue
        key = f"{row['convention']}-{row['state']}"
        label = f"{em.index.label('country', row['state'])}: party to {em.index.label('convention', row['convention'])}"
        membership = em.entity("membership", key, CKG.Membership, text(label), row.line)
        em.add(membership, CKG.state, state)
        em.add(membership, CKG.convention, convention)
        em.add(membership, CKG.inDataset, dataset)
        if "instrument_kind" in row:
            em.add(membership, CKG.instrumentKind, INSTRUMENT.term(row["instrument_kind"]))
        _date(em, membership, CKG.signatureDate, row, "signature_date")
        _date(em, membership, CKG.depositDate, row, "deposit_date")
        _date(em, membership, CKG.entryIntoForce, row, "entry_into_force")
        _date(em, membership, CKG.knownPartyBy, row, "known_party_by")
        _date(em, membership, CKG.partyUntil, row, "party_until")
        start = party_from(row.get("entry_into_force"), row.get("known_party_by"))
        if start is not None:
            em.add(membership, CKG.partyFrom, date_literal(start))
            if "party_until" in row and row["party_until"].first_day() < start:
                em.fail(f"party_until {row['party_until']} is before the state became a party ({start})", row.line, "party_until")
        if "source_url" in row:
            page = em.web_page(row["source_url"], row.line, "source_url")
            if page is not None:
                em.add(membership, CKG.reportedIn, page)


def party_from(entry_into_force: PartialDate | None, known_party_by: PartialDate | None):
    """The earliest day on which the state was certainly a party.

    An entry into force known only to the month or year is certain only from the last day of that
    month or year; a source saying "a party by" a day is certain from that day; the earlier wins.
    """
    candidates = []
    if entry_into_force is not None:
        candidates.append(entry_into_force.last_day())
    if known_party_by is not None:
        candidates.append(known_party_by.first_day())
    return min(candidates) if candidates else None


MAPPERS = {
    "countries": map_countries, "regions": map_regions, "cities": map_cities,
    "organizations": map_organizations, "people": map_people, "positions": map_positions,
    "conventions": map_conventions, "topics": map_scheme, "sectors": map_scheme,
    "memberships": map_memberships,
}
