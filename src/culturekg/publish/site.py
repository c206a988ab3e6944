"""The static linked-data site of a release: a page per entity with its .ttl and .jsonld next to it,
the ontology documentation, the stored-query catalogue, the overview with its pictures."""

from __future__ import annotations

import pyoxigraph as ox

from ..project import Project
from .atomic import Staging
from .docs import load_ontology, ontology_page, term_labels
from .html import STYLE, Linker
from .overview import events_page, overview_page, queries_page, stored_queries
from .pages import entity_jsonld, entity_page, entity_turtle
from . import jsonld
from .paths import page_stem
from .settings import ReleaseInfo
from .view import GraphView


def site_view(quads: list[ox.Quad], project: Project) -> tuple[GraphView, ox.Store]:
    """A store for the pages: the release's quads, plus the ontology if the store did not hold it
    (pages need its labels and class hierarchy)."""
    ontology = load_ontology(project.ontology_file)
    store = ox.Store()
    store.extend(quads)
    graph = ox.NamedNode(f"{project.base_iri}graph/ontology/{project.ontology_file.name}")
    if not store.contains_named_graph(graph):
        store.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in ontology)
    return GraphView(store, project.base_iri, term_labels(ontology)), ontology


def build_site(staging: Staging, quads: list[ox.Quad], project: Project, info: ReleaseInfo) -> None:
    view, ontology = site_view(quads, project)
    staging.write("static/style.css", STYLE.encode("utf-8"))
    staging.write("index.html", overview_page(view, info, Linker(project.base_iri, "index.html")).encode("utf-8"))
    staging.write("events.html", events_page(view, Linker(project.base_iri, "events.html")).encode("utf-8"))
    staging.write("ontology/index.html", ontology_page(ontology, project.base_iri, Linker(project.base_iri, "ontology/index.html")).encode("utf-8"))
    staging.write("queries/index.html", queries_page(stored_queries(project.queries_dirs), Linker(project.base_iri, "queries/index.html")).encode("utf-8"))
    for entity in view.page_subjects():
        stem = page_stem(entity.value, project.base_iri)
        linker = Linker(project.base_iri, f"{stem}.html")
        # Staging.write refuses any path outside the release folder, whatever the IRI was.
        description = view.description(entity)
        document = entity_jsonld(view, entity, description)
        staging.write(f"{stem}.html", entity_page(view, entity, linker, document=document).encode("utf-8"))
        staging.write(f"{stem}.ttl", entity_turtle(view, entity, description))
        staging.write(f"{stem}.jsonld", jsonld.dumps(document))
