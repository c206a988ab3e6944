"""Counts a user wants after a build: records, triples, graphs, entities per class."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from .iris import Minter
from .mapping.ontology import ONTOLOGY_PATH
from .store.base import GraphStore, Term
from .vocab import CKG_NS, PREFIXES, RDF, RDFS

# Each thing under its most specific classes only: instances also carry their ckg: superclass
# types, and a workshop counted again as an event would count it twice in the total. Things typed
# in the ontology's graph (roles, instrument kinds) are vocabulary, and the load metadata is not data.
# MINUS, not FILTER NOT EXISTS: both sides bind ?s and ?class, so they mean the same here, but
# Oxigraph evaluates MINUS as one hash anti-join instead of one lookup per typed thing
# (3.4 s instead of 12.6 s on the 1.15M quads of 10,000 events).
_ENTITIES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?class }
  FILTER (?g != ?ontology && ?g != ?meta)
  MINUS { ?s a ?narrower . ?narrower <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?class }
} GROUP BY ?class
"""

_SOURCE_FILES = """
PREFIX ckg: <https://w3id.org/culturekg/ontology#>
SELECT ?file WHERE { ?graph ckg:sourceFile ?file } ORDER BY ?file
"""


_CKG = next(f"{p}:" for p, ns in PREFIXES.items() if ns == CKG_NS)


@dataclass(frozen=True)
class GraphStats:
    triples: int
    named_graphs: int
    source_files: tuple[str, ...]
    entities_per_class: tuple[tuple[str, int], ...]

    @property
    def records(self) -> int:
        """Event (and other) record files; reference tables are counted apart."""
        return sum(1 for f in self.source_files if f.startswith("data/records/"))

    @property
    def reference_files(self) -> int:
        # A CSV and its .meta.yaml sidecar make one reference table.
        return sum(
            1 for f in self.source_files if f.startswith("data/reference/") and not f.endswith(".meta.yaml")
        )

    def as_dict(self) -> dict:
        return {
            "triples": self.triples,
            "named_graphs": self.named_graphs,
            "records": self.records,
            "reference_files": self.reference_files,
            "source_files": list(self.source_files),
            "entities_per_class": dict(self.entities_per_class),
        }


def entity_counts(store: GraphStore, minter: Minter) -> dict[str, int]:
    """Distinct things per most specific rdf:type in the record graphs, keyed by compact name
    (`ckg:Workshop`; a full IRI where no known prefix fits)."""
    return compact(entity_counts_by_class(store, minter))


def entity_counts_by_class(store: GraphStore, minter: Minter) -> dict[str, int]:
    """entity_counts keyed by class IRI."""
    result = store.select(_ENTITIES, {"ontology": minter.graph(ONTOLOGY_PATH), "meta": minter.meta_graph})
    return {cls.value: int(n.value) for cls, n in result.rows}


def compact(counts: Mapping[str, int]) -> dict[str, int]:
    return {_curie(iri): n for iri, n in counts.items() if n}


# quads_for_pattern(subject, predicate, object, graph) of pyoxigraph.Store.
QuadPattern = Callable[..., Iterable[ox.Quad]]


def entity_classes(quads: QuadPattern, subjects: Iterable[Term], excluded: set[ox.NamedNode]) -> dict[Term, frozenset[str]]:
    """For each subject, the classes (IRIs) _ENTITIES counts it under, read by index lookups: after
    a small change only the things typed in the changed graphs can move between counts, and
    comparing their classes before and after the write updates the counts without the query,
    which scans every type triple of the store (10 s at 50,000 events)."""
    supers: dict[Term, set[Term]] = {}

    def broader(cls: Term) -> set[Term]:
        if cls not in supers:
            supers[cls] = {q.object for q in quads(cls, RDFS.subClassOf, None, None)
                           if not isinstance(q.graph_name, ox.DefaultGraph)}
        return supers[cls]

    classes: dict[Term, frozenset[str]] = {}
    for subject in subjects:
        typed = [(q.object, q.graph_name) for q in quads(subject, RDF.type, None, None)]
        counted = {cls for cls, graph in typed if isinstance(graph, ox.NamedNode) and graph not in excluded}
        narrowed = set().union(*(broader(cls) for cls, _ in typed)) if typed else set()
        classes[subject] = frozenset(cls.value for cls in counted - narrowed if isinstance(cls, ox.NamedNode))
    return classes


def shift_counts(counts: dict[str, int], before: Mapping[Term, frozenset[str]], after: Mapping[Term, frozenset[str]]) -> None:
    """Move `counts` (class IRI -> things) from what `before` says of some things to what `after` says."""
    for subject in set(before) | set(after):
        for cls in before.get(subject, frozenset()) - after.get(subject, frozenset()):
            counts[cls] = counts.get(cls, 0) - 1
        for cls in after.get(subject, frozenset()) - before.get(subject, frozenset()):
            counts[cls] = counts.get(cls, 0) + 1


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def graph_stats(store: GraphStore, base_iri: str, entities: Mapping[str, int] | None = None) -> GraphStats:
    """`entities`: the counts a load just made (LoadReport.entities) of this same store, so that a
    build does not count every typed thing twice."""
    if entities is None:
        entities = entity_counts(store, Minter(base_iri))
    files = tuple(row[0].value for row in store.select(_SOURCE_FILES).rows)
    return known_stats(store.count(), len(store.named_graphs()), files, entities)


def known_stats(triples: int, named_graphs: int, files: Iterable[str], entities: Mapping[str, int]) -> GraphStats:
    """GraphStats from counts kept elsewhere (the load's ledger): `files` in any order, `entities`
    keyed by compact name as entity_counts gives them."""
    ours = [(name[len(_CKG):], n) for name, n in entities.items() if name.startswith(_CKG)]
    per_class = tuple(sorted(ours, key=lambda pair: (-pair[1], pair[0])))
    return GraphStats(
        triples=triples,
        named_graphs=named_graphs,
        source_files=tuple(sorted(files)),
        entities_per_class=per_class,
    )
