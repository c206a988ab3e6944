"""A stored query that relies on what the loader derives from the ontology (superclass types, property
chain links) warns when the store was built with an ontology that does not derive it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import copy_miniature_project, run
from culturekg.loader import load
from culturekg.project import load_project, shipped_ontology_file
from culturekg.sparql import mentioned_iris
from culturekg.store import EmbeddedStore

CKG = "https://w3id.org/culturekg/ontology#"
CHAIN = "    owl:propertyChainAxiom ( [ owl:inverseOf ckg:event ] ckg:agent ckg:sector ) ;\n"
FACILITATOR_FORM = "    ckg:unqualifiedForm ckg:facilitator .\n"
IN_REGION_TRANSITIVE = "    a owl:ObjectProperty , owl:TransitiveProperty ;\n    rdfs:subPropertyOf schema:containedInPlace ;\n"
WORKSHOP_IS_EVENT = "    rdfs:subClassOf ckg:Event , schema:EducationEvent ;\n"
# The miniature project's one stakeholder group took part in an event in Central Asia: Europe misses its
# sector, which only the chain's links tell.
REGION = "m49-150"


def test_mentioned_iris_expands_prefixes_and_skips_comments_and_strings():
    text = (
        "PREFIX ckg: <https://w3id.org/culturekg/ontology#>\n"
        "PREFIX : <http://example.org/>\n"
        "# ckg:inComment is not asked for\n"
        "SELECT ?x WHERE { ?x a ckg:Event ; ckg:label \"ckg:inString # not a comment\" ; :own ?y .\n"
        "  ?y <http://example.org/full> ?z ; undeclared:thing ?w ; ckg:last.\n"
        "  FILTER(?z < ?w) }\n"
    )
    assert mentioned_iris(text) == frozenset({
        CKG + "Event", CKG + "label", "http://example.org/own", "http://example.org/full", CKG + "last",
    })


def _own_ontology(root: Path, text: str) -> None:
    (root / "ontology").mkdir(exist_ok=True)
    (root / "ontology" / "culturekg.ttl").write_text(text, encoding="utf-8")


def _built(root: Path) -> Path:
    path = root / ".culturekg" / "store"
    store = EmbeddedStore(path)
    load(load_project(root), store)
    store.close()
    return path


def _query(root: Path, *args: str):
    return run("--project", str(root), "query", "run", *args)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_miniature_project(tmp_path)


def test_a_store_built_without_the_chain_warns_a_query_that_follows_it(root):
    shipped = shipped_ontology_file().read_text(encoding="utf-8")
    assert CHAIN in shipped
    _own_ontology(root, shipped.replace(CHAIN, ""))
    _built(root)
    result = _query(root, "region-missing-sectors", "--param", f"region={REGION}", "--format", "csv")
    assert result.exit_code == 0, result.output
    warning = result.stderr
    assert "warning: query region-missing-sectors: it follows ckg:participatingSector" in warning
    assert "( [ owl:inverseOf ckg:event ] ckg:agent ckg:sector )" in warning
    assert f"This project builds with its own {root / 'ontology' / 'culturekg.ttl'}" in warning
    # The warning is right: without the links the query cannot see the event's sector.
    missing_without = {line.split(",")[0] for line in result.stdout.splitlines()[1:]}
    (root / "ontology" / "culturekg.ttl").unlink()
    _built(root)
    result = _query(root, "region-missing-sectors", "--param", f"region={REGION}", "--format", "csv")
    assert result.exit_code == 0 and result.stderr == ""
    missing_with = {line.split(",")[0] for line in result.stdout.splitlines()[1:]}
    assert missing_without == set()
    assert missing_with == {"https://w3id.org/culturekg/id/sector/ministry-of-culture"}


def test_a_store_built_without_a_roles_unqualified_form_warns_a_query_that_follows_it(root):
    shipped = shipped_ontology_file().read_text(encoding="utf-8")
    assert FACILITATOR_FORM in shipped
    # The statement ends the role's description: without it, the one before ends it.
    _own_ontology(root, shipped.replace(" ;\n" + FACILITATOR_FORM, " .\n"))
    _built(root)
    result = _query(root, "facilitators-in-several-countries", "--param", "minCountries=1", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert ("warning: query facilitators-in-several-countries: it follows ckg:facilitator, which "
            f"{shipped_ontology_file()} derives from each participation with the role ckgr:facilitator") in result.stderr
    without = result.stdout.splitlines()[1:]
    (root / "ontology" / "culturekg.ttl").unlink()
    _built(root)
    result = _query(root, "facilitators-in-several-countries", "--param", "minCountries=1", "--format", "csv")
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert without == [] and len(result.stdout.splitlines()[1:]) >= 2


def test_a_store_built_without_a_transitive_property_warns_a_query_that_follows_it(root):
    shipped = shipped_ontology_file().read_text(encoding="utf-8")
    assert IN_REGION_TRANSITIVE in shipped
    _own_ontology(root, shipped.replace(IN_REGION_TRANSITIVE, IN_REGION_TRANSITIVE.replace(" , owl:TransitiveProperty", "")))
    _built(root)
    result = _query(root, "region-missing-sectors", "--param", f"region={REGION}", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert ("warning: query region-missing-sectors: it follows ckg:inRegion, which "
            f"{shipped_ontology_file()} declares owl:TransitiveProperty") in result.stderr
    (root / "ontology" / "culturekg.ttl").unlink()
    _built(root)
    result = _query(root, "region-missing-sectors", "--param", f"region={REGION}", "--format", "csv")
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_a_store_built_without_a_subclass_axiom_warns_a_query_asking_for_the_superclass(root):
    shipped = shipped_ontology_file().read_text(encoding="utf-8")
    assert WORKSHOP_IS_EVENT in shipped
    _own_ontology(root, shipped.replace(WORKSHOP_IS_EVENT, "    rdfs:subClassOf schema:EducationEvent ;\n"))
    _built(root)
    result = _query(root, "events-per-convention-year-country", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert ("it asks for ckg:Event, which " + str(shipped_ontology_file()) +
            " makes a type of every ckg:MasterClass, ckg:TrainingOfTrainers, ckg:TrainingWorkshop, ckg:Workshop and") in result.stderr
    # A query that names no such term says nothing.
    quiet = _query(root, "co-organizers", "--param", "org=unesco-almaty")
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == ""


def test_the_shipped_ontology_or_the_same_copy_gives_no_warning(root):
    _built(root)
    for args in [("region-missing-sectors", "--param", f"region={REGION}"), ("events-per-convention-year-country",)]:
        result = _query(root, *args)
        assert result.exit_code == 0 and result.stderr == "", result.output
    _own_ontology(root, shipped_ontology_file().read_text(encoding="utf-8") + "\n# the same axioms, other bytes\n")
    _built(root)
    result = _query(root, "region-missing-sectors", "--param", f"region={REGION}")
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_a_projects_own_query_is_checked_against_its_own_ontology_until_the_store_is_built_again(root):
    shipped = shipped_ontology_file().read_text(encoding="utf-8")
    _own_ontology(root, shipped)
    (root / "queries").mkdir()
    (root / "queries" / "event-agents.rq").write_text(
        "# title: Who took part in each event\n"
        "# question: Which people, organizations, groups and countries took part in each event?\n"
        "# keywords: participant\n"
        "PREFIX ckg: <https://w3id.org/culturekg/ontology#>\n"
        "SELECT ?event ?agent WHERE { ?event ckg:participatingAgent ?agent }\n"
        "ORDER BY ?event ?agent\n", encoding="utf-8")
    _built(root)
    assert _query(root, "event-agents").stderr == ""
    chain = ("ckg:participatingAgent a owl:ObjectProperty ;\n"
             "    owl:propertyChainAxiom ( [ owl:inverseOf ckg:event ] ckg:agent ) .\n")
    _own_ontology(root, shipped + "\n" + chain)
    stale = _query(root, "event-agents", "--format", "csv")
    assert stale.exit_code == 0, stale.output
    assert "it follows ckg:participatingAgent" in stale.stderr
    assert "`culturekg build` writes what it derives (the store was built before this ontology)" in stale.stderr
    assert stale.stdout.splitlines()[1:] == []
    _built(root)
    fresh = _query(root, "event-agents", "--format", "csv")
    assert fresh.stderr == "" and len(fresh.stdout.splitlines()) > 1, fresh.output


def test_a_store_that_records_no_ontology_is_not_compared(tmp_path):
    """Graphs loaded by other means (the query fixtures, an endpoint filled by another tool)."""
    from query_fixtures import load_fixture

    (tmp_path / "data").mkdir()
    path = tmp_path / "store"
    load_fixture("culture.trig", EmbeddedStore(path)).close()
    result = run("--project", str(tmp_path), "--store", str(path), "query", "run", "events-per-convention-year-country")
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_the_servers_stored_query_page_shows_the_same_warning(root):
    import urllib.request
    from urllib.parse import urlencode

    from culturekg.serve.app import Server, Site

    _own_ontology(root, shipped_ontology_file().read_text(encoding="utf-8").replace(CHAIN, ""))
    store = _built(root)
    server = Server(Site(load_project(root), store, timeout=10.0, workers=1), port=0).start()
    try:
        def page(name: str, **params: str) -> str:
            query = urlencode({"stored": name, "run": "1", **{f"p.{k}": v for k, v in params.items()}})
            request = urllib.request.Request(f"{server.url}/sparql?{query}", headers={"Accept": "text/html"})
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.read().decode("utf-8")

        warned = page("region-missing-sectors", region=REGION)
        assert "Warning: query region-missing-sectors: it follows ckg:participatingSector" in warned
        assert 'id="results"' in warned
        assert "Warning:" not in page("co-organizers", org="unesco-almaty")
    finally:
        server.stop()


def test_an_ontology_no_build_accepts_does_not_stop_the_query(root):
    """The project's own copy of a query is checked against the project's ontology, edited into a chain
    the loader refuses after the store was built: the query runs, unwarned."""
    (root / "queries").mkdir()
    shipped_query = shipped_ontology_file().parent.parent / "queries" / "region-missing-sectors.rq"
    (root / "queries" / "region-missing-sectors.rq").write_text(shipped_query.read_text(encoding="utf-8"), encoding="utf-8")
    _own_ontology(root, shipped_ontology_file().read_text(encoding="utf-8"))
    _built(root)
    _own_ontology(root, shipped_ontology_file().read_text(encoding="utf-8") +
                  "\nckg:bad owl:propertyChainAxiom ( <http://example.org/elsewhere> ckg:agent ) .\n")
    result = _query(root, "region-missing-sectors", "--param", f"region={REGION}", "--format", "csv")
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert result.stdout.splitlines()[1:] == ["https://w3id.org/culturekg/id/sector/ministry-of-culture,ministries of culture,1"]
