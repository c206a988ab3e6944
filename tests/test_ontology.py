"""The ontology file: it parses, every term has an English label and definition, the terms that
docs/model.md names exist, its metadata is present, it stays in OWL 2 DL (no punning, nothing
undeclared in axioms, no imports; and the OWL API's profile checker agrees), and HermiT finds it
consistent with every class satisfiable."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from culturekg.reason import reason
from culturekg.vocab import CKG, CKG_NS, INSTRUMENT, INSTRUMENT_NS, ROLE, ROLE_NS, SOURCE_KIND, SOURCE_KIND_NS

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "culturekg.ttl"
MODEL_DOC = ROOT / "docs" / "model.md"
PROFILE_CHECK = Path(__file__).resolve().parent / "java" / "DLProfileCheck.java"
ONTOLOGY_IRI = URIRef("https://w3id.org/culturekg/ontology")
OWN = (CKG_NS, ROLE_NS, INSTRUMENT_NS, SOURCE_KIND_NS)
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDFS.Datatype)


@pytest.fixture(scope="module")
def g() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def _own_terms(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(OWN)}


def test_pyoxigraph_reads_it_too():
    with ONTOLOGY.open("rb") as handle:
        assert sum(1 for _ in ox.parse(handle, format=ox.RdfFormat.TURTLE)) > 500


def test_every_own_term_has_english_label_and_definition(g: Graph):
    terms = _own_terms(g)
    assert len(terms) > 130
    lacking = []
    for term in sorted(terms):
        for prop in (RDFS.label, SKOS.definition):
            if not any(isinstance(v, Literal) and v.language == "en" for v in g.objects(term, prop)):
                lacking.append(f"{term} has no English {prop}")
    assert not lacking, "\n".join(lacking)


def test_every_term_named_in_model_doc_exists():
    text = MODEL_DOC.read_text(encoding="utf-8")
    namespaces = {"ckg": CKG, "ckgr": ROLE, "ckgi": INSTRUMENT, "ckgs": SOURCE_KIND}
    named = {(p, n) for p, n in re.findall(r"\b(ckg|ckgr|ckgi|ckgs):([A-Za-z][\w-]*)", text)}
    classes_section = text.split("## Classes", 1)[1].split("## Properties", 1)[0]
    named |= {("ckg", n) for n in re.findall(r"`([A-Z][A-Za-z]+)`", classes_section)}
    assert len(named) > 100
    missing = sorted(f"{p}:{n}" for p, n in named if n not in namespaces[p].names)
    assert not missing, f"named in docs/model.md but not declared: {missing}"


def test_every_model_class_is_an_owl_class(g: Graph):
    text = MODEL_DOC.read_text(encoding="utf-8")
    classes_section = text.split("## Classes", 1)[1].split("## Properties", 1)[0]
    for name in set(re.findall(r"`([A-Z][A-Za-z]+)`", classes_section)):
        assert (URIRef(CKG_NS + name), RDF.type, OWL.Class) in g, name


def test_metadata(g: Graph):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    assert (ONTOLOGY_IRI, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    version = g.value(ONTOLOGY_IRI, OWL.versionInfo)
    assert version is not None
    assert g.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    for prop in (DCTERMS.creator, DCTERMS.title, DCTERMS.description):
        assert g.value(ONTOLOGY_IRI, prop) is not None, prop


def test_no_imports_and_no_punning(g: Graph):
    assert not list(g.triples((None, OWL.imports, None))), "owl:imports would be fetched over the network"
    kinds = defaultdict(set)
    for kind in KINDS:
        for s in g.subjects(RDF.type, kind):
            if isinstance(s, URIRef):
                kinds[s].add(kind)
    punned = {s: k for s, k in kinds.items() if len(k) > 1}
    assert not punned, f"IRIs declared as more than one kind of entity: {punned}"
    individuals = {s for s, _, o in g.triples((None, RDF.type, None)) if isinstance(s, URIRef) and o in kinds and OWL.Class in kinds[o]}
    assert individuals, "the SKOS concepts should be individuals of ckg classes"
    assert not individuals & set(kinds), f"IRIs used both as individual and as class or property: {individuals & set(kinds)}"


def test_axioms_use_only_declared_terms(g: Graph):
    declared = {s for kind in KINDS for s in g.subjects(RDF.type, kind)}
    built_in = (str(namespace.XSD), str(OWL.Thing), str(RDF.langString), str(RDF.PlainLiteral))
    undeclared = []
    for prop in (RDFS.subClassOf, RDFS.domain, RDFS.range, RDFS.subPropertyOf, OWL.disjointWith, OWL.inverseOf):
        for s, o in g.subject_objects(prop):
            for term in (s, o):
                if isinstance(term, URIRef) and term not in declared and not str(term).startswith(built_in):
                    undeclared.append(f"{term} (in {prop})")
    assert not undeclared, undeclared


def test_sub_properties_keep_their_kind(g: Graph):
    """OWL 2 DL forbids a data property under an object property and the like."""
    kind_of = {s: k for k in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty) for s in g.subjects(RDF.type, k)}
    wrong = [(s, o) for s, o in g.subject_objects(RDFS.subPropertyOf) if kind_of.get(s) != kind_of.get(o)]
    assert not wrong, wrong


def test_country_domain_covers_every_use(g: Graph):
    """ckg:country is used on events, organizations, people and groups: its domain is their union."""
    domain = g.value(URIRef(CKG_NS + "country"), RDFS.domain)
    members = set(g.items(g.value(domain, OWL.unionOf)))
    assert {URIRef(CKG_NS + n) for n in ("Event", "Organization", "Person", "StakeholderGroup")} <= members


@pytest.mark.java
def test_hermit_finds_it_consistent_with_every_class_satisfiable():
    report = reason(ONTOLOGY, None)
    assert report.consistent, report.lines()
    assert report.unsatisfiable == (), report.lines()


@pytest.mark.java
def test_owl_api_finds_it_in_the_owl2_dl_profile(g: Graph, tmp_path: Path):
    """The OWL API bundled in owlready2's HermiT.jar checks the OWL 2 DL profile (run in Java's
    source-file mode, which needs a JDK's compiler)."""
    if shutil.which("javac") is None:
        pytest.skip("the OWL 2 DL profile check compiles a small Java file and needs a JDK (javac)")
    hermit_jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    document = tmp_path / "culturekg.owl"
    g.serialize(document, format="xml")
    run = subprocess.run(
        ["java", "-cp", str(hermit_jar), str(PROFILE_CHECK), str(document)],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines and lines[-1] == "IN-PROFILE", "\n".join(lines)
