"""`culturekg serve` answers from the newest finished build, without a restart (serve/freshness.py)."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from culturekg.loader import load
from culturekg.project import load_project
from culturekg.serve.app import Server, Site
from culturekg.serve.freshness import content_signature, writer_active
from culturekg.store import EmbeddedStore

PROJECT = Path(__file__).parent / "fixtures" / "records" / "project"
EVENT = "https://w3id.org/culturekg/id/event/almaty-2017-2005-training"
RECORD = "data/records/events/almaty-2017-2005-training.yaml"
ATTENDANCE = f"SELECT ?n WHERE {{ <{EVENT}> <https://w3id.org/culturekg/ontology#attendance> ?n }}"
HAS_PROC_LOCKS = Path("/proc/locks").is_file()


def get(url: str, accept: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def attendance(server: Server) -> str:
    status, body = get(server.url + "/sparql?" + urlencode({"query": ATTENDANCE}), "text/csv")
    assert status == 200, body
    return body.decode().split()[1]


def page_attendance(server: Server) -> set[str]:
    """The attendance the entity's Turtle shows (answered by the server process, not a query worker)."""
    status, body = get(server.url + "/culturekg/id/event/almaty-2017-2005-training", "text/turtle")
    assert status == 200, body
    return {q.object.value for q in ox.parse(body, format=ox.RdfFormat.TURTLE)
            if q.predicate.value == "https://w3id.org/culturekg/ontology#attendance"}


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    return root


def build(root: Path, store_path: Path, *, close: bool = True) -> EmbeddedStore:
    store = EmbeddedStore(store_path)
    load(load_project(root), store)
    if close:
        store.close()
    return store


def change_attendance(root: Path, old: int, new: int) -> None:
    record = root / RECORD
    text = record.read_text(encoding="utf-8")
    assert f"attendance: {old}\n" in text
    record.write_text(text.replace(f"attendance: {old}\n", f"attendance: {new}\n"), encoding="utf-8")


@pytest.fixture
def served(project_root: Path, tmp_path: Path):
    store_path = tmp_path / "store"
    build(project_root, store_path)
    server = Server(Site(load_project(project_root), store_path, timeout=20.0, workers=1), port=0).start()
    yield server, store_path
    server.stop()


def test_the_next_query_after_a_build_sees_the_new_value(served, project_root):
    server, store_path = served
    assert attendance(server) == "21" and page_attendance(server) == {"21"}
    change_attendance(project_root, 21, 26)
    build(project_root, store_path)
    assert attendance(server) == "26"
    assert page_attendance(server) == {"26"}
    overview = get(server.url + "/culturekg/", "text/html")
    assert overview[0] == 200
    change_attendance(project_root, 26, 27)  # and again: every build is seen, not only the first
    build(project_root, store_path)
    assert (attendance(server), page_attendance(server)) == ("27", {"27"})


@pytest.mark.skipif(not HAS_PROC_LOCKS, reason="the write lock is read from /proc/locks (Linux)")
def test_a_build_still_writing_is_not_served(served, project_root):
    server, store_path = served
    change_attendance(project_root, 21, 26)
    writer = build(project_root, store_path, close=False)
    try:
        assert writer_active(store_path)
        assert attendance(server) == "21" and page_attendance(server) == {"21"}  # the finished build
    finally:
        writer.close()
    assert not writer_active(store_path)
    assert attendance(server) == "26" and page_attendance(server) == {"26"}


def test_signature_changes_with_the_content_only(tmp_path):
    path = tmp_path / "store"
    store = ox.Store(str(path))
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"), ox.Literal("1")))
    store.flush()
    del store
    before = content_signature(path)
    reader = ox.Store.read_only(str(path))
    assert len(reader) == 1
    assert content_signature(path) == before  # opening to read writes nothing that counts
    store = ox.Store(str(path))
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"), ox.Literal("2")))
    del store
    assert content_signature(path) != before
    assert len(reader) == 1  # why the server must reopen: a read-only store is a snapshot


def test_a_missing_store_has_no_writer(tmp_path):
    assert not writer_active(tmp_path / "nowhere")
