"""records.watch: a watched look at data/ gives what a whole discover() gives, stat'ing only what changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from culturekg.records.files import discover
from culturekg.records.watch import WatchedDiscovery
from cli_helpers import copy_miniature_project

pytestmark = pytest.mark.skipif(not Path("/proc/sys/fs/inotify").is_dir(), reason="no inotify on this platform")


def _plain(found):
    files, events, problems = found
    return ([(f.rel, f.signature, str(f.sidecar)) for f in files], events.directory, events.names,
            events.signatures, [str(p) for p in problems])


@pytest.fixture
def project(tmp_path):
    root = copy_miniature_project(tmp_path)
    look = WatchedDiscovery(root)
    yield root, look
    look.close()


def _events(root: Path) -> Path:
    return root / "data" / "records" / "events"


def _same_as_discover(look: WatchedDiscovery, root: Path, *, watched: bool) -> None:
    assert _plain(look(root)) == _plain(discover(root))
    assert (look.why_whole == "") is watched, look.why_whole


def test_first_look_is_whole_and_then_unchanged_data_is_answered_from_the_watch(project):
    root, look = project
    _same_as_discover(look, root, watched=False)
    _same_as_discover(look, root, watched=True)


def test_a_changed_added_renamed_and_removed_record_are_seen_without_a_whole_look(project):
    root, look = project
    look(root)
    events = _events(root)
    first, second = sorted(events.iterdir())[:2]
    with first.open("a", encoding="utf-8") as f:
        f.write("# edited\n")
    _same_as_discover(look, root, watched=True)
    shutil.copy(second, events / "zz-new-event.yaml")
    _same_as_discover(look, root, watched=True)
    os.rename(events / "zz-new-event.yaml", events / "aa-renamed-event.yaml")
    _same_as_discover(look, root, watched=True)
    second.unlink()
    _same_as_discover(look, root, watched=True)
    assert "aa-renamed-event.yaml" in look(root)[1].names


def test_an_editors_save_through_a_hidden_file_and_a_rename_is_seen(project):
    root, look = project
    look(root)
    record = sorted(_events(root).iterdir())[0]
    hidden = record.with_name("." + record.name + ".swp")
    hidden.write_text(record.read_text(encoding="utf-8") + "# saved\n", encoding="utf-8")
    _same_as_discover(look, root, watched=True)  # the hidden file is not a record
    os.replace(hidden, record)
    _same_as_discover(look, root, watched=True)


def test_a_reference_table_a_new_folder_or_a_stray_file_take_a_whole_look(project):
    root, look = project
    look(root)
    with (root / "data" / "reference" / "cities.csv").open("a", encoding="utf-8") as f:
        f.write("\n")
    _same_as_discover(look, root, watched=False)
    assert look.why_whole.endswith("cities.csv changed")
    (_events(root) / "drafts").mkdir()
    _same_as_discover(look, root, watched=False)
    # A file in the new folder is seen: the folder was watched when it was found.
    (_events(root) / "drafts" / "x.yaml").write_text("key: x\n", encoding="utf-8")
    _same_as_discover(look, root, watched=False)
    (_events(root) / "notes.txt").write_text("not a record\n", encoding="utf-8")
    found = look(root)
    assert any("notes.txt" in str(p) for p in found[2])
    assert _plain(found) == _plain(discover(root))


def test_a_symbolic_link_among_the_records_turns_the_watch_off_until_it_is_gone(project, tmp_path):
    root, look = project
    look(root)
    outside = tmp_path / "outside.yaml"
    shutil.copy(sorted(_events(root).iterdir())[0], outside)
    link = _events(root) / "linked.yaml"
    link.symlink_to(outside)
    _same_as_discover(look, root, watched=False)
    # The link's target changes without an event under data/: only a whole look sees it.
    with outside.open("a", encoding="utf-8") as f:
        f.write("# changed outside\n")
    _same_as_discover(look, root, watched=False)
    assert "symbolic links" in look.why_whole
    # A folder made while the watch stood aside is watched once it is back.
    (root / "data" / "records" / "drafts").mkdir()
    _same_as_discover(look, root, watched=False)
    link.unlink()
    _same_as_discover(look, root, watched=False)
    _same_as_discover(look, root, watched=True)
    (root / "data" / "records" / "drafts" / "note.yaml").write_text("key: note\n", encoding="utf-8")
    _same_as_discover(look, root, watched=False)


def test_a_lost_event_queue_takes_a_whole_look(project):
    root, look = project
    look(root)
    look.watch.pending.whole = "the watch's event queue overflowed"  # as an IN_Q_OVERFLOW event sets it
    with (sorted(_events(root).iterdir())[0]).open("a", encoding="utf-8") as f:
        f.write("# edited\n")
    _same_as_discover(look, root, watched=False)
    assert look.why_whole == "the watch's event queue overflowed"


def test_another_project_is_looked_at_whole(project, tmp_path):
    root, look = project
    other = copy_miniature_project(tmp_path / "other")
    assert _plain(look(other)) == _plain(discover(other))


def test_the_paths_and_keys_carried_over_are_those_of_the_names(project):
    root, look = project
    events = _events(root)
    look(root)
    first = look(root)[1]
    assert "rels" in first.__dict__ and "keys" in first.__dict__
    source = sorted(events.iterdir())[0]
    shutil.copy(source, events / "0-first.yaml")
    shutil.copy(source, events / "zz-last.yaml")
    source.unlink()
    found = look(root)[1]
    assert look.why_whole == ""
    assert found.__dict__["rels"] == [f"data/records/events/{name}" for name in found.names]
    assert found.__dict__["keys"] == [name.rsplit(".", 1)[0] for name in found.names]
    assert found.names == discover(root)[1].names
