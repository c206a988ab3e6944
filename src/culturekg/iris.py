"""Deterministic IRIs from stable keys, with collisions refused.

An IRI is `{base}id/{kind}/{key}`: the same key always gives the same IRI, on any machine and in any
run (never Python's hash()). Two different things that would get the same IRI are an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox

KINDS = frozenset(
    {
        "event", "person", "org", "country", "region", "city", "venue", "area", "convention",
        "mechanism", "membership", "participation", "group", "position", "source", "daterange",
        "topic", "sector", "project", "dataset", "scheme",
    }
)
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
# What quote(key, safe="-") leaves as it is: a key of these only needs no quoting. Nearly every key
# is one, and a large load mints millions of IRIs.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*")


class IRICollision(ValueError):
    """Two different things would share one IRI."""


def check_key(kind: str, key: str) -> None:
    pattern = COUNTRY_RE if kind == "country" else KEY_RE
    if not pattern.match(key):
        expected = "two upper-case letters (ISO 3166-1 alpha-2)" if kind == "country" else "lower-case letters, digits and '-'"
        raise ValueError(f"{kind} key {key!r} is not valid: expected {expected}")


def slug(text: str) -> str:
    """A key from free text: lower-case ASCII letters and digits joined by '-'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "x"


def compound(*parts: str) -> str:
    """A key built from other keys, joined with '--'. A part that itself contains '--' could make two
    compounds equal; the Registry refuses that as an IRI collision rather than merging them."""
    return "--".join(parts)


@dataclass
class Minter:
    base: str

    def iri(self, kind: str, key: str) -> ox.NamedNode:
        if kind not in KINDS:
            raise ValueError(f"unknown IRI kind {kind!r}")
        # Keys are validated at the edges; quoting keeps any composed key a safe IRI path segment.
        segment = key if _UNQUOTED.fullmatch(key) else quote(key, safe="-")
        return ox.NamedNode(f"{self.base}id/{kind}/{segment}")

    def graph(self, relative_path: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}graph/{quote(relative_path, safe='/-._')}")

    @property
    def meta_graph(self) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}graph/meta")

    def scheme(self, key: str) -> ox.NamedNode:
        return self.iri("scheme", key)


@dataclass
class Registry:
    """Remembers who claimed each IRI, so a second, different claimant is refused."""

    owners: dict[str, tuple[str, str]] = field(default_factory=dict)

    def claim(self, iri: ox.NamedNode, identity: str, where: str) -> None:
        """`identity` says what the thing is (e.g. 'organization unesco-almaty'); `where` is file:line."""
        previous = self.owners.get(iri.value)
        if previous is None:
            self.owners[iri.value] = (identity, where)
            return
        if previous[0] != identity or previous[1] != where:
            raise IRICollision(
                f"{iri.value} is minted for {identity} ({where}) but already for {previous[0]} ({previous[1]})"
            )
