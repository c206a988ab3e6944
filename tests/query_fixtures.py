"""The hand-written fixture graphs of the stored-query tests (tests/fixtures/queries/*.trig), loaded
as the loader would have written them: each graph also given what the ontology entails (superclass types,
property chain links), by the loader's own function, so the fixtures state only what a record would."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from culturekg.iris import Minter
from culturekg.mapping.ontology import ONTOLOGY_PATH, ontology_entailments
from culturekg.project import DEFAULT_BASE_IRI, shipped_ontology_file
from culturekg.store import EmbeddedStore

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "queries"


def load_fixture(name: str, store: EmbeddedStore | None = None) -> EmbeddedStore:
    store = store if store is not None else EmbeddedStore()
    store.oxigraph.load(path=str(FIXTURES / name), format=ox.RdfFormat.TRIG)
    entailed = ontology_entailments(shipped_ontology_file())
    minter = Minter(DEFAULT_BASE_IRI)
    # Like the loader: record graphs only, not the ontology's own individuals or load metadata.
    skipped = {minter.graph(ONTOLOGY_PATH), minter.meta_graph}
    graphs: dict[ox.NamedNode | ox.DefaultGraph, list[ox.Triple]] = {}
    for quad in store.oxigraph.quads_for_pattern(None, None, None, None):
        if quad.graph_name not in skipped:
            graphs.setdefault(quad.graph_name, []).append(quad.triple)
    store.oxigraph.extend(
        [ox.Quad(t.subject, t.predicate, t.object, g) for g, triples in graphs.items() for t in entailed.of(triples)]
    )
    return store
