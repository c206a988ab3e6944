"""The benchmark's validate phase also measures the incremental validation after one changed event
record, beside the full one, without changing the cached project or what the store holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
from cli_helpers import generated_project

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from measure.pairing import measures  # noqa: E402


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _phase(name: str, project: Path, work: Path, results: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "phase.py"), name, "--project", str(project),
                           "--work", str(work), "--results", str(results)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_validate_phase_times_the_incremental_step_and_leaves_everything_as_it_was(tmp_path: Path) -> None:
    project = generated_project(tmp_path, 20, seed=3)
    work, results = project / ".bench", tmp_path / "steps.jsonl"
    _phase("build", project, work, results)
    before_files = _files(project / "data")
    store = ox.Store.read_only(str(work / "store-culturekg"))
    before_quads = set(store)
    del store

    _phase("validate", project, work, results)
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    steps = {(line["step"], line["engine"]): line for line in lines}
    full = steps[("validate", "culturekg-fast")]
    incremental = steps[("validate-incremental", "culturekg-incremental")]
    assert incremental["record"] == "data/records/events/syn-event-000001.yaml" and incremental["files_changed"] == 1
    assert 0 < incremental["revalidated"] and incremental["results"] == full["results"]
    assert steps[("validate-incremental", "culturekg-fast-full")]["seconds"] == full["seconds"]
    (measure,) = [m for m in measures(lines, events=20, triples=None) if m["step"] == "validate-incremental"]
    assert measure["baseline"] == "culturekg-fast-full" and measure["revalidated"] == incremental["revalidated"]
    assert measure["ratio"] == round(incremental["seconds"] / full["seconds"], 4)

    # The whole build after the change, in this process and as the command, beside the first build.
    rebuild = steps[("rebuild-one-change", "culturekg-build")]
    assert rebuild["files_changed"] == 1 and rebuild["revalidated"] == incremental["revalidated"]
    assert rebuild["seconds"] >= rebuild["load_seconds"] + rebuild["validate_seconds"] - 1e-3
    assert rebuild["validate_seconds"] == round(incremental["seconds"], 4)
    cli = steps[("rebuild-one-change-cli", "culturekg-cli")]
    assert cli["seconds"] is not None and cli["files_changed"] == 1, cli
    daemon = steps[("rebuild-one-change-daemon", "culturekg-cli-daemon")]
    assert daemon["seconds"] is not None and len(daemon["samples"]) == 3, daemon
    assert daemon["seconds"] == sorted(daemon["samples"])[1]
    first = steps[("build", "culturekg")]["seconds"]
    for step in ("rebuild-one-change", "rebuild-one-change-cli", "rebuild-one-change-daemon"):
        (paired,) = [m for m in measures(lines, events=20, triples=None) if m["step"] == step]
        assert paired["baseline"] == "culturekg-first-build" and paired["baseline_seconds"] == first

    assert _files(project / "data") == before_files
    store = ox.Store.read_only(str(work / "store-culturekg"))
    assert set(store) == before_quads
    assert not (work / "project-one-changed").exists()
    assert not list(work.glob("store-culturekg.*")), list(work.glob("store-culturekg.*"))


def test_the_changed_record_gets_another_title_in_either_form(tmp_path: Path) -> None:
    from measure.validate_incremental import _change

    events = tmp_path / "data" / "records" / "events"
    events.mkdir(parents=True)
    for title in ("A workshop", {"en": "A workshop", "fr": "Un atelier"}):
        record = events / "a.yaml"
        record.write_text(json.dumps({"key": "a", "title": title}), encoding="utf-8")
        _change(tmp_path, "changed once")
        _change(tmp_path, "changed twice")
        import yaml

        changed = yaml.safe_load(record.read_text(encoding="utf-8"))["title"]
        if isinstance(title, dict):
            assert changed == {"en": "A workshop (changed twice)", "fr": "Un atelier"}
        else:
            assert changed == "A workshop (changed twice)"
