"""The streaming parts of a release: external sort, the on-disk snapshot, the digest read-back,
the JSON-LD writer one graph at a time."""

from __future__ import annotations

import io
import json
import random

import pyoxigraph as ox
import pytest

from culturekg.publish import jsonld
from culturekg.publish import snapshot as snapshot_module
from culturekg.publish.digest import LineDigest
from culturekg.publish.dumps import FORMATS, write
from culturekg.publish.snapshot import Snapshot, SortedLines
from culturekg.store import EmbeddedStore

BASE = "https://w3id.org/culturekg/"
NOTE = ox.NamedNode("https://w3id.org/culturekg/ontology#note")


def _quads(n: int) -> list[ox.Quad]:
    quads = []
    for i in range(n):
        graph = ox.NamedNode(f"{BASE}graph/data/records/events/e{i % 7}.yaml")
        subject = ox.NamedNode(f"{BASE}id/event/e{i % 13}")
        quads.append(ox.Quad(subject, NOTE, ox.Literal(f"note {i % 50}"), graph))  # repeats across graphs
    return quads


def test_sorted_lines_merges_runs_from_disk_without_repeats(tmp_path):
    lines = [f"line {random.Random(3).randrange(500):04d} {i % 40}\n".encode() for i in range(3000)]
    sorter = SortedLines(tmp_path, run_bytes=500)  # many runs
    for start in range(0, len(lines), 37):
        sorter.add(b"".join(lines[start:start + 37]))
    assert len(list(tmp_path.glob("run-*"))) > 10
    out = io.BytesIO()
    sorter.write_to(out)
    assert out.getvalue() == b"".join(sorted(set(lines)))
    assert not list(tmp_path.glob("run-*"))


def test_snapshot_is_the_same_whatever_the_size_of_the_sort_runs(tmp_path, monkeypatch):
    store = EmbeddedStore(None)
    store.oxigraph.extend(_quads(400))
    with Snapshot.of(store, tmp_path / "big") as whole:
        nt, nq = whole.ntriples_path.read_bytes(), whole.nquads_path.read_bytes()
    monkeypatch.setattr(snapshot_module, "RUN_BYTES", 300)
    with Snapshot.of(store, tmp_path / "small") as runs:
        assert runs.ntriples_path.read_bytes() == nt and runs.nquads_path.read_bytes() == nq
    union = {q.triple for q in _quads(400)}
    assert nt == ox.serialize(sorted(union, key=lambda t: ox.serialize([t], format=ox.RdfFormat.N_TRIPLES)),
                              format=ox.RdfFormat.N_TRIPLES)


def test_a_blank_node_graph_is_put_back_in_its_place(tmp_path):
    """Graphs with blank nodes are canonicalized last, but the file keeps graph order."""
    blank = ox.BlankNode()
    graphs = [ox.NamedNode(f"{BASE}graph/{name}") for name in ("a", "b", "c")]
    quads = [ox.Quad(ox.NamedNode(BASE + "id/x"), NOTE, ox.Literal(g.value), g) for g in graphs]
    quads.append(ox.Quad(ox.NamedNode(BASE + "id/x"), NOTE, blank, graphs[1]))
    store = EmbeddedStore(None)
    store.oxigraph.extend(quads)
    with Snapshot.of(store, tmp_path / "s") as snap:
        order = [q.graph_name for q in snap.quads()]
        text = snap.nquads_path.read_bytes()
    assert order == [graphs[0], graphs[1], graphs[1], graphs[2]]
    assert b"_:c14n0" in text


def test_digest_ignores_order_and_blank_labels_but_not_a_changed_statement():
    lines = [b'<http://a> <http://p> "x"@en-GB .\n', b"<http://a> <http://p> _:b1 .\n", b"_:b1 <http://p> <http://c> .\n",
             b'<http://b> <http://p> "y" <http://g> .\n']
    one, two, three = LineDigest(), LineDigest(), LineDigest()
    one.write(b"".join(lines))
    relabelled = [line.replace(b"_:b1", b"_:other") for line in reversed(lines)]
    relabelled[-1] = relabelled[-1].replace(b"en-GB", b"en-gb")
    text = b"".join(relabelled)
    for cut in range(0, len(text), 7):  # any chunking
        two.write(text[cut:cut + 7])
    three.write(b"".join(lines).replace(b'"y"', b'"z"'))
    for digest in (one, two, three):
        digest.close()
    assert one.same_as(two)
    assert not one.same_as(three)


def test_jsonld_written_graph_by_graph_reads_back_and_keeps_a_default_node_named_like_a_graph(tmp_path):
    graph = ox.NamedNode(BASE + "graph/g")
    quads = [ox.Quad(graph, NOTE, ox.Literal("about the graph"), ox.DefaultGraph()),
             ox.Quad(ox.NamedNode(BASE + "id/y"), NOTE, ox.Literal("other"), ox.DefaultGraph())] + _quads(30)
    quads.append(ox.Quad(ox.NamedNode(BASE + "id/x"), NOTE, ox.Literal("in g"), graph))
    typed = ox.Quad(ox.NamedNode(BASE + "id/y"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    ox.NamedNode("https://w3id.org/culturekg/ontology#Event"), graph)
    quads.append(typed)
    with Snapshot.from_quads(quads, tmp_path / "s") as snap:
        out = io.BytesIO()
        write(next(f for f in FORMATS if f.extension == "jsonld"), snap, BASE, out)
    data = out.getvalue()
    # Both pyoxigraph parsers read it: the streaming one needs @type, then @id, first in every node.
    assert ox.Dataset(ox.parse(data, format=ox.RdfFormat.JSON_LD)) == ox.Dataset(quads)
    assert ox.Dataset(ox.parse(data, format=ox.RdfFormat.STREAMING_JSON_LD)) == ox.Dataset(quads)
    document = json.loads(data)
    assert [node for node in document["@graph"] if node["@id"] == "https://w3id.org/culturekg/graph/g"] == [
        {"@id": "https://w3id.org/culturekg/graph/g", "ckg:note": "about the graph",
         "@graph": [{"@id": "ckgid:x", "ckg:note": "in g"}, {"@type": "ckg:Event", "@id": "ckgid:y"}]}]
    # The same layout as a document written from memory: one node per line.
    assert jsonld.dumps(document) == data


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.extension)
def test_every_format_streams_the_same_graph(tmp_path, fmt):
    quads = _quads(60)
    with Snapshot.from_quads(quads, tmp_path / "s") as snap:
        out = io.BytesIO()
        write(fmt, snap, BASE, out)
    read = ox.Dataset(ox.parse(out.getvalue(), format=fmt.rdf_format))
    want = ox.Dataset(quads) if fmt.keeps_graphs else ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    assert read == want


def test_statistics_from_the_union_file_count_terms_not_text(tmp_path):
    from culturekg.publish.describe import statistics

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    event = ox.NamedNode("https://w3id.org/culturekg/ontology#Event")
    wikidata = ox.NamedNode("https://w3id.org/culturekg/ontology#wikidata")
    iso2 = ox.NamedNode("https://w3id.org/culturekg/ontology#iso2")
    blank = ox.BlankNode()
    quads = _quads(80) + [
        ox.Quad(ox.NamedNode(BASE + "id/event/e1"), rdf_type, event, ox.DefaultGraph()),
        ox.Quad(ox.NamedNode(BASE + "id/event/e2"), rdf_type, event, ox.NamedNode(BASE + "graph/x")),
        ox.Quad(ox.NamedNode(BASE + "id/event/e1"), wikidata, ox.NamedNode("http://www.wikidata.org/entity/Q1"), ox.DefaultGraph()),
        ox.Quad(ox.NamedNode(BASE + "id/country/KZ"), iso2, ox.Literal("KZ"), ox.DefaultGraph()),
        ox.Quad(blank, NOTE, ox.Literal("a value with spaces . and <brackets>"), ox.DefaultGraph()),
        ox.Quad(ox.NamedNode(BASE + "id/event/e1"), NOTE, blank, ox.DefaultGraph()),
    ]
    triples = {q.triple for q in quads}
    with Snapshot.from_quads(quads, tmp_path / "s") as snap:
        stats = statistics(snap.ntriples_path)
    assert stats.triples == len(triples)
    assert stats.distinct_subjects == len({t.subject for t in triples})
    assert stats.entities == len({t.subject for t in triples if isinstance(t.subject, ox.NamedNode)})
    assert stats.distinct_objects == len({t.object for t in triples})
    assert stats.classes == {event.value: 2}
    assert stats.properties[NOTE.value] == sum(1 for t in triples if t.predicate == NOTE)
    assert stats.links == {("wikidata", wikidata.value): 1, ("iso-3166", iso2.value): 1}
