"""Project settings and the mistakes around them: misspelt settings, a store built under another base
IRI, a project's own stored queries beside the shipped ones, a folder without records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import RECORD_FIXTURES, copy_miniature_project, run

from culturekg.errors import ConfigError
from culturekg.project import load_project

FIXTURES = RECORD_FIXTURES


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_miniature_project(tmp_path)


def test_a_misspelt_setting_is_refused_with_a_suggestion(project: Path) -> None:
    (project / "culturekg.toml").write_text('base-iri = "https://example.org/kg/"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_project(project)
    message = str(caught.value)
    assert "culturekg.toml" in message and "'base-iri'" in message and "did you mean 'base_iri'" in message


def test_settings_are_read(project: Path) -> None:
    (project / "culturekg.toml").write_text('base_iri = "https://example.org/kg/"\nstore = "st"\n', encoding="utf-8")
    settings = load_project(project)
    assert settings.base_iri == "https://example.org/kg/"
    assert settings.default_store_path == project / "st"


def test_a_store_built_under_another_base_iri_is_refused_untouched(project: Path) -> None:
    assert run("--project", str(project), "build", "--no-validate").exit_code == 0
    before = json.loads(run("--project", str(project), "stats", "--json").stdout)

    result = run("--project", str(project), "--base-iri", "https://example.org/kg/", "build")
    assert result.exit_code == 2
    assert "not under the base IRI https://example.org/kg/" in result.stderr
    assert "https://w3id.org/culturekg/" in result.stderr

    after = json.loads(run("--project", str(project), "stats", "--json").stdout)
    assert after == before


def test_reading_a_missing_store_says_to_build_first(project: Path) -> None:
    result = run("--project", str(project), "stats")
    assert result.exit_code == 2
    assert "run `culturekg build` first" in result.stderr
    assert not (project / ".culturekg").exists()


def test_build_without_records_leaves_nothing_behind(tmp_path: Path) -> None:
    result = run("--project", str(tmp_path), "build")
    assert result.exit_code == 2
    assert "no data/ folder" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_own_queries_come_beside_the_shipped_checks(project: Path) -> None:
    own = project / "queries"
    own.mkdir()
    (own / "my-events.rq").write_text(
        "# title: My events\n"
        "# question: Which events are there?\n"
        "# keywords: events\n"
        "PREFIX ckg: <https://w3id.org/culturekg/ontology#>\n"
        "SELECT ?event WHERE { ?event a ckg:Event }\n",
        encoding="utf-8",
    )
    listing = run("--project", str(project), "query", "list")
    assert listing.exit_code == 0, listing.output
    assert "my-events" in listing.stdout
    assert "facilitator-not-person-violation" in listing.stdout

    assert run("--project", str(project), "build", "--no-validate").exit_code == 0
    check = run("--project", str(project), "query", "check")
    assert check.exit_code == 0, check.output
    assert "0 check(s)" not in check.stdout


def test_a_closed_pipe_is_not_reported_as_violations(project: Path) -> None:
    assert run("--project", str(project), "build", "--no-validate").exit_code == 0
    command = [sys.executable, "-c", "from culturekg.cli import main; main()", "--project", str(project), "query", "list"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    process.stdout.close()
    status = process.wait()
    # Killed by SIGPIPE (-13 from Popen), or done before it noticed: never 1, which means "violations".
    assert status in (0, -13), status
