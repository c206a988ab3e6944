"""Event records to RDF: the event, its dates and places, what it concerned, who took part in
which role, and the source that reports it."""

from __future__ import annotations

import pyoxigraph as ox

from ..iris import compound
from ..records.files import Parsed
from ..records.formats import group_key
from ..records.schema import Rec
from ..vocab import CKG, RDF, RDFS, ROLE, SOURCE_KIND, XSD
from .context import Emitter, plain, text

EVENT_CLASSES = {
    "workshop": "Workshop", "training-workshop": "TrainingWorkshop", "training-of-trainers": "TrainingOfTrainers",
    "forum": "Forum", "conference": "Conference", "meeting": "Meeting", "consultation": "Consultation",
    "exhibition": "Exhibition", "round-table": "RoundTable", "master-class": "MasterClass",
}
# The index (and IRI kind) of each kind of participant; it also names the kind in a participation's key.
AGENT_KINDS = {"organization": "org", "person": "person", "country": "country"}


def map_event(parsed: Parsed, em: Emitter) -> None:
    record = parsed.records[0]
    key = record["key"]
    event = em.mint("event", key, f"event {key}", record.line)
    em.add(event, RDF.type, CKG.term(EVENT_CLASSES[record["type"]]))
    em.add(event, CKG.key, plain(key))
    for language, title in record["title"].items():
        em.add(event, RDFS.label, text(title, language))
    _dates(em, event, key, record)
    em.add(event, CKG.online, ox.Literal(record.get("online", False)))
    _places(em, event, record)
    _links(em, event, record)
    listed: dict[str, int] = {}
    groups: dict[str, Rec] = {}
    for index, participant in enumerate(record.get("participants", [])):
        _participant(em, event, key, participant, index, listed, groups)
    _source(em, event, key, record)
    if "notes" in record:
        em.add(event, CKG.note, text(record["notes"]))


def _dates(em: Emitter, event: ox.NamedNode, key: str, record: Rec) -> None:
    dates: Rec = record["dates"]
    em.add(event, CKG.startDate, dates["start"].literal())
    em.add(event, CKG.endDate, dates.get("end", dates["start"]).literal())
    for index, block in enumerate(dates.get("ranges", []), start=1):
        end = block.get("end", block["start"])
        label = f"{block['start']}" if end == block["start"] else f"{block['start']} to {end}"
        node = em.entity("daterange", compound(key, str(index)), CKG.DateRange, plain(label), block.line,
                         f"date range {index} of event {key}")
        em.add(event, CKG.dateRange, node)
        em.add(node, CKG.startDate, block["start"].literal())
        em.add(node, CKG.endDate, end.literal())
        if "venue" in block:
            em.add(node, CKG.venue, em.minter.iri("venue", block["venue"]))


def _places(em: Emitter, event: ox.NamedNode, record: Rec) -> None:
    country = em.link(event, CKG.country, "country", record, "country")
    city = em.link(event, CKG.city, "city", record, "city")
    for index, venue in enumerate(record.get("venues", [])):
        node = em.mint_shared("venue", venue["key"], venue["name"], venue.line, f"venues[{index}].name")
        em.describe(node, CKG.Venue, plain(venue["name"]), venue["key"])
        em.add(event, CKG.venue, node)
        venue_city = em.link(node, CKG.inCity, "city", venue, "city", f"venues[{index}].city")
        if venue_city is None and city is not None and "city" not in venue:
            em.add(node, CKG.inCity, city)
        if country is not None:
            em.add(node, CKG.inCountry, country)
    if "administrative_area" in record:
        declared = record["administrative_area"]
        area = administrative_area(em, declared["key"], declared["name"], country, declared.line, "administrative_area.name")
        em.add(event, CKG.administrativeArea, area)


def administrative_area(em: Emitter, key: str, name: str, country: ox.NamedNode | None, line: int, field_name: str) -> ox.NamedNode:
    """A sub-national area an event record declares; other records may declare it too, by the same name."""
    area = em.mint_shared("area", key, name, line, field_name)
    em.describe(area, CKG.AdministrativeArea, text(name), key)
    if country is not None:
        em.add(area, CKG.inCountry, country)
    return area


def _links(em: Emitter, event: ox.NamedNode, record: Rec) -> None:
    if record.get("part_of") == record["key"]:
        em.fail("an event cannot be part of itself", record.line_of("part_of"), "part_of")
    else:
        em.link(event, CKG.partOf, "event", record, "part_of")
    if "project" in record:
        declared = record["project"]
        project = em.mint_shared("project", declared["key"], declared["name"], declared.line, "project.name")
        em.describe(project, CKG.Project, plain(declared["name"]), declared["key"])
        em.add(event, CKG.project, project)
    lists = (
        ("related_events", CKG.relatedEvent, "event"), ("mechanisms", CKG.concernsMechanism, "mechanism"),
        ("target_countries", CKG.targetCountry, "country"), ("target_regions", CKG.targetRegion, "region"),
        ("topics", CKG.topic, "topic"),
    )
    for name, predicate, kind in lists:
        for index, key in enumerate(record.get(name, [])):
            target = em.ref(kind, key, record.line_of(name), f"{name}[{index}]")
            if target is not None:
                em.add(event, predicate, target)
    bases = set()
    for index, item in enumerate(record.get("conventions", [])):
        target = em.ref("convention", item["convention"], record.line_of("conventions"), f"conventions[{index}]")
        if target is not None:
            em.add(event, CKG.concernsConvention, target)
            bases.add(item["basis"])
    # The model keeps one basis per event; an event citing one convention and implying another
    # carries both values rather than dropping one.
    for basis in sorted(bases):
        em.add(event, CKG.conventionBasis, plain(basis))
    if "attendance" in record:
        # xsd:integer (checked >= 0): Oxigraph would store an xsd:nonNegativeInteger as one anyway.
        em.add(event, CKG.attendance, ox.Literal(str(record["attendance"]), datatype=XSD.integer))


def _participant(em: Emitter, event: ox.NamedNode, event_key: str, participant: Rec, index: int,
                 listed: dict[str, int], groups: dict[str, Rec]) -> None:
    field_prefix = f"participants[{index}]"
    role = participant["role"]
    if "group" in participant:
        agent, agent_part, agent_label = _group(em, event_key, participant["group"], field_prefix, groups)
        if agent is None:
            return
    else:
        name = next(n for n in AGENT_KINDS if n in participant)
        kind = AGENT_KINDS[name]
        agent = em.ref(kind, participant[name], participant.line_of(name), f"{field_prefix}.{name}")
        if agent is None:
            return
        agent_part = f"{kind}-{participant[name]}"
        agent_label = em.index.label(kind, participant[name])
    key = compound(event_key, role, agent_part)
    if key in listed:
        em.fail(f"{agent_part} is listed twice as {role} (first at line {listed[key]})", participant.line, field_prefix)
        return
    listed[key] = participant.line
    node = em.mint("participation", key, f"{role} {agent_part} of event {event_key}", participant.line)
    em.describe(node, CKG.Participation, plain(f"{agent_label}: {role} of {event_key}"), key)
    em.add(node, CKG.event, event)
    em.add(node, CKG.agent, agent)
    em.add(node, CKG.role, ROLE.term(role))
    if "capacity" in participant:
        em.add(node, CKG.capacity, plain(participant["capacity"]))
    if "represented" in participant:
        kind, represented_key = participant["represented"]
        represented = em.ref(kind, represented_key, participant.line_of("represented"), f"{field_prefix}.represented")
        if represented is not None:
            em.add(node, CKG.represented, represented)


def _group(em: Emitter, event_key: str, group: Rec, field_prefix: str,
           groups: dict[str, Rec]) -> tuple[ox.NamedNode | None, str, str]:
    """The group's node; one group may take part in several roles, but one key names one group."""
    key = group_key(group)
    first = groups.setdefault(key, group)
    if first is not group and first != group:
        em.fail(f"group key '{key}' already names another group (line {first.line}); give each group its own key",
                group.line, f"{field_prefix}.group")
        return None, "", ""
    node = em.mint("group", compound(event_key, key), f"group {key} of {event_key}", group.line)
    em.describe(node, CKG.StakeholderGroup, plain(group["label"]), compound(event_key, key))
    em.link(node, CKG.sector, "sector", group, "sector", f"{field_prefix}.group.sector")
    em.link(node, CKG.country, "country", group, "country", f"{field_prefix}.group.country")
    if "count" in group:
        em.add(node, CKG.headCount, ox.Literal(str(group["count"]), datatype=XSD.integer))
    return node, f"group-{key}", group["label"]


def _source(em: Emitter, event: ox.NamedNode, key: str, record: Rec) -> None:
    source: Rec = record["source"]
    label = source.get("headline") or f"Source of {key}: {source.get('url') or source.get('publisher_name') or source.get('publisher')}"
    node = em.entity("source", key, CKG.Source, plain(label), source.line)
    em.add(event, CKG.reportedIn, node)
    if "url" in source:
        em.add(node, CKG.url, ox.Literal(source["url"], datatype=XSD.anyURI))
    em.link(node, CKG.publisher, "org", source, "publisher", "source.publisher")
    if "publisher_name" in source:
        em.add(node, CKG.publisherName, plain(source["publisher_name"]))
    if "published" in source:
        em.add(node, CKG.publicationDate, source["published"].literal())
    em.add(node, CKG.language, ox.Literal(source["language"], datatype=XSD.language))
    em.add(node, CKG.sourceKind, SOURCE_KIND.term(source["kind"]))
    if "headline" in source:
        em.add(node, CKG.headline, plain(source["headline"]))
