"""Every kind of term a record can hold comes back from both servers as it was pushed, written with
the Graph Store Protocol and with SPARQL Update alone."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from culturekg.project import DEFAULT_BASE_IRI
from culturekg.push import push
from culturekg.queries.agreement import comparable
from culturekg.store import EmbeddedStore
from servers import oxigraph_server, virtuoso_server  # noqa: F401 (fixtures)
from test_remote import remote_store

pytestmark = pytest.mark.servers

XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = ox.NamedNode(DEFAULT_BASE_IRI + "graph/data/records/events/literals.yaml")
S = ox.NamedNode(DEFAULT_BASE_IRI + "id/event/literals")
TEXTS = [
    'a "quoted" word and a \\ backslash',
    "two\nlines\r\nand a\ttab",
    "'''three single quotes''' and \"\"\"three double\"\"\"",
    "Алматы, 阿拉木图, ألماتي, Ålmåtÿ",
    "outside the basic plane: 😀 𠀀 𝄞",
    "e\u0301 (a combining accent) and a zero\u200bwidth space",
    " leading and trailing spaces ",
    "",
    "x" * 70_000,
    'x" } } ; DROP ALL ; INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "',
]
TERMS = [ox.Literal(t) for t in TEXTS] + [
    ox.Literal("Workshop", language="en-GB"),
    ox.Literal("Atelier", language="fr"),
    ox.Literal("2017", datatype=ox.NamedNode(XSD + "gYear")),
    ox.Literal("2017-07", datatype=ox.NamedNode(XSD + "gYearMonth")),
    ox.Literal("2017-07-24", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal("2017-07-24T09:30:00Z", datatype=ox.NamedNode(XSD + "dateTime")),
    ox.Literal("12", datatype=ox.NamedNode(XSD + "nonNegativeInteger")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("https://example.org/a?b=c&d=e#f", datatype=ox.NamedNode(XSD + "anyURI")),
    ox.Literal("KZ-ALA", datatype=ox.NamedNode("https://example.org/datatype/code")),
    ox.NamedNode("https://example.org/Алматы/é?q=1"),
    ox.NamedNode("https://example.org/with%20escape"),
]


@pytest.fixture(scope="module")
def local():
    store = EmbeddedStore()
    store.oxigraph.extend([ox.Quad(S, ox.NamedNode(f"https://example.org/p{i}"), term, GRAPH) for i, term in enumerate(TERMS)])
    return store


@pytest.mark.parametrize("mode", ["gsp", "update"])
@pytest.mark.parametrize("server", ["oxigraph_server", "virtuoso_server"])
def test_every_kind_of_term_comes_back_as_it_was_pushed(server, mode, local, request):
    endpoint = request.getfixturevalue(server)
    remote = remote_store(endpoint, mode)
    push(local, remote, DEFAULT_BASE_IRI, everything=True)
    got = {q.predicate.value: q.object for q in remote.quads(GRAPH)}
    expected = {q.predicate.value: q.object for q in local.quads(GRAPH)}
    assert sorted(got) == sorted(expected)
    differing = {p: (expected[p], got[p]) for p in expected if comparable(got[p]) != comparable(expected[p])}
    assert not differing
