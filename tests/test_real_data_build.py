"""The README's first command on the records shipped in data/: the graph builds with zero violations,
the stored data checks find nothing, and the newcomer's query answers with real rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from culturekg.cli import app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("real") / "project"
    shutil.copytree(ROOT / "data", root / "data")
    return root


def run(project: Path, *args: str):
    return CliRunner().invoke(app, ["--project", str(project), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(project: Path) -> dict:
    result = run(project, "build", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_real_records_build_with_zero_violations(built: dict) -> None:
    assert built["validation"]["violations"] == 0
    events = list((ROOT / "data" / "records" / "events").glob("*.y*ml"))
    assert built["records"] == len(events) >= 7
    per_class = built["entities_per_class"]
    # Every country of ISO 3166 is in the reference data, and the two States Parties tables are loaded.
    assert per_class["Country"] >= 249
    assert per_class["Membership"] >= 189 + 43


def test_real_records_pass_the_data_checks(project: Path, built: dict) -> None:
    result = run(project, "query", "check")
    assert result.exit_code == 0, result.output


def test_readme_query_answers_with_rows(project: Path, built: dict) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_command = next(line for line in readme.splitlines() if "culturekg build" in line)
    name = first_command.split("culturekg query run", 1)[1].split()[0]
    result = run(project, "query", "run", name, "--format", "json")
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert bindings, "the README's query returned no rows on the shipped records"
    conventions = {b["convention"]["value"].rsplit("/", 1)[-1] for b in bindings if "convention" in b}
    assert {"c2003", "c2005"} <= conventions
