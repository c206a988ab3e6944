"""The small SPARQL lexer: keywords are told apart from the same letters in strings, IRIs, comments
and prefix names, so binding, update detection and network refusals cannot be fooled."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from culturekg.sparql import QueryRefused, bind, check_local, is_update


@pytest.mark.parametrize(
    "text",
    [
        "PREFIX ex: <http://x/> INSERT DATA { ex:a ex:b ex:c }",
        "PREFIX insert: <http://x/> BASE <http://y/> DELETE WHERE { ?s ?p ?o }",
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "# a comment that says SELECT\nDROP GRAPH <http://g>",
        "load <http://example.org/data.ttl>",
    ],
)
def test_updates_are_recognised(text: str) -> None:
    assert is_update(text)


@pytest.mark.parametrize(
    "text",
    [
        "PREFIX delete: <http://x/> SELECT * { ?s delete:p ?o }",
        "SELECT ?s WHERE { ?s ?p \"INSERT DATA\" }",
        "# DELETE everything\nASK { ?s ?p ?o }",
    ],
)
def test_queries_are_not_updates(text: str) -> None:
    assert not is_update(text)


def test_service_is_refused_but_not_in_strings_or_iris() -> None:
    with pytest.raises(QueryRefused):
        check_local("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    check_local('SELECT * { ?s <http://example.org/SERVICE> "SERVICE" } # SERVICE')


def test_bind_goes_into_the_main_pattern_not_the_construct_template() -> None:
    text = bind("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": ox.NamedNode("http://a")})
    template, pattern = text.split("WHERE", 1)
    assert "VALUES" not in template and "VALUES (?s) { (<http://a>) }" in pattern


def test_a_bound_literal_cannot_close_its_quotes() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://p"), ox.Literal('x"} ; DROP ALL #')))
    text = bind("SELECT ?s WHERE { ?s <http://p> ?o }", {"o": ox.Literal('x"} ; DROP ALL #')})
    assert [row["s"] for row in store.query(text)] == [ox.NamedNode("http://a")]
    assert len(store) == 1
