"""The benchmark's synthetic projects: deterministic, clearly synthetic, and loadable as real records are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GENERATE = REPO / "bench" / "generate.py"


def _generate(out: Path, seed: int, events: int = 20) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(GENERATE), "--events", str(events), "--out", str(out), "--seed", str(seed)],
                          capture_output=True, text=True)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("syn") / "p"
    done = _generate(out, seed=11)
    assert done.returncode == 0, done.stderr
    return out


def test_same_seed_gives_same_bytes_and_another_seed_does_not(project: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    assert _generate(again, seed=11).returncode == 0
    assert _generate(other, seed=12).returncode == 0
    assert _files(again) == _files(project)
    assert _files(other) != _files(project)


def test_every_made_up_record_says_it_is_synthetic(project: Path) -> None:
    events = sorted((project / "data" / "records" / "events").glob("*.yaml"))
    assert len(events) == 20
    for path in events:
        text = path.read_text(encoding="utf-8")
        assert path.stem.startswith("syn-") and "SYNTHETIC" in text and "https://culturekg-bench.invalid/" in text
    people = (project / "data" / "reference" / "people.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert people and all(line.startswith("syn-") for line in people)


def test_refuses_to_write_into_real_data_or_a_foreign_folder(tmp_path: Path) -> None:
    inside = _generate(REPO / "data" / "records" / "syn-bench", seed=1)
    assert inside.returncode != 0 and "must not be written under" in inside.stderr
    assert not (REPO / "data" / "records" / "syn-bench").exists()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = _generate(foreign, seed=1)
    assert refused.returncode != 0 and "refusing to overwrite" in refused.stderr
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_twenty_events_load_through_the_loader(project: Path) -> None:
    loader = pytest.importorskip("culturekg.loader", reason="culturekg.loader has not landed yet")
    from culturekg.project import load_project
    from culturekg.store.embedded import EmbeddedStore

    store = EmbeddedStore(None)
    loader.load(load_project(project), store)
    rows = store.select(
        "PREFIX ckg: <https://w3id.org/culturekg/ontology#> "
        "SELECT ?key WHERE { ?e ckg:key ?key ; ckg:startDate ?d ; ckg:reportedIn ?s . FILTER(STRSTARTS(?key, 'syn-event-')) }"
    ).rows
    assert sorted(r[0].value for r in rows) == [f"syn-event-{n:06d}" for n in range(1, 21)]
    facilitators = store.select(
        "PREFIX ckg: <https://w3id.org/culturekg/ontology#> PREFIX ckgr: <https://w3id.org/culturekg/ontology/role/> "
        "SELECT (COUNT(*) AS ?n) WHERE { ?p ckg:role ckgr:facilitator ; ckg:agent ?a ; ckg:event ?e }"
    ).rows
    assert int(facilitators[0][0].value) >= 20


def test_a_synthetic_project_validates_without_violations(project: Path) -> None:
    # Real cities whose administrative area only a real event record names would leave that area unlabelled.
    from culturekg.loader import load
    from culturekg.project import load_project
    from culturekg.store.embedded import EmbeddedStore
    from culturekg.validate import count_violations, validate

    store = EmbeddedStore(None)
    loaded = load_project(project)
    load(loaded, store)
    report = validate(store, loaded, engine="fast")
    assert [(r.focus, r.message) for r in report.results if r.severity.value.endswith("Violation")] == []
    assert count_violations(report)["violations"] == 0


def test_a_made_up_withdrawal_comes_after_the_last_day_the_entry_into_force_allows() -> None:
    """The loader counts a state a party from the last day a month- or year-precise date allows; a
    withdrawal on or before that day is refused (it was, at 100,000 events)."""
    import calendar
    import datetime as dt
    import random

    sys.path.insert(0, str(REPO / "bench"))
    from synth.reference import _membership_row

    rng = random.Random(5)
    withdrawals = 0
    for n in range(40_000):
        row = _membership_row(rng, "c2005", f"S{n}", dt.date(2005, 10, 20))
        if not row["party_until"]:
            continue
        withdrawals += 1
        force = row["entry_into_force"]
        year = int(force[:4])
        month = int(force[5:7]) if len(force) >= 7 else 12
        day = int(force[8:10]) if len(force) == 10 else calendar.monthrange(year, month)[1]
        assert dt.date.fromisoformat(row["party_until"]) > dt.date(year, month, day), row
    assert withdrawals > 100


def test_an_expert_takes_on_no_more_facilitations_in_a_year_than_the_limit() -> None:
    """The busiest expert of generator version 3 facilitated about 600 events a year, more than one a
    day; the limit keeps the synthetic experts to what a person can do."""
    import random

    sys.path.insert(0, str(REPO / "bench"))
    from synth.common import PowerLaw
    from synth.events import EXPERT_YEAR_LIMIT, EventGenerator
    from synth.reference import World

    world = World(countries=["AA", "BB"], country_names={}, groups={"g1": ["AA"], "g2": ["BB"]}, group_names={},
                  conventions=[], mechanisms={}, funds={}, topics=[], topic_labels={}, sectors=[], sector_labels={},
                  experts={"g1": PowerLaw(["p1", "p2"]), "g2": PowerLaw(["p3"])})
    generator = EventGenerator(world, seed=1)
    rng = random.Random(3)
    drawn = [person for _ in range(400) for person in generator._experts(rng, "g1", 2010)]
    counts = {p: drawn.count(p) for p in set(drawn)}
    assert counts == {"p1": EXPERT_YEAR_LIMIT, "p2": EXPERT_YEAR_LIMIT, "p3": EXPERT_YEAR_LIMIT}
    # Another year starts afresh.
    assert generator._experts(rng, "g1", 2011)


def test_experts_work_mostly_in_their_own_region(tmp_path: Path) -> None:
    import csv

    import yaml

    out = tmp_path / "p"
    assert _generate(out, seed=4, events=3000).returncode == 0
    reference = out / "data" / "reference"
    with (reference / "countries.csv").open(encoding="utf-8") as handle:
        region = {r["iso2"]: r.get("intermediate_region") or r.get("subregion") for r in csv.DictReader(handle)}
    with (reference / "people.csv").open(encoding="utf-8") as handle:
        home = {r["key"]: region.get(r["country"]) for r in csv.DictReader(handle)}
    facilitations = []
    for path in (out / "data" / "records" / "events").glob("*.yaml"):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        event_region = region[record["target_countries"][0]]
        facilitations += [(e["person"], event_region) for e in record["participants"] if e["role"] == "facilitator"]
    # A region none of the experts is based in (at this size, most have one or two) invites them all.
    served = {home[person] for person, _ in facilitations}
    at_home = [home[person] == event_region for person, event_region in facilitations if event_region in served]
    assert len(at_home) > 600
    assert 0.7 < sum(at_home) / len(at_home) < 0.95
    # Away from home, an expert keeps to one or two regions (those with no expert visiting them aside).
    away: dict[str, set[str]] = {}
    for person, event_region in facilitations:
        if event_region != home[person]:
            away.setdefault(person, set()).add(event_region)
    assert len(away) > 10
    assert sum(len(regions) <= 2 for regions in away.values()) / len(away) > 0.9
