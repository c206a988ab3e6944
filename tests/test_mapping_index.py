"""The index of declared keys: event records are indexed by file name without being read."""

from __future__ import annotations

from culturekg.mapping import build_index
from culturekg.mapping.context import Entry
from culturekg.records.files import EventRecords


def events(*names: str) -> EventRecords:
    return EventRecords("/nowhere", list(names), ["-"] * len(names))


def test_event_keys_read_back_as_entries():
    index, problems = build_index([], events("a-2020.yaml", "b-2021.json"))
    assert problems == []
    assert index.has("event", "b-2021") and not index.has("event", "c")
    entry = index.entries["event"]["a-2020"]
    assert entry == Entry("a-2020", "data/records/events/a-2020.yaml", 1)
    assert entry.where == "data/records/events/a-2020.yaml:1"
    assert index.label("event", "b-2021") == "b-2021"
    assert index.entries["event"].get("c") is None
    assert dict(index.entries["event"].items())["b-2021"].path == "data/records/events/b-2021.json"
    assert "a-2020" in index.suggestions("event", "a-2021")


def test_an_event_key_twice_is_a_problem_naming_the_first_file():
    _, problems = build_index([], events("a.json", "a.yaml"))
    assert len(problems) == 1
    assert problems[0].path == "data/records/events/a.yaml"
    assert "data/records/events/a.json:1" in problems[0].message
