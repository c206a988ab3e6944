"""Stored queries that sort on slices of an IRI (16-character sort keys, which Oxigraph compares in memory)
must give the order of the IRIs themselves: IRIs that differ only after the slices, IRIs that are
prefixes of others, IRIs ending exactly on a slice boundary, and non-ASCII characters."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from culturekg.mapping.ontology import ontology_entailments
from culturekg.project import shipped_ontology_file
from culturekg.queries.catalogue import find
from culturekg.queries.runner import run
from culturekg.store import EmbeddedStore

QUERIES = Path(__file__).resolve().parent.parent / "queries"
CKG = "https://w3id.org/culturekg/ontology#"
FACILITATOR = ox.NamedNode("https://w3id.org/culturekg/ontology/role/facilitator")
ENTAILED = ontology_entailments(shipped_ontology_file())
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
LONG = "https://example.org/people/" + "x" * 40
# Sorted by code point, which is the order SPARQL gives IRIs; the test checks that it is sorted.
PEOPLE = [
    "https://example.org/p",  # shorter than one slice
    "https://example.org/people/0123",  # ends exactly on the second slice boundary (32 characters)
    LONG,  # a prefix of the two below
    LONG + "a",
    LONG + "a" + "y" * 30,
    LONG + "b",  # differs from the one above only after 67 characters
    "https://example.org/peopl\u00e9/a",  # a two-byte character inside the second slice
]
PARTICIPATION = "https://example.org/participation/" + "z" * 30
COUNTRIES = [
    "https://example.org/country/" + "k" * 21,  # 48 characters: three full slices, empty fourth
    "https://example.org/country/" + "k" * 21 + "A",
    "https://example.org/country/" + "k" * 21 + "B",
    "https://example.org/countryZ",
]


def _store() -> EmbeddedStore:
    store = EmbeddedStore()
    quads = []
    for p, person in enumerate(PEOPLE):
        quads.append(ox.Quad(ox.NamedNode(person), RDFS_LABEL, ox.Literal(f"Person {p}", language="en")))
        # Every person in every country, one event each: all tie on the number of countries, so the
        # order within it is the IRIs' alone.
        for c, country in enumerate(COUNTRIES):
            event = ox.NamedNode(f"https://example.org/event/{p}-{c}")
            # Long enough that participations differ only after the third slice.
            facilitation = ox.NamedNode(f"{PARTICIPATION}{p}-{c}")
            quads += [
                ox.Quad(event, ox.NamedNode(CKG + "country"), ox.NamedNode(country)),
                ox.Quad(facilitation, RDF_TYPE, ox.NamedNode(CKG + "Participation")),
                ox.Quad(facilitation, ox.NamedNode(CKG + "role"), FACILITATOR),
                ox.Quad(facilitation, ox.NamedNode(CKG + "agent"), ox.NamedNode(person)),
                ox.Quad(facilitation, ox.NamedNode(CKG + "event"), event),
            ]
    # With what the loader derives from them (ckg:facilitator, which the query follows).
    quads += [ox.Quad(t.subject, t.predicate, t.object) for t in ENTAILED.of([q.triple for q in quads])]
    store.oxigraph.extend([ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("https://example.org/g")) for q in quads])
    return store


def test_the_fixture_lists_are_in_code_point_order():
    assert PEOPLE == sorted(PEOPLE) and COUNTRIES == sorted(COUNTRIES)


def test_facilitators_are_sorted_as_their_iris():
    query = find(QUERIES)["facilitators-in-several-countries"]
    result = run(_store(), query, {})
    got = [(row["person"].value, row["country"].value) for row in result.as_dicts()]
    assert got == [(person, country) for person in PEOPLE for country in COUNTRIES]
    assert {row["countries"].value for row in result.as_dicts()} == {str(len(COUNTRIES))}


def _sort_key(row: dict) -> tuple:
    """SPARQL's order for the rows of entity-profile: unbound first, then IRIs by code point."""
    via = row["via"]
    return (row["direction"].value, "" if via is None else via.value, row["property"].value, row["value"].value)


def test_entity_profile_is_sorted_as_its_iris():
    query = find(QUERIES)["entity-profile"]
    # Bound as the runner binds it; the test's IRIs are not under the project's base, which `run` requires.
    rows = _store().select(query.text, {"entity": ox.NamedNode(PEOPLE[4])}).as_dicts()
    assert rows == sorted(rows, key=_sort_key)
    # Every participation of the person shows up, both as "in" (with its event's ckg:facilitator link) and
    # with its details as "via".
    ins = [row["property"].value for row in rows if row["direction"].value == "in"]
    assert sorted(ins) == [CKG + "agent"] * len(COUNTRIES) + [CKG + "facilitator"] * len(COUNTRIES)
    assert {row["via"].value for row in rows if row["direction"].value == "via"} == {
        f"{PARTICIPATION}4-{c}" for c in range(len(COUNTRIES))
    }
