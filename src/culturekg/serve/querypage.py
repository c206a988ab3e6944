"""The query page: a text area for any query, the stored queries with their parameters as form fields,
and the answer as a table whose IRIs link to their pages, with download links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

import pyoxigraph as ox

from ..publish.html import Linker, esc, page, term_html
from ..publish.view import GraphView
from ..queries.catalogue import StoredQuery

_DOWNLOADS = (("csv", "CSV"), ("tsv", "TSV"), ("json", "JSON"), ("xml", "XML"))
_GRAPH_DOWNLOADS = (("ttl", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML"))


def select_table(data: bytes, view: GraphView, linker: Linker) -> str:
    solutions = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    if isinstance(solutions, ox.QueryBoolean):
        return f'<p id="answer">Answer: <strong>{"yes" if bool(solutions) else "no"}</strong></p>'
    names = [v.value for v in solutions.variables]
    rows = ["<tr>" + "".join(f"<td>{term_html(s[n], view, linker)}</td>" for n in names) + "</tr>" for s in solutions]
    head = "<tr>" + "".join(f"<th>{esc(n)}</th>" for n in names) + "</tr>"
    return f'<p class="small">{len(rows)} row(s)</p><table id="results">{head}{"".join(rows)}</table>'


def triples_table(data: bytes, view: GraphView, linker: Linker) -> str:
    triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    rows = "".join(f"<tr><td>{term_html(t.subject, view, linker)}</td><td>{term_html(t.predicate, view, linker)}</td>"
                   f"<td>{term_html(t.object, view, linker)}</td></tr>" for t in triples)
    return f'<p class="small">{len(triples)} triple(s)</p><table id="results"><tr><th>subject</th><th>predicate</th><th>object</th></tr>{rows}</table>'


def downloads(query: str, form: str, linker: Linker) -> str:
    choices = _GRAPH_DOWNLOADS if form in ("CONSTRUCT", "DESCRIBE") else _DOWNLOADS
    links = " · ".join(f'<a class="download" href="{esc(linker.site("sparql"))}?{esc(urlencode({"query": query, "format": fmt}))}">{name}</a>' for fmt, name in choices)
    return f"<p>Download: {links}</p>"


def query_page(
    view: GraphView,
    queries: Mapping[str, StoredQuery],
    *,
    query_text: str = "",
    stored: StoredQuery | None = None,
    values: Mapping[str, str] | None = None,
    answer: str = "",
    error: str = "",
    warnings: Sequence[str] = (),
    linker: Linker | None = None,
) -> str:
    linker = linker or Linker(view.base_iri)
    values = values or {}
    options = "".join(
        f'<option value="{esc(name)}"{" selected" if stored and stored.name == name else ""}>{esc(name)}: {esc(q.title)}</option>'
        for name, q in sorted(queries.items())
    )
    params = ""
    if stored is not None:
        fields = "".join(
            f'<tr><th><label for="p.{esc(p.name)}">{esc(p.name)}</label></th><td><input id="p.{esc(p.name)}" name="p.{esc(p.name)}" '
            f'value="{esc(values.get(p.name, p.default or ""))}"{"" if p.default is not None else " required"}></td>'
            f"<td>{esc(p.type)}</td><td>{esc(p.description)}</td></tr>"
            for p in stored.params
        )
        params = (f"<p>{esc(stored.question)}</p>"
                  + (f"<table><tr><th>parameter</th><th>value</th><th>type</th><th>meaning</th></tr>{fields}</table>" if fields else "")
                  + '<button type="submit" name="run" value="1" id="run-stored">Run stored query</button>')
    shown = query_text or (stored.text if stored else "")
    body = (
        "<h1>Query</h1>"
        + (f'<p class="error" id="error">{esc(error)}</p>' if error else "")
        + "".join(f'<p class="error warning">Warning: {esc(w)}</p>' for w in warnings)
        + f'<h2>Stored queries</h2><form method="get" action="{esc(linker.site("sparql"))}" id="stored-form">'
        + f'<select name="stored" id="stored">{options}</select> <button type="submit" id="choose">Choose</button>{params}</form>'
        + f'<h2>SPARQL</h2><form method="post" action="{esc(linker.site("sparql"))}" id="query-form">'
        + f'<textarea name="query" id="query" spellcheck="false">{esc(shown)}</textarea>'
        + '<p><button type="submit" id="run-query">Run query</button> <span class="small">read-only; SERVICE, LOAD and outside graphs are refused</span></p></form>'
        + answer
    )
    return page("Query", body, linker, server=True)
