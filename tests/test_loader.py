"""Loading the miniature project: what the records become in RDF, and how reloads behave."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from culturekg.errors import RecordError
from culturekg.loader import load
from culturekg.mapping.ontology import (
    chain_links, property_chains, superclass_types, superclasses, transitive_links, transitive_properties,
    unqualified_forms, unqualified_links,
)
from culturekg.project import load_project, shipped_ontology_file
from culturekg.store import EmbeddedStore
from culturekg.vocab import CKG, CKG_NS, PROV, RDF, RDFS, ROLE, SKOS, XSD

FIXTURES = Path(__file__).parent / "fixtures" / "records"
BASE = "https://w3id.org/culturekg/"
EV = "data/records/events/"


def iri(kind: str, key: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}id/{kind}/{key}")


def graph(rel: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}graph/{rel}")


META = ox.NamedNode(f"{BASE}graph/meta")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", copy)
    return copy


@pytest.fixture
def loaded(root: Path):
    store = EmbeddedStore()
    report = load(load_project(root), store)
    return store, report


def objects(store: EmbeddedStore, subject: ox.NamedNode, predicate: ox.NamedNode) -> set:
    result = store.select("SELECT ?o WHERE { ?s ?p ?o }", {"s": subject, "p": predicate})
    return {row[0] for row in result.rows}


def counts(literals: set) -> set[int]:
    assert all(l.datatype == XSD.integer for l in literals)
    return {int(l.value) for l in literals}


def test_event_gets_its_class_and_ckg_superclasses_labels_and_dates(loaded):
    store, _ = loaded
    event = iri("event", "almaty-2017-2005-training")
    # The record says "training workshop"; the ontology's ckg: superclasses come with it (not schema:Event).
    assert objects(store, event, RDF.type) == {CKG.TrainingWorkshop, CKG.Workshop, CKG.Event}
    assert objects(store, event, RDFS.label) == {
        ox.Literal("Sub-regional training on the 2005 Convention", language="en"),
        ox.Literal("Субрегиональный тренинг по Конвенции 2005 года", language="ru"),
    }
    assert objects(store, event, CKG.startDate) == {ox.Literal("2017-07-24", datatype=XSD.date)}
    assert objects(store, event, CKG.endDate) == {ox.Literal("2017-07-25", datatype=XSD.date)}
    assert objects(store, event, CKG.key) == {ox.Literal("almaty-2017-2005-training")}
    assert objects(store, event, CKG.targetCountry) == {iri("country", c) for c in ("KZ", "KG", "UZ")}
    assert objects(store, event, CKG.concernsMechanism) == {iri("mechanism", "ifcd"), iri("mechanism", "qpr-2005")}
    assert counts(objects(store, event, CKG.attendance)) == {21}
    assert objects(store, event, CKG.online) == {ox.Literal(False)}


def test_partial_dates_keep_their_precision(loaded):
    store, _ = loaded
    event = iri("event", "felt-2019")
    assert objects(store, event, CKG.startDate) == {ox.Literal("2019-09", datatype=XSD.gYearMonth)}
    assert objects(store, event, CKG.endDate) == {ox.Literal("2019-09", datatype=XSD.gYearMonth)}
    position = iri("position", "alma-mrgan-slipicevic--unesco--1")
    assert objects(store, position, CKG.startDate) == {ox.Literal("2015", datatype=XSD.gYear)}
    assert objects(store, position, CKG.asOf) == {ox.Literal("2016-10", datatype=XSD.gYearMonth)}
    assert objects(store, iri("position", "alma-mrgan-slipicevic--unesco--2"), CKG.title) == {ox.Literal("Adviser")}


def test_participations_are_nodes_with_event_agent_role_and_represented(loaded):
    store, _ = loaded
    node = iri("participation", "almaty-2017-2005-training--facilitator--person-lidia-varbanova")
    assert objects(store, node, RDF.type) == {CKG.Participation}
    assert objects(store, node, CKG.event) == {iri("event", "almaty-2017-2005-training")}
    assert objects(store, node, CKG.agent) == {iri("person", "lidia-varbanova")}
    assert objects(store, node, CKG.role) == {ROLE.facilitator}
    assert objects(store, node, CKG.represented) == {iri("country", "BG")}
    assert objects(store, node, CKG.capacity) == {ox.Literal("International Expert")}
    group = iri("group", "almaty-2017-2005-training--representatives-of-ministries-of-culture-of-central-asian-states")
    by_group = iri("participation", "almaty-2017-2005-training--participant--group-representatives-of-ministries-of-culture-of-central-asian-states")
    assert objects(store, by_group, CKG.agent) == {group}
    assert objects(store, group, CKG.sector) == {iri("sector", "ministry-of-culture")}
    assert counts(objects(store, group, CKG.headCount)) == {5}
    count = store.select("SELECT (COUNT(?p) AS ?n) WHERE { ?p a ?c ; ?e ?ev }",
                         {"c": CKG.Participation, "e": CKG.event, "ev": iri("event", "almaty-2017-2005-training")})
    assert count.rows[0][0] == ox.Literal("4", datatype=XSD.integer)


def test_events_are_reported_in_their_source(loaded):
    store, _ = loaded
    source = iri("source", "almaty-2017-2005-training")
    assert objects(store, iri("event", "almaty-2017-2005-training"), CKG.reportedIn) == {source}
    assert objects(store, source, CKG.publisher) == {iri("org", "unesco-almaty")}
    assert objects(store, source, CKG.publicationDate) == {ox.Literal("2017-07-26", datatype=XSD.date)}
    assert objects(store, source, CKG.sourceKind) == {ox.NamedNode("https://w3id.org/culturekg/ontology/source-kind/report")}
    assert objects(store, source, CKG.url) == set()
    other = iri("source", "qpr-2023-two-venues")
    assert objects(store, other, CKG.url) == {ox.Literal("https://example.org/culturekg/fixtures/qpr", datatype=XSD.anyURI)}


def test_date_ranges_venues_places_and_convention_basis(loaded):
    store, _ = loaded
    event = iri("event", "qpr-2023-two-venues")
    first, second = iri("daterange", "qpr-2023-two-venues--1"), iri("daterange", "qpr-2023-two-venues--2")
    assert objects(store, event, CKG.dateRange) == {first, second}
    assert objects(store, second, CKG.startDate) == objects(store, second, CKG.endDate) == {ox.Literal("2023-04-27", datatype=XSD.date)}
    assert objects(store, first, CKG.venue) == {iri("venue", "tower-c")}
    assert objects(store, iri("venue", "hall-b"), CKG.inCity) == {iri("city", "almaty")}
    assert objects(store, event, CKG.partOf) == {iri("event", "almaty-2017-2005-training")}
    assert objects(store, event, CKG.conventionBasis) == {ox.Literal("stated"), ox.Literal("implied")}
    aktau = iri("event", "cdis-aktau-2016")
    area = iri("area", "mangystau-oblast")
    assert objects(store, aktau, CKG.administrativeArea) == {area}
    assert objects(store, area, RDFS.label) == {ox.Literal("Mangystau oblast", language="en")}
    assert objects(store, iri("city", "aktau"), CKG.administrativeArea) == {area}
    assert objects(store, aktau, CKG.project) == {iri("project", "mangystau-joint-programme")}


def test_memberships_derive_party_from(loaded):
    store, _ = loaded
    expected = {
        "BG": "2007-03-18",  # entry into force known to the day
        "UZ": "2019-04-30",  # known to the month: the month's last day
        "KG": "2017-07-24",  # only "a party by"
        "FR": "2007-06-01",  # known to the year, but a source has it a party earlier in that year
    }
    for state, day in expected.items():
        membership = iri("membership", f"c2005-{state}")
        assert objects(store, membership, CKG.partyFrom) == {ox.Literal(day, datatype=XSD.date)}, state
        assert objects(store, membership, CKG.state) == {iri("country", state)}
        assert objects(store, membership, CKG.inDataset) == {iri("dataset", "c2005-test")}
    assert objects(store, iri("membership", "c2005-UZ"), CKG.entryIntoForce) == {ox.Literal("2019-04", datatype=XSD.gYearMonth)}
    assert objects(store, iri("membership", "c2005-FR"), CKG.partyUntil) == {ox.Literal("2020-01-01", datatype=XSD.date)}
    dataset = iri("dataset", "c2005-test")
    assert objects(store, dataset, CKG.covers) == {iri("convention", "c2005")}
    assert objects(store, dataset, CKG.complete) == {ox.Literal(False)}


def test_reference_data(loaded):
    store, _ = loaded
    kz = iri("country", "KZ")
    assert objects(store, kz, CKG.inRegion) == {iri("region", "m49-142"), iri("region", "m49-143")}
    assert objects(store, kz, CKG.wikidata) == {ox.NamedNode("http://www.wikidata.org/entity/Q232")}
    assert objects(store, iri("region", "m49-143"), CKG.inRegion) == {iri("region", "m49-142")}
    assert objects(store, iri("region", "unesco-apa"), RDF.type) == {CKG.UnescoRegion, CKG.Region, CKG.Place}
    assert objects(store, iri("org", "unesco-almaty"), RDF.type) == {
        CKG.FieldOffice, CKG.OrganizationalUnit, CKG.Organization, CKG.Agent}
    assert objects(store, iri("org", "unesco-almaty"), CKG.parentOrganization) == {iri("org", "unesco")}
    assert objects(store, iri("org", "mangystau-akimat"), CKG.altLabel) == {
        ox.Literal("Akimat of the Mangystau region"), ox.Literal("Mangystau regional administration")}
    assert objects(store, iri("mechanism", "ifcd"), CKG.establishedBy) == {iri("convention", "c2005")}
    assert objects(store, iri("convention", "c2005"), CKG.adoptionPlace) == {iri("city", "paris")}
    topic = iri("topic", "periodic-reporting")
    assert objects(store, topic, SKOS.broader) == {iri("topic", "capacity-building")}
    assert objects(store, topic, SKOS.closeMatch) == {ox.NamedNode("http://vocabularies.unesco.org/thesaurus/concept1507")}
    assert ox.Literal("периодическая отчётность", language="ru") in objects(store, topic, SKOS.prefLabel)
    assert objects(store, iri("scheme", "topics"), SKOS.hasTopConcept) == {iri("topic", "capacity-building")}


def test_each_file_has_its_own_graph_with_load_metadata(root, loaded):
    store, _ = loaded
    event_file = EV + "almaty-2017-2005-training.yaml"
    g = graph(event_file)
    assert {q.subject for q in store.quads(g)} >= {iri("event", "almaty-2017-2005-training")}
    assert not any(q.subject == iri("country", "KZ") for q in store.quads(g))
    assert objects(store, g, CKG.sha256) == {ox.Literal(hashlib.sha256((root / event_file).read_bytes()).hexdigest())}
    assert objects(store, g, CKG.sourceFile) == {ox.Literal(event_file)}
    assert objects(store, g, RDF.type) == {PROV.Entity}
    table = graph("data/reference/organizations.csv")
    digest = hashlib.sha256((root / "data/reference/organizations.csv").read_bytes() + (root / "data/reference/organizations.meta.yaml").read_bytes())
    assert objects(store, table, CKG.sha256) == {ox.Literal(digest.hexdigest())}
    assert objects(store, table, PROV.wasDerivedFrom) == {ox.NamedNode("https://example.org/culturekg/fixtures/organizations")}
    assert objects(store, graph(EV + "qpr-2023-two-venues.yaml"), PROV.wasDerivedFrom) == {ox.NamedNode("https://example.org/culturekg/fixtures/qpr")}
    # Load metadata lives in the meta graph only.
    assert all(q.graph_name == META for q in store.quads() if q.predicate == CKG.sha256)


def test_ontology_is_loaded_in_its_own_graph(loaded):
    store, report = loaded
    ontology = graph("ontology/culturekg.ttl")
    assert ox.Quad(CKG.TrainingWorkshop, RDFS.subClassOf, CKG.Workshop, ontology) in set(store.quads(ontology))
    # Queries see the ontology with the records, so they can ask for any kind of workshop.
    hierarchy = store.select(
        "SELECT ?e WHERE { ?e a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?super }", {"super": CKG.Workshop}
    )
    assert {row[0] for row in hierarchy.rows} == {
        iri("event", "almaty-2017-2005-training"), iri("event", "cdis-aktau-2016"), iri("event", "qpr-2023-two-venues")}
    assert "ontology/culturekg.ttl" in report.changed


def test_report_counts_files_triples_and_entities(root, loaded):
    store, report = loaded
    files = [p.relative_to(root).as_posix() for p in (root / "data").rglob("*") if p.is_file() and not p.name.endswith(".meta.yaml")]
    files.append("ontology/culturekg.ttl")
    assert sorted(report.files_read) == sorted(files)
    assert len(report.changed) == 14 + 1 and report.unchanged == [] and report.removed == []
    assert report.triples_written == store.count() == len(set(store.quads()))
    assert report.entities["ckg:Participation"] == 10
    assert report.entities["ckg:Country"] == 5
    assert report.entities["ckg:Venue"] == 2
    assert report.entities["ckg:Membership"] == 4
    assert "ckg:TrainingWorkshop: 2" in report.summary()
    # Each thing once, under its most specific class: superclass types are not counted again.
    assert "ckg:Event" not in report.entities and "ckg:Agent" not in report.entities
    things = store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } FILTER(?g != ?meta) }",
                          {"meta": META})
    ontology_individuals = store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } }",
                                        {"g": graph("ontology/culturekg.ttl")})
    assert sum(report.entities.values()) == int(things.rows[0][0].value) - int(ontology_individuals.rows[0][0].value)


def test_superclass_types_sit_in_the_graph_of_the_asserted_type(loaded):
    store, _ = loaded
    ontology = graph("ontology/culturekg.ttl")
    meta_and_ontology = {META, ontology}
    typed = [q for q in store.quads() if q.predicate == RDF.type and q.graph_name not in meta_and_ontology]
    types = {}
    for q in typed:
        types.setdefault((q.subject, q.graph_name), set()).add(q.object)
    hierarchy = store.select("SELECT ?c ?super WHERE { GRAPH ?o { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?super } }",
                             {"o": ontology})
    for (subject, g), classes in types.items():
        for c, sup in hierarchy.rows:
            if c in classes and sup.value.startswith(CKG_NS):
                assert sup in classes, (subject, g, c, sup)
    # External superclasses are alignments stated once in the ontology, not repeated per instance.
    assert not any(q.object.value.startswith("https://schema.org/") for q in typed)
    assert ox.Quad(iri("event", "felt-2019"), RDF.type, CKG.Event, graph(EV + "felt-2019.yaml")) in set(store.quads())


def test_a_changed_class_hierarchy_retypes_unchanged_records(root, loaded):
    store, _ = loaded
    event = iri("event", "felt-2019")
    assert objects(store, event, RDF.type) == {CKG.Exhibition, CKG.Event}
    own = root / "ontology" / "culturekg.ttl"
    own.parent.mkdir()
    text = shipped_ontology_file().read_text(encoding="utf-8")
    own.write_text(text + "\nckg:Exhibition rdfs:subClassOf ckg:Meeting .\n", encoding="utf-8")
    report = load(load_project(root), store)
    assert objects(store, event, RDF.type) == {CKG.Exhibition, CKG.Meeting, CKG.Event}
    assert EV + "felt-2019.yaml" in report.changed
    # A change that leaves the hierarchy as it was rewrites the ontology graph only.
    own.write_text(own.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert load(load_project(root), store).changed == ["ontology/culturekg.ttl"]


def test_loading_the_same_files_twice_gives_the_same_graph(root, loaded):
    store, _ = loaded
    before = set(store.quads())
    again = load(load_project(root), store)
    assert set(store.quads()) == before
    assert again.changed == [] and again.triples_written == 0 and len(again.unchanged) == 15
    fresh = EmbeddedStore()
    load(load_project(root), fresh)
    assert set(fresh.quads()) == before


def test_a_changed_file_replaces_only_its_graph(root, loaded):
    store, _ = loaded
    changed = EV + "felt-2019.yaml"
    others = {g: set(store.quads(g)) for g in store.named_graphs() if g not in (graph(changed), META)}
    path = root / changed
    path.write_text(path.read_text(encoding="utf-8").replace("Felt carpet exhibition", "Felt carpets"), encoding="utf-8")
    report = load(load_project(root), store)
    assert report.changed == [changed]
    assert objects(store, iri("event", "felt-2019"), RDFS.label) == {ox.Literal("Felt carpets", language="en")}
    assert {g: set(store.quads(g)) for g in others} == others
    assert objects(store, graph(changed), CKG.sha256) == {ox.Literal(hashlib.sha256(path.read_bytes()).hexdigest())}


def test_a_deleted_file_takes_its_triples_and_metadata_with_it(root, loaded):
    store, _ = loaded
    gone = EV + "felt-2019.yaml"
    (root / gone).unlink()
    report = load(load_project(root), store)
    assert report.removed == [gone]
    assert graph(gone) not in store.named_graphs()
    assert not any(q.subject == iri("event", "felt-2019") for q in store.quads())
    assert not any(q.subject == graph(gone) for q in store.quads(META))


def test_json_record_gives_the_same_triples_as_yaml(tmp_path):
    yaml_root, json_root = tmp_path / "y", tmp_path / "j"
    for target in (yaml_root, json_root):
        shutil.copytree(FIXTURES / "project", target)
    name = "almaty-2017-2005-training"
    source = json_root / EV / f"{name}.yaml"
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    source.unlink()
    (json_root / EV / f"{name}.json").write_text(json.dumps(document, default=str, ensure_ascii=False, indent=2), encoding="utf-8")
    stores = []
    for target, suffix in ((yaml_root, "yaml"), (json_root, "json")):
        store = EmbeddedStore()
        load(load_project(target), store)
        stores.append({q.triple for q in store.quads(graph(f"{EV}{name}.{suffix}"))})
    assert stores[0] == stores[1] and len(stores[0]) > 40


def test_base_iri_comes_from_the_project(root):
    store = EmbeddedStore()
    load(load_project(root, base_iri="https://example.org/kg/"), store)
    event = ox.NamedNode("https://example.org/kg/id/event/felt-2019")
    assert ox.NamedNode("https://example.org/kg/graph/data/records/events/felt-2019.yaml") in store.named_graphs()
    assert objects(store, event, RDF.type) == {CKG.Exhibition, CKG.Event}
    assert not any(q.subject.value.startswith(BASE + "id/") for q in store.quads())


def test_progress_is_reported_per_stage(root):
    seen = []
    load(load_project(root), EmbeddedStore(), progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert ("read", 14, 14) in seen and ("map", 14, 14) in seen
    assert seen[-1][0] == "write" and seen[-1][1] == seen[-1][2] > 0


def test_unchanged_events_are_not_read_again_when_reference_data_did_not_change(root, loaded):
    store, _ = loaded
    changed = EV + "felt-2019.yaml"
    path = root / changed
    path.write_text(path.read_text(encoding="utf-8").replace("country: KG", "country: UZ"), encoding="utf-8")
    report = load(load_project(root), store)
    assert [f for f in report.files_read if f.startswith(EV)] == [changed]
    assert "data/reference/countries.csv" in report.files_read  # events refer to it
    assert report.changed == [changed]
    assert objects(store, iri("event", "felt-2019"), CKG.country) == {iri("country", "UZ")}
    # The full check reads everything and finds nothing more to write.
    full = load(load_project(root), store, full=True)
    assert len([f for f in full.files_read if f.startswith(EV)]) == 4 and full.changed == []


def test_fast_path_still_refuses_a_venue_renamed_by_another_record(root, loaded):
    store, _ = loaded
    before = set(store.quads())
    shutil.copytree(FIXTURES / "bad" / "venue-conflict", root, dirs_exist_ok=True)
    with pytest.raises(RecordError) as caught:
        load(load_project(root), store)
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == (EV + "venue-conflict.yaml", 7)
    assert "'Conference Room, Tower C' in " + BASE + "graph/" + EV + "qpr-2023-two-venues.yaml" in problem.message
    assert set(store.quads()) == before


def test_a_changed_reference_file_rechecks_unchanged_records(root, loaded):
    store, _ = loaded
    before = set(store.quads())
    table = root / "data/reference/organizations.csv"
    table.write_text("\n".join(l for l in table.read_text(encoding="utf-8").splitlines() if not l.startswith("kazfuca,")) + "\n", encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        load(load_project(root), store)
    assert [(p.path, p.field) for p in caught.value.problems] == [(EV + "cdis-aktau-2016.json", "participants[1].organization")]
    assert set(store.quads()) == before


def test_deleting_an_event_others_refer_to_is_refused(root, loaded):
    store, _ = loaded
    (root / EV / "almaty-2017-2005-training.yaml").unlink()
    with pytest.raises(RecordError) as caught:
        load(load_project(root), store)
    assert [(p.path, p.field) for p in caught.value.problems] == [(EV + "qpr-2023-two-venues.yaml", "part_of")]


def test_large_loads_write_in_batches_from_disk_with_the_same_result(root, loaded, monkeypatch):
    store, _ = loaded
    import culturekg.loader as loader_module

    monkeypatch.setattr(loader_module, "BATCH_TRIPLES", 40)  # 200 triples in memory, the rest spilled
    applied = []
    batched = EmbeddedStore()
    original = batched.apply
    monkeypatch.setattr(batched, "apply", lambda change: (applied.append(change.triple_count()), original(change)))
    report = load(load_project(root), batched)
    assert set(batched.quads()) == set(store.quads())
    assert len(applied) > 5 and sum(applied) == report.triples_written


def test_one_group_may_take_part_in_several_roles(root):
    event = root / EV / "felt-2019.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("source:", """participants:
  - {role: participant, group: {label: felt makers, count: 12}}
  - {role: speaker, group: {label: felt makers, count: 12}}
source:"""), encoding="utf-8")
    store = EmbeddedStore()
    load(load_project(root), store)
    group = iri("group", "felt-2019--felt-makers")
    roles = store.select("SELECT ?role WHERE { ?p ?agent ?g ; ?has ?role }", {"agent": CKG.agent, "g": group, "has": CKG.role})
    assert {row[0] for row in roles.rows} == {ROLE.participant, ROLE.speaker}
    assert counts(objects(store, group, CKG.headCount)) == {12}


def test_superclass_closure_keeps_to_ckg_classes_and_survives_cycles():
    schema_event = ox.NamedNode("https://schema.org/Event")
    a, b, c = CKG.Workshop, CKG.Event, CKG.Meeting
    triples = [ox.Triple(a, RDFS.subClassOf, b), ox.Triple(b, RDFS.subClassOf, c), ox.Triple(c, RDFS.subClassOf, b),
               ox.Triple(b, RDFS.subClassOf, schema_event), ox.Triple(a, RDFS.subClassOf, ox.BlankNode())]
    closure = superclasses(triples)
    assert closure == {a: frozenset({b, c}), b: frozenset({c}), c: frozenset({b})}
    thing = iri("event", "x")
    extra = superclass_types([ox.Triple(thing, RDF.type, a), ox.Triple(thing, RDF.type, c)], closure)
    assert extra == [ox.Triple(thing, RDF.type, b)]


def test_records_loaded_without_superclass_types_get_them_at_the_next_load(root, loaded):
    """A store built before the loader added superclass types is brought up to date, though no file changed."""
    store, _ = loaded
    ontology = graph("ontology/culturekg.ttl")
    classes = superclasses(q.triple for q in store.quads(ontology))
    typed = [q for q in store.quads() if q.predicate == RDF.type and q.graph_name not in (ontology, META)]
    types = {}
    for q in typed:
        types.setdefault((q.subject, q.graph_name), set()).add(q.object)
    for q in typed:
        if any(q.object in classes.get(c, ()) for c in types[(q.subject, q.graph_name)]):
            store.oxigraph.remove(q)
    event = iri("event", "felt-2019")
    assert objects(store, event, RDF.type) == {CKG.Exhibition}
    report = load(load_project(root), store)
    assert objects(store, event, RDF.type) == {CKG.Exhibition, CKG.Event}
    assert EV + "felt-2019.yaml" in report.changed
    assert load(load_project(root), store).changed == []



def _ontology(statements: str) -> list[ox.Triple]:
    text = ("@prefix ckg: <https://w3id.org/culturekg/ontology#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
            "@prefix ckgr: <https://w3id.org/culturekg/ontology/role/> .\n" + statements)
    return list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))


def _chain_ontology(extra: str = "") -> list[ox.Triple]:
    return _ontology("ckg:participatingSector owl:propertyChainAxiom ( [ owl:inverseOf ckg:event ] ckg:agent ckg:sector ) .\n" + extra)


def test_property_chain_links_are_worked_out_within_a_graph():
    chains = property_chains(_chain_ontology())
    event, other = iri("event", "x"), iri("event", "y")
    p1, p2, p3 = (iri("participation", f"x-{n}") for n in (1, 2, 3))
    group, person = iri("group", "x--g"), iri("person", "p")
    media, ministry = iri("sector", "media"), iri("sector", "ministry-of-culture")
    triples = [
        ox.Triple(p1, CKG.event, event), ox.Triple(p1, CKG.agent, group), ox.Triple(group, CKG.sector, media),
        # A person has no sector: no link. A group's sector stated twice gives one link.
        ox.Triple(p2, CKG.event, event), ox.Triple(p2, CKG.agent, person),
        ox.Triple(p3, CKG.event, other), ox.Triple(p3, CKG.agent, group),
        # Already stated: not repeated.
        ox.Triple(other, CKG.participatingSector, media),
        ox.Triple(iri("group", "lone"), CKG.sector, ministry),
    ]
    assert chain_links(triples, chains) == [ox.Triple(event, CKG.participatingSector, media)]
    assert chain_links(triples[:2], chains) == []
    assert chain_links(triples, frozenset()) == []


def test_a_chain_may_follow_another_chains_property():
    chains = property_chains(_chain_ontology(
        "ckg:seriesSector owl:propertyChainAxiom ( [ owl:inverseOf ckg:partOf ] ckg:participatingSector ) .\n"))
    event, series, p, group, media = iri("event", "x"), iri("event", "s"), iri("participation", "x-1"), iri("group", "g"), iri("sector", "media")
    triples = [ox.Triple(event, CKG.partOf, series), ox.Triple(p, CKG.event, event), ox.Triple(p, CKG.agent, group),
               ox.Triple(group, CKG.sector, media)]
    links = chain_links(triples, chains)
    assert ox.Triple(event, CKG.participatingSector, media) in links
    assert ox.Triple(series, ox.NamedNode(CKG_NS + "seriesSector"), media) in links
    assert len(links) == 2


@pytest.mark.parametrize("chain, complaint", [
    ("( <https://schema.org/about> ckg:sector )", "step 1 is not a ckg: property"),
    ("( ckg:sector )", "at least two steps"),
    ("[ a ckg:NotAList ]", "not a well-formed list"),
])
def test_a_chain_the_loader_cannot_follow_is_refused_naming_the_ontology(chain, complaint):
    with pytest.raises(RecordError) as caught:
        property_chains(_ontology(f"ckg:bad owl:propertyChainAxiom {chain} .\n"))
    problem = caught.value.problems[0]
    assert problem.path == "ontology/culturekg.ttl"
    assert complaint in problem.message and "ontology#bad" in problem.message


def test_the_loader_writes_the_ontologys_chain_links_into_each_events_graph(loaded):
    store, _ = loaded
    event = iri("event", "almaty-2017-2005-training")
    assert objects(store, event, CKG.participatingSector) == {iri("sector", "ministry-of-culture")}
    links = [q for q in store.quads() if q.predicate == CKG.participatingSector]
    assert {q.graph_name for q in links} == {graph(EV + "almaty-2017-2005-training.yaml")}


def _role_ontology(extra: str = "") -> list[ox.Triple]:
    return _ontology("ckgr:facilitator ckg:unqualifiedForm ckg:facilitator .\n" + extra)


def test_a_roles_unqualified_links_are_worked_out_within_a_graph():
    forms = unqualified_forms(_role_ontology())
    event, other = iri("event", "x"), iri("event", "y")
    p1, p2, p3, p4 = (iri("participation", f"x-{n}") for n in (1, 2, 3, 4))
    alma, bo, unesco = iri("person", "alma"), iri("person", "bo"), iri("org", "unesco")
    triples = [
        ox.Triple(p1, CKG.event, event), ox.Triple(p1, CKG.agent, alma), ox.Triple(p1, CKG.role, ROLE.facilitator),
        # Another role: no link.
        ox.Triple(p2, CKG.event, event), ox.Triple(p2, CKG.agent, unesco), ox.Triple(p2, CKG.role, ROLE.organizer),
        # Already stated: not repeated.
        ox.Triple(p3, CKG.event, other), ox.Triple(p3, CKG.agent, bo), ox.Triple(p3, CKG.role, ROLE.facilitator),
        ox.Triple(other, CKG.facilitator, bo),
        # No agent: nothing to link.
        ox.Triple(p4, CKG.event, other), ox.Triple(p4, CKG.role, ROLE.facilitator),
    ]
    assert unqualified_links(triples, forms) == [ox.Triple(event, CKG.facilitator, alma)]
    assert unqualified_links(triples[3:], forms) == []
    assert unqualified_links(triples, frozenset()) == []


@pytest.mark.parametrize("extra, complaint", [
    ("ckgr:facilitator ckg:unqualifiedForm ckg:trainer .\n", "two ckg:unqualifiedForm properties"),
    ("ckgr:speaker ckg:unqualifiedForm <https://schema.org/performer> .\n", "the property a ckg: one"),
])
def test_an_unqualified_form_the_loader_cannot_write_is_refused_naming_the_ontology(extra, complaint):
    with pytest.raises(RecordError) as caught:
        unqualified_forms(_role_ontology(extra))
    problem = caught.value.problems[0]
    assert problem.path == "ontology/culturekg.ttl"
    assert complaint in problem.message


def test_the_loader_writes_each_facilitators_link_into_the_events_graph(loaded):
    store, _ = loaded
    event = iri("event", "almaty-2017-2005-training")
    facilitators = objects(store, event, CKG.facilitator)
    stated = {q.object for q in store.quads() if q.predicate == CKG.agent
              and ox.Quad(q.subject, CKG.role, ROLE.facilitator, q.graph_name) in store.oxigraph
              and ox.Quad(q.subject, CKG.event, event, q.graph_name) in store.oxigraph}
    assert facilitators == stated and len(facilitators) >= 1
    links = [q for q in store.quads() if q.predicate == CKG.facilitator]
    assert graph(EV + "almaty-2017-2005-training.yaml") in {q.graph_name for q in links}
    # Only facilitators: no organizer of any event is linked so.
    organizers = {q.object for q in store.quads() if q.predicate == CKG.agent
                  and ox.Quad(q.subject, CKG.role, ROLE.organizer, q.graph_name) in store.oxigraph}
    assert organizers and not organizers & {q.object for q in links}


def test_a_transitive_propertys_links_are_worked_out_within_a_graph():
    transitive = transitive_properties(_ontology("ckg:inRegion a owl:ObjectProperty , owl:TransitiveProperty .\n"
                                                 "ckg:sector a owl:ObjectProperty .\n"))
    assert transitive == frozenset({CKG.inRegion.value})
    caribbean, latin_america, americas, world = (iri("region", k) for k in ("m49-029", "m49-419", "m49-019", "m49-001"))
    jm = iri("country", "JM")
    triples = [
        ox.Triple(caribbean, CKG.inRegion, latin_america), ox.Triple(latin_america, CKG.inRegion, americas),
        ox.Triple(americas, CKG.inRegion, world),
        # Already stated: not repeated.
        ox.Triple(jm, CKG.inRegion, caribbean), ox.Triple(jm, CKG.inRegion, latin_america),
        # Not transitive: not followed.
        ox.Triple(caribbean, CKG.sector, americas), ox.Triple(americas, CKG.sector, world),
    ]
    assert transitive_links(triples, transitive) == sorted([
        ox.Triple(caribbean, CKG.inRegion, americas), ox.Triple(caribbean, CKG.inRegion, world),
        ox.Triple(jm, CKG.inRegion, americas), ox.Triple(jm, CKG.inRegion, world),
        ox.Triple(latin_america, CKG.inRegion, world),
    ], key=lambda t: (t.predicate.value, str(t.subject), str(t.object)))
    assert transitive_links(triples, frozenset()) == []
    # A cycle links each node to the others, never to itself.
    cycle = [ox.Triple(caribbean, CKG.inRegion, americas), ox.Triple(americas, CKG.inRegion, caribbean),
             ox.Triple(americas, CKG.inRegion, world)]
    assert set(transitive_links(cycle, transitive)) == {ox.Triple(caribbean, CKG.inRegion, world)}


def test_the_loader_writes_every_region_above_a_region(root):
    regions = root / "data" / "reference" / "regions.csv"
    regions.write_text(regions.read_text(encoding="utf-8") + "m49-901,Test Intermediate,m49-intermediate,901,m49-151\n",
                       encoding="utf-8")
    store = EmbeddedStore()
    load(load_project(root), store)
    assert objects(store, iri("region", "m49-901"), CKG.inRegion) == {iri("region", "m49-151"), iri("region", "m49-150")}
    assert ox.Quad(iri("region", "m49-901"), CKG.inRegion, iri("region", "m49-150"),
                   graph("data/reference/regions.csv")) in store.oxigraph


def test_a_new_chain_in_the_ontology_rewrites_unchanged_records(root):
    """An ontology without the chain, then with it: the second load writes the links, though no record changed."""
    own = root / "ontology" / "culturekg.ttl"
    own.parent.mkdir()
    shipped = shipped_ontology_file().read_text(encoding="utf-8")
    chain = "    owl:propertyChainAxiom ( [ owl:inverseOf ckg:event ] ckg:agent ckg:sector ) ;\n"
    assert chain in shipped
    own.write_text(shipped.replace(chain, ""), encoding="utf-8")
    store = EmbeddedStore()
    load(load_project(root), store)
    event = iri("event", "almaty-2017-2005-training")
    assert objects(store, event, CKG.participatingSector) == set()
    own.write_text(shipped, encoding="utf-8")
    report = load(load_project(root), store)
    assert EV + "almaty-2017-2005-training.yaml" in report.changed
    assert objects(store, event, CKG.participatingSector) == {iri("sector", "ministry-of-culture")}
    fresh = EmbeddedStore()
    load(load_project(root), fresh)
    assert set(fresh.quads()) == set(store.quads())
