"""`culturekg query list|show|run|check` on a store built from the fixture graphs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from culturekg.cli import app
from culturekg.store import EmbeddedStore
from query_fixtures import load_fixture

BASE = "https://w3id.org/culturekg/"


def make_store(directory: Path, fixture: str) -> Path:
    path = directory / f"store-{fixture}"
    store = load_fixture(fixture, EmbeddedStore(path))
    store.close()
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    (root / "data").mkdir()
    return root, make_store(root, "culture.trig"), make_store(root, "violations.trig")


def invoke(project_root: Path, store: Path, *args: str):
    return CliRunner().invoke(app, ["--project", str(project_root), "--store", str(store), "query", *args])


def test_list_names_titles_and_parameters(project):
    root, culture, _ = project
    result = invoke(root, culture, "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "facilitators-in-several-countries\tExperts who facilitated in more than one country\t[minCountries=2]" in lines
    assert "target-party-status\tWere an event's target countries parties to its convention?\tevent" in lines


def test_show_prints_question_parameters_and_text(project):
    root, culture, _ = project
    result = invoke(root, culture, "show", "events-in-period")
    assert result.exit_code == 0, result.output
    assert "param from (xsd:date, required): first day of the period" in result.output
    assert "FILTER(?from <= ?day && ?day <= ?to)" in result.output


def test_run_prints_json_results(project):
    root, culture, _ = project
    result = invoke(root, culture, "run", "target-party-status", "--param", "event=almaty-2017-training", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    assert [(r["country"]["value"].rsplit("/", 1)[1], r["status"]["value"]) for r in rows] == [
        ("KG", "party"), ("KZ", "not a party"), ("TJ", "not yet party"), ("UZ", "unknown"),
    ]


def test_run_prints_csv_and_markdown(project):
    root, culture, _ = project
    csv_out = invoke(root, culture, "run", "events-without-convention", "-f", "csv").output
    assert csv_out.splitlines() == [
        "event,eventLabel,startDate,country",
        f"{BASE}id/event/aktau-2016-cdis,Training workshop on Culture for Development Indicators,2016-10-19,{BASE}id/country/KZ",
    ]
    markdown = invoke(root, culture, "run", "co-organizers", "-p", "org=ministry-kz", "-f", "markdown").output
    assert markdown.splitlines()[2] == "| id:org/unesco-almaty | UNESCO Almaty Cluster Office | 2 |"


def test_run_refuses_bad_parameters(project):
    root, culture, _ = project
    result = invoke(root, culture, "run", "events-in-period", "-p", "from=2017-01-01")
    # Reported as one line with exit status 2, not as a traceback.
    assert result.exit_code == 2
    assert "parameter 'to' (xsd:date) is required" in result.stderr
    result = invoke(root, culture, "run", "topics-per-year", "-f", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of table, csv, json, markdown" in result.output


def test_check_passes_on_clean_data_and_fails_on_violations(project):
    root, culture, violations = project
    clean = invoke(root, culture, "check")
    assert clean.exit_code == 0, clean.output
    assert "4 check(s), 0 with violations" in clean.output
    dirty = invoke(root, violations, "check")
    assert dirty.exit_code == 1
    assert "FAIL facilitator-not-person-violation: 2 row(s)" in dirty.output
    assert "FAIL membership-dates-violation: 2 row(s)" in dirty.output
    assert "4 check(s), 4 with violations" in dirty.output


def test_errors_exit_with_status_2_and_a_message(project):
    root, culture, _ = project
    command = [sys.executable, "-m", "culturekg.cli", "--project", str(root), "--store", str(culture),
               "query", "run", "facilitators-in-several-countries", "-p", "minCountries=lots"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "error: query facilitators-in-several-countries: parameter 'minCountries' (xsd:integer): 'lots' is not an integer" in done.stderr


def test_missing_store_says_how_to_make_one(tmp_path):
    (tmp_path / "data").mkdir()
    result = CliRunner().invoke(app, ["--project", str(tmp_path), "query", "run", "topics-per-year"])
    assert result.exit_code == 2
    assert "no store here yet; run `culturekg build` first" in result.stderr
