"""Validation: the fast engine against pySHACL, reports traced to record files, formats, the command.

The corpus is tests/fixtures/validate/corpus.trig (broken records, one named graph per pretend file,
with the load metadata graph) plus every data graph of tests/shapes/, each in a graph of its own,
and the ontology in its graph as the loader writes it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH
from typer.testing import CliRunner

from culturekg.cli import app
from culturekg.errors import ConfigError
from culturekg.project import load_project
from culturekg.store import EmbeddedStore
from culturekg.validate import count_violations, validate
from culturekg.validate.api import load_shapes, run_engine
from culturekg.validate.components import components
from culturekg.validate.incremental import state_path
from culturekg.validate.shapes import Shapes

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "validate"
SHAPE_TESTS = Path(__file__).resolve().parent / "shapes"
BASE = "https://w3id.org/culturekg/"
ID = BASE + "id/"
CKG = "https://w3id.org/culturekg/ontology#"


def fill_corpus(store: ox.Store) -> None:
    store.load(path=str(FIXTURES / "corpus.trig"), format=ox.RdfFormat.TRIG)
    files = {"ontology/culturekg.ttl": ROOT / "ontology" / "culturekg.ttl"}
    files |= {f"tests/shapes/{case.name}": case for case in sorted(SHAPE_TESTS.glob("*.ttl"))}
    for name, path in files.items():
        graph = ox.NamedNode(BASE + "graph/" + name)
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        # Load metadata as the loader writes it: what incremental validation compares.
        digest = ox.Literal(hashlib.sha256(path.read_bytes()).hexdigest())
        store.add(ox.Quad(graph, ox.NamedNode(CKG + "sha256"), digest, ox.NamedNode(BASE + "graph/meta")))


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT)


@pytest.fixture(scope="module")
def corpus():
    store = EmbeddedStore()
    fill_corpus(store.oxigraph)
    return store


@pytest.fixture(scope="module")
def reports(corpus, project):
    shapes = load_shapes(project)
    fast, _ = run_engine(corpus, shapes, engine="fast", only=None)
    reference, _ = run_engine(corpus, shapes, engine="pyshacl", only=None)
    return fast, reference


def test_fast_engine_reports_exactly_what_pyshacl_reports(reports):
    fast, reference = reports
    assert reference.results, "the corpus must break something"
    assert {r.identity for r in fast.results} == {r.identity for r in reference.results}
    assert len(fast.results) == len({r.identity for r in fast.results})


def test_fast_engine_compiles_every_constraint_of_the_shapes(reports):
    fast, _ = reports
    # Nothing of ontology/shapes.ttl is left to pySHACL, so the speed-up is not eaten by a fallback run.
    assert fast.delegated == ()


def _reporting_shapes(shapes: Shapes) -> set:
    """Shapes whose constraints produce results of their own: targeted shapes and their property shapes.
    (Members of sh:or and the like only decide their parent's result, which is covered in turn.)"""
    found, todo = set(), list(shapes.targeted_shapes)
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo += shapes.shape(node).properties
    return found


def _used_components(shapes: Shapes) -> set[str]:
    used = set()
    for node in _reporting_shapes(shapes):
        used |= set(shapes.shape(node).components)
        used |= {str(c.node) for c in components(shapes) if c.used_by(shapes, node) is not None}
    return {name if name.startswith("http") else str(SH[name]) for name in used}


def test_corpus_covers_every_constraint_kind_shape_and_sparql_constraint(reports, project):
    """Fails when shapes.ttl gains a constraint kind, a node shape or a SPARQL constraint the corpus never breaks."""
    _, reference = reports
    shapes = load_shapes(project)
    reported_components = {r.component.value for r in reference.results}
    missing = _used_components(shapes) - reported_components
    assert not missing, f"no broken record in the corpus exercises {sorted(missing)}"
    reported_constraints = {r.source_constraint.value for r in reference.results if r.source_constraint is not None}
    sparql = {str(n) for n in shapes.graph.objects(None, SH.sparql)}
    assert sparql <= reported_constraints, f"never violated: {sorted(sparql - reported_constraints)}"
    shapes_hit = {str(r.source_shape) for r in reference.results}
    for node in shapes.targeted_shapes:
        family = {str(ox.NamedNode(str(node)) if isinstance(node, rdflib.URIRef) else ox.BlankNode(str(node)))}
        family |= {str(ox.NamedNode(str(p)) if isinstance(p, rdflib.URIRef) else ox.BlankNode(str(p)))
                   for p in shapes.shape(node).properties}
        assert family & shapes_hit, f"no result from {node} or its property shapes"


def test_coverage_check_notices_a_constraint_kind_the_corpus_lacks(tmp_path, project):
    shapes_text = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    extra = ("\n<https://w3id.org/culturekg/shapes#TitleLength> a <http://www.w3.org/ns/shacl#NodeShape> ;\n"
             "  <http://www.w3.org/ns/shacl#targetClass> <https://w3id.org/culturekg/ontology#Position> ;\n"
             "  <http://www.w3.org/ns/shacl#property> [ <http://www.w3.org/ns/shacl#path> <https://w3id.org/culturekg/ontology#title> ;"
             " <http://www.w3.org/ns/shacl#maxLength> 500 ] .\n")
    (tmp_path / "shapes.ttl").write_text(shapes_text + extra, encoding="utf-8")
    grown = Shapes(tmp_path / "shapes.ttl", ROOT / "ontology" / "culturekg.ttl")
    assert str(SH.MaxLengthConstraintComponent) in _used_components(grown) - _used_components(load_shapes(project))


def test_results_are_grouped_by_the_file_where_the_focus_node_is_typed(corpus, project):
    report = validate(corpus, project)
    groups = report.by_source_file()
    dates = groups["data/records/events/ex-dates.yaml"]
    city = [r for r in dates if r.focus == ox.NamedNode(ID + "event/ex-dates") and r.path == ox.NamedNode(CKG + "city")
            and r.component == ox.NamedNode(str(SH.MaxCountConstraintComponent))]
    assert len(city) == 1
    assert city[0].focus_key == "ex-dates"
    assert city[0].focus_label == "Badly dated conference"
    assert city[0].source_files == ("data/records/events/ex-dates.yaml",)
    shapes = load_shapes(project)
    assert city[0].message == str(shapes.graph.value(rdflib.BNode(city[0].source_shape.value), SH.message))
    assert city[0].shape_name == "ckgsh:Event / ckg:city"
    # A node typed nowhere in a record file (only in a tests/shapes graph) falls back to its graph's path.
    assert any(name.startswith("tests/shapes/") for name in groups)
    # The conforming workshop's own file has no result about the workshop itself.
    good = groups.get("data/records/events/ex-good.yaml", [])
    assert all(r.focus != ox.NamedNode(ID + "event/ex-good") or r.source_constraint is not None for r in good)


def test_a_result_names_its_shape_message_value_and_severity(corpus, project):
    report = validate(corpus, project)
    attendance = [r for r in report.results if r.focus == ox.NamedNode(ID + "event/ex-dates")
                  and r.path == ox.NamedNode(CKG + "attendance")]
    # An attendance of -3 breaks the shape however it words the rule (datatype or lower bound).
    assert attendance
    shapes = load_shapes(project)
    for result in attendance:
        assert result.value.value == "-3"
        assert result.severity == ox.NamedNode(str(SH.Violation))
        assert result.message == str(shapes.graph.value(rdflib.BNode(result.source_shape.value), SH.message))


def test_json_format_is_files_then_results(corpus, project):
    report = validate(corpus, project)
    data = json.loads(json.dumps(report.to_json()))
    assert data["conforms"] is False
    assert data["engine"] == "fast"
    assert data["counts"]["Violation"] == sum(1 for r in report.results if r.is_violation)
    files = {f["file"]: f["results"] for f in data["files"]}
    assert list(files) == sorted(files)
    entry = next(e for e in files["data/records/events/ex-dates.yaml"] if e["path"] == f"<{CKG}city>" and e["constraint_component"].endswith("MaxCountConstraintComponent"))
    assert entry["focus"] == f"<{ID}event/ex-dates>"
    assert entry["focus_key"] == "ex-dates"
    assert entry["severity"] == "Violation"
    assert entry["source_shape"].startswith("_:")


def test_turtle_format_is_a_shacl_validation_report(corpus, project):
    from culturekg.validate.api import shape_descriptions

    shapes = load_shapes(project)
    report = validate(corpus, project, shapes=shapes)
    text = report.to_turtle(shape_descriptions(shapes, report))
    graph = rdflib.Graph().parse(data=text, format="turtle")
    (root,) = list(graph.subjects(rdflib.RDF.type, SH.ValidationReport))
    assert graph.value(root, SH.conforms).toPython() is False
    assert len(list(graph.objects(root, SH.result))) == len(report.results)
    # Blank-node property shapes come with their description, so the report says what they check.
    blank_shapes = {s for s in graph.objects(None, SH.sourceShape) if isinstance(s, rdflib.BNode)}
    assert blank_shapes
    assert all(graph.value(s, SH.path) is not None for s in blank_shapes)


def test_count_violations_summarises_for_build(corpus, project):
    report = validate(corpus, project)
    counts = count_violations(report)
    assert counts["violations"] == len([r for r in report.results if r.is_violation]) > 0
    assert counts["files"] == len(report.by_source_file())


def test_graphs_limits_the_check_to_nodes_typed_there(corpus, project):
    graph = ox.NamedNode(BASE + "graph/data/records/events/ex-roles.yaml")
    report = validate(corpus, project, graphs=[graph])
    full = validate(corpus, project)
    participations = {ox.NamedNode(ID + f"participation/ex-roles--{n}") for n in range(1, 6)}
    assert {r.identity for r in report.results} == {r.identity for r in full.results if r.focus in participations}
    assert report.results


def test_unknown_engine_is_refused(corpus, project):
    with pytest.raises(ConfigError, match="unknown validation engine 'quick'"):
        validate(corpus, project, engine="quick")


def test_missing_shapes_file_is_named(tmp_path, corpus):
    with pytest.raises(ConfigError, match=r"shapes\.ttl: shapes file not found"):
        Shapes(tmp_path / "shapes.ttl", ROOT / "ontology" / "culturekg.ttl")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("validate") / "store"
    store = EmbeddedStore(path)
    fill_corpus(store.oxigraph)
    store.close()
    return path


def test_command_exit_status_1_and_json_on_violations(store_dir):
    result = CliRunner().invoke(app, ["-C", str(ROOT), "--store", str(store_dir), "validate", "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["conforms"] is False
    assert "data/records/events/ex-roles.yaml" in {f["file"] for f in data["files"]}


def test_command_text_names_file_key_and_message(store_dir):
    result = CliRunner().invoke(app, ["-C", str(ROOT), "--store", str(store_dir), "validate"])
    assert result.exit_code == 1
    assert "data/records/events/ex-dates.yaml:\n" in result.stdout
    assert "ex-dates \"Badly dated conference\" ckg:city" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("does not conform: ")
    # A blank-node path is shown in SPARQL syntax, and so is the blank-node shape that has it.
    assert "daterange/ex-orphan> ^(ckg:dateRange): " in result.stdout
    assert "shape ckgsh:DateRange / ^(ckg:dateRange), sh:MinCountConstraintComponent" in result.stdout


def test_command_exit_status_0_on_a_conforming_store(tmp_path):
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    store.oxigraph.load(path=str(ROOT / "ontology" / "culturekg.ttl"), format=ox.RdfFormat.TURTLE,
                        to_graph=ox.NamedNode(BASE + "graph/ontology/culturekg.ttl"))
    store.close()
    result = CliRunner().invoke(app, ["-C", str(ROOT), "--store", str(path), "validate", "--format", "turtle", "--engine", "pyshacl"])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    (root,) = list(graph.subjects(rdflib.RDF.type, SH.ValidationReport))
    assert graph.value(root, SH.conforms).toPython() is True
    assert not list(graph.objects(root, SH.result))


def test_command_refuses_a_missing_store_and_a_bad_format(tmp_path):
    result = CliRunner().invoke(app, ["-C", str(ROOT), "--store", str(tmp_path / "none"), "validate"])
    assert result.exit_code != 0
    assert "no store here yet" in str(result.exception) + result.output
    result = CliRunner().invoke(app, ["-C", str(ROOT), "--store", str(tmp_path), "validate", "--format", "xml"])
    assert result.exit_code == 2
    assert "'xml' is not one of text, turtle, json" in result.output


def test_constraints_beyond_our_shapes_are_compiled_or_delegated_and_agree_with_pyshacl():
    shapes = Shapes(FIXTURES / "extra-shapes.ttl", ROOT / "ontology" / "culturekg.ttl")
    store = EmbeddedStore()
    store.oxigraph.load(path=str(FIXTURES / "extra-data.trig"), format=ox.RdfFormat.TRIG)
    fast, run = run_engine(store, shapes, engine="fast", only=None)
    reference, _ = run_engine(store, shapes, engine="pyshacl", only=None)
    assert {r.identity for r in fast.results} == {r.identity for r in reference.results}
    kinds = Counter(r.component.value.rsplit("#", 1)[1] for r in reference.results)
    for kind in ("MinLengthConstraintComponent", "MaxLengthConstraintComponent", "LanguageInConstraintComponent",
                 "MinExclusiveConstraintComponent", "MaxInclusiveConstraintComponent", "XoneConstraintComponent",
                 "NotConstraintComponent", "MinCountConstraintComponent", "MaxCountConstraintComponent",
                 "LessThanConstraintComponent", "DisjointConstraintComponent", "EqualsConstraintComponent",
                 "QualifiedMinCountConstraintComponent", "NodeConstraintComponent", "ClosedConstraintComponent",
                 "HasValueConstraintComponent", "UniqueLangConstraintComponent"):
        assert kinds[kind], f"the extra corpus should break {kind}"
    # Property pairs, sh:closed, qualified shapes and node-shape sh:hasValue go to pySHACL, and the report says so.
    assert set(fast.delegated) == {
        "LessThanConstraintComponent", "DisjointConstraintComponent", "EqualsConstraintComponent",
        "QualifiedValueShapeConstraintComponent", "ClosedConstraintComponent", "HasValueConstraintComponent",
    }
    assert ("NodeConstraintComponent" not in fast.delegated) and ("XoneConstraintComponent" not in fast.delegated)


def test_command_incremental_after_a_full_run_gives_the_same_report(store_dir):
    args = ["-C", str(ROOT), "--store", str(store_dir), "validate", "--format", "json"]
    plain = CliRunner().invoke(app, args)
    assert not state_path(store_dir).exists()  # a plain run keeps no state
    full = CliRunner().invoke(app, args + ["--incremental"])
    again = CliRunner().invoke(app, args + ["--incremental"])
    assert again.exit_code == full.exit_code == plain.exit_code == 1
    first, second = json.loads(full.stdout), json.loads(again.stdout)
    assert first["revalidated_nodes"] is None  # no state yet: a full run, which saves one
    assert second["revalidated_nodes"] == 0  # nothing changed since the state was saved
    assert json.loads(plain.stdout)["files"] == first["files"] == second["files"]


def test_a_shapes_file_with_a_syntax_error_is_named_with_its_line(tmp_path):
    bad = tmp_path / "shapes.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a> sh:path ] .\n<b> sh:path <c> .\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"shapes\.ttl: not valid Turtle: .*line 2"):
        Shapes(bad, ROOT / "ontology" / "culturekg.ttl")


def test_without_the_ontology_graph_auto_uses_pyshacl_and_fast_is_refused(project):
    store = EmbeddedStore()
    store.oxigraph.load(path=str(FIXTURES / "corpus.trig"), format=ox.RdfFormat.TRIG)
    # The fast engine's SPARQL constraints would miss rdfs:subClassOf (a ministry is an organization).
    with pytest.raises(ConfigError, match="no ontology graph"):
        validate(store, project, engine="fast")
    report = validate(store, project, engine="auto")
    assert report.engine == "pyshacl"
    assert not any(r.focus == ox.NamedNode(ID + "participation/ex-good--organizer--org-ex-office") for r in report.results)
