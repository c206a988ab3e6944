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


def _where(quad: ox.Quad) -> str:
    subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else str(quad.subject)
    return f"entity <{subject}>, property <{quad.predicate.value}>"


def check_json(quads: Iterable[ox.Quad]) -> None:
    """JSON has no NaN or infinity: such an xsd:double would not survive a JSON-LD round trip as a number."""
    for quad in quads:
        obj = quad.object
        if isinstance(obj, ox.Literal) and obj.datatype.value in _FLOATING and obj.value.strip() in _NON_FINITE:
            raise UnrepresentableTerm(
                f"{_where(quad)}: value {obj.value!r} ({obj.datatype.value}) has no JSON form; "
                "fix the record (use a finite number or leave the field out) before publishing JSON-LD"
            )


def check_xml(quads: Iterable[ox.Quad]) -> None:
    """RDF/XML is XML 1.0: no control characters anywhere, and every predicate must split into a QName."""
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            text = getattr(term, "value", "")
            if text and (bad := _XML_ILLEGAL.search(text)):
                raise UnrepresentableTerm(
                    f"{_where(quad)}: character U+{ord(bad.group()):04X} cannot be written in XML 1.0 (RDF/XML); "
                    "remove it from the record"
                )
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and _DOT_SEGMENT.search(term.value.split("#", 1)[0]):
                raise UnrepresentableTerm(
                    f"{_where(quad)}: IRI <{term.value}> has a '.' or '..' path segment, which RDF/XML readers "
                    "resolve away; mint the IRI without it"
                )
        if not _NCNAME_TAIL.search(quad.predicate.value):
            raise UnrepresentableTerm(
                f"{_where(quad)}: the property IRI does not end in an XML name, so RDF/XML cannot write it"
            )
