"""The filters that were rewritten so that Oxigraph applies them before the OPTIONALs (their variables
bound on every row) still keep and leave out exactly the rows they did: partial dates, starts that are
no date, events that do not say whether they are online."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from culturekg.queries.catalogue import find
from culturekg.store import EmbeddedStore

QUERIES = Path(__file__).resolve().parent.parent / "queries"
CKG = "https://w3id.org/culturekg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = ox.NamedNode("https://example.org/g")


def _event(key: str, start: ox.Literal, online: bool | None = None) -> list[ox.Quad]:
    event = ox.NamedNode(f"https://example.org/event/{key}")
    quads = [
        ox.Quad(event, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(CKG + "Event"), GRAPH),
        ox.Quad(event, ox.NamedNode(CKG + "startDate"), start, GRAPH),
        ox.Quad(event, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(key, language="en"), GRAPH),
    ]
    if online is not None:
        quads.append(ox.Quad(event, ox.NamedNode(CKG + "online"), ox.Literal(online), GRAPH))
    return quads


def _store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.oxigraph.extend(
        _event("day", ox.Literal("2016-05-01", datatype=ox.NamedNode(XSD + "date")), online=True)
        + _event("month", ox.Literal("2016-06", datatype=ox.NamedNode(XSD + "gYearMonth")), online=False)
        + _event("year", ox.Literal("2016", datatype=ox.NamedNode(XSD + "gYear")))
        + _event("timestamp", ox.Literal("2016-07-01T10:00:00", datatype=ox.NamedNode(XSD + "dateTime")))
        + _event("text", ox.Literal("sometime in 2016"))
        + _event("before", ox.Literal("2015-12-31", datatype=ox.NamedNode(XSD + "date")))
    )
    return store


def _keys(rows) -> list[str]:
    return [row["event"].value.rsplit("/", 1)[1] for row in rows]


def test_events_in_period_keeps_partial_dates_and_leaves_out_starts_that_are_no_date():
    query = find(QUERIES)["events-in-period"]
    period = {"from": ox.Literal("2016-01-01", datatype=ox.NamedNode(XSD + "date")),
              "to": ox.Literal("2016-12-31", datatype=ox.NamedNode(XSD + "date"))}
    rows = _store().select(query.text, period).as_dicts()
    assert _keys(rows) == ["year", "day", "month"]


def test_events_online_counts_an_event_that_does_not_say_as_in_person():
    query = find(QUERIES)["events-online"]
    store = _store()
    online = store.select(query.text, {"online": ox.Literal(True)}).as_dicts()
    in_person = store.select(query.text, {"online": ox.Literal(False)}).as_dicts()
    assert _keys(online) == ["day"]
    assert sorted(_keys(in_person)) == ["before", "month", "text", "timestamp", "year"]
