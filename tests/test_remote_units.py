"""The pieces of RemoteStore that need no server: update chunks, results parsing, partial-answer rules."""

from __future__ import annotations

import json
from email.message import Message

import pyoxigraph as ox
import pytest

from culturekg.store.chunks import edit_requests, update_requests
from culturekg.store.http import EndpointError, RowLimitCut, check_complete
from culturekg.store.remote import RemoteStore
from culturekg.store.results import ResultsFormatError, parse_ask, parse_select

G = ox.NamedNode("https://w3id.org/culturekg/graph/ontology/culturekg.ttl")
P = ox.NamedNode("urn:test:p")


def iri(n: int) -> ox.NamedNode:
    return ox.NamedNode(f"urn:test:s{n}")


def test_first_request_drops_the_graph_and_later_ones_add():
    triples = [ox.Triple(iri(i), P, ox.Literal(str(i))) for i in range(7)]
    requests = list(update_requests(G, triples, 3))
    assert len(requests) == 3
    assert requests[0].startswith("DROP SILENT GRAPH <" + G.value + ">")
    assert all(not r.startswith("DROP") for r in requests[1:])
    store = ox.Store()
    store.add(ox.Quad(iri(99), P, ox.Literal("old"), G))
    for text in requests:
        store.update(text)
    assert {q.triple for q in store.quads_for_pattern(None, None, None, G)} == set(triples)


def test_an_edit_removes_then_adds_in_requests_of_the_chunk_size():
    old = [ox.Triple(iri(i), P, ox.Literal(f"old {i}")) for i in range(4)]
    new = [ox.Triple(iri(i), P, ox.Literal(f"new \"{i}\"")) for i in range(5)]
    requests = list(edit_requests(G, old[:3], new[:4], 2))
    assert [r.split(" {")[0] for r in requests] == ["DELETE DATA"] * 2 + ["INSERT DATA"] * 2
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, G) for t in old + new[4:])
    for text in requests:
        store.update(text)
    assert {q.triple for q in store.quads_for_pattern(None, None, None, G)} == {old[3], *new}
    assert list(edit_requests(G, [], [], 5)) == []


def test_an_edit_cannot_name_a_blank_node():
    with pytest.raises(ValueError, match="blank node"):
        list(edit_requests(G, [ox.Triple(iri(0), P, ox.BlankNode())], [], 5))


def test_an_empty_graph_is_only_dropped():
    assert list(update_requests(G, [], 10)) == ["DROP SILENT GRAPH <" + G.value + ">"]


def test_triples_sharing_blank_nodes_stay_in_one_request():
    # An RDF list of three items: five triples chained through blank nodes, plus unrelated ones.
    b1, b2, b3 = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    first, rest, nil = ox.NamedNode(rdf + "first"), ox.NamedNode(rdf + "rest"), ox.NamedNode(rdf + "nil")
    chain = [
        ox.Triple(iri(0), P, b1),
        ox.Triple(b1, first, ox.Literal("a")), ox.Triple(b1, rest, b2),
        ox.Triple(b2, first, ox.Literal("b")), ox.Triple(b2, rest, b3),
        ox.Triple(b3, first, ox.Literal("c")), ox.Triple(b3, rest, nil),
    ]
    plain = [ox.Triple(iri(i), P, ox.Literal(str(i))) for i in range(1, 6)]
    requests = list(update_requests(G, plain[:2] + chain + plain[2:], 3))
    with_blank = [r for r in requests if "_:" in r]
    assert len(with_blank) == 1
    assert all(r.rstrip().endswith("WHERE { }") for r in with_blank)  # Virtuoso refuses blank nodes in INSERT DATA
    store = ox.Store()
    for text in requests:
        store.update(text)
    found = store.query('SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?x <urn:test:p> ?list . ?list rdf:rest*/rdf:first ?item } }',
                        prefixes={"rdf": rdf})
    assert int(next(iter(found))["n"].value) == 3  # the list is still one list of three
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, G)) == len(plain) + len(chain)


def test_literals_cannot_break_out_of_the_update():
    evil = ox.Literal('x" } } ; DROP ALL ; INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "')
    store = ox.Store()
    store.add(ox.Quad(iri(1), P, ox.Literal("keep"), ox.NamedNode("urn:other")))
    for text in update_requests(G, [ox.Triple(iri(0), P, evil)], 10):
        store.update(text)
    assert {q.object for q in store.quads_for_pattern(None, None, None, None)} == {evil, ox.Literal("keep")}


def results(vars_, bindings) -> bytes:
    return json.dumps({"head": {"vars": vars_}, "results": {"bindings": bindings}}).encode()


def test_virtuoso_terms_become_the_embedded_store_terms():
    body = results(["s", "o", "b"], [
        {"s": {"type": "bnode", "value": "nodeID://b10001"},
         "o": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "1"},
         "b": {"type": "literal", "xml:lang": "ru", "value": "Алматы"}},
        {"s": {"type": "bnode", "value": "nodeID://b10001"},
         "o": {"type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "0"}},
    ])
    result = parse_select(body)
    assert result.variables == ("s", "o", "b")
    (s1, o1, b1), (s2, o2, b2) = result.rows
    assert isinstance(s1, ox.BlankNode) and s1 == s2
    assert o1 == ox.Literal(True) and o2 == ox.Literal(False)
    assert b1 == ox.Literal("Алматы", language="ru") and b2 is None


def test_ask_answers_in_both_forms():
    assert parse_ask(b'{"head": {}, "boolean": true}') is True
    assert parse_ask(b'{"head": {}, "boolean": false}') is False
    virtuoso_true = results(["__ASK_RETVAL"], [{"__ASK_RETVAL": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "1"}}])
    assert parse_ask(virtuoso_true) is True
    assert parse_ask(results(["__ASK_RETVAL"], [])) is False


@pytest.mark.parametrize(
    "body",
    [b"<html>busy</html>", b'{"head": {"vars": ["x"]}}', results(["x"], [{"x": {"type": "triple", "value": {}}}]),
     results(["x"], [{"x": {"type": "uri", "value": "not an iri"}}])],
)
def test_unreadable_answers_are_refused(body):
    with pytest.raises(ResultsFormatError):
        parse_select(body)


def headers(**values: str) -> Message:
    message = Message()
    for name, value in values.items():
        message[name.replace("_", "-")] = value
    return message


@pytest.mark.parametrize(
    ("status", "message", "expected"),
    [
        (206, headers(), "206"),
        (200, headers(X_SQL_State="S1TAT"), "X-SQL-State S1TAT"),
        (200, headers(X_SPARQL_MaxRows="10000"), "row limit"),
        (302, headers(), "HTTP 302"),
    ],
)
def test_partial_or_odd_answers_are_errors(status, message, expected):
    with pytest.raises(EndpointError, match=expected):
        check_complete("http://127.0.0.1:1/sparql", status, message)


def test_a_cut_answer_tells_the_limit_the_endpoint_named():
    with pytest.raises(RowLimitCut) as cut:
        check_complete("http://127.0.0.1:1/sparql", 200, headers(X_SPARQL_MaxRows="3000"))
    assert cut.value.limit == 3000
    with pytest.raises(RowLimitCut) as unnamed:
        check_complete("http://127.0.0.1:1/sparql", 200, headers(X_SPARQL_MaxRows="many"))
    assert unnamed.value.limit is None


def test_a_complete_answer_passes():
    check_complete("http://127.0.0.1:1/sparql", 200, headers(Content_Type="application/sparql-results+json"))


def test_a_cost_refusal_says_what_to_raise_and_how_many_other_graphs_were_left_out():
    store = RemoteStore("http://127.0.0.1:1/sparql")
    store._foreign = {ox.NamedNode(f"urn:other:{i}") for i in range(600)}
    refusal = Exception("Virtuoso 42000 Error The estimated execution time 394117984 (sec) exceeds the limit of 400 (sec).")
    crowded = store._refusal_hint(refusal)
    assert "394117984 s against its limit of 400 s" in crowded and "MaxQueryCostEstimationTime" in crowded
    assert "600 graphs that are not the project's" in crowded
    assert store._refusal_hint(Exception("Virtuoso 37000 Error SP030: syntax error")) == ""
    # Virtuoso's own three graphs are no cause worth naming.
    store._foreign = {ox.NamedNode(f"urn:virtuoso:{i}") for i in range(3)}
    alone = store._refusal_hint(refusal)
    assert "MaxQueryCostEstimationTime" in alone and "not the project's" not in alone
