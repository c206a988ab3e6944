"""The runner: user strings become typed terms bound by the store; bad parameters are refused clearly."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from culturekg.iris import Minter
from culturekg.project import DEFAULT_BASE_IRI
from culturekg.queries.catalogue import find, load
from culturekg.queries.params import ParamValueError, to_term
from culturekg.queries.runner import QueryParamError, bindings_for, parse_assignments, run
from culturekg.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
XSD = "http://www.w3.org/2001/XMLSchema#"
CKG = "https://w3id.org/culturekg/ontology#"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
MINTER = Minter(DEFAULT_BASE_IRI)


@pytest.fixture(scope="module")
def catalogue():
    return find(QUERIES)


@pytest.mark.parametrize(
    ("kind", "text", "term"),
    [
        ("xsd:integer", "+07", ox.Literal("7", datatype=ox.NamedNode(XSD + "integer"))),
        ("xsd:date", "2017-07-24", ox.Literal("2017-07-24", datatype=ox.NamedNode(XSD + "date"))),
        ("xsd:boolean", "false", ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))),
        ("xsd:string", 'a "quoted" } text', ox.Literal('a "quoted" } text')),
        ("iri", "https://example.org/a#b", ox.NamedNode("https://example.org/a#b")),
        ("country", "kz", ox.NamedNode(DEFAULT_BASE_IRI + "id/country/KZ")),
        ("org", "unesco-almaty", ox.NamedNode(DEFAULT_BASE_IRI + "id/org/unesco-almaty")),
        ("convention", "c2005", ox.NamedNode(DEFAULT_BASE_IRI + "id/convention/c2005")),
        ("entity", "person/alma-mrgan-slipicevic", ox.NamedNode(DEFAULT_BASE_IRI + "id/person/alma-mrgan-slipicevic")),
    ],
)
def test_values_become_typed_terms(kind, text, term):
    assert to_term(kind, text, MINTER) == term


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("xsd:integer", "2.5", "'2.5' is not an integer"),
        ("xsd:date", "2017-02-30", "'2017-02-30' is not a date of the form YYYY-MM-DD"),
        ("xsd:date", "2017-07", "'2017-07' is not a date"),
        ("xsd:boolean", "True", "'True' is not a boolean"),
        ("iri", "not an iri", "'not an iri' is not an absolute IRI"),
        ("org", "UNESCO Almaty", "org key 'UNESCO Almaty' is not valid"),
        ("entity", "unesco-almaty", "'unesco-almaty' is not KIND/KEY"),
        ("entity", "planet/earth", "'planet/earth' is not KIND/KEY"),
    ],
)
def test_values_that_do_not_fit_their_type_are_refused(kind, text, message):
    with pytest.raises(ParamValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        to_term(kind, text, MINTER)


def test_entities_are_minted_under_the_projects_base_iri():
    assert to_term("event", "e1", Minter("https://example.org/kg/")) == ox.NamedNode("https://example.org/kg/id/event/e1")


def test_defaults_fill_missing_parameters(catalogue):
    assert bindings_for(catalogue["facilitators-in-several-countries"], {}, MINTER) == {
        "minCountries": ox.Literal("2", datatype=ox.NamedNode(XSD + "integer"))
    }


def test_unknown_parameter_is_refused_with_a_suggestion(catalogue):
    with pytest.raises(QueryParamError, match=r"unknown parameter 'mincountries' \(did you mean 'minCountries'\?\)"):
        bindings_for(catalogue["facilitators-in-several-countries"], {"mincountries": "3"}, MINTER)


def test_missing_required_parameter_is_refused(catalogue):
    with pytest.raises(QueryParamError, match=r"query events-in-period: parameter 'to' \(xsd:date\) is required"):
        bindings_for(catalogue["events-in-period"], {"from": "2017-01-01"}, MINTER)


def test_badly_typed_parameter_names_the_parameter(catalogue):
    with pytest.raises(QueryParamError, match=r"parameter 'minCountries' \(xsd:integer\): 'many' is not an integer"):
        bindings_for(catalogue["facilitators-in-several-countries"], {"minCountries": "many"}, MINTER)


def test_an_entity_the_store_knows_nothing_about_is_refused(catalogue):
    store = EmbeddedStore()
    store.oxigraph.add(ox.Quad(MINTER.iri("org", "unesco-almaty"), RDFS_LABEL, ox.Literal("UNESCO Almaty")))
    with pytest.raises(QueryParamError, match=r"parameter 'org': nothing in the store is about .*/id/org/unesco-almati$"):
        run(store, catalogue["co-organizers"], {"org": "unesco-almati"})
    assert run(store, catalogue["co-organizers"], {"org": "unesco-almaty"}).rows == ()


def injection_store() -> EmbeddedStore:
    store = EmbeddedStore()
    event_class = ox.NamedNode(CKG + "Event")
    start = ox.NamedNode(CKG + "startDate")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for key, title in (("odd", 'Workshop "} ; DROP ALL ; and more'), ("plain", "Workshop on drops")):
        event = MINTER.iri("event", key)
        store.oxigraph.extend([
            ox.Quad(event, rdf_type, event_class),
            ox.Quad(event, RDFS_LABEL, ox.Literal(title, language="en")),
            ox.Quad(event, start, ox.Literal("2020-01-01", datatype=ox.NamedNode(XSD + "date"))),
        ])
    return store


def test_string_parameter_is_matched_literally_not_run_as_sparql(catalogue):
    store = injection_store()
    before = store.count()
    result = run(store, catalogue["events-matching-text"], {"text": '"} ; DROP'})
    assert [row[0] for row in result.rows] == [MINTER.iri("event", "odd")]
    assert store.count() == before
    # Other quoting tricks are just text that matches nothing.
    for attack in ("'} ; DROP", '") } DELETE WHERE { ?s ?p ?o } #', "\\\"} ;", "\n} #"):
        assert run(store, catalogue["events-matching-text"], {"text": attack}).rows == ()
    assert store.count() == before


def test_parameters_reach_the_store_as_bindings_not_text(catalogue):
    class Recorder:
        def __init__(self, inner):
            self.inner, self.calls = inner, []

        def ask(self, query, bindings=None):
            return self.inner.ask(query, bindings)

        def select(self, query, bindings=None):
            self.calls.append((query, dict(bindings or {})))
            return self.inner.select(query, bindings)

    recorder = Recorder(injection_store())
    run(recorder, catalogue["events-matching-text"], {"text": "drops"})
    ((text, bindings),) = recorder.calls
    assert text == catalogue["events-matching-text"].text
    assert bindings == {"text": ox.Literal("drops")}


def test_assignments_from_the_command_line():
    assert parse_assignments(["a=1", "text=x=y", "empty="]) == {"a": "1", "text": "x=y", "empty": ""}
    with pytest.raises(QueryParamError, match="expected NAME=VALUE"):
        parse_assignments(["a"])
    with pytest.raises(QueryParamError, match="'a' is given twice"):
        parse_assignments(["a=1", "a=2"])


def test_violation_queries_take_no_required_parameters():
    """`culturekg query check` runs them without parameters."""
    for path in QUERIES.glob("*-violation.rq"):
        assert all(not p.required for p in load(path).params), path.name
