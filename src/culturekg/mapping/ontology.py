"""The ontology as a graph of its own, so queries can follow the class and property hierarchy."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..errors import Problem, RecordError
from ..vocab import CKG_NS

ONTOLOGY_PATH = "ontology/culturekg.ttl"


def ontology_triples(path: Path, digest: str) -> list[ox.Triple]:
    try:
        with path.open("rb") as handle:
            triples = list(ox.parse(handle, format=ox.RdfFormat.TURTLE, base_iri=CKG_NS))
    except SyntaxError as exc:
        raise RecordError([Problem(ONTOLOGY_PATH, f"not valid Turtle: {exc}")]) from None
    return _stable_blank_nodes(triples, digest[:16])


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
