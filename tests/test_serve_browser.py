"""End to end in headless Chromium, driven over the DevTools protocol: the query page runs a stored
query and an own query, result links open entity pages, and the overview's pictures render."""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import websocket

from culturekg.project import load_project
from culturekg.serve.app import Server, Site

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "publish" / "small.trig"
# Its own stored query; the ontology and shapes are the shipped ones (see its README).
PROJECT_ROOT = Path(__file__).resolve().parent / "fixtures" / "publish" / "project"
BASE = "https://w3id.org/culturekg/"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--window-size=1200,1500"]


class Browser:
    """A page in headless Chromium, driven by DevTools protocol commands over a websocket."""

    def __init__(self, profile: Path) -> None:
        self.process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            port_file = profile / "DevToolsActivePort"
            deadline = time.monotonic() + 60
            while not port_file.is_file() or not port_file.read_text().strip():
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("Chromium did not open its DevTools port")
                time.sleep(0.1)
            port = int(port_file.read_text().splitlines()[0])
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
                page = next(t for t in json.load(response) if t["type"] == "page")
            # No Origin header: Chromium (since 111) refuses DevTools websockets from an origin it was not
            # told to allow, and one without an origin is a local client's, like this one.
            self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
            self._ids = itertools.count(1)
            self.call("Page.enable")
        except BaseException:
            # Not left running when it cannot be driven (a refused websocket left one behind).
            self.process.kill()
            self.process.wait(10)
            raise

    def call(self, method: str, **params) -> dict:
        message_id = next(self._ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def wait_for_load(self) -> None:
        while True:
            if json.loads(self.socket.recv()).get("method") == "Page.loadEventFired":
                return

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.wait_for_load()

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def submit(self, expression: str) -> None:
        """Run JavaScript that submits a form or follows a link, and wait for the next page."""
        self.js(expression)
        self.wait_for_load()

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "store"
    store = ox.Store(str(path))
    store.extend(ox.parse(path=str(FIXTURE)))
    ontology = load_project(PROJECT_ROOT).ontology_file
    store.load(path=str(ontology), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(BASE + "graph/ontology/culturekg.ttl"))
    store.flush()
    del store
    running = Server(Site(load_project(PROJECT_ROOT), path, timeout=20.0), port=0).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian package chromium; .ci/run installs it)")
    opened = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield opened
    opened.close()


def result_rows(browser: Browser) -> list[list[str]]:
    return browser.js("Array.from(document.querySelectorAll('#results tr')).slice(1)"
                      ".map(r => Array.from(r.cells).map(c => c.innerText))")


def test_stored_query_from_the_query_page(server, browser):
    browser.open(server.url + "/sparql")
    assert browser.js("document.querySelector('h1').innerText") == "Query"
    browser.submit("document.getElementById('stored').value = 'facilitated-events'; document.getElementById('stored-form').submit()")
    assert browser.js("document.getElementById('p.person') !== null")
    browser.submit("document.getElementById('p.person').value = 'lidia-varbanova'; document.getElementById('run-stored').click()")
    rows = result_rows(browser)
    assert [r[1] for r in rows] == ["Sub-regional training workshop on the 2005 Convention@en"]  # label and its language tag
    assert rows[0][2] == "2017-07-24xsd:date"  # the literal and its datatype tag
    # The event IRI in the answer links to its page.
    browser.submit("document.querySelector('#results a').click()")
    assert browser.js("location.pathname") == "/culturekg/id/event/almaty-2017-2005-training"
    assert browser.js("document.querySelector('h1').innerText") == "Sub-regional training workshop on the 2005 Convention"
    assert browser.js("document.querySelectorAll('svg rect').length") >= 4  # the who-took-part diagram


def test_own_query_and_entity_page(server, browser):
    browser.open(server.url + "/sparql")
    query = ("PREFIX ckg: <https://w3id.org/culturekg/ontology#> PREFIX ckgr: <https://w3id.org/culturekg/ontology/role/> "
             "SELECT ?who WHERE { ?p ckg:role ckgr:facilitator ; ckg:agent ?who } ORDER BY ?who")
    browser.submit(f"document.getElementById('query').value = {json.dumps(query)}; document.getElementById('run-query').click()")
    assert [r[0] for r in result_rows(browser)] == ["Alma Mrgan-Slipicevic", "Lidia Varbanova"]
    assert browser.js("document.querySelectorAll('a.download').length") == 4
    browser.submit("Array.from(document.querySelectorAll('#results a')).find(a => a.innerText == 'Lidia Varbanova').click()")
    assert browser.js("document.querySelector('h1').innerText") == "Lidia Varbanova"
    assert "facilitated" in browser.js("document.body.innerText")


def test_overview_pictures_render(server, browser, tmp_path):
    browser.open(server.url + "/")
    sizes = browser.js("Array.from(document.querySelectorAll('svg')).map(s => { const b = s.getBoundingClientRect(); return [b.width, b.height]; })")
    assert len(sizes) == 5 and all(w > 100 and h > 50 for w, h in sizes)
    bars = browser.js("Array.from(document.querySelectorAll('svg')[0].querySelectorAll('rect title')).map(t => t.textContent)")
    assert "2017: 1 event(s), 2005 Convention" in bars and "2016: 1 event(s), no convention recorded" in bars
    cells = browser.js("Array.from(document.querySelectorAll('svg')[1].querySelectorAll('rect title')).map(t => t.textContent)")
    assert "Kazakhstan, 1972 Convention: since 1994" in cells
    shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"])
    assert shot.startswith(b"\x89PNG") and len(shot) > 20_000
    (tmp_path / "overview.png").write_bytes(shot)
