"""The HTTP side of `culturekg serve`: routes, the SPARQL 1.1 Protocol, entity dereferencing."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from ..errors import ConfigError
from ..iris import Minter
from ..project import Project
from ..publish import jsonld
from ..publish.docs import load_ontology, ontology_page, term_labels
from ..publish.html import STYLE, Linker
from ..publish.overview import events_page, overview_page, queries_page, stored_queries
from ..publish.pages import entity_jsonld, entity_page, entity_turtle
from ..publish.paths import PAGE_ROOTS
from ..publish.settings import load_release_info
from ..publish.view import GraphView
from ..queries.params import ENTITY_KINDS
from ..queries.runner import QueryParamError, bindings_for
from ..sparql import QueryRefused, bind
from .guard import UpdateRefused, check_graphs, check_query
from .negotiate import choose
from .querypage import downloads, query_page, select_table, triples_table
from .worker import Job, QueryTimeout, WorkerPool

_MAX_BODY = 1 << 20
_FORMAT_NAMES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "ttl": "text/turtle", "nt": "application/n-triples",
    "jsonld": "application/ld+json", "html": "text/html", "turtle": "text/turtle", "ntriples": "application/n-triples",
}
_SELECT_OFFERS = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values", "application/json", "text/html")
_ASK_OFFERS = ("application/sparql-results+json", "application/sparql-results+xml", "application/json", "text/html")
_GRAPH_OFFERS = ("text/turtle", "application/n-triples", "application/ld+json", "text/html")
_ENTITY_OFFERS = ("text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/xhtml+xml")


@dataclass
class Reply:
    status: int
    media_type: str
    body: bytes
    vary: bool = False


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def _html(status: int, text: str, vary: bool = False) -> Reply:
    return Reply(status, "text/html; charset=utf-8", text.encode("utf-8"), vary)


class Site:
    """Everything the handlers share: the read-only store, the page renderer, the query workers."""

    def __init__(self, project: Project, store_path: Path, *, timeout: float = 10.0, max_rows: int = 10_000, workers: int = 2) -> None:
        if not store_path.is_dir():
            raise ConfigError(f"{store_path}: no store here; run `culturekg build` first or pass --store")
        self.project = project
        self.base_iri = project.base_iri
        self.store = ox.Store.read_only(str(store_path))
        self.max_rows = max_rows
        ontology = load_ontology(project.ontology_file)
        self.ontology = ontology
        self.view = GraphView(self.store, project.base_iri, term_labels(ontology))
        self.queries = {q.name: q for q in stored_queries(project.queries_dirs)}
        self.local_graphs = {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}
        self.minter = Minter(project.base_iri)
        self.pool = WorkerPool(store_path, size=workers, timeout=timeout)

    @cached_property
    def static_pages(self) -> dict[str, Reply]:
        linker = Linker(self.base_iri)
        info = load_release_info(self.project, None, None)
        return {
            "/": _html(200, overview_page(self.view, info, linker, server=True)),
            "/events.html": _html(200, events_page(self.view, linker, server=True)),
            "/ontology/index.html": _html(200, ontology_page(self.ontology, self.base_iri, linker, server=True)),
            "/queries/index.html": _html(200, queries_page(list(self.queries.values()), linker, server=True)),
            "/static/style.css": Reply(200, "text/css; charset=utf-8", STYLE.encode("utf-8")),
        }

    def close(self) -> None:
        self.pool.close()

    # --- entities -------------------------------------------------------------------------------

    def entity(self, path: str, query: dict[str, list[str]], accept: str | None) -> Reply:
        subject = self._subject_for(path)
        if subject is None:
            return _text(404, f"nothing is known about <{self.base_iri}{path.lstrip('/')}>")
        wanted = _FORMAT_NAMES.get((query.get("format") or [""])[0]) or choose(accept, _ENTITY_OFFERS)
        if wanted in ("text/html", "application/xhtml+xml"):
            return _html(200, entity_page(self.view, subject, Linker(self.base_iri), server=True), vary=True)
        if wanted == "text/turtle":
            return Reply(200, "text/turtle; charset=utf-8", entity_turtle(self.view, subject), True)
        if wanted == "application/ld+json":
            return Reply(200, "application/ld+json", jsonld.dumps(entity_jsonld(self.view, subject)), True)
        if wanted == "application/n-triples":
            return Reply(200, "application/n-triples", ox.serialize(self.view.description(subject), format=ox.RdfFormat.N_TRIPLES), True)
        return Reply(406, "text/plain; charset=utf-8", b"available: text/html, text/turtle, application/ld+json, application/n-triples\n", True)

    def _subject_for(self, path: str) -> ox.NamedNode | None:
        # The IRI as the client spelled it, then with percent-escapes decoded (browsers escape non-ASCII).
        relative = path.lstrip("/")
        try:
            decoded = unquote(relative, errors="strict")
        except UnicodeDecodeError:
            decoded = relative  # escapes that are not UTF-8 cannot stand for IRI characters
        for candidate in dict.fromkeys((relative, decoded)):
            try:
                iri = ox.NamedNode(self.base_iri + candidate)
            except ValueError:
                continue
            if next(iter(self.store.quads_for_pattern(iri, None, None, None)), None) is not None:
                return iri
        return None

    # --- SPARQL ---------------------------------------------------------------------------------

    def sparql(self, params: dict[str, list[str]], body_query: str | None, accept: str | None) -> Reply:
        if "update" in params:
            return _text(403, "this endpoint is read-only: SPARQL Update is refused")
        query = body_query if body_query is not None else (params.get("query") or [None])[0]
        stored_name = (params.get("stored") or [None])[0]
        stored = self.queries.get(stored_name) if stored_name else None
        if stored_name and stored is None:
            return _html(404, query_page(self.view, self.queries, error=f"no stored query named {stored_name!r}"))
        values = {}
        if stored is not None:
            values = {p.name: params[f"p.{p.name}"][0] for p in stored.params if params.get(f"p.{p.name}", [""])[0].strip()}
            if query is None and "run" not in params:
                return _html(200, query_page(self.view, self.queries, stored=stored, values=values))
        if query is None and stored is None:
            return _html(200, query_page(self.view, self.queries))
        if query is None:
            try:
                bindings = bindings_for(stored, values, self.minter)
                self._check_entities(stored, bindings)
                query = bind(stored.text, bindings)
            except (QueryParamError, QueryRefused) as exc:
                return _html(400, query_page(self.view, self.queries, stored=stored, values=values, error=str(exc)))
        return self._run(query, params, accept, stored, values)

    def _check_entities(self, stored, bindings) -> None:
        """A misspelt key must be an error, not an empty answer (as `culturekg query` does)."""
        for param in stored.params:
            if param.type not in ENTITY_KINDS and param.type != "entity":
                continue
            term = bindings[param.name]
            if not any(True for _ in self.store.quads_for_pattern(term, None, None, None)) and \
                    not any(True for _ in self.store.quads_for_pattern(None, None, term, None)):
                raise QueryParamError(f"query {stored.name}: parameter {param.name!r}: nothing in the store is about {term.value}")

    def _run(self, query: str, params, accept, stored, values) -> Reply:
        def page_error(status: int, message: str) -> Reply:
            return _html(status, query_page(self.view, self.queries, query_text="" if stored else query, stored=stored, values=values, error=message))

        try:
            form = check_query(query, self.local_graphs)
            default_graphs = tuple(params.get("default-graph-uri", []))
            named_graphs = tuple(params.get("named-graph-uri", []))
            check_graphs(default_graphs + named_graphs, self.local_graphs)
        except UpdateRefused as exc:
            return _text(403, str(exc))
        except QueryRefused as exc:
            return page_error(400, str(exc)) if choose(accept, ("application/sparql-results+json", "text/html")) == "text/html" else _text(400, str(exc))
        offers = {"SELECT": _SELECT_OFFERS, "ASK": _ASK_OFFERS}.get(form, _GRAPH_OFFERS)
        # `format=` (our download links; SPARQLWrapper sends one too) wins when it names an offered type.
        named = _FORMAT_NAMES.get((params.get("format") or [""])[0])
        wanted = named if named in offers else choose(accept, offers)
        if wanted == "application/json":
            wanted = "application/sparql-results+json"
        if wanted is None or wanted not in offers:
            return Reply(406, "text/plain; charset=utf-8", f"a {form} answer is available as: {', '.join(offers)}\n".encode(), True)
        html = wanted == "text/html"
        if html:
            wanted = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
        try:
            answer = self.pool.run(Job(query, wanted, self.max_rows, self.base_iri, default_graphs, named_graphs))
        except QueryTimeout as exc:
            return page_error(503, str(exc)) if html else _text(503, str(exc))
        if not html:
            return Reply(answer.status, answer.media_type, answer.body, True)
        if answer.status != 200:
            return page_error(answer.status, answer.body.decode("utf-8").strip())
        table = triples_table(answer.body, self.view, Linker(self.base_iri)) if form in ("CONSTRUCT", "DESCRIBE") \
            else select_table(answer.body, self.view, Linker(self.base_iri))
        page = query_page(self.view, self.queries, query_text="" if stored else query, stored=stored, values=values,
                          answer="<h2>Answer</h2>" + downloads(query, form) + table)
        return _html(200, page, vary=True)


def make_handler(site: Site, *, quiet: bool = True) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "culturekg"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the standard library's name
            if not quiet:
                super().log_message(format, *args)

        def _send(self, reply: Reply, *, head_only: bool = False) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.media_type if ";" in reply.media_type or not reply.media_type.startswith("text/")
                             else reply.media_type + "; charset=utf-8")
            self.send_header("Content-Length", str(len(reply.body)))
            if reply.vary:
                self.send_header("Vary", "Accept")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if not head_only:
                self.wfile.write(reply.body)

        def _route(self, params, body_query) -> Reply:
            url = urlsplit(self.path)
            path = url.path
            accept = self.headers.get("Accept")
            if path == "/sparql":
                return site.sparql(params, body_query, accept)
            if body_query is not None:
                return _text(405, "only /sparql accepts POST")
            page = site.static_pages.get("/" if path == "/index.html" else ("/ontology/index.html" if path == "/ontology/" else path))
            if page is not None:
                return page
            if path.lstrip("/").split("/", 1)[0] in PAGE_ROOTS:
                return site.entity(path, params, accept)
            return _text(404, f"no page at {path}")

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._handle(head_only=False)

        def do_HEAD(self) -> None:  # noqa: N802
            self._handle(head_only=True)

        def _handle(self, *, head_only: bool) -> None:
            try:
                reply = self._route(parse_qs(urlsplit(self.path).query, keep_blank_values=True), None)
            except Exception as exc:  # a bug must not take the server down; the client learns what failed
                reply = _text(500, f"internal error: {type(exc).__name__}: {exc}")
            self._send(reply, head_only=head_only)

        def do_POST(self) -> None:  # noqa: N802
            try:
                reply = self._post()
            except Exception as exc:
                reply = _text(500, f"internal error: {type(exc).__name__}: {exc}")
            self._send(reply)

        def _post(self) -> Reply:
            length = int(self.headers.get("Content-Length") or 0)
            if length > _MAX_BODY:
                return _text(413, f"request body larger than {_MAX_BODY} bytes")
            raw = self.rfile.read(length)
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
            if content_type == "application/sparql-update":
                return _text(403, "this endpoint is read-only: SPARQL Update is refused")
            if content_type == "application/sparql-query":
                return self._route(params, raw.decode("utf-8"))
            if content_type == "application/x-www-form-urlencoded":
                form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
                for key, value in form.items():
                    params.setdefault(key, []).extend(value)
                if "update" in params:
                    return _text(403, "this endpoint is read-only: SPARQL Update is refused")
                return self._route(params, (params.get("query") or [""])[0])
            return _text(415, "POST needs application/sparql-query or application/x-www-form-urlencoded")

    return Handler


class Server:
    """The running server: started in a background thread (tests) or in the foreground (the command)."""

    def __init__(self, site: Site, host: str = "127.0.0.1", port: int = 8080, *, quiet: bool = True) -> None:
        self.site = site
        self.httpd = ThreadingHTTPServer((host, port), make_handler(site, quiet=quiet))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "Server":
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.site.close()
