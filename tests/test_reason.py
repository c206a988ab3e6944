"""reason(): HermiT through owlready2 over the ontology and data, and the `reason` command."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib import namespace
from rdflib.namespace import OWL, RDF, RDFS
from typer.testing import CliRunner

from culturekg.cli import app
from culturekg.loader import load
from culturekg.project import load_project
from culturekg.inconsistency import explain_inconsistency, smallest_inconsistent
from culturekg.reason import ReasoningUnavailable, reason, relevant_triples
from culturekg.store import EmbeddedStore
from culturekg.store.base import GraphChange

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "culturekg.ttl"
CKG = Namespace("https://w3id.org/culturekg/ontology#")
ROLE = Namespace("https://w3id.org/culturekg/ontology/role/")
EX = Namespace("https://example.org/")


def _graph(*triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def _workshop() -> Graph:
    """An event organised by a country, facilitated by a person: every assertion fits the ontology."""
    return _graph(
        (EX.event, RDF.type, CKG.TrainingWorkshop),
        (EX.event, RDFS.label, Literal("Workshop", lang="en")),
        (EX.event, CKG.startDate, Literal("2017-07-24", datatype=namespace.XSD.date)),
        (EX.event, CKG.online, Literal(False)),
        (EX.event, CKG.country, EX.KZ),
        (EX.KZ, RDF.type, CKG.Country),
        (EX.KZ, CKG.iso2, Literal("KZ")),
        (EX.p1, RDF.type, CKG.Participation),
        (EX.p1, CKG.event, EX.event),
        (EX.p1, CKG.agent, EX.KZ),
        (EX.p1, CKG.role, ROLE.organizer),
        (EX.p2, CKG.event, EX.event),
        (EX.p2, CKG.agent, EX.expert),
        (EX.p2, CKG.role, ROLE.facilitator),
        (EX.expert, RDF.type, CKG.Person),
    )


@pytest.fixture
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def test_only_usable_triples_reach_the_reasoner(ontology: Graph):
    data = _workshop()
    data.add((EX.event, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")))  # class the ontology does not declare
    kept = set(relevant_triples(ontology, data))
    assert _ox_triple((EX.event, RDF.type, CKG.TrainingWorkshop)) in kept
    assert _ox_triple((EX.p1, CKG.role, ROLE.organizer)) in kept
    assert _ox_triple((EX.KZ, CKG.iso2, Literal("KZ"))) in kept
    assert _ox_triple((EX.event, CKG.online, Literal(False))) in kept
    assert _ox_triple((EX.event, RDFS.label, Literal("Workshop", lang="en"))) not in kept
    assert _ox_triple((EX.event, CKG.startDate, Literal("2017-07-24", datatype=namespace.XSD.date))) not in kept
    assert _ox_triple((EX.event, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset"))) not in kept
    assert len(kept) == len(data) - 3


def _ox_triple(triple) -> ox.Triple:
    s, p, o = triple
    return ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), _to_ox(o))


def test_java_missing_is_a_clear_error(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReasoningUnavailable, match="Java was not found on PATH"):
        reason(ONTOLOGY, _workshop())


@pytest.mark.java
def test_consistent_data_from_pyoxigraph_quads():
    graph = ox.NamedNode("https://example.org/graph")
    quads = [ox.Quad(*_ox_triple(t), graph) for t in _workshop()]
    report = reason(ONTOLOGY, quads)
    assert report.consistent, report.lines()
    assert report.unsatisfiable == ()
    assert report.triples_given == 15 and report.triples_used == 13


@pytest.mark.java
def test_disjoint_classes_make_it_inconsistent_and_are_explained():
    data = _workshop()
    data.add((EX.expert, RDF.type, CKG.Ministry))
    report = reason(ONTOLOGY, data)
    assert not report.consistent
    assert any("https://example.org/expert" in line and "person" in line and "organization" in line
               for line in report.explanation), report.explanation
    assert any("INCONSISTENT" in line for line in report.lines())


@pytest.mark.java
def test_two_roles_and_a_lower_case_iso_code_are_inconsistent():
    data = _workshop()
    data.add((EX.p1, CKG.role, ROLE.funder))
    data.remove((EX.KZ, CKG.iso2, None))
    data.add((EX.KZ, CKG.iso2, Literal("kz")))
    report = reason(ONTOLOGY, data)
    assert not report.consistent
    text = "\n".join(report.explanation)
    assert "several values for role" in text
    assert "'kz'" in text


@pytest.mark.java
def test_range_makes_an_event_an_agent_which_is_inconsistent(tmp_path: Path):
    """An event given as a participation's agent is inferred to be an agent, and events are not agents."""
    nt = tmp_path / "data.nt"
    _graph(
        (EX.event, RDF.type, CKG.Event),
        (EX.p, CKG.agent, EX.event),
    ).serialize(nt, format="nt", encoding="utf-8")
    report = reason(ONTOLOGY, nt)
    assert not report.consistent
    assert any("https://example.org/event" in line and "agent" in line for line in report.explanation)


def _to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or namespace.XSD.string)))


def _store_with(tmp_path: Path, data: Graph) -> Path:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    triples = [ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), _to_ox(o)) for s, p, o in data]
    store.apply(GraphChange(replace={ox.NamedNode("https://w3id.org/culturekg/graph/test"): triples}))
    store.close()
    return path


def _run(tmp_path: Path, store: Path, env=None):
    return CliRunner().invoke(app, ["--project", str(tmp_path), "--store", str(store), "reason"], env=env)


@pytest.mark.java
def test_command_exit_status_follows_consistency(tmp_path: Path):
    good = _store_with(tmp_path / "good", _workshop())
    result = _run(tmp_path, good)
    assert result.exit_code == 0, result.output
    assert "consistent" in result.output

    bad_data = _workshop()
    bad_data.add((EX.KZ, RDF.type, CKG.Organization))
    bad = _store_with(tmp_path / "bad", bad_data)
    result = _run(tmp_path, bad)
    assert result.exit_code == 1, result.output
    assert "INCONSISTENT" in result.output


def test_command_without_java_exits_3(tmp_path: Path):
    store = _store_with(tmp_path, _workshop())
    result = _run(tmp_path, store, env={"PATH": str(tmp_path)})
    assert result.exit_code == 3, result.output
    assert "Java was not found" in result.output


def test_explanations_name_range_and_pattern_clashes(ontology: Graph):
    """The plain-words explanation is computed without HermiT, so it is checked here directly."""
    data = _graph(
        (EX.c, CKG.title, Literal("Head of unit", lang="en")),
        (EX.c, CKG.shortName, Literal("2005 Convention", lang="en")),
        (EX.s, CKG.url, Literal("https://example.org/")),
        (EX.KZ, CKG.m49Code, Literal("0398")),
    )
    text = "\n".join(explain_inconsistency(ontology, data))
    assert "'Head of unit'@en" in text
    assert "2005 Convention" not in text, "a language-tagged short name fits rdf:PlainLiteral"
    assert "'https://example.org/'" in text and "anyURI" in text
    assert "'0398'" in text and "[0-9]{3}" in text


@pytest.mark.java
def test_the_shipped_records_are_consistent_with_the_ontology(tmp_path: Path):
    """End to end: the project's own data/ loaded as the loader loads it, then reasoned over."""
    project = load_project(ROOT)
    store = EmbeddedStore(None)
    load(project, store, full=True)
    report = reason(ONTOLOGY, store.quads())
    assert report.consistent, report.lines()
    assert report.triples_used > 1000


def test_smallest_inconsistent_narrows_down_to_the_clashing_items():
    """A stand-in reasoner: the data is inconsistent exactly when it holds both 17 and 4000."""
    calls = []

    def consistent(part):
        calls.append(len(part))
        return not ({17, 4000} <= set(part))

    part, runs = smallest_inconsistent(list(range(4700)), consistent, max_runs=100)
    assert sorted(part) == [17, 4000]
    assert runs == len(calls) <= 30, "two binary searches over 4700 items and a check"


def test_smallest_inconsistent_stops_at_its_budget_with_a_part_still_inconsistent():
    part, runs = smallest_inconsistent(list(range(64)), lambda p: not ({5, 20} <= set(p)), max_runs=3)
    assert runs == 3
    assert {5, 20} <= set(part) and len(part) == 24


def test_union_domains_are_explained(ontology: Graph):
    """ckg:country's domain is a union (event, organization, person, group); a membership is none of them."""
    data = _graph(
        (EX.m, RDF.type, CKG.Membership),
        (EX.m, CKG.country, EX.KZ),
        (EX.e, RDF.type, CKG.Event),
        (EX.e, CKG.country, EX.KZ),
    )
    reasons = explain_inconsistency(ontology, data)
    assert len(reasons) == 1, reasons
    assert reasons[0].startswith("https://example.org/m has country (ckg:country), which only an event (ckg:Event) or")
    assert "convention membership (ckg:Membership)" in reasons[0]


@pytest.mark.java
def test_locate_finds_the_triples_behind_a_clash_the_checks_cannot_name(tmp_path: Path):
    """prov:qualifiedAssociation is the inverse of ckg:event, whose range is ckg:Event: a person with a
    qualified association would be an event. The built-in checks do not follow inverses, so only
    locating by reasoning finds the cause."""
    data = _workshop()
    data.add((EX.someone, RDF.type, CKG.Person))
    data.add((EX.someone, URIRef("http://www.w3.org/ns/prov#qualifiedAssociation"), EX.p1))
    store = _store_with(tmp_path, data)
    result = CliRunner().invoke(
        app, ["--project", str(tmp_path), "--store", str(store), "reason", "--locate", "--max-runs", "30"]
    )
    assert result.exit_code == 1, result.output
    assert "no clash of disjoint classes" in result.output
    assert "These 2 data triples are inconsistent" in result.output
    assert "<https://example.org/someone> <http://www.w3.org/ns/prov#qualifiedAssociation> <https://example.org/p1> ." in result.output
    assert "<https://example.org/someone> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/culturekg/ontology#Person> ." in result.output


@pytest.mark.java
def test_imports_are_never_fetched(tmp_path: Path):
    """An owl:imports in the ontology or the data would make owlready2 download it; both are dropped.
    The imported address is a closed loopback port, so a fetch would fail the run."""
    unreachable = URIRef("http://127.0.0.1:9/elsewhere.owl")
    ontology_copy = tmp_path / "culturekg.ttl"
    graph = Graph().parse(ONTOLOGY, format="turtle")
    graph.add((URIRef("https://w3id.org/culturekg/ontology"), OWL.imports, unreachable))
    graph.serialize(ontology_copy, format="turtle")
    data = _workshop()
    data.add((EX.event, OWL.imports, unreachable))
    report = reason(ontology_copy, data)
    assert report.consistent, report.lines()
