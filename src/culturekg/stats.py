"""Counts a user wants after a build: records, triples, graphs, entities per class."""

from __future__ import annotations

from dataclasses import dataclass

from .iris import Minter
from .mapping.ontology import ONTOLOGY_PATH
from .store.base import GraphStore
from .vocab import CKG_NS

_ENTITIES_PER_CLASS = """
PREFIX ckg: <https://w3id.org/culturekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class (COUNT(DISTINCT ?entity) AS ?n) WHERE {
  ?entity a ?class .
  FILTER(STRSTARTS(STR(?class), STR(ckg:)))
  # Individuals the ontology declares (roles, instrument kinds) are vocabulary, not data.
  FILTER NOT EXISTS { GRAPH ?ontology { ?entity a ?class } }
  # Instances carry their ckg: superclass types too: each is counted under its most specific class.
  FILTER NOT EXISTS { ?entity a ?narrower . ?narrower rdfs:subClassOf ?class }
}
GROUP BY ?class ORDER BY DESC(?n) ?class
"""

_SOURCE_FILES = """
PREFIX ckg: <https://w3id.org/culturekg/ontology#>
SELECT ?file WHERE { ?graph ckg:sourceFile ?file } ORDER BY ?file
"""


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


def graph_stats(store: GraphStore, base_iri: str) -> GraphStats:
    ontology = Minter(base_iri).graph(ONTOLOGY_PATH)
    per_class = tuple(
        (row[0].value[len(CKG_NS):], int(row[1].value))
        for row in store.select(_ENTITIES_PER_CLASS, {"ontology": ontology}).rows
    )
    files = tuple(row[0].value for row in store.select(_SOURCE_FILES).rows)
    return GraphStats(
        triples=store.count(),
        named_graphs=len(store.named_graphs()),
        source_files=files,
        entities_per_class=per_class,
    )
