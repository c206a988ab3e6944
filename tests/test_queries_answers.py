"""Every stored query against hand-written fixture graphs, with its exact expected answer.

Expected answers live next to the fixtures, one file per query (tests/fixtures/queries/cases/NAME.yaml),
W3C-test-suite style: a list of cases, each naming its fixture, its parameters and its rows. Cells are
written compactly and exactly: `<id:country/KZ>` is an IRI (prefixes below), `Kazakhstan@en` a
language-tagged string, `2^^xsd:integer` a typed literal, a bare string an xsd:string, null unbound.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from culturekg.project import DEFAULT_BASE_IRI
from culturekg.queries.catalogue import find
from culturekg.queries.runner import run
from culturekg.sparql import tokens
from culturekg.store import EmbeddedStore
from query_fixtures import load_fixture

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
FIXTURES = ROOT / "tests" / "fixtures" / "queries"
CASES = FIXTURES / "cases"
PREFIXES = {
    "id": DEFAULT_BASE_IRI + "id/",
    "ckg": "https://w3id.org/culturekg/ontology#",
    "ckgr": "https://w3id.org/culturekg/ontology/role/",
    "ckgi": "https://w3id.org/culturekg/ontology/instrument/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
XSD_STRING = PREFIXES["xsd"] + "string"


def compact_iri(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def cell(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return f"<{compact_iri(term.value)}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if term.language:
        return f"{term.value}@{term.language}"
    if term.datatype.value == XSD_STRING:
        return term.value
    return f"{term.value}^^{compact_iri(term.datatype.value)}"


def has_order_by(text: str) -> bool:
    words = [t.text.upper() for t in tokens(text) if t.kind == "word"]
    return any(a == "ORDER" and b == "BY" for a, b in zip(words, words[1:]))


def all_cases() -> list:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        for index, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            params.append(pytest.param(path.stem, case, id=f"{path.stem}[{index}]"))
    return params


@pytest.fixture(scope="module")
def catalogue():
    return find(QUERIES)


@pytest.fixture(scope="module")
def stores():
    opened: dict[str, EmbeddedStore] = {}
    yield lambda name: opened.setdefault(name, load_fixture(name))
    for store in opened.values():
        store.close()


def test_every_query_has_expected_answers(catalogue):
    tested = {path.stem for path in CASES.glob("*.yaml")}
    assert sorted(set(catalogue) - tested) == [], "queries without a case file in tests/fixtures/queries/cases"
    assert sorted(tested - set(catalogue)) == [], "case files for queries that do not exist"


@pytest.mark.parametrize(("name", "case"), all_cases())
def test_exact_answer(name, case, catalogue, stores):
    query = catalogue[name]
    result = run(stores(case["fixture"]), query, {k: str(v) for k, v in (case.get("params") or {}).items()})
    got = [dict(zip(result.variables, (cell(t) for t in row))) for row in result.rows]
    expected = case["rows"]
    for row in expected:
        assert set(row) == set(result.variables), f"expected row {row} does not name exactly the query's columns"
    if has_order_by(query.text):
        assert got == expected
    else:
        key = lambda row: sorted((k, str(v)) for k, v in row.items())  # noqa: E731
        assert sorted(got, key=key) == sorted(expected, key=key)


def test_every_violation_check_is_exercised_with_rows():
    """A data check whose cases all expect no rows could be a query that never matches anything."""
    for path in sorted(CASES.glob("*-violation.yaml")):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert any(case["rows"] for case in cases), f"{path.name}: no case where the check finds a violation"
        assert any(not case["rows"] for case in cases), f"{path.name}: no case where the data is clean"
