"""push() on any GraphStore: what it writes, what it leaves, and how it recovers from a cut."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from culturekg.errors import ConfigError
from culturekg.iris import Minter
from culturekg.loader import load
from culturekg.project import load_project
from culturekg.push import plan, push
from culturekg.store import EmbeddedStore
from culturekg.store.base import GraphChange
from culturekg.store.remote import EndpointError
from culturekg.vocab import CKG

MINIATURE = Path(__file__).resolve().parent / "fixtures" / "records" / "project"
_ALL = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


class CutAfter:
    """A target that fails on its n-th write, as an endpoint going down mid-push would."""

    def __init__(self, store: EmbeddedStore, writes: int) -> None:
        self.store, self.left = store, writes

    def __getattr__(self, name):
        return getattr(self.store, name)

    def apply(self, change: GraphChange) -> None:
        if self.left == 0:
            raise EndpointError("cut")
        self.left -= 1
        self.store.apply(change)


@pytest.fixture
def built(tmp_path):
    shutil.copytree(MINIATURE / "data", tmp_path / "data")
    project = load_project(tmp_path)
    store = EmbeddedStore()
    load(project, store)
    return project, store


def test_first_push_writes_everything_and_meta_last(built):
    project, local = built
    target = EmbeddedStore()
    report = push(local, target, project.base_iri)
    assert set(report.plan.write) == local.named_graphs()
    assert report.plan.write[-1] == Minter(project.base_iri).meta_graph
    assert set(target.quads()) == set(local.quads())
    assert plan(local, target, project.base_iri).empty


def test_a_target_another_mapping_version_wrote_gets_every_graph_again(built):
    """The files' checksums match, but the target's graphs were mapped by another version: all go again."""
    project, local = built
    target = EmbeddedStore()
    push(local, target, project.base_iri)
    meta = Minter(project.base_iri).meta_graph
    graph = Minter(project.base_iri).graph("data/records/events/felt-2019.yaml")
    older = [q for q in target.quads(meta) if q.subject == meta]
    assert len(older) == 1 and older[0].predicate == CKG.mappingVersion
    stale = next(iter(target.quads(graph)))
    target.oxigraph.remove(stale)
    target.oxigraph.remove(older[0])
    target.oxigraph.add(ox.Quad(meta, CKG.mappingVersion, ox.Literal("0"), meta))
    steps = plan(local, target, project.base_iri)
    assert set(steps.write) == local.named_graphs() and steps.unchanged == []
    push(local, target, project.base_iri)
    assert set(target.quads()) == set(local.quads())
    assert plan(local, target, project.base_iri).empty


def test_a_cut_push_is_completed_by_the_next(built):
    project, local = built
    target = EmbeddedStore()
    with pytest.raises(EndpointError):
        push(local, CutAfter(target, 3), project.base_iri)
    assert 0 < len(target.named_graphs()) < len(local.named_graphs())
    assert Minter(project.base_iri).meta_graph not in target.named_graphs()
    push(local, target, project.base_iri)
    assert set(target.quads()) == set(local.quads())


def test_graphs_outside_the_project_are_left_alone(built):
    project, local = built
    target = EmbeddedStore()
    foreign = Minter("https://other.test/").graph("data/x.csv")
    own_stale = Minter(project.base_iri).graph("data/records/events/deleted.yaml")
    some = next(iter(local.quads())).triple
    target.apply(GraphChange(replace={foreign: [some], own_stale: [some]}))
    report = push(local, target, project.base_iri)
    assert report.plan.drop == [own_stale]
    assert foreign in target.named_graphs() and own_stale not in target.named_graphs()


def test_an_empty_local_store_is_refused(built):
    project, _ = built
    with pytest.raises(ConfigError, match="culturekg build"):
        plan(EmbeddedStore(), EmbeddedStore(), project.base_iri)


class Recording:
    """A target that keeps every change it is given."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store, self.changes = store, []

    def __getattr__(self, name):
        return getattr(self.store, name)

    def apply(self, change: GraphChange) -> None:
        self.changes.append(change)
        self.store.apply(change)


def _retitle(project) -> ox.NamedNode:
    path = project.data_dir / "records" / "events" / "felt-2019.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\ntitle: Felt carpet exhibition\n" in text
    path.write_text(text.replace("\ntitle: Felt carpet exhibition\n", "\ntitle: Felt carpets, renamed\n"), encoding="utf-8")
    return Minter(project.base_iri).graph("data/records/events/felt-2019.yaml")


@pytest.fixture
def one_record_changed(built):
    """Pushed, then one record changed and built again (not yet pushed)."""
    project, local = built
    target = EmbeddedStore()
    push(local, target, project.base_iri)
    changed = _retitle(project)
    load(project, local)
    return project, local, target, changed


def test_a_few_changed_checksums_are_edited_into_the_targets_meta_graph(one_record_changed):
    project, local, target, changed = one_record_changed
    meta = Minter(project.base_iri).meta_graph
    recording = Recording(target)
    report = push(local, recording, project.base_iri)
    assert report.plan.write == [changed, meta]
    remove, add = report.plan.meta_edit
    assert [t.predicate for t in remove] == [CKG.sha256] and [t.predicate for t in add] == [CKG.sha256]
    assert remove[0].subject == add[0].subject == changed
    assert [set(c.replace) for c in recording.changes] == [{changed}, set()]
    assert recording.changes[-1].edit == {meta: (remove, add)}
    assert report.summary().startswith(f"2 graph(s) written ({len(local.construct(_ALL, {'g': changed})) + 1} triples) "
                                       "(the meta graph edited: 1 triple(s) out, 1 in), 0 dropped")
    assert set(target.quads()) == set(local.quads())
    # Everything asked for, or a blank node in the target's meta graph: written whole.
    assert plan(local, target, project.base_iri, everything=True).meta_edit is None
    target.oxigraph.add(ox.Quad(meta, ox.NamedNode("urn:test:note"), ox.BlankNode(), meta))
    record = project.data_dir / "records" / "events" / "felt-2019.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("Felt carpets, renamed", "Felt carpets, again"), encoding="utf-8")
    load(project, local)
    whole = push(local, target, project.base_iri)
    assert whole.plan.meta_edit is None
    assert set(target.quads()) == set(local.quads())


class CutInsideEdit(Recording):
    """A target whose connection drops after the removals of an edit and before its additions."""

    def apply(self, change: GraphChange) -> None:
        if change.edit:
            for graph, (remove, _) in change.edit.items():
                self.store.apply(GraphChange(edit={graph: (remove, [])}))
            raise EndpointError("cut")
        self.store.apply(change)


def test_a_push_cut_inside_the_meta_edit_is_completed_by_the_next(one_record_changed):
    project, local, target, changed = one_record_changed
    with pytest.raises(EndpointError):
        push(local, CutInsideEdit(target), project.base_iri)
    # The changed graph lost its checksum, so the next push writes it again and the checksum back.
    again = plan(local, target, project.base_iri)
    assert changed in again.write
    push(local, target, project.base_iri)
    assert set(target.quads()) == set(local.quads())
    assert plan(local, target, project.base_iri).empty
