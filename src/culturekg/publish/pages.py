"""One HTML page per entity: labels, types, every statement with linked values, participations
resolved to events, incoming links, sources, and the entity's JSON-LD embedded."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..vocab import CKG, ROLE_NS
from . import jsonld
from .charts import event_diagram
from .html import Linker, esc, page, term_html
from .view import GraphView

_ROLE_VERBS = {
    "organizer": "organized", "co-organizer": "co-organized", "funder": "funded", "supporter": "supported",
    "partner": "was a partner of", "facilitator": "facilitated", "speaker": "spoke at", "participant": "attended",
}
_INCOMING_LIMIT = 200


def entity_jsonld(view: GraphView, entity: ox.NamedNode, description: list[ox.Triple] | None = None) -> dict:
    triples = description if description is not None else view.description(entity)
    return jsonld.document((ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples), view.base_iri)


def entity_turtle(view: GraphView, entity: ox.NamedNode, description: list[ox.Triple] | None = None) -> bytes:
    triples = description if description is not None else view.description(entity)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=jsonld.context(view.base_iri))


def _role_name(role) -> str:
    return role.value.removeprefix(ROLE_NS) if isinstance(role, ox.NamedNode) else str(role)


def _statements(view: GraphView, entity, linker: Linker) -> str:
    by_predicate: dict[ox.NamedNode, list] = defaultdict(list)
    for quad in view.outgoing(entity):
        if quad.object not in by_predicate[quad.predicate]:
            by_predicate[quad.predicate].append(quad.object)
    rows = []
    for predicate in sorted(by_predicate, key=lambda p: (view.label(p), p.value)):
        values = "<br>".join(term_html(v, view, linker) for v in by_predicate[predicate])
        rows.append(f"<tr><th>{term_html(predicate, view, linker)}</th><td>{values}</td></tr>")
    return "<h2>Statements</h2><table>" + "".join(rows) + "</table>" if rows else ""


def _participations_of_agent(view: GraphView, agent, linker: Linker) -> tuple[str, set]:
    rows, used = [], set()
    for quad in view.incoming(agent):
        if quad.predicate not in (CKG.agent, CKG.represented):
            continue
        participation = quad.subject
        used.add(participation)
        event = view.first(participation, CKG.event)
        role = _role_name(view.first(participation, CKG.role))
        verb = _ROLE_VERBS.get(role, role) if quad.predicate == CKG.agent else f"was represented ({role}) at"
        capacity = view.first(participation, CKG.capacity)
        date = view.first(event, CKG.startDate) if event is not None else None
        rows.append((date.value if date is not None else "", verb, event, capacity))
    if not rows:
        return "", used
    rows.sort(key=lambda r: (r[0], r[1], str(r[2])))
    body = "".join(
        f"<tr><td>{esc(date)}</td><td>{esc(verb)}</td><td>{term_html(event, view, linker)}</td><td>{term_html(capacity, view, linker)}</td></tr>"
        for date, verb, event, capacity in rows
    )
    return ("<h2>Events</h2><table><tr><th>date</th><th>what</th><th>event</th><th>capacity</th></tr>" + body + "</table>"), used


def _participants_of_event(view: GraphView, event, linker: Linker) -> tuple[str, set]:
    rows, used = [], set()
    for quad in view.incoming(event):
        if quad.predicate != CKG.event:
            continue
        participation = quad.subject
        used.add(participation)
        agent = view.first(participation, CKG.agent)
        role = _role_name(view.first(participation, CKG.role))
        rows.append((role, agent, view.first(participation, CKG.capacity), view.first(participation, CKG.represented)))
    if not rows:
        return "", used
    rows.sort(key=lambda r: (r[0], view.label(r[1]) if r[1] is not None else "", str(r[1])))
    body = "".join(
        f"<tr><td>{esc(role)}</td><td>{term_html(agent, view, linker)}</td><td>{term_html(capacity, view, linker)}</td><td>{term_html(rep, view, linker)}</td></tr>"
        for role, agent, capacity, rep in rows
    )
    return ("<h2>Who took part</h2>" + event_diagram(view, event, linker)
            + "<table><tr><th>role</th><th>who</th><th>capacity</th><th>representing</th></tr>" + body + "</table>"), used


def _memberships(view: GraphView, entity, linker: Linker) -> tuple[str, set]:
    """A country's conventions, or a convention's States Parties, with the dates that make them so."""
    rows, used = [], set()
    for quad in view.incoming(entity):
        if quad.predicate not in (CKG.state, CKG.convention) or not view.values(quad.subject, CKG.state):
            continue
        membership = quad.subject
        used.add(membership)
        other = view.first(membership, CKG.convention if quad.predicate == CKG.state else CKG.state)
        rows.append((view.label(other) if other is not None else "", other, membership))
    if not rows:
        return "", used
    rows.sort(key=lambda r: (r[0], str(r[2])))
    heading = "convention" if any(view.values(r[2], CKG.state) == [entity] for r in rows) else "State"
    cells = []
    for _, other, membership in rows:
        values = [view.first(membership, p) for p in (CKG.partyFrom, CKG.partyUntil, CKG.depositDate, CKG.instrumentKind)]
        cells.append(f"<tr><td>{term_html(other, view, linker)}</td>" + "".join(f"<td>{term_html(v, view, linker)}</td>" for v in values)
                     + f"<td>{term_html(membership, view, linker)}</td></tr>")
    return (f"<h2>Memberships ({len(rows)})</h2><table><tr><th>{heading}</th><th>party from</th><th>party until</th>"
            "<th>instrument deposited</th><th>instrument</th><th>fact</th></tr>" + "".join(cells) + "</table>"), used


def _incoming(view: GraphView, entity, linker: Linker, skip: set) -> str:
    groups: dict[ox.NamedNode, list] = defaultdict(list)
    for quad in view.incoming(entity):
        if quad.subject in skip or quad.subject in groups[quad.predicate]:
            continue
        groups[quad.predicate].append(quad.subject)
    sections = []
    for predicate in sorted(groups, key=lambda p: (view.label(p), p.value)):
        subjects = groups[predicate]
        shown = "".join(f"<li>{term_html(s, view, linker)}</li>" for s in subjects[:_INCOMING_LIMIT])
        more = f'<li class="small">and {len(subjects) - _INCOMING_LIMIT} more</li>' if len(subjects) > _INCOMING_LIMIT else ""
        sections.append(f"<h3>{term_html(predicate, view, linker)} ({len(subjects)})</h3><ul>{shown}{more}</ul>")
    return "<h2>Referred to by</h2>" + "".join(sections) if sections else ""


def _sources(view: GraphView, entity, linker: Linker, participations: set) -> str:
    sources = set(view.values(entity, CKG.reportedIn))
    for participation in participations:
        sources.update(view.values(participation, CKG.reportedIn))
    if not sources:
        return ""
    items = []
    for source in sorted(sources, key=str):
        url = view.first(source, CKG.url)
        publisher = view.first(source, CKG.publisher) or view.first(source, CKG.publisherName)
        date = view.first(source, CKG.publicationDate)
        bits = [term_html(source, view, linker)]
        if url is not None:
            bits.append(term_html(url, view, linker))
        if publisher is not None:
            bits.append("published by " + term_html(publisher, view, linker))
        if date is not None:
            bits.append(esc(date.value))
        items.append("<li>" + " · ".join(bits) + "</li>")
    return "<h2>Sources</h2><ul>" + "".join(items) + "</ul>"


def entity_page(view: GraphView, entity: ox.NamedNode, linker: Linker, *, server: bool = False, document: dict | None = None) -> str:
    """The page; `document` is the entity's JSON-LD when the caller has it already."""
    label = view.label(entity)
    types = ", ".join(term_html(t, view, linker) for t in view.types(entity)) or "no type stated"
    formats = " · ".join(f'<a href="{esc(linker.entity_file(entity.value, ext))}">{name}</a>'
                         for ext, name in (("ttl", "Turtle"), ("jsonld", "JSON-LD")))
    # Anything that participations point at with ckg:event is an event, whatever subclass it is typed with.
    participants, used = _participants_of_event(view, entity, linker)
    events, used_by_agent = _participations_of_agent(view, entity, linker)
    memberships, membership_facts = _memberships(view, entity, linker)
    graphs = "".join(f"<li>{term_html(g, view, linker)}</li>" for g in view.graphs_about(entity))
    body = (
        f"<h1>{esc(label)}</h1>"
        f'<p class="iri"><code>{esc(entity.value)}</code><br>{types} · {formats}</p>'
        + participants + events + _statements(view, entity, linker) + memberships
        + _sources(view, entity, linker, used | used_by_agent)
        + _incoming(view, entity, linker, used | used_by_agent | membership_facts)
        + (f"<h2>Stated in</h2><ul>{graphs}</ul>" if graphs else "")
        + f'<script type="application/ld+json">{jsonld.for_script(document or entity_jsonld(view, entity))}</script>'
    )
    # Linked-data clients find the other representations from the HTML too.
    alternates = "".join(f'<link rel="alternate" type="{media}" href="{esc(linker.entity_file(entity.value, ext))}">'
                         for ext, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json")))
    return page(label, body, linker, server=server, head=alternates)
