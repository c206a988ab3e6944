"""bench/first_load.py times a first push against export, the server's own loader and the push after,
each on a fresh server, and refuses a bulk path that leaves the push something to write."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import generated_project

from culturekg.loader import load
from culturekg.project import load_project
from culturekg.store import EmbeddedStore

pytestmark = pytest.mark.servers

REPO = Path(__file__).resolve().parents[1]


def first_load(project: Path, server: str, work: Path) -> tuple[subprocess.CompletedProcess, Path]:
    figures = work / "figures.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "first_load.py"), "--project", str(project), "--server", server,
         "--work", str(work), "--json", str(figures)],
        capture_output=True, text=True, timeout=600,
    )
    return done, figures


@pytest.mark.parametrize("server", ["oxigraph", "virtuoso"])
def test_both_ways_of_a_first_load_are_timed_and_the_push_after_the_loader_is_empty(server, tmp_path):
    root = generated_project(tmp_path, 12, seed=5)
    project = load_project(root)
    store = EmbeddedStore(project.default_store_path)
    load(project, store)
    graphs = len(store.named_graphs())
    store.close()

    done, figures_file = first_load(root, server, tmp_path / "work")
    assert done.returncode == 0, done.stderr
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert figures["push"]["written"] == graphs > 12
    assert figures["push"]["triples"] > 1000
    assert figures["push_after"] == {"written": 0, "triples": 0, "dropped": 0, "unchanged": graphs}
    assert figures["bulk_s"] == pytest.approx(figures["export_s"] + figures["load_s"] + figures["push_after_s"])
    assert figures["ratio"] == pytest.approx(figures["bulk_s"] / figures["push_s"])
    assert f"ratio {figures['ratio']:.3f} (against the push)" in done.stdout


def test_a_project_that_is_not_built_is_an_error(tmp_path):
    root = generated_project(tmp_path, 2, seed=5)
    done, _ = first_load(root, "oxigraph", tmp_path / "work")
    assert done.returncode != 0
    assert "push ...: exit 2" in done.stderr and "culturekg build" in done.stderr
