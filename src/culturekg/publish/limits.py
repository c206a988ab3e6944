"""What a serialization cannot carry, found before anything is written.

A dump that a parser later rejects (or silently changes) is worse than no dump, so a term a format
cannot hold stops the release with an error that names the entity and the property.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from ..errors import CultureKGError

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NON_FINITE = {"NaN", "INF", "+INF", "-INF"}
_FLOATING = {_XSD + "double", _XSD + "float"}
# Characters XML 1.0 does not allow in a document at all, escaped or not.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# RDF/XML readers resolve rdf:about and rdf:resource as URI references, which removes dot segments.
_DOT_SEGMENT = re.compile(r"/\.\.?(?:/|$|[?#])")
# RDF/XML writes a predicate as an element name: it must end in an NCName.
_NCNAME_TAIL = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*$")


class UnrepresentableTerm(CultureKGError):
    """The graph holds a term that one of the release formats cannot carry."""


def _where(statement: ox.Quad | ox.Triple) -> str:
    subject = statement.subject.value if isinstance(statement.subject, ox.NamedNode) else str(statement.subject)
    return f"entity <{subject}>, property <{statement.predicate.value}>"


def check_json(quads: Iterable[ox.Quad | ox.Triple]) -> None:
    """JSON has no NaN or infinity: such an xsd:double would not survive a JSON-LD round trip as a number."""
    for quad in quads:
        obj = quad.object
        if isinstance(obj, ox.Literal) and obj.datatype.value in _FLOATING and obj.value.strip() in _NON_FINITE:
            raise UnrepresentableTerm(
                f"{_where(quad)}: value {obj.value!r} ({obj.datatype.value}) has no JSON form; "
                "fix the record (use a finite number or leave the field out) before publishing JSON-LD"
            )


def check_xml(triples: Iterable[ox.Triple]) -> None:
    """RDF/XML is XML 1.0: no control characters anywhere, no IRI a reader would resolve differently,
    and every predicate must split into a QName. (IRIs cannot hold control characters at all.)"""
    predicates = set()
    for triple in triples:
        predicates.add(triple.predicate)
        obj = triple.object
        if isinstance(obj, ox.Literal) and (bad := _XML_ILLEGAL.search(obj.value)) is not None:
            raise UnrepresentableTerm(
                f"{_where(triple)}: character U+{ord(bad.group()):04X} cannot be written in XML 1.0 (RDF/XML); "
                "remove it from the record"
            )
        for term in (triple.subject, obj):
            if isinstance(term, ox.NamedNode) and "/." in term.value and _DOT_SEGMENT.search(term.value.split("#", 1)[0]):
                raise UnrepresentableTerm(
                    f"{_where(triple)}: IRI <{term.value}> has a '.' or '..' path segment, which RDF/XML readers "
                    "resolve away; mint the IRI without it"
                )
    for predicate in sorted(predicates, key=lambda p: p.value):
        if not _NCNAME_TAIL.search(predicate.value):
            raise UnrepresentableTerm(f"property <{predicate.value}> does not end in an XML name, so RDF/XML cannot write it")
