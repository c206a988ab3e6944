"""Synthetic event records, one YAML file each, shaped like the real ones: an organizer with its
usual partners, funders (organizations or donor states), one to three experts (mostly from the
region, a few busy ones doing most of the work, none more than a person can in a year), speakers, stakeholder groups by sector and country, target countries of one sub-region,
some online events, some discontinuous ones, some parts of others."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from .common import FIRST_YEAR, LAST_YEAR, MARK, SYN_URL, random_day
from .reference import World

TYPES = ["workshop", "training-workshop", "training-workshop", "training-workshop", "training-of-trainers", "forum",
         "conference", "meeting", "consultation", "exhibition", "round-table", "master-class"]
TYPE_NAMES = {
    "workshop": ("Workshop", "Atelier"), "training-workshop": ("Training workshop", "Atelier de formation"),
    "training-of-trainers": ("Training of trainers", "Formation de formateurs"), "forum": ("Forum", "Forum"),
    "conference": ("Conference", "Conférence"), "meeting": ("Meeting", "Réunion"),
    "consultation": ("Consultation", "Consultation"), "exhibition": ("Exhibition", "Exposition"),
    "round-table": ("Round table", "Table ronde"), "master-class": ("Master class", "Classe de maître"),
}
CAPACITIES = ["International Expert", "International Expert", "National Expert", "Trainer", "Moderator"]
# Experts come from the event's own region four times in five; the others are invited from elsewhere,
# from among the experts who also work in that region.
HOME_EXPERTS = 0.8
# Facilitations one person takes on in a year at most: busy trainers run two or three workshops a month.
EXPERT_YEAR_LIMIT = 30
GROUP_LABELS = ["representatives of", "staff of", "members of", "young professionals from", "practitioners from"]


def event_key(index: int) -> str:
    return f"syn-event-{index:06d}"


def _dates(rng: random.Random, key: str) -> tuple[dict, dt.date, list[dict], list[dict]]:
    start = random_day(rng, dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 20))
    end = start + dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 2, 3, 4]))
    dates: dict = {"start": start}
    venues: list[dict] = []
    ranges: list[dict] = []
    roll = rng.random()
    if roll < 0.03:
        # Known only to the month, as an announcement sometimes gives it.
        return {"start": start.isoformat()[:7]}, start, venues, ranges
    if roll < 0.12:
        # Two blocks with a gap, e.g. workshops then a round table two days later.
        first_end = start + dt.timedelta(days=rng.randint(0, 2))
        second = first_end + dt.timedelta(days=rng.randint(2, 5))
        end = second + dt.timedelta(days=rng.randint(0, 1))
        venues = [{"key": f"{key}-venue-1", "name": f"Conference hall ({MARK})"}]
        ranges = [{"start": start, "end": first_end, "venue": venues[0]["key"]}, {"start": second, "end": end}]
    if end != start:
        dates["end"] = end
    if ranges:
        dates["ranges"] = ranges
    return dates, end, venues, ranges


def _participant(role: str, kind: str, key: str, **extra: object) -> dict:
    entry: dict = {"role": role, kind: key}
    entry.update({k: v for k, v in extra.items() if v})
    return entry


class EventGenerator:
    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.seed = seed
        self.partners: dict[str, list[str]] = {}
        self.group_keys = list(world.groups)
        self.expert_regions = sorted(world.experts)
        self.fully_booked: dict[int, set[str]] = {}
        self.booked: dict[tuple[str, int], int] = {}

    def _partners_of(self, rng: random.Random, organizer: str) -> list[str]:
        # An organizer keeps working with the same few partners; drawn once, on first use.
        if organizer not in self.partners:
            assert self.world.pool is not None
            self.partners[organizer] = self.world.pool.draw_distinct(rng, rng.randint(2, 5), {organizer})
        return self.partners[organizer]

    def _experts(self, rng: random.Random, group: str, year: int) -> list[str]:
        chosen: list[str] = []
        full = self.fully_booked.setdefault(year, set())
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            if group in self.world.experts and rng.random() < HOME_EXPERTS:
                pool = self.world.experts[group]
            elif group in self.world.visitors:
                pool = self.world.visitors[group]
            else:
                pool = self.world.experts[rng.choice(self.expert_regions)]
            for person in pool.draw_distinct(rng, 1, set(chosen) | full):
                chosen.append(person)
                self.booked[person, year] = self.booked.get((person, year), 0) + 1
                if self.booked[person, year] >= EXPERT_YEAR_LIMIT:
                    full.add(person)
        return chosen

    def _agents(self, rng: random.Random, group: str, targets: list[str], conventions: list[str],
                year: int) -> tuple[list[dict], list[str]]:
        w = self.world
        assert w.pool is not None and w.experts
        roll = rng.random()
        if roll < 0.5:
            organizer = w.field_offices[group][0]
        elif roll < 0.75:
            organizer = w.ministries[rng.choice(targets)]
        else:
            organizer = w.pool.draw(rng)
        people: list[dict] = [_participant("organizer", "organization", organizer)]
        co = {w.natcoms[rng.choice(targets)]} if rng.random() < 0.6 else set()
        partners = self._partners_of(rng, organizer)
        co.update(rng.sample(partners, k=rng.randint(0, min(2, len(partners)))))
        if rng.random() < 0.2:
            co.add(w.pool.draw(rng))
        co.discard(organizer)
        people += [_participant("co-organizer", "organization", k) for k in sorted(co)]
        mechanisms: list[str] = []
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            if rng.random() < 0.5 and w.foundations:
                funder = ("organization", rng.choice(w.foundations))
            else:
                funder = ("country", rng.choice(w.donors))
            entry = _participant("funder", *funder)
            if entry not in people:
                people.append(entry)
                funds = [f for c in conventions for f in w.funds.get(c, [])]
                if funds and rng.random() < 0.6:
                    mechanisms.append(rng.choice(funds))
        if rng.random() < 0.15:
            people.append(_participant("partner", "organization", w.pool.draw(rng)))
        experts = self._experts(rng, group, year)
        for person in experts:
            represented = rng.choice(["", "", w.pool.draw(rng)])
            people.append(_participant("facilitator", "person", person, capacity=rng.choice(CAPACITIES), represented=represented))
        speakers = {rng.choice(w.people) for _ in range(rng.choice([0, 0, 0, 1, 2]))} - set(experts)
        people += [_participant("speaker", "person", p) for p in sorted(speakers)]
        people += self._groups(rng, targets)
        return people, sorted(set(mechanisms))

    def _groups(self, rng: random.Random, targets: list[str]) -> list[dict]:
        groups = []
        seen: set[str] = set()
        for _ in range(rng.randint(2, 4)):
            sector = rng.choice(self.world.sectors)
            country = rng.choice(targets) if rng.random() < 0.7 else ""
            key = f"{sector}-{country.lower()}" if country else sector
            if key in seen:
                continue
            seen.add(key)
            group: dict = {"key": key, "label": f"{rng.choice(GROUP_LABELS)} {self.world.sector_labels[sector]} ({MARK})",
                           "sector": sector}
            if country:
                group["country"] = country
            if rng.random() < 0.6:
                group["count"] = rng.randint(1, 40)
            groups.append({"role": "participant", "group": group})
        return groups

    def event(self, rng: random.Random, index: int) -> dict:
        w = self.world
        key = event_key(index)
        group = rng.choice(self.group_keys)
        members = w.groups[group]
        targets = sorted(rng.sample(members, k=rng.randint(1, min(6, len(members)))))
        kind = rng.choice(TYPES)
        conventions = sorted(rng.sample(w.conventions, k=rng.choice([1, 1, 1, 2])))
        topics = sorted(rng.sample(w.topics, k=min(len(w.topics), rng.randint(1, 4))))
        dates, end, venues, _ = _dates(rng, key)
        online = rng.random() < 0.12
        en, fr = TYPE_NAMES[kind]
        subject = w.topic_labels[topics[0]]
        title: object = f"{en} on {subject} for {w.group_names[group]} ({MARK} {index})"
        if rng.random() < 0.15:
            title = {"en": title, "fr": f"{fr} : {subject} ({MARK} {index})"}
        record: dict = {"key": key, "type": kind, "title": title, "dates": dates}
        if online:
            record["online"] = True
        if venues:
            record["venues"] = venues
        if not online:
            country = rng.choice(targets)
            record["city"] = rng.choice(w.cities[country])
            record["country"] = country
        if index > 1 and rng.random() < 0.03:
            record["part_of"] = event_key(rng.randint(max(1, index - 50), index - 1))
        if index > 1 and rng.random() < 0.05:
            record["related_events"] = [event_key(rng.randint(1, index - 1))]
        record["conventions"] = [c if rng.random() < 0.85 else {"convention": c, "basis": "implied"} for c in conventions]
        participants, mechanisms = self._agents(rng, group, targets, conventions, end.year)
        other = [m for c in conventions for m in w.mechanisms.get(c, []) if m not in mechanisms]
        if other and rng.random() < 0.3:
            mechanisms = sorted(set(mechanisms) | {rng.choice(other)})
        if mechanisms:
            record["mechanisms"] = mechanisms
        record["target_countries"] = targets
        if rng.random() < 0.4:
            record["target_regions"] = [group]
        record["topics"] = topics
        if rng.random() < 0.6:
            record["attendance"] = rng.randint(8, 250)
        record["participants"] = participants
        announced = rng.random() < 0.2
        published = dates["start"] if isinstance(dates["start"], str) else (
            dates["start"] - dt.timedelta(days=rng.randint(3, 30)) if announced else end + dt.timedelta(days=rng.randint(1, 14)))
        record["source"] = {
            "url": f"{SYN_URL}events/{key}",
            "publisher": participants[0]["organization"],
            "published": published,
            "language": "en",
            "kind": "announcement" if announced else "report",
        }
        record["notes"] = f"{MARK}: made up by bench/generate.py (seed {self.seed}) for benchmarks; not a real event."
        return record

    def events(self, rng: random.Random, count: int) -> Iterator[dict]:
        for index in range(1, count + 1):
            yield self.event(rng, index)
