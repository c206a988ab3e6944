"""Whether two engines gave the same answer to a query: rows as a multiset (ordering aside), each
term in the form that must agree between engines."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..store.base import QueryResult

_XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = frozenset(_XSD + t for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
))


def comparable(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> tuple | None:
    """Numbers by value (Virtuoso types a COUNT as xsd:int, Oxigraph as xsd:integer), language tags
    in any case, blank nodes as such (their labels are the engine's own)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    if term.language:
        return ("lang", term.value, term.language.lower())
    if term.datatype.value in NUMERIC:
        try:
            return ("number", Decimal(term.value))
        except InvalidOperation:
            pass
    return ("literal", term.value, term.datatype.value)


def rows(result: QueryResult) -> Counter:
    return Counter(tuple(comparable(t) for t in row) for row in result.rows)
