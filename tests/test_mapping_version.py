"""MAPPING_VERSION is raised whenever the same records map to other triples: a store records the version
that wrote it, and one written by another is written again whole (tests/test_cli_build.py). Forgetting
to raise it would leave every unchanged record's graph as the old mapping wrote it, so this test keeps
a fingerprint of what the fixture records map to under each version, and fails when it changes."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox

from culturekg.iris import Minter
from culturekg.loader import load
from culturekg.mapping import MAPPING_VERSION
from culturekg.mapping.ontology import ONTOLOGY_PATH
from culturekg.project import load_project
from culturekg.store import EmbeddedStore

MINIATURE = Path(__file__).resolve().parent / "fixtures" / "records" / "project"

# MAPPING_VERSION -> SHA-256 of the fixture records' graphs (sorted N-Quads), mapped under an ontology
# that entails nothing, so a changed class hierarchy or chain (which the loader notices by itself) does
# not change it.
FINGERPRINTS = {
    1: "c19c00fb130b76d5f0dfd938f3f5291281404b6ee6fa4d3d272ccbb3265e7bb1",
}


def mapped_fingerprint(tmp_path: Path) -> tuple[str, int]:
    shutil.copytree(MINIATURE / "data", tmp_path / "data")
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "culturekg.ttl").write_text("@prefix ckg: <https://w3id.org/culturekg/ontology#> .\n")
    project = load_project(tmp_path)
    store = EmbeddedStore()
    load(project, store)
    minter = Minter(project.base_iri)
    skipped = {minter.graph(ONTOLOGY_PATH), minter.meta_graph}
    quads = [q for q in store.quads() if q.graph_name not in skipped]
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)), "blank nodes would need canonical names"
    lines = sorted(ox.serialize([q], format=ox.RdfFormat.N_QUADS).decode() for q in quads)
    return hashlib.sha256("".join(lines).encode()).hexdigest(), len(lines)


def test_the_records_map_to_the_triples_their_mapping_version_recorded(tmp_path):
    fingerprint, count = mapped_fingerprint(tmp_path)
    assert count > 400  # the fixture records, all of them (441 quads under version 1)
    assert FINGERPRINTS.get(MAPPING_VERSION) == fingerprint, (
        f"the fixture records now map to other triples ({count} quads, fingerprint {fingerprint}) than "
        f"MAPPING_VERSION {MAPPING_VERSION} recorded: if that is meant, raise MAPPING_VERSION in "
        "src/culturekg/mapping/__init__.py and record the new fingerprint here under it"
    )
