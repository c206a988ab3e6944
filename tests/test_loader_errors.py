"""Bad input is refused with every problem named by file, line and field, and the store untouched.

Each case under tests/fixtures/records/bad/ is laid over a copy of the miniature project in
tests/fixtures/records/project/; the expected problems are listed here, exactly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli_helpers import copy_miniature_project

from culturekg.errors import RecordError
from culturekg.loader import load
from culturekg.project import load_project
from culturekg.store import EmbeddedStore

FIXTURES = Path(__file__).parent / "fixtures" / "records"
EV = "data/records/events/"
MEMBERSHIPS = "data/reference/memberships/c2005-test.csv"

# case -> [(path, line, field, words the message must contain)]
CASES = {
    "yaml-syntax": [(EV + "broken.yaml", 4, None, "not valid YAML")],
    "json-syntax": [(EV + "broken-json.json", 5, None, "not valid JSON")],
    "wrong-types": [
        (EV + "wrong-types.yaml", 3, "title", "expected a string or a mapping"),
        (EV + "wrong-types.yaml", 6, "online", "expected true or false, got the string 'yes'"),
        (EV + "wrong-types.yaml", 7, "attendance", "expected an integer, got the string 'many'"),
        (EV + "wrong-types.yaml", 8, "participants", "expected a list, got a mapping"),
    ],
    "unknown-field": [(EV + "unknown-field.yaml", 6, "attendence", "did you mean attendance?")],
    "unknown-references": [
        (EV + "unknown-references.yaml", 6, "city", "unknown city 'almty'; did you mean almaty?"),
        (EV + "unknown-references.yaml", 7, "part_of", "did you mean almaty-2017-2005-training?"),
        (EV + "unknown-references.yaml", 8, "conventions[0]", "unknown convention 'c2050'; did you mean c2005"),
        (EV + "unknown-references.yaml", 9, "mechanisms[0]", "unknown mechanism 'ifdc'; did you mean ifcd?"),
        (EV + "unknown-references.yaml", 10, "topics[0]", "did you mean periodic-reporting?"),
        (EV + "unknown-references.yaml", 13, "participants[0].organization", "unknown organization 'unesco-almty'; did you mean unesco-almaty"),
        (EV + "unknown-references.yaml", 15, "participants[1].group.sector", "did you mean ministry-of-culture?"),
        (EV + "unknown-references.yaml", 17, "participants[2].person", "did you mean lidia-varbanova?"),
    ],
    "unknown-country": [
        (EV + "unknown-country.yaml", 6, "country", "unknown country 'KX'; did you mean KZ"),
        (EV + "unknown-country.yaml", 7, "target_countries[1]", "unknown country 'XK'"),
    ],
    "duplicate-key-two-files": [
        (EV + "felt-2019.yaml", 1, "key", "event 'felt-2019' is defined twice: first at data/records/events/felt-2019.json:1"),
    ],
    "duplicate-key-same-file": [
        ("data/reference/organizations.csv", 6, "key", "organization 'unesco' is defined twice: first at data/reference/organizations.csv:4"),
    ],
    "duplicate-yaml-key": [(EV + "duplicate-yaml-key.yaml", 7, "city", "given twice in one mapping (first on line 6)")],
    "impossible-date": [(EV + "impossible-date.yaml", 5, "dates.start", "'2017-02-30' is not a real date")],
    "end-before-start": [(EV + "end-before-start.yaml", 6, "dates.end", "end 2017-07-24 is before start 2017-07-25")],
    "range-outside": [
        (EV + "range-outside.yaml", 9, "dates.ranges[1]", "outside the event's dates 2023-04-24..2023-04-27"),
        (EV + "range-outside.yaml", 9, "dates.ranges[1]", "venue 'nowhere' is not declared"),
    ],
    "unsafe-yaml": [(EV + "unsafe-yaml.yaml", 6, None, "python/object/apply:os.system is not allowed")],
    "iri-collision": [
        (EV + "iri-collision.yaml", 9, "participants[1]", "org-unesco is listed twice as organizer (first at line 7)"),
        (EV + "iri-collision.yaml", 16, "participants[4].group", "group key 'culture-ministries' already names another group (line 12)"),
    ],
    "iri-collision-positions": [
        ("data/reference/positions.csv", 3, None,
         "IRI collision: https://w3id.org/culturekg/id/position/ab--cd--ef--1 is minted for post 1 of person ab in "
         "organization cd--ef (data/reference/positions.csv:3) but already for post 1 of person ab--cd in organization ef"),
    ],
    "venue-conflict": [
        (EV + "venue-conflict.yaml", 7, "venues[0].name", "but as 'Conference Room, Tower C' at data/records/events/qpr-2023-two-venues.yaml:11"),
    ],
    "key-not-file-name": [(EV + "key-not-file-name.yaml", 1, "key", "must equal the file name 'key-not-file-name'")],
    "source-unfindable": [(EV + "source-unfindable.yaml", 7, "source", "without a url must give publisher")],
    "csv-header": [
        ("data/reference/countries.csv", 1, "iso2", "missing column"),
        ("data/reference/countries.csv", 1, "iso_2", "unknown column"),
    ],
    "csv-cells": [
        (MEMBERSHIPS, 2, "instrument_kind", "got the string 'ratified'"),
        (MEMBERSHIPS, 2, "entry_into_force", "has no month 13"),
        (MEMBERSHIPS, 4, "known_party_by", "expected a full date"),
    ],
    "membership-dates": [
        (MEMBERSHIPS, 3, "party_until", "before the state became a party (2019-04-30)"),
        (MEMBERSHIPS, 4, "convention", "sidecar says 'c2005'"),
        (MEMBERSHIPS, 5, "state", "unknown country 'DE'"),
    ],
    "unknown-file": [("data/records/notes.txt", None, None, "not a record file")],
    "sidecar-problems": [
        (MEMBERSHIPS.replace(".csv", ".meta.yaml"), 1, "convention", "must name its convention"),
        (MEMBERSHIPS.replace(".csv", ".meta.yaml"), 1, "complete_as_of", "must say as of when"),
        ("data/reference/orphan.meta.yaml", None, None, "sidecar without its CSV table"),
        ("data/reference/regions.meta.yaml", 3, "sources[0]", "a source without a url must give publisher and published"),
        ("data/reference/regions.meta.yaml", 4, "convention", "only membership tables take this field"),
    ],
}


project_with = copy_miniature_project


def problems_of(root: Path, store: EmbeddedStore | None = None) -> list:
    with pytest.raises(RecordError) as caught:
        load(load_project(root), store or EmbeddedStore())
    return caught.value.problems


def test_every_bad_fixture_has_expectations():
    assert sorted(p.name for p in (FIXTURES / "bad").iterdir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_naming_file_line_and_field(tmp_path, case):
    problems = problems_of(project_with(tmp_path, case))
    got = sorted((p.path, p.line, p.field) for p in problems)
    want = sorted((path, line, field) for path, line, field, _ in CASES[case])
    assert got == want, "\n".join(map(str, problems))
    for path, line, field, words in CASES[case]:
        messages = [p.message for p in problems if (p.path, p.line, p.field) == (path, line, field)]
        assert any(words in m for m in messages), (words, messages)


def test_unsafe_yaml_is_not_executed(tmp_path):
    marker = Path("/tmp/culturekg-loader-pwned")
    marker.unlink(missing_ok=True)
    problems_of(project_with(tmp_path, "unsafe-yaml"))
    assert not marker.exists()


def test_problems_of_several_files_come_in_one_batch(tmp_path):
    cases = ("unknown-field", "impossible-date", "unknown-references", "end-before-start")
    problems = problems_of(project_with(tmp_path, *cases))
    assert {p.path for p in problems} == {CASES[c][0][0] for c in cases}
    assert len(problems) == sum(len(CASES[c]) for c in cases)


def test_failed_batch_leaves_the_store_exactly_as_it_was(tmp_path):
    root = project_with(tmp_path)
    store = EmbeddedStore()
    load(load_project(root), store)
    before = set(store.quads())
    (root / "data/records/events/felt-2019.yaml").write_text("key: felt-2019\nchanged: true\n", encoding="utf-8")
    shutil.copytree(FIXTURES / "bad" / "unknown-references", root, dirs_exist_ok=True)
    problems = problems_of(root, store)
    assert {p.path for p in problems} == {EV + "felt-2019.yaml", EV + "unknown-references.yaml"}
    assert set(store.quads()) == before


def test_a_reference_file_that_fails_stops_before_records_are_resolved(tmp_path):
    # With countries.csv unreadable, every country in every record would look unknown; only the
    # real problem is reported.
    problems = problems_of(project_with(tmp_path, "csv-header", "unknown-field"))
    assert {p.path for p in problems} == {"data/reference/countries.csv", EV + "unknown-field.yaml"}


def test_a_table_without_its_sidecar_is_refused(tmp_path):
    root = project_with(tmp_path)
    (root / "data/reference/people.meta.yaml").unlink()
    [problem] = problems_of(root)
    assert problem.path == "data/reference/people.csv" and "no sidecar people.meta.yaml" in problem.message
