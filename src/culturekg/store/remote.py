"""Any SPARQL 1.1 endpoint as a GraphStore (tested on the Oxigraph server and Virtuoso 7).

Reads go through SPARQLWrapper with parameters bound as a VALUES block of typed terms. Every
query sees the project's graphs (those under `{base}graph/`) as its default graph, as the embedded
store's union default graph shows them, and no other graph (Virtuoso's system graphs, another
project's data). On Virtuoso that is the server's own union of its graphs with the others excluded
by DEFINE input:default-graph-exclude, for a project of any size. Elsewhere a project of up to
NAMED_DATASET_MAX graphs names each of them in every request (the protocol's default-graph-uri and
named-graph-uri); a bigger one takes the Oxigraph server's union-default-graph when it holds no
other graph, and names the graphs, however many, anywhere else. Writes replace whole named graphs: with
the Graph Store HTTP Protocol (PUT replaces that graph only) when the endpoint has one, else with
SPARQL Update (DROP SILENT GRAPH, then INSERT DATA in chunks).
"""

from __future__ import annotations

import contextlib
import re
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from SPARQLWrapper import ASK, CONSTRUCT, INSERT, JSON, N3, POST, SELECT, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ..errors import ConfigError
from ..iris import Minter
from ..project import DEFAULT_BASE_IRI
from ..sparql import QueryRefused, asks_virtuoso_to_keep_order, bind, bind_rows, check_local, is_update
from .base import Bindings, GraphChange, QueryResult
from .chunks import edit_requests, update_requests
from .http import (
    NETWORK_ERRORS, Auth, EndpointError, RowLimitCut, allow_headers, check_complete, failure, opener, send,
)
from .results import ResultsFormatError, parse_ask, parse_select

__all__ = ["Auth", "EndpointError", "RemoteStore"]

# Every graph's name once, in name order after ?after, for pages that neither skip nor repeat a graph
# (each starts after the last name read) and need no OFFSET, which stock Virtuoso refuses past its
# MaxSortedTopRows. The sub-select lists the distinct graphs first, and its LIMIT keeps Virtuoso from
# pushing the test of the name down to every quad: 0.2 s a page at 10,017 graphs (1.2 million quads),
# against 2.6 s with the filter beside the graph pattern. The isIRI filter is for Virtuoso's planner
# too: 1.1 s over 50,017 graphs, against minutes without any filter. Virtuoso answers `GRAPH ?g {}`
# with one row; the Oxigraph server lists its graphs that way in 0.15 s where the scan takes 10 s.
_DISTINCT_GRAPHS = "{ SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?g)) } LIMIT 1000000000 }"
_GRAPHS_AFTER = f"SELECT ?g WHERE {{ {_DISTINCT_GRAPHS} FILTER(STR(?g) > ?after) }} ORDER BY STR(?g)"
# Only the graphs that are not the project's, which a query on Virtuoso's union leaves out: 0.1 s at
# 10,017 graphs, where listing the project's own took a page per few thousand graphs.
_OTHER_GRAPHS_AFTER = (
    f"SELECT ?g WHERE {{ {_DISTINCT_GRAPHS} FILTER(STR(?g) > ?after && !STRSTARTS(STR(?g), ?prefix)) }} "
    "ORDER BY STR(?g)"
)
_GRAPH_NAMES = "SELECT ?g WHERE { GRAPH ?g { } }"
# Virtuoso's refusal of a query on its cost estimate (MaxQueryCostEstimationTime).
_COST_REFUSAL = re.compile(r"estimated execution time (\d+) \(sec\) exceeds the limit of (\d+) \(sec\)")
# Virtuoso holds three graphs of its own (its schema, its endpoint's description); more than this many
# other graphs is somebody else's data, whose pragmas weigh on Virtuoso's estimates.
_FEW_OTHER_GRAPHS = 20
_PROBE = "ASK {}"

# Above this many graphs, naming each one in every request costs more than the query: at 50,000
# events (50,017 graphs) a stored query took 219 s on Oxigraph instead of 1.6 s with its union
# default graph, and Virtuoso had not answered after ten minutes.
NAMED_DATASET_MAX = 1000
DATASETS = ("auto", "named", "union", "endpoint")
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# The triples of each graph of a batch, and its quads (graphs bound in a VALUES block).
_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_BATCH = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_FIRST_BATCH = 16
# Graph names in one request's VALUES block, at most: about 80 bytes each.
_MAX_BATCH = 1000
_PAGE = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?p ?o"
_WHOLE = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
_EVERY_QUAD = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def _named(rows: list[tuple]) -> set[ox.NamedNode]:
    """The graph names of a listing's rows (a blank node or literal there names no graph)."""
    return {row[0] for row in rows if isinstance(row[0], ox.NamedNode)}


class RemoteStore:
    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        auth: Auth | tuple[str, str, str] | None = None,
        timeout: float = 60.0,
        *,
        base_iri: str = DEFAULT_BASE_IRI,
        chunk_triples: int = 500,
        page_rows: int = 5000,
        row_limit: int | None = None,
        dataset: str = "auto",
    ) -> None:
        """`row_limit` is the most rows the endpoint returns (Virtuoso's ResultSetMaxRows), when known.
        `dataset` is how a query is limited to the project's graphs: "named" names them all, "union"
        takes the server's union without the other graphs (an error where the server has none),
        "auto" takes Virtuoso's union always, and elsewhere names them up to NAMED_DATASET_MAX graphs
        and takes the union above, where it can, and
        "endpoint" names nothing and takes the endpoint's own default graph, which its operator has made
        the union of the project's graphs (Fuseki's unionDefaultGraph, `oxigraph serve
        --union-default-graph`): the one way to a big project's union on other servers."""
        for url in (query_url, update_url, gsp_url):
            if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                # Bad options are the user's input (exit 2), not a server that failed (exit 3).
                raise ConfigError(f"{url}: not an http(s) URL")
        if timeout <= 0:
            raise ConfigError(f"timeout {timeout}: must be a positive number of seconds")
        if dataset not in DATASETS:
            raise ConfigError(f"dataset {dataset!r}: must be one of {', '.join(DATASETS)}")
        self.dataset = dataset
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.gsp_url = gsp_url
        # (user, password, "basic" | "digest") is accepted as well as an Auth.
        self.auth = Auth(*auth) if isinstance(auth, tuple) else auth
        self.timeout = timeout
        self.graph_prefix = Minter(base_iri).graph("").value
        self.chunk_triples = chunk_triples
        # Virtuoso flags an answer that reaches its limit as cut, even when nothing was left out.
        self.page_rows = min(page_rows, row_limit - 1) if row_limit and row_limit > 1 else page_rows
        self.row_limit = row_limit
        self._graphs: set[ox.NamedNode] | None = None
        self._foreign: set[ox.NamedNode] = set()
        self._server: str | None = None
        self._union: str | None = None
        self._gsp = opener(gsp_url, self.auth) if gsp_url else None

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r}, graphs under {self.graph_prefix!r})"

    # -- requests -------------------------------------------------------------------------------

    def _wrapper(self, *, dataset: bool) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.query_url, updateEndpoint=self.update_url)
        wrapper.setMethod(POST)
        # Only content negotiation: no vendor format= / output= parameters.
        wrapper.setOnlyConneg(True)
        # Not setTimeout: it truncates to whole seconds, and a timeout under one second would
        # become 0, which SPARQLWrapper takes as "no timeout".
        wrapper.timeout = self.timeout
        if self.auth is not None:
            wrapper.setHTTPAuth(self.auth.scheme.upper())
            wrapper.setCredentials(self.auth.user, self.auth.password, realm=self.auth.realm)
        if dataset and self.dataset == "endpoint":
            pass
        elif dataset and self._union_kind() == "oxigraph":
            wrapper.addParameter("union-default-graph", "true")
        elif dataset and self._union_kind() is None:
            graphs = sorted(g.value for g in self.named_graphs()) or [self._empty_dataset()]
            allow_headers(2 * len(graphs) + 100)
            for graph in graphs:
                wrapper.addDefaultGraph(graph)
                wrapper.addNamedGraph(graph)
        return wrapper

    def _union_kind(self) -> str | None:
        """"virtuoso" or "oxigraph" when queries take the server's union of its graphs, None when
        they name the project's graphs."""
        if self._union is None:
            self._probe()
            kind = ""
            # Virtuoso 7.2 takes its union for every project: given a few hundred graphs by name it
            # refuses plain queries on its cost estimate and answers others wrongly (region-missing-
            # sectors: 28 rows for 2 with 167 graphs named, right again through the union).
            if self._server_is("virtuoso/") and self.dataset in ("auto", "union"):
                # Only the other graphs, to leave them out: listing a project's own 50,017 graphs in
                # pages took 166 s before each query.
                if self._graphs is None:
                    self._foreign = self._other_graphs()
                kind = "virtuoso"
            elif self.dataset == "union" or (self.dataset == "auto" and len(self.named_graphs()) > NAMED_DATASET_MAX):
                self.named_graphs()
                if self._server_is("oxigraph/") and not self._foreign:
                    kind = "oxigraph"
                elif self.dataset == "union":
                    other = f"; it also holds {len(self._foreign)} other graphs" if self._foreign else ""
                    raise ConfigError(
                        f"{self.query_url}: no exact union of the project's graphs on this server "
                        f"({self._server or 'unknown'}{other}); name the graphs instead (dataset named)"
                    )
            self._union = kind
        return self._union or None

    def _server_is(self, product: str) -> bool:
        """Whether the endpoint's Server header names `product` ("virtuoso/", "oxigraph/")."""
        return (self._server or "").lower().startswith(product)

    def _excluding_others(self, text: str) -> str:
        # Virtuoso's default graph without a dataset is every graph it holds; these pragmas leave out
        # the ones that are not the project's (IRIs the server listed, written as typed terms).
        pragmas = "".join(
            f"DEFINE input:default-graph-exclude {graph}\nDEFINE input:named-graph-exclude {graph}\n"
            for graph in sorted(self._foreign, key=lambda g: g.value)
        )
        return pragmas + text

    def _empty_dataset(self) -> str:
        # A dataset named by no graph would be the endpoint's whole default graph; name one that
        # the project would use but that holds nothing yet.
        return self.graph_prefix + "meta"

    def _send(self, text: str, form: str, *, dataset: bool = True) -> tuple[bytes, str]:
        """`form` is SELECT, ASK, CONSTRUCT or INSERT (any update)."""
        with self._response(text, form, dataset=dataset) as response:
            return response.read(), response.headers.get_content_type()

    @contextlib.contextmanager
    def _streamed_select(self, text: str) -> Iterator[ox.QuerySolutions]:
        """A SELECT's solutions parsed as they arrive, for answers too big to hold (every quad of a
        project); only where the endpoint cuts no answer, since a cut one is refused after the fact."""
        with self._response(text, SELECT) as response:
            try:
                yield ox.parse_query_results(response, format=ox.QueryResultsFormat.JSON)
            except SyntaxError as exc:
                raise EndpointError(f"{self.query_url}: the answer does not parse: {exc}") from exc

    @contextlib.contextmanager
    def _response(self, text: str, form: str, *, dataset: bool = True) -> Iterator:
        """The endpoint's answer to `text`, checked complete, open while the caller reads it; failures
        (also while reading) are EndpointErrors."""
        update = form == INSERT
        url = self.update_url if update else self.query_url
        wrapper = self._wrapper(dataset=dataset and not update)
        keep_order = not update and self._server_is("virtuoso/") and asks_virtuoso_to_keep_order(text)
        if dataset and not update and self._union_kind() == "virtuoso":
            text = self._excluding_others(text)
        if keep_order:
            text = 'DEFINE sql:select-option "ORDER"\n' + text
        wrapper.setQuery(text)
        # SPARQLWrapper guesses the form from the first keyword it finds, which can be one inside an
        # IRI or a name; the caller knows it, and it decides the URL and the Accept header.
        wrapper.queryType = form
        wrapper.setReturnFormat(N3 if form == CONSTRUCT else JSON)
        try:
            response = wrapper.query().response
            with response:
                self._server = response.headers.get("Server", "")
                check_complete(url, response.status, response.headers)
                yield response
        except SPARQLWrapperException as exc:
            raise EndpointError(f"{url}: {' '.join(str(exc).split())[:800]}{self._refusal_hint(exc)}") from exc
        except NETWORK_ERRORS as exc:
            raise failure(url, exc) from exc

    def _refusal_hint(self, exc: Exception) -> str:
        found = _COST_REFUSAL.search(str(exc))
        if found is None:
            return ""
        estimate, limit = found.groups()
        hint = (
            f" (Virtuoso refused the query on its cost estimate, {estimate} s against its limit of {limit} s: "
            "an estimate, not a measure; the endpoint's operator can raise MaxQueryCostEstimationTime in the "
            "[SPARQL] section of virtuoso.ini"
        )
        if len(self._foreign) > _FEW_OTHER_GRAPHS:
            # Each graph that is not the project's is left out by a pragma (see _excluding_others), and
            # Virtuoso's estimates grow with them: with 600 such graphs it refused every stored query at
            # 10,000 events, a lookup of six rows included, all answered within 2 s without them.
            hint += (
                f"; the endpoint also holds {len(self._foreign)} graphs that are not the project's, each left "
                "out of the query by a pragma, which raises the estimate: a Virtuoso of the project's own, or "
                "fewer other graphs, avoids it"
            )
        return hint + ")"

    def _query(self, query: str, bindings: Bindings | None, form: str, *, dataset: bool = True) -> tuple[bytes, str]:
        check_local(query)
        if is_update(query):
            raise QueryRefused("an update was given where a query was expected")
        return self._send(bind(query, bindings or {}), form, dataset=dataset)

    # -- GraphStore -----------------------------------------------------------------------------

    def named_graphs(self) -> set[ox.NamedNode]:
        if self._graphs is None:
            self._probe()
            names = self._graph_names()
            self._graphs = {g for g in names if g.value.startswith(self.graph_prefix)}
            self._foreign = names - self._graphs
        return set(self._graphs)

    def _probe(self) -> None:
        """Learns which server answers (its Server header), where no request has told it yet."""
        if self._server is None:
            self._query(_PROBE, None, ASK, dataset=False)

    def _graph_names(self) -> set[ox.NamedNode]:
        if self._server_is("oxigraph/"):
            return _named(self._select(_GRAPH_NAMES, None, dataset=False).rows)
        # In pages: Virtuoso cuts the list at its row limit like any answer (a project of 10,000 events
        # has 10,017 graphs, and Debian's Virtuoso returns 10,000 rows).
        return self._names_after(_GRAPHS_AFTER, {})

    def _other_graphs(self) -> set[ox.NamedNode]:
        """The endpoint's graphs that are not the project's, without listing the project's."""
        return self._names_after(_OTHER_GRAPHS_AFTER, {"prefix": ox.Literal(self.graph_prefix)})

    def _names_after(self, text: str, bindings: dict[str, ox.Literal]) -> set[ox.NamedNode]:
        """The graph names `text` lists in pages, each after the last name of the one before."""
        names: set[ox.NamedNode] = set()
        after = ""
        while True:
            rows = self._page(text, {**bindings, "after": ox.Literal(after)}, dataset=False)
            names |= _named(rows)
            if len(rows) < self.page_rows or not isinstance(rows[-1][0], ox.NamedNode):
                return names
            after = rows[-1][0].value

    def _pages(self, text: str, bindings: Bindings | None, *, dataset: bool = True) -> Iterator[list[tuple]]:
        """The rows of the SELECT `text`, page by page, for answers bigger than the endpoint returns at
        once."""
        blank_nodes: dict[str, ox.BlankNode] = {}
        offset = 0
        while True:
            rows = self._page(text, bindings, dataset=dataset, offset=offset, blank_nodes=blank_nodes)
            yield rows
            offset += len(rows)
            if len(rows) < self.page_rows:
                return

    def _page(self, text: str, bindings: Bindings | None, *, dataset: bool = True, offset: int | None = None,
              blank_nodes: dict[str, ox.BlankNode] | None = None) -> list[tuple]:
        """The rows of one page of the SELECT `text`. The page size and offset are ours, numbers, never
        a user's values. Where the endpoint cuts a page at a row limit it names, pages
        shrink below that limit and the page is asked again: a user need not know the limit for
        culturekg to read a whole graph or list every graph."""
        while True:
            try:
                page = f"{text} LIMIT {int(self.page_rows)}" + ("" if offset is None else f" OFFSET {int(offset)}")
                body, _ = self._query(page, bindings, SELECT, dataset=dataset)
            except RowLimitCut as cut:
                self._shrink_pages(cut)
                continue
            try:
                return parse_select(body, blank_nodes).rows
            except ResultsFormatError as exc:
                raise EndpointError(f"{self.query_url}: {exc}") from exc

    def _shrink_pages(self, cut: RowLimitCut) -> None:
        """Pages below the row limit the endpoint named in cutting an answer, or the cut as an error."""
        # Virtuoso flags an answer that reaches its limit as cut, even when nothing was left out.
        if cut.limit is None or cut.limit < 2 or self.page_rows < cut.limit:
            raise cut
        self.page_rows, self.row_limit = cut.limit - 1, cut.limit

    def select(self, query: str, bindings: Bindings | None = None) -> QueryResult:
        return self._select(query, bindings)

    def _select(self, query: str, bindings: Bindings | None, *, dataset: bool = True) -> QueryResult:
        body, _ = self._query(query, bindings, SELECT, dataset=dataset)
        try:
            return parse_select(body)
        except ResultsFormatError as exc:
            raise EndpointError(f"{self.query_url}: {exc}") from exc

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        body, _ = self._query(query, bindings, ASK)
        try:
            return parse_ask(body)
        except ResultsFormatError as exc:
            raise EndpointError(f"{self.query_url}: {exc}") from exc

    def construct(self, query: str, bindings: Bindings | None = None) -> list[ox.Triple]:
        body, media_type = self._query(query, bindings, CONSTRUCT)
        triples = list(self._parse_rdf(body, media_type, self.query_url))
        # Virtuoso cuts a CONSTRUCT at ResultSetMaxRows with no header to say so: an answer that
        # reaches the endpoint's row limit may be cut and is refused.
        if self.row_limit is not None and len(triples) >= self.row_limit:
            raise EndpointError(
                f"{self.query_url}: the CONSTRUCT answer has {len(triples)} triples, at or over the endpoint's "
                f"row limit ({self.row_limit}), so it may be cut short"
            )
        return triples

    def apply(self, change: GraphChange) -> None:
        # The cached listing is edited in place after each write, so that a write cut short leaves it
        # true; copying it per graph cost 1.6 ms a graph at 50,017 graphs, 80 s of a first push.
        self.named_graphs()
        graphs = self._graphs
        assert graphs is not None
        for graph in sorted(change.drop, key=lambda g: g.value):
            self._drop(graph)
            graphs.discard(graph)
        for graph in sorted(change.replace, key=lambda g: g.value):
            triples = change.replace[graph]
            if not triples:
                self._drop(graph)
                graphs.discard(graph)
            else:
                self._put(graph, triples)
                graphs.add(graph)
        for graph in sorted(change.edit, key=lambda g: g.value):
            remove, add = change.edit[graph]
            for text in edit_requests(graph, remove, add, self.chunk_triples):
                self._send(text, INSERT)
            if add:
                graphs.add(graph)

    @property
    def edits_triples(self) -> bool:
        return True

    def quads(self, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        if graph is not None:
            for triple in self._triples(graph):
                yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)
        elif self._reads_whole():
            yield from self._every_quad()
        else:
            yield from self._quads_in_batches(sorted(self.named_graphs(), key=lambda g: g.value))

    def _quads_in_batches(self, graphs: list[ox.NamedNode]) -> Iterator[ox.Quad]:
        """Every quad of `graphs`, several graphs to a request where their triples fit in one answer
        below the row limit: a count and a read for each graph took 6 minutes for the 10,017 graphs
        of 10,000 events on Virtuoso. Each batch is counted first, so that no answer is cut, and its
        graphs are checked against their counts; a graph bigger than an answer is read in pages."""
        batch, at = _FIRST_BATCH, 0
        while at < len(graphs):
            names = graphs[at:at + batch]
            counts = self._counts(names)
            total = sum(counts.values())
            if total >= self.page_rows and len(names) > 1:
                batch = max(1, len(names) // 2)
                continue
            if total >= self.page_rows:
                yield from self.quads(names[0])
            else:
                try:
                    quads = self._batch(names, counts)
                except RowLimitCut as cut:
                    self._shrink_pages(cut)
                    continue
                yield from quads
            at += len(names)
            # As many graphs as fill most of a page, at the size of the ones just read.
            batch = max(1, min(_MAX_BATCH, int(0.8 * self.page_rows * len(names) / max(total, 1))))

    def _counts(self, graphs: list[ox.NamedNode]) -> dict[ox.NamedNode, int]:
        rows = self._select(bind_rows(_COUNTS, ["g"], [[g] for g in graphs]), None).rows
        return {g: int(n.value) for g, n in rows if isinstance(g, ox.NamedNode) and isinstance(n, ox.Literal)}

    def _batch(self, graphs: list[ox.NamedNode], counts: dict[ox.NamedNode, int]) -> list[ox.Quad]:
        rows = self._select(bind_rows(_BATCH, ["g"], [[g] for g in graphs]), None).rows
        read: dict[ox.NamedNode, set[ox.Triple]] = {g: set() for g in graphs}
        for s, p, o, g in rows:
            if g not in read:
                raise EndpointError(f"{self.query_url}: answered with graph {g}, which was not asked for")
            read[g].add(ox.Triple(s, p, o))
        for graph in graphs:
            self._check_read(f"graph {graph.value}", counts.get(graph, 0), len(read[graph]))
        return [ox.Quad(t.subject, t.predicate, t.object, graph) for graph in graphs for t in read[graph]]

    def _reads_whole(self) -> bool:
        """Whether a whole graph, or every graph, can be read in one answer: the Oxigraph server cuts
        none, where Virtuoso cuts at its row limit (and sorting it for each page is the price)."""
        self.named_graphs()
        return self._server_is("oxigraph/")

    def _every_quad(self) -> Iterator[ox.Quad]:
        # One streamed answer: two requests per graph took 6 min 41 s for the 50,017 graphs of 50,000
        # events.
        for s, p, o, g in self._streamed_rows(_EVERY_QUAD, self.count(), "the project's graphs"):
            if not isinstance(g, ox.NamedNode) or not g.value.startswith(self.graph_prefix):
                raise EndpointError(f"{self.query_url}: answered with graph {g}, which is not the project's")
            yield ox.Quad(s, p, o, g)

    def _streamed_rows(self, text: str, expected: int, what: str) -> Iterator[tuple]:
        """The rows of one streamed SELECT, checked against the count taken before: an answer cut
        short is an error, never a smaller graph."""
        seen = 0
        with self._streamed_select(text) as solutions:
            for solution in solutions:
                seen += 1
                yield tuple(solution)
        self._check_read(what, expected, seen)

    def _check_read(self, what: str, expected: int, seen: int) -> None:
        if seen != expected:
            raise EndpointError(f"{self.query_url}: {what} has {expected} triples but {seen} were read")

    def count(self, graph: ox.NamedNode | None = None) -> int:
        if graph is not None and graph not in self.named_graphs():
            return 0
        return self._number(_COUNT, {"g": graph} if graph is not None else None)

    def _number(self, query: str, bindings: Bindings | None, *, dataset: bool = True) -> int:
        """The one number a COUNT query answers."""
        rows = self._select(query, bindings, dataset=dataset).rows
        cell = rows[0][0] if rows else None
        if not isinstance(cell, ox.Literal):
            raise EndpointError(f"{self.query_url}: COUNT gave no number")
        return int(cell.value)

    def close(self) -> None:
        self._graphs = None
        self._union = None

    # -- writes and graph reads ------------------------------------------------------------------

    def _gsp_request(self, method: str, graph: ox.NamedNode, body: bytes | None = None) -> urllib.request.Request:
        url = self.gsp_url + ("&" if "?" in self.gsp_url else "?") + urllib.parse.urlencode({"graph": graph.value})
        request = urllib.request.Request(url, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/n-triples")
        return request

    def _put(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        if self._gsp is not None:
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            send(self._gsp, self._gsp_request("PUT", graph, body), self.timeout)
            return
        for text in update_requests(graph, triples, self.chunk_triples):
            self._send(text, INSERT)

    def _drop(self, graph: ox.NamedNode) -> None:
        if self._gsp is not None:
            send(self._gsp, self._gsp_request("DELETE", graph), self.timeout, accept_missing=True)
        else:
            self._send(next(update_requests(graph, [], self.chunk_triples)), INSERT)

    def _triples(self, graph: ox.NamedNode) -> Iterator[ox.Triple]:
        expected = self.count(graph)
        if self._reads_whole():
            # The whole graph in one streamed answer, unsorted: sorting it for each page cost 5.5 minutes
            # for the 206,581 triples of the meta graph at 50,000 events, most of a push that wrote
            # nothing, and parsing the answer as it arrives 1.8 s where parsing it whole took 4.9 s.
            for s, p, o in self._streamed_rows(bind(_WHOLE, {"g": graph}), expected, f"graph {graph.value}"):
                yield ox.Triple(s, p, o)
            return
        # Pages of SELECT, not a Graph Store GET or a CONSTRUCT: Virtuoso cuts both at its row limit
        # without saying so, while a SELECT it cuts carries a header we refuse.
        #
        # Virtuoso sorts at most MaxSortedTopRows (10,000 unless its operator raised it) for a LIMIT and
        # OFFSET, so its pages come in its own order. A graph is a set: a triple read twice is dropped,
        # and then one missed leaves the count short, which is an error, never a smaller graph.
        unsorted = self._server_is("virtuoso/")
        read: set[ox.Triple] = set()
        for rows in self._pages(_WHOLE if unsorted else _PAGE, {"g": graph}):
            for s, p, o in rows:
                triple = ox.Triple(s, p, o)
                if triple not in read:
                    read.add(triple)
                    yield triple
        self._check_read(f"graph {graph.value}", expected, len(read))

    @staticmethod
    def _parse_rdf(body: bytes, media_type: str, url: str) -> Iterable[ox.Triple]:
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is None:
            raise EndpointError(f"{url}: answered {media_type}, not an RDF format")
        try:
            return [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(body, format=rdf_format)]
        except SyntaxError as exc:
            raise EndpointError(f"{url}: the {media_type} answer does not parse: {exc}") from exc
