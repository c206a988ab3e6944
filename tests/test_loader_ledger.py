"""The load's ledger (culturekg.ledger): what `culturekg build` keeps beside the store so that a
small change costs a small build. Every count a build takes from it must equal a recount of the
store, whatever changed, and a ledger that cannot be believed must be ignored, not trusted."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from cli_helpers import copy_miniature_project, run

from culturekg.ledger import Ledger, StoredGraphs, Totals, ledger_path, set_ledger_stamp
from culturekg.loader import load
from culturekg.project import load_project
from culturekg.store import EmbeddedStore
from culturekg.validate.storestamp import store_stamp

EVENTS = "data/records/events"
COUNTED = ("triples", "named_graphs", "records", "reference_files", "source_files", "entities_per_class")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_miniature_project(tmp_path)


def store_dir(project: Path) -> Path:
    return project / ".culturekg" / "store"


def build(project: Path, *extra: str) -> dict:
    result = run("--project", str(project), "build", "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def recount(project: Path) -> dict:
    result = run("--project", str(project), "stats", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def fresh_build(project: Path, tmp_path: Path) -> dict:
    """The same records built into a new store: what every count must be."""
    result = run("--project", str(project), "--store", str(tmp_path / "fresh-store"), "build", "--json", "--no-validate")
    assert result.exit_code == 0, result.output
    shutil.rmtree(tmp_path / "fresh-store")
    for leftover in tmp_path.glob("fresh-store.*"):
        leftover.unlink()
    return json.loads(result.stdout)


def counted(summary: dict) -> dict:
    return {key: summary[key] for key in COUNTED}


def trusted(project: Path) -> bool:
    return Ledger.open(ledger_path(store_dir(project)), store_stamp(store_dir(project))).trusted


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def copy_event(events: Path, key: str, new_key: str) -> None:
    shutil.copyfile(events / f"{key}.yaml", events / f"{new_key}.yaml")
    edit(events / f"{new_key}.yaml", f"key: {key}", f"key: {new_key}")


@pytest.mark.parametrize("bulk", [False, True], ids=["transactions", "bulk-load"])
def test_every_kind_of_change_leaves_counts_equal_to_a_recount(project: Path, tmp_path: Path, monkeypatch, bulk: bool) -> None:
    if bulk:
        # Every write through the store's bulk loader, as a change of many records would be.
        monkeypatch.setattr("culturekg.loader.BULK_TRIPLES", 1)
    first = build(project)
    assert counted(first) == counted(recount(project))
    assert trusted(project)
    events = project / EVENTS
    changes = [
        # A title: the same things, other words.
        lambda: edit(events / "felt-2019.yaml", "Felt carpet exhibition", "Felt carpets, an exhibition"),
        # Another kind of event: the thing moves from one class to another.
        lambda: edit(events / "felt-2019.yaml", "type: exhibition", "type: workshop"),
        # A new record: new things, some of them (the country) already counted.
        lambda: copy_event(events, "felt-2019", "felt-2020"),
        # A record gone.
        lambda: (events / "felt-2019.yaml").unlink(),
        # A reference table: one more person.
        lambda: edit(project / "data/reference/people.csv", "lidia-varbanova,", "new-expert,New Expert,Ms.,BG,unspecified,\nlidia-varbanova,"),
        # A person no record names any more is still a person: the reference table declares them.
        lambda: (events / "felt-2020.yaml").unlink(),
    ]
    for number, change in enumerate(changes):
        change()
        summary = build(project)
        assert summary["files_changed"] + summary["files_removed"] >= 1, number
        assert counted(summary) == counted(recount(project)) == counted(fresh_build(project, tmp_path)), number
        assert trusted(project), number


def test_the_counts_move_as_the_records_say(project: Path) -> None:
    before = build(project)["entities_per_class"]
    edit(project / EVENTS / "felt-2019.yaml", "type: exhibition", "type: workshop")
    after = build(project)["entities_per_class"]
    assert after.get("Exhibition", 0) == before["Exhibition"] - 1
    assert after["Workshop"] == before.get("Workshop", 0) + 1


def test_a_store_written_behind_the_builds_back_is_read_again(project: Path) -> None:
    before = build(project)["entities_per_class"]
    # A Python load keeps no ledger: the store changes under it, and its stamp with it.
    edit(project / EVENTS / "felt-2019.yaml", "type: exhibition", "type: workshop")
    store = EmbeddedStore(store_dir(project))
    load(load_project(project), store)
    store.close()
    assert not trusted(project)
    edit(project / EVENTS / "felt-2019.yaml", "type: workshop", "type: forum")
    summary = build(project)
    assert counted(summary) == counted(recount(project))
    after = summary["entities_per_class"]
    assert after.get("Workshop", 0) == before.get("Workshop", 0)
    assert after.get("Forum", 0) == before.get("Forum", 0) + 1
    assert trusted(project)


@pytest.mark.parametrize("damage", [b"", b"\x00\x01garbage", b"{"])
def test_a_damaged_ledger_is_ignored(project: Path, damage: bytes) -> None:
    build(project)
    ledger_path(store_dir(project)).write_bytes(damage)
    edit(project / EVENTS / "felt-2019.yaml", "type: exhibition", "type: workshop")
    summary = build(project)
    assert summary["files_changed"] == 1
    assert counted(summary) == counted(recount(project))
    assert trusted(project)


def test_a_build_refused_for_a_bad_record_leaves_the_ledger_true(project: Path) -> None:
    build(project)
    edit(project / EVENTS / "felt-2019.yaml", "country: KG", "country: XX")
    result = run("--project", str(project), "build")
    assert result.exit_code == 2
    assert trusted(project)
    edit(project / EVENTS / "felt-2019.yaml", "country: XX", "country: KZ")
    summary = build(project)
    assert summary["files_changed"] == 1
    assert counted(summary) == counted(recount(project))


def test_a_change_that_keeps_size_and_modification_time_is_still_seen(project: Path) -> None:
    build(project)
    record = project / EVENTS / "felt-2019.yaml"
    info = record.stat()
    edit(record, "Felt carpet exhibition", "Felt carpet exhibitioN")
    os.utime(record, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert record.stat().st_size == info.st_size and record.stat().st_mtime_ns == info.st_mtime_ns
    summary = build(project)
    assert summary["files_changed"] == 1
    store = EmbeddedStore(store_dir(project), read_only=True)
    labels = {q.object.value for q in store.quads() if q.predicate.value.endswith("#label")}
    store.close()
    assert "Felt carpet exhibitioN" in labels


def test_a_file_touched_but_not_changed_is_not_rewritten(project: Path) -> None:
    build(project)
    record = project / EVENTS / "felt-2019.yaml"
    record.write_bytes(record.read_bytes())
    summary = build(project)
    assert summary["files_changed"] == 0 and summary["triples_written"] == 0


def test_checksums_of_files_just_written_are_not_remembered(tmp_path: Path, monkeypatch) -> None:
    # A write in the same clock tick as the hashing would leave size and times as they were.
    record = tmp_path / "record.yaml"
    record.write_text("key: x\n", encoding="utf-8")
    ledger = Ledger(tmp_path / "store.load")
    from culturekg.records.files import signature

    ledger.remember("data/x.yaml", signature(record.stat()), "abc")
    ledger.save(StoredGraphs({"data/x.yaml": "abc"}), Totals(1, 1, {}))
    set_ledger_stamp(ledger, "stamp")
    again = Ledger.open(tmp_path / "store.load", "stamp")
    assert again.trusted
    assert again.sha256("data/x.yaml", signature(record.stat())) is None
    # Three seconds on, the same file's checksum is kept.
    later = max(record.stat().st_mtime_ns, record.stat().st_ctime_ns) + 3_000_000_000
    monkeypatch.setattr("culturekg.ledger.time.time_ns", lambda: later)
    ledger.remember("data/x.yaml", signature(record.stat()), "abc")
    ledger.save(StoredGraphs({"data/x.yaml": "abc"}), Totals(1, 1, {}))
    assert Ledger.open(tmp_path / "store.load", None).sha256("data/x.yaml", signature(record.stat())) == "abc"


def test_a_stamp_of_another_generation_is_not_believed(tmp_path: Path) -> None:
    first = Ledger(tmp_path / "store.load")
    first.save(StoredGraphs({"a": "1"}), Totals(1, 1, {}))
    set_ledger_stamp(first, "stamp")
    second = Ledger(tmp_path / "store.load")
    second.save(StoredGraphs({"a": "2"}), Totals(2, 1, {}))
    # The second save was never stamped (a build cut short after it): the first stamp says nothing of it.
    assert not Ledger.open(tmp_path / "store.load", "stamp").trusted
    set_ledger_stamp(second, "stamp")
    assert Ledger.open(tmp_path / "store.load", "stamp").graphs.shas == {"a": "2"}
    assert not Ledger.open(tmp_path / "store.load", "other").trusted


def test_the_journal_of_small_builds_is_folded_into_the_ledger_now_and_then(project: Path, monkeypatch) -> None:
    monkeypatch.setattr("culturekg.ledger._JOURNAL_RECORDS", 2)
    build(project)
    journal = ledger_path(store_dir(project)).with_name("store.load.journal")
    sizes = []
    for number in range(5):
        edit(project / EVENTS / "felt-2019.yaml", "Felt carpet", f"Felt carpet {number}")
        summary = build(project)
        assert summary["files_changed"] == 1
        assert counted(summary) == counted(recount(project))
        sizes.append(journal.stat().st_size if journal.exists() else 0)
        edit(project / EVENTS / "felt-2019.yaml", f"Felt carpet {number}", "Felt carpet")
    # Two records, then the ledger written whole (no journal), and again.
    assert sizes[0] > 0 and sizes[1] > sizes[0] and sizes[2] == 0 and sizes[3] > 0
    assert trusted(project)


def test_a_build_that_reads_the_reference_tables_again_writes_the_ledger_whole(project: Path) -> None:
    build(project)
    journal = ledger_path(store_dir(project)).with_name("store.load.journal")
    edit(project / EVENTS / "felt-2019.yaml", "Felt carpet", "Felt carpets")
    build(project)
    assert journal.exists()
    edit(project / "data/reference/people.csv", "lidia-varbanova,", "new-expert,New Expert,Ms.,BG,unspecified,\nlidia-varbanova,")
    summary = build(project)
    assert summary["files_changed"] == 1
    assert not journal.exists() and trusted(project)
    assert counted(summary) == counted(recount(project))


def test_a_journal_record_cut_short_is_not_believed(project: Path) -> None:
    build(project)
    edit(project / EVENTS / "felt-2019.yaml", "type: exhibition", "type: workshop")
    build(project)
    journal = ledger_path(store_dir(project)).with_name("store.load.journal")
    data = journal.read_bytes()
    journal.write_bytes(data[: len(data) // 2])
    assert not trusted(project)
    edit(project / EVENTS / "felt-2019.yaml", "type: workshop", "type: forum")
    summary = build(project)
    assert counted(summary) == counted(recount(project))
    assert trusted(project) and not journal.exists()
