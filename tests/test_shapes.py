"""SHACL shape tests kept as data, in the manner of the W3C data-shapes test suite.

Each `tests/shapes/<shape>-<nnn>.ttl` holds a small data graph and one `t:ShapeTest` node that says
which node shape it is about, whether the data conforms, and every validation result expected
(focus node, path, constraint component, and the named SPARQL constraint if any). The results must
match exactly: a missing or an extra violation fails the test.

The shapes run as `culturekg` runs them: pyshacl with the ontology as ont_graph, inference "none",
advanced features on (see the header of ontology/shapes.ttl for why).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = Path(__file__).resolve().parent / "shapes"
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY_FILE = ROOT / "ontology" / "culturekg.ttl"
T = Namespace("https://w3id.org/culturekg/test#")
CKGSH = Namespace("https://w3id.org/culturekg/shapes#")
FILE_NAME = re.compile(r"^(?P<shape>[a-z0-9]+(?:-[a-z0-9]+)*)-(?P<number>[0-9]{3})\.ttl$")


@dataclass(frozen=True)
class Result:
    """What a validation result is compared on; path is a structural key (blank-node paths included)."""

    focus: URIRef
    path: object
    component: URIRef
    constraint: URIRef | None


@dataclass
class Case:
    file: Path
    shape: URIRef
    conforms: bool
    expected: Counter
    covers: frozenset[URIRef]
    data: Graph


def path_key(graph: Graph, node):
    """A comparable form of a SHACL path: an IRI as is, a blank-node path as its nested structure."""
    if node is None or not isinstance(node, BNode):
        return node
    return tuple(sorted((str(p), path_key(graph, o)) for p, o in graph.predicate_objects(node)))


def _manifest_triples(graph: Graph, node) -> set:
    """The test node and the blank nodes hanging from it (its expected results)."""
    found = set()
    pending = [node]
    while pending:
        subject = pending.pop()
        for p, o in graph.predicate_objects(subject):
            found.add((subject, p, o))
            if isinstance(o, BNode):
                pending.append(o)
    return found


def _one(graph: Graph, subject, predicate, file: Path, required: bool = True):
    values = list(graph.objects(subject, predicate))
    if len(values) > 1 or (required and not values):
        raise AssertionError(f"{file.name}: the test needs exactly one {predicate.n3(graph.namespace_manager)}, found {len(values)}")
    return values[0] if values else None


def load_case(file: Path) -> Case:
    graph = Graph().parse(file, format="turtle")
    tests = list(graph.subjects(RDF.type, T.ShapeTest))
    if len(tests) != 1:
        raise AssertionError(f"{file.name}: expected one node of type t:ShapeTest, found {len(tests)}")
    test = tests[0]
    _one(graph, test, RDFS.comment, file)
    shape = _one(graph, test, T.shape, file)
    conforms = _one(graph, test, T.conforms, file)
    if not (isinstance(conforms, Literal) and isinstance(conforms.toPython(), bool)):
        raise AssertionError(f"{file.name}: t:conforms must be true or false")
    expected = Counter()
    for node in graph.objects(test, T.result):
        expected[
            Result(
                focus=_one(graph, node, T.focus, file),
                path=path_key(graph, _one(graph, node, T.path, file, required=False)),
                component=_one(graph, node, T.component, file),
                constraint=_one(graph, node, T.constraint, file, required=False),
            )
        ] += 1
    if conforms.toPython() and expected:
        raise AssertionError(f"{file.name}: a conforming test cannot expect results")
    if not conforms.toPython() and not expected:
        raise AssertionError(f"{file.name}: a non-conforming test must list the results it expects")
    data = Graph()
    manifest = _manifest_triples(graph, test)
    for triple in graph:
        if triple not in manifest:
            data.add(triple)
    return Case(
        file=file,
        shape=shape,
        conforms=conforms.toPython(),
        expected=expected,
        covers=frozenset(graph.objects(test, T.covers)),
        data=data,
    )


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.ttl"))


@pytest.fixture(scope="module")
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@pytest.fixture(scope="module")
def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    files = case_files()
    assert files, f"no shape tests in {CASES_DIR}"
    return [load_case(f) for f in files]


def kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def test_folder_has_cases():
    assert case_files(), f"{CASES_DIR} holds no shape tests"


@pytest.mark.parametrize("file", case_files(), ids=lambda f: f.stem)
def test_case(file: Path, shapes_graph: Graph, ontology_graph: Graph):
    case = load_case(file)
    match = FILE_NAME.match(file.name)
    assert match, f"{file.name}: name must be <shape>-<nnn>.ttl"
    assert (case.shape, RDF.type, SH.NodeShape) in shapes_graph, f"{file.name}: {case.shape} is not a node shape"
    assert match["shape"] == kebab(str(case.shape).removeprefix(str(CKGSH))), f"{file.name}: file name does not name {case.shape}"

    conforms, report, text = pyshacl.validate(
        case.data, shacl_graph=shapes_graph, ont_graph=ontology_graph, inference="none", advanced=True
    )
    actual = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        assert report.value(result, SH.resultMessage) is not None, f"{file.name}: a result without sh:resultMessage\n{text}"
        actual[
            Result(
                focus=report.value(result, SH.focusNode),
                path=path_key(report, report.value(result, SH.resultPath)),
                component=report.value(result, SH.sourceConstraintComponent),
                constraint=report.value(result, SH.sourceConstraint),
            )
        ] += 1
    assert conforms == case.conforms, f"{file.name}: expected conforms={case.conforms}\n{text}"
    missing = case.expected - actual
    extra = actual - case.expected
    assert not missing and not extra, f"{file.name}:\nmissing {list(missing)}\nextra {list(extra)}\n{text}"


def _checked_constraints(shapes_graph: Graph) -> set[URIRef]:
    """Named SPARQL constraints and SPARQL-based constraint components: each needs its own tests."""
    named = {s for s in shapes_graph.subjects(RDF.type, SH.SPARQLConstraint) if isinstance(s, URIRef)}
    named |= {s for s in shapes_graph.subjects(RDF.type, SH.ConstraintComponent) if isinstance(s, URIRef)}
    return named


def test_every_node_shape_has_a_conforming_and_a_failing_case(shapes_graph: Graph, cases: list[Case]):
    shapes = {s for s in shapes_graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    assert len(shapes) >= 20
    lacking = []
    for shape in sorted(shapes):
        outcomes = {c.conforms for c in cases if c.shape == shape}
        if outcomes != {True, False}:
            lacking.append(f"{shape}: has {sorted(outcomes)}")
    assert not lacking, "node shapes without a conforming and a non-conforming test:\n" + "\n".join(lacking)


def test_every_sparql_constraint_has_a_passing_and_a_failing_case(shapes_graph: Graph, cases: list[Case]):
    constraints = _checked_constraints(shapes_graph)
    assert constraints
    lacking = []
    for constraint in sorted(constraints):
        failing = [c for c in cases if any(constraint in (r.constraint, r.component) for r in c.expected)]
        passing = [c for c in cases if c.conforms and constraint in c.covers]
        if not failing or not passing:
            lacking.append(f"{constraint}: {len(failing)} failing, {len(passing)} passing (t:covers)")
    assert not lacking, "SPARQL constraints without both kinds of test:\n" + "\n".join(lacking)


def test_every_shape_and_constraint_has_a_message(shapes_graph: Graph):
    needing = set(shapes_graph.subjects(RDF.type, SH.NodeShape))
    needing |= set(shapes_graph.objects(None, SH.property))
    needing |= set(shapes_graph.subjects(RDF.type, SH.SPARQLConstraint))
    needing |= set(shapes_graph.subjects(RDF.type, SH.SPARQLSelectValidator))
    silent = [n for n in needing if shapes_graph.value(n, SH.message) is None]
    assert not silent, f"without sh:message: {silent}"
