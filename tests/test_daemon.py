"""The build daemon: `culturekg daemon start|status|stop`, and `culturekg build` handing it the build."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from culturekg.commands.build import BuildOptions
from culturekg.daemon import state_file
from culturekg.daemon.client import Unreachable, alive, ask, read_state, wait_ended
from cli_helpers import copy_miniature_project


def culturekg(root: Path, *args: str, check: bool = True, columns: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": str(columns)} if columns else None
    done = subprocess.run([sys.executable, "-c", "from culturekg.cli import main; main()", "-C", str(root), *args],
                          capture_output=True, text=True, timeout=300, env=env)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def _builds(root: Path) -> int:
    line = culturekg(root, "daemon", "status").stdout
    return int(re.search(r": (\d+) builds?, ", line).group(1))


@pytest.fixture
def daemon(tmp_path):
    root = copy_miniature_project(tmp_path)
    culturekg(root, "build")
    started = culturekg(root, "daemon", "start", "--idle-minutes", "10")
    assert "watching data/ with inotify" in started.stdout or "no inotify" in started.stdout
    info = read_state(root / ".culturekg" / "store")
    assert info is not None and alive(info["pid"])
    try:
        yield root, info
    finally:
        culturekg(root, "daemon", "stop", check=False)
        if alive(info["pid"]):
            os.kill(info["pid"], signal.SIGKILL)


def _record(root: Path) -> Path:
    return sorted((root / "data" / "records" / "events").glob("*.yaml"))[0]


def test_build_is_done_by_the_daemon_with_the_answer_of_a_build_in_process(daemon, tmp_path):
    root, info = daemon
    twin = copy_miniature_project(tmp_path / "twin")
    culturekg(twin, "build")
    for project in (root, twin):
        with _record(project).open("a", encoding="utf-8") as f:
            f.write("# edited\n")
    by_daemon = json.loads(culturekg(root, "build", "--json").stdout)
    in_process = json.loads(culturekg(twin, "build", "--json", "--no-daemon").stdout)
    assert _builds(root) == 1
    assert by_daemon["files_changed"] == in_process["files_changed"] == 1
    for key in ("triples", "named_graphs", "entities_per_class", "validation", "triples_written", "files_unchanged"):
        assert by_daemon[key] == in_process[key], key
    # Unchanged since: the daemon writes nothing.
    assert json.loads(culturekg(root, "build", "--json").stdout)["triples_written"] == 0
    assert _builds(root) == 2


def test_a_bad_record_is_refused_through_the_daemon_and_nothing_is_lost(daemon):
    root, _ = daemon
    before = json.loads(culturekg(root, "stats", "--json").stdout)
    record = _record(root)
    record.write_text(record.read_text(encoding="utf-8").replace("key:", "kye:", 1), encoding="utf-8")
    done = culturekg(root, "build", check=False)
    assert done.returncode == 2
    assert record.name in done.stderr and "No change was written" in done.stderr
    assert json.loads(culturekg(root, "stats", "--json").stdout)["triples"] == before["triples"]
    assert _builds(root) == 1


def test_no_daemon_builds_in_process_and_the_daemon_sees_it_after(daemon):
    root, _ = daemon
    with _record(root).open("a", encoding="utf-8") as f:
        f.write("# edited\n")
    assert json.loads(culturekg(root, "build", "--json", "--no-daemon").stdout)["files_changed"] == 1
    assert _builds(root) == 0
    # The daemon's watch saw the edit too; the store already has it, so nothing is written.
    assert json.loads(culturekg(root, "build", "--json").stdout)["triples_written"] == 0
    assert _builds(root) == 1


def test_requests_without_the_token_or_for_another_store_are_refused(daemon, tmp_path):
    root, info = daemon
    assert ask({**info, "token": "guess"}, {"op": "status"}, timeout=10) == {"refused": "wrong or missing token"}
    other = {"op": "build", "project": str(root), "store": str(tmp_path / "elsewhere"), "base_iri": "https://w3id.org/culturekg/",
             "options": asdict(BuildOptions())}
    assert "this daemon builds" in ask(info, other, timeout=60)["refused"]
    assert not (tmp_path / "elsewhere").exists()


def test_stop_ends_the_process_and_removes_its_state(daemon):
    root, info = daemon
    assert "Stopped the build daemon" in culturekg(root, "daemon", "stop").stdout
    assert not alive(info["pid"])
    assert not state_file(root / ".culturekg" / "store").exists()
    done = culturekg(root, "daemon", "status", check=False)
    assert done.returncode == 1 and "No build daemon runs" in done.stdout
    with pytest.raises(Unreachable):
        ask(info, {"op": "status"}, timeout=5)


def test_a_daemon_that_is_gone_leaves_builds_to_the_command(daemon):
    root, info = daemon
    os.kill(info["pid"], signal.SIGKILL)
    wait_ended(info["pid"], 15)
    with _record(root).open("a", encoding="utf-8") as f:
        f.write("# edited\n")
    done = culturekg(root, "build", "--json")
    assert json.loads(done.stdout)["files_changed"] == 1
    assert f"the build daemon (pid {info['pid']})" in done.stderr and "building in this process" in done.stderr
    assert not state_file(root / ".culturekg" / "store").exists()


def test_start_when_one_runs_starts_no_second(daemon):
    root, info = daemon
    again = culturekg(root, "daemon", "start")
    assert f"pid {info['pid']}" in again.stdout
    assert read_state(root / ".culturekg" / "store")["pid"] == info["pid"]


def test_a_terminated_daemon_removes_its_state_file(daemon):
    root, info = daemon
    os.kill(info["pid"], signal.SIGTERM)
    wait_ended(info["pid"], 15)
    assert not alive(info["pid"])
    assert not state_file(root / ".culturekg" / "store").exists()


def test_violations_and_the_printed_counts_through_the_daemon_are_those_of_a_build_in_process(daemon, tmp_path):
    root, _ = daemon
    twin = copy_miniature_project(tmp_path / "twin")
    culturekg(twin, "build")
    # The record format lets a convention omit its adoption date; the shapes do not. A reference
    # table changed: the daemon's watch hands it a whole look at data/.
    for project in (root, twin):
        conventions = project / "data" / "reference" / "conventions.yaml"
        conventions.write_text(conventions.read_text(encoding="utf-8").replace("    adoption_date: 2003-10-17\n", ""),
                               encoding="utf-8")
    # Wide enough that the two projects' paths do not wrap the lines at different places.
    by_daemon = culturekg(root, "build", check=False, columns=400)
    in_process = culturekg(twin, "build", "--no-daemon", check=False, columns=400)
    assert by_daemon.returncode == in_process.returncode == 1
    assert "1 violations" in by_daemon.stdout
    assert by_daemon.stdout.replace(str(root), "ROOT") == in_process.stdout.replace(str(twin), "ROOT")
    assert _builds(root) == 1


def test_an_idle_daemon_stops_by_itself(tmp_path):
    root = copy_miniature_project(tmp_path)
    culturekg(root, "daemon", "start", "--idle-minutes", "0.02")
    info = read_state(root / ".culturekg" / "store")
    assert info is not None
    try:
        wait_ended(info["pid"], 15)
        assert not alive(info["pid"])
        assert not state_file(root / ".culturekg" / "store").exists()
        assert "no request for 1 s: stopping" in (root / ".culturekg" / "store.daemon.log").read_text(encoding="utf-8")
    finally:
        if alive(info["pid"]):
            os.kill(info["pid"], signal.SIGKILL)
