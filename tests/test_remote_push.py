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
