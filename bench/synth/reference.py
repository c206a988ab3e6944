"""The reference part of a synthetic project: real countries, regions, conventions, topics and sectors
copied as they are (with their sources), plus made-up cities, organizations, people, positions and
memberships, all keyed `syn-` and sourced as SYNTHETIC."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .common import (
    LAST_YEAR, MARK, SYN_URL, PowerLaw, dump_yaml, parse_day, random_day, read_csv, synthetic_source,
    write_csv, write_text,
)

COPIED = ("countries.csv", "regions.csv", "conventions.yaml", "topics.yaml", "sectors.yaml")
CITY_COLUMNS = ["key", "name", "country", "admin_area", "wikidata"]
ORG_COLUMNS = ["key", "name", "type", "country", "parent", "acronym", "alt_names", "homepage", "wikidata"]
PEOPLE_COLUMNS = ["key", "name", "honorific", "country", "country_relation", "wikidata"]
POSITION_COLUMNS = ["person", "organization", "title", "as_of", "start", "end", "source_url"]
MEMBERSHIP_COLUMNS = [
    "convention", "state", "instrument_kind", "signature_date", "deposit_date", "entry_into_force",
    "known_party_by", "party_until", "source_url",
]
POOL_TYPES = [
    "ngo", "ngo", "ngo", "university", "university", "museum", "gallery", "cultural-centre", "foundation",
    "professional-union", "media-organization", "government-agency", "category-2-centre", "unesco-club-federation",
    "regional-administration",
]
INSTRUMENT_KINDS = ["ratification", "ratification", "ratification", "acceptance", "approval", "accession", "succession",
                    "ratification-acceptance-approval"]
TITLES = ["Programme Specialist", "Director", "Head of Unit", "Professor", "Senior Researcher", "Chief Curator",
          "Culture Officer", "Policy Adviser", "Deputy Minister", "Secretary-General"]
SYLLABLES = ["al", "ba", "da", "el", "fa", "gu", "ha", "in", "jo", "ka", "lu", "ma", "na", "or", "pe", "ra",
             "sa", "ta", "ur", "ve", "ya", "zi", "mi", "ro", "ne", "ki", "so", "la"]


class ReferenceMissing(Exception):
    """The real reference folder lacks a file the synthetic project copies."""


@dataclass
class World:
    """What the event generator needs to know about the reference data, and nothing heavier."""

    countries: list[str]
    country_names: dict[str, str]
    groups: dict[str, list[str]]          # region key (sub-region or intermediate region) -> its countries
    group_names: dict[str, str]
    conventions: list[str]
    mechanisms: dict[str, list[str]]      # convention -> mechanism keys
    funds: dict[str, list[str]]           # convention -> its fund mechanisms
    topics: list[str]
    topic_labels: dict[str, str]
    sectors: list[str]
    sector_labels: dict[str, str]
    cities: dict[str, list[str]] = field(default_factory=dict)
    field_offices: dict[str, list[str]] = field(default_factory=dict)
    ministries: dict[str, str] = field(default_factory=dict)
    natcoms: dict[str, str] = field(default_factory=dict)
    pool: PowerLaw | None = None          # other organizations, a few of them very active
    pool_country: dict[str, str] = field(default_factory=dict)
    foundations: list[str] = field(default_factory=list)
    donors: list[str] = field(default_factory=list)
    experts: dict[str, PowerLaw] = field(default_factory=dict)  # region key -> the experts based there
    visitors: dict[str, PowerLaw] = field(default_factory=dict)  # region key -> experts from elsewhere who work there
    people: list[str] = field(default_factory=list)


def _need(path: Path) -> Path:
    if not path.is_file():
        raise ReferenceMissing(f"{path}: needed by the synthetic project but missing (the real reference data)")
    return path


def _load_yaml(path: Path) -> dict:
    with _need(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ReferenceMissing(f"{path}: expected a mapping at the top level")
    return data


def _concept_keys(path: Path) -> tuple[list[str], dict[str, str]]:
    concepts = _load_yaml(path).get("concepts") or []
    keys = [c["key"] for c in concepts]
    if not keys:
        raise ReferenceMissing(f"{path}: field 'concepts' is empty; events need at least one")
    return keys, {c["key"]: str(c.get("label") or c["key"]) for c in concepts}


def read_world(reference: Path) -> World:
    _, countries = read_csv(_need(reference / "countries.csv"))
    _, regions = read_csv(_need(reference / "regions.csv"))
    region_names = {r["key"]: r["name"] for r in regions}
    groups: dict[str, list[str]] = {}
    for row in countries:
        # The finest M49 grouping that exists, so Caribbean or Central Asian states travel together.
        group = row.get("intermediate_region") or row.get("subregion")
        if group and group in region_names:
            groups.setdefault(group, []).append(row["iso2"])
    conv = _load_yaml(reference / "conventions.yaml")
    conventions = [c["key"] for c in conv.get("conventions") or []]
    if not conventions:
        raise ReferenceMissing(f"{reference / 'conventions.yaml'}: field 'conventions' is empty")
    mechanisms: dict[str, list[str]] = {c: [] for c in conventions}
    funds: dict[str, list[str]] = {c: [] for c in conventions}
    for mech in conv.get("mechanisms") or []:
        mechanisms.setdefault(mech["convention"], []).append(mech["key"])
        if mech.get("type") == "fund":
            funds.setdefault(mech["convention"], []).append(mech["key"])
    topics, topic_labels = _concept_keys(reference / "topics.yaml")
    sectors, sector_labels = _concept_keys(reference / "sectors.yaml")
    return World(
        countries=sorted(r["iso2"] for r in countries),
        country_names={r["iso2"]: r["name"] for r in countries},
        groups={k: sorted(v) for k, v in sorted(groups.items())},
        group_names={k: region_names[k] for k in groups},
        conventions=conventions,
        mechanisms=mechanisms,
        funds=funds,
        topics=topics,
        topic_labels=topic_labels,
        sectors=sectors,
        sector_labels=sector_labels,
    )


def _copy_reference(reference: Path, target: Path) -> None:
    for name in COPIED:
        shutil.copyfile(_need(reference / name), target / name)
        sidecar = reference / name.replace(".csv", ".meta.yaml")
        if name.endswith(".csv"):
            shutil.copyfile(_need(sidecar), target / sidecar.name)


def _meta(reference: Path, name: str, seed: int, title: str) -> dict:
    """The sidecar of a table that mixes real rows (keeping their sources) with synthetic ones."""
    sidecar = reference / name.replace(".csv", ".meta.yaml")
    meta = _load_yaml(sidecar) if sidecar.is_file() else {"title": title, "sources": []}
    meta["title"] = f"{meta.get('title', title)} (with {MARK} rows keyed syn-)"
    meta["sources"] = list(meta.get("sources") or []) + [synthetic_source(seed, title)]
    return meta


def _real_rows(reference: Path, name: str) -> list[dict[str, str]]:
    path = reference / name
    return read_csv(path)[1] if path.is_file() else []


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def write_reference(reference: Path, out_data: Path, world: World, events: int, seed: int, rng: random.Random) -> dict[str, int]:
    """Write data/reference of the synthetic project and fill `world` with the made-up agents."""
    target = out_data / "reference"
    target.mkdir(parents=True, exist_ok=True)
    _copy_reference(reference, target)
    counts = {
        "cities": _write_cities(reference, target, world, seed, rng),
        "organizations": _write_organizations(reference, target, world, events, seed, rng),
        "people": _write_people(target, world, events, seed, rng),
    }
    counts["positions"] = _write_positions(target, world, seed, rng)
    counts["memberships"] = _write_memberships(reference, target, world, seed, rng)
    return counts


def _write_cities(reference: Path, target: Path, world: World, seed: int, rng: random.Random) -> int:
    # A city's administrative area is named only by the real event record that declares it, which a
    # synthetic project does not copy: such a city would leave an unnamed area (a shape violation).
    # No copied table refers to those cities (conventions name only their adoption cities).
    rows = [r for r in _real_rows(reference, "cities.csv") if not r.get("admin_area")]
    for cc in world.countries:
        keys = [f"syn-city-{cc.lower()}-{n}" for n in range(1, rng.randint(1, 3) + 1)]
        world.cities[cc] = keys
        rows += [{"key": k, "name": f"{_name(rng, 3)} ({MARK})", "country": cc, "admin_area": "", "wikidata": ""} for k in keys]
    write_text(target / "cities.meta.yaml", dump_yaml(_meta(reference, "cities.csv", seed, "Cities")))
    return write_csv(target / "cities.csv", CITY_COLUMNS, rows)


def _write_organizations(reference: Path, target: Path, world: World, events: int, seed: int, rng: random.Random) -> int:
    real = _real_rows(reference, "organizations.csv")
    real_keys = {r["key"] for r in real}
    unesco = "unesco" if "unesco" in real_keys else ""
    rows = list(real)

    def org(key: str, name: str, kind: str, country: str, parent: str = "") -> None:
        rows.append({"key": key, "name": f"{name} ({MARK})", "type": kind, "country": country, "parent": parent,
                     "acronym": "", "alt_names": "", "homepage": "", "wikidata": ""})

    for cc in world.countries:
        cname = world.country_names[cc]
        world.ministries[cc] = f"syn-ministry-{cc.lower()}"
        world.natcoms[cc] = f"syn-natcom-{cc.lower()}"
        org(world.ministries[cc], f"Ministry of Culture of {cname}", "ministry", cc)
        org(world.natcoms[cc], f"National Commission of {cname} for UNESCO", "national-commission", cc)
    for group, members in world.groups.items():
        # One cluster office per grouping, sited in one of its countries, as UNESCO field offices are.
        key = f"syn-field-office-{group}"
        world.field_offices[group] = [key]
        org(key, f"UNESCO Office for {world.group_names[group]}", "field-office", rng.choice(members), unesco)
    pool = []
    for n in range(1, max(40, events // 20) + 1):
        kind = rng.choice(POOL_TYPES)
        key = f"syn-org-{n:06d}"
        cc = rng.choice(world.countries)
        pool.append(key)
        world.pool_country[key] = cc
        if kind == "foundation":
            world.foundations.append(key)
        org(key, f"{_name(rng, 3)} {kind.replace('-', ' ').title()}", kind, cc)
    world.pool = PowerLaw(pool)
    world.donors = rng.sample(world.countries, k=min(15, len(world.countries)))
    write_text(target / "organizations.meta.yaml", dump_yaml(_meta(reference, "organizations.csv", seed, "Organizations")))
    return write_csv(target / "organizations.csv", ORG_COLUMNS, rows)


def _write_people(target: Path, world: World, events: int, seed: int, rng: random.Random) -> int:
    home: dict[str, str] = {}

    def rows():
        for n in range(1, max(30, events // 8) + 1):
            key = f"syn-person-{n:06d}"
            world.people.append(key)
            home[key] = rng.choice(world.countries)
            yield {
                "key": key, "name": f"{_name(rng, 2)} {_name(rng, 3)}",
                "honorific": rng.choice(["", "", "Dr", "Prof.", "Ms", "Mr"]),
                "country": home[key],
                "country_relation": rng.choice(["nationality", "nationality", "affiliation", "unspecified"]),
                "wikidata": "",
            }

    count = write_csv(target / "people.csv", PEOPLE_COLUMNS, rows())
    # The experts are the first fifth of the people, each based in the region of their own country (or,
    # for a country in none, one drawn for them); within a region a few do most of the work.
    region_of = {cc: group for group, members in world.groups.items() for cc in members}
    based: dict[str, list[str]] = {}
    for person in world.people[: max(10, len(world.people) // 5)]:
        region = region_of.get(home[person]) or rng.choice(sorted(world.groups))
        based.setdefault(region, []).append(person)
    world.experts = {region: PowerLaw(people, exponent=1.05) for region, people in sorted(based.items())}
    # Invited abroad, an expert goes back to the one or two regions they are known in (a language, a
    # network, a programme), not to a region drawn afresh each time.
    visiting: dict[str, list[str]] = {}
    for region, people in sorted(based.items()):
        elsewhere = [r for r in sorted(world.groups) if r != region]
        for person in people:
            for away in rng.sample(elsewhere, k=min(len(elsewhere), rng.choice([1, 1, 2]))):
                visiting.setdefault(away, []).append(person)
    world.visitors = {region: PowerLaw(people, exponent=1.05) for region, people in sorted(visiting.items())}
    write_text(target / "people.meta.yaml", dump_yaml({"title": f"People ({MARK})", "sources": [synthetic_source(seed, "People")]}))
    return count


def _write_positions(target: Path, world: World, seed: int, rng: random.Random) -> int:
    assert world.pool is not None

    def rows():
        for person in world.people:
            for n in range(rng.choice([0, 0, 1, 1, 1, 2])):
                start = random_day(rng, dt.date(1995, 1, 1), dt.date(LAST_YEAR - 1, 12, 31))
                end = random_day(rng, start, dt.date(LAST_YEAR, 12, 31)) if rng.random() < 0.3 else None
                yield {
                    "person": person, "organization": world.pool.draw(rng), "title": rng.choice(TITLES),
                    "as_of": (end or dt.date(LAST_YEAR, 6, 30)).isoformat(),
                    "start": start.isoformat() if rng.random() < 0.7 else str(start.year),
                    "end": end.isoformat() if end else "",
                    "source_url": f"{SYN_URL}positions/{person}/{n}",
                }

    write_text(target / "positions.meta.yaml", dump_yaml({"title": f"Positions ({MARK})", "sources": [synthetic_source(seed, "Positions")]}))
    return write_csv(target / "positions.csv", POSITION_COLUMNS, rows())


def _membership_row(rng: random.Random, convention: str, state: str, adopted: dt.date) -> dict[str, str]:
    deposit = random_day(rng, adopted + dt.timedelta(days=30), dt.date(LAST_YEAR, 9, 30))
    in_force = deposit + dt.timedelta(days=91)  # the culture conventions enter into force three months on
    row = dict.fromkeys(MEMBERSHIP_COLUMNS, "")
    row.update(convention=convention, state=state, source_url=f"{SYN_URL}memberships/{convention}/{state}")
    precision = rng.random()
    # Real tables know dates to the day, the month or only the year, or only that a state was a party by then.
    # `party` is the last day the stated entry into force allows: the loader counts a state a party from
    # then on, so a withdrawal must come after it (a withdrawal in the month of a month-precise entry
    # into force was refused at 100,000 events).
    if precision < 0.70:
        row.update(deposit_date=deposit.isoformat(), entry_into_force=in_force.isoformat())
        party = in_force
    elif precision < 0.85:
        row.update(deposit_date=deposit.isoformat()[:7], entry_into_force=in_force.isoformat()[:7])
        party = _month_end(in_force)
    elif precision < 0.93:
        row.update(deposit_date=str(deposit.year), entry_into_force=str(in_force.year))
        party = dt.date(in_force.year, 12, 31)
    else:
        row["known_party_by"] = min(in_force + dt.timedelta(days=rng.randrange(1, 900)), dt.date(LAST_YEAR, 12, 31)).isoformat()
        return row
    row["instrument_kind"] = rng.choice(INSTRUMENT_KINDS)
    if rng.random() < 0.2:
        row["signature_date"] = (adopted + dt.timedelta(days=rng.randrange(1, 365))).isoformat()
    if rng.random() < 0.01 and party.year < LAST_YEAR:
        row["party_until"] = random_day(rng, party + dt.timedelta(days=1), dt.date(LAST_YEAR, 12, 31)).isoformat()
    return row


def _month_end(day: dt.date) -> dt.date:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)


def _write_memberships(reference: Path, target: Path, world: World, seed: int, rng: random.Random) -> int:
    conventions = _load_yaml(reference / "conventions.yaml").get("conventions") or []
    total = 0
    for index, conv in enumerate(conventions):
        adopted = parse_day(conv.get("adoption_date")) or dt.date(2000, 1, 1)
        stem = f"syn-{conv['key']}"
        rows = [_membership_row(rng, conv["key"], cc, adopted) for cc in world.countries if rng.random() < 0.85]
        total += write_csv(target / "memberships" / f"{stem}.csv", MEMBERSHIP_COLUMNS, rows)
        # The last table is left incomplete, so "not a party" and "unknown" both occur.
        complete = index < len(conventions) - 1
        meta = {"title": f"Parties to {conv['key']} ({MARK})", "sources": [synthetic_source(seed, "Memberships")],
                "convention": conv["key"], "complete": complete}
        if complete:
            meta["complete_as_of"] = dt.date(LAST_YEAR, 12, 31)
        write_text(target / "memberships" / f"{stem}.meta.yaml", dump_yaml(meta))
    return total
