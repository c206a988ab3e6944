"""Where an entity's page lives, derived from its IRI so that any IRI is safe.

Only IRIs under `{base}id/` and `{base}graph/` get pages. Each path segment after that keeps
ASCII letters, digits and '-' and writes every other byte of its UTF-8 as `~XX`, so '.' and '/' can
never appear inside a name (no `..`, no hidden files, no traversal) and two different IRIs never get
the same name. An empty segment is `~`; a segment too long for a file name, or an IRI too long for a
path, is replaced by `~~` and its SHA-256 (neither form can come out of the byte encoding).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

PAGE_ROOTS = ("id", "graph")
_KEEP = re.compile(r"[A-Za-z0-9-]")
_MAX_SEGMENT = 120
_MAX_PATH = 900


def _hashed(text: str) -> str:
    return "~~" + hashlib.sha256(text.encode("utf-8")).hexdigest()


_ALL_KEPT = re.compile(r"[A-Za-z0-9-]+")


def encode_segment(segment: str) -> str:
    if segment == "":
        return "~"
    if len(segment) <= _MAX_SEGMENT and _ALL_KEPT.fullmatch(segment):
        return segment  # the common case: a key such as 'almaty-2017' needs no encoding
    encoded = "".join(c if _KEEP.match(c) else "".join(f"~{b:02X}" for b in c.encode("utf-8")) for c in segment)
    return encoded if len(encoded) <= _MAX_SEGMENT else _hashed(segment)


@lru_cache(maxsize=500_000)
def page_stem(iri: str, base_iri: str) -> str | None:
    """'id/event/almaty-2017' for `{base}id/event/almaty-2017`; None for IRIs that get no page."""
    if not iri.startswith(base_iri):
        return None
    root, sep, rest = iri[len(base_iri):].partition("/")
    if root not in PAGE_ROOTS or not sep:
        return None
    stem = root + "/" + "/".join(encode_segment(s) for s in rest.split("/"))
    if len(stem) > _MAX_PATH:
        stem = f"{root}/{_hashed(rest)}"
    return stem


def relative_href(from_file: str, to_file: str) -> str:
    """A relative link between two release files (both relative to the release root, '/'-separated,
    without '.' or '..' segments). Encoded names hold only URL-safe characters, so the path needs no
    further escaping. (posixpath.relpath does the same but looks at the file system: slow for many pages.)"""
    here = from_file.split("/")[:-1]
    there = to_file.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


_VOCABULARY_NAMESPACES = (
    ("https://w3id.org/culturekg/ontology#", ""),
    ("https://w3id.org/culturekg/ontology/role/", "role-"),
    ("https://w3id.org/culturekg/ontology/instrument/", "instrument-"),
    ("https://w3id.org/culturekg/ontology/source-kind/", "source-kind-"),
)


def term_anchor(iri: str) -> str | None:
    """The fragment of a vocabulary term on the ontology page ('Event', 'role-facilitator'); None for other IRIs."""
    for namespace, prefix in _VOCABULARY_NAMESPACES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return prefix + iri[len(namespace):]
    return None
