"""Incremental validation: after one record changes, the merged report equals a full revalidation."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from culturekg.project import load_project
from culturekg.store import EmbeddedStore, GraphChange
from culturekg.validate.api import load_shapes
from culturekg.validate.incremental import (
    changed_graphs, load_state, save_state, state_path, validate_full, validate_incremental,
)
from test_validate import BASE, ID, ROOT, fill_corpus

CKG = "https://w3id.org/culturekg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT)


@pytest.fixture(scope="module")
def shapes(project):
    return load_shapes(project)


@pytest.fixture()
def store():
    store = EmbeddedStore()
    fill_corpus(store.oxigraph)
    return store


def graph(path: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + "graph/" + path)


def triples(store: EmbeddedStore, g: ox.NamedNode) -> list[ox.Triple]:
    return [q.triple for q in store.quads(g)]


def key(report) -> set:
    return {(r.identity, r.source_files) for r in report.results}


def check_equal_to_full(store, project, shapes, state, changed):
    incremental, new_state = validate_incremental(store, project, changed, state, shapes=shapes)
    full, _ = validate_full(store, project, shapes=shapes)
    assert incremental.revalidated is not None, "expected an incremental run, not a full one"
    assert key(incremental) == key(full)
    assert {r.identity for r in new_state.results} == {r.identity for r in full.results}
    return incremental, new_state


def test_changed_event_record(store, project, shapes):
    _, state = validate_full(store, project, shapes=shapes)
    g = graph("data/records/events/ex-roles.yaml")
    content = triples(store, g)
    fixed = ox.NamedNode(ID + "participation/ex-roles--1")
    # Participation 1 gets its one role, participation 5 disappears, a new broken one appears.
    content = [t for t in content if not str(t.subject).endswith("ex-roles--5>")]
    content.append(ox.Triple(fixed, ox.NamedNode(CKG + "role"), ox.NamedNode("https://w3id.org/culturekg/ontology/role/speaker")))
    newcomer = ox.NamedNode(ID + "participation/ex-roles--6")
    content += [ox.Triple(newcomer, RDF_TYPE, ox.NamedNode(CKG + "Participation")),
                ox.Triple(newcomer, ox.NamedNode(CKG + "event"), ox.NamedNode(ID + "city/ex-town"))]
    before = {r.identity for r in state.results}
    store.apply(GraphChange(replace={g: content}))
    report, _ = check_equal_to_full(store, project, shapes, state, {g})
    assert {r.identity for r in report.results} != before
    assert any(r.focus == newcomer for r in report.results)
    assert report.revalidated < len(list(store.oxigraph.quads_for_pattern(None, RDF_TYPE, None, None)))


def test_changed_reference_file_reaches_the_records_that_point_at_it(store, project, shapes):
    _, state = validate_full(store, project, shapes=shapes)
    g = graph("data/reference/places.csv")
    town = ox.NamedNode(ID + "city/ex-town")
    # The town stops being a city: events, venues and conventions pointing at it now break sh:class.
    content = [t for t in triples(store, g) if not (t.subject == town and t.predicate == RDF_TYPE)]
    store.apply(GraphChange(replace={g: content}))
    report, _ = check_equal_to_full(store, project, shapes, state, {g})
    assert any(r.value == town and r.focus == ox.NamedNode(ID + "event/ex-good") for r in report.results)


def test_deleted_record_drops_its_results_and_what_it_linked(store, project, shapes):
    _, state = validate_full(store, project, shapes=shapes)
    g = graph("data/records/events/ex-dates.yaml")
    store.apply(GraphChange(drop={g}))
    report, _ = check_equal_to_full(store, project, shapes, state, {g})
    assert not any("data/records/events/ex-dates.yaml" in r.source_files for r in report.results)


def test_two_changes_in_a_row_with_the_state_saved_and_read_back(store, project, shapes, tmp_path):
    _, state = validate_full(store, project, shapes=shapes)
    path = state_path(tmp_path / "store")
    save_state(state, path)
    restored = load_state(path)
    assert restored is not None
    assert [(r.identity, r.source_files, r.focus_key, r.message, r.path_text) for r in restored.results] == \
        [(r.identity, r.source_files, r.focus_key, r.message, r.path_text) for r in state.results]
    g1 = graph("data/records/events/ex-good.yaml")
    content = [t for t in triples(store, g1) if t.predicate != ox.NamedNode(CKG + "reportedIn")]
    store.apply(GraphChange(replace={g1: content}))
    _, state2 = check_equal_to_full(store, project, shapes, restored, {g1})
    save_state(state2, path)
    g2 = graph("data/reference/people.csv")
    expert = ox.NamedNode(ID + "person/ex-expert")
    content = [t for t in triples(store, g2) if t.subject != expert]
    store.apply(GraphChange(replace={g2: content}))
    check_equal_to_full(store, project, shapes, load_state(path), {g2})


def test_full_validation_when_there_is_no_usable_state(store, project, shapes, tmp_path):
    bad = tmp_path / "state.json.gz"
    bad.write_bytes(b"not gzip")
    assert load_state(bad) is None
    assert load_state(tmp_path / "missing.json.gz") is None
    report, state = validate_incremental(store, project, changed_graphs(project, ["data/records/events/ex-good.yaml"]), None, shapes=shapes)
    assert report.revalidated is None
    assert state.exact
    # The ontology changing makes every result suspect: a full run again.
    report, _ = validate_incremental(store, project, changed_graphs(project, ["ontology/culturekg.ttl"]), state, shapes=shapes)
    assert report.revalidated is None


def test_changed_graphs_names_files_as_the_loader_does(project):
    assert changed_graphs(project, ["data/records/events/x y.yaml"]) == {
        ox.NamedNode(BASE + "graph/data/records/events/x%20y.yaml")}


def test_a_node_that_loses_an_incoming_link_is_revalidated(store, project, shapes):
    # A date range kept in a file of its own, linked from the good workshop's file: when the link goes,
    # the range has no event any more (its shape's inverse path), though its own file did not change.
    rng = ox.NamedNode(ID + "daterange/ex-good--9")
    alone = graph("data/records/events/ex-range.yaml")
    store.apply(GraphChange(replace={alone: [
        ox.Triple(rng, RDF_TYPE, ox.NamedNode(CKG + "DateRange")),
        ox.Triple(rng, ox.NamedNode(CKG + "startDate"), ox.Literal("2017-07-26", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))),
    ]}))
    g = graph("data/records/events/ex-good.yaml")
    link = ox.Triple(ox.NamedNode(ID + "event/ex-good"), ox.NamedNode(CKG + "dateRange"), rng)
    store.apply(GraphChange(replace={g: triples(store, g) + [link]}))
    _, state = validate_full(store, project, shapes=shapes)
    assert not any(r.focus == rng for r in state.results)
    store.apply(GraphChange(replace={g: [t for t in triples(store, g) if t != link]}))
    report, _ = check_equal_to_full(store, project, shapes, state, {g})
    assert any(r.focus == rng and r.source_files == ("data/records/events/ex-range.yaml",) for r in report.results)


def test_store_validation_after_reloading_a_changed_record(tmp_path):
    """End to end: load the loader's miniature project, change one record file, load again; the
    changed graphs are found from the load metadata and the incremental report equals a full one."""
    import shutil

    from culturekg.loader import load
    from culturekg.validate.incremental import graphs_changed_since, validate_store

    root = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "records" / "project", root)
    shutil.copytree(ROOT / "ontology", root / "ontology")
    # A stricter rule than the project's, so that the records break something the change can alter.
    with (root / "ontology" / "shapes.ttl").open("a", encoding="utf-8") as shapes_file:
        shapes_file.write("\n<https://example.org/test#OnlyKyrgyzstan> a <http://www.w3.org/ns/shacl#NodeShape> ;\n"
                          "  <http://www.w3.org/ns/shacl#targetClass> <https://w3id.org/culturekg/ontology#Event> ;\n"
                          "  <http://www.w3.org/ns/shacl#property> [ <http://www.w3.org/ns/shacl#path> <https://w3id.org/culturekg/ontology#country> ;\n"
                          "    <http://www.w3.org/ns/shacl#in> ( <https://w3id.org/culturekg/id/country/KG> ) ] .\n")
    project = load_project(root)
    store = EmbeddedStore(tmp_path / "store")
    state_file = state_path(tmp_path / "store")
    load(project, store)
    first = validate_store(store, project, state_file)
    assert first.revalidated is None and state_file.is_file()
    assert graphs_changed_since(store, project, load_state(state_file)) == set()

    record = root / "data" / "records" / "events" / "felt-2019.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("country: KG", "country: KZ"), encoding="utf-8")
    (root / "data" / "records" / "events" / "qpr-2023-two-venues.yaml").unlink()
    load(project, store)
    assert graphs_changed_since(store, project, load_state(state_file)) == {
        graph("data/records/events/felt-2019.yaml"), graph("data/records/events/qpr-2023-two-venues.yaml")}
    second = validate_store(store, project, state_file)
    assert second.revalidated is not None
    full, _ = validate_full(store, project)
    assert key(second) == key(full)
    felt = ox.NamedNode(ID + "event/felt-2019")
    assert not any(r.focus == felt for r in first.results)
    assert any(r.focus == felt and r.value == ox.NamedNode(ID + "country/KZ") for r in second.results)
    assert not any("data/records/events/qpr-2023-two-venues.yaml" in r.source_files for r in second.results)
    assert any("data/records/events/qpr-2023-two-venues.yaml" in r.source_files for r in first.results)
    assert load_state(state_file).fingerprints == validate_full(store, project)[1].fingerprints


def test_a_state_that_cannot_be_written_warns_and_the_report_stands(store, project, shapes, tmp_path):
    from culturekg.validate.incremental import validate_store

    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.warns(UserWarning, match="cannot keep the validation state"):
        report = validate_store(store, project, blocker / "store.validation.json.gz", shapes=shapes)
    assert report.results


def test_sparql_constraints_are_revalidated_only_near_the_change(store, project, shapes):
    """The shipped sh:sparql constraints and ckgsh:notBefore read a bounded distance from $this, so an
    incremental run reruns none of them on every focus node, and still equals a full one."""
    from culturekg.validate.api import run_engine

    _, state = validate_full(store, project, shapes=shapes)
    g = graph("data/records/events/ex-roles.yaml")
    participation = ox.NamedNode(ID + "participation/ex-roles--1")
    facilitator = ox.NamedNode("https://w3id.org/culturekg/ontology/role/facilitator")
    exactly_one = ox.NamedNode("https://w3id.org/culturekg/shapes#ExactlyOneRole")
    assert any(r.focus == participation and r.source_constraint == exactly_one for r in state.results)
    # Its first role: ExactlyOneRole holds now, and FacilitatorIsPerson judges its agent.
    store.apply(GraphChange(replace={g: triples(store, g) + [ox.Triple(participation, ox.NamedNode(CKG + "role"), facilitator)]}))
    report, _ = check_equal_to_full(store, project, shapes, state, {g})
    assert not any(r.focus == participation and r.source_constraint == exactly_one for r in report.results)
    _, run = run_engine(store, shapes, engine="fast", only={participation})
    assert run.whole == set()


def test_a_cycle_closed_far_from_its_members_is_found(store, project, shapes):
    """NotOwnParent follows ckg:parentOrganization+ without bound: closing a cycle of twelve in one
    record must reach members eleven links away, beyond any reach, so that constraint is rerun on every organization."""
    parent = ox.NamedNode(CKG + "parentOrganization")
    orgs = [ox.NamedNode(ID + f"organization/ex-chain-{i}") for i in range(12)]
    graphs = [graph(f"data/reference/chain-{i}.csv") for i in range(12)]
    # A class each, or the class they share would put them all two edges from any one of them.
    classes = ["CategoryTwoCentre", "CulturalCentre", "FieldOffice", "Foundation", "Gallery", "GovernmentAgency",
               "Ministry", "Museum", "NGO", "NationalCommission", "University", "Secretariat"]
    for i, (org, g) in enumerate(zip(orgs, graphs)):
        content = [ox.Triple(org, RDF_TYPE, ox.NamedNode(CKG + classes[i]))]
        if i < 11:
            content.append(ox.Triple(org, parent, orgs[i + 1]))
        store.apply(GraphChange(replace={g: content}))
    _, state = validate_full(store, project, shapes=shapes)
    own_parent = ox.NamedNode("https://w3id.org/culturekg/shapes#NotOwnParent")
    assert not any(r.source_constraint == own_parent and r.focus in orgs for r in state.results)
    # The closing link alone in its file: no rdf:type in it whose class would reach every organization.
    closing = graph("data/reference/chain-closing.csv")
    store.apply(GraphChange(replace={closing: [ox.Triple(orgs[11], parent, orgs[0])]}))
    report, _ = check_equal_to_full(store, project, shapes, state, {closing})
    assert {r.focus for r in report.results if r.source_constraint == own_parent} >= set(orgs)


def test_an_incremental_step_updates_the_state_file_in_place(store, project, shapes, tmp_path):
    """Only the changed graph's rows and the revalidated results are rewritten; what the file holds
    afterwards is what a full validation would save."""
    import os

    path = state_path(tmp_path / "store")
    _, state = validate_full(store, project, shapes=shapes)
    save_state(state, path)
    inode = os.stat(path).st_ino
    g = graph("data/records/events/ex-roles.yaml")
    dropped = graph("data/records/events/ex-dates.yaml")
    content = [t for t in triples(store, g) if not str(t.subject).endswith("ex-roles--5>")]
    store.apply(GraphChange(replace={g: content}, drop={dropped}))
    _, stepped = check_equal_to_full(store, project, shapes, load_state(path), {g, dropped})
    assert stepped.delta is not None
    save_state(stepped, path)
    assert os.stat(path).st_ino == inode  # updated, not written anew
    saved = load_state(path)
    _, full = validate_full(store, project, shapes=shapes)
    assert sorted(r.identity for r in saved.results) == sorted(r.identity for r in full.results)
    assert set(saved.nodes) == set(full.nodes)
    assert saved.nodes[g.value] == full.nodes[g.value]
    assert saved.fingerprints == full.fingerprints


def test_the_bounds_of_the_sparql_constraints_are_kept_with_the_state(store, project, shapes, tmp_path, monkeypatch):
    """Parsing the shapes' queries again would be most of an incremental run: their bounds are saved."""
    from culturekg.validate import fast

    path = state_path(tmp_path / "store")
    _, state = validate_full(store, project, shapes=shapes)
    assert state.reaches and any(bound is not None for bound in state.reaches.values())
    save_state(state, path)
    assert load_state(path).reaches == state.reaches

    def refuse(query):
        raise AssertionError("a query was parsed again")

    monkeypatch.setattr(fast, "query_reach", refuse)
    g = graph("data/records/events/ex-good.yaml")
    store.apply(GraphChange(replace={g: [t for t in triples(store, g) if t.predicate != ox.NamedNode(CKG + "reportedIn")]}))
    incremental, _ = validate_incremental(store, project, {g}, load_state(path), shapes=shapes)
    monkeypatch.undo()
    assert incremental.revalidated is not None
    assert key(incremental) == key(validate_full(store, project, shapes=shapes)[0])


def test_shapes_targeting_none_of_the_revalidated_nodes_ask_the_store_nothing_more(store, project, shapes):
    """One query per targeted shape says which revalidated nodes it targets; a shape targeting none
    runs no cardinality query, and the report still equals a full one."""
    from rdflib.namespace import SH

    _, state = validate_full(store, project, shapes=shapes)
    g = graph("data/records/events/ex-roles.yaml")
    content = [t for t in triples(store, g) if not str(t.subject).endswith("ex-roles--5>")]
    store.apply(GraphChange(replace={g: content}))
    asked: list[str] = []
    real = store.select

    def spy(query, bindings=None):
        asked.append(query)
        return real(query, bindings)

    store.select = spy
    incremental, _ = validate_incremental(store, project, {g}, state, shapes=shapes)
    store.select = real
    assert incremental.revalidated is not None
    assert key(incremental) == key(validate_full(store, project, shapes=shapes)[0])
    assert any("COUNT(DISTINCT ?v)" in q for q in asked)
    assert not [q for q in asked if re.search(r"VALUES \?this \{\s*\}", q)]
    with_counts = {s for p in (SH.minCount, SH.maxCount) for s in shapes.graph.subjects(p, None)}
    assert len([q for q in asked if "COUNT(DISTINCT ?v)" in q]) < len(with_counts)


def test_parameterised_sparql_constraint_on_the_changed_nodes(project, shapes):
    """The date-order constraint (a SPARQL-based component with a parameter, run on the changed nodes
    with the focus and the parameter in one VALUES block) finds an end date moved before the start,
    as a full run does, and forgets it once mended."""
    from culturekg.loader import load

    store = EmbeddedStore()
    load(project, store)  # the project's own records: events with dates and no results
    _, state = validate_full(store, project, shapes=shapes)
    start, end = ox.NamedNode(CKG + "startDate"), ox.NamedNode(CKG + "endDate")
    rows = store.select("SELECT ?g ?e ?d WHERE { GRAPH ?g { ?e a <%sEvent> ; <%sstartDate> ?d } }" % (CKG, CKG)).rows
    flagged = {r.focus for r in state.results}
    g, event, day = next((g, e, d) for g, e, d in rows if len(d.value) == 10 and d.value > "1901-01-01" and e not in flagged)
    content = [t for t in triples(store, g) if not (t.subject == event and t.predicate == end)]
    broken = content + [ox.Triple(event, end, ox.Literal("1900-01-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")))]
    store.apply(GraphChange(replace={g: broken}))
    report, state = check_equal_to_full(store, project, shapes, state, {g})
    assert any(r.focus == event and r.path == end and "earlier" in r.message for r in report.results), day
    store.apply(GraphChange(replace={g: content + [ox.Triple(event, end, day)]}))
    report, _ = check_equal_to_full(store, project, shapes, state, {g})
    assert not any(r.focus == event and r.path == end and "earlier" in r.message for r in report.results)


def test_a_validation_that_keeps_no_state_does_not_make_one(store, project, shapes, monkeypatch):
    """`culturekg validate` without --incremental: the same report as a full run, and no index or
    fingerprints of every graph made only to be thrown away."""
    import culturekg.validate.incremental as incremental

    full, _ = validate_full(store, project, shapes=shapes)
    assert full.results, "the corpus is meant to have violations"

    def refused(*args, **kwargs):
        raise AssertionError("a state was made with nowhere to keep it")

    monkeypatch.setattr(incremental, "full_state", refused)
    report = incremental.validate_store(store, project, None, shapes=shapes)
    assert key(report) == key(full)


@pytest.mark.parametrize("which", ["shipped", "miniature", "miniature-bulk"])
def test_a_load_tells_the_nodes_of_each_graph_it_wrote_as_the_store_holds_them(which, tmp_path, monkeypatch):
    """LoadReport.nodes stands in for reading each written graph back for the validation state, so it
    must be exactly what _index reads from the store: the same graphs, subjects, objects and predicates."""
    import shutil

    import culturekg.loader as loader_module
    from culturekg.loader import load
    from culturekg.validate.incremental import _index

    if which == "shipped":
        root = ROOT
    else:
        root = tmp_path / "project"
        shutil.copytree(ROOT / "tests" / "fixtures" / "records" / "project", root)
    if which.endswith("-bulk"):
        monkeypatch.setattr(loader_module, "BULK_TRIPLES", 10)
    project = load_project(root)
    store = EmbeddedStore()
    assert load(project, EmbeddedStore()).nodes == {}  # only when asked for
    report = load(project, store, nodes=True)
    read_back = _index(store, project, store.named_graphs())
    assert len(read_back) > 5
    assert report.nodes == read_back
    if which == "shipped":
        return
    record = root / "data" / "records" / "events" / "felt-2019.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("country: KG", "country: KZ"), encoding="utf-8")
    report = load(project, store, nodes=True)
    changed = graph("data/records/events/felt-2019.yaml").value
    assert set(report.nodes) == {changed}
    assert "<https://w3id.org/culturekg/id/country/KZ>" in report.nodes[changed][1]
    assert report.nodes[changed] == _index(store, project, store.named_graphs())[changed]


def test_graph_nodes_says_when_a_blank_node_is_among_them():
    from culturekg.validate.statefile import graph_nodes

    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    nodes, blank = graph_nodes([ox.Triple(s, p, ox.Literal("x")), ox.Triple(s, p, s), ox.Triple(s, RDF_TYPE, s)])
    assert nodes == (["<https://example.org/s>"], ["<https://example.org/s>"],
                     ["<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<https://example.org/p>"])
    assert not blank
    assert graph_nodes([ox.Triple(s, p, ox.BlankNode("b1"))])[1]
    assert graph_nodes([ox.Triple(ox.BlankNode("b1"), p, ox.Literal("x"))])[1]
