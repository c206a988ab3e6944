"""The HTTP side of `culturekg serve`: routes, the SPARQL 1.1 Protocol, entity dereferencing.

The pages and entity IRIs are served at the path of the base IRI (`root`): with base
`https://example.org/kg/`, `https://example.org/kg/id/country/KG` is `/kg/id/country/KG` here, so a
reverse proxy can pass paths through unchanged. The endpoint answers at `/sparql` as well as
`{root}sparql`. Each request is answered from the newest finished build (see freshness.py).
"""

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
from ..publish.dumps import rdf_xml
from ..publish.html import STYLE, Linker
from ..publish.limits import UnrepresentableTerm
from ..publish.overview import events_page, overview_page, queries_page, stored_queries
from ..publish.pages import entity_jsonld, entity_page, entity_turtle
from ..publish.paths import PAGE_ROOTS
from ..publish.settings import load_release_info
from ..publish.view import GraphView
from ..queries.catalogue import StoredQuery
from ..queries.derived import missing_derivations
from ..queries.params import ENTITY_KINDS
from ..queries.runner import QueryParamError, bindings_for
from ..sparql import QueryRefused, bind
from ..store.embedded import EmbeddedStore
from .freshness import Freshness
from .guard import UpdateRefused, check_graphs, check_query
from .negotiate import UnknownFormat, choose, named
from .querypage import downloads, query_page, select_table, triples_table
from .worker import Job, QueryTimeout, WorkerPool

_MAX_BODY = 1 << 20
_SELECT_OFFERS = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values", "application/json", "text/html")
_ASK_OFFERS = ("application/sparql-results+json", "application/sparql-results+xml", "application/json", "text/html")
_GRAPH_OFFERS = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml", "text/html")
_ENTITY_OFFERS = ("text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml", "application/xhtml+xml")


@dataclass
class Reply:
    status: int
    media_type: str
    body: bytes
    vary: bool = False
    location: str | None = None


def _text(status: int, message: str, vary: bool = False) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), vary)


def _html(status: int, text: str, vary: bool = False) -> Reply:
    return Reply(status, "text/html; charset=utf-8", text.encode("utf-8"), vary)


def root_of(base_iri: str) -> str:
    """The path the base IRI names ('/kg/' for https://example.org/kg/), up to its last '/'."""
    path = urlsplit(base_iri).path
    return path[: path.rfind("/") + 1] or "/"


class Opened:
    """One opening of the read-only store and what is derived from it: labels, graph names, pages."""

    def __init__(self, site: "Site", generation: int) -> None:
        self.site = site
        self.generation = generation
        self.store = ox.Store.read_only(str(site.store_path))
        self.view = GraphView(self.store, site.base_iri, term_labels(site.ontology))
        self.local_graphs = {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}
        self._derivations: dict[str, list[str]] = {}

    def derivation_warnings(self, stored: StoredQuery) -> list[str]:
        """What `culturekg query run` warns of for this query, worked out once per opening of the store."""
        if stored.name not in self._derivations:
            self._derivations[stored.name] = missing_derivations(EmbeddedStore.around(self.store), stored, self.site.project)
        return self._derivations[stored.name]

    @cached_property
    def static_pages(self) -> dict[str, Reply]:
        site, linker = self.site, self.site.linker
        info = load_release_info(site.project, None, None)
        return {
            "": _html(200, overview_page(self.view, info, linker, server=True)),
            "events.html": _html(200, events_page(self.view, linker, server=True)),
            "ontology/index.html": _html(200, ontology_page(site.ontology, site.base_iri, linker, server=True)),
            "queries/index.html": _html(200, queries_page(list(site.queries.values()), linker, server=True)),
            "static/style.css": Reply(200, "text/css; charset=utf-8", STYLE.encode("utf-8")),
        }


class Site:
    """Everything the handlers share: the read-only store (reopened after a build), the page renderer,
    the query workers. `root` is the request path of the base IRI; by default the base IRI's own path."""

    def __init__(self, project: Project, store_path: Path, *, timeout: float = 10.0, max_rows: int = 10_000,
                 workers: int = 2, root: str | None = None) -> None:
        if not store_path.is_dir():
            raise ConfigError(f"{store_path}: no store here; run `culturekg build` first or pass --store")
        root = root_of(project.base_iri) if root is None else root
        if not (root.startswith("/") and root.endswith("/")) or "//" in root:
            raise ConfigError(f"--root {root!r}: must be a path that begins and ends with '/', such as /kg/")
        self.project = project
        self.base_iri = project.base_iri
        self.store_path = store_path
        self.root = root
        self.linker = Linker(self.base_iri, root=root)
        self.max_rows = max_rows
        self.ontology = load_ontology(project.ontology_file)
        self.queries = {q.name: q for q in stored_queries(project.queries_dirs)}
        self.minter = Minter(project.base_iri)
        self._freshness = Freshness(store_path)
        self._opened = Opened(self, 0)
        self._reopening = threading.Lock()
        self.pool = WorkerPool(store_path, size=workers, timeout=timeout)

    def current(self) -> Opened:
        """The store as the last finished build left it, reopened if a build changed it since."""
        with self._reopening:
            signature = self._freshness.changed()
            if signature is not None:
                try:
                    self._opened = Opened(self, self._opened.generation + 1)
                    self._freshness.reopened(signature)
                except OSError:
                    pass  # files moved under us mid-open; the next request tries again
            return self._opened

    def close(self) -> None:
        self.pool.close()

    def page(self, relative: str) -> Reply | None:
        return self.current().static_pages.get(relative)

    # --- entities -------------------------------------------------------------------------------

    def entity(self, relative: str, query: dict[str, list[str]], accept: str | None) -> Reply:
        """The entity whose IRI is the base IRI followed by `relative` (the request path after root)."""
        opened = self.current()
        subject = _subject_for(opened.store, self.base_iri, relative)
        if subject is None:
            return _text(404, f"nothing is known about <{self.base_iri}{relative}>")
        try:
            format_name = (query.get("format") or [""])[0]
            wanted = named(format_name, _ENTITY_OFFERS) if format_name else choose(accept, _ENTITY_OFFERS)
        except UnknownFormat as exc:
            return _text(400, str(exc))
        view = opened.view
        if wanted in ("text/html", "application/xhtml+xml"):
            return _html(200, entity_page(view, subject, self.linker, server=True), vary=True)
        if wanted == "text/turtle":
            return Reply(200, "text/turtle; charset=utf-8", entity_turtle(view, subject), True)
        if wanted == "application/ld+json":
            return Reply(200, "application/ld+json", jsonld.dumps(entity_jsonld(view, subject)), True)
        if wanted == "application/n-triples":
            return Reply(200, "application/n-triples", ox.serialize(view.description(subject), format=ox.RdfFormat.N_TRIPLES), True)
        if wanted == "application/rdf+xml":
            try:
                return Reply(200, "application/rdf+xml", rdf_xml(lambda: view.description(subject), self.base_iri), True)
            except UnrepresentableTerm as exc:
                return _text(406, f"this entity cannot be written as RDF/XML: {exc}", True)
        return _text(406, "available: " + ", ".join(_ENTITY_OFFERS[:-1]), True)

    # --- SPARQL ---------------------------------------------------------------------------------

    def sparql(self, params: dict[str, list[str]], body_query: str | None, accept: str | None) -> Reply:
        if "update" in params:
            return _text(403, "this endpoint is read-only: SPARQL Update is refused")
        opened = self.current()
        view = opened.view

        def form_page(status: int, **fields) -> Reply:
            return _html(status, query_page(view, self.queries, linker=self.linker, **fields))

        query = body_query if body_query is not None else (params.get("query") or [None])[0]
        stored_name = (params.get("stored") or [None])[0]
        stored = self.queries.get(stored_name) if stored_name else None
        if stored_name and stored is None:
            return form_page(404, error=f"no stored query named {stored_name!r}")
        values = {}
        if stored is not None:
            values = {p.name: params[f"p.{p.name}"][0] for p in stored.params if params.get(f"p.{p.name}", [""])[0].strip()}
            if query is None and "run" not in params:
                return form_page(200, stored=stored, values=values)
        if query is None and stored is None:
            return form_page(200)
        if query is None:
            try:
                bindings = bindings_for(stored, values, self.minter)
                _check_entities(opened.store, stored, bindings)
                query = bind(stored.text, bindings)
            except (QueryParamError, QueryRefused) as exc:
                return form_page(400, stored=stored, values=values, error=str(exc))
        return self._run(opened, query, params, accept, stored, values)

    def _run(self, opened: Opened, query: str, params, accept, stored, values) -> Reply:
        def page_error(status: int, message: str) -> Reply:
            return _html(status, query_page(opened.view, self.queries, query_text="" if stored else query, stored=stored,
                                            values=values, error=message, linker=self.linker))

        try:
            form = check_query(query, opened.local_graphs)
            default_graphs = tuple(params.get("default-graph-uri", []))
            named_graphs = tuple(params.get("named-graph-uri", []))
            check_graphs(default_graphs + named_graphs, opened.local_graphs)
        except UpdateRefused as exc:
            return _text(403, str(exc))
        except QueryRefused as exc:
            return page_error(400, str(exc)) if choose(accept, ("application/sparql-results+json", "text/html")) == "text/html" else _text(400, str(exc))
        offers = {"SELECT": _SELECT_OFFERS, "ASK": _ASK_OFFERS}.get(form, _GRAPH_OFFERS)
        # `format=` (our download links; SPARQLWrapper sends one too) wins over Accept.
        format_name = (params.get("format") or [""])[0]
        try:
            wanted = named(format_name, offers) if format_name else choose(accept, offers)
        except UnknownFormat as exc:
            return _text(400, str(exc))
        if wanted == "application/json":
            wanted = "application/sparql-results+json"
        if wanted is None or wanted not in offers:
            return _text(406, f"a {form} answer is available as: {', '.join(offers)}", True)
        html = wanted == "text/html"
        if html:
            wanted = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
        try:
            answer = self.pool.run(Job(query, wanted, self.max_rows, self.base_iri, default_graphs, named_graphs, opened.generation))
        except QueryTimeout as exc:
            return page_error(503, str(exc)) if html else _text(503, str(exc))
        if not html:
            return Reply(answer.status, answer.media_type, answer.body, True)
        if answer.status != 200:
            return page_error(answer.status, answer.body.decode("utf-8").strip())
        table = triples_table(answer.body, opened.view, self.linker) if form in ("CONSTRUCT", "DESCRIBE") \
            else select_table(answer.body, opened.view, self.linker)
        page = query_page(opened.view, self.queries, query_text="" if stored else query, stored=stored, values=values,
                          answer="<h2>Answer</h2>" + downloads(query, form, self.linker) + table, linker=self.linker,
                          warnings=opened.derivation_warnings(stored) if stored is not None else ())
        return _html(200, page, vary=True)


def _subject_for(store: ox.Store, base_iri: str, relative: str) -> ox.NamedNode | None:
    # The IRI as the client spelled it, then with percent-escapes decoded (browsers escape non-ASCII).
    try:
        decoded = unquote(relative, errors="strict")
    except UnicodeDecodeError:
        decoded = relative  # escapes that are not UTF-8 cannot stand for IRI characters
    for candidate in dict.fromkeys((relative, decoded)):
        try:
            iri = ox.NamedNode(base_iri + candidate)
        except ValueError:
            continue
        if next(iter(store.quads_for_pattern(iri, None, None, None)), None) is not None:
            return iri
    return None


def _check_entities(store: ox.Store, stored, bindings) -> None:
    """A misspelt key must be an error, not an empty answer (as `culturekg query` does)."""
    for param in stored.params:
        if param.type not in ENTITY_KINDS and param.type != "entity":
            continue
        term = bindings[param.name]
        if not any(True for _ in store.quads_for_pattern(term, None, None, None)) and \
                not any(True for _ in store.quads_for_pattern(None, None, term, None)):
            raise QueryParamError(f"query {stored.name}: parameter {param.name!r}: nothing in the store is about {term.value}")


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
            if reply.location:
                self.send_header("Location", reply.location)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if not head_only:
                self.wfile.write(reply.body)

        def _route(self, params, body_query) -> Reply:
            path = urlsplit(self.path).path
            accept = self.headers.get("Accept")
            if path in ("/sparql", site.root + "sparql"):
                return site.sparql(params, body_query, accept)
            if body_query is not None:
                return _text(405, "only /sparql accepts POST")
            if not path.startswith(site.root):
                if path in ("/", "/index.html", site.root.rstrip("/")):
                    return Reply(303, "text/plain; charset=utf-8", f"see {site.root}\n".encode(), location=site.root)
                return _text(404, f"no page at {path}; the pages and entity IRIs of this server are under {site.root}")
            relative = path[len(site.root):]
            relative = {"index.html": "", "ontology/": "ontology/index.html"}.get(relative, relative)
            page = site.page(relative)
            if page is not None:
                return page
            if relative.split("/", 1)[0] in PAGE_ROOTS:
                return site.entity(relative, params, accept)
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
