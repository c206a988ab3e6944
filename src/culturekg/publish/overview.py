"""Site-level pages: the overview with its pictures, the list of events, the stored-query catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from ..queries.catalogue import StoredQuery, find
from .charts import event_diagram, party_matrix, timeline
from .html import Linker, esc, page, term_html
from .settings import ReleaseInfo
from .view import GraphView

# Events are instances of ckg:Event or its sub-classes; the ontology is in the store (graph/ontology/...).
_EVENTS = """
PREFIX ckg: <https://w3id.org/culturekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?event (MIN(STR(?start)) AS ?date) WHERE {
  ?event a/rdfs:subClassOf* ckg:Event ; ckg:startDate ?start .
} GROUP BY ?event"""
_DIAGRAMS_ON_OVERVIEW = 30


def _events(view: GraphView) -> list[tuple[str, ox.NamedNode]]:
    rows = view.select(_EVENTS)
    return sorted(((r["date"].value, r["event"]) for r in rows if isinstance(r["event"], ox.NamedNode)),
                  key=lambda r: (r[0], r[1].value), reverse=True)


def overview_page(view: GraphView, info: ReleaseInfo, linker: Linker, *, server: bool = False) -> str:
    events = _events(view)
    diagrams = []
    for date, event in events[:_DIAGRAMS_ON_OVERVIEW]:
        picture = event_diagram(view, event, linker)
        if picture:
            diagrams.append(f"<h3>{esc(date)} · {term_html(event, view, linker)}</h3><div class=\"chart\">{picture}</div>")
    downloads = "" if server else (
        f'<p>Downloads: <a href="{esc(linker.site("void.ttl"))}">dataset description (VoID/DCAT)</a> · '
        f'<a href="{esc(linker.site("SHA256SUMS"))}">SHA256SUMS</a> · dumps in '
        + ", ".join(f'<a href="{esc(linker.site("dumps/culturekg." + ext))}">{name}</a>'
                    for ext, name in (("nq", "N-Quads"), ("trig", "TriG"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"), ("ttl", "Turtle"), ("rdf", "RDF/XML")))
        + "</p>"
    )
    version = f" · version {esc(info.version)}" if info.version else ""
    issued = f" · released {esc(info.release_date.isoformat())}" if info.release_date else ""
    body = (
        f"<h1>{esc(info.title)}</h1><p>{esc(info.description)}</p><p class=\"small\">{len(events)} events{version}{issued}</p>"
        + downloads
        + f'<p><a href="{esc(linker.site("events.html"))}">All events</a></p>'
        + f'<h2>Events per year, by convention</h2><div class="chart">{timeline(view)}</div>'
        + f'<h2>States Parties to the culture conventions</h2><div class="chart">{party_matrix(view, linker)}</div>'
        + "<h2>Who organized, facilitated and attended</h2>"
        + (f'<p class="small">The {_DIAGRAMS_ON_OVERVIEW} most recent events; every event page has its own.</p>' if len(events) > _DIAGRAMS_ON_OVERVIEW else "")
        + "".join(diagrams)
    )
    return page(info.title, body, linker, server=server)


def events_page(view: GraphView, linker: Linker, *, server: bool = False) -> str:
    rows = "".join(f"<tr><td>{esc(date)}</td><td>{term_html(event, view, linker)}</td></tr>" for date, event in _events(view))
    return page("Events", f"<h1>Events</h1><table><tr><th>start</th><th>event</th></tr>{rows}</table>", linker, server=server)


def stored_queries(queries_dirs: Sequence[Path]) -> list[StoredQuery]:
    present = [d for d in queries_dirs if d.is_dir()]
    return sorted(find(present).values(), key=lambda q: q.name) if present else []


def queries_page(queries: list[StoredQuery], linker: Linker, *, server: bool = False) -> str:
    items = []
    for query in queries:
        params = "".join(
            f"<tr><td><code>{esc(p.name)}</code></td><td>{esc(p.type)}</td><td>{esc(p.default or '')}</td><td>{esc(p.description)}</td></tr>"
            for p in query.params
        )
        run = f' · <a href="{esc(linker.site("sparql"))}?stored={esc(query.name)}">run</a>' if server else ""
        items.append(
            f'<section id="{esc(query.name)}"><h2>{esc(query.title)}</h2>'
            f'<p><code>{esc(query.name)}</code>{" · data-quality check: must return no rows" if query.is_violation else ""}{run}</p>'
            f"<p>{esc(query.question)}</p><p class=\"small\">keywords: {esc(', '.join(query.keywords))}</p>"
            + (f"<table><tr><th>parameter</th><th>type</th><th>default</th><th>meaning</th></tr>{params}</table>" if params else "")
            + f"<details><summary>SPARQL</summary><pre>{esc(query.text)}</pre></details></section>"
        )
    body = f"<h1>Stored queries ({len(queries)})</h1>" + "".join(items)
    return page("Stored queries", body, linker, server=server)
