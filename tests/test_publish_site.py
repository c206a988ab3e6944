"""The static site: safe paths for any IRI, escaped text, participations resolved, JSON-LD embedded safely."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from culturekg.project import load_project
from culturekg.publish.paths import encode_segment, page_stem
from culturekg.publish.atomic import Staging
from culturekg.publish.limits import UnrepresentableTerm
from culturekg.publish.release import publish
from culturekg.publish.settings import load_release_info
from culturekg.publish.site import build_site
from culturekg.store import EmbeddedStore

FIXTURE = Path(__file__).parent / "fixtures" / "publish" / "small.trig"
# Its own stored query; the ontology and shapes are the shipped ones (see its README).
PROJECT_ROOT = Path(__file__).resolve().parent / "fixtures" / "publish" / "project"
BASE = "https://w3id.org/culturekg/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
GRAPH = ox.NamedNode(BASE + "graph/data/records/events/nasty.yaml")
NASTY = [
    BASE + "id/../../etc/passwd",
    BASE + "id/%2e%2e/%2e%2e/x",
    BASE + "id/event/caf\u00e9-\u0430\u043b\u043c\u0430\u0442\u044b",
    BASE + "id/event/" + "a" * 3000,
    BASE + "id/event/" + "/".join(["b"] * 600),
    BASE + "id/event/x.html",
    BASE + "id/event/x~2Ehtml",
    BASE + "id/event/",
    BASE + "id/event/q?x=1#frag",
]


def build(tmp_path: Path, extra: list[ox.Quad]) -> Path:
    store = EmbeddedStore(None)
    store.oxigraph.extend(ox.parse(path=str(FIXTURE)))
    store.oxigraph.extend(extra)
    project = load_project(PROJECT_ROOT)
    publish(store, project, tmp_path, load_release_info(project, None, None), site=build_site)
    return tmp_path


@pytest.mark.parametrize("segment", ["..", ".", "%2e%2e", "a/b", "", "~", "caf\u00e9", "x" * 500])
def test_encoded_segments_hold_no_dots_or_slashes(segment):
    encoded = encode_segment(segment)
    assert re.fullmatch(r"[A-Za-z0-9~-]+", encoded) and len(encoded) <= 130


def test_different_iris_never_share_a_page():
    stems = [page_stem(iri, BASE) for iri in NASTY]
    assert None not in stems and len(set(stems)) == len(stems)
    assert page_stem("https://elsewhere.example/id/x", BASE) is None
    assert page_stem(BASE + "ontology#Event", BASE) is None


def test_nasty_iris_get_pages_inside_the_release(tmp_path):
    quads = [ox.Quad(ox.NamedNode(iri), LABEL, ox.Literal(f"nasty {i}"), GRAPH) for i, iri in enumerate(NASTY)]
    # Dot segments cannot go into RDF/XML (see the next test), so the site is built on its own here.
    project = load_project(PROJECT_ROOT)
    out = tmp_path
    staging = Staging(out)
    build_site(staging, list(ox.parse(path=str(FIXTURE))) + quads, project, load_release_info(project, None, None))
    staging.commit()
    root = out.resolve()
    pages = [p for p in out.rglob("*.html")]
    for page in pages:
        assert page.resolve().is_relative_to(root)
    texts = {p.read_text(encoding="utf-8") for p in pages}
    for i, iri in enumerate(NASTY):
        stem = page_stem(iri, BASE)
        page = out / f"{stem}.html"
        assert page.is_file(), iri
        assert f"nasty {i}</h1>" in page.read_text(encoding="utf-8")
    assert not (tmp_path.parent / "etc").exists()
    assert len(texts) == len(pages)


def test_publish_refuses_an_iri_rdf_xml_would_change(tmp_path):
    quad = ox.Quad(ox.NamedNode(NASTY[0]), LABEL, ox.Literal("x"), GRAPH)
    with pytest.raises(UnrepresentableTerm, match=r"entity <https://w3id.org/culturekg/id/\.\./\.\./etc/passwd>.*'\.\.' path segment"):
        build(tmp_path, [quad])


def test_script_in_a_title_is_shown_as_text(tmp_path):
    event = ox.NamedNode(BASE + "id/event/almaty-2017-2005-training")
    evil = '<script>alert("x")</script> & more'
    out = build(tmp_path, [ox.Quad(event, LABEL, ox.Literal(evil, language="en"), GRAPH)])
    html = (out / "id/event/almaty-2017-2005-training.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in html
    # The embedded JSON-LD cannot close its <script> element early, and still parses to the same text.
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1 and "</" not in blocks[0]
    assert evil in json.dumps(json.loads(blocks[0]), ensure_ascii=False).replace('\\"', '"')
    person = (out / "id/person/lidia-varbanova.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in person and "<script>alert" not in person  # the label shown on linked pages too


def test_person_page_resolves_participations_to_events(tmp_path):
    out = build(tmp_path, [])
    html = (out / "id/person/lidia-varbanova.html").read_text(encoding="utf-8")
    row = re.search(r"<tr><td>2017-07-24</td><td>facilitated</td><td><a href=\"([^\"]+)\"[^>]*>Sub-regional training workshop", html)
    assert row and (out / "id/person" / row.group(1)).resolve() == (out / "id/event/almaty-2017-2005-training.html").resolve()
    assert "International UNESCO Consultant" in html
    assert '<link rel="alternate" type="text/turtle" href="lidia-varbanova.ttl">' in html
    event = (out / "id/event/almaty-2017-2005-training.html").read_text(encoding="utf-8")
    assert "<svg" in event and "Lidia Varbanova" in event and "facilitator" in event
    assert "Experts from Central Asian countries met in Almaty" in event  # the source cited
    entity = list(ox.parse(path=str(out / "id/person/lidia-varbanova.jsonld"), format=ox.RdfFormat.JSON_LD))
    turtle = list(ox.parse(path=str(out / "id/person/lidia-varbanova.ttl"), format=ox.RdfFormat.TURTLE))
    assert {q.triple for q in entity} == {q.triple for q in turtle} and len(turtle) == 5


def test_country_and_convention_pages_list_memberships(tmp_path):
    out = build(tmp_path, [])
    country = (out / "id/country/BG.html").read_text(encoding="utf-8")
    assert "<h2>Memberships (2)</h2>" in country and "<th>convention</th>" in country
    assert re.search(r"Natural Heritage</a></td><td>1975-12-17<span", country)
    convention = (out / "id/convention/c1972.html").read_text(encoding="utf-8")
    assert "<h2>Memberships (3)</h2>" in convention and "<th>State</th>" in convention
    assert re.search(r">Kazakhstan</a></td><td>1994-07-29<span", convention)


def test_overview_ontology_and_query_pages(tmp_path):
    out = build(tmp_path, [])
    overview = (out / "index.html").read_text(encoding="utf-8")
    assert overview.count("<svg") == 2 + 3  # timeline, matrix, one diagram per event with participants
    assert "since 1994" in overview and "since 2009" in overview
    docs = (out / "ontology/index.html").read_text(encoding="utf-8")
    assert 'id="Event"' in docs and 'id="role-facilitator"' in docs and "schema:Event" in docs
    queries = (out / "queries/index.html").read_text(encoding="utf-8")
    assert 'id="facilitated-events"' in queries and "Which events did a person facilitate" in queries


@pytest.mark.parametrize("name", ["../x.html", "id/../../x.html", "/etc/passwd", "id//x.html", "id/./x.html"])
def test_staging_refuses_names_that_leave_the_release(tmp_path, name):
    with pytest.raises(Exception, match="leaves the release folder"):
        Staging(tmp_path).write(name, b"x")
    assert not any(tmp_path.parent.glob("x.html"))


def test_swap_refuses_a_symlinked_folder_in_the_release(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "release"
    out.mkdir()
    (out / "id").symlink_to(outside)
    staging = Staging(out)
    staging.write("id/event/x.html", b"page")
    with pytest.raises(Exception, match="leaves the release folder"):
        staging.commit()
    assert not any(outside.rglob("*.html"))


def test_next_release_removes_pages_of_entities_gone_and_keeps_other_files(tmp_path):
    extra = ox.Quad(ox.NamedNode(BASE + "id/venue/gone"), LABEL, ox.Literal("A venue"), GRAPH)
    out = build(tmp_path, [extra])
    assert (out / "id/venue/gone.html").is_file()
    (out / "notes.txt").write_text("mine")
    (out / "empty-folder-of-mine").mkdir()
    build(tmp_path, [])
    assert not (out / "id/venue").exists()  # its only files were stale: the folder goes too
    assert (out / "notes.txt").read_text() == "mine" and (out / "empty-folder-of-mine").is_dir()
    assert (out / "id/event/almaty-2017-2005-training.html").is_file()
