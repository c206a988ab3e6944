"""Ontology documentation generated from `ontology/culturekg.ttl`: every class, property and concept
with its label, definition and alignments (super-classes, super-properties, domain, range, matches)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..vocab import CKG_NS, OWL, RDF, RDFS, SKOS
from .html import Linker, esc, page
from .paths import term_anchor
from .view import GraphView

_SECTIONS = (
    ("Classes", OWL.Class),
    ("Object properties", OWL.ObjectProperty),
    ("Datatype properties", OWL.DatatypeProperty),
    ("Annotation properties", OWL.AnnotationProperty),
    ("Concepts", SKOS.Concept),
    # Roles, instrument kinds and source kinds: whatever else the ontology types (ckg:Role, ...).
    ("Individuals and concepts (roles, instrument kinds, source kinds)", None),
)
_AXIOMS = (
    ("sub-class of", RDFS.subClassOf), ("equivalent to", OWL.equivalentClass), ("disjoint with", OWL.disjointWith),
    ("sub-property of", RDFS.subPropertyOf), ("inverse of", OWL.inverseOf), ("domain", RDFS.domain), ("range", RDFS.range),
    ("type", RDF.type), ("in scheme", SKOS.inScheme), ("broader", SKOS.broader), ("narrower", SKOS.narrower),
    ("exact match", SKOS.exactMatch), ("close match", SKOS.closeMatch), ("see also", RDFS.seeAlso),
)


def load_ontology(path: Path) -> ox.Store:
    store = ox.Store()
    if path.is_file():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=CKG_NS)
    return store


def term_labels(store: ox.Store) -> dict[str, str]:
    """Label of every term the ontology labels, for showing properties by name on entity pages."""
    labels: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, RDFS.label, None, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
            if quad.object.language in (None, "en") or quad.subject.value not in labels:
                labels[quad.subject.value] = quad.object.value
    return labels


def anchor(iri: str) -> str:
    return term_anchor(iri) or ""


def _expression(view: GraphView, term, linker: Linker, depth: int = 0) -> str:
    """Class expressions in the ontology are blank nodes; show unions and restrictions in words."""
    if not isinstance(term, ox.BlankNode) or depth > 4:
        if isinstance(term, ox.NamedNode) and anchor(term.value):
            return f'<a href="#{esc(anchor(term.value))}">{esc(view.compact(term.value))}</a>'
        return esc(view.compact(term.value)) if isinstance(term, ox.NamedNode) else esc(getattr(term, "value", term))
    for word, predicate in (("or", OWL.unionOf), ("and", OWL.intersectionOf), ("one of", OWL.oneOf)):
        members = view.first(term, predicate)
        if members is not None:
            items = _list(view, members)
            joined = f" {word} ".join(_expression(view, m, linker, depth + 1) for m in items)
            return f"({joined})"
    on = view.first(term, OWL.onProperty)
    if on is not None:
        for word, predicate in (("some", OWL.someValuesFrom), ("only", OWL.allValuesFrom), ("value", OWL.hasValue)):
            value = view.first(term, predicate)
            if value is not None:
                return f"{_expression(view, on, linker, depth + 1)} {word} {_expression(view, value, linker, depth + 1)}"
    datatype = view.first(term, OWL.onDatatype)
    if datatype is not None:
        return f"{_expression(view, datatype, linker, depth + 1)} (restricted)"
    return "(class expression)"


def _list(view: GraphView, node) -> list:
    items, seen = [], set()
    while isinstance(node, ox.BlankNode) and node not in seen:
        seen.add(node)
        first = view.first(node, RDF.first)
        if first is not None:
            items.append(first)
        node = view.first(node, RDF.rest)
    return items


def ontology_page(store: ox.Store, base_iri: str, linker: Linker, *, server: bool = False) -> str:
    view = GraphView(store, base_iri)
    ontology = next((q.subject for q in store.quads_for_pattern(None, RDF.type, OWL.Ontology, None)), None)
    intro = ""
    if ontology is not None:
        description = view.first(ontology, ox.NamedNode("http://purl.org/dc/terms/description"))
        version = view.first(ontology, OWL.versionInfo)
        intro = (f"<p><code>{esc(ontology.value)}</code>" + (f" version {esc(version.value)}" if version else "") + "</p>"
                 + (f"<p>{esc(description.value)}</p>" if description else ""))
    sections, index, documented = [], [], set()
    for title, kind in _SECTIONS:
        # kind None matches any type: the last section takes every term not documented above.
        terms = sorted({q.subject for q in store.quads_for_pattern(None, RDF.type, kind, None)
                        if isinstance(q.subject, ox.NamedNode) and anchor(q.subject.value) and q.subject not in documented},
                       key=lambda t: t.value)
        documented.update(terms)
        if not terms:
            continue
        index.append(f'<li>{esc(title)}: ' + ", ".join(f'<a href="#{esc(anchor(t.value))}">{esc(view.compact(t.value))}</a>' for t in terms) + "</li>")
        entries = []
        for term in terms:
            definition = view.first(term, SKOS.definition) or view.first(term, RDFS.comment)
            rows = []
            for name, predicate in _AXIOMS:
                values = view.values(term, predicate)
                if values:
                    rows.append(f"<tr><th>{esc(name)}</th><td>{'<br>'.join(_expression(view, v, linker) for v in values)}</td></tr>")
            entries.append(
                f'<section id="{esc(anchor(term.value))}"><h3>{esc(view.label(term))} <code class="small">{esc(view.compact(term.value))}</code></h3>'
                f'<p class="iri">{esc(term.value)}</p>'
                + (f"<p>{esc(definition.value)}</p>" if definition else "")
                + (f"<table>{''.join(rows)}</table>" if rows else "") + "</section>"
            )
        sections.append(f"<h2>{esc(title)} ({len(terms)})</h2>" + "".join(entries))
    body = "<h1>The culturekg ontology</h1>" + intro + "<ul>" + "".join(index) + "</ul>" + "".join(sections)
    return page("culturekg ontology", body, linker, server=server)
