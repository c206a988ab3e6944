"""The fast engine orders literals for sh:min/maxInclusive/Exclusive exactly as pySHACL does, without importing it."""

from __future__ import annotations

import itertools

import pytest
from pyshacl.rdfutil.compare import compare_literal
from rdflib import Literal
from rdflib.namespace import XSD

from culturekg.validate.values import _compare

LITERALS = [
    Literal(0), Literal(5), Literal(-3), Literal("4.5", datatype=XSD.decimal), Literal("4.5e0", datatype=XSD.double),
    Literal("2016-07-24", datatype=XSD.date), Literal("2016-07-25", datatype=XSD.date),
    Literal("2016-07-24T10:00:00", datatype=XSD.dateTime), Literal("2016-07-24T10:00:00Z", datatype=XSD.dateTime),
    Literal("2016-07-24T12:00:00+02:00", datatype=XSD.dateTime), Literal("10:00:00", datatype=XSD.time),
    Literal("10:00:00Z", datatype=XSD.time), Literal("2016", datatype=XSD.gYear), Literal("abc"), Literal("abd"),
    Literal("x", lang="en"), Literal("not a number", datatype=XSD.integer),
]


def _outcome(compare, a, b):
    try:
        return compare(a, b)
    except Exception as exc:  # noqa: BLE001 - which error is part of the behaviour compared
        return type(exc)


@pytest.mark.parametrize(("a", "b"), list(itertools.product(LITERALS, repeat=2)), ids=str)
def test_the_same_order_as_pyshacl(a, b):
    assert _outcome(_compare, a, b) == _outcome(compare_literal, a, b)


def test_the_order_is_not_trivial():
    assert {_outcome(_compare, a, b) for a, b in itertools.product(LITERALS, repeat=2)} >= {-1, 0, 1}
