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
