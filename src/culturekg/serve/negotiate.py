"""Choosing a media type from an Accept header (RFC 9110, section 12.5.1), q-values included."""

from __future__ import annotations

from collections.abc import Sequence


def _parse(accept: str) -> list[tuple[str, float, int]]:
    ranges = []
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return ranges


def _specificity(media_range: str, offer: str) -> int | None:
    if media_range == offer:
        return 3
    kind, _, _ = offer.partition("/")
    if media_range == f"{kind}/*":
        return 2
    if media_range == "*/*":
        return 1
    return None


def choose(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers; the first offer when there is no Accept header; None if none is acceptable."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _parse(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        # The most specific matching range decides the offer's q (RFC 9110).
        matches = [(spec, q, pos) for media, q, pos in ranges if (spec := _specificity(media, offer)) is not None]
        if not matches:
            continue
        spec, q, pos = max(matches, key=lambda m: (m[0], -m[2]))
        if q <= 0:
            continue
        # Prefer higher q, then an explicitly named type over a wildcard, then the server's order.
        key = (q, spec, -index)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


class UnknownFormat(ValueError):
    """A `format=` parameter names no format this server knows."""


# `format=` names: the query page's download links and what SPARQLWrapper sends. One name may stand
# for several types: SPARQLWrapper's "xml" means results XML for SELECT and RDF/XML for CONSTRUCT.
FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "ttl": ("text/turtle",), "turtle": ("text/turtle",), "n3": ("text/turtle",),  # Turtle is valid N3
    "nt": ("application/n-triples",), "ntriples": ("application/n-triples",),
    "jsonld": ("application/ld+json",), "json-ld": ("application/ld+json",),
    "rdf": ("application/rdf+xml",), "rdf+xml": ("application/rdf+xml",), "rdfxml": ("application/rdf+xml",),
    "html": ("text/html",),
}


def accepted_names(offers: Sequence[str]) -> list[str]:
    return sorted(name for name, types in FORMAT_NAMES.items() if any(t in offers for t in types))


def named(value: str | None, offers: Sequence[str]) -> str | None:
    """The offer a `format=` value names: None when there is no value, UnknownFormat for a name this
    server does not know, and None too for a known name none of whose types is offered here."""
    if not value:
        return None
    types = FORMAT_NAMES.get(value.strip().lower())
    if types is None:
        raise UnknownFormat(f"unknown format {value!r}; this resource is available with format="
                            + ", ".join(accepted_names(offers)) + " (or choose with the Accept header)")
    return next((t for t in types if t in offers), None)
