"""What mapping one file needs: the keys every file declares, minted IRIs, and a triple sink.

References are resolved against the `Index` of all checked files before any triple is kept, so an
unknown key is reported with the closest known keys, and nothing reaches the store.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import NamedTuple

import pyoxigraph as ox

from ..errors import Problem
from ..iris import IRICollision, Minter, Registry
from ..records.schema import Rec
from ..vocab import CKG, RDF, RDFS, XSD

# Words for the kinds of things a record can refer to, as a user would say them.
NOUNS = {
    "country": "country", "region": "region", "city": "city", "org": "organization", "person": "person",
    "convention": "convention", "mechanism": "mechanism", "topic": "topic", "sector": "sector", "event": "event",
}


# How many '--' a key of each compound kind holds when none of its parts holds one.
COMPOUND_SEPARATORS = {"participation": 2, "group": 1, "daterange": 1, "position": 2}


class Entry(NamedTuple):
    """A declared thing: its label, and the file and line that declare it. A tuple: a large project
    declares tens of thousands, and a frozen dataclass costs several times more to make."""

    label: str
    path: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


class FileKeys(dict):
    """Keys declared by their file's name (event records): key -> the file, each read back as the
    Entry that declaring it would have made. Making 50,000 Entries up front took 0.05 s of every
    build, which looks up a handful."""

    def __getitem__(self, key: str) -> Entry:
        return Entry(key, super().__getitem__(key), 1)

    def get(self, key: str, default=None):
        return self[key] if key in self else default

    def values(self):
        return [self[key] for key in self]

    def items(self):
        return [(key, self[key]) for key in self]


@dataclass
class Index:
    """Every declared key of every kind, with its label (for readable labels of derived nodes)."""

    entries: dict[str, dict[str, Entry]] = field(default_factory=lambda: {k: {} for k in NOUNS})

    def declare(self, kind: str, key: str, label: str, path: str, line: int) -> Problem | None:
        known = self.entries[kind]
        if key in known:
            return Problem(path, f"{NOUNS[kind]} '{key}' is defined twice: first at {known[key].where}", line, "key")
        known[key] = Entry(label, path, line)
        return None

    def has(self, kind: str, key: str) -> bool:
        return key in self.entries[kind]

    def label(self, kind: str, key: str) -> str:
        return self.entries[kind][key].label

    def suggestions(self, kind: str, key: str) -> list[str]:
        known = self.entries[kind]
        close = difflib.get_close_matches(key, list(known), n=3, cutoff=0.6)
        if not close and kind == "country":
            close = difflib.get_close_matches(key.upper(), list(known), n=3, cutoff=0.5)
        return close



class Emitter:
    """Collects one file's triples; notes problems instead of raising so a batch reports them all."""

    def __init__(self, minter: Minter, registry: Registry, index: Index, shared: dict[tuple[str, str], Entry],
                 problems: list[Problem], path: str) -> None:
        self.minter = minter
        self.registry = registry
        self.index = index
        self.shared = shared
        self.problems = problems
        self.path = path
        self.triples: list[ox.Triple] = []
        self._pages: set[str] = set()

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        self.triples.append(ox.Triple(subject, predicate, obj))

    def fail(self, message: str, line: int | None, field_name: str | None) -> None:
        self.problems.append(Problem(self.path, message, line, field_name))

    def mint(self, kind: str, key: str, identity: str, line: int) -> ox.NamedNode:
        """The IRI of a thing this file defines; refuses one another thing already has."""
        iri = self.minter.iri(kind, key)
        # A plain key is unique in its kind (the index refuses one declared twice), and a key made
        # of keys splits back into them one way only unless a part holds '--' itself: only such
        # keys can collide, so only they are registered (the registry would otherwise hold every
        # IRI of a large project).
        if key.count("--") > COMPOUND_SEPARATORS.get(kind, key.count("--")):
            try:
                self.registry.claim(iri, identity, f"{self.path}:{line}")
            except IRICollision as exc:
                self.fail(f"IRI collision: {exc}", line, None)
        return iri

    def mint_shared(self, kind: str, key: str, label: str, line: int, field_name: str) -> ox.NamedNode:
        """The IRI of a thing (a venue, an area, a project) that other files may declare too: the
        same key must mean the same thing everywhere, or it is a collision rather than a merge."""
        iri = self.minter.iri(kind, key)
        previous = self.shared.get((kind, key))
        if previous is None:
            self.shared[(kind, key)] = Entry(label, self.path, line)
            self.mint(kind, key, f"{kind} {key}", line)
        elif previous.label.casefold() != label.casefold():
            self.fail(f"{kind} '{key}' is declared as {label!r} here but as {previous.label!r} at {previous.where}; "
                      "use another key if they are different things", line, field_name)
        return iri

    def ref(self, kind: str, key: str, line: int, field_name: str) -> ox.NamedNode | None:
        """The IRI of a thing declared somewhere in the project, or None after noting the unknown key."""
        if self.index.has(kind, key):
            return self.minter.iri(kind, key)
        close = self.index.suggestions(kind, key)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        self.fail(f"unknown {NOUNS[kind]} '{key}'{hint}", line, field_name)
        return None

    def entity(self, kind: str, key: str, cls: ox.NamedNode, label: ox.Literal, line: int,
               identity: str | None = None) -> ox.NamedNode:
        """Mint a thing this file defines, with its class, label and key; `identity` says what it is
        when its key is made of other keys."""
        subject = self.mint(kind, key, identity or f"{kind} {key}", line)
        self.describe(subject, cls, label, key)
        return subject

    def describe(self, subject: ox.NamedNode, cls: ox.NamedNode, label: ox.Literal, key: str) -> None:
        self.add(subject, RDF.type, cls)
        self.add(subject, RDFS.label, label)
        self.add(subject, CKG.key, ox.Literal(key))

    def link(self, subject: ox.NamedNode, predicate: ox.NamedNode, kind: str, record: Rec, name: str,
             field_name: str | None = None) -> ox.NamedNode | None:
        """`subject predicate <the thing record[name] refers to>`, when the record has that field."""
        if name not in record:
            return None
        target = self.ref(kind, record[name], record.line_of(name), field_name or name)
        if target is not None:
            self.add(subject, predicate, target)
        return target

    def web_page(self, url: str, line: int, field_name: str) -> ox.NamedNode | None:
        """A web page a file names as its source, described once per graph."""
        try:
            page = ox.NamedNode(url)
        except ValueError as exc:
            self.fail(f"not a usable IRI: {exc}", line, field_name)
            return None
        if url not in self._pages:
            self._pages.add(url)
            self.add(page, RDF.type, CKG.Source)
            self.add(page, RDFS.label, ox.Literal(url))
            self.add(page, CKG.url, ox.Literal(url, datatype=XSD.anyURI))
        return page


def text(value: str, language: str | None = "en") -> ox.Literal:
    return ox.Literal(value, language=language) if language else ox.Literal(value)


def plain(value: str) -> ox.Literal:
    return ox.Literal(value)
