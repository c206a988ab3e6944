"""Parameter types of stored queries, and the conversion of what a user types into a typed term.

A parameter is always a pyoxigraph term handed to the store as a binding: text a user types never
becomes part of the query string.
"""

from __future__ import annotations

import datetime as dt
import re

import pyoxigraph as ox

from ..iris import Minter, check_key

XSD = "http://www.w3.org/2001/XMLSchema#"

# Entity types: the name a user writes in `# param:` -> the IRI kind in culturekg.iris.
ENTITY_KINDS = {
    "country": "country",
    "convention": "convention",
    "org": "org",
    "person": "person",
    "event": "event",
    "region": "region",
    "topic": "topic",
    "sector": "sector",
    "mechanism": "mechanism",
}
LITERAL_TYPES = ("xsd:integer", "xsd:date", "xsd:string", "xsd:boolean")
# `entity` takes KIND/KEY for any minted kind, for questions that accept a person or an organization.
TYPES = (*LITERAL_TYPES, "iri", "entity", *ENTITY_KINDS)

_INTEGER_RE = re.compile(r"^[+-]?[0-9]+$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class ParamValueError(ValueError):
    """A value does not fit its parameter's type; the message says what was expected."""


def to_term(kind: str, text: str, minter: Minter) -> ox.NamedNode | ox.Literal:
    """The typed term for `text` read as a value of parameter type `kind`."""
    if kind == "xsd:integer":
        if not _INTEGER_RE.match(text):
            raise ParamValueError(f"{text!r} is not an integer")
        return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "xsd:date":
        try:
            day = dt.date.fromisoformat(text) if _DATE_RE.match(text) else None
        except ValueError:
            day = None
        if day is None:
            raise ParamValueError(f"{text!r} is not a date of the form YYYY-MM-DD")
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if kind == "xsd:string":
        return ox.Literal(text)
    if kind == "xsd:boolean":
        if text not in ("true", "false"):
            raise ParamValueError(f"{text!r} is not a boolean: write true or false")
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "boolean"))
    if kind == "iri":
        return _iri(text)
    if kind == "entity":
        entity_kind, sep, key = text.partition("/")
        if not sep or entity_kind not in ENTITY_KINDS.values():
            raise ParamValueError(
                f"{text!r} is not KIND/KEY with KIND one of {', '.join(sorted(set(ENTITY_KINDS.values())))}"
            )
        return _minted(minter, entity_kind, key)
    if kind in ENTITY_KINDS:
        # Country codes are upper case in IRIs; accepting `kz` spares users a pointless error.
        key = text.upper() if kind == "country" else text
        return _minted(minter, ENTITY_KINDS[kind], key)
    raise ParamValueError(f"unknown parameter type {kind!r}")


def _minted(minter: Minter, kind: str, key: str) -> ox.NamedNode:
    try:
        check_key(kind, key)
    except ValueError as exc:
        raise ParamValueError(str(exc)) from None
    return minter.iri(kind, key)


def _iri(text: str) -> ox.NamedNode:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):
        raise ParamValueError(f"{text!r} is not an absolute IRI")
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        raise ParamValueError(f"{text!r} is not a valid IRI: {exc}") from None
