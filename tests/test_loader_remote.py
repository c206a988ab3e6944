"""The loader needs nothing of a store but the GraphStore interface: loading straight into a
SPARQL endpoint gives what the embedded store gets, and reloads there skip unchanged files too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from culturekg.loader import load
from culturekg.project import load_project
from culturekg.store import EmbeddedStore
from culturekg.store.remote import RemoteStore
from servers import oxigraph_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.servers

FIXTURES = Path(__file__).parent / "fixtures" / "records"


def record_quads(store) -> set[ox.Quad]:
    """Quads of every graph but the ontology's, whose blank nodes an endpoint renames."""
    return {q for q in store.quads() if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def test_loading_into_an_endpoint_matches_the_embedded_store(oxigraph_server, tmp_path):  # noqa: F811
    base = "https://loader-remote.test/"
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    project = load_project(root, base)
    remote = RemoteStore(oxigraph_server.query_url, update_url=oxigraph_server.update_url,
                         gsp_url=oxigraph_server.gsp_url, base_iri=base)
    local = EmbeddedStore()
    first = load(project, remote)
    load(project, local)
    assert record_quads(remote) == record_quads(local)
    assert first.entities == load(project, EmbeddedStore()).entities

    again = load(project, remote)
    assert again.changed == [] and again.triples_written == 0

    event = root / "data/records/events/felt-2019.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("Felt carpet exhibition", "Felt carpets"), encoding="utf-8")
    third = load(project, remote)
    load(project, local)
    assert third.changed == ["data/records/events/felt-2019.yaml"]
    assert record_quads(remote) == record_quads(local)
