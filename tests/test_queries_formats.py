"""Output formats of query answers: table, CSV (formula-safe), SPARQL 1.1 Results JSON, Markdown."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from culturekg.queries.formats import neutralise, render, to_csv, to_json, to_markdown, to_table, prefixes
from culturekg.store.base import QueryResult

BASE = "https://w3id.org/culturekg/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RESULT = QueryResult(
    ("thing", "label", "count", "note"),
    (
        (ox.NamedNode(BASE + "id/country/KZ"), ox.Literal("Kazakhstan", language="en"), ox.Literal("2", datatype=ox.NamedNode(XSD + "integer")), None),
        (ox.NamedNode("https://w3id.org/culturekg/ontology/role/facilitator"), ox.Literal("=HYPERLINK(\"http://x\")"), ox.Literal("-3", datatype=ox.NamedNode(XSD + "integer")), ox.Literal("a | b\nc [bold]d[/bold]")),
        (ox.BlankNode("b0"), ox.Literal("@SUM(A1)"), ox.Literal("+1"), ox.Literal("plain")),
    ),
)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("a=b", "a=b"), ("", "")],
)
def test_formula_cells_are_neutralised(cell, safe):
    assert neutralise(cell) == safe


def test_csv_has_full_values_and_neutralised_formulas():
    rows = list(csv.reader(io.StringIO(to_csv(RESULT))))
    assert rows == [
        ["thing", "label", "count", "note"],
        [BASE + "id/country/KZ", "Kazakhstan", "2", ""],
        ["https://w3id.org/culturekg/ontology/role/facilitator", "'=HYPERLINK(\"http://x\")", "'-3", "a | b\nc [bold]d[/bold]"],
        ["_:b0", "'@SUM(A1)", "'+1", "plain"],
    ]


def test_json_follows_the_sparql_results_format():
    document = json.loads(to_json(RESULT))
    assert document["head"] == {"vars": ["thing", "label", "count", "note"]}
    first, second, third = document["results"]["bindings"]
    assert first == {
        "thing": {"type": "uri", "value": BASE + "id/country/KZ"},
        "label": {"type": "literal", "value": "Kazakhstan", "xml:lang": "en"},
        "count": {"type": "literal", "value": "2", "datatype": XSD + "integer"},
    }
    assert second["label"] == {"type": "literal", "value": "=HYPERLINK(\"http://x\")"}
    assert third["thing"] == {"type": "bnode", "value": "b0"}


def test_json_is_read_back_by_pyoxigraph():
    parsed = ox.parse_query_results(to_json(RESULT).encode(), format=ox.QueryResultsFormat.JSON)
    rows = [[solution[v] for v in parsed.variables] for solution in parsed]
    assert rows[0][:3] == list(RESULT.rows[0][:3])
    assert rows[1][1] == RESULT.rows[1][1]


def test_markdown_escapes_pipes_and_newlines_and_shortens_iris():
    lines = to_markdown(RESULT, prefixes(BASE)).splitlines()
    assert lines[0] == "| thing | label | count | note |"
    assert lines[1] == "|---|---|---|---|"
    assert lines[2] == "| id:country/KZ | Kazakhstan | 2 |  |"
    assert lines[3] == '| ckgr:facilitator | =HYPERLINK("http://x") | -3 | a \\| b c [bold]d[/bold] |'
    assert len(lines) == 4 + 1


def test_table_prints_cells_as_written_not_as_markup():
    text = to_table(RESULT, prefixes(BASE), width=200)
    assert "ckgr:facilitator" in text and "id:country/KZ" in text
    assert "[bold]d[/bold]" in text
    assert "3 rows" in text


def test_render_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render(RESULT, "xml", BASE)
