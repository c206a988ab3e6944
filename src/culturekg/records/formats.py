"""The record formats of docs/records.md, as checks, plus the rules that span several fields."""

from __future__ import annotations

import re
from typing import Any

from ..iris import COUNTRY_RE, slug
from .schema import (
    COUNTRY, INVALID, KEY, LANGUAGE, URL, WIKIDATA, At, Boolean, Check, Date, Field, Integer, LangText,
    FullDate, ListOf, OneOf, Pattern, Rec, Record, Text,
)

ORG_TYPES = (
    "intergovernmental-organization", "field-office", "secretariat", "category-2-centre", "ministry",
    "government-agency", "regional-administration", "parliament", "national-commission", "ngo",
    "unesco-club-federation", "professional-union", "media-organization", "museum", "gallery",
    "cultural-centre", "university", "foundation",
)
EVENT_TYPES = (
    "workshop", "training-workshop", "training-of-trainers", "forum", "conference", "meeting",
    "consultation", "exhibition", "round-table", "master-class",
)
ROLES = ("organizer", "co-organizer", "funder", "supporter", "partner", "facilitator", "speaker", "participant")
INSTRUMENT_KINDS = (
    "ratification", "acceptance", "approval", "accession", "succession", "ratification-acceptance-approval",
)
REGION_KINDS = ("m49-region", "m49-subregion", "m49-intermediate", "unesco-region")
COUNTRY_RELATIONS = ("nationality", "affiliation", "unspecified")

TEXT = Text()
DATE = Date()
FULL_DATE = FullDate()
BOOL = Boolean()
COUNT = Integer(0)
ISO3 = Pattern(re.compile(r"^[A-Z]{3}$"), "an ISO 3166-1 alpha-3 code")
M49 = Pattern(re.compile(r"^\d{3}$"), "a three-digit UN M49 code")
UNESCO_CONCEPT = Pattern(re.compile(r"^concept\d+$"), "a UNESCO Thesaurus concept id such as 'concept84'")
INSTRUMENT_ID = Pattern(re.compile(r"^\d+$"), "a UNESCO instrument id of digits, as a quoted string")


def req(check: Check) -> Field:
    return Field(check, required=True)


def opt(check: Check) -> Field:
    return Field(check)


# --- sources and sidecars ---------------------------------------------------------------------

SOURCE_REF = Record(
    {"title": req(TEXT), "url": opt(URL), "licence": opt(TEXT), "note": opt(TEXT), "publisher": opt(TEXT), "published": opt(DATE)},
    what="source",
)
SOURCES = ListOf(SOURCE_REF, unique=False)

META = Record(
    {
        "title": req(TEXT), "sources": req(SOURCES),
        "convention": opt(KEY), "complete": opt(BOOL), "complete_as_of": opt(FULL_DATE),
    },
    what="metadata sidecar",
)


def check_sources(sources: list[Rec], at: At) -> None:
    """Every file says where its facts come from; a source with no URL must say who published it and when."""
    if not sources:
        at.child("sources", at.line).fail("at least one source is required")
    for index, source in enumerate(sources):
        if "url" not in source and not ("publisher" in source and "published" in source):
            at.child(f"sources[{index}]", source.line).fail("a source without a url must give publisher and published")


# --- reference tables (CSV columns, in header order) --------------------------------------------


class Table:
    def __init__(self, columns: dict[str, Field], multi: tuple[str, ...] = ()) -> None:
        self.columns = tuple(columns)
        self.multi = multi
        self.record = Record(columns, what="row")


COUNTRIES = Table({
    "iso2": req(COUNTRY), "iso3": req(ISO3), "m49": opt(M49), "name": req(TEXT), "official_name": opt(TEXT),
    "region": opt(KEY), "subregion": opt(KEY), "intermediate_region": opt(KEY), "wikidata": opt(WIKIDATA),
})
REGIONS = Table({"key": req(KEY), "name": req(TEXT), "kind": req(OneOf(*REGION_KINDS)), "m49": opt(M49), "parent": opt(KEY)})
CITIES = Table({"key": req(KEY), "name": req(TEXT), "country": req(COUNTRY), "admin_area": opt(KEY), "wikidata": opt(WIKIDATA)})
ORGANIZATIONS = Table(
    {
        "key": req(KEY), "name": req(TEXT), "type": req(OneOf(*ORG_TYPES)), "country": opt(COUNTRY),
        "parent": opt(KEY), "acronym": opt(TEXT), "alt_names": opt(ListOf(TEXT)), "homepage": opt(URL),
        "wikidata": opt(WIKIDATA),
    },
    multi=("alt_names",),
)
PEOPLE = Table({
    "key": req(KEY), "name": req(TEXT), "honorific": opt(TEXT), "country": opt(COUNTRY),
    "country_relation": opt(OneOf(*COUNTRY_RELATIONS)), "wikidata": opt(WIKIDATA),
})
POSITIONS = Table({
    "person": req(KEY), "organization": req(KEY), "title": opt(TEXT), "as_of": opt(DATE),
    "start": opt(DATE), "end": opt(DATE), "source_url": opt(URL),
})
MEMBERSHIPS = Table({
    "convention": req(KEY), "state": req(COUNTRY), "instrument_kind": opt(OneOf(*INSTRUMENT_KINDS)),
    "signature_date": opt(DATE), "deposit_date": opt(DATE), "entry_into_force": opt(DATE),
    "known_party_by": opt(FULL_DATE), "party_until": opt(FULL_DATE), "source_url": opt(URL),
})

TABLES = {
    "countries.csv": COUNTRIES, "regions.csv": REGIONS, "cities.csv": CITIES,
    "organizations.csv": ORGANIZATIONS, "people.csv": PEOPLE, "positions.csv": POSITIONS,
}

# --- YAML reference files ---------------------------------------------------------------------

CONVENTIONS = Record(
    {
        "sources": req(SOURCES),
        "conventions": req(ListOf(Record({
            "key": req(KEY), "title": req(LangText()), "short_name": opt(TEXT), "adoption_date": opt(FULL_DATE),
            "adoption_city": opt(KEY), "adopted_by": opt(KEY), "entry_into_force": opt(DATE),
            "unesco_instrument_id": opt(INSTRUMENT_ID), "wikidata": opt(WIKIDATA),
        }, what="convention"), unique=False)),
        "mechanisms": opt(ListOf(Record({
            "key": req(KEY), "type": req(OneOf("fund", "reporting")), "name": req(LangText()), "convention": req(KEY),
        }, what="mechanism"), unique=False)),
    },
    what="conventions file",
)

SCHEME = Record(
    {
        "sources": req(SOURCES),
        "scheme": req(TEXT),
        "concepts": req(ListOf(Record({
            "key": req(KEY), "label": req(LangText()), "definition": opt(TEXT), "broader": opt(ListOf(KEY)),
            "unesco_exact": opt(ListOf(UNESCO_CONCEPT)), "unesco_close": opt(ListOf(UNESCO_CONCEPT)),
        }, what="concept"), unique=False)),
    },
    what="concept scheme file",
)

# --- event records ----------------------------------------------------------------------------


class AgentKey(Check):
    """An organization key, or an ISO alpha-2 code for a State; returns (kind, key)."""

    def __call__(self, value: Any, at: At) -> Any:
        if isinstance(value, str) and COUNTRY_RE.match(value):
            return ("country", value)
        key = KEY(value, at)
        return INVALID if key is INVALID else ("org", key)


_CONVENTION_REF = Record({"convention": req(KEY), "basis": req(OneOf("stated", "implied"))}, what="convention reference")


class ConventionRef(Check):
    """`c2005` (stated on the page) or `{convention: c2005, basis: implied}`."""

    def __call__(self, value: Any, at: At) -> Any:
        if isinstance(value, str):
            key = KEY(value, at)
            return INVALID if key is INVALID else {"convention": key, "basis": "stated"}
        return _CONVENTION_REF(value, at)


GROUP = Record(
    {"key": opt(KEY), "label": req(TEXT), "sector": opt(KEY), "country": opt(COUNTRY), "count": opt(COUNT)},
    what="stakeholder group",
)
PARTICIPANT = Record(
    {
        "role": req(OneOf(*ROLES)), "organization": opt(KEY), "person": opt(KEY), "country": opt(COUNTRY),
        "group": opt(GROUP), "capacity": opt(TEXT), "represented": opt(AgentKey()),
    },
    what="participant",
)
AGENT_FIELDS = ("organization", "person", "country", "group")

EVENT = Record(
    {
        "key": req(KEY),
        "type": req(OneOf(*EVENT_TYPES)),
        "title": req(LangText()),
        "dates": req(Record({
            "start": req(DATE), "end": opt(DATE),
            "ranges": opt(ListOf(Record({"start": req(DATE), "end": opt(DATE), "venue": opt(KEY)}, what="date range"), unique=False)),
        }, what="dates")),
        "online": opt(BOOL),
        "venues": opt(ListOf(Record({"key": req(KEY), "name": req(TEXT), "city": opt(KEY)}, what="venue"), unique=False)),
        "city": opt(KEY),
        "administrative_area": opt(Record({"key": req(KEY), "name": req(TEXT)}, what="administrative area")),
        "country": opt(COUNTRY),
        "part_of": opt(KEY),
        "related_events": opt(ListOf(KEY)),
        "project": opt(Record({"key": req(KEY), "name": req(TEXT)}, what="project")),
        "conventions": opt(ListOf(ConventionRef(), unique=False)),
        "mechanisms": opt(ListOf(KEY)),
        "target_countries": opt(ListOf(COUNTRY)),
        "target_regions": opt(ListOf(KEY)),
        "topics": opt(ListOf(KEY)),
        "attendance": opt(COUNT),
        "participants": opt(ListOf(PARTICIPANT, unique=False)),
        "source": req(Record({
            "url": opt(URL), "publisher": opt(KEY), "publisher_name": opt(TEXT), "published": opt(DATE),
            "language": req(LANGUAGE), "kind": req(OneOf("report", "announcement")), "headline": opt(TEXT),
        }, what="source")),
        "notes": opt(TEXT),
    },
    what="event record",
)


def check_event(event: Rec, at: At) -> None:
    """Rules across fields: dates in order, one agent per participant, a source that can be found."""
    dates: Rec = event["dates"]
    start, end = dates["start"], dates.get("end", dates["start"])
    if end.last_day() < start.first_day():
        at.child("dates.end", dates.line_of("end")).fail(f"end {end} is before start {start}")
    venues = {v["key"] for v in event.get("venues", [])}
    for index, block in enumerate(dates.get("ranges", [])):
        where = at.child(f"dates.ranges[{index}]", block.line)
        b_start, b_end = block["start"], block.get("end", block["start"])
        if b_end.last_day() < b_start.first_day():
            where.fail(f"end {b_end} is before start {b_start}")
        if b_start.first_day() < start.first_day() or b_end.last_day() > end.last_day():
            where.fail(f"range {b_start}..{b_end} is outside the event's dates {start}..{end}")
        if "venue" in block and block["venue"] not in venues:
            where.fail(f"venue '{block['venue']}' is not declared under venues")
    seen_venues: set[str] = set()
    for index, venue in enumerate(event.get("venues", [])):
        if venue["key"] in seen_venues:
            at.child(f"venues[{index}].key", venue.line).fail(f"venue '{venue['key']}' is declared twice")
        seen_venues.add(venue["key"])
    for index, participant in enumerate(event.get("participants", [])):
        given = [f for f in AGENT_FIELDS if f in participant]
        if len(given) != 1:
            what = ", ".join(given) if given else "none"
            at.child(f"participants[{index}]", participant.line).fail(
                f"exactly one of organization, person, country, group is required (given: {what})"
            )
    source: Rec = event["source"]
    source_at = at.child("source", source.line)
    if "publisher" in source and "publisher_name" in source:
        source_at.fail("give publisher (an organization key) or publisher_name, not both")
    if "url" not in source and not (("publisher" in source or "publisher_name" in source) and "published" in source):
        source_at.fail("a source without a url must give publisher (or publisher_name) and published")


def group_key(group: Rec) -> str:
    return group.get("key") or slug(group["label"])


def check_meta(meta: Rec, at: At, *, membership: bool) -> None:
    check_sources(meta.get("sources", []), at)
    fields = ("convention", "complete", "complete_as_of")
    if membership:
        if "convention" not in meta:
            at.child("convention", meta.line).fail("a membership table's sidecar must name its convention")
        if meta.get("complete") and "complete_as_of" not in meta:
            at.child("complete_as_of", meta.line).fail("a complete membership table must say as of when")
    else:
        for name in fields:
            if name in meta:
                at.child(name, meta.line_of(name)).fail("only membership tables take this field")


