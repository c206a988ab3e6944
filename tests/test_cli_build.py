"""`culturekg build` and `culturekg stats` on the miniature project, through the real command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_helpers import RECORD_FIXTURES, copy_miniature_project, run

from culturekg.store import EmbeddedStore

FIXTURES = RECORD_FIXTURES


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_miniature_project(tmp_path)


def test_build_prints_counts_and_exits_zero(project: Path) -> None:
    result = run("--project", str(project), "build", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    events = sorted(p.name for p in (project / "data/records/events").iterdir())
    assert summary["records"] == len(events)
    assert summary["validation"]["violations"] == 0
    assert summary["triples"] > 0 and summary["triples"] == summary["triples_written"]
    assert summary["files_changed"] == summary["files_read"]
    assert summary["entities_per_class"]["Country"] >= 1
    # Roles are vocabulary from the ontology, not data entities.
    assert "Role" not in summary["entities_per_class"]


def test_second_build_writes_nothing(project: Path) -> None:
    first = json.loads(run("--project", str(project), "build", "--json").stdout)
    second = json.loads(run("--project", str(project), "build", "--json").stdout)
    assert second["triples_written"] == 0
    assert second["files_changed"] == 0
    assert second["triples"] == first["triples"]


def test_bad_record_exits_two_and_keeps_the_store(project: Path) -> None:
    assert run("--project", str(project), "build", "--no-validate").exit_code == 0
    store = EmbeddedStore(project / ".culturekg" / "store", read_only=True)
    before = {str(q) for q in store.quads()}
    store.close()

    shutil.copytree(FIXTURES / "bad" / "unknown-country" / "data", project / "data", dirs_exist_ok=True)
    result = run("--project", str(project), "build")
    assert result.exit_code == 2
    assert "unknown-country.yaml" in result.stderr
    assert "No change was written" in result.stderr

    store = EmbeddedStore(project / ".culturekg" / "store", read_only=True)
    after = {str(q) for q in store.quads()}
    store.close()
    assert after == before


def test_stats_reads_what_build_wrote(project: Path) -> None:
    built = json.loads(run("--project", str(project), "build", "--json", "--no-validate").stdout)
    result = run("--project", str(project), "stats", "--json")
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["triples"] == built["triples"]
    assert stats["entities_per_class"] == built["entities_per_class"]


def test_every_command_has_help() -> None:
    for command in ("build", "stats"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


def test_rebuild_after_one_change_revalidates_and_agrees_with_full(project: Path) -> None:
    assert run("--project", str(project), "build").exit_code == 0
    conventions = project / "data/reference/conventions.yaml"
    original = conventions.read_text(encoding="utf-8")
    # The record format lets a convention omit its adoption date; the shapes do not.
    conventions.write_text(original.replace("    adoption_date: 2003-10-17\n", ""), encoding="utf-8")

    incremental = run("--project", str(project), "build", "--json")
    assert incremental.exit_code == 1
    assert json.loads(incremental.stdout)["validation"]["violations"] == 1
    full = run("--project", str(project), "build", "--json", "--full-validation")
    assert json.loads(full.stdout)["validation"] == json.loads(incremental.stdout)["validation"]

    conventions.write_text(original, encoding="utf-8")
    repaired = run("--project", str(project), "build", "--json")
    assert repaired.exit_code == 0
    assert json.loads(repaired.stdout)["validation"]["violations"] == 0


def test_rewrite_writes_every_graph_again_where_a_plain_build_keeps_what_the_store_holds(project: Path) -> None:
    """As after an upgrade whose mapping writes other triples: the files did not change, the graphs must."""
    import pyoxigraph as ox

    first = json.loads(run("--project", str(project), "build", "--json").stdout)
    store_dir = project / ".culturekg" / "store"
    graph = ox.NamedNode("https://w3id.org/culturekg/graph/data/records/events/almaty-2017-2005-training.yaml")
    store = ox.Store(str(store_dir))
    event = ox.NamedNode("https://w3id.org/culturekg/id/event/almaty-2017-2005-training")
    title = next(store.quads_for_pattern(event, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None, graph))
    store.remove(title)  # what an older mapping might not have written
    store.flush()
    del store

    kept = run("--project", str(project), "build", "--json")
    assert kept.exit_code == 0 and json.loads(kept.stdout)["triples_written"] == 0
    assert title not in _graph(store_dir, graph)

    rewritten = run("--project", str(project), "build", "--json", "--rewrite")
    assert rewritten.exit_code == 0, rewritten.output
    summary = json.loads(rewritten.stdout)
    assert summary["files_changed"] == first["files_changed"] and summary["files_unchanged"] == 0
    assert summary["triples"] == first["triples"] and summary["entities_per_class"] == first["entities_per_class"]
    assert summary["validation"]["violations"] == 0
    assert title in _graph(store_dir, graph)
    # And the ledger says so: the next build writes nothing.
    assert json.loads(run("--project", str(project), "build", "--json").stdout)["triples_written"] == 0


def _graph(store_dir: Path, graph) -> set:
    store = EmbeddedStore(store_dir, read_only=True)
    try:
        return set(store.oxigraph.quads_for_pattern(None, None, None, graph))
    finally:
        store.close()


def test_a_store_another_mapping_version_wrote_is_written_again_at_the_next_plain_build(project: Path) -> None:
    """After an upgrade whose mapping writes other triples, a plain build sees it from the meta graph."""
    import pyoxigraph as ox

    from culturekg.mapping import MAPPING_VERSION

    first = json.loads(run("--project", str(project), "build", "--json").stdout)
    assert first["remapped"] is None
    store_dir = project / ".culturekg" / "store"
    meta = ox.NamedNode("https://w3id.org/culturekg/graph/meta")
    has = ox.NamedNode("https://w3id.org/culturekg/ontology#mappingVersion")
    graph = ox.NamedNode("https://w3id.org/culturekg/graph/data/records/events/almaty-2017-2005-training.yaml")
    event = ox.NamedNode("https://w3id.org/culturekg/id/event/almaty-2017-2005-training")
    store = ox.Store(str(store_dir))
    assert [q.object.value for q in store.quads_for_pattern(meta, has, None, meta)] == [str(MAPPING_VERSION)]
    title = next(store.quads_for_pattern(event, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None, graph))
    # A store an older mapping wrote: it lacked the title, and said so with its version (or said nothing).
    store.remove(title)
    for quad in list(store.quads_for_pattern(meta, has, None, meta)):
        store.remove(quad)
    store.flush()
    del store

    text = run("--project", str(project), "build")
    assert text.exit_code == 0, text.output
    said = " ".join(text.stdout.split())  # rich wraps long lines
    assert ("Every graph written again: the store was written by mapping version (none recorded); "
            f"this culturekg maps records with version {MAPPING_VERSION}") in said
    assert title in _graph(store_dir, graph)
    assert (meta, has) in {(q.subject, q.predicate) for q in _graph(store_dir, meta)}
    again = json.loads(run("--project", str(project), "build", "--json").stdout)
    assert again["triples_written"] == 0 and again["remapped"] is None
    assert again["triples"] == first["triples"] and again["entities_per_class"] == first["entities_per_class"]

    store = ox.Store(str(store_dir))
    for quad in list(store.quads_for_pattern(meta, has, None, meta)):
        store.remove(quad)
    store.add(ox.Quad(meta, has, ox.Literal(str(MAPPING_VERSION + 1), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#positiveInteger")), meta))
    store.flush()
    del store
    newer = json.loads(run("--project", str(project), "build", "--json").stdout)
    assert newer["remapped"] == {"from": MAPPING_VERSION + 1, "to": MAPPING_VERSION}
    assert newer["files_unchanged"] == 0 and newer["triples"] == first["triples"]
    assert newer["validation"]["violations"] == 0
