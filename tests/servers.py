"""Real SPARQL servers for tests: the Oxigraph server and Virtuoso 7, on free loopback ports.

Each is started once per test session in a private temporary folder and stopped at the end, with
nothing left running. A missing binary fails the run under CI (CI=true) and skips with the reason
on a developer machine. Also a scripted endpoint (http.server) that answers 500, 206, partial-result
headers, slowly, or only with credentials, for the failure paths real servers will not produce on demand.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

START_TIMEOUT_S = 120


@dataclass(frozen=True)
class Endpoint:
    """URLs of one running server."""

    query_url: str
    update_url: str
    gsp_url: str
    # Virtuoso only: the same services behind HTTP digest authentication, and its admin login.
    auth_query_url: str | None = None
    auth_gsp_url: str | None = None
    admin: tuple[str, str] | None = None
    # Virtuoso only: its SQL port (host:port for isql-vt) and its folder, the one its ini lets
    # the bulk loader read files from.
    sql_address: str | None = None
    folder: Path | None = None

    def isql(self, statement: str, timeout: float = 300) -> str:
        """Runs one SQL statement as Virtuoso's admin; what isql-vt printed."""
        assert self.sql_address is not None and self.admin is not None, "not a Virtuoso"
        isql = require_binary("isql-vt", "the Debian package virtuoso-opensource-7-bin")
        done = subprocess.run(
            [isql, self.sql_address, *self.admin, f"exec={statement}"],
            check=True, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        )
        return done.stdout

    def bulk_load(self, dump: Path) -> None:
        """Virtuoso's own loader (ld_dir, rdf_loader_run) on an N-Quads file, moved into the server's
        folder first: the loader reads only from the folders its ini allows."""
        assert self.folder is not None, "not a Virtuoso"
        local = self.folder / dump.name
        if local != dump:
            shutil.move(dump, local)
        # The third argument is the graph of triples that name none; every line of an export names its own.
        self.isql(f"ld_dir('{self.folder}', '{local.name}', 'urn:culturekg:no-graph');")
        # A big file takes minutes (57 s for the 5.9 million quads of 50,000 events).
        self.isql("rdf_loader_run();", timeout=3600)
        self.isql("checkpoint;", timeout=3600)
        failed = self.isql("SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;")
        if local.name in failed:
            raise RuntimeError(f"Virtuoso's loader refused {local}: {failed.strip()[-800:]}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_binary(name: str, package: str) -> str:
    path = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if path:
        return path
    reason = f"{name} not found: install {package}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " (CI must provide it)")
    pytest.skip(reason)


def _log_tail(log: Path) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-2000:]
    except OSError:
        return "(no log)"


def _wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode} before answering {url}:\n{_log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server did not answer {url} within {START_TIMEOUT_S} s:\n{_log_tail(log)}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


_ASK = "?query=" + urllib.request.quote("ASK {}")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-server")) as endpoint:
        yield endpoint


@contextlib.contextmanager
def running_oxigraph(folder: Path, *options: str) -> Iterator[Endpoint]:
    """An Oxigraph server of its own, for tests that need one holding nothing but their graphs
    (`options` go to `oxigraph serve`, e.g. --union-default-graph)."""
    binary = require_binary("oxigraph", "the PyPI package oxigraph (pip install 'oxigraph>=0.5,<0.6')")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}", *options],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base + "/query" + _ASK, process, log)
        yield Endpoint(query_url=base + "/query", update_url=base + "/update", gsp_url=base + "/store")
    finally:
        _stop(process)


def oxigraph_load(dump: Path, folder: Path) -> None:
    """`oxigraph load` of an N-Quads file into the store that running_oxigraph(folder) serves, which must
    not be running: Oxigraph loads into a store no server holds open."""
    binary = require_binary("oxigraph", "the PyPI package oxigraph (pip install 'oxigraph>=0.5,<0.6')")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([binary, "load", "--location", str(folder / "data"), "--file", str(dump)],
                   check=True, capture_output=True, stdin=subprocess.DEVNULL)


# Virtuoso reads only what its ini names; every path is absolute and inside the test's folder.
# ResultSetMaxRows is low so that tests can make Virtuoso truncate an answer.
VIRTUOSO_MAX_ROWS = 3000

_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
DirsAllowed = ., {d}
ThreadCleanupInterval = 0
ResourcesCleanupInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = 5
ServerThreads = 5
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
DeferInferenceRulesInit = 0
"""


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as endpoint:
        yield endpoint


@contextlib.contextmanager
def running_virtuoso(folder: Path, buffers: int = 10_000) -> Iterator[Endpoint]:
    """A Virtuoso of its own, for tests that need one holding nothing but their graphs. `buffers` are
    8 kB pages of cache (80 MB for tests; benchmarks of big data size it to the data)."""
    binary = require_binary("virtuoso-t", "the Debian package virtuoso-opensource-7-bin")
    require_binary("isql-vt", "the Debian package virtuoso-opensource-7-bin")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        _VIRTUOSO_INI.format(d=folder, sql_port=sql_port, http_port=http_port, max_rows=VIRTUOSO_MAX_ROWS,
                             buffers=buffers, dirty_buffers=buffers * 3 // 5),
        encoding="utf-8",
    )
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            cwd=folder, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_until_answering(base + "/sparql" + _ASK, process, log)
        # The anonymous SPARQL user may read only, until granted updates (which also opens
        # /sparql-graph-crud to writes).
        endpoint = Endpoint(
            query_url=base + "/sparql",
            update_url=base + "/sparql",
            gsp_url=base + "/sparql-graph-crud",
            auth_query_url=base + "/sparql-auth",
            auth_gsp_url=base + "/sparql-graph-crud-auth",
            admin=("dba", "dba"),
            sql_address=f"127.0.0.1:{sql_port}",
            folder=folder,
        )
        endpoint.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        yield endpoint
    finally:
        _stop(process)



@contextlib.contextmanager
def running_server(kind: str, folder: Path, buffers: int = 10_000) -> Iterator[Endpoint]:
    """A server of its own: "oxigraph" or "virtuoso" (with `buffers` pages of cache)."""
    if kind == "oxigraph":
        with running_oxigraph(folder) as endpoint:
            yield endpoint
    else:
        with running_virtuoso(folder, buffers=buffers) as endpoint:
            yield endpoint


@contextlib.contextmanager
def bulk_loaded(kind: str, dump: Path, folder: Path, buffers: int = 10_000) -> Iterator[tuple[float, Endpoint]]:
    """A server of its own holding an N-Quads file its own loader read: (seconds the loader took, the
    server). Oxigraph loads before its server starts, Virtuoso once it runs."""
    if kind == "oxigraph":
        started = time.perf_counter()
        oxigraph_load(dump, folder)
        seconds = time.perf_counter() - started
        with running_oxigraph(folder) as endpoint:
            yield seconds, endpoint
        return
    with running_virtuoso(folder, buffers=buffers) as endpoint:
        started = time.perf_counter()
        endpoint.bulk_load(dump)
        yield time.perf_counter() - started, endpoint

# -- a scripted endpoint for failure paths -------------------------------------------------------

EMPTY_SELECT = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}).encode()


class _Scripted(BaseHTTPRequestHandler):
    """The path says how to answer: /ok, /500, /206, /maxrows, /sqlstate, /slow, /basic (needs user:secret)."""

    release: threading.Event
    seen_authorization: list[str | None]

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        path = self.path.split("?")[0].rstrip("/")
        self.seen_authorization.append(self.headers.get("Authorization"))
        status, headers = 200, {}
        if path == "/500":
            status = 500
        elif path == "/206":
            status = 206
        elif path == "/maxrows":
            headers = {"X-SPARQL-MaxRows": "1"}
        elif path == "/sqlstate":
            headers = {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by result timeout"}
        elif path == "/slow":
            self.release.wait(30)
        elif path == "/basic":
            expected = "Basic " + base64.b64encode(b"user:secret").decode()
            if self.headers.get("Authorization") != expected:
                status, headers = 401, {"WWW-Authenticate": 'Basic realm="test"'}
        body = EMPTY_SELECT if status < 300 else b"server says no"
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json" if status < 300 else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


@dataclass(frozen=True)
class Scripted:
    base: str
    seen_authorization: list[str | None]


@pytest.fixture
def scripted_endpoint() -> Iterator[Scripted]:
    release = threading.Event()
    seen: list[str | None] = []
    handler = type("Handler", (_Scripted,), {"release": release, "seen_authorization": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Scripted(f"http://127.0.0.1:{server.server_address[1]}", seen)
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
