"""`culturekg publish`: dumps that read back as the store, a checked description, determinism, atomicity."""

from __future__ import annotations

import gzip
import hashlib
import os
import random
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from culturekg.cli import app
from culturekg.project import load_project
from culturekg.publish import dumps as dumps_module
from culturekg.publish.atomic import MANIFEST, read_manifest
from culturekg.publish.limits import UnrepresentableTerm
from culturekg.publish.release import publish
from culturekg.publish.settings import load_release_info
from culturekg.publish.site import build_site
from culturekg.publish.verify import DumpMismatch
from culturekg.store import EmbeddedStore

FIXTURE = Path(__file__).parent / "fixtures" / "publish" / "small.trig"
# Its own stored query; the ontology and shapes are the shipped ones (see its README).
PROJECT_ROOT = Path(__file__).resolve().parent / "fixtures" / "publish" / "project"
BASE = "https://w3id.org/culturekg/"
EXT = ["nq", "trig", "jsonld", "nt", "ttl", "rdf"]


def fixture_quads() -> list[ox.Quad]:
    return list(ox.parse(path=str(FIXTURE)))


def store_with(quads) -> EmbeddedStore:
    store = EmbeddedStore(None)
    store.oxigraph.extend(quads)
    return store


def release(store, out: Path, **kwargs):
    project = load_project(PROJECT_ROOT)
    info = load_release_info(project, "1.0", "2026-11-30")
    return publish(store, project, out, info, **kwargs)


def check_manifest(out: Path) -> dict[str, str]:
    entries = read_manifest(out / MANIFEST)
    for name, digest in entries.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
    # A killed publish may leave its staging folder behind; the release is everything else.
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*")
               if p.is_file() and not p.relative_to(out).parts[0].startswith(".staging-")} - {MANIFEST}
    assert on_disk == set(entries)
    return entries


def test_every_dump_reads_back_as_the_store(tmp_path):
    quads = fixture_quads()
    report = release(store_with(quads), tmp_path)
    entries = check_manifest(tmp_path)
    for ext in EXT:
        assert f"dumps/culturekg.{ext}" in entries and f"dumps/culturekg.{ext}.gz" in entries
        data = (tmp_path / f"dumps/culturekg.{ext}").read_bytes()
        assert gzip.decompress((tmp_path / f"dumps/culturekg.{ext}.gz").read_bytes()) == data
    assert len(report.checks) == 6
    trig = list(ox.parse(path=str(tmp_path / "dumps/culturekg.trig")))
    assert ox.Dataset(trig) == ox.Dataset(quads)  # no blank nodes in the fixture: equal as they are
    jsonld = list(ox.parse(path=str(tmp_path / "dumps/culturekg.jsonld"), format=ox.RdfFormat.JSON_LD))
    assert ox.Dataset(jsonld) == ox.Dataset(quads)
    assert {"ontology/culturekg.ttl", "context.jsonld", "void.ttl"} <= set(entries)


def test_rdflib_reads_back_when_asked(tmp_path):
    report = release(store_with(fixture_quads()), tmp_path, parser="rdflib")
    assert any("read back with rdflib" in c for c in report.checks)


def _void(out: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(out / "void.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def test_description_lists_files_with_sizes_checksums_and_statistics(tmp_path):
    quads = fixture_quads()
    release(store_with(quads), tmp_path)
    void = _void(tmp_path)
    rows = list(void.query("""
        PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX spdx: <http://spdx.org/rdf/terms#>
        SELECT ?url ?size ?sum WHERE { ?d dcat:distribution ?x . ?x dcat:downloadURL ?url ; dcat:byteSize ?size ;
          spdx:checksum [ spdx:checksumValue ?sum ] }"""))
    assert len(rows) == 15  # 6 dumps, gzipped and not, context, ontology, shapes
    for row in rows:
        name = row["url"].value.removeprefix(BASE + "release/")
        data = (tmp_path / name).read_bytes()
        assert int(row["size"].value) == len(data)
        assert row["sum"].value == hashlib.sha256(data).hexdigest()
    triples = {q.triple for q in quads}

    def one(query):
        return next(iter(void.query("PREFIX void: <http://rdfs.org/ns/void#> PREFIX ckg: <https://w3id.org/culturekg/ontology#> " + query)))

    assert int(one("SELECT ?n WHERE { ?d void:triples ?n ; void:uriSpace ?u }")["n"].value) == len(triples)
    assert int(one("SELECT ?n WHERE { ?d void:classPartition [ void:class ckg:Country ; void:entities ?n ] }")["n"].value) == 4
    assert int(one("SELECT ?n WHERE { ?d void:propertyPartition [ void:property ckg:partyFrom ; void:triples ?n ] }")["n"].value) == 5
    wikidata = one("""SELECT ?n ?t WHERE { ?l a void:Linkset ; void:linkPredicate ckg:wikidata ; void:triples ?n ;
                      void:objectsTarget [ void:uriSpace ?t ] }""")
    assert (int(wikidata["n"].value), wikidata["t"].value) == (2, "http://www.wikidata.org/entity/")
    assert int(one("SELECT ?n WHERE { ?l void:linkPredicate ckg:iso3 ; void:triples ?n }")["n"].value) == 4
    issued = one("PREFIX dct: <http://purl.org/dc/terms/> SELECT ?d WHERE { ?x dct:issued ?d }")["d"]
    assert issued == ox.Literal("2026-11-30", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))


def test_same_store_gives_byte_identical_releases(tmp_path):
    quads = fixture_quads()
    blank = ox.BlankNode()
    graph = ox.NamedNode(BASE + "graph/meta")
    quads += [ox.Quad(ox.NamedNode(BASE + "id/event/x"), ox.NamedNode("https://w3id.org/culturekg/ontology#dateRange"), blank, graph),
              ox.Quad(blank, ox.NamedNode("https://w3id.org/culturekg/ontology#startDate"), ox.Literal("2017"), graph)]
    shuffled = list(quads)
    random.Random(7).shuffle(shuffled)
    release(store_with(quads), tmp_path / "a", site=build_site)
    release(store_with(shuffled), tmp_path / "b", site=build_site)
    a, b = check_manifest(tmp_path / "a"), check_manifest(tmp_path / "b")
    assert a == b
    assert (tmp_path / "a" / MANIFEST).read_bytes() == (tmp_path / "b" / MANIFEST).read_bytes()
    assert b"_:c14n0" in (tmp_path / "a" / "dumps/culturekg.nq").read_bytes()


def _graph_with(obj: ox.Literal) -> list[ox.Quad]:
    bad = ox.Quad(ox.NamedNode(BASE + "id/event/bad"), ox.NamedNode("https://w3id.org/culturekg/ontology#attendance"), obj,
                  ox.NamedNode(BASE + "graph/data/records/events/bad.yaml"))
    return fixture_quads() + [bad]


@pytest.mark.parametrize(
    "literal, words",
    [
        (ox.Literal("NaN", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")), "no JSON form"),
        (ox.Literal("bell\x07ring"), "XML 1.0"),
    ],
)
def test_literal_a_format_cannot_carry_names_the_entity_and_keeps_the_old_release(tmp_path, literal, words):
    release(store_with(fixture_quads()), tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(UnrepresentableTerm) as caught:
        release(store_with(_graph_with(literal)), tmp_path)
    assert BASE + "id/event/bad" in str(caught.value) and words in str(caught.value)
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before  # nothing half-written, no staging left behind


def test_a_dump_that_does_not_read_back_stops_the_release(tmp_path, monkeypatch):
    real = dumps_module.write

    def lossy(fmt, snapshot, base_iri, output):
        if fmt.extension == "ttl":
            ox.serialize(list(snapshot.triples())[:-1], output, format=ox.RdfFormat.TURTLE)
        else:
            real(fmt, snapshot, base_iri, output)

    monkeypatch.setattr("culturekg.publish.release.write", lossy)
    with pytest.raises(DumpMismatch, match="culturekg.ttl.*1 statements missing"):
        release(store_with(fixture_quads()), tmp_path)
    assert not (tmp_path / MANIFEST).exists()
    assert not any(tmp_path.iterdir())


_KILLER = """
import os, signal, sys
from pathlib import Path
import pyoxigraph as ox
from culturekg.publish import release as release_module, site
from culturekg.project import load_project
from culturekg.publish.settings import load_release_info
from culturekg.store import EmbeddedStore

when = sys.argv[2]
if when == "building":
    real = site.build_site
    def build_then_die(staging, *a):
        real(staging, *a)
        os.kill(os.getpid(), signal.SIGKILL)
    target = build_then_die
else:
    from culturekg.publish import atomic
    real_replace = os.replace
    count = {"n": 0}
    def replace_then_die(src, dst):
        real_replace(src, dst)
        if ".staging-" in str(src) and not str(src).endswith("SHA256SUMS"):
            count["n"] += 1
            if count["n"] == 5:
                os.kill(os.getpid(), signal.SIGKILL)
    atomic.os.replace = replace_then_die
    target = site.build_site
store = EmbeddedStore(None)
store.oxigraph.extend(ox.parse(path=sys.argv[3]))
store.oxigraph.add(ox.Quad(ox.NamedNode("https://w3id.org/culturekg/id/country/KZ"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Qazaqstan", language="kk"), ox.NamedNode("https://w3id.org/culturekg/graph/new")))
project = load_project(Path(sys.argv[4]))
release_module.publish(store, project, Path(sys.argv[1]), load_release_info(project, "2.0", None), site=target)
"""


@pytest.mark.parametrize("when", ["building", "swapping"])
def test_killed_publish_leaves_a_complete_release(tmp_path, when):
    out = tmp_path / "release"
    release(store_with(fixture_quads()), out, site=build_site)
    old = check_manifest(out)
    done = subprocess.run([sys.executable, "-c", _KILLER, str(out), when, str(FIXTURE), str(PROJECT_ROOT)], capture_output=True)
    assert done.returncode == -9, done.stderr.decode()
    if when == "building":
        assert check_manifest(out) == old  # untouched: the new files never left the staging folder
    # The next publish finishes or drops what the killed one left, and makes a complete release.
    report = release(store_with(fixture_quads()), out, site=build_site)
    assert report.notes and ("finished" in report.notes[0] if when == "swapping" else "dropped" in report.notes[0])
    assert check_manifest(out) == old
    assert not list(out.glob(".staging-*"))


def test_command_line_publishes_from_the_store_on_disk(tmp_path):
    store_dir = tmp_path / "store"
    store = ox.Store(str(store_dir))
    store.extend(fixture_quads())
    store.flush()
    del store
    result = CliRunner().invoke(app, ["-C", str(PROJECT_ROOT), "--store", str(store_dir), "publish", "--out", str(tmp_path / "out"),
                                      "--release-date", "2026-11-30", "--version", "1.0"])
    assert result.exit_code == 0, result.output
    assert "read back with" in result.output
    check_manifest(tmp_path / "out")
    assert (tmp_path / "out" / "id/person/lidia-varbanova.html").is_file()
    # Without the site, the next release keeps only dumps, description and vocabulary files.
    result = CliRunner().invoke(app, ["-C", str(PROJECT_ROOT), "--store", str(store_dir), "publish", "--out", str(tmp_path / "out"), "--no-site"])
    assert result.exit_code == 0, result.output
    entries = check_manifest(tmp_path / "out")
    assert not (tmp_path / "out" / "id").exists() and not any(name.endswith(".html") for name in entries)


def test_bad_release_date_is_refused(tmp_path):
    with pytest.raises(Exception, match="--release-date '30/11/2026': expected YYYY-MM-DD"):
        load_release_info(load_project(PROJECT_ROOT), None, "30/11/2026")


TRICKY = [
    ox.Literal('quotes " and \' and back\\slash'),
    ox.Literal("lines\nand\r\ncarriage\tand tab"),
    ox.Literal("markup <script>alert(1)</script> & ]]> &amp;"),
    ox.Literal("astral \U0001F3AD and combining e\u0301 and RTL \u0627\u0644\u0645\u0627\u062a\u064a"),
    ox.Literal("Almaty", language="en-GB"),
    ox.Literal("Алматы", language="kk-Cyrl-KZ"),
    ox.Literal("2017-07", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")),
    ox.Literal("01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),  # not in canonical form
    ox.Literal("   spaced   "),
    ox.Literal(""),
    ox.Literal("@context"),
]


def test_tricky_literals_and_blank_nodes_survive_every_format(tmp_path):
    subject = ox.NamedNode(BASE + "id/event/tricky")
    note = ox.NamedNode("https://w3id.org/culturekg/ontology#note")
    graph = ox.NamedNode(BASE + "graph/data/records/events/tricky.yaml")
    quads = [ox.Quad(subject, note, literal, graph) for literal in TRICKY]
    blank, other = ox.BlankNode(), ox.BlankNode()
    quads += [ox.Quad(subject, ox.NamedNode("https://w3id.org/culturekg/ontology#dateRange"), blank, graph),
              ox.Quad(blank, note, other, graph), ox.Quad(other, note, blank, graph),  # a cycle of blank nodes
              ox.Quad(blank, note, ox.Literal("in a blank graph"), ox.BlankNode())]
    for parser in ("rapper", "rdflib"):
        out = tmp_path / parser
        store = store_with(fixture_quads() + quads)
        # The store keeps numbers in canonical form ("01" -> "1"): the dumps must hold what it holds.
        stored = {q.object for q in store.quads() if q.subject == subject and q.predicate == note}
        assert len(stored) == len(TRICKY)
        report = release(store, out, parser=parser)
        assert len(report.checks) == 6
        for ext, fmt in (("jsonld", ox.RdfFormat.JSON_LD), ("rdf", ox.RdfFormat.RDF_XML), ("ttl", ox.RdfFormat.TURTLE)):
            read = list(ox.parse(path=str(out / f"dumps/culturekg.{ext}"), format=fmt))
            assert {q.object for q in read if q.subject == subject and q.predicate == note} == stored, ext


def test_command_line_names_the_entity_a_format_cannot_carry(tmp_path):
    store_dir = tmp_path / "store"
    store = ox.Store(str(store_dir))
    store.extend(_graph_with(ox.Literal("INF", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double"))))
    store.flush()
    del store
    done = subprocess.run([sys.executable, "-m", "culturekg.cli", "-C", str(PROJECT_ROOT), "--store", str(store_dir),
                           "publish", "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 2
    assert f"entity <{BASE}id/event/bad>" in done.stderr and "no JSON form" in done.stderr
    assert not (tmp_path / "out" / MANIFEST).exists()


_PUBLISH_IN_A_PROCESS = """
import sys
from pathlib import Path
import pyoxigraph as ox
from culturekg.project import load_project
from culturekg.publish.release import publish
from culturekg.publish.settings import load_release_info
from culturekg.publish.site import build_site
from culturekg.store import EmbeddedStore

store = EmbeddedStore(None)
store.oxigraph.extend(ox.parse(path=sys.argv[2]))
base = "https://w3id.org/culturekg/"
ckg = "https://w3id.org/culturekg/ontology#"
graph = ox.NamedNode(base + "graph/data/records/events/ties.yaml")
event = ox.NamedNode(base + "id/event/mangystau-2016-cdis")
label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
# Equal labels everywhere: only the IRIs can order these.
for key in ("ministry-a", "ministry-b", "ministry-c"):
    org, participation = ox.NamedNode(base + "id/org/" + key), ox.NamedNode(base + "id/participation/ties-" + key)
    store.oxigraph.extend([
        ox.Quad(org, label, ox.Literal("Ministry of Culture", language="en"), graph),
        ox.Quad(participation, ox.NamedNode(ckg + "event"), event, graph),
        ox.Quad(participation, ox.NamedNode(ckg + "agent"), org, graph),
        ox.Quad(participation, ox.NamedNode(ckg + "role"), ox.NamedNode("https://w3id.org/culturekg/ontology/role/participant"), graph),
    ])
convention = ox.NamedNode(base + "id/convention/c1972")
for code in ("XA", "XB", "XC", "XD", "XE"):
    country, membership = ox.NamedNode(base + "id/country/" + code), ox.NamedNode(base + "id/membership/c1972-" + code)
    store.oxigraph.extend([
        ox.Quad(country, label, ox.Literal("Ruritania", language="en"), graph),
        ox.Quad(membership, ox.NamedNode(ckg + "state"), country, graph),
        ox.Quad(membership, ox.NamedNode(ckg + "convention"), convention, graph),
        ox.Quad(membership, ox.NamedNode(ckg + "partyFrom"), ox.Literal("19" + str(ord(code[1])) + "-01-01",
                datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")), graph),
    ])
project = load_project(Path(sys.argv[3]))
publish(store, project, Path(sys.argv[1]), load_release_info(project, "1.0", "2026-11-30"), site=build_site)
"""


def test_releases_are_identical_across_processes_and_hash_seeds(tmp_path):
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", _PUBLISH_IN_A_PROCESS, str(tmp_path / seed), str(FIXTURE), str(PROJECT_ROOT)],
                              capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "1" / MANIFEST).read_bytes() == (tmp_path / "2" / MANIFEST).read_bytes()
    assert check_manifest(tmp_path / "1") == check_manifest(tmp_path / "2")


def test_snapshot_from_the_store_equals_the_general_one():
    from culturekg.publish.snapshot import Snapshot

    shared, own = ox.BlankNode(), ox.BlankNode()
    note = ox.NamedNode("https://w3id.org/culturekg/ontology#note")
    g1, g2 = ox.NamedNode(BASE + "graph/one"), ox.NamedNode(BASE + "graph/two")
    extra = [ox.Quad(shared, note, ox.Literal("in one"), g1), ox.Quad(shared, note, ox.Literal("in two"), g2),
             ox.Quad(own, note, shared, g2), ox.Quad(ox.NamedNode(BASE + "id/event/x"), note, ox.Literal("_: not a blank node"), g1),
             ox.Quad(ox.NamedNode(BASE + "id/event/x"), note, own, ox.DefaultGraph())]
    store = store_with(fixture_quads() + extra)
    with Snapshot.of(store) as fast, Snapshot.from_quads(store.quads()) as general:
        assert fast.nquads_path.read_bytes() == general.nquads_path.read_bytes()
        assert fast.ntriples_path.read_bytes() == general.ntriples_path.read_bytes()
        assert fast.graphs == general.graphs
        quads = list(fast.quads())
        # The snapshot's file is the text pyoxigraph itself writes for those quads, in that order.
        assert ox.serialize(quads, format=ox.RdfFormat.N_QUADS) == fast.nquads_path.read_bytes()
        assert len(quads) == len(store_with(fixture_quads() + extra).oxigraph)
    # The blank node shared by two graphs is still one node.
    subjects = {q.subject for q in quads if q.predicate == note and isinstance(q.object, ox.Literal) and q.object.value.startswith("in ")}
    assert len(subjects) == 1


@pytest.mark.parametrize("command", ["publish", "serve"])
def test_help_summary_is_one_sentence_not_broken_mid_line(command):
    # Wide enough for any summary: a row that does not end the sentence was broken by the help text itself.
    listing = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["--help"]).stdout
    rows = [row.strip("│ ") for row in listing.splitlines() if row.startswith(f"│ {command} ")]
    assert len(rows) == 1 and rows[0].endswith("."), listing
    detail = CliRunner(env={"COLUMNS": "100"}).invoke(app, [command, "--help"]).stdout
    # Every line of the description fills the width unless it ends a paragraph.
    text = detail.split("╭", 1)[0].split("Usage:", 1)[1].splitlines()[1:]
    lines = [line.strip() for line in text]
    for line, following in zip(lines, lines[1:] + [""]):
        if line and following:
            assert len(line) > 80, f"short line in {command} --help: {line!r}"


def test_serve_help_explains_where_entity_iris_are_served():
    detail = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["serve", "--help"]).stdout
    assert "/kg/id/country/KG" in detail and "--root" in detail and "RDF/XML" in detail
