"""`culturekg serve`: the SPARQL 1.1 Protocol (driven by SPARQLWrapper), limits, refusals, content negotiation."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from culturekg.project import load_project
from culturekg.serve.app import Server, Site
from culturekg.serve.negotiate import choose

FIXTURE = Path(__file__).parent / "fixtures" / "publish" / "small.trig"
# Its own stored query; the ontology and shapes are the shipped ones (see its README).
PROJECT_ROOT = Path(__file__).resolve().parent / "fixtures" / "publish" / "project"
BASE = "https://w3id.org/culturekg/"
UNICODE_IRI = BASE + "id/city/\u0430\u043b\u043c\u0430\u0442\u044b"
CR_TEXT = "first line\r\nsecond line"  # RDF/XML readers turn a raw CR LF into LF
FACILITATORS = """
PREFIX ckg: <https://w3id.org/culturekg/ontology#>
PREFIX ckgr: <https://w3id.org/culturekg/ontology/role/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name ?event WHERE { ?p ckg:role ckgr:facilitator ; ckg:agent ?who ; ckg:event ?event . ?who rdfs:label ?name }
ORDER BY ?name"""
# Five-way cross product of every statement (10^15 rows): far beyond any time limit, whatever the machine.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "store"
    store = ox.Store(str(path))
    store.extend(ox.parse(path=str(FIXTURE)))
    # As the loader does: the ontology in a graph of its own, so stored queries can follow rdfs:subClassOf.
    ontology = load_project(PROJECT_ROOT).ontology_file
    store.load(path=str(ontology), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(BASE + "graph/ontology/culturekg.ttl"))
    store.add(ox.Quad(ox.NamedNode(UNICODE_IRI), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("Алматы", language="kk"), ox.NamedNode(BASE + "graph/data/reference/cities.csv")))
    store.add(ox.Quad(ox.NamedNode(UNICODE_IRI), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
                      ox.Literal(CR_TEXT), ox.NamedNode(BASE + "graph/data/reference/cities.csv")))
    store.flush()
    del store
    return path


@pytest.fixture(scope="module")
def server(store_path):
    # Generous enough for a loaded CI machine; the slow query below needs hours, not seconds.
    site = Site(load_project(PROJECT_ROOT), store_path, timeout=5.0, max_rows=50, workers=2)
    running = Server(site, port=0).start()
    yield running
    running.stop()


def endpoint(server) -> SPARQLWrapper:
    return SPARQLWrapper(server.url + "/sparql")


def get(url: str, accept: str | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_listens_on_loopback_by_default(server):
    assert server.httpd.server_address[0] == "127.0.0.1"


def test_select_with_sparqlwrapper(server):
    sparql = endpoint(server)
    sparql.setQuery(FACILITATORS)
    sparql.setReturnFormat(JSON)
    rows = sparql.query().convert()["results"]["bindings"]
    assert [(r["name"]["value"], r["event"]["value"]) for r in rows] == [
        ("Alma Mrgan-Slipicevic", BASE + "id/event/mangystau-2016-cdis"),
        ("Lidia Varbanova", BASE + "id/event/almaty-2017-2005-training"),
    ]


def test_ask_and_construct_with_sparqlwrapper(server):
    sparql = endpoint(server)
    sparql.setQuery("PREFIX ckg: <https://w3id.org/culturekg/ontology#> ASK { ?m ckg:partyFrom ?d FILTER(?d < '1975-01-01'^^<http://www.w3.org/2001/XMLSchema#date>) }")
    sparql.setReturnFormat(JSON)
    assert sparql.query().convert()["boolean"] is False
    sparql.setQuery("PREFIX ckg: <https://w3id.org/culturekg/ontology#> CONSTRUCT { ?c ckg:iso3 ?i } WHERE { ?c ckg:iso3 ?i }")
    sparql.setReturnFormat(TURTLE)
    sparql.setMethod(POST)
    graph = sparql.query().convert()
    import rdflib

    parsed = rdflib.Graph().parse(data=graph, format="turtle") if isinstance(graph, bytes) else graph
    assert len(parsed) == 4
    assert (rdflib.URIRef(BASE + "id/country/KZ"), rdflib.URIRef("https://w3id.org/culturekg/ontology#iso3"), rdflib.Literal("KAZ")) in parsed


def test_slow_query_is_stopped_with_a_clear_error_and_the_endpoint_keeps_working(server):
    sparql = endpoint(server)
    sparql.setQuery(SLOW)
    sparql.setReturnFormat(JSON)
    with pytest.raises(urllib.error.HTTPError) as caught:
        sparql.query()
    assert caught.value.code == 503 and b"did not finish within 5 s" in caught.value.read()
    sparql.setQuery(FACILITATORS)
    assert len(sparql.query().convert()["results"]["bindings"]) == 2


def test_update_is_refused(server):
    sparql = endpoint(server)
    sparql.setMethod(POST)
    sparql.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }")
    with pytest.raises(urllib.error.HTTPError) as caught:
        sparql.query()
    assert caught.value.code == 403 and b"read-only" in caught.value.read()
    data = urlencode({"update": "CLEAR ALL"}).encode()
    request = urllib.request.Request(server.url + "/sparql", data=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as again:
        urllib.request.urlopen(request, timeout=10)
    assert again.value.code == 403
    for update in ("LOAD <http://example.org/data.ttl>", "PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }",
                   "BASE <http://example.org/> PREFIX ex: <x#> WITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"):
        status, _, body = get(server.url + "/sparql?" + urlencode({"query": update}))
        assert status == 403 and b"read-only" in body, update
    sparql.setQuery(FACILITATORS)
    sparql.setReturnFormat(JSON)
    assert len(sparql.query().convert()["results"]["bindings"]) == 2  # nothing was changed


@pytest.mark.parametrize(
    "query, words",
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", b"SERVICE would query a remote endpoint"),
        ("SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }", b"is not in this store"),
        ("PREFIX ex: <http://example.org/> SELECT * FROM NAMED ex:g WHERE { GRAPH ?g { ?s ?p ?o } }", b"<http://example.org/g> is not in this store"),
        ("SELECT * WHERE { ?s ?p ?o ", b"query syntax error"),
    ],
)
def test_refused_queries_say_why(server, query, words):
    sparql = endpoint(server)
    sparql.setQuery(query)
    sparql.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed) as caught:
        sparql.query()
    assert words.decode() in str(caught.value)


def test_local_from_graph_is_allowed(server):
    sparql = endpoint(server)
    sparql.setQuery(f"SELECT ?c FROM <{BASE}graph/data/reference/countries.csv> WHERE {{ ?c a <https://w3id.org/culturekg/ontology#Country> }}")
    sparql.setReturnFormat(JSON)
    assert len(sparql.query().convert()["results"]["bindings"]) == 4


def test_row_cap(server):
    status, _, body = get(server.url + "/sparql?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}), "application/sparql-results+json")
    assert status == 400 and b"more than 50 rows" in body


@pytest.mark.parametrize(
    "accept, media, fmt",
    [
        ("text/csv", "text/csv", None),
        ("text/tab-separated-values", "text/tab-separated-values", None),
        ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("application/json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ],
)
def test_select_result_formats(server, accept, media, fmt):
    status, headers, body = get(server.url + "/sparql?" + urlencode({"query": FACILITATORS}), accept)
    assert status == 200 and headers["Content-Type"].startswith(media) and headers["Vary"] == "Accept"
    if fmt is not None:
        rows = list(ox.parse_query_results(body, format=fmt))
        assert [r["name"].value for r in rows] == ["Alma Mrgan-Slipicevic", "Lidia Varbanova"]
    else:
        assert b"Lidia Varbanova" in body and body.count(b"\n") == 3


def test_describe_in_n_triples(server):
    status, headers, body = get(server.url + "/sparql?" + urlencode({"query": f"DESCRIBE <{BASE}id/country/KZ>"}), "application/n-triples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    assert ox.Triple(ox.NamedNode(BASE + "id/country/KZ"), ox.NamedNode("https://w3id.org/culturekg/ontology#iso3"), ox.Literal("KAZ")) in triples


def test_pages_forbid_scripts(server):
    _, _, body = get(server.url + "/culturekg/id/person/lidia-varbanova", "text/html")
    assert b"script-src 'none'" in body


def test_sparql_query_body_and_jsonld_construct(server):
    query = "PREFIX ckg: <https://w3id.org/culturekg/ontology#> CONSTRUCT { ?c ckg:iso2 ?i } WHERE { ?c ckg:iso2 ?i }"
    request = urllib.request.Request(server.url + "/sparql", data=query.encode(),
                                     headers={"Content-Type": "application/sparql-query", "Accept": "application/ld+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    triples = list(ox.parse(body, format=ox.RdfFormat.JSON_LD))
    assert len(triples) == 4 and "@context" in json.loads(body)


@pytest.mark.parametrize(
    "accept, media, rdf_format",
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_entity_iris_dereference_by_accept(server, accept, media, rdf_format):
    status, headers, body = get(server.url + "/culturekg/id/person/lidia-varbanova", accept)
    assert status == 200 and headers["Content-Type"].startswith(media) and headers["Vary"] == "Accept"
    triples = {q.triple for q in ox.parse(body, format=rdf_format)}
    person = ox.NamedNode(BASE + "id/person/lidia-varbanova")
    assert ox.Triple(person, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Lidia Varbanova")) in triples
    assert all(t.subject == person for t in triples)


def test_entity_html_for_browsers_and_errors(server):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, headers, body = get(server.url + "/culturekg/id/person/lidia-varbanova", browser)
    assert status == 200 and headers["Content-Type"].startswith("text/html") and headers["Vary"] == "Accept"
    assert b"facilitated" in body and b'href="/culturekg/id/event/almaty-2017-2005-training"' in body
    assert get(server.url + "/culturekg/id/person/nobody", browser)[0] == 404
    assert get(server.url + "/culturekg/id/person/lidia-varbanova", "image/png")[0] == 406
    assert get(server.url + "/culturekg/id/city/%ff%fe", browser)[0] == 404  # not UTF-8: no such IRI, not a crash
    assert get(server.url + "/culturekg/elsewhere/x", browser)[0] == 404
    status, _, body = get(server.url + "/culturekg/id/city/" + quote("алматы"), "text/turtle")
    assert status == 200 and "Алматы".encode() in body


def test_stored_query_runs_from_the_query_page(server):
    params = {"stored": "facilitated-events", "p.person": "lidia-varbanova", "run": "1"}
    status, _, body = get(server.url + "/sparql?" + urlencode(params), "text/html")
    text = body.decode()
    assert status == 200, text
    assert 'id="results"' in text and "Sub-regional training workshop on the 2005 Convention" in text
    assert "CDIS training workshop" not in text  # facilitated by someone else
    assert 'class="download"' in text


def test_accept_negotiation_rules():
    offers = ("application/sparql-results+json", "text/csv", "text/html")
    assert choose(None, offers) == "application/sparql-results+json"
    assert choose("*/*", offers) == "application/sparql-results+json"
    assert choose("text/*", offers) == "text/csv"
    assert choose("text/html,*/*;q=0.8", offers) == "text/html"
    assert choose("text/csv;q=0, */*;q=0.1", offers) == "application/sparql-results+json"
    assert choose("image/png", offers) is None


def test_serve_command_listens_on_loopback_and_answers(store_path):
    import subprocess
    import sys

    command = [sys.executable, "-m", "culturekg.cli", "-C", str(PROJECT_ROOT), "--store", str(store_path),
               "serve", "--port", "0", "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert "at http://127.0.0.1:" in line, line + process.stderr.read()
        site_url = line.split(" at ", 1)[1].split(" ", 1)[0]
        assert site_url.endswith("/culturekg/")  # the path of the base IRI
        status, headers, body = get(site_url + "id/country/KZ", "text/turtle")
        assert status == 200 and b"KAZ" in body
    finally:
        process.terminate()
        process.wait(20)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("PREFIX ckg: <https://w3id.org/culturekg/ontology#> CONSTRUCT { ?c ckg:iso3 ?i } WHERE { ?c ckg:iso3 ?i }",
         "<p class=\"small\">4 triple(s)</p>"),
        ("PREFIX ckg: <https://w3id.org/culturekg/ontology#> ASK { ?c ckg:iso3 'KAZ' }", "Answer: <strong>yes</strong>"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 'class="error" id="error">SERVICE would query'),
    ],
)
def test_query_page_shows_every_kind_of_answer(server, query, expected):
    data = urlencode({"query": query}).encode()
    request = urllib.request.Request(server.url + "/sparql", data=data,
                                     headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode()
    except urllib.error.HTTPError as error:
        body = error.read().decode()
    assert expected in body
    assert "<textarea name=\"query\" id=\"query\" spellcheck=\"false\">" + query.replace("'", "&#x27;").replace("<", "&lt;").replace(">", "&gt;") in body


def test_stored_query_with_an_unknown_entity_says_so(server):
    params = {"stored": "facilitated-events", "p.person": "no-such-person", "run": "1"}
    status, _, body = get(server.url + "/sparql?" + urlencode(params), "text/html")
    assert status == 400 and "nothing in the store is about https://w3id.org/culturekg/id/person/no-such-person" in body.decode()
    params["p.person"] = "not a key!"
    status, _, body = get(server.url + "/sparql?" + urlencode(params), "text/html")
    assert status == 400 and "parameter &#x27;person&#x27;" in body.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/sparql?query=%00", "/sparql?format=zzz&query=ASK%7B%7D", "/sparql?query=SELECT", "/sparql?stored=nope",
        "/sparql?stored=facilitated-events&run=1", "/id/", "/graph/", "/id/../../etc/passwd", "/id/%2e%2e/%2e%2e/etc/passwd",
        "/id/" + "x" * 5000, "/culturekg/id/../../etc/passwd", "/culturekg/id/%2e%2e/x", "/culturekg/id/x?format=%00", "/sparql?default-graph-uri=http://example.org/g&query=ASK%7B%7D", "/static/../../etc/passwd",
    ],
)
def test_odd_requests_get_a_client_error_or_an_answer_never_a_crash(server, path):
    status, _, body = get(server.url + path, "text/html")
    assert status < 500, body[:300]
    assert b"/etc/passwd" not in body or b"root:" not in body


def rdf_xml_triples(body: bytes) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(body, format=ox.RdfFormat.RDF_XML)}


@pytest.mark.parametrize("how", [{"accept": "application/rdf+xml"}, {"query": "?format=rdf", "accept": "text/html"}])
def test_entity_in_rdf_xml_as_publish_writes_it(server, how):
    url = server.url + "/culturekg/id/city/" + quote("алматы") + how.get("query", "")
    status, headers, body = get(url, how["accept"])
    assert status == 200 and headers["Content-Type"].startswith("application/rdf+xml") and headers["Vary"] == "Accept"
    triples = rdf_xml_triples(body)
    turtle = {q.triple for q in ox.parse(get(server.url + "/culturekg/id/city/" + quote("алматы"), "text/turtle")[2],
                                         format=ox.RdfFormat.TURTLE)}
    assert triples == turtle and len(triples) >= 2
    assert ox.Literal(CR_TEXT) in {t.object for t in triples}  # the carriage return survives


def test_construct_in_rdf_xml(server):
    query = f"CONSTRUCT WHERE {{ <{UNICODE_IRI}> ?p ?o }}"
    status, headers, body = get(server.url + "/sparql?" + urlencode({"query": query}), "application/rdf+xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rdf+xml")
    assert ox.Triple(ox.NamedNode(UNICODE_IRI), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
                     ox.Literal(CR_TEXT)) in rdf_xml_triples(body)
    # SPARQLWrapper's "xml" means RDF/XML for a CONSTRUCT and results XML for a SELECT.
    status, headers, _ = get(server.url + "/sparql?" + urlencode({"query": query, "format": "xml"}))
    assert status == 200 and headers["Content-Type"].startswith("application/rdf+xml")
    status, headers, _ = get(server.url + "/sparql?" + urlencode({"query": FACILITATORS, "format": "xml"}))
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")


@pytest.mark.parametrize("path, names", [
    ("/culturekg/id/person/lidia-varbanova?format=xyz", b"html, json, json-ld, jsonld, n3, nt, ntriples, rdf, rdf+xml, rdfxml, ttl, turtle, xml"),
    ("/sparql?format=xyz&query=ASK%7B%7D", b"html, json, xml"),
])
def test_unknown_format_is_a_client_error_naming_the_formats(server, path, names):
    status, _, body = get(server.url + path, "text/html")
    assert status == 400
    assert body.startswith(b"unknown format 'xyz'; ") and names in body


def test_a_known_format_this_answer_cannot_take_is_refused(server):
    status, _, body = get(server.url + "/culturekg/id/person/lidia-varbanova?format=csv", "text/html")
    assert status == 406 and b"text/turtle" in body
    status, _, body = get(server.url + "/sparql?" + urlencode({"query": "ASK {}", "format": "csv"}))
    assert status == 406 and b"ASK answer is available as" in body


KG_BASE = "https://example.org/kg/"


@pytest.fixture(scope="module")
def kg_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kg") / "store"
    store = ox.Store(str(path))
    country = ox.NamedNode(KG_BASE + "id/country/KG")
    graph = ox.NamedNode(KG_BASE + "graph/data/reference/countries.csv")
    store.add(ox.Quad(country, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("https://w3id.org/culturekg/ontology#Country"), graph))
    store.add(ox.Quad(country, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Kyrgyzstan"), graph))
    store.flush()
    del store
    return path


@pytest.fixture(scope="module")
def kg_server(kg_store):
    running = Server(Site(load_project(PROJECT_ROOT, base_iri=KG_BASE), kg_store, timeout=10.0, workers=1), port=0).start()
    yield running
    running.stop()


def test_paths_follow_the_path_of_the_base_iri(kg_server):
    status, _, body = get(kg_server.url + "/kg/id/country/KG", "text/turtle")
    assert status == 200 and b"Kyrgyzstan" in body
    status, _, body = get(kg_server.url + "/id/country/KG", "text/turtle")
    assert status == 404 and b"under /kg/" in body
    status, _, page = get(kg_server.url + "/", "text/html")  # urllib follows the redirect to /kg/
    assert status == 200 and b'href="/kg/ontology/index.html"' in page and b'href="/kg/static/style.css"' in page
    status, _, body = get(kg_server.url + "/kg/static/style.css", "text/css")
    assert status == 200 and b"font-family" in body
    for endpoint_path in ("/sparql", "/kg/sparql"):
        status, _, body = get(kg_server.url + endpoint_path + "?" + urlencode({"query": f"ASK {{ <{KG_BASE}id/country/KG> ?p ?o }}"}),
                              "application/sparql-results+json")
        assert status == 200 and json.loads(body)["boolean"] is True, endpoint_path
    status, _, page = get(kg_server.url + "/kg/sparql", "text/html")
    assert status == 200 and b'action="/kg/sparql"' in page
    status, _, page = get(kg_server.url + "/kg/id/country/KG", "text/html")
    assert status == 200 and b'href="/kg/id/country/KG?format=ttl"' in page


def test_root_can_be_set_for_a_proxy_that_removes_the_path(kg_store):
    running = Server(Site(load_project(PROJECT_ROOT, base_iri=KG_BASE), kg_store, workers=1, root="/"), port=0).start()
    try:
        status, _, body = get(running.url + "/id/country/KG", "text/turtle")
        assert status == 200 and b"Kyrgyzstan" in body
    finally:
        running.stop()
    from culturekg.errors import ConfigError

    with pytest.raises(ConfigError, match="--root 'kg'"):
        Site(load_project(PROJECT_ROOT, base_iri=KG_BASE), kg_store, workers=1, root="kg")
