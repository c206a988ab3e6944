"""`culturekg build` hands the validator the graphs its own load changed, and only trusts that list when
nothing else wrote the store since the build that saved the validation state; otherwise it compares
every graph's checksums, and the report still equals a full validation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_helpers import copy_miniature_project, run

from culturekg import pipeline as build_command
from culturekg.loader import load
from culturekg.project import load_project
from culturekg.store import EmbeddedStore
from culturekg.validate import count_violations, validate
from culturekg.validate import incremental
from culturekg.validate.incremental import fingerprints, load_state, state_path
from culturekg.validate.storestamp import store_stamp

REPO = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/culturekg/"
SH = "http://www.w3.org/ns/shacl#"
# Events outside Kyrgyzstan break it, so a record's country decides whether it has a violation.
ONLY_KYRGYZSTAN = f"""
<https://example.org/test#OnlyKyrgyzstan> a <{SH}NodeShape> ;
  <{SH}targetClass> <https://w3id.org/culturekg/ontology#Event> ;
  <{SH}property> [ <{SH}path> <https://w3id.org/culturekg/ontology#country> ;
    <{SH}in> ( <https://w3id.org/culturekg/id/country/KG> ) ] .
"""
FELT = "data/records/events/felt-2019.yaml"  # in Kyrgyzstan: moved to Kazakhstan, it breaks the rule
ALMATY = "data/records/events/almaty-2017-2005-training.yaml"  # a change of attendance breaks nothing
QPR = "data/records/events/qpr-2023-two-venues.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = copy_miniature_project(tmp_path)
    shutil.copytree(REPO / "ontology", root / "ontology")
    with (root / "ontology" / "shapes.ttl").open("a", encoding="utf-8") as shapes:
        shapes.write(ONLY_KYRGYZSTAN)
    return root


@pytest.fixture
def lookups(monkeypatch) -> list:
    """Which graphs' checksums each validation read: None is all of them (the full comparison)."""
    calls: list = []
    real = incremental.fingerprints

    def spy(store, project, graphs=None):
        calls.append(None if graphs is None else {g.value for g in graphs})
        return real(store, project, graphs)

    monkeypatch.setattr(incremental, "fingerprints", spy)
    return calls


def store_dir(root: Path) -> Path:
    return root / ".culturekg" / "store"


def build(root: Path, *options: str) -> dict:
    result = run("--project", str(root), "build", "--json", *options)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def full_violations(root: Path) -> int:
    store = EmbeddedStore(store_dir(root), read_only=True)
    try:
        return count_violations(validate(store, load_project(root), engine="fast"))["violations"]
    finally:
        store.close()


def graph(rel: str) -> str:
    return BASE + "graph/" + rel


def test_a_build_after_a_build_reads_only_the_checksums_of_what_its_load_changed(root, lookups):
    first = build(root)
    assert lookups == [None]  # the first validation is a full one
    assert load_state(state_path(store_dir(root))).store_stamp == store_stamp(store_dir(root))
    lookups.clear()

    edit(root, ALMATY, "attendance: 21", "attendance: 22")
    second = build(root)
    assert second["files_changed"] == 1
    assert lookups == [{graph(ALMATY)}]
    assert second["validation"] == first["validation"]
    assert second["validation"]["violations"] == full_violations(root) > 0

    edit(root, FELT, "country: KG", "country: KZ")
    third = build(root)
    assert lookups[-1] == {graph(FELT)}
    assert third["validation"]["violations"] == full_violations(root) == first["validation"]["violations"] + 1

    (root / QPR).unlink()  # in Kazakhstan: its violation goes with it
    fourth = build(root)
    assert fourth["files_removed"] == 1 and lookups[-1] == {graph(QPR)}
    assert fourth["validation"]["violations"] == full_violations(root) == third["validation"]["violations"] - 1
    store = EmbeddedStore(store_dir(root), read_only=True)
    try:
        assert load_state(state_path(store_dir(root))).fingerprints == fingerprints(store, load_project(root))
    finally:
        store.close()


def _load_from_python(root: Path, monkeypatch) -> None:
    store = EmbeddedStore(store_dir(root))
    try:
        load(load_project(root), store)
    finally:
        store.close()


def _build_without_validation(root: Path, monkeypatch) -> None:
    build(root, "--no-validate")


def _build_cut_short_after_the_load(root: Path, monkeypatch) -> None:
    class Interrupted(Exception):
        pass

    def interrupted(*args, **kwargs):
        raise Interrupted

    with monkeypatch.context() as patch:
        patch.setattr(build_command, "validate_and_keep", interrupted)
        with pytest.raises(Interrupted):
            run("--project", str(root), "build")


def _stale_state_put_back(root: Path, monkeypatch) -> None:
    state = state_path(store_dir(root))
    shutil.copyfile(state, state.with_name("old"))
    build(root)
    shutil.copyfile(state.with_name("old"), state)


def _state_deleted(root: Path, monkeypatch) -> None:
    build(root)
    state_path(store_dir(root)).unlink()


@pytest.mark.parametrize("outside", [_load_from_python, _build_without_validation, _build_cut_short_after_the_load,
                                     _stale_state_put_back, _state_deleted])
def test_a_change_the_state_did_not_see_is_still_validated(root, lookups, monkeypatch, outside):
    before = build(root)["validation"]["violations"]
    edit(root, FELT, "country: KG", "country: KZ")
    outside(root, monkeypatch)
    lookups.clear()

    edit(root, ALMATY, "attendance: 21", "attendance: 22")
    after = build(root)
    assert after["files_changed"] == 1  # this load changed only the harmless record
    assert lookups and lookups[0] is None  # every graph's checksums were compared (or all was validated)
    assert after["validation"]["violations"] == full_violations(root) == before + 1


def test_the_store_stamp_moves_with_writes_only(tmp_path):
    path = tmp_path / "store"
    assert store_stamp(path) is None
    store = EmbeddedStore(path)
    quad = ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("o"),
                   ox.NamedNode("https://example.org/g"))
    store.oxigraph.add(quad)
    store.close()
    written = store_stamp(path)
    reader = EmbeddedStore(path, read_only=True)
    assert list(reader.quads()) == [quad]
    reader.close()
    assert store_stamp(path) == written
    writer = EmbeddedStore(path)
    writer.oxigraph.remove(quad)
    writer.close()
    assert store_stamp(path) != written


def test_a_build_keeps_the_nodes_its_load_wrote_without_reading_them_back(root, monkeypatch):
    """The validation state indexes every record graph; those the build's own load wrote come from
    what it wrote (reading all back cost more than the validation itself at 100,000 events). A graph
    another writer changed is still read from the store, and the state always equals a read-back."""
    read_back: list[int] = []
    real = incremental.graph_nodes

    def spy(statements):
        read_back.append(1)
        return real(statements)

    monkeypatch.setattr(incremental, "graph_nodes", spy)

    def state_equals_the_store() -> None:
        store = EmbeddedStore(store_dir(root), read_only=True)
        try:
            kept = load_state(state_path(store_dir(root))).nodes
            assert dict(kept.items()) == real_index(store, load_project(root))
        finally:
            store.close()

    def real_index(store, project) -> dict:
        monkeypatch.setattr(incremental, "graph_nodes", real)
        try:
            return incremental._index(store, project, store.named_graphs())
        finally:
            monkeypatch.setattr(incremental, "graph_nodes", spy)

    build(root)
    assert read_back == []
    state_equals_the_store()

    edit(root, FELT, "country: KG", "country: KZ")
    assert build(root)["files_changed"] == 1
    assert read_back == []
    state_equals_the_store()

    edit(root, ALMATY, "attendance: 21", "attendance: 22")
    build(root, "--no-validate")
    build(root)  # the graph the unvalidated build wrote is not this load's: it is read back
    assert read_back == [1]
    state_equals_the_store()
