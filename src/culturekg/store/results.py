"""SPARQL 1.1 Query Results JSON to pyoxigraph terms.

pyoxigraph's own results parser refuses Virtuoso's blank node labels (`nodeID://b10001`), and
Virtuoso writes booleans as `"1"^^xsd:boolean`; both are read here into the terms the embedded
store would give for the same data.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from .base import QueryResult, Term

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
# The same boolean value written in its canonical form (XML Schema 1.1 §3.3.2.2).
_CANONICAL_BOOLEAN = {"1": "true", "0": "false", "true": "true", "false": "false"}


class ResultsFormatError(ValueError):
    """The endpoint's answer is not SPARQL 1.1 Query Results JSON we can read."""


def _term(cell: Any, blank_nodes: dict[str, ox.BlankNode]) -> Term:
    if not isinstance(cell, dict) or "type" not in cell or "value" not in cell:
        raise ResultsFormatError(f"a binding is not an RDF term: {cell!r:.200}")
    kind, value = cell["type"], cell["value"]
    try:
        if kind == "uri":
            return ox.NamedNode(value)
        if kind == "bnode":
            # Labels are scoped to one result; endpoints use labels pyoxigraph would refuse.
            return blank_nodes.setdefault(value, ox.BlankNode())
        if kind in ("literal", "typed-literal"):
            if "xml:lang" in cell:
                return ox.Literal(value, language=cell["xml:lang"])
            datatype = cell.get("datatype")
            if datatype is None:
                return ox.Literal(value)
            if datatype == XSD_BOOLEAN:
                value = _CANONICAL_BOOLEAN.get(value, value)
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
    except (ValueError, SyntaxError) as exc:
        raise ResultsFormatError(f"a {kind} term is not valid: {value!r:.200}: {exc}") from exc
    raise ResultsFormatError(f"unsupported term type {kind!r} (only uri, bnode and literal are read)")


def _document(body: bytes) -> dict:
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsFormatError(f"not JSON: {exc}; the answer starts {body[:200]!r}") from exc
    if not isinstance(document, dict):
        raise ResultsFormatError("not a SPARQL results object")
    return document


def parse_select(body: bytes, blank_nodes: dict[str, ox.BlankNode] | None = None) -> QueryResult:
    """`blank_nodes` carries label-to-node across results that page through one graph."""
    document = _document(body)
    try:
        variables = tuple(document["head"]["vars"])
        bindings = document["results"]["bindings"]
    except (KeyError, TypeError) as exc:
        raise ResultsFormatError(f"SELECT results lack {exc}") from exc
    blank_nodes = {} if blank_nodes is None else blank_nodes
    rows = tuple(
        tuple(_term(row[v], blank_nodes) if v in row else None for v in variables) for row in bindings
    )
    return QueryResult(variables, rows)


# Virtuoso 7.2 answers ASK as a one-column SELECT: one row "1" for true, no row for false.
_VIRTUOSO_ASK = "__ASK_RETVAL"


def parse_ask(body: bytes) -> bool:
    document = _document(body)
    answer = document.get("boolean")
    if isinstance(answer, bool):
        return answer
    if document.get("head", {}).get("vars") == [_VIRTUOSO_ASK]:
        rows = parse_select(body).rows
        if not rows:
            return False
        cell = rows[0][0]
        if len(rows) == 1 and isinstance(cell, ox.Literal) and cell.value in ("1", "0"):
            return cell.value == "1"
    raise ResultsFormatError("ASK results lack a boolean")
