"""Large loads go to the store's bulk loader as N-Quads: the same quads as batched transactions."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import culturekg.loader as loader_module
from culturekg.loader import load
from culturekg.mapping.spill import Spill, nquads
from culturekg.project import load_project
from culturekg.store import EmbeddedStore
from culturekg.store.base import BulkGraphStore
from culturekg.vocab import RDFS, XSD

FIXTURES = Path(__file__).parent / "fixtures" / "records"
BASE = "https://w3id.org/culturekg/"
CHANGED = "data/records/events/felt-2019.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", copy)
    return copy


def tricky(name: str) -> tuple[ox.NamedNode, list[ox.Triple]]:
    """Literals holding what an N-Quads line ends with, a blank node, a datatype and a language."""
    subject = ox.NamedNode(f"https://example.org/{name}")
    p = ox.NamedNode("https://example.org/p")
    return ox.NamedNode(f"https://example.org/graph/{name}%20x"), [
        ox.Triple(subject, p, ox.Literal("ends like a line .\n<https://example.org/g> .\r\n", language="ru")),
        ox.Triple(subject, p, ox.Literal(' "quoted" . ', datatype=XSD.string)),
        ox.Triple(ox.BlankNode(f"b{name}"), p, ox.Literal("21", datatype=XSD.nonNegativeInteger)),
        ox.Triple(subject, p, ox.BlankNode(f"b{name}")),
    ]


def test_nquads_put_every_triple_in_its_graph_unchanged():
    graph, triples = tricky("a")
    quads = list(ox.parse(nquads(graph, triples), format=ox.RdfFormat.N_QUADS))
    assert quads == [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    assert nquads(graph, []) == b""


def test_spill_as_nquads_holds_graphs_from_memory_and_from_disk():
    spill = Spill(in_memory=5)
    graphs = dict(tricky(name) for name in "abc")  # a stays in memory, b and c go to disk
    for graph, triples in graphs.items():
        spill.add(graph, triples)
    quads = list(ox.parse(spill.as_nquads().read(), format=ox.RdfFormat.N_QUADS))
    spill.close()
    expected = [ox.Quad(t.subject, t.predicate, t.object, g) for g, triples in graphs.items() for t in triples]
    assert sorted(quads, key=str) == sorted(expected, key=str)


def spy_on_bulk(store: EmbeddedStore, monkeypatch) -> list[tuple[set[ox.NamedNode], bool]]:
    """Each bulk load's graphs, and whether the loader said they are all the store holds."""
    calls: list[tuple[set[ox.NamedNode], bool]] = []
    original = store.bulk_replace

    def spy(graphs, source, *, whole=False):
        calls.append((set(graphs), whole))
        original(graphs, source, whole=whole)

    monkeypatch.setattr(store, "bulk_replace", spy)
    return calls


def test_a_large_load_is_one_bulk_load_with_the_same_quads(root, monkeypatch):
    batched = EmbeddedStore()
    load(load_project(root), batched)
    monkeypatch.setattr(loader_module, "BULK_TRIPLES", 10)
    bulk = EmbeddedStore()
    assert isinstance(bulk, BulkGraphStore)
    calls = spy_on_bulk(bulk, monkeypatch)
    report = load(load_project(root), bulk)
    assert len(calls) == 1 and len(calls[0][0]) == len(report.changed) - 1  # all but the ontology
    assert calls[0][1]  # a first build: the store holds nothing else
    assert set(bulk.quads()) == set(batched.quads())
    assert report.entities == load(load_project(root), EmbeddedStore()).entities


def test_a_bulk_rewrite_replaces_changed_graphs_and_leaves_the_others(root, tmp_path, monkeypatch):
    monkeypatch.setattr(loader_module, "BULK_TRIPLES", 10)
    store = EmbeddedStore(tmp_path / "store")
    load(load_project(root), store)
    graph = ox.NamedNode(f"{BASE}graph/{CHANGED}")
    others = {g: set(store.quads(g)) for g in store.named_graphs() if g not in (graph, ox.NamedNode(f"{BASE}graph/meta"))}
    path = root / CHANGED
    path.write_text(path.read_text(encoding="utf-8").replace("Felt carpet exhibition", "Felt carpets"), encoding="utf-8")
    calls = spy_on_bulk(store, monkeypatch)
    report = load(load_project(root), store)
    assert report.changed == [CHANGED] and calls == [({graph}, False)]
    labels = {q.object for q in store.quads(graph) if q.predicate == RDFS.label and q.subject.value.endswith("/event/felt-2019")}
    assert labels == {ox.Literal("Felt carpets", language="en")}
    assert {g: set(store.quads(g)) for g in others} == others
    fresh = EmbeddedStore()
    load(load_project(root), fresh)
    assert set(store.quads()) == set(fresh.quads())


class Cut(Exception):
    """The process dying in the middle of a bulk load."""


def test_a_bulk_load_cut_short_is_completed_by_the_next_build(root, tmp_path, monkeypatch):
    # Bulk loading is not one transaction: the graphs are dropped, then some quads arrive, then the
    # process dies. The meta graph is written last, so it still holds the old checksum of the
    # changed file and the next build rewrites its graph whole.
    monkeypatch.setattr(loader_module, "BULK_TRIPLES", 10)
    store = EmbeddedStore(tmp_path / "store")
    load(load_project(root), store)
    path = root / CHANGED
    path.write_text(path.read_text(encoding="utf-8").replace("Felt carpet exhibition", "Felt carpets"), encoding="utf-8")
    original = store.bulk_replace

    def dies_halfway(graphs, source, *, whole=False):
        lines = source.read().splitlines(keepends=True)
        original(graphs, io.BytesIO(b"".join(lines[: len(lines) // 2])), whole=whole)
        raise Cut

    monkeypatch.setattr(store, "bulk_replace", dies_halfway)
    with pytest.raises(Cut):
        load(load_project(root), store)
    graph = ox.NamedNode(f"{BASE}graph/{CHANGED}")
    fresh = EmbeddedStore()
    load(load_project(root), fresh)
    assert set(store.quads(graph)) != set(fresh.quads(graph))  # really left incomplete
    monkeypatch.setattr(store, "bulk_replace", original)
    report = load(load_project(root), store)
    assert report.changed == [CHANGED]
    assert set(store.quads()) == set(fresh.quads())


def spy_on_clear(store: EmbeddedStore, monkeypatch) -> list[bool]:
    calls: list[bool] = []
    original = store.clear_if_within
    monkeypatch.setattr(store, "clear_if_within", lambda graphs: calls.append(original(graphs)) or calls[-1])
    return calls


def test_a_bulk_rewrite_of_every_graph_empties_the_store_at_once_with_the_same_quads(root, tmp_path, monkeypatch):
    monkeypatch.setattr(loader_module, "BULK_TRIPLES", 10)
    store = EmbeddedStore(tmp_path / "store")
    load(load_project(root), store)
    before = set(store.quads())
    cleared = spy_on_clear(store, monkeypatch)
    bulk = spy_on_bulk(store, monkeypatch)
    report = load(load_project(root), store, rewrite=True)
    assert cleared == [True] and [whole for _, whole in bulk] == [True]
    assert len(report.changed) == 15 and report.unchanged == []
    assert set(store.quads()) == before
    # The meta graph, written whole after the store was emptied, still says which mapping wrote it:
    # the next load writes nothing.
    again = load(load_project(root), store)
    assert again.changed == [] and again.triples_written == 0


def test_a_graph_the_load_does_not_write_keeps_the_store_from_being_emptied(root, tmp_path, monkeypatch):
    monkeypatch.setattr(loader_module, "BULK_TRIPLES", 10)
    store = EmbeddedStore(tmp_path / "store")
    load(load_project(root), store)
    stranger = ox.Quad(ox.NamedNode("https://example.org/s"), RDFS.label, ox.Literal("kept"), ox.DefaultGraph())
    store.oxigraph.add(stranger)
    cleared = spy_on_clear(store, monkeypatch)
    bulk = spy_on_bulk(store, monkeypatch)
    load(load_project(root), store, rewrite=True)
    assert cleared == [False] and [whole for _, whole in bulk] == [False]
    assert stranger in set(store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_a_whole_rewrite_cut_short_is_completed_by_the_next_build(root, tmp_path, monkeypatch):
    """Emptied at once, then the process dies in the bulk load: the meta graph is gone with the rest, so
    the next build writes everything."""
    monkeypatch.setattr(loader_module, "BULK_TRIPLES", 10)
    store = EmbeddedStore(tmp_path / "store")
    load(load_project(root), store)
    before = set(store.quads())
    original = store.bulk_replace

    def dies(graphs, source, *, whole=False):
        raise Cut

    monkeypatch.setattr(store, "bulk_replace", dies)
    with pytest.raises(Cut):
        load(load_project(root), store, rewrite=True)
    assert set(store.quads()) != before
    monkeypatch.setattr(store, "bulk_replace", original)
    report = load(load_project(root), store)
    assert report.unchanged == []
    assert set(store.quads()) == before


class _Compactions:
    """pyoxigraph's store, counting the compactions asked of it."""

    def __init__(self, store: ox.Store) -> None:
        self.store, self.optimized = store, 0

    def optimize(self) -> None:
        self.optimized += 1
        self.store.optimize()

    def __getattr__(self, name):
        return getattr(self.store, name)

    def __len__(self) -> int:
        return len(self.store)


@pytest.mark.parametrize("whole", [True, False])
def test_an_on_disk_store_is_compacted_after_a_whole_bulk_load_only(root, tmp_path, monkeypatch, whole):
    monkeypatch.setattr(loader_module, "BULK_TRIPLES", 10)
    expected = EmbeddedStore()
    load(load_project(root), expected)
    store = EmbeddedStore(tmp_path / "store")
    counted = store._store = _Compactions(store._store)
    graphs = expected.named_graphs()
    store.bulk_replace(graphs, io.BytesIO(b"".join(nquads(g, [q.triple for q in expected.quads(g)]) for g in graphs)),
                       whole=whole)
    assert counted.optimized == (1 if whole else 0)
    assert _named(store) == _named(expected) and store.count() == expected.count() > 1000
    store.close()
    reopened = EmbeddedStore(tmp_path / "store", read_only=True)
    assert _named(reopened) == _named(expected) and reopened.count() == expected.count()


def _named(store: EmbeddedStore) -> set[ox.Quad]:
    # The bulk loader gives the ontology's blank nodes labels of its own.
    return {q for q in store.quads() if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
