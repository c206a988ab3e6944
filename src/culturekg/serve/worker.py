"""Queries run in worker processes with a deadline.

A pyoxigraph query cannot be interrupted from Python, so each query goes to a separate process that
has the store open read-only; if the answer is not back in time the process is killed and replaced.
Answers are capped in rows (or triples), so a query cannot make the server build an unbounded reply.
A read-only store is a snapshot, so each job names the store generation the server answers from
(see freshness.py), and a worker still on an older one reopens the store before it runs the job.
"""

from __future__ import annotations

import pickle
import queue
import selectors
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Job:
    query: str
    media_type: str
    max_rows: int
    base_iri: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    generation: int = 0


@dataclass(frozen=True)
class Answer:
    status: int
    media_type: str
    body: bytes


class QueryTimeout(Exception):
    pass


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def execute(store: ox.Store, job: Job) -> Answer:
    """Run one query on the read-only store and serialize the answer (in the worker process)."""
    from ..publish import jsonld
    from ..publish.dumps import rdf_xml
    from ..publish.limits import UnrepresentableTerm
    from ..queries.formats import to_json
    from ..store.base import QueryResult

    options: dict = {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        answer = store.query(job.query, **options)
        if isinstance(answer, ox.QueryBoolean):
            return Answer(200, job.media_type, answer.serialize(format=RESULT_FORMATS[job.media_type]))
        if isinstance(answer, ox.QuerySolutions):
            variables = tuple(v.value for v in answer.variables)
            rows = []
            for solution in answer:
                if len(rows) == job.max_rows:
                    return _error(400, f"the answer has more than {job.max_rows} rows, this endpoint's limit; add a LIMIT")
                rows.append(tuple(solution))  # the values in the variables' order (see store.embedded)
            data = to_json(QueryResult(variables, tuple(rows))).encode("utf-8")
            if RESULT_FORMATS[job.media_type] != ox.QueryResultsFormat.JSON:
                # pyoxigraph writes the other standard formats from the capped answer.
                solutions = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
                data = solutions.serialize(format=RESULT_FORMATS[job.media_type])
            return Answer(200, job.media_type, data)
        triples = []
        for triple in answer:
            if len(triples) == job.max_rows:
                return _error(400, f"the answer has more than {job.max_rows} triples, this endpoint's limit; add a LIMIT")
            triples.append(triple)
        if GRAPH_FORMATS[job.media_type] == ox.RdfFormat.JSON_LD:
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
            return Answer(200, job.media_type, jsonld.dumps(jsonld.document(quads, job.base_iri)))
        if GRAPH_FORMATS[job.media_type] == ox.RdfFormat.RDF_XML:
            return Answer(200, job.media_type, rdf_xml(lambda: triples, job.base_iri))
        return Answer(200, job.media_type, ox.serialize(triples, format=GRAPH_FORMATS[job.media_type],
                                                         prefixes=jsonld.context(job.base_iri)))
    except SyntaxError as exc:
        return _error(400, f"query syntax error: {exc}")
    except UnrepresentableTerm as exc:
        return _error(406, f"the answer cannot be written as {job.media_type}: {exc}")
    except (OSError, ValueError, RuntimeError) as exc:
        return _error(500, f"query failed: {exc}")


def _send(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def _receive(stream):
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError("the other side closed the pipe")
    (size,) = struct.unpack(">Q", header)
    return pickle.loads(stream.read(size))


def main(store_path: str) -> None:
    """The worker process: answer jobs from stdin on stdout until stdin closes."""
    store, generation = ox.Store.read_only(store_path), 0
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Anything else printing to stdout would corrupt the frames.
    sys.stdout = sys.stderr
    # Imports and opening the store take a while; a query's time limit starts only after this.
    from ..publish import dumps, jsonld  # noqa: F401
    from ..queries import formats  # noqa: F401

    _send(stdout, "ready")
    while True:
        try:
            job = _receive(stdin)
        except EOFError:
            return
        if job.generation != generation:
            try:
                store, generation = ox.Store.read_only(store_path), job.generation
            except OSError as exc:
                _send(stdout, _error(503, f"cannot reopen the rebuilt store ({exc}); try again"))
                continue
        _send(stdout, execute(store, job))


class _Worker:
    """One worker process, started with the same interpreter (no fork of the threaded server)."""

    def __init__(self, store_path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "culturekg.serve.worker", str(store_path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.process.stdout, selectors.EVENT_READ)

    def wait_ready(self, timeout: float = 60.0) -> bool:
        if not self._selector.select(timeout):
            return False
        try:
            return _receive(self.process.stdout) == "ready"
        except EOFError:
            return False

    def ask(self, job: Job, timeout: float) -> Answer | None:
        """The answer, or None when it did not come in time. Raises EOFError if the worker died."""
        try:
            _send(self.process.stdin, job)
        except (BrokenPipeError, OSError) as exc:
            raise EOFError(str(exc)) from None
        if not self._selector.select(timeout):
            return None
        return _receive(self.process.stdout)

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._selector.close()
        for stream in (self.process.stdin, self.process.stdout):
            if not stream.closed:
                stream.close()


class WorkerPool:
    """`size` worker processes; a request waits for a free one, at most `timeout` seconds in all."""

    def __init__(self, store_path: Path, *, size: int = 2, timeout: float = 10.0) -> None:
        self._store_path = store_path
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        starting = [self._start() for _ in range(size)]
        for worker in starting:
            self._admit(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self._store_path)
        with self._lock:
            self._all.append(worker)
        return worker

    def _admit(self, worker: _Worker) -> None:
        if worker.wait_ready():
            self._idle.put(worker)
            return
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        worker.stop(kill=True)

    def _add(self) -> None:
        # A replacement gets ready in the background; requests meanwhile use the other workers.
        worker = self._start()
        threading.Thread(target=self._admit, args=(worker,), daemon=True).start()

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        worker.stop(kill=True)
        self._add()

    def run(self, job: Job) -> Answer:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(f"no query worker became free within {self.timeout:g} s; try again later") from None
        try:
            answer = worker.ask(job, self.timeout)
        except EOFError:
            self._replace(worker)
            return _error(500, "the query worker stopped while answering (out of memory?); it has been restarted")
        except BaseException:
            self._replace(worker)
            raise
        if answer is None:
            self._replace(worker)
            raise QueryTimeout(f"the query did not finish within {self.timeout:g} s, this endpoint's time limit; "
                               "it was stopped (narrow the pattern or add a LIMIT)")
        self._idle.put(worker)
        return answer

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop()


if __name__ == "__main__":
    # Run under the module's real name, so pickled Job and Answer classes match the server's.
    from culturekg.serve.worker import main as _main

    _main(sys.argv[1])
