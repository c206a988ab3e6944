"""Real endpoints (Oxigraph server, Virtuoso 7) as stores: same answers as the embedded store,
graphs replaced one by one, and every failure an EndpointError."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from SPARQLWrapper import SPARQLWrapper

from culturekg.loader import load
from culturekg.project import DEFAULT_BASE_IRI, Project, load_project
from culturekg.push import push
from culturekg.queries.agreement import comparable, rows
from culturekg.queries.catalogue import find
from culturekg.queries.runner import QueryParamError, run
from culturekg.iris import Minter
from culturekg.sparql import tokens
from culturekg.store import EmbeddedStore
from culturekg.store.base import GraphChange
from culturekg.errors import ConfigError
from culturekg.store import remote as remote_module
from culturekg.store.remote import EndpointError, RemoteStore
from culturekg.store.results import parse_ask
from query_fixtures import load_fixture
from servers import (  # noqa: F401 (fixtures)
    VIRTUOSO_MAX_ROWS, Endpoint, oxigraph_server, running_oxigraph, running_virtuoso, virtuoso_server,
)

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parent.parent
QUERY_FIXTURES = ROOT / "tests" / "fixtures" / "queries"
MINIATURE = ROOT / "tests" / "fixtures" / "records" / "project"
NEW_TITLE = "Felt carpet exhibition, renamed for the re-push test"


def remote_store(endpoint: Endpoint, mode: str, base_iri: str = DEFAULT_BASE_IRI, **options) -> RemoteStore:
    """`mode` gsp writes with the Graph Store Protocol, update with SPARQL Update only."""
    return RemoteStore(
        endpoint.query_url,
        update_url=endpoint.update_url,
        gsp_url=endpoint.gsp_url if mode == "gsp" else None,
        timeout=60,
        base_iri=base_iri,
        row_limit=VIRTUOSO_MAX_ROWS if endpoint.admin else None,
        **options,
    )


def copy_project(target: Path, base_iri: str = DEFAULT_BASE_IRI) -> Project:
    shutil.copytree(ROOT / "data", target / "data")
    return load_project(target, base_iri)


def built(project: Project) -> EmbeddedStore:
    store = EmbeddedStore()
    load(project, store)
    return store


# -- the same answers ----------------------------------------------------------------------------

def answer(store, query, params, minter):
    try:
        result = run(store, query, params, minter=minter)
    except QueryParamError as exc:
        return ("refused", str(exc))
    return result.variables, rows(result)


def parameter_sets() -> list:
    """Each stored query with its defaults, and with every parameter set its answer cases use."""
    catalogue = find(ROOT / "queries")
    sets = []
    for name, query in sorted(catalogue.items()):
        seen = []
        if not any(p.required for p in query.params):
            seen.append({})
        cases = QUERY_FIXTURES / "cases" / f"{name}.yaml"
        if cases.is_file():
            for case in yaml.safe_load(cases.read_text(encoding="utf-8")) or []:
                params = {k: str(v) for k, v in (case.get("params") or {}).items()}
                if params not in seen:
                    seen.append(params)
        for index, params in enumerate(seen):
            sets.append(pytest.param(name, params, id=f"{name}[{index}]"))
    return sets


# Each dataset is pushed in full to each server, alternately through the Graph Store Protocol and
# through SPARQL Update alone, so both ways of writing are checked by every query; and read once
# with the project's graphs named in every request, once through the server's union of its graphs
# (what a project of more than NAMED_DATASET_MAX graphs gets), so both ways of reading are too.
DATASETS = [
    ("project", "gsp", "named"), ("project", "update", "union"),
    ("culture.trig", "update", "named"), ("culture.trig", "gsp", "union"),
    ("violations.trig", "gsp", "named"), ("violations.trig", "update", "union"),
]
SERVERS = ["oxigraph", "virtuoso"]


@pytest.fixture(scope="module")
def local_stores(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("project"))
    stores = {"project": built(project)}
    for name in ("culture.trig", "violations.trig"):
        stores[name] = load_fixture(name)
    return stores


@pytest.fixture(scope="module")
def oxigraph_alone(tmp_path_factory):
    """The Oxigraph server offers its union only when it holds no graph but the project's; the shared
    one holds other tests' graphs."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-alone")) as endpoint:
        yield endpoint


@pytest.fixture(scope="module", params=[(s, *d) for s in SERVERS for d in DATASETS], ids=lambda p: "-".join(p))
def pushed(request, local_stores):
    server, dataset, mode, reading = request.param
    fixture = "oxigraph_alone" if (server, reading) == ("oxigraph", "union") else f"{server}_server"
    endpoint = request.getfixturevalue(fixture)
    local = local_stores[dataset]
    push(local, remote_store(endpoint, mode), DEFAULT_BASE_IRI, everything=True)
    remote = remote_store(endpoint, mode, dataset=reading)
    if reading == "union":
        assert remote._union_kind() == server, "the union was not taken"
    return local, remote, server



def test_pushed_graphs_hold_the_same_quads(pushed):
    local, remote, _ = pushed
    assert remote.named_graphs() == local.named_graphs()
    assert remote.count() == local.count()
    for graph in sorted(local.named_graphs(), key=lambda g: g.value):
        assert Counter(comparable_quad(q) for q in remote.quads(graph)) == Counter(comparable_quad(q) for q in local.quads(graph)), graph
    # Every graph at once (one streamed answer from the Oxigraph server).
    assert Counter(comparable_quad(q) for q in remote.quads()) == Counter(comparable_quad(q) for q in local.quads())


def comparable_quad(quad: ox.Quad):
    return tuple(comparable(t) for t in (quad.subject, quad.predicate, quad.object, quad.graph_name))


@pytest.mark.parametrize(("name", "params"), parameter_sets())
def test_stored_query_gives_the_same_answer(name, params, pushed):
    local, remote, server = pushed
    query = find(ROOT / "queries")[name]
    minter = Minter(DEFAULT_BASE_IRI)
    expected, got = answer(local, query, params, minter), answer(remote, query, params, minter)
    assert got == expected


# Virtuoso 7.2 answers `a/rdfs:subClassOf*` wrongly once the query names its dataset, as the tool's
# queries do to keep Virtuoso's system graphs out (openlink/virtuoso-opensource issue 127). The
# loader gives every instance its ckg: superclass types instead, so `?x a ckg:Event` is enough.
def test_no_stored_query_walks_the_class_hierarchy():
    for name, query in find(ROOT / "queries").items():
        assert not any("subClassOf" in t.text for t in tokens(query.text) if t.kind in ("word", "iri")), name


def test_comparisons_are_not_vacuous(local_stores):
    """Most stored queries must find rows in the pushed data, or equal answers would prove little."""
    catalogue = find(ROOT / "queries")
    minter = Minter(DEFAULT_BASE_IRI)
    with_rows = set()
    for param in parameter_sets():
        name, params = param.values
        for store in local_stores.values():
            result = answer(store, catalogue[name], params, minter)
            if result[0] != "refused" and sum(result[1].values()):
                with_rows.add(name)
    assert len(with_rows) >= len(catalogue) * 3 // 4, sorted(set(catalogue) - with_rows)


@pytest.mark.parametrize("reading", ["named", "union"])
def test_virtuoso_system_graphs_stay_out_of_answers(virtuoso_server, reading):
    base = f"https://system-graphs-{reading}.test/"
    remote = remote_store(virtuoso_server, "gsp", base, dataset=reading)
    thing = ox.Triple(ox.NamedNode("urn:test:thing"), ox.NamedNode("urn:test:p"), ox.Literal("x"))
    remote.apply(GraphChange(replace={Minter(base).graph("data/thing.csv"): [thing]}))
    system_class = ox.NamedNode("http://www.openlinksw.com/schemas/virtrdf#QuadMapFormat")
    assert not remote.ask("ASK { ?s a ?class }", {"class": system_class})
    assert remote.count() == 1
    assert [row[0] for row in remote.select("SELECT ?s WHERE { ?s ?p ?o }").rows] == [thing.subject]
    # The same question without the project's dataset does see them: the restriction is what hides them.
    url = virtuoso_server.query_url + "?" + urllib.parse.urlencode({"query": "ASK { ?s a <" + system_class.value + "> }"})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert parse_ask(response.read())


def test_auto_takes_virtuosos_union_always_and_elsewhere_names_the_graphs_up_to_the_limit(virtuoso_server, oxigraph_server, monkeypatch, tmp_path):
    base = "https://dataset-auto.test/"
    thing = ox.Triple(ox.NamedNode("urn:test:auto"), ox.NamedNode("urn:test:p"), ox.Literal("x"))
    graphs = {Minter(base).graph(f"data/auto-{n}.csv"): [thing] for n in range(3)}
    for endpoint in (virtuoso_server, oxigraph_server):
        remote_store(endpoint, "gsp", base).apply(GraphChange(replace=graphs))
    other = Minter("https://dataset-other.test/").graph("data/other.csv")
    remote_store(oxigraph_server, "gsp", "https://dataset-other.test/").apply(GraphChange(replace={other: [thing]}))
    # The same triple in three graphs: each union gives what the embedded store's union gives.
    embedded = EmbeddedStore()
    embedded.apply(GraphChange(replace=graphs))
    every = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    virtuoso = remote_store(virtuoso_server, "gsp", base)
    assert virtuoso._union_kind() == "virtuoso"
    assert Counter(virtuoso.select(every).rows) == Counter(embedded.select(every).rows) != Counter()
    assert virtuoso.count() == embedded.count() == 3
    with running_oxigraph(tmp_path / "alone") as alone:
        remote_store(alone, "gsp", base).apply(GraphChange(replace=graphs))
        monkeypatch.setattr(remote_module, "NAMED_DATASET_MAX", 3)
        assert remote_store(alone, "gsp", base)._union_kind() is None
        monkeypatch.setattr(remote_module, "NAMED_DATASET_MAX", 2)
        above = remote_store(alone, "gsp", base)
        assert above._union_kind() == "oxigraph"
        assert Counter(above.select(every).rows) == Counter(embedded.select(every).rows)
    # The shared Oxigraph server holds other tests' graphs, so its union is not the project's alone:
    # auto names the graphs, and asking for the union is an error that says why.
    shared = remote_store(oxigraph_server, "gsp", base)
    assert shared._union_kind() is None
    assert Counter(shared.select(every).rows) == Counter(embedded.select(every).rows)
    with pytest.raises(ConfigError, match=r"other graphs.*dataset named"):
        remote_store(oxigraph_server, "gsp", base, dataset="union").select("SELECT ?s WHERE { ?s ?p ?o }")


@pytest.mark.parametrize(("server", "reads"), [("oxigraph", 1), ("virtuoso", 3)])
def test_a_graph_is_read_whole_from_oxigraph_and_in_pages_elsewhere(server, reads, request, monkeypatch):
    endpoint = request.getfixturevalue(f"{server}_server")
    base = f"https://pages-{server}.test/"
    graph = Minter(base).graph("data/pages.csv")
    triples = [ox.Triple(ox.NamedNode(f"urn:test:s{n}"), ox.NamedNode("urn:test:p"), ox.Literal(str(n))) for n in range(5)]
    remote_store(endpoint, "gsp", base).apply(GraphChange(replace={graph: triples}))
    store = RemoteStore(endpoint.query_url, timeout=60, base_iri=base, page_rows=2)
    store.named_graphs()
    sent, streams = [], []
    real, real_stream = store._query, store._streamed_select
    monkeypatch.setattr(store, "_query", lambda text, *args, **kw: sent.append(text) or real(text, *args, **kw))
    monkeypatch.setattr(store, "_streamed_select", lambda text: streams.append(text) or real_stream(text))
    assert sorted(t.object.value for t in store._triples(graph)) == [str(n) for n in range(5)]
    # The count first, then the reads: the Oxigraph server's whole graph in one streamed answer, 2 + 2 + 1
    # pages elsewhere.
    assert len(sent) + len(streams) == 1 + reads, (sent, streams)
    assert len(streams) == (1 if server == "oxigraph" else 0)


@pytest.mark.parametrize(("server", "streamed"), [("oxigraph", True), ("virtuoso", False)])
def test_every_quad_is_read_in_one_answer_or_in_batches_of_graphs(server, streamed, request, monkeypatch):
    endpoint = request.getfixturevalue(f"{server}_server")
    base = f"https://every-{server}.test/"
    minter = Minter(base)
    graphs = [minter.graph(f"data/part-{n}.csv") for n in range(3)]
    blank = ox.BlankNode()
    written = {g: [ox.Triple(ox.NamedNode(f"urn:test:s{n}"), ox.NamedNode("urn:test:p"), ox.Literal(f"{g.value} {n}"))
                   for n in range(4)] + [ox.Triple(ox.NamedNode("urn:test:b"), ox.NamedNode("urn:test:q"), blank)]
               for g in graphs}
    remote_store(endpoint, "update", base).apply(GraphChange(replace=written))
    store = remote_store(endpoint, "update", base)
    store.named_graphs()
    sent, streams = [], []
    real_query, real_stream = store._query, store._streamed_select
    monkeypatch.setattr(store, "_query", lambda text, *a, **kw: sent.append(text) or real_query(text, *a, **kw))
    monkeypatch.setattr(store, "_streamed_select", lambda text: streams.append(text) or real_stream(text))
    quads = list(store.quads())
    shape = lambda q: (q.graph_name, q.subject, q.predicate, "_" if isinstance(q.object, ox.BlankNode) else q.object)  # noqa: E731
    assert sorted(map(shape, quads), key=str) == sorted((shape(ox.Quad(t.subject, t.predicate, t.object, g))
                                                         for g, ts in written.items() for t in ts), key=str)
    # A count, then one answer for all three graphs; elsewhere the three graphs' counts, then their triples.
    assert (len(streams), len(sent)) == ((1, 1) if streamed else (0, 2))


@pytest.mark.parametrize("server", SERVERS)
def test_a_read_that_falls_short_of_the_count_is_an_error(server, request, monkeypatch):
    """Whether streamed (Oxigraph) or paged (Virtuoso), fewer triples than the count are never a graph."""
    endpoint = request.getfixturevalue(f"{server}_server")
    base = f"https://short-{server}.test/"
    graph = Minter(base).graph("data/short.csv")
    triples = [ox.Triple(ox.NamedNode(f"urn:test:s{n}"), ox.NamedNode("urn:test:p"), ox.Literal(str(n))) for n in range(5)]
    remote_store(endpoint, "update", base).apply(GraphChange(replace={graph: triples}))
    store = remote_store(endpoint, "update", base)
    real_count, real_counts = store.count, store._counts
    monkeypatch.setattr(store, "count", lambda g=None: real_count(g) + 1)
    # The counts of a batch of graphs, where a whole project is read several graphs to a request.
    monkeypatch.setattr(store, "_counts", lambda names: {g: n + 1 for g, n in real_counts(names).items()})
    with pytest.raises(EndpointError, match=f"graph {graph.value} has 6 triples but 5 were read"):
        list(store.quads(graph))
    with pytest.raises(EndpointError, match="has 6 triples but 5 were read"):
        list(store.quads())


# -- replacing one graph -------------------------------------------------------------------------

def _insert_marker(endpoint: Endpoint, graph: ox.NamedNode, marker: ox.Triple) -> None:
    """Written behind the tool's back, so that a rewrite of that graph would be seen to remove it."""
    text = "INSERT DATA { GRAPH " + str(graph) + " { " + str(marker) + " . } }"
    data = urllib.parse.urlencode({"update": text}).encode()
    with urllib.request.urlopen(urllib.request.Request(endpoint.update_url, data=data), timeout=30) as response:
        assert response.status in (200, 204)


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("mode", ["gsp", "update"])
def test_repush_replaces_only_the_changed_graph(server, mode, request, tmp_path):
    endpoint = request.getfixturevalue(f"{server}_server")
    base = f"https://repush-{mode}.test/"
    shutil.copytree(MINIATURE / "data", tmp_path / "data")
    project = load_project(tmp_path, base)
    local = built(project)
    remote = remote_store(endpoint, mode, base)
    first = push(local, remote, base)
    minter = Minter(base)
    assert len(first.plan.write) == len([g for g in local.named_graphs()])
    assert push(local, remote, base).plan.empty

    changed_file = project.data_dir / "records" / "events" / "felt-2019.yaml"
    changed = minter.graph(changed_file.relative_to(project.root).as_posix())
    untouched = minter.graph("data/reference/countries.csv")
    marker = ox.Triple(ox.NamedNode("urn:test:marker"), ox.NamedNode("urn:test:says"), ox.Literal("left alone"))
    _insert_marker(endpoint, untouched, marker)
    _insert_marker(endpoint, changed, marker)

    text = changed_file.read_text(encoding="utf-8")
    assert "\ntitle: Felt carpet exhibition\n" in text
    changed_file.write_text(text.replace("\ntitle: Felt carpet exhibition\n", f"\ntitle: {NEW_TITLE}\n"), encoding="utf-8")
    load(project, local)
    second = push(local, remote, base)

    assert second.plan.write == [changed, minter.meta_graph]
    assert second.plan.drop == []
    # The meta graph is edited in place: the changed record's checksum out, the new one in.
    removed, added = second.plan.meta_edit
    assert [t.subject for t in removed] == [t.subject for t in added] == [changed]
    fresh = remote_store(endpoint, mode, base)
    meta_remote = Counter(comparable_quad(q) for q in fresh.quads(minter.meta_graph))
    assert meta_remote == Counter(comparable_quad(q) for q in local.quads(minter.meta_graph))
    assert marker in [q.triple for q in fresh.quads(untouched)]
    changed_remote = Counter(comparable_quad(q) for q in fresh.quads(changed))
    assert changed_remote == Counter(comparable_quad(q) for q in local.quads(changed))
    assert any(q.object.value == NEW_TITLE for q in fresh.quads(changed))
    # What queries see follows the change too.
    assert titles(fresh) >= {NEW_TITLE} and "Felt carpet exhibition" not in titles(fresh)

    changed_file.unlink()
    load(project, local)
    third = push(local, remote, base)
    assert third.plan.drop == [changed]
    assert changed not in remote_store(endpoint, mode, base).named_graphs()
    assert NEW_TITLE not in titles(remote_store(endpoint, mode, base))


def titles(store) -> set[str]:
    result = store.select("SELECT ?title WHERE { ?event a ?type ; <http://www.w3.org/2000/01/rdf-schema#label> ?title }")
    return {row[0].value for row in result.rows}


# -- Virtuoso's row limit ------------------------------------------------------------------------

def test_virtuoso_truncation_is_an_error_and_paging_reads_everything(virtuoso_server):
    base = "https://rowlimit.test/"
    graph = Minter(base).graph("data/many.csv")
    p = ox.NamedNode("urn:test:p")
    triples = [ox.Triple(ox.NamedNode(f"urn:test:s{i}"), p, ox.Literal(str(i))) for i in range(VIRTUOSO_MAX_ROWS + 50)]
    remote = remote_store(virtuoso_server, "update", base)
    remote.apply(GraphChange(replace={graph: triples}))

    with pytest.raises(EndpointError, match="row limit"):
        remote.select("SELECT ?s WHERE { ?s ?p ?o }")
    with pytest.raises(EndpointError, match="row limit"):
        remote.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert remote.count(graph) == len(triples)
    assert sorted(q.triple.subject.value for q in remote.quads(graph)) == sorted(t.subject.value for t in triples)
    remote.apply(GraphChange(drop={graph}))
    assert remote.count(graph) == 0


# A stock Virtuoso sorts at most 10,000 rows for a LIMIT (MaxSortedTopRows): sorted pages of a bigger graph
# (the meta graph has 40,000 triples at 10,000 events) were refused from the fourth page on, so a second
# push to the same server failed.
def test_a_graph_bigger_than_virtuosos_sorting_limit_is_read_whole(virtuoso_server):
    base = "https://sortlimit.test/"
    graph = Minter(base).graph("data/big.csv")
    p = ox.NamedNode("urn:test:p")
    blank = ox.BlankNode()
    triples = [ox.Triple(ox.NamedNode(f"urn:test:s{i}"), p, ox.Literal(str(i))) for i in range(12_500)]
    triples += [ox.Triple(ox.NamedNode("urn:test:b"), p, blank), ox.Triple(blank, p, ox.Literal("in a blank node"))]
    remote = remote_store(virtuoso_server, "gsp", base)
    remote.apply(GraphChange(replace={graph: triples}))
    read = list(remote.quads(graph))
    assert len(read) == len(triples)
    assert sorted(q.subject.value for q in read if isinstance(q.subject, ox.NamedNode)) == sorted(
        t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode))
    # The blank node keeps one name across the pages it appears on.
    (named,) = [q.object for q in read if q.subject == ox.NamedNode("urn:test:b")]
    assert [q.object for q in read if q.subject == named] == [ox.Literal("in a blank node")]
    # A store not told the row limit learns it from the first page Virtuoso cuts.
    untold = RemoteStore(virtuoso_server.query_url, timeout=60, base_iri=base)
    assert len(list(untold.quads(graph))) == len(triples)
    remote.apply(GraphChange(drop={graph}))


def test_more_graphs_than_virtuosos_row_limit_are_listed(tmp_path):
    """Virtuoso cuts the list of graphs at its row limit like any answer: a project of more files than
    that (10,017 graphs at 10,000 events, against Debian's 10,000 rows) is listed in pages, also by a
    store that was not told the limit, which learns it from the first cut page."""
    # A Virtuoso of its own: after the other tests, the shared one once refused these inserts
    # ("'nodeID://8192' is not valid bnode IRI", with no blank node in them).
    with running_virtuoso(tmp_path / "virtuoso") as server:
        _more_graphs_than_the_row_limit_are_listed(server)


def _more_graphs_than_the_row_limit_are_listed(virtuoso_server: Endpoint) -> None:
    base = "https://more-graphs-than-rows.test/"
    minter = Minter(base)
    p = ox.NamedNode("urn:test:p")
    graphs = {
        minter.graph(f"data/records/events/e{i}.yaml"): [ox.Triple(ox.NamedNode(f"urn:test:e{i}"), p, ox.Literal(i))]
        for i in range(VIRTUOSO_MAX_ROWS + 150)
    }
    # One graph bigger than an answer, among them: read in pages of its own.
    big = minter.graph("data/records/events/big.yaml")
    graphs[big] = [ox.Triple(ox.NamedNode(f"urn:test:big{i}"), p, ox.Literal(i)) for i in range(VIRTUOSO_MAX_ROWS + 10)]

    def update(text: str) -> None:
        # Many graphs per request: one request per graph would take most of a minute. Not thousands
        # of operations in one request, which Virtuoso takes minutes over, nor one INSERT DATA of
        # thousands of graphs, which it refuses (SP031, its generated SQL too long).
        data = urllib.parse.urlencode({"update": text}).encode("utf-8")
        try:
            with urllib.request.urlopen(urllib.request.Request(virtuoso_server.update_url, data=data), timeout=300):
                pass
        except urllib.error.HTTPError as exc:
            pytest.fail(f"the update was refused: {exc.read()[:300]!r}")

    # About 200 triples to a request, in as many graphs as that takes.
    blocks = [
        "GRAPH " + str(graph) + " { " + ox.serialize(triples[at:at + 200], format=ox.RdfFormat.N_TRIPLES).decode() + " }"
        for graph, triples in graphs.items() for at in range(0, len(triples), 200)
    ]
    big_parts = -(-len(graphs[big]) // 200)  # the big graph's blocks come last, a request each
    small, big_blocks = blocks[:-big_parts], blocks[-big_parts:]
    batches = ["\n".join(small[start:start + 200]) for start in range(0, len(small), 200)] + big_blocks
    for batch in batches:
        update("INSERT DATA { " + batch + " }")
    try:
        told = remote_store(virtuoso_server, "gsp", base)
        assert told.named_graphs() == set(graphs)
        untold = RemoteStore(virtuoso_server.query_url, timeout=60, base_iri=base)
        assert untold.row_limit is None and untold.page_rows > VIRTUOSO_MAX_ROWS
        assert untold.named_graphs() == set(graphs)
        assert untold.row_limit == VIRTUOSO_MAX_ROWS and untold.page_rows < VIRTUOSO_MAX_ROWS
        # A query lists only the graphs it leaves out (Virtuoso's own), not the project's thousands.
        querying = RemoteStore(virtuoso_server.query_url, timeout=60, base_iri=base, row_limit=VIRTUOSO_MAX_ROWS)
        assert querying.select("SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:test:p> ?o }").rows[0][0] == ox.Literal(sum(map(len, graphs.values())))
        assert querying._graphs is None
        assert querying._foreign == told._foreign and told._foreign
        assert not any(g.value.startswith(base) for g in querying._foreign)
        # Every quad, several graphs to a request, by a store told the limit and by one that learns it.
        expected = {ox.Quad(t.subject, t.predicate, t.object, g) for g, triples in graphs.items() for t in triples}
        assert set(remote_store(virtuoso_server, "gsp", base).quads()) == expected
        learning = RemoteStore(virtuoso_server.query_url, timeout=60, base_iri=base)
        assert set(learning.quads()) == expected and learning.row_limit == VIRTUOSO_MAX_ROWS
        # A stored query's answer is not paged: cut, it is still refused.
        with pytest.raises(EndpointError, match="row limit"):
            untold.select("SELECT ?s WHERE { ?s ?p ?o }")
    finally:
        # DELETE DATA, not a DELETE WHERE over every graph: Virtuoso's WHERE stops at its row limit.
        for batch in batches:
            update("DELETE DATA { " + batch + " }")
    assert remote_store(virtuoso_server, "gsp", base).named_graphs() == set()


@pytest.mark.parametrize("server", SERVERS)
def test_the_hint_to_keep_the_join_order_goes_to_virtuoso_alone(server, request, monkeypatch):
    endpoint = request.getfixturevalue(f"{server}_server")
    base = f"https://hint-{server}.test/"
    graph = Minter(base).graph("data/hint.csv")
    triples = [ox.Triple(ox.NamedNode(f"urn:test:s{n}"), ox.NamedNode("urn:test:p"), ox.Literal(n)) for n in range(3)]
    remote_store(endpoint, "gsp", base).apply(GraphChange(replace={graph: triples}))
    store = remote_store(endpoint, "gsp", base)
    sent: list[str] = []
    real = SPARQLWrapper.setQuery
    monkeypatch.setattr(SPARQLWrapper, "setQuery", lambda self, text: sent.append(text) or real(self, text))
    hinted = "# title: three\n# virtuoso: join order as written\nSELECT ?s WHERE { ?s <urn:test:p> ?o }"
    assert len(store.select(hinted).rows) == 3
    assert sent[-1].startswith('DEFINE sql:select-option "ORDER"') == (server == "virtuoso")
    assert len(store.select(hinted.replace("# virtuoso: join order as written\n", "")).rows) == 3
    assert "sql:select-option" not in sent[-1]
    store.apply(GraphChange(drop={graph}))


@pytest.mark.parametrize("server", SERVERS)
def test_a_dataset_of_many_graphs(server, request):
    """Virtuoso echoes each dataset graph as a response header; more than 100 must still be read."""
    endpoint = request.getfixturevalue(f"{server}_server")
    base = "https://many-graphs.test/"
    minter = Minter(base)
    p = ox.NamedNode("urn:test:p")
    graphs = {minter.graph(f"data/records/events/e{i}.yaml"): [ox.Triple(ox.NamedNode(f"urn:test:e{i}"), p, ox.Literal(i))] for i in range(120)}
    remote_store(endpoint, "gsp", base).apply(GraphChange(replace=graphs))
    remote = remote_store(endpoint, "gsp", base)
    assert remote.named_graphs() == set(graphs)
    assert remote.count() == 120
    assert len(remote.select("SELECT ?s WHERE { ?s ?p ?o }").rows) == 120
    remote.apply(GraphChange(drop=set(graphs)))
    assert remote.named_graphs() == set()
