"""Read access to the graph for pages and pictures: labels, an entity's statements, who points at it.

Works on any pyoxigraph Store: an in-memory copy of the release (static site) or the read-only
store the server opened. Queries here are constants; values go in through `culturekg.sparql.bind`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import pyoxigraph as ox

from ..sparql import bind
from ..vocab import CKG, PREFIXES, RDF, RDFS, SKOS
from .paths import page_stem

Term = ox.NamedNode | ox.BlankNode | ox.Literal
_LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, CKG.shortName, CKG.headline)


class GraphView:
    def __init__(self, store: ox.Store, base_iri: str, term_labels: Mapping[str, str] | None = None) -> None:
        self.store = store
        self.base_iri = base_iri
        self.term_labels = dict(term_labels or {})
        self._prefixes = sorted({**PREFIXES, "ckgid": f"{base_iri}id/"}.items(), key=lambda kv: -len(kv[1]))
        self.label = lru_cache(maxsize=200_000)(self._label)
        self.has_page = lru_cache(maxsize=200_000)(self._has_page)

    def outgoing(self, subject: ox.NamedNode | ox.BlankNode) -> list[ox.Quad]:
        return sorted(self.store.quads_for_pattern(subject, None, None, None), key=lambda q: (str(q.predicate), str(q.object)))

    def incoming(self, obj: Term) -> list[ox.Quad]:
        return sorted(self.store.quads_for_pattern(None, None, obj, None), key=lambda q: (str(q.predicate), str(q.subject)))

    def values(self, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode) -> list[Term]:
        return sorted({q.object for q in self.store.quads_for_pattern(subject, predicate, None, None)}, key=str)

    def first(self, subject, predicate) -> Term | None:
        found = self.values(subject, predicate)
        return found[0] if found else None

    def types(self, subject) -> list[ox.NamedNode]:
        return [t for t in self.values(subject, RDF.type) if isinstance(t, ox.NamedNode)]

    def compact(self, iri: str) -> str:
        for name, namespace in self._prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{name}:{iri[len(namespace):]}"
        return iri

    def _label(self, term: Term) -> str:
        if isinstance(term, ox.Literal):
            return term.value
        if isinstance(term, ox.NamedNode) and term.value in self.term_labels:
            return self.term_labels[term.value]
        for predicate in _LABEL_PROPERTIES:
            labels = [q.object for q in self.store.quads_for_pattern(term, predicate, None, None) if isinstance(q.object, ox.Literal)]
            if labels:
                # English first, then untagged, then any: pages are in English.
                labels.sort(key=lambda l: (l.language not in ("en", None) and not (l.language or "").startswith("en-"), l.language is not None, l.value))
                return labels[0].value
        return self.compact(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}"

    def _has_page(self, term: Term) -> bool:
        if not isinstance(term, ox.NamedNode) or page_stem(term.value, self.base_iri) is None:
            return False
        return next(iter(self.store.quads_for_pattern(term, None, None, None)), None) is not None

    def page_subjects(self) -> list[ox.NamedNode]:
        """Every IRI that gets a page: subjects under {base}id/ or {base}graph/, sorted."""
        subjects = {q.subject for q in self.store.quads_for_pattern(None, None, None, None) if isinstance(q.subject, ox.NamedNode)}
        return sorted((s for s in subjects if page_stem(s.value, self.base_iri) is not None), key=lambda s: s.value)

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[dict[str, Term | None]]:
        solutions = self.store.query(bind(query, bindings or {}), use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names} for s in solutions]

    def description(self, subject: ox.NamedNode) -> list[ox.Triple]:
        """The entity's own statements, and those of blank nodes it points to (its concise bounded description)."""
        seen: set = set()
        triples: set[ox.Triple] = set()
        todo: list = [subject]
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for quad in self.store.quads_for_pattern(node, None, None, None):
                triples.add(quad.triple)
                if isinstance(quad.object, ox.BlankNode):
                    todo.append(quad.object)
        return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def graphs_about(self, subject: ox.NamedNode) -> list[ox.NamedNode]:
        return sorted({q.graph_name for q in self.store.quads_for_pattern(subject, None, None, None)
                       if isinstance(q.graph_name, ox.NamedNode)}, key=str)
