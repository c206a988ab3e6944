"""The ontology as a graph of its own, so queries can follow the class and property hierarchy."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from ..errors import Problem, RecordError
from ..vocab import CKG_NS, RDF, RDFS

ONTOLOGY_PATH = "ontology/culturekg.ttl"


def ontology_triples(path: Path, digest: str) -> list[ox.Triple]:
    return _stable_blank_nodes(_parse(path), digest[:16])


def _parse(path: Path) -> list[ox.Triple]:
    try:
        with path.open("rb") as handle:
            return list(ox.parse(handle, format=ox.RdfFormat.TURTLE, base_iri=CKG_NS))
    except SyntaxError as exc:
        raise RecordError([Problem(ONTOLOGY_PATH, f"not valid Turtle: {exc}")]) from None


def _stable_blank_nodes(triples: list[ox.Triple], prefix: str) -> list[ox.Triple]:
    """Blank nodes named by order of appearance in the file, so the same file always gives the
    same quads; the file's digest in the name keeps them apart from any other graph's."""
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            if term not in names:
                names[term] = ox.BlankNode(f"o{prefix}b{len(names)}")
            return names[term]
        return term

    return [ox.Triple(stable(t.subject), t.predicate, stable(t.object)) for t in triples]


# What the loader materializes, so that `?x a ckg:Event` finds every workshop and forum without an
# `a/rdfs:subClassOf*` path: such paths are answered wrongly by some endpoints (Virtuoso 7.2 under a
# named dataset, openlink/virtuoso-opensource issue 127), and a plain triple pattern is faster
# everywhere. Only ckg: superclasses are added: the external ones (schema:Event, prov:Agent, ...)
# are alignments the ontology states once, not types every instance should repeat.
Superclasses = dict[ox.NamedNode, frozenset[ox.NamedNode]]


def ontology_superclasses(path: Path) -> Superclasses:
    """Each ckg: class of the ontology file with all its ckg: superclasses, direct or not."""
    return superclasses(_parse(path))


def superclasses(triples: Iterable[ox.Triple]) -> Superclasses:
    """The rdfs:subClassOf closure among ckg: classes (a class is not its own superclass)."""
    direct: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for t in triples:
        if t.predicate == RDFS.subClassOf and _is_ckg(t.subject) and _is_ckg(t.object) and t.subject != t.object:
            direct.setdefault(t.subject, set()).add(t.object)
    closure: Superclasses = {}
    for cls in direct:
        seen: set[ox.NamedNode] = set()
        todo = list(direct[cls])
        while todo:
            parent = todo.pop()
            if parent not in seen and parent != cls:
                seen.add(parent)
                todo.extend(direct.get(parent, ()))
        closure[cls] = frozenset(seen)
    return closure


def superclass_types(triples: Iterable[ox.Triple | ox.Quad], classes: Superclasses) -> list[ox.Triple]:
    """The `s rdf:type S` triples that `triples` (one graph's) imply for each ckg: superclass S of an
    asserted type and do not state themselves; each once, in a stable order."""
    asserted: dict[ox.NamedNode | ox.BlankNode, set[ox.NamedNode]] = {}
    for t in triples:
        if t.predicate == RDF.type and isinstance(t.object, ox.NamedNode):
            asserted.setdefault(t.subject, set()).add(t.object)
    extra = []
    for subject, types in asserted.items():
        implied = set().union(*(classes.get(c, ()) for c in types)) - types
        extra += [ox.Triple(subject, RDF.type, c) for c in sorted(implied, key=lambda c: c.value)]
    return extra


def _is_ckg(term) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(CKG_NS)
