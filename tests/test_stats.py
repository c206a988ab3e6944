"""Counts after a build: what a load counted is what `culturekg stats` counts on the same store."""

from __future__ import annotations

import shutil
from pathlib import Path

from culturekg.loader import load
from culturekg.project import load_project
from culturekg.stats import graph_stats
from culturekg.store.embedded import EmbeddedStore

FIXTURES = Path(__file__).parent / "fixtures" / "records" / "project"


def test_build_counts_once_and_stats_agree(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES, root)
    project = load_project(root)
    store = EmbeddedStore()
    report = load(project, store)
    counted = graph_stats(store, project.base_iri)
    assert graph_stats(store, project.base_iri, report.entities) == counted
    per_class = dict(counted.entities_per_class)
    # Instances carry their ckg: superclass types; each counts under its most specific class only.
    assert "Event" not in per_class and "Agent" not in per_class
    assert per_class["Participation"] == report.entities["ckg:Participation"] > 0
    # Largest first, then by name: the order `culturekg build` prints.
    assert list(counted.entities_per_class) == sorted(counted.entities_per_class, key=lambda c: (-c[1], c[0]))
    assert not any(name.startswith(("skos:", "owl:")) for name, _ in counted.entities_per_class)
